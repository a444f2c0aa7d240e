//! The wire types of the lead routes: request and response bodies, the status and refresh
//! names, and their conversions from the domain's types.

use super::*;

pub(super) fn patch<T>(value: MaybeUndefined<T>) -> Patch<T> {
    match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => Patch::Set(v),
    }
}

impl<T> Patch<T> {
    pub(super) fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
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
    pub(super) fn into_domain(self) -> LeadStatus {
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
    pub(super) fn domain(mode: Option<Self>) -> Refresh {
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
#[oai(rename = "LeadEnvelope", rename_all = "camelCase")]
pub struct LeadEnvelope {
    pub lead: LeadBody,
    /// `GET` only: leads that may be this lead's person, because a chat visitor gave the
    /// email one of them holds (a possible returning visitor, or someone using another's
    /// address). Merge them with `POST /api/leads/{id}/merge`; the older lead is never
    /// changed by the chat. Absent when there are none.
    #[oai(skip_serializing_if_is_none)]
    pub possible_matches: Option<Vec<PossibleMatchBody>>,
}

impl From<crate::model::Lead> for LeadEnvelope {
    fn from(lead: crate::model::Lead) -> Self {
        Self {
            lead: lead.into(),
            possible_matches: None,
        }
    }
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
