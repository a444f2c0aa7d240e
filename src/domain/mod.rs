//! The product's rules, one file per capability. Every function takes the tenant explicitly.

pub mod analytics;
pub mod auth;
pub mod chat;
pub mod conversations;
pub mod events;
pub mod knowledge;
pub mod leads;
pub mod meetings;
pub mod model;
pub mod pagination;
pub mod qualification;
pub mod settings;
pub mod tenants;
pub mod webhooks;
