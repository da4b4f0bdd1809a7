//! The embedded store: sled, one tree with prefixed keys.
//!
//! Everything an import writes for a batch (records, identity keys, secondary indexes, counters)
//! goes into one tree, so one `apply_batch` makes it visible atomically and one `flush` makes it
//! durable: a crash leaves whole batches or nothing. Record values are JSON, so adding an optional
//! field in a later schema needs no migration.
//!
//! Key layout (ids are u64 big-endian; text parts end with a 0 byte, which identifiers cannot
//! contain):
//!
//! | prefix | key                                    | value                              |
//! |--------|----------------------------------------|------------------------------------|
//! | `m`    | meta name                              | schema version, counters           |
//! | `p`    | id                                     | [`StoredProtocol`] JSON            |
//! | `F`    | chunk (u32: id / 1024)                 | facts ([`crate::facts`]) of up to 1,024 protocols |
//! | `T`    | chunk (u32: id / 1024)                 | the long texts of the same protocols, lz4 |
//! | `W`    | chunk (u32: id / 1024)                 | the words of those texts ([`crate::facts::encode_vocabulary`]), lz4 |
//! | `k`    | id                                     | [`StoredComplaint`] JSON           |
//! | `h`    | id, version (u32)                      | a replaced version, JSON           |
//! | `P`    | institution key, protocol_id           | id                                 |
//! | `K`    | institution key, complaint_id          | id                                 |
//! | `xi`   | institution key, chunk                 | posting list: protocols by institution |
//! | `xd`   | incident day (Oslo, u32), chunk        | posting list: protocols by date    |
//! | `xp`   | provision id (`?` if unknown), chunk   | posting list: protocols by provision |
//! | `xm`   | measure kind, chunk                    | posting list: protocols by kind    |
//! | `xc`   | child_ref, chunk                       | posting list: protocols by child   |
//! | `xa`   | name key, org key                      | — institution name → org.nr alias  |
//! | `xk`   | institution key, protocol_id, id       | — complaints by the protocol they concern |
//! | `r`    | kind (`p`/`k`), id                     | the inspectors' [`Review`] JSON    |
//! | `L`    | sequence (u64)                         | an [`AuditEntry`] JSON, hash-chained ([`crate::audit`]) |
//! | `l`    | kind (`p`/`k`), id, sequence (u64)     | — the log entries about a record   |
//! | `s`    | name                                   | a saved filter (JSON, the TUI's)   |
//! | `D`    | SHA-256 of a document's bytes (32)     | the [`SourceDocument`] read from it, JSON, lz4 |
//! | `xo`   | `p`/`k`, institution key, record id, sha | — the documents a record was read from |
//! | `S`    | session name, `h`                      | a review session's state ([`crate::session::SessionState`] JSON) |
//! | `S`    | session name, `i`                      | its worklist ([`crate::session::encode_items`]) |
//!
//! Secondary indexes are posting lists (sorted ids, 8 bytes each) in chunks of 4096 ids, updated
//! once per batch: sled 0.34 splits a leaf every 16 keys, so the cost of an import follows the
//! number of keys written, and one key per index value instead of one per protocol made the
//! import several times faster.

use crate::audit::{AuditEntry, Event};
use crate::catalogue::Catalogue;
use crate::model::{institution_key, Complaint, Protocol, RecordKey, SourceDocument};
use crate::review::{Change, RecordKind, RecordRef, Review};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The newest schema this build reads and writes. 2 added the facts (`F`) of every protocol,
/// 3 the narrative fingerprint to them, 4 the narrative chunks (`T`) that search reads, 5 their
/// vocabularies (`W`), 6 masked fødselsnummer in all three ([`crate::privacy`]); an older store
/// gets them when it is first opened.
pub const SCHEMA_VERSION: u32 = 7;

const META_SCHEMA: &[u8] = b"mschema_version";
const META_NEXT_ID: &[u8] = b"mnext_id";
const META_PROTOCOLS: &[u8] = b"mcount_protocols";
const META_COMPLAINTS: &[u8] = b"mcount_complaints";
const META_NEXT_AUDIT: &[u8] = b"mnext_audit";
const META_AUDIT_HEAD: &[u8] = b"maudit_head";
const META_PSEUDONYM_KEY: &[u8] = b"mpseudonym_key";
/// The session the TUI resumes.
const META_ACTIVE_SESSION: &[u8] = b"mactive_session";
/// Present while `tvang restore` writes: a store that still has it was restored only in part.
const META_RESTORING: &[u8] = b"mrestoring";

#[derive(Debug)]
pub enum StoreError {
    /// Another tvang process holds the store.
    Locked {
        path: PathBuf,
    },
    /// Written by a newer tvang.
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Sled {
        path: PathBuf,
        source: sled::Error,
    },
    /// A stored value that does not decode: damage, or a store edited behind tvang's back.
    Corrupt {
        path: PathBuf,
        detail: String,
    },
    /// A change that would make a record invalid (a corrected value that is no valid value);
    /// nothing was written.
    Refused {
        detail: String,
    },
}

/// Makes the corrected version of a protocol from a field's corrected text (`None`: the value
/// its document was read as); `Ok(None)`: the field is not one the record holds. Given by the
/// layer that knows how records are read ([`crate::import::corrected_protocol`]), so the store
/// needs no import code.
pub type Correct<'a> =
    &'a dyn Fn(&Protocol, &str, Option<&str>) -> Result<Option<Protocol>, String>;

impl std::error::Error for StoreError {}

/// A protocol as stored: the record, and where and when it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredProtocol {
    pub id: u64,
    /// 1 for the first import; raised by each `--update` that replaced it.
    pub version: u32,
    /// `file:line` it was imported from.
    pub source: String,
    pub imported_at: DateTime<Utc>,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredComplaint {
    pub id: u64,
    pub version: u32,
    pub source: String,
    pub imported_at: DateTime<Utc>,
    pub complaint: Complaint,
}

impl StoredProtocol {
    /// With every fødselsnummer masked ([`crate::privacy::mask_protocol`]).
    pub fn masked(mut self) -> StoredProtocol {
        crate::privacy::mask_protocol(&mut self.protocol);
        self
    }
}

impl StoredComplaint {
    pub fn masked(mut self) -> StoredComplaint {
        crate::privacy::mask_complaint(&mut self.complaint);
        self
    }
}

/// A record on its way in, already serialised (so that work can happen off the writer thread).
#[derive(Debug, Clone)]
pub enum Incoming {
    /// The protocol, its JSON (lz4-compressed) and its encoded facts.
    Protocol(Box<Protocol>, Vec<u8>, Vec<u8>),
    Complaint(Complaint, Vec<u8>),
    /// A Word or PDF document a record of the same batch was read from, and its JSON (lz4).
    Document(Box<SourceDocument>, Vec<u8>),
}

impl Incoming {
    /// Serialises, compresses and extracts the facts, off the writer thread.
    pub fn protocol(p: Protocol) -> Incoming {
        let record = lz4_flex::compress_prepend_size(&to_json(&p));
        let facts = crate::facts::encode(&p);
        Incoming::Protocol(Box::new(p), record, facts)
    }

    pub fn complaint(c: Complaint) -> Incoming {
        let record = lz4_flex::compress_prepend_size(&to_json(&c));
        Incoming::Complaint(c, record)
    }

    pub fn document(d: SourceDocument) -> Incoming {
        let json = lz4_flex::compress_prepend_size(&to_json(&d));
        Incoming::Document(Box::new(d), json)
    }
}

/// What writing one incoming record did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    New,
    Unchanged,
    /// Same identity, different content; the stored version was kept. Lists the fields that differ.
    Conflict {
        fields: Vec<String>,
    },
    /// Same identity, different content, `--update`: the old version is kept as history.
    Updated {
        fields: Vec<String>,
        /// The version replaced (the new one is the next).
        replaced: u32,
    },
}

pub struct Store {
    db: sled::Db,
    data: sled::Tree,
    path: PathBuf,
    /// Held from reading the audit log's head to writing the batch that extends it: the TUI
    /// imports on a thread while the inspector edits.
    audit_lock: std::sync::Mutex<()>,
    /// Files and folders of the store that others could read when it was opened (now fixed).
    too_open: Vec<(PathBuf, u32)>,
    // Held for the life of the store; the OS releases it when the process ends, however it ends.
    _lock: File,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let io = |source| StoreError::Io {
            path: dir.to_path_buf(),
            source,
        };
        create_private_dir(dir).map_err(io)?;
        let lock_path = dir.join("tvang.lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked {
                    path: dir.to_path_buf(),
                })
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        let sled_err = |source| StoreError::Sled {
            path: dir.to_path_buf(),
            source,
        };
        let db = sled::Config::new()
            .path(dir.join("sled"))
            .cache_capacity(256 * 1024 * 1024)
            // tvang flushes after every import batch and every edit; sled's timer thread would
            // only compete with the import for the cores.
            .flush_every_ms(None)
            .mode(sled::Mode::HighThroughput)
            .open()
            .map_err(sled_err)?;
        // What sled and the lock file just created sits inside a private folder, so only what
        // was open to others before counts (see `private_permissions`).
        let too_open = private_permissions(dir);
        let data = db.open_tree("data").map_err(sled_err)?;
        let store = Store {
            db,
            data,
            path: dir.to_path_buf(),
            audit_lock: std::sync::Mutex::new(()),
            too_open,
            _lock: lock,
        };
        store.check_schema()?;
        // Made with the store, so that a backup carries it and pseudonyms survive a restore.
        store.pseudonymiser()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What was readable or writable by others when the store was opened, with its mode then
    /// (tvang has made it owner-only since): the user should be told.
    pub fn opened_too_wide(&self) -> &[(PathBuf, u32)] {
        &self.too_open
    }

    fn sled_err(&self, source: sled::Error) -> StoreError {
        StoreError::Sled {
            path: self.path.clone(),
            source,
        }
    }

    fn corrupt(&self, detail: impl Into<String>) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            detail: detail.into(),
        }
    }

    fn check_schema(&self) -> Result<(), StoreError> {
        if self
            .data
            .contains_key(META_RESTORING)
            .map_err(|e| self.sled_err(e))?
        {
            return Err(self.corrupt(
                "gjenopprettingen ble avbrutt; slett mappen og kjør «tvang restore» på nytt",
            ));
        }
        match self.data.get(META_SCHEMA).map_err(|e| self.sled_err(e))? {
            Some(v) => {
                let found = decode_u32(&v).ok_or_else(|| self.corrupt("schema_version"))?;
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema {
                        path: self.path.clone(),
                        found,
                        supported: SCHEMA_VERSION,
                    });
                }
                if found < SCHEMA_VERSION {
                    self.add_derived()?;
                }
                Ok(())
            }
            None => {
                self.data
                    .insert(META_SCHEMA, &SCHEMA_VERSION.to_be_bytes())
                    .map_err(|e| self.sled_err(e))?;
                self.flush()
            }
        }
    }

    /// An older schema → this one: writes the facts and the narrative of every protocol, chunk
    /// by chunk, then the version, in one batch, flushed. Interrupted, it simply runs again at the
    /// next open.
    fn add_derived(&self) -> Result<(), StoreError> {
        let mut chunk: Option<u32> = None;
        let mut facts: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        let mut narratives: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        let mut batch = sled::Batch::default();
        let write_chunk = |batch: &mut sled::Batch,
                           c: u32,
                           facts: &mut BTreeMap<u64, Vec<u8>>,
                           narratives: &mut BTreeMap<u64, Vec<u8>>| {
            let values = ChunkKind::Facts
                .stored(c, facts)
                .into_iter()
                .chain(ChunkKind::Narratives.stored(c, narratives));
            for (key, value) in values {
                batch.insert(key, value);
            }
            facts.clear();
            narratives.clear();
        };
        for sp in self.protocols_unmasked() {
            let sp = sp?;
            let c = facts_chunk_of(sp.id);
            if let Some(prev) = chunk.filter(|prev| *prev != c) {
                write_chunk(&mut batch, prev, &mut facts, &mut narratives);
            }
            chunk = Some(c);
            facts.insert(sp.id, crate::facts::encode(&sp.protocol));
            narratives.insert(sp.id, crate::facts::encode_narrative(&sp.protocol));
        }
        if let Some(c) = chunk {
            write_chunk(&mut batch, c, &mut facts, &mut narratives);
        }
        let _guard = self.audit_guard();
        self.migrate_audit_entries(&mut batch)?;
        batch.insert(META_SCHEMA, &SCHEMA_VERSION.to_be_bytes());
        self.data.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()
    }

    /// Schema 5 kept an unchained trail per record (`a`); schema 6 moves it, in its order, into
    /// the chained log.
    fn migrate_audit_entries(&self, batch: &mut sled::Batch) -> Result<(), StoreError> {
        #[derive(Deserialize)]
        struct Unchained {
            at: DateTime<Utc>,
            author: String,
            record: RecordRef,
            field: String,
            old: String,
            new: String,
        }
        let mut old: Vec<(u64, Unchained)> = Vec::new();
        for entry in self.data.scan_prefix([b'a']) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let seq = trailing_id(&key).ok_or_else(|| self.corrupt(printable_key(&key)))?;
            let e = decode_json(&value)
                .map_err(|e| self.corrupt(format!("{}: {e}", printable_key(&key))))?;
            old.push((seq, e));
            batch.remove(key);
        }
        if old.is_empty() {
            return Ok(());
        }
        old.sort_by_key(|(seq, _)| *seq);
        let events = old.into_iter().map(|(_, e)| {
            Event::new(e.at, &e.author, crate::audit::Action::Change)
                .record(e.record)
                .field(e.field)
                .change(e.old, e.new)
        });
        // Before schema 6 there was no chained log: it starts here, at 0 (the old counter
        // numbered the per-record trails).
        chain_after(
            batch,
            events.collect(),
            0,
            crate::audit::GENESIS.to_string(),
        );
        Ok(())
    }

    /// A protocol without its long texts, from its facts (see [`crate::facts`]).
    pub fn protocol_skeleton(&self, id: u64) -> Result<Option<Protocol>, StoreError> {
        Ok(self.protocol_skeletons_by_ids(&[id])?.pop().map(|(_, p)| p))
    }

    /// The skeletons of the given protocols (those that exist), in the order given.
    pub fn protocol_skeletons_by_ids(
        &self,
        ids: &[u64],
    ) -> Result<Vec<(u64, Protocol)>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        let mut current: Option<(u32, sled::IVec)> = None;
        for &id in ids {
            let chunk = facts_chunk_of(id);
            if current.as_ref().is_none_or(|(c, _)| *c != chunk) {
                current = self
                    .data
                    .get(chunk_key(b'F', chunk))
                    .map_err(|e| self.sled_err(e))?
                    .map(|v| (chunk, v));
            }
            let Some((_, value)) = &current else { continue };
            let entries = facts_entries(value).ok_or_else(|| self.corrupt(format!("F{chunk}")))?;
            if let Some((_, bytes)) = entries.iter().find(|(i, _)| *i == id) {
                let p = crate::facts::decode_skeleton(bytes)
                    .ok_or_else(|| self.corrupt(format!("F{chunk}/{id}")))?;
                out.push((id, p));
            }
        }
        Ok(out)
    }

    /// Every protocol without its long texts, in import order: the fast way to load them all.
    pub fn protocol_skeletons(&self) -> Result<Vec<(u64, Protocol)>, StoreError> {
        Ok(self
            .protocol_facts()?
            .into_iter()
            .map(|(id, p, _)| (id, p))
            .collect())
    }

    /// The chunks of every protocol's encoded facts (key, value), for [`Store::decode_facts`].
    pub fn facts_chunks(&self) -> Result<Vec<(sled::IVec, sled::IVec)>, StoreError> {
        self.data
            .scan_prefix([b'F'])
            .collect::<Result<_, _>>()
            .map_err(|e| self.sled_err(e))
    }

    /// The chunks of every protocol's long texts (key, uncompressed value), for
    /// [`Store::decode_facts`] with [`crate::facts::decode_narrative`].
    pub fn narrative_chunks(&self) -> Result<Vec<(sled::IVec, Vec<u8>)>, StoreError> {
        self.decompressed_chunks(b'T')
    }

    /// The vocabularies of the narrative chunks (key, uncompressed value), in chunk order: for
    /// [`crate::facts::decode_vocabulary`].
    pub fn vocabulary_chunks(&self) -> Result<Vec<(sled::IVec, Vec<u8>)>, StoreError> {
        self.decompressed_chunks(b'W')
    }

    fn decompressed_chunks(&self, prefix: u8) -> Result<Vec<(sled::IVec, Vec<u8>)>, StoreError> {
        self.data
            .scan_prefix([prefix])
            .map(|kv| {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                let plain = lz4_flex::decompress_size_prepended(&v)
                    .map_err(|_| self.corrupt(printable_key(&k)))?;
                Ok((k, plain))
            })
            .collect()
    }

    /// Decodes every protocol's entry in `chunks` (facts or narratives) with `decode`, as
    /// (id, value) in store order. Decoding is most of the work of loading every protocol, so it
    /// runs on two threads; the values may borrow from the chunks
    /// ([`crate::facts::decode_view`]).
    pub fn decode_facts<'c, V: AsRef<[u8]> + Sync, T: Send>(
        &self,
        chunks: &'c [(sled::IVec, V)],
        decode: impl Fn(&'c [u8]) -> Option<T> + Sync,
    ) -> Result<Vec<(u64, T)>, StoreError> {
        let decode_part = |part: &'c [(sled::IVec, V)]| -> Result<Vec<(u64, T)>, String> {
            let mut out = Vec::new();
            for (key, value) in part {
                let entries = facts_entries(value.as_ref()).ok_or_else(|| printable_key(key))?;
                out.reserve(entries.len());
                for (id, bytes) in entries {
                    let decoded =
                        decode(bytes).ok_or_else(|| format!("{}/{id}", printable_key(key)))?;
                    out.push((id, decoded));
                }
            }
            Ok(out)
        };
        let (first, second) = chunks.split_at(chunks.len() / 2);
        let (a, b) = std::thread::scope(|scope| {
            let other = scope.spawn(|| decode_part(second));
            let a = decode_part(first);
            (
                a,
                other
                    .join()
                    .unwrap_or_else(|_| Err("decoding thread".into())),
            )
        });
        let mut out = a.map_err(|k| self.corrupt(k))?;
        out.extend(b.map_err(|k| self.corrupt(k))?);
        Ok(out)
    }

    /// Every protocol's skeleton with its narrative fingerprint ([`crate::facts::decode`]).
    #[allow(clippy::type_complexity)]
    pub fn protocol_facts(&self) -> Result<Vec<(u64, Protocol, Option<u64>)>, StoreError> {
        let chunks = self.facts_chunks()?;
        Ok(self
            .decode_facts(&chunks, crate::facts::decode)?
            .into_iter()
            .map(|(id, (p, narrative))| (id, p, narrative))
            .collect())
    }

    pub fn schema_version(&self) -> Result<u32, StoreError> {
        let v = self.data.get(META_SCHEMA).map_err(|e| self.sled_err(e))?;
        v.as_deref()
            .and_then(decode_u32)
            .ok_or_else(|| self.corrupt("schema_version"))
    }

    /// Makes every completed write durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map(|_| ()).map_err(|e| self.sled_err(e))
    }

    fn meta_u64(&self, key: &[u8]) -> Result<u64, StoreError> {
        match self.data.get(key).map_err(|e| self.sled_err(e))? {
            Some(v) => decode_u64(&v).ok_or_else(|| self.corrupt(String::from_utf8_lossy(key))),
            None => Ok(0),
        }
    }

    pub fn protocol_count(&self) -> Result<u64, StoreError> {
        self.meta_u64(META_PROTOCOLS)
    }

    pub fn complaint_count(&self) -> Result<u64, StoreError> {
        self.meta_u64(META_COMPLAINTS)
    }

    /// Writes one batch atomically and flushes it. Returns one outcome per incoming record, in order.
    ///
    /// The batch extends the audit log in the same write: one entry per file that gained or
    /// replaced records, and one per record replaced (`--update`), by `author`.
    pub fn write_batch(
        &self,
        items: &[(String, Incoming)],
        update: bool,
        catalogue: &Catalogue,
        now: DateTime<Utc>,
        author: &str,
    ) -> Result<Vec<WriteOutcome>, StoreError> {
        let mut w = self.batch_writer()?;
        let mut outcomes = Vec::with_capacity(items.len());
        let mut events = Vec::new();
        // Per file, in order met: records new and replaced.
        let mut files: Vec<(&str, usize, usize)> = Vec::new();
        for (source, item) in items {
            let (outcome, record) = match item {
                Incoming::Protocol(p, json, facts) => {
                    let (outcome, id) =
                        w.write_protocol(source, p, json, facts, update, catalogue, now)?;
                    (outcome, RecordRef::protocol(id))
                }
                Incoming::Complaint(c, json) => {
                    let (outcome, id) = w.write_complaint(source, c, json, update, now)?;
                    (outcome, RecordRef::complaint(id))
                }
                Incoming::Document(d, json) => {
                    // Not a record: the audit log counts the record read from it. A document
                    // whose record conflicted with the stored one is not kept, so importing it
                    // again reports the conflict again instead of passing it over as read.
                    let outcome = match outcomes.last() {
                        Some(WriteOutcome::Conflict { fields }) => WriteOutcome::Conflict {
                            fields: fields.clone(),
                        },
                        _ => w.write_document(d, json)?,
                    };
                    outcomes.push(outcome);
                    continue;
                }
            };
            let file = source.rsplit_once(':').map_or(source.as_str(), |(f, _)| f);
            if files.last().is_none_or(|(f, _, _)| *f != file) {
                files.push((file, 0, 0));
            }
            let counts = files.last_mut().expect("pushed above");
            match &outcome {
                WriteOutcome::New => counts.1 += 1,
                WriteOutcome::Updated { fields, replaced } => {
                    counts.2 += 1;
                    events.push(
                        Event::new(now, author, crate::audit::Action::Import)
                            .record(record)
                            .field(fields.join(", "))
                            .change(
                                format!("versjon {replaced}"),
                                format!("versjon {} fra {source}", replaced + 1),
                            ),
                    );
                }
                WriteOutcome::Unchanged | WriteOutcome::Conflict { .. } => {}
            }
            outcomes.push(outcome);
        }
        let summaries = files
            .into_iter()
            .filter(|(_, new, updated)| new + updated > 0)
            .map(|(file, new, updated)| {
                Event::new(now, author, crate::audit::Action::Import)
                    .field(file)
                    .change("", crate::audit_text::import_logged(new, updated))
            });
        let events: Vec<Event> = summaries.chain(events).collect();
        let mut batch = sled::Batch::default();
        w.finish(&mut batch)?;
        let _guard = self.audit_guard();
        if !events.is_empty() {
            self.chain_events(&mut batch, events)?;
        }
        self.data.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()?;
        Ok(outcomes)
    }

    fn batch_writer(&self) -> Result<BatchWriter<'_>, StoreError> {
        Ok(BatchWriter {
            store: self,
            overlay: HashMap::new(),
            postings: HashMap::new(),
            next_id: self.meta_u64(META_NEXT_ID)?.max(1),
            protocols: self.protocol_count()?,
            complaints: self.complaint_count()?,
            aliases_seen: Default::default(),
            facts: BTreeMap::new(),
            narratives: BTreeMap::new(),
        })
    }

    fn get_json<T: for<'de> Deserialize<'de>>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.data.get(key).map_err(|e| self.sled_err(e))? {
            Some(v) => decode_json(&v)
                .map(Some)
                .map_err(|e| self.corrupt(format!("{}: {e}", printable_key(key)))),
            None => Ok(None),
        }
    }

    fn get_id(&self, key: &[u8]) -> Result<Option<u64>, StoreError> {
        match self.data.get(key).map_err(|e| self.sled_err(e))? {
            Some(v) => decode_u64(&v)
                .map(Some)
                .ok_or_else(|| self.corrupt(printable_key(key))),
            None => Ok(None),
        }
    }

    /// The document with these bytes (SHA-256 in hex), if it was imported before.
    pub fn document(&self, sha256: &str) -> Result<Option<SourceDocument>, StoreError> {
        let Some(key) = document_key(sha256) else {
            return Ok(None);
        };
        match self.data.get(&key).map_err(|e| self.sled_err(e))? {
            Some(v) => lz4_flex::decompress_size_prepended(&v)
                .map_err(|e| e.to_string())
                .and_then(|json| serde_json::from_slice(&json).map_err(|e| e.to_string()))
                .map(Some)
                .map_err(|e| self.corrupt(format!("dokument {sha256}: {e}"))),
            None => Ok(None),
        }
    }

    /// The documents a record was read from, oldest import first.
    pub fn documents_for(
        &self,
        complaint: bool,
        key: &RecordKey,
    ) -> Result<Vec<SourceDocument>, StoreError> {
        let prefix = text_key(
            b"xo",
            &[if complaint { "k" } else { "p" }, &key.institution, &key.id],
        );
        let mut out = Vec::new();
        for entry in self.data.scan_prefix(&prefix).keys() {
            let entry = entry.map_err(|e| self.sled_err(e))?;
            let sha = String::from_utf8_lossy(&entry[prefix.len()..]).into_owned();
            if let Some(d) = self.document(&sha)? {
                out.push(d);
            }
        }
        out.sort_by_key(|d| d.imported_at);
        Ok(out)
    }

    /// A protocol, its fødselsnummer masked ([`crate::privacy`]): what anyone may see.
    pub fn protocol(&self, id: u64) -> Result<Option<StoredProtocol>, StoreError> {
        Ok(self.protocol_unmasked(id)?.map(StoredProtocol::masked))
    }

    /// A protocol as stored. Only for an inspector's explicit reveal, which the caller writes to
    /// the audit log, and for backup.
    pub fn protocol_unmasked(&self, id: u64) -> Result<Option<StoredProtocol>, StoreError> {
        self.get_json(&id_key(b'p', id))
    }

    /// A complaint, masked like [`Store::protocol`].
    pub fn complaint(&self, id: u64) -> Result<Option<StoredComplaint>, StoreError> {
        Ok(self.complaint_unmasked(id)?.map(StoredComplaint::masked))
    }

    /// A complaint as stored; see [`Store::protocol_unmasked`].
    pub fn complaint_unmasked(&self, id: u64) -> Result<Option<StoredComplaint>, StoreError> {
        self.get_json(&id_key(b'k', id))
    }

    pub fn protocol_id_by_key(&self, key: &RecordKey) -> Result<Option<u64>, StoreError> {
        self.get_id(&identity_key(b'P', key))
    }

    pub fn complaint_id_by_key(&self, key: &RecordKey) -> Result<Option<u64>, StoreError> {
        self.get_id(&identity_key(b'K', key))
    }

    /// Finds protocols by institution (org.nr or name, case-insensitive) and protocol id.
    pub fn find_protocols(
        &self,
        institution: &str,
        protocol_id: &str,
    ) -> Result<Vec<u64>, StoreError> {
        let mut found = BTreeSet::new();
        let name_key = institution_key(institution, None);
        let mut inst_keys = vec![
            institution_key(institution, Some(institution)),
            name_key.clone(),
        ];
        inst_keys.extend(self.org_aliases(&name_key)?);
        for inst in inst_keys {
            if let Some(id) = self.protocol_id_by_key(&RecordKey::new(inst, protocol_id))? {
                found.insert(id);
            }
        }
        Ok(found.into_iter().collect())
    }

    /// Protocols with this exact id at institutions whose name contains `query` (folded, so
    /// `solvberget` finds `Sølvberget omsorgssenter`). Scans identity keys only.
    pub fn find_protocols_loose(
        &self,
        query: &str,
        protocol_id: &str,
    ) -> Result<Vec<u64>, StoreError> {
        let needle = crate::fold::fold(query);
        let name_matches = |name_key: &[u8]| {
            name_key.strip_prefix(b"name:").is_some_and(|name| {
                crate::fold::fold(&String::from_utf8_lossy(name)).contains(&needle)
            })
        };
        // Org keys whose institution name matches.
        let orgs: BTreeSet<Vec<u8>> = self
            .alias_pairs(None)?
            .into_iter()
            .filter(|(name, _)| name_matches(name.as_bytes()))
            .map(|(_, org)| org.into_bytes())
            .collect();
        let mut found = BTreeSet::new();
        for entry in self.data.scan_prefix(b"P") {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let mut parts = key[1..].split(|&b| b == 0);
            let (Some(inst), Some(id)) = (parts.next(), parts.next()) else {
                continue;
            };
            if id == protocol_id.as_bytes() && (name_matches(inst) || orgs.contains(inst)) {
                found.insert(decode_u64(&value).ok_or_else(|| self.corrupt(printable_key(&key)))?);
            }
        }
        Ok(found.into_iter().collect())
    }

    /// The protocol a complaint concerns, if it is in the store.
    pub fn protocol_for_complaint(&self, c: &Complaint) -> Result<Option<u64>, StoreError> {
        let aliases = match c.institution_name_key() {
            Some(name_key) => self.org_aliases(&name_key)?,
            None => Vec::new(),
        };
        for key in c.protocol_keys(&aliases) {
            if let Some(id) = self.protocol_id_by_key(&key)? {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// Institution name key → org keys, for every institution that gave both.
    pub fn all_org_aliases(&self) -> Result<HashMap<String, Vec<String>>, StoreError> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for (name, org) in self.alias_pairs(None)? {
            out.entry(name).or_default().push(org);
        }
        Ok(out)
    }

    /// The complaints about a protocol, oldest import first.
    pub fn complaints_for_protocol(
        &self,
        p: &Protocol,
    ) -> Result<Vec<StoredComplaint>, StoreError> {
        let mut ids = BTreeSet::new();
        let mut inst_keys = vec![institution_key(&p.institution, p.institution_id.as_deref())];
        if p.institution_id.is_some() {
            inst_keys.push(institution_key(&p.institution, None));
        }
        for inst in inst_keys {
            let prefix = text_key(b"xk", &[&inst, &p.protocol_id]);
            for entry in self.data.scan_prefix(&prefix).keys() {
                let key = entry.map_err(|e| self.sled_err(e))?;
                ids.insert(trailing_id(&key).ok_or_else(|| self.corrupt(printable_key(&key)))?);
            }
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(
                self.complaint(id)?
                    .ok_or_else(|| self.corrupt(format!("index xk -> k{id}")))?,
            );
        }
        Ok(out)
    }

    /// Every protocol, in import order, masked.
    pub fn protocols(&self) -> impl Iterator<Item = Result<StoredProtocol, StoreError>> + '_ {
        self.protocols_unmasked()
            .map(|r| r.map(StoredProtocol::masked))
    }

    /// Every protocol as stored; see [`Store::protocol_unmasked`].
    pub fn protocols_unmasked(
        &self,
    ) -> impl Iterator<Item = Result<StoredProtocol, StoreError>> + '_ {
        self.scan_records(b'p')
    }

    /// Every complaint, in import order, masked.
    pub fn complaints(&self) -> impl Iterator<Item = Result<StoredComplaint, StoreError>> + '_ {
        self.complaints_unmasked()
            .map(|r| r.map(StoredComplaint::masked))
    }

    /// Every complaint as stored; see [`Store::protocol_unmasked`].
    pub fn complaints_unmasked(
        &self,
    ) -> impl Iterator<Item = Result<StoredComplaint, StoreError>> + '_ {
        self.scan_records(b'k')
    }

    fn scan_records<T: for<'de> Deserialize<'de>>(
        &self,
        prefix: u8,
    ) -> impl Iterator<Item = Result<T, StoreError>> + '_ {
        self.data.scan_prefix([prefix]).map(move |entry| {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            decode_json(&value).map_err(|e| self.corrupt(format!("{}: {e}", printable_key(&key))))
        })
    }

    /// Ids of protocols whose incident day (Oslo) lies in `[from, to]`, by day then id.
    pub fn protocol_ids_by_date(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<u64>, StoreError> {
        let start = date_prefix(from.map(day_number).unwrap_or(0));
        let end = date_prefix(to.map(day_number).unwrap_or(u32::MAX - 1) + 1);
        let mut ids = Vec::new();
        for entry in self.data.range(start..end).values() {
            let value = entry.map_err(|e| self.sled_err(e))?;
            ids.extend(decode_postings(&value).ok_or_else(|| self.corrupt("xd"))?);
        }
        Ok(ids)
    }

    /// Ids from a text-keyed index (`institution`, `provision`, `kind`, `child`), in id order.
    pub fn protocol_ids_by(&self, index: Index, value: &str) -> Result<Vec<u64>, StoreError> {
        let prefix = text_key(index.prefix(), &[value]);
        let mut ids = Vec::new();
        for entry in self.data.scan_prefix(&prefix) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            if key.len() != prefix.len() + 4 {
                continue; // a longer value that shares this prefix
            }
            ids.extend(decode_postings(&value).ok_or_else(|| self.corrupt(printable_key(&key)))?);
        }
        Ok(ids)
    }

    /// Org keys known for an institution name key (from protocols that gave both).
    fn org_aliases(&self, name_key: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .alias_pairs(Some(name_key))?
            .into_iter()
            .map(|(_, org)| org)
            .collect())
    }

    /// The institution aliases (name key, org key), all or for one name key.
    fn alias_pairs(&self, name_key: Option<&str>) -> Result<Vec<(String, String)>, StoreError> {
        let prefix = match name_key {
            Some(name) => text_key(b"xa", &[name]),
            None => b"xa".to_vec(),
        };
        let mut out = Vec::new();
        for key in self.data.scan_prefix(&prefix).keys() {
            let key = key.map_err(|e| self.sled_err(e))?;
            let mut parts = key[2..].split(|&b| b == 0);
            if let (Some(name), Some(org)) = (parts.next(), parts.next()) {
                out.push((
                    String::from_utf8_lossy(name).into_owned(),
                    String::from_utf8_lossy(org).into_owned(),
                ));
            }
        }
        Ok(out)
    }

    /// The JSON values under a key prefix, in key order; `label` names them when one is corrupt.
    fn json_values<T: for<'de> Deserialize<'de>>(
        &self,
        prefix: &[u8],
        label: &str,
    ) -> Result<Vec<T>, StoreError> {
        self.data
            .scan_prefix(prefix)
            .values()
            .map(|v| {
                let v = v.map_err(|e| self.sled_err(e))?;
                decode_json(&v).map_err(|e| self.corrupt(format!("{label}: {e}")))
            })
            .collect()
    }

    /// Earlier versions of a protocol replaced by `--update`, oldest first, masked.
    pub fn protocol_history(&self, id: u64) -> Result<Vec<StoredProtocol>, StoreError> {
        let versions: Vec<StoredProtocol> =
            self.json_values(&id_key(b'h', id), &format!("h{id}"))?;
        Ok(versions.into_iter().map(StoredProtocol::masked).collect())
    }
}

/// What [`Store::apply_changes`] did.
#[derive(Debug)]
pub struct Applied {
    /// The inverse changes, to apply in this order to undo.
    pub undo: Vec<(RecordRef, Change)>,
    /// The new review of every record named.
    pub reviews: HashMap<RecordRef, Review>,
}

/// Review, audit trail and saved filters: the inspectors' own data.
impl Store {
    /// The review of one record (the default if nobody touched it).
    pub fn review(&self, record: RecordRef) -> Result<Review, StoreError> {
        let key = review_key(record);
        match self.data.get(&key).map_err(|e| self.sled_err(e))? {
            Some(v) => {
                decode_json(&v).map_err(|e| self.corrupt(format!("{}: {e}", printable_key(&key))))
            }
            None => Ok(Review::default()),
        }
    }

    /// Every review of records of one kind, by id.
    pub fn reviews(&self, kind: RecordKind) -> Result<HashMap<u64, Review>, StoreError> {
        let mut out = HashMap::new();
        for entry in self.data.scan_prefix([b'r', kind_byte(kind)]) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let id = trailing_id(&key).ok_or_else(|| self.corrupt(printable_key(&key)))?;
            let review = decode_json(&value)
                .map_err(|e| self.corrupt(format!("{}: {e}", printable_key(&key))))?;
            out.insert(id, review);
        }
        Ok(out)
    }

    /// Applies changes to the reviews of records, with one audit entry for each change that
    /// changed something, in one atomic batch, flushed before it returns.
    pub fn apply_changes(
        &self,
        author: &str,
        at: DateTime<Utc>,
        changes: &[(RecordRef, Change)],
    ) -> Result<Applied, StoreError> {
        self.apply_changes_correcting(author, at, changes, None)
    }

    /// [`Store::apply_changes`]; a correction of a protocol's field ([`Change::Correct`]) also
    /// writes, in the same flushed batch, a new version of the protocol made by `correct` (the
    /// version read is kept as history; facts, indexes and statistics follow the new one).
    pub fn apply_changes_correcting(
        &self,
        author: &str,
        at: DateTime<Utc>,
        changes: &[(RecordRef, Change)],
        correct: Option<(&Catalogue, Correct<'_>)>,
    ) -> Result<Applied, StoreError> {
        // Record versions these changes write (links, corrections), made only when one does.
        let mut records: Option<BatchWriter> = None;
        // Corrected protocols, one new version each however many of its fields were corrected.
        let mut corrected: BTreeMap<u64, StoredProtocol> = BTreeMap::new();
        let mut reviews: HashMap<RecordRef, Review> = HashMap::new();
        let mut inverses = Vec::new();
        let mut batch = sled::Batch::default();
        let mut events = Vec::new();
        for (record, change) in changes {
            if !reviews.contains_key(record) {
                reviews.insert(*record, self.review(*record)?);
            }
            let review = reviews.get_mut(record).expect("inserted above");
            let writes_record = match (change, record.kind) {
                (Change::LinkProtocol(_), RecordKind::Complaint) => true,
                (Change::Correct(..), RecordKind::Protocol) => correct.is_some(),
                _ => false,
            };
            if writes_record && records.is_none() {
                records = Some(self.batch_writer()?);
            }
            let applied = match change {
                Change::LinkProtocol(protocol_id) => match (&mut records, record.kind) {
                    (Some(w), RecordKind::Complaint) => {
                        w.link_complaint(record.id, protocol_id, at)?
                    }
                    _ => None,
                },
                _ => review.apply(change),
            };
            let Some((inverse, old, new)) = applied else {
                continue;
            };
            if let (Change::Correct(field, value), Some((_, correct)), Some(w), true) = (
                change,
                &correct,
                &records,
                record.kind == RecordKind::Protocol,
            ) {
                let current = match corrected.remove(&record.id) {
                    Some(stored) => stored,
                    None => w.stored(b'p', record.id)?,
                };
                let read = self.read_value(&current.protocol, field)?;
                let text = value.as_deref().or(read.as_deref());
                let protocol = match correct(&current.protocol, field, text) {
                    Ok(Some(p)) => p,
                    Ok(None) => current.protocol.clone(),
                    Err(detail) => return Err(StoreError::Refused { detail }),
                };
                corrected.insert(
                    record.id,
                    StoredProtocol {
                        protocol,
                        ..current
                    },
                );
            }
            events.push(
                Event::new(at, author, crate::audit::Action::Change)
                    .record(*record)
                    .field(change.field())
                    .change(old, new),
            );
            inverses.push((*record, inverse));
        }
        if inverses.is_empty() {
            return Ok(Applied {
                undo: inverses,
                reviews,
            });
        }
        if let Some(mut w) = records {
            if let Some((catalogue, _)) = correct {
                for stored in corrected.into_values() {
                    if let Incoming::Protocol(p, json, facts) = Incoming::protocol(stored.protocol)
                    {
                        // Unchanged (a correction back to the value read when the record holds
                        // it already) writes nothing.
                        w.write_protocol(&stored.source, &p, &json, &facts, true, catalogue, at)?;
                    }
                }
            }
            w.finish(&mut batch)?;
        }
        for (record, review) in &reviews {
            batch.insert(review_key(*record), to_json(review));
        }
        let _guard = self.audit_guard();
        self.chain_events(&mut batch, events)?;
        self.data.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()?;
        inverses.reverse();
        Ok(Applied {
            undo: inverses,
            reviews,
        })
    }

    /// The value a field of a protocol was read as, from the first document it was read from.
    fn read_value(&self, p: &Protocol, field: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .documents_for(false, &p.key())?
            .into_iter()
            .next()
            .and_then(|d| d.fields.into_iter().find(|f| f.field == field))
            .map(|f| f.value))
    }

    /// The protocols at a complaint's institution (by org.nr, name and the name's org.nr
    /// aliases), to link a complaint that does not name its protocol.
    pub fn protocols_at_institution_of(&self, c: &Complaint) -> Result<Vec<u64>, StoreError> {
        let aliases = match c.institution_name_key() {
            Some(name_key) => self.org_aliases(&name_key)?,
            None => Vec::new(),
        };
        let mut found = BTreeSet::new();
        for key in c.protocol_keys(&aliases) {
            let prefix = text_key(b"P", &[&key.institution]);
            for entry in self.data.scan_prefix(&prefix) {
                let (_, value) = entry.map_err(|e| self.sled_err(e))?;
                found.insert(decode_u64(&value).ok_or_else(|| self.corrupt("P"))?);
            }
        }
        Ok(found.into_iter().collect())
    }

    fn audit_guard(&self) -> std::sync::MutexGuard<'_, ()> {
        // A panic while holding it left nothing half-written (batches are atomic).
        self.audit_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The next sequence number of the log and the hash of its newest entry.
    fn audit_head(&self) -> Result<(u64, String), StoreError> {
        let next = self.meta_u64(META_NEXT_AUDIT)?;
        let head = match self
            .data
            .get(META_AUDIT_HEAD)
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => String::from_utf8(v.to_vec()).map_err(|_| self.corrupt("audit_head"))?,
            None => crate::audit::GENESIS.to_string(),
        };
        Ok((next, head))
    }

    /// Appends events to the log in `batch` (with the head and counter). The caller holds
    /// [`Store::audit_guard`] until the batch is applied.
    fn chain_events(
        &self,
        batch: &mut sled::Batch,
        events: Vec<Event>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let (next, head) = self.audit_head()?;
        Ok(chain_after(batch, events, next, head))
    }
}

/// Appends events to the log after entry `next - 1` whose hash is `head`.
fn chain_after(
    batch: &mut sled::Batch,
    events: Vec<Event>,
    mut next: u64,
    mut head: String,
) -> Vec<AuditEntry> {
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        let entry = AuditEntry::chain(event, next, &head);
        batch.insert(id_key(b'L', next), to_json(&entry));
        if let Some(record) = entry.record {
            batch.insert(id_suffixed(record_key(b'l', record), next), vec![]);
        }
        head = entry.hash.clone();
        next += 1;
        out.push(entry);
    }
    batch.insert(META_NEXT_AUDIT, &next.to_be_bytes());
    batch.insert(META_AUDIT_HEAD, head.as_bytes());
    out
}

impl Store {
    /// Writes events to the audit log on their own (a reveal, an export), flushed.
    pub fn log(&self, events: Vec<Event>) -> Result<Vec<AuditEntry>, StoreError> {
        let mut batch = sled::Batch::default();
        let _guard = self.audit_guard();
        let entries = self.chain_events(&mut batch, events)?;
        self.data.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()?;
        Ok(entries)
    }

    /// The store's pseudonym key, made (from the OS's random source) and saved on first use.
    pub fn pseudonymiser(&self) -> Result<crate::privacy::Pseudonymiser, StoreError> {
        if let Some(v) = self
            .data
            .get(META_PSEUDONYM_KEY)
            .map_err(|e| self.sled_err(e))?
        {
            let key: [u8; 32] = v
                .as_ref()
                .try_into()
                .map_err(|_| self.corrupt("pseudonym_key"))?;
            return Ok(crate::privacy::Pseudonymiser::new(key));
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| StoreError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        // Another writer cannot race us (the store is locked to this process), but keep the
        // first key if one appeared anyway.
        let _ = self
            .data
            .compare_and_swap(META_PSEUDONYM_KEY, None as Option<&[u8]>, Some(&key[..]))
            .map_err(|e| self.sled_err(e))?;
        self.flush()?;
        self.pseudonymiser()
    }

    /// The protocol as stored, for an inspector who asked to see it unmasked; the reveal is
    /// written to the audit log (flushed) before it is returned, when there was anything to
    /// reveal. `via` says where (`tvang show`, the detail view).
    pub fn reveal_protocol(
        &self,
        id: u64,
        author: &str,
        at: DateTime<Utc>,
        via: &str,
    ) -> Result<Option<StoredProtocol>, StoreError> {
        let record = self.protocol_unmasked(id)?;
        self.reveal(
            record,
            StoredProtocol::masked,
            RecordRef::protocol(id),
            author,
            at,
            via,
        )
    }

    /// A complaint as stored; see [`Store::reveal_protocol`].
    pub fn reveal_complaint(
        &self,
        id: u64,
        author: &str,
        at: DateTime<Utc>,
        via: &str,
    ) -> Result<Option<StoredComplaint>, StoreError> {
        let record = self.complaint_unmasked(id)?;
        self.reveal(
            record,
            StoredComplaint::masked,
            RecordRef::complaint(id),
            author,
            at,
            via,
        )
    }

    /// Logs the reveal of `record` when masking would have hidden something, then hands it over.
    fn reveal<T: Clone + PartialEq>(
        &self,
        record: Option<T>,
        masked: fn(T) -> T,
        which: RecordRef,
        author: &str,
        at: DateTime<Utc>,
        via: &str,
    ) -> Result<Option<T>, StoreError> {
        if let Some(r) = &record {
            if masked(r.clone()) != *r {
                self.log(vec![Event::new(at, author, crate::audit::Action::Reveal)
                    .record(which)
                    .change("", via)])?;
            }
        }
        Ok(record)
    }

    /// Every key and value, in key order: with the store held by this process, a consistent
    /// snapshot (what [`crate::backup`] writes).
    pub fn raw_entries(
        &self,
    ) -> impl Iterator<Item = Result<(sled::IVec, sled::IVec), StoreError>> + '_ {
        self.data
            .iter()
            .map(move |e| e.map_err(|e| self.sled_err(e)))
    }

    /// Whether the store holds nothing anyone made: no records, reviews, log or saved filters.
    pub fn is_empty_of_data(&self) -> Result<bool, StoreError> {
        for prefix in [b'p', b'k', b'r', b'L', b's', b'a', b'D'] {
            if self
                .data
                .scan_prefix([prefix])
                .next()
                .transpose()
                .map_err(|e| self.sled_err(e))?
                .is_some()
            {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Writes part of a backup's entries in one atomic batch, flushed. Each batch marks the
    /// store as being restored, [`Store::finish_restore`] clears the mark: a store whose restore
    /// was cut off refuses to open instead of passing for a whole one.
    pub fn restore_batch(&self, entries: Vec<(Vec<u8>, Vec<u8>)>) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        batch.insert(META_RESTORING, &[1u8]);
        for (k, v) in entries {
            batch.insert(k, v);
        }
        self.data.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()
    }

    /// Ends a restore: clears the mark, brings the schema up to this build's (a backup from an
    /// older tvang) and logs the restore.
    pub fn finish_restore(&self, restored: Event) -> Result<(), StoreError> {
        self.data
            .remove(META_RESTORING)
            .map_err(|e| self.sled_err(e))?;
        self.flush()?;
        self.check_schema()?;
        self.log(vec![restored])?;
        Ok(())
    }

    /// The log entries about one record, oldest first.
    pub fn audit(&self, record: RecordRef) -> Result<Vec<AuditEntry>, StoreError> {
        let mut out = Vec::new();
        for key in self.data.scan_prefix(record_key(b'l', record)).keys() {
            let key = key.map_err(|e| self.sled_err(e))?;
            let seq = trailing_id(&key).ok_or_else(|| self.corrupt(printable_key(&key)))?;
            let entry = self
                .get_json(&id_key(b'L', seq))?
                .ok_or_else(|| self.corrupt(format!("{} -> L{seq}", printable_key(&key))))?;
            out.push(entry);
        }
        Ok(out)
    }

    /// The whole log in stored order; an entry that does not decode is an `Err` with why, so
    /// that [`crate::audit::verify`] can name it.
    pub fn audit_log(
        &self,
    ) -> impl Iterator<Item = Result<Result<AuditEntry, String>, StoreError>> + '_ {
        self.data.scan_prefix([b'L']).map(move |entry| {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            Ok(decode_json(&value).map_err(|e| format!("{}: {e}", printable_key(&key))))
        })
    }

    /// Recomputes the audit log's chain.
    pub fn verify_audit(&self) -> Result<crate::audit::Verified, StoreError> {
        let entries: Vec<Result<AuditEntry, String>> =
            self.audit_log().collect::<Result<_, _>>()?;
        let recorded = self
            .data
            .get(META_AUDIT_HEAD)
            .map_err(|e| self.sled_err(e))?
            .map(|v| String::from_utf8_lossy(&v).into_owned());
        Ok(crate::audit::verify(entries, recorded.as_deref()))
    }

    /// Saved filters by name (the value is the caller's JSON).
    pub fn saved_filters(&self) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
        let mut out = Vec::new();
        for entry in self.data.scan_prefix([b's']) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let name = String::from_utf8_lossy(&key[1..]).into_owned();
            let v = decode_json(&value).map_err(|e| self.corrupt(format!("s{name}: {e}")))?;
            out.push((name, v));
        }
        Ok(out)
    }

    /// Saves (or with `None` deletes) a named filter, flushed.
    pub fn save_filter(
        &self,
        name: &str,
        filter: Option<&serde_json::Value>,
    ) -> Result<(), StoreError> {
        let key = [b"s".as_slice(), name.as_bytes()].concat();
        match filter {
            Some(f) => self.data.insert(key, to_json(f)),
            None => self.data.remove(key),
        }
        .map_err(|e| self.sled_err(e))?;
        self.flush()
    }
}

/// Review sessions ([`crate::session`]).
impl Store {
    fn session_key(name: &str, part: u8) -> Vec<u8> {
        [b"S".as_slice(), name.as_bytes(), &[0, part]].concat()
    }

    /// The first record id not yet used: records imported from now on get this id or higher.
    pub fn next_record_id(&self) -> Result<u64, StoreError> {
        Ok(self.meta_u64(META_NEXT_ID)?.max(1))
    }

    /// Stores a new session, and makes it the active one if asked; flushed. Returns false
    /// (and writes nothing) when a session of that name exists.
    pub fn create_session(
        &self,
        session: &crate::session::Session,
        activate: bool,
    ) -> Result<bool, StoreError> {
        let name = &session.state.name;
        let state_key = Store::session_key(name, b'h');
        if self
            .data
            .contains_key(&state_key)
            .map_err(|e| self.sled_err(e))?
        {
            return Ok(false);
        }
        let mut batch = sled::Batch::default();
        batch.insert(
            Store::session_key(name, b'i'),
            crate::session::encode_items(&session.items),
        );
        batch.insert(state_key, to_json(&session.state));
        if activate {
            batch.insert(META_ACTIVE_SESSION, name.as_bytes());
        }
        self.data.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()?;
        Ok(true)
    }

    /// Every session with its worklist, by name.
    pub fn sessions(&self) -> Result<Vec<crate::session::Session>, StoreError> {
        let mut out: Vec<crate::session::Session> = Vec::new();
        // A session's state (`S` name 0 `h`) sorts just before its worklist (`S` name 0 `i`).
        for entry in self.data.scan_prefix(b"S") {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            if key.ends_with(&[0, b'h']) {
                out.push(crate::session::Session {
                    state: self.decode_session_state(&key, &value)?,
                    items: Vec::new(),
                });
            } else if key.ends_with(&[0, b'i']) {
                let name = &key[1..key.len() - 2];
                if let Some(last) = out.last_mut().filter(|s| s.state.name.as_bytes() == name) {
                    last.items = crate::session::decode_items(&value)
                        .ok_or_else(|| self.corrupt(printable_key(&key)))?;
                }
            }
        }
        Ok(out)
    }

    fn decode_session_state(
        &self,
        key: &[u8],
        value: &[u8],
    ) -> Result<crate::session::SessionState, StoreError> {
        decode_json(value).map_err(|e| self.corrupt(format!("{}: {e}", printable_key(key))))
    }

    pub fn session_state(
        &self,
        name: &str,
    ) -> Result<Option<crate::session::SessionState>, StoreError> {
        let key = Store::session_key(name, b'h');
        match self.data.get(&key).map_err(|e| self.sled_err(e))? {
            Some(v) => self.decode_session_state(&key, &v).map(Some),
            None => Ok(None),
        }
    }

    /// A session with its worklist.
    pub fn session(&self, name: &str) -> Result<Option<crate::session::Session>, StoreError> {
        let Some(state) = self.session_state(name)? else {
            return Ok(None);
        };
        let key = Store::session_key(name, b'i');
        let bytes = self
            .data
            .get(&key)
            .map_err(|e| self.sled_err(e))?
            .unwrap_or_default();
        let items = crate::session::decode_items(&bytes)
            .ok_or_else(|| self.corrupt(printable_key(&key)))?;
        Ok(Some(crate::session::Session { state, items }))
    }

    /// Writes a session's state (position, time, closed), flushed.
    pub fn save_session_state(
        &self,
        state: &crate::session::SessionState,
    ) -> Result<(), StoreError> {
        self.data
            .insert(Store::session_key(&state.name, b'h'), to_json(state))
            .map_err(|e| self.sled_err(e))?;
        self.flush()
    }

    /// Appends records to a session's worklist (the ones imported later that the inspector
    /// chose to take in), flushed.
    pub fn add_session_items(
        &self,
        name: &str,
        records: &[RecordRef],
    ) -> Result<Option<crate::session::Session>, StoreError> {
        let Some(mut session) = self.session(name)? else {
            return Ok(None);
        };
        let known: BTreeSet<RecordRef> = session.items.iter().copied().collect();
        session
            .items
            .extend(records.iter().filter(|r| !known.contains(r)));
        self.data
            .insert(
                Store::session_key(name, b'i'),
                crate::session::encode_items(&session.items),
            )
            .map_err(|e| self.sled_err(e))?;
        self.flush()?;
        Ok(Some(session))
    }

    /// The session the TUI was last working in.
    pub fn active_session(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .data
            .get(META_ACTIVE_SESSION)
            .map_err(|e| self.sled_err(e))?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    pub fn set_active_session(&self, name: Option<&str>) -> Result<(), StoreError> {
        match name {
            Some(n) => self.data.insert(META_ACTIVE_SESSION, n.as_bytes()),
            None => self.data.remove(META_ACTIVE_SESSION),
        }
        .map_err(|e| self.sled_err(e))?;
        self.flush()
    }
}

/// The text-keyed secondary indexes.
#[derive(Debug, Clone, Copy)]
pub enum Index {
    Institution,
    Provision,
    Kind,
    Child,
}

impl Index {
    fn prefix(self) -> &'static [u8] {
        match self {
            Index::Institution => b"xi",
            Index::Provision => b"xp",
            Index::Kind => b"xm",
            Index::Child => b"xc",
        }
    }
}

/// The posting lists a protocol belongs to (prefixes, without the chunk number).
fn protocol_postings(p: &Protocol, catalogue: &Catalogue) -> BTreeSet<Vec<u8>> {
    let inst = institution_key(&p.institution, p.institution_id.as_deref());
    let mut out = BTreeSet::new();
    out.insert(text_key(b"xi", &[&inst]));
    out.insert(date_prefix(day_number(p.incident_date())));
    for m in &p.measures {
        let provision = catalogue
            .resolve_provision(&m.provision)
            .map(|prov| prov.id.as_str())
            .unwrap_or("?");
        out.insert(text_key(b"xp", &[provision]));
        if let Some(k) = &m.kind {
            out.insert(text_key(b"xm", &[k]));
        }
    }
    if let Some(child) = &p.child_ref {
        out.insert(text_key(b"xc", &[child]));
    }
    out
}

fn complaint_index_entries(id: u64, c: &Complaint) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut keys = BTreeSet::new();
    if let Some(org) = &c.institution_id {
        keys.insert(institution_key("", Some(org)));
    }
    if let Some(name) = &c.institution {
        keys.insert(institution_key(name, None));
    }
    keys.into_iter()
        .map(|inst| {
            (
                id_suffixed(text_key(b"xk", &[&inst, &c.protocol_id]), id),
                vec![],
            )
        })
        .collect()
}

/// Collects a batch's writes (the last write of a key wins) and reads through them, so a batch
/// that names one record twice sees its own writes.
struct BatchWriter<'a> {
    store: &'a Store,
    /// key → new value, or `None` to remove.
    overlay: HashMap<Vec<u8>, Option<Vec<u8>>>,
    /// Posting-list changes of this batch: prefix → (ids to add, ids to remove).
    postings: HashMap<Vec<u8>, (BTreeSet<u64>, BTreeSet<u64>)>,
    next_id: u64,
    protocols: u64,
    complaints: u64,
    /// Institution aliases already checked in this batch.
    aliases_seen: std::collections::HashSet<Vec<u8>>,
    /// Facts of the protocols this batch stores, merged into their chunks at the end.
    facts: BTreeMap<u64, Vec<u8>>,
    /// Their long texts, likewise.
    narratives: BTreeMap<u64, Vec<u8>>,
}

impl BatchWriter<'_> {
    /// Everything the batch wrote — records, postings, fact and text chunks, counters — into
    /// `batch`, in key order (sled appends to the same leaves instead of hopping around).
    fn finish(mut self, batch: &mut sled::Batch) -> Result<(), StoreError> {
        self.write_postings()?;
        let (facts, narratives) = (
            std::mem::take(&mut self.facts),
            std::mem::take(&mut self.narratives),
        );
        self.merge_chunks(ChunkKind::Facts, facts)?;
        self.merge_chunks(ChunkKind::Narratives, narratives)?;
        self.set(META_NEXT_ID.to_vec(), self.next_id.to_be_bytes().to_vec());
        self.set(
            META_PROTOCOLS.to_vec(),
            self.protocols.to_be_bytes().to_vec(),
        );
        self.set(
            META_COMPLAINTS.to_vec(),
            self.complaints.to_be_bytes().to_vec(),
        );
        let mut writes: Vec<_> = self.overlay.into_iter().collect();
        writes.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (key, value) in writes {
            match value {
                Some(v) => batch.insert(key, v),
                None => batch.remove(key),
            }
        }
        Ok(())
    }

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(v) = self.overlay.get(key) {
            return Ok(v.clone());
        }
        self.store
            .data
            .get(key)
            .map(|v| v.map(|v| v.to_vec()))
            .map_err(|e| self.store.sled_err(e))
    }

    fn set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.overlay.insert(key, Some(value));
    }

    fn remove(&mut self, key: Vec<u8>) {
        self.overlay.insert(key, None);
    }

    fn allocate_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn existing<T: for<'de> Deserialize<'de>>(
        &self,
        identity: &[u8],
        record_prefix: u8,
    ) -> Result<Option<(u64, T, Vec<u8>)>, StoreError> {
        let Some(raw_id) = self.get(identity)? else {
            return Ok(None);
        };
        let id = decode_u64(&raw_id).ok_or_else(|| self.store.corrupt(printable_key(identity)))?;
        let key = id_key(record_prefix, id);
        let value = self.get(&key)?.ok_or_else(|| {
            self.store
                .corrupt(format!("{} -> missing record", printable_key(identity)))
        })?;
        let record = decode_json(&value)
            .map_err(|e| self.store.corrupt(format!("{}: {e}", printable_key(&key))))?;
        Ok(Some((id, record, value)))
    }

    fn replace_index(&mut self, old: Vec<(Vec<u8>, Vec<u8>)>, new: Vec<(Vec<u8>, Vec<u8>)>) {
        let new_keys: BTreeSet<&Vec<u8>> = new.iter().map(|(k, _)| k).collect();
        for (k, _) in &old {
            if !new_keys.contains(k) {
                self.remove(k.clone());
            }
        }
        for (k, v) in new {
            self.set(k, v);
        }
    }

    fn post(&mut self, prefixes: BTreeSet<Vec<u8>>, id: u64, add: bool) {
        for prefix in prefixes {
            let (adds, removes) = self.postings.entry(prefix).or_default();
            if add {
                removes.remove(&id);
                adds.insert(id);
            } else {
                adds.remove(&id);
                removes.insert(id);
            }
        }
    }

    /// Records that an institution name has an org.nr, once.
    fn ensure_alias(&mut self, p: &Protocol) -> Result<(), StoreError> {
        if p.institution_id.is_none() {
            return Ok(());
        }
        let key = text_key(
            b"xa",
            &[
                &institution_key(&p.institution, None),
                &institution_key(&p.institution, p.institution_id.as_deref()),
            ],
        );
        if self.aliases_seen.insert(key.clone()) && self.get(&key)?.is_none() {
            self.set(key, vec![]);
        }
        Ok(())
    }

    /// Merges this batch's facts or narratives into their chunks.
    fn merge_chunks(
        &mut self,
        kind: ChunkKind,
        pending: BTreeMap<u64, Vec<u8>>,
    ) -> Result<(), StoreError> {
        let mut by_chunk: BTreeMap<u32, Vec<(u64, Vec<u8>)>> = BTreeMap::new();
        for (id, bytes) in pending {
            by_chunk
                .entry(facts_chunk_of(id))
                .or_default()
                .push((id, bytes));
        }
        for (chunk, new) in by_chunk {
            let key = chunk_key(kind.prefix(), chunk);
            let mut entries: BTreeMap<u64, Vec<u8>> = match self.get(&key)? {
                Some(v) => kind
                    .plain(v)
                    .as_deref()
                    .and_then(facts_entries)
                    .ok_or_else(|| self.store.corrupt(printable_key(&key)))?
                    .into_iter()
                    .map(|(id, b)| (id, b.to_vec()))
                    .collect(),
                None => BTreeMap::new(),
            };
            entries.extend(new);
            for (key, value) in kind.stored(chunk, &entries) {
                self.set(key, value);
            }
        }
        Ok(())
    }

    /// Merges this batch's posting changes into the stored chunks.
    fn write_postings(&mut self) -> Result<(), StoreError> {
        let postings = std::mem::take(&mut self.postings);
        for (prefix, (adds, removes)) in postings {
            let mut chunks: BTreeSet<u32> = BTreeSet::new();
            chunks.extend(adds.iter().chain(removes.iter()).map(|id| chunk_of(*id)));
            for chunk in chunks {
                let key = posting_key(&prefix, chunk);
                let mut ids: BTreeSet<u64> = match self.get(&key)? {
                    Some(v) => decode_postings(&v)
                        .ok_or_else(|| self.store.corrupt(printable_key(&key)))?
                        .collect(),
                    None => BTreeSet::new(),
                };
                ids.extend(adds.iter().filter(|id| chunk_of(**id) == chunk));
                for id in removes.iter().filter(|id| chunk_of(**id) == chunk) {
                    ids.remove(id);
                }
                if ids.is_empty() {
                    self.remove(key);
                } else {
                    self.set(key, ids.iter().flat_map(|id| id.to_be_bytes()).collect());
                }
            }
        }
        Ok(())
    }

    /// Keeps a replaced version (its stored bytes as they were) under `h`.
    fn keep_history(&mut self, id: u64, version: u32, stored: Vec<u8>) {
        let mut key = id_key(b'h', id);
        key.extend_from_slice(&version.to_be_bytes());
        self.set(key, stored);
    }

    #[allow(clippy::too_many_arguments)]
    fn write_protocol(
        &mut self,
        source: &str,
        p: &Protocol,
        json: &[u8],
        facts: &[u8],
        update: bool,
        catalogue: &Catalogue,
        now: DateTime<Utc>,
    ) -> Result<(WriteOutcome, u64), StoreError> {
        let identity = identity_key(b'P', &p.key());
        match self.existing::<StoredProtocol>(&identity, b'p')? {
            None => {
                let id = self.allocate_id();
                self.set(identity, id.to_be_bytes().to_vec());
                self.set(
                    id_key(b'p', id),
                    stored_json(id, 1, source, now, "protocol", json),
                );
                self.facts.insert(id, facts.to_vec());
                self.narratives
                    .insert(id, crate::facts::encode_narrative(p));
                self.post(protocol_postings(p, catalogue), id, true);
                self.ensure_alias(p)?;
                self.protocols += 1;
                Ok((WriteOutcome::New, id))
            }
            Some((id, old, _)) if old.protocol == *p => Ok((WriteOutcome::Unchanged, id)),
            Some((id, old, old_bytes)) => {
                let fields = differing_fields(&old.protocol, p);
                if !update {
                    return Ok((WriteOutcome::Conflict { fields }, id));
                }
                self.keep_history(id, old.version, old_bytes);
                let stored = stored_json(id, old.version + 1, source, now, "protocol", json);
                self.set(id_key(b'p', id), stored);
                self.facts.insert(id, facts.to_vec());
                self.narratives
                    .insert(id, crate::facts::encode_narrative(p));
                let (old_postings, new_postings) = (
                    protocol_postings(&old.protocol, catalogue),
                    protocol_postings(p, catalogue),
                );
                self.post(&old_postings - &new_postings, id, false);
                self.post(new_postings, id, true);
                self.ensure_alias(p)?;
                Ok((
                    WriteOutcome::Updated {
                        fields,
                        replaced: old.version,
                    },
                    id,
                ))
            }
        }
    }

    /// A stored record as this batch sees it (its own writes first).
    fn stored<T: for<'de> Deserialize<'de>>(&self, prefix: u8, id: u64) -> Result<T, StoreError> {
        let key = id_key(prefix, id);
        let value = self
            .get(&key)?
            .ok_or_else(|| self.store.corrupt(printable_key(&key)))?;
        decode_json(&value).map_err(|e| self.store.corrupt(format!("{}: {e}", printable_key(&key))))
    }

    /// A new version of a complaint that concerns `protocol_id` (at its own institution), the
    /// old one kept as history: the inverse change, old and new id.
    fn link_complaint(
        &mut self,
        id: u64,
        protocol_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<(Change, String, String)>, StoreError> {
        let old: StoredComplaint = self.stored(b'k', id)?;
        if old.complaint.protocol_id == protocol_id {
            return Ok(None);
        }
        let mut linked = old.complaint.clone();
        linked.protocol_id = protocol_id.to_string();
        if let Incoming::Complaint(c, json) = Incoming::complaint(linked) {
            self.write_complaint(&old.source, &c, &json, true, at)?;
        }
        let before = old.complaint.protocol_id;
        Ok(Some((
            Change::LinkProtocol(before.clone()),
            before,
            protocol_id.to_string(),
        )))
    }

    /// A document is kept once, however often it is imported; a record read from several
    /// documents (the Word file and the PDF printed from it) lists each.
    fn write_document(
        &mut self,
        d: &SourceDocument,
        json: &[u8],
    ) -> Result<WriteOutcome, StoreError> {
        let Some(key) = document_key(&d.sha256) else {
            return Err(self.store.corrupt(format!("dokument {}", d.sha256)));
        };
        if self.get(&key)?.is_some() {
            return Ok(WriteOutcome::Unchanged);
        }
        self.set(key, json.to_vec());
        self.set(document_index_key(d), Vec::new());
        Ok(WriteOutcome::New)
    }

    fn write_complaint(
        &mut self,
        source: &str,
        c: &Complaint,
        json: &[u8],
        update: bool,
        now: DateTime<Utc>,
    ) -> Result<(WriteOutcome, u64), StoreError> {
        let identity = identity_key(b'K', &c.key());
        match self.existing::<StoredComplaint>(&identity, b'k')? {
            None => {
                let id = self.allocate_id();
                self.set(identity, id.to_be_bytes().to_vec());
                self.set(
                    id_key(b'k', id),
                    stored_json(id, 1, source, now, "complaint", json),
                );
                for (k, v) in complaint_index_entries(id, c) {
                    self.set(k, v);
                }
                self.complaints += 1;
                Ok((WriteOutcome::New, id))
            }
            Some((id, old, _)) if old.complaint == *c => Ok((WriteOutcome::Unchanged, id)),
            Some((id, old, old_bytes)) => {
                let fields = differing_fields(&old.complaint, c);
                if !update {
                    return Ok((WriteOutcome::Conflict { fields }, id));
                }
                self.keep_history(id, old.version, old_bytes);
                let stored = stored_json(id, old.version + 1, source, now, "complaint", json);
                self.set(id_key(b'k', id), stored);
                self.replace_index(
                    complaint_index_entries(id, &old.complaint),
                    complaint_index_entries(id, c),
                );
                Ok((
                    WriteOutcome::Updated {
                        fields,
                        replaced: old.version,
                    },
                    id,
                ))
            }
        }
    }
}

/// A stored record: `StoredProtocol` / `StoredComplaint` JSON whose record part was compressed on
/// the reader thread. Layout: [`SPLIT_LZ4`], the length (u32) of the envelope's JSON up to the
/// record, that JSON, then the record's lz4-compressed JSON; [`decode_json`] puts them back
/// together. A value starting with `{` is plain JSON.
fn stored_json(
    id: u64,
    version: u32,
    source: &str,
    imported_at: DateTime<Utc>,
    field: &str,
    compressed_record: &[u8],
) -> Vec<u8> {
    let mut prefix = format!("{{\"id\":{id},\"version\":{version},\"source\":").into_bytes();
    prefix.extend_from_slice(&to_json(&source));
    prefix.extend_from_slice(b",\"imported_at\":");
    prefix.extend_from_slice(&to_json(&imported_at));
    prefix.extend_from_slice(format!(",\"{field}\":").as_bytes());
    let mut out = Vec::with_capacity(5 + prefix.len() + compressed_record.len());
    out.push(SPLIT_LZ4);
    out.extend_from_slice(&(prefix.len() as u32).to_be_bytes());
    out.extend_from_slice(&prefix);
    out.extend_from_slice(compressed_record);
    out
}

/// Marks a stored record as envelope prefix + lz4-compressed record JSON. Records are stored
/// compressed because JSON repeats its field names in every record: the store is about a tenth
/// smaller for it.
const SPLIT_LZ4: u8 = 2;

/// A stored JSON value (record, review, log entry, filter) as JSON, decompressed; `None` for the
/// keys whose values are binary. What a backup writes readably.
pub fn json_value(key: &[u8], value: &[u8]) -> Option<Result<serde_json::Value, String>> {
    matches!(key.first(), Some(b'p' | b'k' | b'h' | b'r' | b'L' | b's')).then(|| decode_json(value))
}

/// Decodes a stored record, compressed or plain.
fn decode_json<T: for<'de> Deserialize<'de>>(value: &[u8]) -> Result<T, String> {
    match value.first() {
        Some(&SPLIT_LZ4) => {
            let len = value
                .get(1..5)
                .and_then(decode_u32)
                .ok_or("short record header")? as usize;
            let prefix = value.get(5..5 + len).ok_or("short record header")?;
            let record = lz4_flex::decompress_size_prepended(&value[5 + len..])
                .map_err(|e| e.to_string())?;
            let mut json = Vec::with_capacity(prefix.len() + record.len() + 1);
            json.extend_from_slice(prefix);
            json.extend_from_slice(&record);
            json.push(b'}');
            serde_json::from_slice(&json).map_err(|e| e.to_string())
        }
        _ => serde_json::from_slice(value).map_err(|e| e.to_string()),
    }
}

/// The top-level JSON fields whose values differ between two versions of a record.
fn differing_fields<T: Serialize>(old: &T, new: &T) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return vec![];
    };
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("records serialise to JSON")
}

fn id_key(prefix: u8, id: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(9);
    k.push(prefix);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

fn kind_byte(kind: RecordKind) -> u8 {
    match kind {
        RecordKind::Protocol => b'p',
        RecordKind::Complaint => b'k',
    }
}

/// prefix, kind, id: the review (`r`) and the audit trail prefix (`a`) of a record.
fn record_key(prefix: u8, record: RecordRef) -> Vec<u8> {
    let mut k = vec![prefix, kind_byte(record.kind)];
    k.extend_from_slice(&record.id.to_be_bytes());
    k
}

fn review_key(record: RecordRef) -> Vec<u8> {
    record_key(b'r', record)
}

fn text_key(prefix: &[u8], parts: &[&str]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    for part in parts {
        k.extend_from_slice(part.as_bytes());
        k.push(0);
    }
    k
}

/// `D` + the 32 bytes of a SHA-256 given in hex.
fn document_key(sha256_hex: &str) -> Option<Vec<u8>> {
    let hex = sha256_hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut key = Vec::with_capacity(33);
    key.push(b'D');
    for pair in hex.chunks(2) {
        let digit = |c: u8| (c as char).to_digit(16);
        key.push((digit(pair[0])? * 16 + digit(pair[1])?) as u8);
    }
    Some(key)
}

fn document_index_key(d: &SourceDocument) -> Vec<u8> {
    let mut key = text_key(
        b"xo",
        &[if d.complaint { "k" } else { "p" }, &d.institution, &d.id],
    );
    key.extend_from_slice(d.sha256.as_bytes());
    key
}

fn identity_key(prefix: u8, key: &RecordKey) -> Vec<u8> {
    text_key(&[prefix], &[&key.institution, &key.id])
}

fn id_suffixed(mut key: Vec<u8>, id: u64) -> Vec<u8> {
    key.extend_from_slice(&id.to_be_bytes());
    key
}

/// Protocols per facts chunk: few enough that a batch rewrites little, many enough that a full
/// scan reads a hundred values rather than a hundred thousand keys.
const FACTS_CHUNK_BITS: u32 = 10;

/// The facts / narrative / vocabulary chunk a protocol's entry is in.
pub fn facts_chunk_of(id: u64) -> u32 {
    (id >> FACTS_CHUNK_BITS) as u32
}

/// The chunk number in the key of a facts, narrative or vocabulary chunk.
pub fn chunk_number(key: &[u8]) -> Option<u32> {
    decode_u32(key.get(1..5)?)
}

/// The key of a facts (`F`), narrative (`T`) or vocabulary (`W`) chunk.
fn chunk_key(prefix: u8, chunk: u32) -> Vec<u8> {
    let mut k = vec![prefix];
    k.extend_from_slice(&chunk.to_be_bytes());
    k
}

/// A facts chunk: entries of (id u64, length u32, facts), by id.
fn encode_facts_chunk(entries: &BTreeMap<u64, Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.values().map(|b| b.len() + 12).sum());
    for (id, bytes) in entries {
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

/// The per-protocol entries kept in chunks of 1,024 protocols beside the records.
#[derive(Debug, Clone, Copy)]
enum ChunkKind {
    /// `F`: facts, as they are.
    Facts,
    /// `T`: narratives, lz4-compressed, with their vocabulary under `W`.
    Narratives,
}

impl ChunkKind {
    fn prefix(self) -> u8 {
        match self {
            ChunkKind::Facts => b'F',
            ChunkKind::Narratives => b'T',
        }
    }

    /// A stored chunk value as a facts-chunk layout; `None` when it does not decompress.
    fn plain(self, stored: Vec<u8>) -> Option<Vec<u8>> {
        match self {
            ChunkKind::Facts => Some(stored),
            ChunkKind::Narratives => lz4_flex::decompress_size_prepended(&stored).ok(),
        }
    }

    /// The keys and values that store a chunk's entries: the migration and every import batch
    /// write chunks through this.
    fn stored(self, chunk: u32, entries: &BTreeMap<u64, Vec<u8>>) -> Vec<(Vec<u8>, Vec<u8>)> {
        match self {
            ChunkKind::Facts => {
                vec![(chunk_key(self.prefix(), chunk), encode_facts_chunk(entries))]
            }
            ChunkKind::Narratives => vec![
                (
                    chunk_key(self.prefix(), chunk),
                    encode_narrative_chunk(entries),
                ),
                (chunk_key(b'W', chunk), encode_vocabulary_chunk(entries)),
            ],
        }
    }
}

/// A narrative chunk: a facts-chunk layout, lz4-compressed (narratives are most of a record's
/// bytes and compress well).
fn encode_narrative_chunk(entries: &BTreeMap<u64, Vec<u8>>) -> Vec<u8> {
    lz4_flex::compress_prepend_size(&encode_facts_chunk(entries))
}

/// The vocabulary of a narrative chunk, lz4-compressed. Narratives are encoded by tvang itself,
/// so one that does not decode is a bug, not bad input: it is left out of the vocabulary rather
/// than failing the write.
fn encode_vocabulary_chunk(entries: &BTreeMap<u64, Vec<u8>>) -> Vec<u8> {
    let vocabulary = crate::facts::encode_vocabulary(entries.values().map(Vec::as_slice))
        .unwrap_or_else(|| {
            crate::facts::encode_vocabulary(std::iter::empty()).expect("an empty vocabulary")
        });
    lz4_flex::compress_prepend_size(&vocabulary)
}

fn facts_entries(v: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut out = Vec::new();
    let mut rest = v;
    while !rest.is_empty() {
        let id = decode_u64(rest.get(..8)?)?;
        let len = decode_u32(rest.get(8..12)?)? as usize;
        out.push((id, rest.get(12..12 + len)?));
        rest = &rest[12 + len..];
    }
    Some(out)
}

/// Ids per posting-list chunk: bounds the value rewritten when a batch appends.
const CHUNK_BITS: u32 = 12;

fn chunk_of(id: u64) -> u32 {
    (id >> CHUNK_BITS) as u32
}

fn posting_key(prefix: &[u8], chunk: u32) -> Vec<u8> {
    let mut k = prefix.to_vec();
    k.extend_from_slice(&chunk.to_be_bytes());
    k
}

fn decode_postings(v: &[u8]) -> Option<impl Iterator<Item = u64> + '_> {
    v.len()
        .is_multiple_of(8)
        .then(|| v.chunks_exact(8).filter_map(decode_u64))
}

/// Days since 1 January of year 1 (CE): order-preserving for every date tvang meets.
fn day_number(d: NaiveDate) -> u32 {
    d.num_days_from_ce().max(0) as u32
}

fn date_prefix(day: u32) -> Vec<u8> {
    let mut k = b"xd".to_vec();
    k.extend_from_slice(&day.to_be_bytes());
    k.push(0);
    k
}

fn trailing_id(key: &[u8]) -> Option<u64> {
    let tail = key.get(key.len().checked_sub(8)?..)?;
    decode_u64(tail)
}

fn decode_u64(v: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(v.try_into().ok()?))
}

fn decode_u32(v: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(v.try_into().ok()?))
}

/// A key for an error message: the prefix and text, ids as numbers.
fn printable_key(key: &[u8]) -> String {
    String::from_utf8_lossy(key)
        .chars()
        .map(|c| if c.is_control() { '/' } else { c })
        .collect()
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// The data are about children: keep sled's files owner-only (best effort; a file sled creates
/// later sits inside the 0700 directory). Returns what others could reach before (path and
/// mode): a folder open to them, or a file in folders they may enter. Someone may have read it,
/// so the user is told. (sled creates its files 0644; inside a 0700 folder nobody else reaches
/// them, which is no reason to warn.)
#[cfg(unix)]
fn private_permissions(dir: &Path) -> Vec<(PathBuf, u32)> {
    use std::os::unix::fs::PermissionsExt;
    fn walk(path: &Path, reachable: bool, open: &mut Vec<(PathBuf, u32)>) {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return;
        };
        let mode = if meta.is_dir() { 0o700 } else { 0o600 };
        let found = meta.permissions().mode() & 0o777;
        if reachable && found & 0o077 != 0 {
            open.push((path.to_path_buf(), found));
        }
        if found != mode {
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
        }
        if meta.is_dir() {
            // Others reach what is inside only through folders they may enter.
            let inside = reachable && found & 0o011 != 0;
            if let Ok(entries) = std::fs::read_dir(path) {
                for e in entries.flatten() {
                    walk(&e.path(), inside, open);
                }
            }
        }
    }
    let mut open = Vec::new();
    walk(dir, true, &mut open);
    open
}

#[cfg(not(unix))]
fn private_permissions(_dir: &Path) -> Vec<(PathBuf, u32)> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_keys_sort_by_date() {
        let d = |y, m, day| date_prefix(day_number(NaiveDate::from_ymd_opt(y, m, day).unwrap()));
        assert!(d(2022, 12, 31) < d(2023, 1, 1));
        assert!(d(2023, 1, 1) < d(2023, 1, 2));
    }

    #[test]
    fn postings_round_trip() {
        let v: Vec<u8> = [3u64, 9, 4097]
            .iter()
            .flat_map(|i| i.to_be_bytes())
            .collect();
        assert_eq!(
            decode_postings(&v).unwrap().collect::<Vec<_>>(),
            vec![3, 9, 4097]
        );
        assert!(decode_postings(&v[1..]).is_none());
        assert_eq!(chunk_of(4095), 0);
        assert_eq!(chunk_of(4096), 1);
    }

    #[test]
    fn stored_envelope_decodes() {
        let c = Complaint {
            complaint_id: "K\"1".into(),
            protocol_id: "P/1".into(),
            institution: Some("Lia".into()),
            institution_id: None,
            received_at: None,
            complainant: None,
            text: Some("«sitat»\n".into()),
            outcome: None,
            decided_at: None,
        };
        let now = Utc::now();
        let compressed = lz4_flex::compress_prepend_size(&to_json(&c));
        let bytes = stored_json(7, 2, "a \"b\".json:3", now, "complaint", &compressed);
        assert_eq!(bytes[0], SPLIT_LZ4);
        let stored: StoredComplaint = decode_json(&bytes).unwrap();
        assert!(decode_json::<StoredComplaint>(&bytes[..bytes.len() - 3]).is_err());
        let plain = serde_json::to_vec(&stored).unwrap();
        assert_eq!(decode_json::<StoredComplaint>(&plain).unwrap(), stored);
        assert_eq!(
            stored,
            StoredComplaint {
                id: 7,
                version: 2,
                source: "a \"b\".json:3".into(),
                imported_at: now,
                complaint: c
            }
        );
    }

    #[test]
    fn facts_chunks_round_trip() {
        let entries: BTreeMap<u64, Vec<u8>> =
            [(1, vec![1, 2, 3]), (7, vec![]), (1023, vec![9; 300])]
                .into_iter()
                .collect();
        let encoded = encode_facts_chunk(&entries);
        let decoded: BTreeMap<u64, Vec<u8>> = facts_entries(&encoded)
            .unwrap()
            .into_iter()
            .map(|(id, b)| (id, b.to_vec()))
            .collect();
        assert_eq!(decoded, entries);
        assert!(facts_entries(&encoded[..encoded.len() - 1]).is_none());
        assert_eq!((facts_chunk_of(1023), facts_chunk_of(1024)), (0, 1));
    }

    #[test]
    fn trailing_ids() {
        assert_eq!(trailing_id(&id_suffixed(b"xk".to_vec(), 42)), Some(42));
        assert_eq!(trailing_id(b"x"), None);
    }
}
