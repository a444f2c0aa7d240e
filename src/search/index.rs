//! Opening an on-disk index (rebuilding it when missing or unreadable) and committing it
//! together with the change sequence it has caught up to.

use std::path::Path;

use tantivy::schema::Schema;
use tantivy::{Index, IndexWriter};

use crate::error::Result;

/// An index and whether it was just created empty (so it must be filled from SQLite).
pub struct Opened {
    pub index: Index,
    pub fresh: bool,
}

/// Opens the index in `dir`; a missing, corrupt or differently-shaped one is recreated.
pub fn open_or_create(dir: &Path, schema: &Schema) -> Result<Opened> {
    if dir.join("meta.json").exists() {
        match Index::open_in_dir(dir) {
            Ok(index) if index.schema() == *schema && index.load_metas().is_ok() => {
                return Ok(Opened {
                    index,
                    fresh: false,
                });
            }
            Ok(_) => {
                tracing::warn!(dir = %dir.display(), "search index has another schema; rebuilding");
            }
            Err(err) => {
                tracing::warn!(dir = %dir.display(), %err, "search index unreadable; rebuilding");
            }
        }
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let index = Index::create_in_dir(dir, schema.clone())?;
    Ok(Opened { index, fresh: true })
}

/// The change sequence stored with the last commit (0 for a new index).
pub fn committed_seq(index: &Index) -> Result<u64> {
    let metas = index.load_metas()?;
    Ok(metas.payload.and_then(|p| p.parse().ok()).unwrap_or(0))
}

/// Commits pending documents, recording `seq` in the same commit so they never disagree.
pub fn commit(writer: &mut IndexWriter, seq: u64) -> Result<()> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&seq.to_string());
    prepared.commit()?;
    Ok(())
}
