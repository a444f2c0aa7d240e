//! Tenant settings over HTTP.
//!
//! | method | path                 | operation      |
//! |--------|----------------------|----------------|
//! | GET    | /api/admin/settings  | getSettings    |
//! | PATCH  | /api/admin/settings  | updateSettings |

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{Object, OpenApi};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ApiTags;
use super::auth::Caller;
use super::body::JsonBody;
use super::error::ApiError;
use crate::app::App;
use crate::domain::settings::{self, TenantSettings};
use crate::error::Error;

type Result<T> = std::result::Result<T, ApiError>;

#[derive(Default)]
pub struct SettingsApi;

#[OpenApi(prefix_path = "/api/admin", tag = "ApiTags::Settings")]
impl SettingsApi {
    /// Get the tenant's settings
    ///
    /// Agent, widget appearance, qualification questions and scoring rules, and meeting
    /// availability of the caller's tenant.
    #[oai(path = "/settings", method = "get", operation_id = "getSettings")]
    async fn get(&self, app: Data<&App>, caller: Caller) -> Result<Json<SettingsEnvelope>> {
        let settings = settings::get(&app, caller.tenant()).await?;
        Ok(Json(SettingsEnvelope {
            settings: body(&settings)?,
        }))
    }

    /// Update the tenant's settings
    ///
    /// A JSON merge patch (RFC 7386) of the `Settings` object: fields present replace the
    /// current ones (lists are replaced whole), `null` resets a field. The result is validated
    /// as a whole; an invalid value changes nothing and names its field.
    #[oai(path = "/settings", method = "patch", operation_id = "updateSettings")]
    async fn update(
        &self,
        app: Data<&App>,
        caller: Caller,
        patch: JsonBody<SettingsPatch>,
    ) -> Result<Json<SettingsEnvelope>> {
        let patch = serde_json::to_value(patch.0).map_err(Error::internal)?;
        let settings = settings::patch(&app, caller.tenant(), patch).await?;
        Ok(Json(SettingsEnvelope {
            settings: body(&settings)?,
        }))
    }
}

fn body(settings: &TenantSettings) -> std::result::Result<Settings, Error> {
    // The wire shape mirrors the domain's serde shape field for field.
    Ok(serde_json::from_value(serde_json::to_value(settings)?)?)
}

#[derive(Object, Serialize, Deserialize)]
#[oai(rename_all = "camelCase")]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Shown as the agent's name (1-60 characters).
    pub agent_name: String,
    pub company_name: String,
    /// The first message of every conversation.
    pub greeting: String,
    /// How the model-backed agent writes, e.g. `friendly, concise and professional`
    /// (1-200 characters). The built-in agent's wording is fixed.
    pub tone: String,
    /// `#rrggbb`.
    pub accent_color: String,
    /// `bottom-right` or `bottom-left`.
    pub position: String,
    /// Origins (`https://www.example.com`) allowed to use the widget; empty allows any.
    pub allowed_origins: Vec<String>,
    /// Asked in order, skipping what the visitor already said.
    pub qualification_questions: Vec<QuestionBody>,
    pub scoring: ScoringBody,
    pub availability: AvailabilityBody,
    pub routes: RoutesBody,
}

/// Where the agent sends visitors who are not buyers, without asking them sales questions.
#[derive(Object, Serialize, Deserialize)]
#[oai(rename = "Routes", rename_all = "camelCase")]
#[serde(rename_all = "camelCase")]
pub struct RoutesBody {
    /// Job seekers are pointed here (an http(s) URL).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub careers_url: Option<String>,
    /// Existing customers with a problem are pointed here (an http(s) URL)…
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_url: Option<String>,
    /// …and to this address.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_email: Option<String>,
    /// Said to students, vendors, partners and competitors (at most 500 characters).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_visitors: Option<String>,
}

#[derive(Object, Serialize, Deserialize)]
#[oai(rename = "QualificationQuestion")]
pub struct QuestionBody {
    /// `need`, `companySize`, `role`, `budget` or `timeline`.
    #[oai(validator(pattern = "^(need|companySize|role|budget|timeline)$"))]
    pub field: String,
    /// `{company}` and `{name}` are filled in when known (1-300 characters).
    #[oai(validator(min_length = 1, max_length = 300, pattern = r"\S"))]
    pub question: String,
}

#[derive(Object, Serialize, Deserialize)]
#[oai(rename = "Scoring", rename_all = "camelCase")]
#[serde(rename_all = "camelCase")]
pub struct ScoringBody {
    /// Per field, the first rule that applies counts: list tiers best first.
    pub rules: Vec<RuleBody>,
    /// A score at or above this qualifies the lead.
    pub qualified_at: u8,
    /// A score below this disqualifies it; in between it is nurtured.
    pub disqualified_below: u8,
}

#[derive(Object, Serialize, Deserialize)]
#[oai(rename = "ScoringRule")]
pub struct RuleBody {
    /// `need`, `companySize`, `role`, `budget` or `timeline`.
    pub field: String,
    /// `atLeast`, `atMost`, `decisionMaker` or `present`.
    pub operator: String,
    /// The threshold for `atLeast` / `atMost`.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// -100 to 100.
    pub points: i32,
    /// Stored on the lead when the rule applies.
    pub reason: String,
}

#[derive(Object, Serialize, Deserialize)]
#[oai(rename = "Availability", rename_all = "camelCase")]
#[serde(rename_all = "camelCase")]
pub struct AvailabilityBody {
    /// IANA time zone, e.g. `Europe/Amsterdam`.
    pub timezone: String,
    /// `mon` … `sun`.
    pub weekdays: Vec<String>,
    /// `HH:MM` local time.
    pub start_time: String,
    pub end_time: String,
    /// 10-240.
    pub slot_minutes: u32,
    /// 0-10080.
    pub minimum_notice_minutes: u32,
    /// 1-90.
    pub horizon_days: u32,
}

#[derive(Object)]
pub struct SettingsEnvelope {
    pub settings: Settings,
}

/// Any subset of `Settings`; nested objects merge, lists replace, `null` resets to the default.
#[derive(Object, Serialize, Deserialize)]
#[oai(rename_all = "camelCase", deny_unknown_fields)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsPatch {
    /// 1-60 characters.
    #[oai(nullable, validator(min_length = 1, max_length = 60, pattern = r"\S"))]
    #[serde(default, skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub agent_name: MaybeUndefined<String>,
    /// 1-200 characters.
    #[oai(nullable, validator(min_length = 1, max_length = 200, pattern = r"\S"))]
    #[serde(default, skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub company_name: MaybeUndefined<String>,
    /// 1-500 characters.
    #[oai(nullable, validator(min_length = 1, max_length = 500, pattern = r"\S"))]
    #[serde(default, skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub greeting: MaybeUndefined<String>,
    /// How the model-backed agent should sound, 1-200 characters.
    #[oai(nullable, validator(min_length = 1, max_length = 200, pattern = r"\S"))]
    #[serde(default, skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub tone: MaybeUndefined<String>,
    /// `#rrggbb`.
    #[oai(nullable, validator(pattern = "^#[0-9a-fA-F]{6}$"))]
    #[serde(default, skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub accent_color: MaybeUndefined<String>,
    /// `bottom-right` or `bottom-left`.
    #[oai(nullable, validator(pattern = "^(bottom-right|bottom-left)$"))]
    #[serde(default, skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub position: MaybeUndefined<String>,
    /// Origins like `https://www.example.com`; empty allows any.
    #[oai(nullable)]
    #[serde(default, skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub allowed_origins: MaybeUndefined<Vec<String>>,
    /// At most 10.
    #[oai(nullable, validator(max_items = 10))]
    #[serde(default, skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub qualification_questions: MaybeUndefined<Vec<QuestionBody>>,
    /// Merged into the current scoring (see `Scoring`).
    #[oai(nullable)]
    #[serde(default, skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub scoring: MaybeUndefined<Value>,
    /// Merged into the current availability (see `Availability`).
    #[oai(nullable)]
    #[serde(default, skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub availability: MaybeUndefined<Value>,
    /// Merged into the current routes (see `Routes`); `null` in a field removes it.
    #[oai(nullable)]
    #[serde(default, skip_serializing_if = "MaybeUndefined::is_undefined")]
    pub routes: MaybeUndefined<Value>,
}
