//! What the team sees about where a visitor is (the widget's `context`) and whether they
//! asked for a person.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Pages seen are kept up to this many, the newest last.
pub const MAX_PAGES_SEEN: usize = 50;

/// The visitor's browser as the widget reports it: latest values win, pages accumulate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VisitorContext {
    /// IANA time zone, e.g. `America/Chicago`.
    pub timezone: Option<String>,
    /// BCP 47 language tag, e.g. `de-DE`.
    pub locale: Option<String>,
    pub page_url: Option<String>,
    pub page_title: Option<String>,
    pub referrer: Option<String>,
    pub pages_seen: Vec<String>,
    /// `utm_*` parameters of the latest page that had any, without the prefix.
    pub utm: BTreeMap<String, String>,
}

/// One request's context, as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContextUpdate {
    pub timezone: Option<String>,
    pub locale: Option<String>,
    pub page_url: Option<String>,
    pub page_title: Option<String>,
    pub referrer: Option<String>,
}

impl VisitorContext {
    /// Takes in what one request reported; true when anything changed.
    pub fn update(&mut self, update: ContextUpdate, utm: BTreeMap<String, String>) -> bool {
        let before = self.clone();
        for (slot, value) in [
            (&mut self.timezone, update.timezone),
            (&mut self.locale, update.locale),
            (&mut self.page_title, update.page_title),
            (&mut self.referrer, update.referrer),
        ] {
            if value.is_some() {
                *slot = value;
            }
        }
        if let Some(url) = update.page_url {
            if self.pages_seen.last() != Some(&url) {
                self.pages_seen.push(url.clone());
                let extra = self.pages_seen.len().saturating_sub(MAX_PAGES_SEEN);
                self.pages_seen.drain(..extra);
            }
            self.page_url = Some(url);
        }
        if !utm.is_empty() {
            self.utm = utm;
        }
        *self != before
    }
}

impl Handoff {
    /// As the API and webhooks show it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "requestedAt": crate::clock::format(self.requested_at),
            "reason": self.reason.as_str(),
        })
    }
}

/// A visitor asked for a person (or the bot decided one should take over).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    pub requested_at: Timestamp,
    pub reason: HandoffReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffReason {
    VisitorAsked,
    Qualified,
    AgentStuck,
    Manual,
}

impl HandoffReason {
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::VisitorAsked,
            Self::Qualified,
            Self::AgentStuck,
            Self::Manual,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::VisitorAsked => "visitor_asked",
            Self::Qualified => "qualified",
            Self::AgentStuck => "agent_stuck",
            Self::Manual => "manual",
        }
    }
}
