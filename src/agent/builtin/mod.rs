//! The built-in agent: deterministic, offline, no model — facts are read from the visitor's
//! messages by patterns, answers come from the knowledge base, and qualification is scripted.

pub mod answer;
pub mod extract;
pub mod flow;
pub mod intent;
pub mod replied;
