//! Leads over HTTP.
//!
//! | method | path                                   | operation        |
//! |--------|----------------------------------------|------------------|
//! | GET    | /api/leads                             | listLeads        |
//! | POST   | /api/leads                             | createLead       |
//! | GET    | /api/leads/{id}                        | getLead          |
//! | PATCH  | /api/leads/{id}                        | updateLead       |
//! | DELETE | /api/leads/{id}                        | deleteLead       |
//! | GET    | /api/leads/{id}/export                 | exportLead       |
//! | POST   | /api/leads/{id}/merge                  | mergeLeads       |
//! | GET    | /api/leads/export.csv                  | exportLeadsCsv   |
//!
//! `/api/admin/leads` (what the admin UI calls) has the same operations, served and left out
//! of the spec, so a generated SDK has each lead operation once (one `create_lead`).

use std::collections::BTreeMap;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::ApiTags;
use super::auth::Caller;
use super::body::JsonBody;
use super::conversations::ConversationBody;
use super::error::ApiError;
use super::formats::DateTime;
use super::formats::Email;
use super::meetings::MeetingBody;
use super::webhooks::DeliveryBody;
use crate::app::App;
use crate::domain::leads::{self as domain, Filter, LeadPatch, ListQuery, NewLead, Patch, Refresh};
use crate::model::{Lead, LeadSource, LeadStatus, Qualification};

type Result<T> = std::result::Result<T, ApiError>;

#[derive(Default)]
pub struct LeadsApi;

#[OpenApi(prefix_path = "/api", tag = "ApiTags::Leads")]
impl LeadsApi {
    /// List or search leads
    ///
    /// Newest first. With `q`, full-text search over name, email and company (the last word
    /// matches as a prefix), ranked by relevance, then recency.
    #[oai(path = "/leads", method = "get", operation_id = "listLeads")]
    async fn list(
        &self,
        app: Data<&App>,
        caller: Caller,
        #[oai(validator(max_length = 200))] q: Query<Option<String>>,
        status: Query<Option<StatusName>>,
        #[oai(validator(min_length = 1))] cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<i64>>,
    ) -> Result<Json<LeadList>> {
        list(&app, &caller, q.0, status.0, cursor.0, limit.0).await
    }

    /// Create a lead
    #[oai(path = "/leads", method = "post", operation_id = "createLead")]
    async fn create(
        &self,
        app: Data<&App>,
        caller: Caller,
        body: JsonBody<CreateLead>,
        refresh: Query<Option<RefreshMode>>,
    ) -> Result<Created> {
        create(&app, &caller, body.0, refresh.0).await
    }

    /// Export leads as CSV
    ///
    /// The tenant's leads, newest first, one RFC 4180 row each with every field (cells that
    /// would start a spreadsheet formula, or a quote, get a leading `'`);
    /// `synaptiq import leads` reads the file back. `status` keeps one status, `since`
    /// (RFC 3339 time or `YYYY-MM-DD`, UTC) the leads created then or later.
    #[oai(
        path = "/leads/export.csv",
        method = "get",
        operation_id = "exportLeadsCsv"
    )]
    async fn export_csv(
        &self,
        app: Data<&App>,
        caller: Caller,
        status: Query<Option<StatusName>>,
        since: Query<Option<String>>,
    ) -> Result<Csv> {
        export_csv(&app, &caller, status.0, since.0).await
    }

    /// Get a lead
    #[oai(path = "/leads/:id", method = "get", operation_id = "getLead")]
    async fn get(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
    ) -> Result<Json<LeadDetail>> {
        get(&app, &caller, id.0).await
    }

    /// Update a lead
    ///
    /// Only the fields present change; `null` clears phone, company or metadata.
    #[oai(path = "/leads/:id", method = "patch", operation_id = "updateLead")]
    async fn update(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
        body: JsonBody<UpdateLead>,
        refresh: Query<Option<RefreshMode>>,
    ) -> Result<Json<LeadEnvelope>> {
        update(&app, &caller, id.0, body.0, refresh.0).await
    }

    /// Delete a lead
    ///
    /// Erases the lead and everything held about it (GDPR erasure).
    #[oai(path = "/leads/:id", method = "delete", operation_id = "deleteLead")]
    async fn delete(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
        refresh: Query<Option<RefreshMode>>,
    ) -> Result<Deleted> {
        delete(&app, &caller, id.0, refresh.0).await
    }

    /// Export everything held about a lead
    ///
    /// One JSON document: the lead, its conversations, meetings and events (GDPR access request).
    #[oai(
        path = "/leads/:id/export",
        method = "get",
        operation_id = "exportLead"
    )]
    async fn export(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
    ) -> Result<Json<LeadExport>> {
        export(&app, &caller, id.0).await
    }

    /// Merge another lead into this one
    ///
    /// For two leads that are one person, such as a lead and a possible match (a chat visitor
    /// who gave its email). The lead `from` is deleted; its conversations, meetings, events
    /// and possible matches move to this lead, which keeps its own fields, takes `from`'s
    /// phone, company and metadata keys where it has none, and takes `from`'s status and
    /// qualification when they are further along (new < qualifying < nurturing or
    /// disqualified < qualified < booked). Emits `lead.deleted` for `from` and
    /// `lead.updated` for this lead.
    #[oai(
        path = "/leads/:id/merge",
        method = "post",
        operation_id = "mergeLeads"
    )]
    async fn merge(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
        body: JsonBody<MergeLeads>,
        refresh: Query<Option<RefreshMode>>,
    ) -> Result<Json<LeadEnvelope>> {
        let lead = domain::merge::merge(
            &app,
            caller.tenant(),
            &id.0.to_string(),
            &body.0.from.to_string(),
            RefreshMode::domain(refresh.0),
        )
        .await?;
        Ok(Json(LeadEnvelope { lead: lead.into() }))
    }
}

/// The `/api/admin/leads` paths the admin UI calls: the same operations as `/api/leads`,
/// hidden from the spec (an SDK generator would make a second `create_lead` of each).
#[derive(Default)]
pub struct AdminLeadsApi;

#[OpenApi(prefix_path = "/api/admin", tag = "ApiTags::Leads")]
impl AdminLeadsApi {
    /// List or search leads (admin path)
    #[oai(
        path = "/leads",
        method = "get",
        operation_id = "adminListLeads",
        hidden
    )]
    async fn list(
        &self,
        app: Data<&App>,
        caller: Caller,
        #[oai(validator(max_length = 200))] q: Query<Option<String>>,
        status: Query<Option<StatusName>>,
        #[oai(validator(min_length = 1))] cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<i64>>,
    ) -> Result<Json<LeadList>> {
        list(&app, &caller, q.0, status.0, cursor.0, limit.0).await
    }

    /// Create a lead (admin path)
    #[oai(
        path = "/leads",
        method = "post",
        operation_id = "adminCreateLead",
        hidden
    )]
    async fn create(
        &self,
        app: Data<&App>,
        caller: Caller,
        body: JsonBody<CreateLead>,
        refresh: Query<Option<RefreshMode>>,
    ) -> Result<Created> {
        create(&app, &caller, body.0, refresh.0).await
    }

    /// Export leads as CSV (admin path)
    #[oai(
        path = "/leads/export.csv",
        method = "get",
        operation_id = "adminExportLeadsCsv",
        hidden
    )]
    async fn export_csv(
        &self,
        app: Data<&App>,
        caller: Caller,
        status: Query<Option<StatusName>>,
        since: Query<Option<String>>,
    ) -> Result<Csv> {
        export_csv(&app, &caller, status.0, since.0).await
    }

    /// Get a lead (admin path)
    #[oai(
        path = "/leads/:id",
        method = "get",
        operation_id = "adminGetLead",
        hidden
    )]
    async fn get(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
    ) -> Result<Json<LeadDetail>> {
        get(&app, &caller, id.0).await
    }

    /// Update a lead (admin path)
    #[oai(
        path = "/leads/:id",
        method = "patch",
        operation_id = "adminUpdateLead",
        hidden
    )]
    async fn update(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
        body: JsonBody<UpdateLead>,
        refresh: Query<Option<RefreshMode>>,
    ) -> Result<Json<LeadEnvelope>> {
        update(&app, &caller, id.0, body.0, refresh.0).await
    }

    /// Delete a lead (admin path)
    #[oai(
        path = "/leads/:id",
        method = "delete",
        operation_id = "adminDeleteLead",
        hidden
    )]
    async fn delete(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
        refresh: Query<Option<RefreshMode>>,
    ) -> Result<Deleted> {
        delete(&app, &caller, id.0, refresh.0).await
    }

    /// Export everything held about a lead (admin path)
    #[oai(
        path = "/leads/:id/export",
        method = "get",
        operation_id = "adminExportLead",
        hidden
    )]
    async fn export(
        &self,
        app: Data<&App>,
        caller: Caller,
        id: Path<Uuid>,
    ) -> Result<Json<LeadExport>> {
        export(&app, &caller, id.0).await
    }
}

async fn list(
    app: &App,
    caller: &Caller,
    q: Option<String>,
    status: Option<StatusName>,
    cursor: Option<String>,
    limit: Option<i64>,
) -> Result<Json<LeadList>> {
    let query = ListQuery {
        q,
        status: status.map(StatusName::into_domain),
        cursor,
        limit,
    };
    let page = domain::list(app, caller.tenant(), query).await?;
    Ok(Json(LeadList {
        leads: page.items.into_iter().map(LeadBody::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

async fn create(
    app: &App,
    caller: &Caller,
    body: CreateLead,
    refresh: Option<RefreshMode>,
) -> Result<Created> {
    let input = NewLead {
        name: body.name,
        email: body.email.0,
        phone: body.phone,
        company: body.company,
        metadata: body
            .metadata
            .map(|m| Value::Object(m.into_iter().collect())),
    };
    let lead = domain::create(
        app,
        caller.tenant(),
        input,
        LeadSource::Api,
        RefreshMode::domain(refresh),
    )
    .await?;
    Ok(Created::Lead(Json(LeadEnvelope { lead: lead.into() })))
}

async fn get(app: &App, caller: &Caller, id: Uuid) -> Result<Json<LeadDetail>> {
    let id = id.to_string();
    let lead = domain::get(app, caller.tenant(), &id).await?;
    let matches = domain::merge::possible_matches(app, caller.tenant(), &id).await?;
    Ok(Json(LeadDetail {
        lead: lead.into(),
        possible_matches: (!matches.is_empty())
            .then(|| matches.into_iter().map(PossibleMatchBody::from).collect()),
    }))
}

async fn update(
    app: &App,
    caller: &Caller,
    id: Uuid,
    body: UpdateLead,
    refresh: Option<RefreshMode>,
) -> Result<Json<LeadEnvelope>> {
    let patch = LeadPatch {
        name: body.name,
        email: body.email.map(|email| email.0),
        phone: patch(body.phone),
        company: patch(body.company),
        status: body.status.map(StatusName::into_domain),
        qualification_score: body.qualification_score,
        metadata: patch(body.metadata).map(|m| Value::Object(m.into_iter().collect())),
    };
    let lead = domain::update(
        app,
        caller.tenant(),
        &id.to_string(),
        patch,
        RefreshMode::domain(refresh),
    )
    .await?;
    Ok(Json(LeadEnvelope { lead: lead.into() }))
}

async fn delete(
    app: &App,
    caller: &Caller,
    id: Uuid,
    refresh: Option<RefreshMode>,
) -> Result<Deleted> {
    domain::delete(
        app,
        caller.tenant(),
        &id.to_string(),
        RefreshMode::domain(refresh),
    )
    .await?;
    Ok(Deleted::Lead)
}

async fn export(app: &App, caller: &Caller, id: Uuid) -> Result<Json<LeadExport>> {
    let export = domain::export(app, caller.tenant(), &id.to_string()).await?;
    Ok(Json(LeadExport {
        lead: export.lead.into(),
        conversations: export
            .conversations
            .into_iter()
            .map(|(c, messages)| ConversationBody::with_messages(c, messages))
            .collect(),
        meetings: export.meetings.into_iter().map(MeetingBody::from).collect(),
        events: export.events,
        webhook_deliveries: export
            .deliveries
            .into_iter()
            .map(DeliveryBody::from)
            .collect(),
        exported_at: DateTime::from(export.exported_at),
    }))
}

async fn export_csv(
    app: &App,
    caller: &Caller,
    status: Option<StatusName>,
    since: Option<String>,
) -> Result<Csv> {
    let filter = Filter {
        status: status.map(StatusName::into_domain),
        created_since: since.as_deref().map(domain::parse_since).transpose()?,
    };
    let bytes = domain::csv::export(app, caller.tenant(), filter).await?;
    Ok(Csv::Ok(
        Binary(bytes),
        "attachment; filename=\"leads.csv\"".to_owned(),
    ))
}

fn patch<T>(value: MaybeUndefined<T>) -> Patch<T> {
    match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => Patch::Set(v),
    }
}

impl<T> Patch<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Patch::Keep => Patch::Keep,
            Patch::Clear => Patch::Clear,
            Patch::Set(v) => Patch::Set(f(v)),
        }
    }
}

/// A lead status: one of the six a lead moves through.
#[derive(Enum, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename = "LeadStatus", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum StatusName {
    New,
    Qualifying,
    Qualified,
    Booked,
    Disqualified,
    Nurturing,
}

impl StatusName {
    fn into_domain(self) -> LeadStatus {
        match self {
            Self::New => LeadStatus::New,
            Self::Qualifying => LeadStatus::Qualifying,
            Self::Qualified => LeadStatus::Qualified,
            Self::Booked => LeadStatus::Booked,
            Self::Disqualified => LeadStatus::Disqualified,
            Self::Nurturing => LeadStatus::Nurturing,
        }
    }

    fn from_domain(status: LeadStatus) -> Self {
        match status {
            LeadStatus::New => Self::New,
            LeadStatus::Qualifying => Self::Qualifying,
            LeadStatus::Qualified => Self::Qualified,
            LeadStatus::Booked => Self::Booked,
            LeadStatus::Disqualified => Self::Disqualified,
            LeadStatus::Nurturing => Self::Nurturing,
        }
    }
}

/// `wait_for` answers only once the change is searchable (Elasticsearch's convention), or
/// 503 after 30 s (the change is kept and becomes searchable when the index catches up).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[oai(rename = "Refresh")]
pub enum RefreshMode {
    #[oai(rename = "wait_for")]
    WaitFor,
    #[oai(rename = "false")]
    False,
}

impl RefreshMode {
    fn domain(mode: Option<Self>) -> Refresh {
        match mode {
            Some(Self::WaitFor) => Refresh::WaitFor,
            _ => Refresh::Immediate,
        }
    }
}

#[derive(Object, Deserialize, Debug)]
#[oai(rename = "CreateLead", rename_all = "camelCase", deny_unknown_fields)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateLead {
    /// Contact name (1-200 chars).
    #[oai(validator(min_length = 1, max_length = 200, pattern = r"\S"))]
    pub name: String,
    /// A valid email address; unique per tenant (case-insensitive).
    #[oai(validator(max_length = 254))]
    pub email: Email,
    /// Phone number (max 50 chars).
    #[oai(nullable, validator(max_length = 50))]
    pub phone: Option<String>,
    /// Company name (max 200 chars).
    #[oai(nullable, validator(max_length = 200))]
    pub company: Option<String>,
    /// Arbitrary JSON object (at most 16 KiB).
    #[oai(nullable)]
    pub metadata: Option<BTreeMap<String, Value>>,
}

#[derive(Object, Deserialize, Debug)]
#[oai(rename = "UpdateLead", rename_all = "camelCase", deny_unknown_fields)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateLead {
    /// 1-200 characters (`null`, like an absent field, leaves it unchanged).
    #[oai(nullable, validator(min_length = 1, max_length = 200, pattern = r"\S"))]
    pub name: Option<String>,
    /// `null` leaves it unchanged.
    #[oai(nullable, validator(max_length = 254))]
    pub email: Option<Email>,
    /// `null` clears it.
    #[oai(nullable, validator(max_length = 50))]
    #[serde(default)]
    pub phone: MaybeUndefined<String>,
    /// `null` clears it.
    #[oai(nullable, validator(max_length = 200))]
    #[serde(default)]
    pub company: MaybeUndefined<String>,
    /// `null` leaves it unchanged.
    #[oai(nullable)]
    pub status: Option<StatusName>,
    /// Integer 0-100 (`null` leaves it unchanged).
    #[oai(nullable, validator(minimum(value = "0"), maximum(value = "100")))]
    pub qualification_score: Option<i64>,
    /// Replaces the metadata object; `null` clears it.
    #[oai(nullable)]
    #[serde(default)]
    pub metadata: MaybeUndefined<BTreeMap<String, Value>>,
}

#[derive(Object, Debug)]
#[oai(rename = "Lead", rename_all = "camelCase")]
pub struct LeadBody {
    pub id: String,
    pub name: String,
    pub email: String,
    #[oai(nullable)]
    pub phone: Option<String>,
    #[oai(nullable)]
    pub company: Option<String>,
    pub status: StatusName,
    /// 0-100.
    pub qualification_score: u8,
    /// The agent's assessment, once it has made one.
    #[oai(nullable)]
    pub qualification: Option<QualificationBody>,
    pub metadata: BTreeMap<String, Value>,
    pub source: SourceName,
    /// RFC 3339 UTC with milliseconds.
    pub created_at: DateTime,
    pub updated_at: DateTime,
}

#[derive(Object, Debug)]
#[oai(rename = "Qualification")]
pub struct QualificationBody {
    pub score: u8,
    pub reasons: Vec<String>,
}

#[derive(Enum, Debug, Clone, Copy)]
#[oai(rename = "LeadSource", rename_all = "lowercase")]
pub enum SourceName {
    Widget,
    Api,
    Import,
}

impl From<Lead> for LeadBody {
    fn from(lead: Lead) -> Self {
        Self {
            id: lead.id,
            name: lead.name,
            email: lead.email,
            phone: lead.phone,
            company: lead.company,
            status: StatusName::from_domain(lead.status),
            qualification_score: lead.qualification_score,
            qualification: lead
                .qualification
                .map(|Qualification { score, reasons }| QualificationBody { score, reasons }),
            metadata: lead.metadata.into_iter().collect(),
            source: match lead.source {
                LeadSource::Widget => SourceName::Widget,
                LeadSource::Api => SourceName::Api,
                LeadSource::Import => SourceName::Import,
            },
            created_at: DateTime::from(lead.created_at),
            updated_at: DateTime::from(lead.updated_at),
        }
    }
}

#[derive(Object, Debug)]
#[oai(rename = "LeadEnvelope")]
pub struct LeadEnvelope {
    pub lead: LeadBody,
}

/// A lead with the leads that may be the same person.
#[derive(Object, Debug)]
#[oai(rename = "LeadDetail", rename_all = "camelCase")]
pub struct LeadDetail {
    pub lead: LeadBody,
    /// Leads that may be this lead's person: a chat visitor gave the email one of them holds
    /// (a possible returning visitor, or someone using another's address). Merge them with
    /// `POST /api/leads/{id}/merge`; the older lead is never changed by the chat. Absent when
    /// there are none.
    #[oai(skip_serializing_if_is_none)]
    pub possible_matches: Option<Vec<PossibleMatchBody>>,
}

#[derive(Object, Debug)]
#[oai(rename = "PossibleMatch", rename_all = "camelCase")]
pub struct PossibleMatchBody {
    pub lead_id: String,
    pub name: String,
    pub email: String,
    pub status: StatusName,
    /// `same_email`.
    pub reason: String,
    /// When the link was made.
    pub since: DateTime,
}

impl From<domain::merge::PossibleMatch> for PossibleMatchBody {
    fn from(m: domain::merge::PossibleMatch) -> Self {
        let lead = LeadBody::from(m.lead);
        Self {
            lead_id: lead.id,
            name: lead.name,
            email: lead.email,
            status: lead.status,
            reason: m.reason,
            since: DateTime::from(m.since),
        }
    }
}

#[derive(Object, Deserialize, Debug)]
#[oai(rename = "MergeLeads", deny_unknown_fields)]
#[serde(deny_unknown_fields)]
pub struct MergeLeads {
    /// The lead to merge into this one; it is deleted.
    pub from: Uuid,
}

#[derive(Object, Debug)]
#[oai(rename = "LeadList", rename_all = "camelCase")]
pub struct LeadList {
    pub leads: Vec<LeadBody>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

#[derive(Object, Debug)]
#[oai(rename = "LeadExport", rename_all = "camelCase")]
pub struct LeadExport {
    pub lead: LeadBody,
    /// Its conversations with their messages, oldest first.
    pub conversations: Vec<ConversationBody>,
    pub meetings: Vec<MeetingBody>,
    /// Every event about the lead (the lead, its conversations, its meetings), as delivered
    /// to webhooks, oldest first.
    pub events: Vec<Value>,
    /// Every webhook delivery that carried one of those events, oldest first.
    pub webhook_deliveries: Vec<DeliveryBody>,
    pub exported_at: DateTime,
}

#[derive(ApiResponse)]
pub enum Created {
    /// The lead was created.
    #[oai(status = 201)]
    Lead(Json<LeadEnvelope>),
}

#[derive(ApiResponse)]
pub enum Deleted {
    /// The lead and everything about it are erased.
    #[oai(status = 204)]
    Lead,
}

#[derive(ApiResponse)]
pub enum Csv {
    /// One row per lead, with a header row.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Ok(
        Binary<Vec<u8>>,
        #[oai(header = "Content-Disposition")] String,
    ),
}
