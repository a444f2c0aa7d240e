//! Qualification: what the agent has learned, scored by the tenant's rules into a score,
//! the reasons for it, and the lead status it implies.

use serde::{Deserialize, Serialize};

use super::settings::{Field, Operator, Rule, Scoring};
use super::{LeadStatus, Qualification};

/// What the visitor has told the agent about the fit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline_months: Option<u32>,
}

impl Facts {
    pub fn has(&self, field: Field) -> bool {
        match field {
            Field::Need => self.need.is_some(),
            Field::CompanySize => self.company_size.is_some(),
            Field::Role => self.role.is_some(),
            Field::Budget => self.budget.is_some(),
            Field::Timeline => self.timeline_months.is_some(),
        }
    }

    fn number(&self, field: Field) -> Option<f64> {
        match field {
            Field::CompanySize => self.company_size.map(f64::from),
            Field::Budget => self.budget.map(|b| b as f64),
            Field::Timeline => self.timeline_months.map(f64::from),
            Field::Need | Field::Role => None,
        }
    }
}

/// Decides whether one rule applies to the facts.
fn applies(rule: &Rule, facts: &Facts, is_decision_maker: &dyn Fn(&str) -> bool) -> bool {
    match rule.operator {
        Operator::AtLeast => facts
            .number(rule.field)
            .zip(rule.value)
            .is_some_and(|(n, v)| n >= v),
        Operator::AtMost => facts
            .number(rule.field)
            .zip(rule.value)
            .is_some_and(|(n, v)| n <= v),
        Operator::DecisionMaker => {
            rule.field == Field::Role && facts.role.as_deref().is_some_and(is_decision_maker)
        }
        Operator::Present => facts.has(rule.field),
    }
}

/// Scores the facts: per field, the first rule (in order) that applies counts, so tiers are
/// listed best first. The score is clamped to 0-100.
pub fn score(
    scoring: &Scoring,
    facts: &Facts,
    is_decision_maker: &dyn Fn(&str) -> bool,
) -> Qualification {
    let mut counted: Vec<Field> = Vec::new();
    let mut total: i32 = 0;
    let mut reasons = Vec::new();
    for rule in &scoring.rules {
        if counted.contains(&rule.field) || !applies(rule, facts, is_decision_maker) {
            continue;
        }
        counted.push(rule.field);
        total += rule.points;
        reasons.push(rule.reason.clone());
    }
    Qualification {
        score: u8::try_from(total.clamp(0, 100)).unwrap_or(0),
        reasons,
    }
}

/// The status a finished qualification implies.
pub fn status(scoring: &Scoring, score: u8) -> LeadStatus {
    if score >= scoring.qualified_at {
        LeadStatus::Qualified
    } else if score < scoring.disqualified_below {
        LeadStatus::Disqualified
    } else {
        LeadStatus::Nurturing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::settings::TenantSettings;

    fn decision_maker(role: &str) -> bool {
        role.eq_ignore_ascii_case("cto")
    }

    #[test]
    fn tiers_count_once_per_field_and_clamp() {
        let scoring = TenantSettings::defaults("Acme").scoring;
        let facts = Facts {
            need: Some("inbound leads".into()),
            company_size: Some(200),
            role: Some("CTO".into()),
            budget: Some(20_000),
            timeline_months: Some(1),
        };
        let q = score(&scoring, &facts, &decision_maker);
        assert_eq!(q.score, 100);
        assert_eq!(q.reasons.len(), 5);
        assert!(
            q.reasons
                .contains(&"Company has 50 or more people".to_owned())
        );
        assert!(
            !q.reasons
                .contains(&"Company has 10 or more people".to_owned())
        );
        assert_eq!(status(&scoring, q.score), LeadStatus::Qualified);
    }

    #[test]
    fn small_slow_leads_are_nurtured_or_disqualified() {
        let scoring = TenantSettings::defaults("Acme").scoring;
        let nurture = Facts {
            company_size: Some(20),
            budget: Some(3_000),
            timeline_months: Some(12),
            ..Facts::default()
        };
        let q = score(&scoring, &nurture, &decision_maker);
        assert_eq!(q.score, 20);
        assert_eq!(status(&scoring, q.score), LeadStatus::Nurturing);
        let out = Facts {
            company_size: Some(1),
            budget: Some(0),
            timeline_months: Some(24),
            ..Facts::default()
        };
        assert_eq!(
            status(&scoring, score(&scoring, &out, &decision_maker).score),
            LeadStatus::Disqualified
        );
    }
}
