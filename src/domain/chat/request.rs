//! A chat request's fields, validated before anything is stored.

use crate::error::{Error, Result};
use crate::model::TenantId;

pub const MAX_MESSAGE_CHARS: usize = 4000;
const MAX_VISITOR_CHARS: usize = 128;

/// What the widget sends for one visitor message.
pub struct ChatInput {
    pub tenant_id: String,
    pub visitor_id: String,
    pub conversation_id: Option<String>,
    pub message: String,
}

/// A chat request's fields, validated.
pub(super) struct Valid {
    pub tenant: TenantId,
    pub visitor: String,
    pub message: String,
    pub conversation_id: Option<String>,
}

impl Valid {
    pub fn check(input: ChatInput) -> Result<Self> {
        Ok(Self {
            tenant: TenantId::parse("tenantId", input.tenant_id.trim())?,
            visitor: valid_visitor(&input.visitor_id)?,
            message: valid_message(&input.message)?,
            conversation_id: input
                .conversation_id
                .map(|id| valid_uuid("conversationId", &id))
                .transpose()?,
        })
    }
}

pub(super) fn valid_visitor(raw: &str) -> Result<String> {
    let visitor = raw.trim();
    if visitor.is_empty() || visitor.chars().count() > MAX_VISITOR_CHARS {
        return Err(Error::invalid(
            "visitorId",
            format!("must be 1-{MAX_VISITOR_CHARS} characters"),
        ));
    }
    Ok(visitor.to_owned())
}

fn valid_message(raw: &str) -> Result<String> {
    let message = raw.trim();
    let chars = message.chars().count();
    if chars == 0 || chars > MAX_MESSAGE_CHARS {
        return Err(Error::invalid(
            "message",
            format!("must be 1-{MAX_MESSAGE_CHARS} characters"),
        ));
    }
    Ok(message.to_owned())
}

pub(super) fn valid_uuid(field: &'static str, raw: &str) -> Result<String> {
    uuid::Uuid::parse_str(raw.trim())
        .map(|u| u.to_string())
        .map_err(|_| Error::invalid(field, "must be a UUID"))
}
