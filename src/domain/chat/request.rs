//! A chat request's fields, validated before anything is stored.

use crate::error::{Error, Result};
use crate::model::TenantId;
use crate::model::context::ContextUpdate;

pub const MAX_MESSAGE_CHARS: usize = 4000;
const MAX_VISITOR_CHARS: usize = 128;
const MAX_CONTEXT_CHARS: usize = 2000;

/// What the widget sends for one visitor message.
pub struct ChatInput {
    pub tenant_id: String,
    pub visitor_id: String,
    pub conversation_id: Option<String>,
    pub message: String,
    pub context: Option<ContextUpdate>,
}

/// A chat request's fields, validated.
pub(super) struct Valid {
    pub tenant: TenantId,
    pub visitor: String,
    pub message: String,
    pub conversation_id: Option<String>,
    pub context: Option<Context>,
}

/// The browser's context, checked, with the UTM parameters of its page.
pub(super) struct Context {
    pub update: ContextUpdate,
    pub utm: std::collections::BTreeMap<String, String>,
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
            context: input.context.map(valid_context).transpose()?,
        })
    }
}

fn valid_context(update: ContextUpdate) -> Result<Context> {
    for (field, value) in [
        ("context.timezone", &update.timezone),
        ("context.locale", &update.locale),
        ("context.pageUrl", &update.page_url),
        ("context.pageTitle", &update.page_title),
        ("context.referrer", &update.referrer),
    ] {
        if value
            .as_ref()
            .is_some_and(|v| v.chars().count() > MAX_CONTEXT_CHARS)
        {
            return Err(Error::invalid(
                field,
                format!("must be at most {MAX_CONTEXT_CHARS} characters"),
            ));
        }
    }
    // A zone this server's time-zone database does not know is dropped rather than refused:
    // a browser's odd value must not cost the visitor their message.
    let mut update = update;
    update.timezone = update
        .timezone
        .filter(|zone| jiff::tz::TimeZone::get(zone).is_ok());
    let utm = update.page_url.as_deref().map(utm_of).unwrap_or_default();
    Ok(Context { update, utm })
}

/// The `utm_*` parameters of a page address, without the prefix ("source" → "newsletter").
fn utm_of(page_url: &str) -> std::collections::BTreeMap<String, String> {
    url::Url::parse(page_url)
        .map(|url| {
            url.query_pairs()
                .filter_map(|(k, v)| {
                    let key = k.strip_prefix("utm_")?;
                    (!key.is_empty() && !v.is_empty()).then(|| (key.to_owned(), v.into_owned()))
                })
                .take(10)
                .collect()
        })
        .unwrap_or_default()
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
