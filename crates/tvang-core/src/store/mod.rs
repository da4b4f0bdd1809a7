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
//!
//! The files follow those seams: this one holds the [`Store`], opening, meta keys and errors;
//! `migrate` the schema upgrades, `records` reading records, `batch` writing import batches,
//! `postings` indexes and chunks, `reviews` reviews and saved filters, `audit` the log and
//! reveals, `sessions` review sessions, `raw` what backup reads and restores, `keys` and
//! `codec` how keys and values are encoded. sled's types stay inside: callers get [`Bytes`].

use crate::audit::{AuditEntry, Event};
use crate::catalogue::Catalogue;
use crate::model::{institution_key, Complaint, Protocol, RecordKey, SourceDocument};
use crate::review::{Change, RecordKind, RecordRef, Review};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};

mod audit;
mod batch;
mod codec;
mod keys;
mod migrate;
mod postings;
mod raw;
mod records;
mod reviews;
mod sessions;

use audit::*;
use batch::*;
use codec::*;
use keys::*;
use postings::*;

pub use codec::json_value;

/// Bytes read from the store, shared with sled's cache rather than copied. The store's own type,
/// so no caller names sled: read them as a `&[u8]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bytes(sled::IVec);

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}
pub use migrate::CHECKLIST_RENAMED_IN_SCHEMA_8;
pub use postings::{chunk_number, facts_chunk_of, Index};
pub use reviews::Applied;

/// The newest schema this build reads and writes. 2 added the facts (`F`) of every protocol,
/// 3 the narrative fingerprint to them, 4 the narrative chunks (`T`) that search reads, 5 their
/// vocabularies (`W`), 6 masked fødselsnummer in all three ([`crate::privacy`]), 8 the checklist
/// per provision (assessments keyed by the catalogue's conditions, with reasons); an older store
/// gets them when it is first opened.
pub const SCHEMA_VERSION: u32 = 8;

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

#[derive(Debug, thiserror::Error)]
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
    /// The folder given as the store holds other things and no store: tvang neither writes
    /// into it nor changes its files' modes.
    NotAStore {
        path: PathBuf,
        /// A few of the names found there.
        found: Vec<String>,
    },
    /// The folder was a store (its lock file is there) but its data folder is gone: opening it
    /// would silently start an empty store.
    DataMissing {
        path: PathBuf,
    },
    /// Too little free space to open the store safely: sled writes while it opens (a
    /// snapshot, new blobs), and a write cut short there has left a store with an index entry
    /// whose record was gone. Nothing was opened or written.
    DiskFull {
        path: PathBuf,
        free: u64,
        needed: u64,
    },
}

/// Makes the corrected version of a protocol from a field's corrected text (`None`: the value
/// its document was read as); `Ok(None)`: the field is not one the record holds. Given by the
/// layer that knows how records are read ([`crate::import::corrected_protocol`]), so the store
/// needs no import code.
pub type Correct<'a> =
    &'a dyn Fn(&Protocol, &str, Option<&str>) -> Result<Option<Protocol>, String>;

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
    // ManuallyDrop: after a failed write sled's own drop waits for ever on a flush that cannot
    // succeed (a full disk: the import hung, lock held); see `Drop for Store`.
    db: std::mem::ManuallyDrop<sled::Db>,
    data: std::mem::ManuallyDrop<sled::Tree>,
    /// A read or write of sled failed: what sled holds in memory may never reach the disk.
    failed: std::sync::atomic::AtomicBool,
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
        let fresh = match examine_folder(dir).map_err(io)? {
            Folder::New => true,
            Folder::Store => false,
            Folder::NotAStore(found) => {
                return Err(StoreError::NotAStore {
                    path: dir.to_path_buf(),
                    found,
                })
            }
            Folder::DataMissing => {
                return Err(StoreError::DataMissing {
                    path: dir.to_path_buf(),
                })
            }
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
        // Under tvang's lock no other process writes a snapshot, so one still `.generating` is
        // a leftover of a write that failed (a full disk): always incomplete, and sled would
        // read it as the newest snapshot and call the store corrupt for ever after. The log
        // holds everything it would have summed up.
        remove_sled_leftovers(&dir.join("sled")).map_err(io)?;
        if let Some((free, needed)) = too_little_room(dir) {
            return Err(StoreError::DiskFull {
                path: dir.to_path_buf(),
                free,
                needed,
            });
        }
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
        // was open to others before counts (see `private_permissions`); a new store held
        // nothing anyone could have read.
        let too_open = private_permissions(dir);
        let too_open = if fresh { Vec::new() } else { too_open };
        let data = db.open_tree("data").map_err(sled_err)?;
        let store = Store {
            db: std::mem::ManuallyDrop::new(db),
            data: std::mem::ManuallyDrop::new(data),
            failed: std::sync::atomic::AtomicBool::new(false),
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
        self.failed.store(true, std::sync::atomic::Ordering::SeqCst);
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

    pub fn schema_version(&self) -> Result<u32, StoreError> {
        let v = self.data.get(META_SCHEMA).map_err(|e| self.sled_err(e))?;
        v.as_deref()
            .and_then(decode_u32)
            .ok_or_else(|| self.corrupt("schema_version"))
    }

    /// Makes every completed write durable.
    /// Refuses a write of about `bytes` when the disk would come near full: sled writes a
    /// batch several times over (its log, blobs, later a snapshot), and a write it cannot
    /// finish is not always undone. Nothing is written then.
    pub(super) fn ensure_room(&self, bytes: u64) -> Result<(), StoreError> {
        let Some(free) = free_space(&self.path) else {
            return Ok(());
        };
        let needed = OPEN_MARGIN_BYTES + bytes.saturating_mul(4);
        if free < needed {
            return Err(StoreError::DiskFull {
                path: self.path.clone(),
                free,
                needed,
            });
        }
        Ok(())
    }

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
}

impl Store {
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
}

impl Store {
    /// The first record id not yet used: records imported from now on get this id or higher.
    pub fn next_record_id(&self) -> Result<u64, StoreError> {
        Ok(self.meta_u64(META_NEXT_ID)?.max(1))
    }
}

/// What went wrong inside the storage engine, for the words (sled's own types stay in here).
pub enum EngineFault<'a> {
    /// The disk or the file system refused a read or write.
    Io(&'a std::io::Error),
    /// The engine found data it cannot read: damage.
    Corruption,
    /// Anything else, in the engine's own (English) words.
    Other(String),
}

impl StoreError {
    /// For [`StoreError::Sled`]: what kind of fault the engine reported.
    pub fn engine_fault(&self) -> Option<EngineFault<'_>> {
        match self {
            StoreError::Sled { source, .. } => Some(match source {
                sled::Error::Io(e) => EngineFault::Io(e),
                sled::Error::Corruption { .. } => EngineFault::Corruption,
                other => EngineFault::Other(other.to_string()),
            }),
            _ => None,
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // After a failed write sled's drop would flush again and wait for ever; every
        // completed change is already on disk (each batch is flushed before it counts), so the
        // handles are left for the process's exit to release.
        if self.failed.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        // SAFETY: `drop` runs once, so each handle is dropped once, and nothing uses them after.
        unsafe {
            std::mem::ManuallyDrop::drop(&mut self.data);
            std::mem::ManuallyDrop::drop(&mut self.db);
        }
    }
}

/// Free space a store needs to be opened: sled's recovery writes a snapshot and may rewrite
/// blobs, in all a small share of the store. A margin over that, so that an open on a nearly
/// full disk is refused instead of cut short.
const OPEN_MARGIN_BYTES: u64 = 8 * 1024 * 1024;

/// What a review, a note, a session or an audit entry is taken to add, for [`Store::ensure_room`].
pub(super) const SMALL_WRITE_BYTES: u64 = 64 * 1024;

/// `(free, needed)` when the disk holding `dir` has less free space than opening needs.
fn too_little_room(dir: &Path) -> Option<(u64, u64)> {
    let free = free_space(dir)?;
    let needed = OPEN_MARGIN_BYTES + folder_size(&dir.join("sled")) / 20;
    (free < needed).then_some((free, needed))
}

#[cfg(unix)]
fn free_space(dir: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(dir).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

#[cfg(not(unix))]
fn free_space(_dir: &Path) -> Option<u64> {
    None
}

fn folder_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some(if meta.is_dir() {
                folder_size(&e.path())
            } else {
                meta.len()
            })
        })
        .sum()
}

/// Removes what a failed snapshot write of sled left: `snap.<lsn>.generating` (sled writes the
/// snapshot under that name, syncs it and only then renames it to `snap.<lsn>`).
fn remove_sled_leftovers(sled_dir: &Path) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(sled_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// The names a store folder holds: tvang's lock file, sled's data folder and the automatic
/// backups (by default). Nothing else in the folder is tvang's to change.
const STORE_ENTRIES: [&str; 3] = ["tvang.lock", "sled", AUTOMATIC_BACKUPS];

/// The folder in a store's own folder that automatic backups go to by default
/// ([`crate::backup::Rotation`]).
pub const AUTOMATIC_BACKUPS: &str = "sikkerhetskopier";

/// What a folder given as the store is, before anything is written into it.
#[derive(Debug, PartialEq, Eq)]
enum Folder {
    /// Not there yet, or empty: a new store.
    New,
    Store,
    NotAStore(Vec<String>),
    DataMissing,
}

fn examine_folder(dir: &Path) -> std::io::Result<Folder> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Folder::New),
        Err(e) => return Err(e),
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let has = |name: &str| names.iter().any(|n| n == name);
    Ok(if has("sled") {
        Folder::Store
    } else if has("tvang.lock") {
        Folder::DataMissing
    } else if names.is_empty() {
        Folder::New
    } else {
        names.truncate(5);
        Folder::NotAStore(names)
    })
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

/// The data are about children: keep the store's own files owner-only (best effort; a file
/// sled creates later sits inside the 0700 directory). Returns what others could reach before
/// (path and mode): a folder open to them, or a file in folders they may enter. Someone may
/// have read it, so the user is told. (sled creates its files 0644; inside a 0700 folder nobody
/// else reaches them, which is no reason to warn.) Only the folder itself and
/// [`STORE_ENTRIES`] are touched, and a symlink is never followed: changing a link's mode
/// changes what it points to (a `--db` link made its target folder 0600).
#[cfg(unix)]
fn private_permissions(dir: &Path) -> Vec<(PathBuf, u32)> {
    use std::os::unix::fs::PermissionsExt;
    fn walk(path: &Path, reachable: bool, open: &mut Vec<(PathBuf, u32)>) {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return;
        };
        if meta.file_type().is_symlink() {
            return;
        }
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
    // The store's real folder: the user may name it through a link, which is theirs.
    let Ok(dir) = std::fs::canonicalize(dir) else {
        return Vec::new();
    };
    let mut open = Vec::new();
    let Ok(meta) = std::fs::metadata(&dir) else {
        return open;
    };
    let found = meta.permissions().mode() & 0o777;
    if found & 0o077 != 0 {
        open.push((dir.clone(), found));
    }
    if found != 0o700 {
        let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
    }
    let inside = found & 0o011 != 0;
    for name in STORE_ENTRIES {
        walk(&dir.join(name), inside, &mut open);
    }
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
    fn a_snapshot_sled_left_half_written_does_not_make_the_store_unreadable() {
        // A full disk during sled's snapshot left `snap.….generating` at 0 bytes; sled then
        // read it as the newest snapshot and called the store corrupt at every open.
        let dir = tempfile::tempdir().unwrap();
        let first = Store::open(dir.path()).unwrap();
        first.flush().unwrap();
        drop(first);
        let leftover = dir.path().join("sled/snap.00000000FFFFFFFF.generating");
        std::fs::write(&leftover, b"").unwrap();
        // In one process sled's threads may hold its file lock a moment after the drop.
        let mut opened = Store::open(dir.path());
        for _ in 0..40 {
            match &opened {
                Err(StoreError::Sled { .. })
                    if !matches!(
                        opened.as_ref().err().and_then(|e| e.engine_fault()),
                        Some(EngineFault::Corruption)
                    ) =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    opened = Store::open(dir.path());
                }
                _ => break,
            }
        }
        let store = opened.expect("opens");
        assert!(store.schema_version().is_ok());
        assert!(!leftover.exists());
    }

    #[test]
    fn a_folder_is_a_new_store_a_store_or_refused() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        assert_eq!(examine_folder(&at("nowhere")).unwrap(), Folder::New);
        std::fs::create_dir(at("empty")).unwrap();
        assert_eq!(examine_folder(&at("empty")).unwrap(), Folder::New);
        std::fs::create_dir_all(at("store/sled")).unwrap();
        std::fs::write(at("store/tvang.lock"), "").unwrap();
        assert_eq!(examine_folder(&at("store")).unwrap(), Folder::Store);
        std::fs::create_dir(at("gone")).unwrap();
        std::fs::write(at("gone/tvang.lock"), "").unwrap();
        assert_eq!(examine_folder(&at("gone")).unwrap(), Folder::DataMissing);
        std::fs::create_dir(at("other")).unwrap();
        std::fs::write(at("other/b.txt"), "").unwrap();
        std::fs::write(at("other/a.txt"), "").unwrap();
        assert_eq!(
            examine_folder(&at("other")).unwrap(),
            Folder::NotAStore(vec!["a.txt".into(), "b.txt".into()])
        );
        assert!(matches!(
            Store::open(&at("other")),
            Err(StoreError::NotAStore { .. })
        ));
        assert!(!at("other/sled").exists());
    }

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
            decided_by: None,
            decision_reasons: None,
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
