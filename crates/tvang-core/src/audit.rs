//! The audit log: every import, change, reveal, export, backup and restore, append-only and
//! hash-chained.
//!
//! Each entry carries the SHA-256 of the entry before it (`prev`) and its own (`hash`, over its
//! JSON with `hash` empty). Editing, removing or reordering an entry in the store behind tvang's
//! back breaks the chain at that entry, which [`verify`] names. The store keeps the hash of the
//! newest entry beside the log, so that a cut-off tail shows too; someone who rewrites the whole
//! chain from an entry onwards and that head can only be caught by comparing the head with a
//! copy kept elsewhere (`tvang audit --verify` prints it for that).

use crate::review::RecordRef;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Records stored by an import (one entry per batch, and one per record `--update` replaced).
    Import,
    /// An inspector's change to a record's review (status, classification, notes…).
    Change,
    /// A fødselsnummer shown unmasked.
    Reveal,
    Export,
    Backup,
    Restore,
}

impl Action {
    /// Every variant in declaration order, derived: a new variant is in it.
    pub const ALL: &'static [Action] = <Action as strum::VariantArray>::VARIANTS;

    pub fn name(self) -> &'static str {
        match self {
            Action::Import => "import",
            Action::Change => "change",
            Action::Reveal => "reveal",
            Action::Export => "export",
            Action::Backup => "backup",
            Action::Restore => "restore",
        }
    }
}

/// What happened, before the store gives it its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub author: String,
    pub action: Action,
    pub record: Option<RecordRef>,
    /// The field changed, or what the action concerned (a file, "fødselsnummer").
    pub field: String,
    pub old: String,
    pub new: String,
}

impl Event {
    pub fn new(at: DateTime<Utc>, author: &str, action: Action) -> Event {
        Event {
            at,
            author: author.to_string(),
            action,
            record: None,
            field: String::new(),
            old: String::new(),
            new: String::new(),
        }
    }

    pub fn record(mut self, record: RecordRef) -> Event {
        self.record = Some(record);
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Event {
        self.field = field.into();
        self
    }

    pub fn change(mut self, old: impl Into<String>, new: impl Into<String>) -> Event {
        self.old = old.into();
        self.new = new.into();
        self
    }
}

/// One entry of the log, as stored. Field order is the hashed form: append fields only at the
/// end, with `#[serde(default)]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the log, from 0, without gaps.
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub author: String,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordRef>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub old: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub new: String,
    /// The hash of the entry before (all zeros for the first).
    pub prev: String,
    pub hash: String,
}

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

impl AuditEntry {
    /// Places an event after the entry with sequence `seq - 1` and hash `prev`.
    pub fn chain(event: Event, seq: u64, prev: &str) -> AuditEntry {
        let mut e = AuditEntry {
            seq,
            at: event.at,
            author: event.author,
            action: event.action,
            record: event.record,
            field: event.field,
            old: event.old,
            new: event.new,
            prev: prev.to_string(),
            hash: String::new(),
        };
        e.hash = e.computed_hash();
        e
    }

    /// SHA-256 of the entry's JSON with `hash` empty, in hex.
    pub fn computed_hash(&self) -> String {
        let unhashed = AuditEntry {
            hash: String::new(),
            ..self.clone()
        };
        let json = serde_json::to_vec(&unhashed).expect("an audit entry serialises");
        hex(&Sha256::digest(&json))
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a chain is broken, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The entry does not hash to what it says: edited.
    Edited { seq: u64 },
    /// The entry does not follow the one before it: an entry removed, inserted or reordered.
    Unlinked { seq: u64 },
    /// The entry stored at this position does not decode.
    Unreadable { position: u64, detail: String },
    /// The log ends before the newest entry the store recorded: entries at the end removed.
    Truncated { expected_head: String },
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub entries: u64,
    /// The hash of the newest entry (what to note down elsewhere to compare later).
    pub head: String,
    pub broken: Option<Break>,
}

/// Recomputes the chain over the entries in stored order, against the head the store recorded.
pub fn verify(
    entries: impl IntoIterator<Item = Result<AuditEntry, String>>,
    recorded_head: Option<&str>,
) -> Verified {
    let mut prev = GENESIS.to_string();
    let mut count = 0u64;
    for (position, entry) in entries.into_iter().enumerate() {
        let position = position as u64;
        let broken = |b| Verified {
            entries: count,
            head: prev.clone(),
            broken: Some(b),
        };
        let e = match entry {
            Ok(e) => e,
            Err(detail) => return broken(Break::Unreadable { position, detail }),
        };
        if e.computed_hash() != e.hash {
            return broken(Break::Edited { seq: e.seq });
        }
        if e.prev != prev || e.seq != position {
            return broken(Break::Unlinked { seq: e.seq });
        }
        prev = e.hash;
        count += 1;
    }
    let broken = match recorded_head {
        Some(head) if head != prev => Some(Break::Truncated {
            expected_head: head.to_string(),
        }),
        _ => None,
    };
    Verified {
        entries: count,
        head: prev,
        broken,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(n: u64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (0..n)
            .map(|i| {
                let at = DateTime::from_timestamp(1_700_000_000 + i as i64, 0).unwrap();
                let e = AuditEntry::chain(
                    Event::new(at, "Kari", Action::Change)
                        .record(RecordRef::protocol(i))
                        .field("status")
                        .change("ny", "gjennomgatt"),
                    i,
                    &prev,
                );
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn check(entries: &[AuditEntry], head: Option<&str>) -> Verified {
        verify(entries.iter().cloned().map(Ok), head)
    }

    #[test]
    fn an_intact_chain_verifies_and_survives_a_json_round_trip() {
        let entries = log(5);
        let head = entries[4].hash.clone();
        let round: Vec<AuditEntry> = entries
            .iter()
            .map(|e| serde_json::from_str(&serde_json::to_string(e).unwrap()).unwrap())
            .collect();
        let v = check(&round, Some(&head));
        assert_eq!(v.broken, None);
        assert_eq!((v.entries, v.head), (5, head));
        assert_eq!(check(&[], None).broken, None);
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut entries = log(5);
        entries[2].new = "oppfolging".into();
        assert_eq!(check(&entries, None).broken, Some(Break::Edited { seq: 2 }));
        // Re-hashing the edited entry does not help: the next one no longer follows it.
        entries[2].hash = entries[2].computed_hash();
        assert_eq!(
            check(&entries, None).broken,
            Some(Break::Unlinked { seq: 3 })
        );
    }

    #[test]
    fn removed_reordered_and_truncated_entries_are_found() {
        let entries = log(5);
        let mut removed = entries.clone();
        removed.remove(1);
        assert_eq!(
            check(&removed, None).broken,
            Some(Break::Unlinked { seq: 2 })
        );
        let mut swapped = entries.clone();
        swapped.swap(3, 4);
        assert_eq!(
            check(&swapped, None).broken,
            Some(Break::Unlinked { seq: 4 })
        );
        let head = entries[4].hash.clone();
        assert_eq!(
            check(&entries[..4], Some(&head)).broken,
            Some(Break::Truncated {
                expected_head: head
            })
        );
    }
}
