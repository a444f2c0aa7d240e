//! The tools the model may call: their JSON Schemas, and their arguments read strictly (an
//! unknown or mistyped field is refused, never ignored). What the arguments mean is checked
//! by the domain, with the same rules as the REST API.
//!
//! No tool takes a lead or conversation id: every tool acts on the conversation the turn
//! belongs to, so text in a message or a document cannot point one at someone else's data.

use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::{Value, json};

pub const SEARCH_KNOWLEDGE_BASE: &str = "search_knowledge_base";
pub const UPDATE_LEAD: &str = "update_lead";
pub const QUALIFY_LEAD: &str = "qualify_lead";
pub const PROPOSE_TIMES: &str = "propose_times";
pub const BOOK_MEETING: &str = "book_meeting";
pub const RESCHEDULE_MEETING: &str = "reschedule_meeting";
pub const CANCEL_MEETING: &str = "cancel_meeting";
pub const REQUEST_HUMAN: &str = "request_human";
pub const ROUTE_VISITOR: &str = "route_visitor";

/// A tool as the model is told about it.
pub struct Spec {
    pub name: &'static str,
    pub description: &'static str,
    /// JSON Schema of the arguments object.
    pub parameters: Value,
}

/// Every tool, built once.
pub static SPECS: LazyLock<Vec<Spec>> = LazyLock::new(|| {
    vec![
        Spec {
            name: SEARCH_KNOWLEDGE_BASE,
            description: "Search the company's knowledge base (FAQ, product, pricing and policy documents). Returns the best matching passages with their document titles.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "query": {"type": "string", "minLength": 1, "maxLength": 500,
                              "description": "What to look for, in the visitor's words."}
                },
                "required": ["query"],
                "additionalProperties": false
            }),
        },
        Spec {
            name: UPDATE_LEAD,
            description: "Save the visitor's contact details as soon as they give them. The lead is created once an email is saved; fields left out are kept.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 200},
                    "email": {"type": "string", "format": "email", "maxLength": 254},
                    "phone": {"type": "string", "maxLength": 50},
                    "company": {"type": "string", "maxLength": 200}
                },
                "additionalProperties": false
            }),
        },
        Spec {
            name: QUALIFY_LEAD,
            description: "Record the lead's qualification once the qualification questions are answered: a score from 0 to 100 computed with the scoring rules, the reasons (the rules that applied) and the resulting status.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "score": {"type": "integer", "minimum": 0, "maximum": 100},
                    "reasons": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 200},
                                "maxItems": 20},
                    "status": {"type": "string", "enum": ["qualified", "nurturing", "disqualified"]}
                },
                "required": ["score", "reasons", "status"],
                "additionalProperties": false
            }),
        },
        Spec {
            name: PROPOSE_TIMES,
            description: "Find up to 3 free meeting slots with the team: those matching the visitor's words when they named a time (\"Thursday afternoon\", \"tomorrow at 3pm\", \"2pm my time\"), else spread over the next days. Labels are in the visitor's time zone. Offer them as a numbered list.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "when": {"type": "string", "maxLength": 200,
                             "description": "The time the visitor asked for, in their words; leave out for the next free times."},
                    "timezone": {"type": "string", "maxLength": 100,
                                 "description": "A zone or place the visitor named (\"America/Chicago\", \"Chicago\", \"CET\"); it is remembered for the conversation."}
                },
                "additionalProperties": false
            }),
        },
        Spec {
            name: BOOK_MEETING,
            description: "Book the meeting slot the visitor chose, by its starts_at as propose_times returned it. Needs the visitor's email (update_lead) first. Book only a time the visitor clearly picked.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "starts_at": {"type": "string", "format": "date-time"}
                },
                "required": ["starts_at"],
                "additionalProperties": false
            }),
        },
        Spec {
            name: RESCHEDULE_MEETING,
            description: "Move the meeting booked in this conversation to another free slot, by its starts_at as propose_times returned it.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "starts_at": {"type": "string", "format": "date-time"}
                },
                "required": ["starts_at"],
                "additionalProperties": false
            }),
        },
        Spec {
            name: CANCEL_MEETING,
            description: "Cancel the meeting booked in this conversation, when the visitor asks to.",
            parameters: json!({
                "type": "object",
                "properties": {},
                "additionalProperties": false
            }),
        },
        Spec {
            name: REQUEST_HUMAN,
            description: "Tell the team the visitor wants to talk to a person. Nobody is live in the chat: say the team will get back to them (by email, so ask for it if unknown) or offer a call.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "reason": {"type": "string", "maxLength": 500,
                               "description": "What the visitor wants to talk about, briefly."}
                },
                "additionalProperties": false
            }),
        },
        Spec {
            name: ROUTE_VISITOR,
            description: "For a visitor who is not a buyer: where the company sends them (careers page, support, a text for others). Pass it on and ask them no sales questions.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["job_seeker", "support", "student", "vendor", "competitor"]}
                },
                "required": ["kind"],
                "additionalProperties": false
            }),
        },
    ]
});

/// A tool call with its arguments read.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolRequest {
    SearchKnowledgeBase(Search),
    UpdateLead(LeadDetails),
    QualifyLead(Qualify),
    ProposeTimes(Propose),
    BookMeeting(Book),
    RescheduleMeeting(Book),
    CancelMeeting,
    RequestHuman(Handoff),
    RouteVisitor(RouteTo),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Search {
    pub query: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadDetails {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Qualify {
    pub score: i64,
    pub reasons: Vec<String>,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoArguments {}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Book {
    pub starts_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Propose {
    pub when: Option<String>,
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handoff {
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTo {
    pub kind: VisitorKind,
}

/// Who a visitor who is not a buyer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitorKind {
    JobSeeker,
    Support,
    Student,
    Vendor,
    Competitor,
}

/// Reads a call; the error is written for the model, naming what is wrong.
pub fn parse(name: &str, arguments: &str) -> Result<ToolRequest, String> {
    let value = if arguments.trim().is_empty() {
        // Providers send "" for a call without arguments.
        Value::Object(serde_json::Map::new())
    } else {
        serde_json::from_str(arguments)
            .map_err(|e| format!("the arguments are not valid JSON: {e}"))?
    };
    Ok(match name {
        SEARCH_KNOWLEDGE_BASE => ToolRequest::SearchKnowledgeBase(from(value)?),
        UPDATE_LEAD => ToolRequest::UpdateLead(from(value)?),
        QUALIFY_LEAD => ToolRequest::QualifyLead(from(value)?),
        PROPOSE_TIMES => ToolRequest::ProposeTimes(from(value)?),
        BOOK_MEETING => ToolRequest::BookMeeting(from(value)?),
        RESCHEDULE_MEETING => ToolRequest::RescheduleMeeting(from(value)?),
        CANCEL_MEETING => {
            from::<NoArguments>(value)?;
            ToolRequest::CancelMeeting
        }
        REQUEST_HUMAN => ToolRequest::RequestHuman(from(value)?),
        ROUTE_VISITOR => ToolRequest::RouteVisitor(from(value)?),
        other => return Err(format!("there is no tool named {other:?}")),
    })
}

fn from<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("invalid arguments: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn arguments_are_read_strictly() {
        assert_eq!(
            parse(UPDATE_LEAD, r#"{"email": "jane@acme.com"}"#).unwrap(),
            ToolRequest::UpdateLead(LeadDetails {
                email: Some("jane@acme.com".into()),
                ..LeadDetails::default()
            })
        );
        assert_eq!(
            parse(PROPOSE_TIMES, "").unwrap(),
            ToolRequest::ProposeTimes(Propose::default())
        );
        assert_eq!(
            parse(CANCEL_MEETING, "{}").unwrap(),
            ToolRequest::CancelMeeting
        );
        assert_eq!(
            parse(ROUTE_VISITOR, r#"{"kind": "job_seeker"}"#).unwrap(),
            ToolRequest::RouteVisitor(RouteTo {
                kind: VisitorKind::JobSeeker
            })
        );
        assert!(
            parse(ROUTE_VISITOR, r#"{"kind": "investor"}"#)
                .unwrap_err()
                .contains("unknown variant")
        );
        let unknown = parse(UPDATE_LEAD, r#"{"lead_id": "x", "status": "booked"}"#).unwrap_err();
        assert!(unknown.contains("unknown field `lead_id`"), "{unknown}");
        let mistyped = parse(
            QUALIFY_LEAD,
            r#"{"score": "high", "reasons": [], "status": "qualified"}"#,
        )
        .unwrap_err();
        assert!(mistyped.contains("invalid type"), "{mistyped}");
        assert!(
            parse(BOOK_MEETING, r#"{"starts_at": "#)
                .unwrap_err()
                .contains("not valid JSON")
        );
        assert!(
            parse("delete_lead", "{}")
                .unwrap_err()
                .contains("no tool named")
        );
    }

    #[test]
    fn every_schema_is_a_closed_object() {
        for spec in SPECS.iter() {
            assert_eq!(spec.parameters["type"], "object", "{}", spec.name);
            assert_eq!(
                spec.parameters["additionalProperties"], false,
                "{}",
                spec.name
            );
        }
    }
}
