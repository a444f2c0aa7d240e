//! Pipeline analytics over HTTP: the caller's tenant only.
//!
//! | method | path                      | operation          |
//! |--------|---------------------------|--------------------|
//! | GET    | /api/analytics/overview   | analyticsOverview  |
//! | GET    | /api/analytics/funnel     | analyticsFunnel    |
//! | GET    | /api/analytics/activity   | analyticsActivity  |
//! | GET    | /api/analytics/sources    | analyticsSources   |
//! | GET    | /api/analytics/scores     | analyticsScores    |
//! | GET    | /api/analytics/llm        | analyticsLlm       |

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::ApiTags;
use super::auth::Caller;
use super::error::ApiError;
use crate::app::App;
use crate::domain::analytics::{self as domain, DayCount, DayUsage, Overview, ScoreBucket};
use crate::model::{LeadSource, LeadStatus, LlmUsage};

type Result<T> = std::result::Result<T, ApiError>;

#[derive(Default)]
pub struct AnalyticsApi;

#[OpenApi(prefix_path = "/api/analytics", tag = "ApiTags::Analytics")]
impl AnalyticsApi {
    /// Overview
    ///
    /// High-level figures for the caller's tenant. `conversionRate` is the percentage (0-100)
    /// of leads whose status is `qualified` or `booked`; `avgMessagesPerConversation` counts
    /// both sides (greeting, visitor and agent messages). Both are rounded half up to two
    /// decimals and are 0 when there is nothing to divide by.
    #[oai(path = "/overview", method = "get", operation_id = "analyticsOverview")]
    async fn overview(&self, app: Data<&App>, caller: Caller) -> Result<Json<OverviewBody>> {
        let overview = domain::overview(&app, caller.tenant()).await?;
        Ok(Json(overview.into()))
    }

    /// Funnel
    ///
    /// Leads by qualification status: all six statuses, zeros included.
    #[oai(path = "/funnel", method = "get", operation_id = "analyticsFunnel")]
    async fn funnel(&self, app: Data<&App>, caller: Caller) -> Result<Json<FunnelEnvelope>> {
        let counts = domain::funnel(&app, caller.tenant()).await?;
        Ok(Json(FunnelEnvelope {
            funnel: Funnel::from_counts(&counts),
        }))
    }

    /// Daily activity
    ///
    /// Leads created per day: exactly `days` days ending today in `tz`, oldest first; days
    /// without leads have a count of 0. A day runs from local midnight to local midnight in
    /// `tz`, so days around a DST change are 23 or 25 hours long.
    #[oai(path = "/activity", method = "get", operation_id = "analyticsActivity")]
    async fn activity(
        &self,
        app: Data<&App>,
        caller: Caller,
        /// How many days, 1-365 (default 30).
        #[oai(validator(minimum(value = "1"), maximum(value = "365")))]
        days: Query<Option<i64>>,
        /// IANA time zone name, e.g. `Europe/Amsterdam` (default `UTC`).
        #[oai(validator(min_length = 1, max_length = 64))]
        tz: Query<Option<String>>,
    ) -> Result<Json<ActivityEnvelope>> {
        let days = domain::activity(&app, caller.tenant(), days.0, tz.0.as_deref()).await?;
        Ok(Json(ActivityEnvelope {
            activity: days.into_iter().map(DayActivity::from).collect(),
        }))
    }

    /// Lead sources
    ///
    /// Leads by how they entered: the chat `widget`, the `api`, or an `import`; zeros included.
    #[oai(path = "/sources", method = "get", operation_id = "analyticsSources")]
    async fn sources(&self, app: Data<&App>, caller: Caller) -> Result<Json<SourcesEnvelope>> {
        let counts = domain::sources(&app, caller.tenant()).await?;
        Ok(Json(SourcesEnvelope {
            sources: Sources::from_counts(&counts),
        }))
    }

    /// Qualification scores
    ///
    /// Histogram of `qualificationScore` in ten buckets of ten points (0-9, 10-19, … 80-89,
    /// 90-100: a perfect 100 counts in the last one), lowest first, zeros included.
    #[oai(path = "/scores", method = "get", operation_id = "analyticsScores")]
    async fn scores(&self, app: Data<&App>, caller: Caller) -> Result<Json<ScoresEnvelope>> {
        let buckets = domain::scores(&app, caller.tenant()).await?;
        Ok(Json(ScoresEnvelope {
            scores: buckets.into_iter().map(ScoreBucketBody::from).collect(),
        }))
    }

    /// Language-model usage
    ///
    /// Chat turns the language model was asked to answer, and their tokens as the provider
    /// counted them, per local day in `tz`: exactly `days` days ending today, oldest first,
    /// zero-filled, each day also split by model. `failedTurns` counts turns whose answer was
    /// cut off or never came. All zeros with the built-in agent.
    #[oai(path = "/llm", method = "get", operation_id = "analyticsLlm")]
    async fn llm(
        &self,
        app: Data<&App>,
        caller: Caller,
        /// How many days, 1-365 (default 30).
        #[oai(validator(minimum(value = "1"), maximum(value = "365")))]
        days: Query<Option<i64>>,
        /// IANA time zone name, e.g. `Europe/Amsterdam` (default `UTC`).
        #[oai(validator(min_length = 1, max_length = 64))]
        tz: Query<Option<String>>,
    ) -> Result<Json<LlmEnvelope>> {
        let days = domain::llm_usage(&app, caller.tenant(), days.0, tz.0.as_deref()).await?;
        Ok(Json(LlmEnvelope {
            llm: days.into_iter().map(LlmDay::from).collect(),
        }))
    }
}

#[derive(Object, Debug)]
#[oai(rename = "AnalyticsLlmEnvelope")]
pub struct LlmEnvelope {
    /// One entry per day, oldest first.
    pub llm: Vec<LlmDay>,
}

#[derive(Object, Debug)]
#[oai(rename = "AnalyticsLlmDay", rename_all = "camelCase")]
pub struct LlmDay {
    /// The local date in `tz`, `YYYY-MM-DD`.
    pub date: String,
    /// Turns the model was asked to answer.
    pub turns: u64,
    /// Turns whose answer was cut off or never came.
    pub failed_turns: u64,
    /// Input (prompt) tokens, as the provider reported them.
    pub tokens_in: u64,
    /// Output (completion) tokens, as the provider reported them.
    pub tokens_out: u64,
    /// The same figures per model, by model name.
    pub models: Vec<LlmModelUsage>,
}

#[derive(Object, Debug)]
#[oai(rename = "AnalyticsLlmModel", rename_all = "camelCase")]
pub struct LlmModelUsage {
    pub model: String,
    pub turns: u64,
    pub failed_turns: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
}

impl From<DayUsage> for LlmDay {
    fn from(day: DayUsage) -> Self {
        let total = day.total();
        Self {
            date: day.date.to_string(),
            turns: total.turns,
            failed_turns: total.failed_turns,
            tokens_in: total.tokens_in,
            tokens_out: total.tokens_out,
            models: day
                .models
                .into_iter()
                .map(|(model, u)| LlmModelUsage::new(model, &u))
                .collect(),
        }
    }
}

impl LlmModelUsage {
    fn new(model: String, u: &LlmUsage) -> Self {
        Self {
            model,
            turns: u.turns,
            failed_turns: u.failed_turns,
            tokens_in: u.tokens_in,
            tokens_out: u.tokens_out,
        }
    }
}

#[derive(Object, Debug)]
#[oai(rename = "AnalyticsOverview", rename_all = "camelCase")]
pub struct OverviewBody {
    /// Leads in the tenant.
    pub total_leads: u64,
    /// Conversations in the tenant, whether or not the visitor became a lead.
    pub total_conversations: u64,
    /// Messages per conversation, two decimals; 0 without conversations.
    pub avg_messages_per_conversation: f64,
    /// Percentage (0-100) of leads qualified or booked, two decimals; 0 without leads.
    pub conversion_rate: f64,
}

impl From<Overview> for OverviewBody {
    fn from(o: Overview) -> Self {
        Self {
            total_leads: o.total_leads,
            total_conversations: o.total_conversations,
            avg_messages_per_conversation: o.avg_messages_per_conversation,
            conversion_rate: o.conversion_rate,
        }
    }
}

#[derive(Object, Debug)]
#[oai(rename = "AnalyticsFunnelEnvelope")]
pub struct FunnelEnvelope {
    pub funnel: Funnel,
}

/// Leads per status.
#[derive(Object, Debug, Default)]
#[oai(rename = "AnalyticsFunnel")]
pub struct Funnel {
    pub new: u64,
    pub qualifying: u64,
    pub qualified: u64,
    pub booked: u64,
    pub disqualified: u64,
    pub nurturing: u64,
}

impl Funnel {
    fn from_counts(counts: &[(LeadStatus, u64)]) -> Self {
        let mut funnel = Self::default();
        for &(status, n) in counts {
            let slot = match status {
                LeadStatus::New => &mut funnel.new,
                LeadStatus::Qualifying => &mut funnel.qualifying,
                LeadStatus::Qualified => &mut funnel.qualified,
                LeadStatus::Booked => &mut funnel.booked,
                LeadStatus::Disqualified => &mut funnel.disqualified,
                LeadStatus::Nurturing => &mut funnel.nurturing,
            };
            *slot += n;
        }
        funnel
    }
}

#[derive(Object, Debug)]
#[oai(rename = "AnalyticsActivityEnvelope")]
pub struct ActivityEnvelope {
    /// One entry per day, oldest first.
    pub activity: Vec<DayActivity>,
}

#[derive(Object, Debug)]
#[oai(rename = "AnalyticsDay")]
pub struct DayActivity {
    /// The local date in `tz`, `YYYY-MM-DD`.
    pub date: String,
    /// Leads created that day.
    pub count: u64,
}

impl From<DayCount> for DayActivity {
    fn from(day: DayCount) -> Self {
        Self {
            date: day.date.to_string(),
            count: day.count,
        }
    }
}

#[derive(Object, Debug)]
#[oai(rename = "AnalyticsSourcesEnvelope")]
pub struct SourcesEnvelope {
    pub sources: Sources,
}

/// Leads per source.
#[derive(Object, Debug, Default)]
#[oai(rename = "AnalyticsSources")]
pub struct Sources {
    /// Captured by the agent in the chat widget.
    pub widget: u64,
    /// Created through the API or the admin UI.
    pub api: u64,
    /// Imported from CSV.
    pub import: u64,
}

impl Sources {
    fn from_counts(counts: &[(LeadSource, u64)]) -> Self {
        let mut sources = Self::default();
        for &(source, n) in counts {
            let slot = match source {
                LeadSource::Widget => &mut sources.widget,
                LeadSource::Api => &mut sources.api,
                LeadSource::Import => &mut sources.import,
            };
            *slot += n;
        }
        sources
    }
}

#[derive(Object, Debug)]
#[oai(rename = "AnalyticsScoresEnvelope")]
pub struct ScoresEnvelope {
    /// Ten buckets, lowest scores first.
    pub scores: Vec<ScoreBucketBody>,
}

#[derive(Object, Debug)]
#[oai(rename = "AnalyticsScoreBucket")]
pub struct ScoreBucketBody {
    /// Lowest score in the bucket.
    pub min: u8,
    /// Highest score in the bucket, inclusive.
    pub max: u8,
    /// Leads whose score is in `min..=max`.
    pub count: u64,
}

impl From<ScoreBucket> for ScoreBucketBody {
    fn from(b: ScoreBucket) -> Self {
        Self {
            min: b.min,
            max: b.max,
            count: b.count,
        }
    }
}
