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

mod types;

pub use types::*;

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
    ) -> Result<Json<LeadEnvelope>> {
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
        Ok(Json(LeadEnvelope::from(lead)))
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
    ) -> Result<Json<LeadEnvelope>> {
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
    Ok(Created::Lead(Json(LeadEnvelope::from(lead))))
}

async fn get(app: &App, caller: &Caller, id: Uuid) -> Result<Json<LeadEnvelope>> {
    let id = id.to_string();
    let lead = domain::get(app, caller.tenant(), &id).await?;
    let matches = domain::merge::possible_matches(app, caller.tenant(), &id).await?;
    Ok(Json(LeadEnvelope {
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
    Ok(Json(LeadEnvelope::from(lead)))
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
