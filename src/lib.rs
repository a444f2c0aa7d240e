//! Synaptiq: a self-hosted AI sales agent in one executable.
//!
//! Layers (docs/architecture.md): `http` → `domain` → `store`, `search`, `ingest`, `agent`,
//! `scheduling`, `outbound` → `model`; `jobs` → `domain`; `app` holds the handles and
//! `server` / `cli` wire it all. `tests/layers.rs` keeps imports that way.

pub mod agent;
pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod data_dir;
pub mod domain;
pub mod error;
pub mod http;
pub mod idle_priority;
pub mod ingest;
pub mod jobs;
pub mod json;
pub mod model;
pub mod outbound;
pub mod scheduling;
pub mod search;
pub mod server;
pub mod store;
