//! Documents handed to an indexer before the write that changes their item, so tantivy
//! inverts them while SQLite commits instead of after it.
//!
//! The indexer adds them to its writer at once, and commits nothing while any such write is
//! still running: had the write failed after a commit, the index would hold a version
//! SQLite never had. Once the write resolves, its change needs nothing more (written), or the
//! item is indexed again from SQLite (failed, or its documents were lost with the writer).

use std::collections::HashMap;

use tantivy::TantivyDocument;

use crate::model::TenantId;

/// The early items of one index.
#[derive(Default)]
pub struct Early {
    /// Handed over, not in the writer yet.
    queued: Vec<Queued>,
    /// By item: handed over, and not yet committed as part of the item's change.
    pending: HashMap<String, Pending>,
}

pub struct Queued {
    pub item: String,
    pub documents: Vec<TantivyDocument>,
}

struct Pending {
    tenant: TenantId,
    /// Its documents are in the writer (not committed).
    in_writer: bool,
    write: Write,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Write {
    Running,
    /// Committed as this change.
    Done(u64),
    Failed,
}

impl Early {
    /// Queues `documents`; `false` (and nothing queued) when the item has some already.
    pub fn hand_over(
        &mut self,
        tenant: &TenantId,
        item: &str,
        documents: Vec<TantivyDocument>,
    ) -> Result<(), Vec<TantivyDocument>> {
        if self.pending.contains_key(item) {
            return Err(documents);
        }
        self.pending.insert(
            item.to_owned(),
            Pending {
                tenant: tenant.clone(),
                in_writer: false,
                write: Write::Running,
            },
        );
        self.queued.push(Queued {
            item: item.to_owned(),
            documents,
        });
        Ok(())
    }

    pub fn written(&mut self, item: &str, seq: u64) {
        if let Some(pending) = self.pending.get_mut(item) {
            pending.write = Write::Done(seq);
        }
    }

    /// The write failed (or its caller gave up on it).
    pub fn failed(&mut self, item: &str) {
        let before = self.queued.len();
        self.queued.retain(|q| q.item != item);
        if self.queued.len() < before {
            // Never reached the writer: nothing to undo.
            self.pending.remove(item);
        } else if let Some(pending) = self.pending.get_mut(item) {
            pending.write = Write::Failed;
        }
    }

    /// What to add to the writer now; call [`Early::in_writer`] once added. An item the
    /// index committed meanwhile (its change read back from SQLite) is dropped: a newer
    /// version may have followed it.
    pub fn take_queued(&mut self) -> Vec<Queued> {
        let pending = &self.pending;
        std::mem::take(&mut self.queued)
            .into_iter()
            .filter(|q| pending.contains_key(&q.item))
            .collect()
    }

    pub fn in_writer(&mut self, item: &str) {
        if let Some(pending) = self.pending.get_mut(item) {
            pending.in_writer = true;
        }
    }

    /// Counts every running write as failed: the index is closing and commits what it has.
    pub fn abandon_running(&mut self) {
        for item in self.items(Write::Running) {
            self.failed(&item);
        }
    }

    #[cfg(test)]
    pub fn is_in_writer(&self, item: &str) -> bool {
        self.pending.get(item).is_some_and(|p| p.in_writer)
    }

    /// Some write is still running: the index must not commit.
    pub fn writing(&self) -> bool {
        self.pending.values().any(|p| p.write == Write::Running)
    }

    /// Items whose write failed after their documents reached the writer: each must be
    /// indexed again from SQLite before the next commit.
    pub fn take_failed(&mut self) -> Vec<(TenantId, String)> {
        self.items(Write::Failed)
            .into_iter()
            .filter_map(|item| {
                let pending = self.pending.remove(&item)?;
                pending.in_writer.then_some((pending.tenant, item))
            })
            .collect()
    }

    fn items(&self, write: Write) -> Vec<String> {
        self.pending
            .iter()
            .filter(|(_, p)| p.write == write)
            .map(|(item, _)| item.clone())
            .collect()
    }

    /// Whether change `seq` of `item` is in the writer already.
    pub fn has(&self, item: &str, seq: u64) -> bool {
        self.pending
            .get(item)
            .is_some_and(|p| p.in_writer && p.write == Write::Done(seq))
    }

    /// The writer was dropped or emptied (a failed commit, a rebuild): whatever was added
    /// early is gone from it, so those changes are read back from SQLite.
    pub fn writer_lost(&mut self) {
        for pending in self.pending.values_mut() {
            pending.in_writer = false;
        }
    }

    /// Forgets the items whose change the index committed.
    pub fn committed(&mut self, reached: u64) {
        self.pending
            .retain(|_, p| !matches!(p.write, Write::Done(seq) if seq <= reached));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant() -> TenantId {
        TenantId::parse("tenantId", "acme").unwrap()
    }

    #[test]
    fn a_written_item_is_in_the_writer_until_committed() {
        let mut early = Early::default();
        assert!(early.hand_over(&tenant(), "doc", Vec::new()).is_ok());
        assert!(early.hand_over(&tenant(), "doc", Vec::new()).is_err());
        assert!(early.writing());
        assert_eq!(early.take_queued().len(), 1);
        early.in_writer("doc");
        assert!(!early.has("doc", 7), "not written yet");
        early.written("doc", 7);
        assert!(!early.writing());
        assert!(early.has("doc", 7));
        assert!(!early.has("doc", 8));
        early.committed(7);
        assert!(!early.has("doc", 7));
        assert!(early.hand_over(&tenant(), "doc", Vec::new()).is_ok());
    }

    #[test]
    fn a_failed_write_is_undone_only_if_it_reached_the_writer() {
        let mut early = Early::default();
        early.hand_over(&tenant(), "queued", Vec::new()).unwrap();
        early.failed("queued");
        assert!(early.take_queued().is_empty());
        assert!(early.take_failed().is_empty());
        assert!(!early.writing());

        early.hand_over(&tenant(), "added", Vec::new()).unwrap();
        early.take_queued();
        early.in_writer("added");
        early.failed("added");
        assert!(!early.writing());
        assert_eq!(early.take_failed(), [(tenant(), "added".to_owned())]);
        assert!(early.take_failed().is_empty());
    }

    #[test]
    fn documents_still_queued_when_their_change_is_committed_are_dropped() {
        let mut early = Early::default();
        early.hand_over(&tenant(), "doc", Vec::new()).unwrap();
        early.written("doc", 4);
        early.committed(4);
        assert!(early.take_queued().is_empty());
    }

    #[test]
    fn a_lost_writer_sends_the_change_back_to_sqlite() {
        let mut early = Early::default();
        early.hand_over(&tenant(), "doc", Vec::new()).unwrap();
        early.take_queued();
        early.in_writer("doc");
        early.written("doc", 3);
        early.writer_lost();
        assert!(!early.has("doc", 3));
    }
}
