//! The product's rules, one file per capability. Every function takes the tenant explicitly.

pub mod auth;
pub mod events;
pub mod knowledge;
pub mod leads;
pub mod model;
pub mod pagination;
// pub mod settings; (waits for scheduling)
pub mod tenants;
