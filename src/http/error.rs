//! The one mapping from errors to HTTP: every failure, from any layer, is `{"error": "..."}`.

use poem::http::StatusCode;
use poem::{IntoResponse, Response};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

use crate::error::{Error, Existing};

#[derive(Object, Debug, Clone)]
#[oai(rename = "Error")]
pub struct ErrorBody {
    /// What went wrong, naming the field when one is at fault.
    pub error: String,
    /// On a 409 for a duplicate email: the lead that already has it.
    #[oai(rename = "leadId", skip_serializing_if_is_none)]
    pub lead_id: Option<String>,
    /// On a 409 for a byte-identical upload: the document that already has this content.
    #[oai(rename = "documentId", skip_serializing_if_is_none)]
    pub document_id: Option<String>,
}

impl ErrorBody {
    pub fn new(error: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            lead_id: None,
            document_id: None,
        }
    }
}

/// Every error an operation can answer with; each operation documents all of them.
#[derive(ApiResponse, Debug)]
pub enum ApiError {
    /// A field is missing or invalid; the message names it.
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// Missing, invalid or expired API key or session cookie.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    /// The credential is valid but may not do this (e.g. an API key managing keys).
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    /// No such resource in the caller's tenant.
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// Clashes with existing data (e.g. a lead with this email exists: see `leadId`).
    #[oai(status = 409)]
    Conflict(Json<ErrorBody>),
    /// The body or upload is too large (JSON 1 MiB, uploads 25 MiB).
    #[oai(status = 413)]
    PayloadTooLarge(Json<ErrorBody>),
    /// The content type or file format is not supported.
    #[oai(status = 415)]
    UnsupportedMediaType(Json<ErrorBody>),
    /// Too many requests; retry after the given number of seconds.
    #[oai(status = 429)]
    TooManyRequests(Json<ErrorBody>, #[oai(header = "Retry-After")] u64),
    /// Unexpected failure; details are in the server log under the request id.
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
    /// A dependency is down or not configured.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>),
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        let body = |msg: String| Json(ErrorBody::new(msg));
        match err {
            Error::NotFound(what) => Self::NotFound(body(format!("{what} not found"))),
            Error::Invalid { .. } => Self::BadRequest(body(err.to_string())),
            Error::Conflict { message, existing } => {
                Self::Conflict(Json(conflict(message, existing)))
            }
            Error::TooLarge(msg) => Self::PayloadTooLarge(body(msg)),
            Error::Unsupported(msg) => Self::UnsupportedMediaType(body(msg)),
            Error::Unauthorized(msg) => Self::Unauthorized(body(msg.to_owned())),
            Error::Forbidden(msg) => Self::Forbidden(body(msg)),
            Error::RateLimited { retry_after_secs } => {
                Self::TooManyRequests(body(err.to_string()), retry_after_secs)
            }
            Error::Unavailable(msg) => Self::Unavailable(body(msg)),
            Error::Internal(detail) => Self::Internal(body(internal(&detail))),
        }
    }
}

impl ApiError {
    /// The JSON body, for errors reported inside a stream that has already begun.
    pub fn into_body(self) -> ErrorBody {
        match self {
            Self::BadRequest(b)
            | Self::Unauthorized(b)
            | Self::Forbidden(b)
            | Self::NotFound(b)
            | Self::Conflict(b)
            | Self::PayloadTooLarge(b)
            | Self::UnsupportedMediaType(b)
            | Self::TooManyRequests(b, _)
            | Self::Internal(b)
            | Self::Unavailable(b) => b.0,
        }
    }
}

fn conflict(message: String, existing: Option<Existing>) -> ErrorBody {
    let mut body = ErrorBody::new(message);
    match existing {
        Some(Existing::Lead(id)) => body.lead_id = Some(id),
        Some(Existing::Document(id)) => body.document_id = Some(id),
        None => {}
    }
    body
}

impl From<Error> for poem::Error {
    fn from(err: Error) -> Self {
        poem::Error::from_response(ApiError::from(err).into_response())
    }
}

/// Logs an internal failure under the request's id and returns what the client may see.
pub fn internal(detail: &str) -> String {
    let id = super::request_log::current_id();
    tracing::error!(request_id = %id, "{detail}");
    format!("internal error (request id {id})")
}

/// A JSON error response with any status.
pub fn respond(status: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "error": message.into() });
    Response::builder()
        .status(status)
        .content_type("application/json")
        .body(body.to_string())
}

/// Turns errors raised outside our handlers (routing, parsing, extractors) into JSON.
pub async fn catch_all(err: poem::Error) -> Response {
    if err.has_source() && err.is::<poem_openapi::error::ParseRequestPayloadError>() {
        return respond(StatusCode::BAD_REQUEST, payload_message(&err));
    }
    if let Some(path) = err.downcast_ref::<poem_openapi::error::ParsePathError>() {
        let what = if path.reason.contains("uuid") {
            "not a valid UUID".to_owned()
        } else {
            broken_rule(&path.reason).unwrap_or_else(|| path.reason.clone())
        };
        return respond(
            StatusCode::BAD_REQUEST,
            format!("invalid id in the path: {what}"),
        );
    }
    if let Some(param) = err.downcast_ref::<poem_openapi::error::ParseParamError>() {
        return respond(StatusCode::BAD_REQUEST, param_message(param));
    }
    if err.is_from_response() {
        return err.into_response();
    }
    let status = err.status();
    let message = match status {
        StatusCode::NOT_FOUND => "no such endpoint".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed on this endpoint".to_owned(),
        StatusCode::PAYLOAD_TOO_LARGE => "request body too large".to_owned(),
        StatusCode::INTERNAL_SERVER_ERROR => internal(&err.to_string()),
        _ => err.to_string(),
    };
    respond(status, message)
}

/// poem-openapi says "parse request payload error: failed to parse \"X\": ..."; keep the why.
fn payload_message(err: &poem::Error) -> String {
    let text = err.to_string();
    let reason = text
        .strip_prefix("parse request payload error: ")
        .unwrap_or(&text);
    let reason = match reason.strip_prefix("failed to parse \"") {
        Some(rest) => rest.split_once("\": ").map_or(rest, |(_, why)| why),
        None => reason,
    };
    format!("invalid JSON body: {}", reason.trim_end_matches('.'))
}

/// poem-openapi says "failed to parse \"integer_int64\": invalid digit found in string
/// (occurred while parsing ...)"; name the parameter and keep only the why.
fn param_message(param: &poem_openapi::error::ParseParamError) -> String {
    let reason = param
        .reason
        .split(" (occurred while")
        .next()
        .unwrap_or_default();
    if let Some(rule) = broken_rule(reason) {
        return format!("{}: {rule}", param.name);
    }
    let why = reason.rsplit_once("\": ").map_or(reason, |(_, why)| why);
    format!("{}: invalid value ({why})", param.name)
}

/// A parameter's validator (the bounds the spec declares) says "verification failed.
/// maximum(500, exclusive: false)"; say it in words.
fn broken_rule(reason: &str) -> Option<String> {
    let rule = reason.strip_prefix("verification failed. ")?;
    let (name, args) = rule.strip_suffix(')')?.split_once('(')?;
    let bound = args.split(", exclusive").next().unwrap_or(args);
    Some(match name {
        "minimum" => format!("must be at least {bound}"),
        "maximum" => format!("must be at most {bound}"),
        "minLength" => format!("must be at least {bound} characters long"),
        "maxLength" => format!("must be at most {bound} characters long"),
        "pattern" => format!("must match {bound}"),
        _ => return None,
    })
}

/// A panic in a handler: a 500 with no internals; the server keeps serving.
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    respond(
        StatusCode::INTERNAL_SERVER_ERROR,
        internal("handler panicked"),
    )
}
