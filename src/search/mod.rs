//! Full-text search: tantivy indexes derived from SQLite, rebuildable at any time.

pub mod chunks;
mod directory;
mod early;
pub mod index;
pub mod leads;
pub mod mapped;
mod stem;

pub use leads::LeadSearch;
