//! The one error type every layer passes around; `http/error.rs` maps it to a status once.

use std::borrow::Cow;
use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A request value that breaks a rule; `field` is the wire name the caller sent.
    #[error("{field}: {reason}")]
    Invalid {
        field: Cow<'static, str>,
        reason: String,
    },
    /// The change clashes with existing data; `existing` names the resource it clashes with.
    #[error("{message}")]
    Conflict {
        message: String,
        existing: Option<Existing>,
    },
    /// The request body or upload is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// The content is of a kind we do not accept.
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("too many requests, retry in {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// The resource a conflicting request collided with, so clients can use it instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Existing {
    Lead(String),
    Document(String),
}

impl Error {
    pub fn invalid(field: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn internal(err: impl fmt::Display) -> Self {
        Self::Internal(err.to_string())
    }
}

/// What a client is told when the data directory's disk is full: a 503, since reads still
/// work and writes will once space is freed (SQLite rolls the write back whole).
const DISK_FULL: &str = "the server's disk is full: nothing was written; retry once space is freed";

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => Self::Unavailable(DISK_FULL.to_owned()),
            Some(rusqlite::ErrorCode::ReadOnly) => {
                Self::Unavailable("the database is read-only: nothing was written".to_owned())
            }
            _ => Self::internal(format!("database: {err}")),
        }
    }
}

impl From<r2d2::Error> for Error {
    fn from(err: r2d2::Error) -> Self {
        Self::Unavailable(format!("database unavailable: {err}"))
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(err: tantivy::TantivyError) -> Self {
        if let tantivy::TantivyError::IoError(io) = &err
            && io.kind() == std::io::ErrorKind::StorageFull
        {
            return Self::Unavailable(DISK_FULL.to_owned());
        }
        Self::internal(format!("search index: {err}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Self::internal(format!("json: {err}"))
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::StorageFull {
            return Self::Unavailable(DISK_FULL.to_owned());
        }
        Self::internal(format!("io: {err}"))
    }
}
