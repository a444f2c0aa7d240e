//! Tenant settings as stored: the agent's voice, the widget's look, what qualifies a lead,
//! and when meetings can be booked; what a fresh tenant starts with.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantSettings {
    pub agent_name: String,
    pub company_name: String,
    pub greeting: String,
    /// How the model-backed agent writes ("friendly and professional"); settings stored before
    /// it existed get the default.
    #[serde(default = "default_tone")]
    pub tone: String,
    pub accent_color: String,
    pub position: WidgetPosition,
    /// Origins allowed to embed the widget; empty means any.
    pub allowed_origins: Vec<String>,
    pub qualification_questions: Vec<Question>,
    pub scoring: Scoring,
    pub availability: Availability,
    /// Where visitors who are not buyers are sent; settings stored before it existed get none.
    #[serde(default)]
    pub routes: Routes,
}

/// Where the agent points visitors who are not buyers, instead of qualifying them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Routes {
    /// Job seekers.
    pub careers_url: Option<String>,
    /// Existing customers with a problem.
    pub support_url: Option<String>,
    pub support_email: Option<String>,
    /// Said to students, vendors, partners and competitors.
    pub other_visitors: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WidgetPosition {
    BottomRight,
    BottomLeft,
}

/// What the agent can learn about a lead while qualifying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    Need,
    CompanySize,
    Role,
    Budget,
    Timeline,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Question {
    pub field: Field,
    /// Asked as written; `{company}` and `{name}` are filled in when known.
    pub question: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scoring {
    pub rules: Vec<Rule>,
    /// A score at or above this qualifies the lead.
    pub qualified_at: u8,
    /// A score below this disqualifies it; in between, the lead is nurtured.
    pub disqualified_below: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    pub field: Field,
    pub operator: Operator,
    /// The threshold for `atLeast` / `atMost` (company size in people, budget in currency
    /// units, timeline in months).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    pub points: i32,
    /// Stored on the lead when the rule applies.
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Operator {
    AtLeast,
    AtMost,
    /// The role is a decision maker (founder, C-level, VP, head, director, owner).
    DecisionMaker,
    /// The visitor answered at all.
    Present,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Availability {
    /// IANA time zone, e.g. `Europe/Amsterdam`.
    pub timezone: String,
    /// `mon` … `sun`.
    pub weekdays: Vec<String>,
    /// `HH:MM`, local time.
    pub start_time: String,
    pub end_time: String,
    pub slot_minutes: u32,
    pub minimum_notice_minutes: u32,
    pub horizon_days: u32,
}

fn default_tone() -> String {
    "friendly, concise and professional".to_owned()
}

impl TenantSettings {
    /// What a fresh tenant starts with: useful without any configuration.
    pub fn defaults(company: &str) -> Self {
        let q = |field, question: &str| Question {
            field,
            question: question.to_owned(),
        };
        let rule = |field, operator, value, points, reason: &str| Rule {
            field,
            operator,
            value,
            points,
            reason: reason.to_owned(),
        };
        Self {
            agent_name: "Ava".into(),
            company_name: company.to_owned(),
            greeting: format!("Hi! I'm Ava from {company}. What brings you here today?"),
            tone: default_tone(),
            accent_color: "#4f46e5".into(),
            position: WidgetPosition::BottomRight,
            allowed_origins: Vec::new(),
            qualification_questions: vec![
                q(Field::Need, "What are you hoping to solve?"),
                q(Field::CompanySize, "How many people work at {company}?"),
                q(Field::Role, "What's your role there?"),
                q(Field::Budget, "Do you have a budget in mind for this?"),
                q(Field::Timeline, "When are you hoping to get started?"),
            ],
            scoring: Scoring {
                rules: vec![
                    rule(
                        Field::CompanySize,
                        Operator::AtLeast,
                        Some(50.0),
                        25,
                        "Company has 50 or more people",
                    ),
                    rule(
                        Field::CompanySize,
                        Operator::AtLeast,
                        Some(10.0),
                        10,
                        "Company has 10 or more people",
                    ),
                    rule(
                        Field::Budget,
                        Operator::AtLeast,
                        Some(10_000.0),
                        30,
                        "Budget of 10,000 or more",
                    ),
                    rule(
                        Field::Budget,
                        Operator::AtLeast,
                        Some(2_000.0),
                        10,
                        "Budget of 2,000 or more",
                    ),
                    rule(
                        Field::Timeline,
                        Operator::AtMost,
                        Some(3.0),
                        25,
                        "Wants to start within 3 months",
                    ),
                    rule(
                        Field::Timeline,
                        Operator::AtMost,
                        Some(6.0),
                        5,
                        "Wants to start within 6 months",
                    ),
                    rule(
                        Field::Role,
                        Operator::DecisionMaker,
                        None,
                        15,
                        "Talking to a decision maker",
                    ),
                    rule(
                        Field::Need,
                        Operator::Present,
                        None,
                        5,
                        "Described a concrete need",
                    ),
                ],
                qualified_at: 60,
                disqualified_below: 20,
            },
            availability: Availability {
                timezone: "UTC".into(),
                weekdays: ["mon", "tue", "wed", "thu", "fri"]
                    .map(str::to_owned)
                    .to_vec(),
                start_time: "09:00".into(),
                end_time: "17:00".into(),
                slot_minutes: 30,
                minimum_notice_minutes: 240,
                horizon_days: 14,
            },
            routes: Routes::default(),
        }
    }
}
