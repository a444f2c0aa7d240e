//! Synaptiq: a self-hosted AI sales agent in one executable.
//!
//! Layers (DESIGN.md): `http` → `domain` → `store` / `search`; `app` ties them together.

pub mod agent;
pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod data_dir;
pub mod dns;
pub mod domain;
pub mod error;
pub mod http;
pub mod ingest;
pub mod jobs;
pub mod niceness;
pub mod outbound;
pub mod scheduling;
pub mod search;
pub mod server;
pub mod store;
