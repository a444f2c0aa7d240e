//! The product's rules, one file per capability. Every function takes the tenant explicitly.

pub mod analytics;
pub mod auth;
pub mod chat;
pub mod conversations;
pub mod events;
pub mod health;
pub mod knowledge;
pub mod leads;
pub mod meetings;
pub mod pagination;
pub mod settings;
pub mod tenants;
pub mod webhooks;

/// The plain types, where callers outside the crate found them before they were shared.
pub use crate::model;
pub use crate::model::qualification;
