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
//! | prefix | key                                  | value                         |
//! |--------|--------------------------------------|-------------------------------|
//! | `m`    | meta name                            | schema version, counters      |
//! | `p`    | id                                   | [`StoredProtocol`] JSON       |
//! | `k`    | id                                   | [`StoredComplaint`] JSON      |
//! | `h`    | id, version (u32)                    | a replaced version, JSON      |
//! | `P`    | institution key, protocol_id         | id                            |
//! | `K`    | institution key, complaint_id        | id                            |
//! | `xi`   | institution key, id                  | — protocols by institution    |
//! | `xd`   | incident time (i64, order-preserving), id | — protocols by date      |
//! | `xp`   | provision id (`?` if unknown), id    | — protocols by provision      |
//! | `xm`   | measure kind, id                     | — protocols by measure kind   |
//! | `xc`   | child_ref, id                        | — protocols by child          |
//! | `xn`   | name key, protocol_id                | id — name alias of org-keyed protocols |
//! | `xk`   | institution key, protocol_id, id     | — complaints by the protocol they concern |

use crate::catalogue::Catalogue;
use crate::model::{institution_key, Complaint, Protocol, RecordKey};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The newest schema this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

const META_SCHEMA: &[u8] = b"mschema_version";
const META_NEXT_ID: &[u8] = b"mnext_id";
const META_PROTOCOLS: &[u8] = b"mcount_protocols";
const META_COMPLAINTS: &[u8] = b"mcount_complaints";

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
}

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

/// A record on its way in.
#[derive(Debug, Clone)]
pub enum Incoming {
    Protocol(Protocol),
    Complaint(Complaint),
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
    },
}

pub struct Store {
    db: sled::Db,
    data: sled::Tree,
    path: PathBuf,
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
            .open()
            .map_err(sled_err)?;
        restrict_permissions(dir);
        let data = db.open_tree("data").map_err(sled_err)?;
        let store = Store {
            db,
            data,
            path: dir.to_path_buf(),
            _lock: lock,
        };
        store.check_schema()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
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
    pub fn write_batch(
        &self,
        items: &[(String, Incoming)],
        update: bool,
        catalogue: &Catalogue,
        now: DateTime<Utc>,
    ) -> Result<Vec<WriteOutcome>, StoreError> {
        let mut w = BatchWriter {
            store: self,
            batch: sled::Batch::default(),
            overlay: HashMap::new(),
            next_id: self.meta_u64(META_NEXT_ID)?.max(1),
            protocols: self.protocol_count()?,
            complaints: self.complaint_count()?,
        };
        let mut outcomes = Vec::with_capacity(items.len());
        for (source, item) in items {
            let outcome = match item {
                Incoming::Protocol(p) => w.write_protocol(source, p, update, catalogue, now)?,
                Incoming::Complaint(c) => w.write_complaint(source, c, update, now)?,
            };
            outcomes.push(outcome);
        }
        w.set(META_NEXT_ID.to_vec(), w.next_id.to_be_bytes().to_vec());
        w.set(META_PROTOCOLS.to_vec(), w.protocols.to_be_bytes().to_vec());
        w.set(
            META_COMPLAINTS.to_vec(),
            w.complaints.to_be_bytes().to_vec(),
        );
        self.data
            .apply_batch(w.batch)
            .map_err(|e| self.sled_err(e))?;
        self.flush()?;
        Ok(outcomes)
    }

    fn get_json<T: for<'de> Deserialize<'de>>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        match self.data.get(key).map_err(|e| self.sled_err(e))? {
            Some(v) => serde_json::from_slice(&v)
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

    pub fn protocol(&self, id: u64) -> Result<Option<StoredProtocol>, StoreError> {
        self.get_json(&id_key(b'p', id))
    }

    pub fn complaint(&self, id: u64) -> Result<Option<StoredComplaint>, StoreError> {
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
        for inst in [
            institution_key(institution, Some(institution)),
            institution_key(institution, None),
        ] {
            let key = RecordKey::new(inst.clone(), protocol_id);
            if let Some(id) = self.protocol_id_by_key(&key)? {
                found.insert(id);
            }
            if let Some(id) = self.get_id(&text_key(b"xn", &[&inst, protocol_id]))? {
                found.insert(id);
            }
        }
        Ok(found.into_iter().collect())
    }

    /// The protocol a complaint concerns, if it is in the store.
    pub fn protocol_for_complaint(&self, c: &Complaint) -> Result<Option<u64>, StoreError> {
        if let Some(id) = self.protocol_id_by_key(&c.protocol_key())? {
            return Ok(Some(id));
        }
        if let Some(name) = &c.institution {
            let by_name = RecordKey::new(institution_key(name, None), &c.protocol_id);
            if let Some(id) = self.protocol_id_by_key(&by_name)? {
                return Ok(Some(id));
            }
            return self.get_id(&text_key(b"xn", &[&by_name.institution, &by_name.id]));
        }
        Ok(None)
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

    /// Every protocol, in import order.
    pub fn protocols(&self) -> impl Iterator<Item = Result<StoredProtocol, StoreError>> + '_ {
        self.scan_records(b'p')
    }

    /// Every complaint, in import order.
    pub fn complaints(&self) -> impl Iterator<Item = Result<StoredComplaint, StoreError>> + '_ {
        self.scan_records(b'k')
    }

    fn scan_records<T: for<'de> Deserialize<'de>>(
        &self,
        prefix: u8,
    ) -> impl Iterator<Item = Result<T, StoreError>> + '_ {
        self.data.scan_prefix([prefix]).map(move |entry| {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            serde_json::from_slice(&value)
                .map_err(|e| self.corrupt(format!("{}: {e}", printable_key(&key))))
        })
    }

    /// Ids of protocols whose incident time lies in `[from, to)`, in time order.
    pub fn protocol_ids_by_time(
        &self,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Vec<u64>, StoreError> {
        let start = time_index_key(from.map(|t| t.timestamp()).unwrap_or(i64::MIN), 0);
        let end = time_index_key(to.map(|t| t.timestamp()).unwrap_or(i64::MAX), 0);
        let mut ids = Vec::new();
        for entry in self.data.range(start..end).keys() {
            let key = entry.map_err(|e| self.sled_err(e))?;
            ids.push(trailing_id(&key).ok_or_else(|| self.corrupt(printable_key(&key)))?);
        }
        Ok(ids)
    }

    /// Ids from a text-keyed index (`institution`, `provision`, `kind`, `child`), in id order.
    pub fn protocol_ids_by(&self, index: Index, value: &str) -> Result<Vec<u64>, StoreError> {
        let prefix = text_key(index.prefix(), &[value]);
        let mut ids = Vec::new();
        for entry in self.data.scan_prefix(&prefix).keys() {
            let key = entry.map_err(|e| self.sled_err(e))?;
            ids.push(trailing_id(&key).ok_or_else(|| self.corrupt(printable_key(&key)))?);
        }
        Ok(ids)
    }

    /// Earlier versions of a protocol replaced by `--update`, oldest first.
    pub fn protocol_history(&self, id: u64) -> Result<Vec<StoredProtocol>, StoreError> {
        let prefix = id_key(b'h', id);
        self.data
            .scan_prefix(&prefix)
            .values()
            .map(|v| {
                let v = v.map_err(|e| self.sled_err(e))?;
                serde_json::from_slice(&v).map_err(|e| self.corrupt(format!("h{id}: {e}")))
            })
            .collect()
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

/// Index entries of a protocol: key → value (empty for pure index entries).
fn protocol_index_entries(id: u64, p: &Protocol, catalogue: &Catalogue) -> Vec<(Vec<u8>, Vec<u8>)> {
    let inst = institution_key(&p.institution, p.institution_id.as_deref());
    let mut out = vec![
        (id_suffixed(text_key(b"xi", &[&inst]), id), vec![]),
        (time_index_key(p.incident_at().timestamp(), id), vec![]),
    ];
    let mut provisions = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    for m in &p.measures {
        let provision = catalogue
            .resolve_provision(&m.provision)
            .map(|prov| prov.id.clone())
            .unwrap_or_else(|| "?".into());
        provisions.insert(provision);
        if let Some(k) = &m.kind {
            kinds.insert(k.clone());
        }
    }
    for prov in provisions {
        out.push((id_suffixed(text_key(b"xp", &[&prov]), id), vec![]));
    }
    for kind in kinds {
        out.push((id_suffixed(text_key(b"xm", &[&kind]), id), vec![]));
    }
    if let Some(child) = &p.child_ref {
        out.push((id_suffixed(text_key(b"xc", &[child]), id), vec![]));
    }
    if p.institution_id.is_some() {
        let name = institution_key(&p.institution, None);
        out.push((
            text_key(b"xn", &[&name, &p.protocol_id]),
            id.to_be_bytes().to_vec(),
        ));
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

/// Reads through the pending batch, so a batch that names one record twice sees its own writes.
struct BatchWriter<'a> {
    store: &'a Store,
    batch: sled::Batch,
    overlay: HashMap<Vec<u8>, Option<Vec<u8>>>,
    next_id: u64,
    protocols: u64,
    complaints: u64,
}

impl BatchWriter<'_> {
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
        self.batch.insert(key.clone(), value.clone());
        self.overlay.insert(key, Some(value));
    }

    fn remove(&mut self, key: Vec<u8>) {
        self.batch.remove(key.clone());
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
    ) -> Result<Option<(u64, T)>, StoreError> {
        let Some(raw_id) = self.get(identity)? else {
            return Ok(None);
        };
        let id = decode_u64(&raw_id).ok_or_else(|| self.store.corrupt(printable_key(identity)))?;
        let key = id_key(record_prefix, id);
        let value = self.get(&key)?.ok_or_else(|| {
            self.store
                .corrupt(format!("{} -> missing record", printable_key(identity)))
        })?;
        let record = serde_json::from_slice(&value)
            .map_err(|e| self.store.corrupt(format!("{}: {e}", printable_key(&key))))?;
        Ok(Some((id, record)))
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

    fn write_protocol(
        &mut self,
        source: &str,
        p: &Protocol,
        update: bool,
        catalogue: &Catalogue,
        now: DateTime<Utc>,
    ) -> Result<WriteOutcome, StoreError> {
        let identity = identity_key(b'P', &p.key());
        match self.existing::<StoredProtocol>(&identity, b'p')? {
            None => {
                let id = self.allocate_id();
                let stored = StoredProtocol {
                    id,
                    version: 1,
                    source: source.to_string(),
                    imported_at: now,
                    protocol: p.clone(),
                };
                self.set(identity, id.to_be_bytes().to_vec());
                self.set(id_key(b'p', id), to_json(&stored));
                for (k, v) in protocol_index_entries(id, p, catalogue) {
                    self.set(k, v);
                }
                self.protocols += 1;
                Ok(WriteOutcome::New)
            }
            Some((_, old)) if old.protocol == *p => Ok(WriteOutcome::Unchanged),
            Some((id, old)) => {
                let fields = differing_fields(&old.protocol, p);
                if !update {
                    return Ok(WriteOutcome::Conflict { fields });
                }
                let mut history_key = id_key(b'h', id);
                history_key.extend_from_slice(&old.version.to_be_bytes());
                self.set(history_key, to_json(&old));
                let stored = StoredProtocol {
                    id,
                    version: old.version + 1,
                    source: source.to_string(),
                    imported_at: now,
                    protocol: p.clone(),
                };
                self.set(id_key(b'p', id), to_json(&stored));
                self.replace_index(
                    protocol_index_entries(id, &old.protocol, catalogue),
                    protocol_index_entries(id, p, catalogue),
                );
                Ok(WriteOutcome::Updated { fields })
            }
        }
    }

    fn write_complaint(
        &mut self,
        source: &str,
        c: &Complaint,
        update: bool,
        now: DateTime<Utc>,
    ) -> Result<WriteOutcome, StoreError> {
        let identity = identity_key(b'K', &c.key());
        match self.existing::<StoredComplaint>(&identity, b'k')? {
            None => {
                let id = self.allocate_id();
                let stored = StoredComplaint {
                    id,
                    version: 1,
                    source: source.to_string(),
                    imported_at: now,
                    complaint: c.clone(),
                };
                self.set(identity, id.to_be_bytes().to_vec());
                self.set(id_key(b'k', id), to_json(&stored));
                for (k, v) in complaint_index_entries(id, c) {
                    self.set(k, v);
                }
                self.complaints += 1;
                Ok(WriteOutcome::New)
            }
            Some((_, old)) if old.complaint == *c => Ok(WriteOutcome::Unchanged),
            Some((id, old)) => {
                let fields = differing_fields(&old.complaint, c);
                if !update {
                    return Ok(WriteOutcome::Conflict { fields });
                }
                let mut history_key = id_key(b'h', id);
                history_key.extend_from_slice(&old.version.to_be_bytes());
                self.set(history_key, to_json(&old));
                let stored = StoredComplaint {
                    id,
                    version: old.version + 1,
                    source: source.to_string(),
                    imported_at: now,
                    complaint: c.clone(),
                };
                self.set(id_key(b'k', id), to_json(&stored));
                self.replace_index(
                    complaint_index_entries(id, &old.complaint),
                    complaint_index_entries(id, c),
                );
                Ok(WriteOutcome::Updated { fields })
            }
        }
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

fn text_key(prefix: &[u8], parts: &[&str]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    for part in parts {
        k.extend_from_slice(part.as_bytes());
        k.push(0);
    }
    k
}

fn identity_key(prefix: u8, key: &RecordKey) -> Vec<u8> {
    text_key(&[prefix], &[&key.institution, &key.id])
}

fn id_suffixed(mut key: Vec<u8>, id: u64) -> Vec<u8> {
    key.extend_from_slice(&id.to_be_bytes());
    key
}

/// Flipping the sign bit makes big-endian byte order agree with numeric order for i64.
fn time_index_key(unix_seconds: i64, id: u64) -> Vec<u8> {
    let mut k = b"xd".to_vec();
    k.extend_from_slice(&((unix_seconds as u64) ^ (1 << 63)).to_be_bytes());
    k.extend_from_slice(&id.to_be_bytes());
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

/// The data are about children: keep sled's files owner-only. Best effort; a file sled creates
/// later sits inside the 0700 directory.
#[cfg(unix)]
fn restrict_permissions(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fn walk(path: &Path) {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return;
        };
        let mode = if meta.is_dir() { 0o700 } else { 0o600 };
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(path) {
                for e in entries.flatten() {
                    walk(&e.path());
                }
            }
        }
    }
    walk(dir);
}

#[cfg(not(unix))]
fn restrict_permissions(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_keys_sort_numerically() {
        let a = time_index_key(-5, 1);
        let b = time_index_key(3, 0);
        let c = time_index_key(1_700_000_000, 0);
        assert!(a < b && b < c);
    }

    #[test]
    fn trailing_ids() {
        assert_eq!(trailing_id(&id_suffixed(b"xi".to_vec(), 42)), Some(42));
        assert_eq!(trailing_id(b"x"), None);
    }
}
