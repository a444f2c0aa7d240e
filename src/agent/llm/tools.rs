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
pub const LIST_MEETING_SLOTS: &str = "list_meeting_slots";
pub const BOOK_MEETING: &str = "book_meeting";

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
            name: LIST_MEETING_SLOTS,
            description: "List the next free meeting slots with the team. Offer them to a qualified visitor as a numbered list.",
            parameters: json!({
                "type": "object",
                "properties": {},
                "additionalProperties": false
            }),
        },
        Spec {
            name: BOOK_MEETING,
            description: "Book the meeting slot the visitor chose, by its starts_at as list_meeting_slots returned it. Needs the visitor's email (update_lead) first.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "starts_at": {"type": "string", "format": "date-time"}
                },
                "required": ["starts_at"],
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
    ListMeetingSlots,
    BookMeeting(Book),
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
        LIST_MEETING_SLOTS => {
            from::<NoArguments>(value)?;
            ToolRequest::ListMeetingSlots
        }
        BOOK_MEETING => ToolRequest::BookMeeting(from(value)?),
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
            parse(LIST_MEETING_SLOTS, "").unwrap(),
            ToolRequest::ListMeetingSlots
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
