//! Backup and restore: the whole store as one gzip-compressed JSON Lines file with a checksum.
//!
//! sled has no repair tool: a store damaged beyond what its own recovery handles is lost, so a
//! regular backup is the way back. The file holds every key of the store (a consistent snapshot:
//! the process holding the store is the only writer). Records, reviews, the audit log and saved
//! filters are written as readable JSON (`zcat FILE | jq`), the derived indexes and counters as
//! hex. The last line carries the number of entries and the SHA-256 of every line before it;
//! restore checks the whole file before writing anything, then writes it into an empty store in
//! atomic batches, marked as a restore in progress until the last one (a store whose restore was
//! cut off refuses to open).
//!
//! ```text
//! {"format":"tvang-backup","version":1,"schema":6,"created_at":"…"}
//! {"key":"p/…","key_hex":"70…","json":{…}}
//! {"key":"F/…","key_hex":"46…","hex":"…"}
//! {"end":true,"entries":12345,"sha256":"…"}
//! ```

use crate::store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{BufRead, Write};

pub const FORMAT: &str = "tvang-backup";
pub const VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    Io(#[from] std::io::Error),
    Store(#[from] StoreError),
    /// Not a tvang backup, damaged, or cut short: line (1-based) and why. Nothing was written.
    Invalid {
        line: usize,
        detail: String,
    },
    /// Restore goes into an empty store only.
    NotEmpty,
    /// Written by a newer tvang.
    NewerSchema {
        found: u32,
        supported: u32,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    schema: u32,
    created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// The key, readable (for people; restore reads `key_hex`).
    key: String,
    key_hex: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    json: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hex: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct End {
    end: bool,
    entries: u64,
    sha256: String,
}

/// What a backup or restore wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub entries: u64,
    pub protocols: u64,
    pub complaints: u64,
}

/// Writes the store to `out`, gzip-compressed.
pub fn write(store: &Store, out: &mut dyn Write) -> Result<Summary, BackupError> {
    let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    let mut hash = Sha256::new();
    let mut line = |gz: &mut dyn Write, bytes: Vec<u8>| -> std::io::Result<()> {
        hash.update(&bytes);
        hash.update(b"\n");
        gz.write_all(&bytes)?;
        gz.write_all(b"\n")
    };
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        schema: store.schema_version()?,
        created_at: crate::time::now_utc(),
    };
    line(&mut gz, serde_json::to_vec(&header).expect("serialisable"))?;
    let mut entries = 0u64;
    for kv in store.raw_entries() {
        let (key, value) = kv?;
        let mut entry = Entry {
            key: printable(&key),
            key_hex: crate::audit::hex(&key),
            json: None,
            hex: None,
        };
        match crate::store::json_value(&key, &value) {
            Some(Ok(v)) => entry.json = Some(v),
            // A value that does not decode is kept as it is: a backup must not lose anything.
            Some(Err(_)) | None => entry.hex = Some(crate::audit::hex(&value)),
        }
        line(&mut gz, serde_json::to_vec(&entry).expect("serialisable"))?;
        entries += 1;
    }
    let end = End {
        end: true,
        entries,
        sha256: crate::audit::hex(&hash.clone().finalize()),
    };
    gz.write_all(&serde_json::to_vec(&end).expect("serialisable"))?;
    gz.write_all(b"\n")?;
    gz.finish()?.flush()?;
    Ok(Summary {
        entries,
        protocols: store.protocol_count()?,
        complaints: store.complaint_count()?,
    })
}

fn printable(key: &[u8]) -> String {
    String::from_utf8_lossy(key)
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{fffd}' {
                '/'
            } else {
                c
            }
        })
        .collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Reads a backup line by line, handing each entry to `entry`, and checks count and checksum at
/// the end. The entries seen before a bad line or a wrong checksum are not to be trusted: read
/// once to check (with an `entry` that keeps nothing), then again to write.
fn read(
    input: &mut dyn std::io::Read,
    entry: &mut dyn FnMut(Vec<u8>, Vec<u8>) -> Result<(), BackupError>,
) -> Result<(Header, u64), BackupError> {
    let invalid = |line: usize, detail: String| BackupError::Invalid { line, detail };
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(input));
    let mut hash = Sha256::new();
    let mut header: Option<Header> = None;
    let mut count = 0u64;
    let mut end: Option<End> = None;
    for (i, line) in reader.lines().enumerate() {
        let n = i + 1;
        let line = line.map_err(|e| invalid(n, unreadable(&e)))?;
        if end.is_some() {
            return Err(invalid(n, "tekst etter sluttlinjen".into()));
        }
        if header.is_none() {
            let h: Header = serde_json::from_str(&line)
                .map_err(|_| invalid(n, "ikke en tvang-sikkerhetskopi".into()))?;
            if h.format != FORMAT || h.version != VERSION {
                return Err(invalid(
                    n,
                    format!("format {} versjon {} er ukjent", h.format, h.version),
                ));
            }
            header = Some(h);
        } else if line.starts_with("{\"end\"") {
            let e: End = serde_json::from_str(&line)
                .map_err(|_| invalid(n, "sluttlinjen kan ikke leses".into()))?;
            end = Some(e);
            continue;
        } else {
            let e: Entry = serde_json::from_str(&line)
                .map_err(|_| invalid(n, "oppføringen kan ikke leses (skadet)".into()))?;
            let key = unhex(&e.key_hex).ok_or_else(|| invalid(n, "key_hex".into()))?;
            let value = match (e.json, e.hex) {
                (Some(v), None) => serde_json::to_vec(&v).expect("serialisable"),
                (None, Some(h)) => unhex(&h).ok_or_else(|| invalid(n, "hex".into()))?,
                _ => return Err(invalid(n, "verken json eller hex".into())),
            };
            entry(key, value)?;
            count += 1;
        }
        hash.update(line.as_bytes());
        hash.update(b"\n");
    }
    let header = header.ok_or_else(|| invalid(1, "filen er tom".into()))?;
    let last = count as usize + 2;
    let end = end.ok_or_else(|| invalid(last, "sluttlinjen mangler: filen er avkortet".into()))?;
    if end.entries != count {
        return Err(invalid(
            last,
            format!(
                "sluttlinjen sier {} oppføringer, filen har {count}",
                end.entries
            ),
        ));
    }
    if crate::audit::hex(&hash.finalize()) != end.sha256 {
        return Err(invalid(
            last,
            "sjekksummen stemmer ikke: filen er endret eller skadet".into(),
        ));
    }
    Ok((header, count))
}

/// Why the compressed text could not be read, in words: flate2 and the UTF-8 check speak
/// English (`invalid gzip header`, `incomplete deflate stream`).
fn unreadable(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput => {
            "ikke en gzip-komprimert tvang-sikkerhetskopi, eller skadet".into()
        }
        std::io::ErrorKind::UnexpectedEof => {
            "filen slutter for tidlig: den er avkortet eller ikke en tvang-sikkerhetskopi".into()
        }
        _ if e.to_string().contains("deflate") || e.to_string().contains("gzip") => {
            "den komprimerte teksten er skadet eller avkortet".into()
        }
        _ => crate::io_text::io_error(e),
    }
}

/// Entries written per atomic batch: bounds a restore's memory (a whole 100,000-protocol store
/// in one batch took 2.2 GB).
const RESTORE_BATCH_BYTES: usize = 32 << 20;

/// Restores a backup into an empty store: the whole file is checked first (nothing is written if
/// it is damaged), then read again and written in atomic batches, and the restore is logged by
/// `author`. `open` opens the file (it is read twice).
pub fn restore(
    store: &Store,
    open: &dyn Fn() -> std::io::Result<Box<dyn std::io::Read>>,
    author: &str,
    source: &str,
) -> Result<Summary, BackupError> {
    if !store.is_empty_of_data()? {
        return Err(BackupError::NotEmpty);
    }
    let (header, _) = read(&mut *open()?, &mut |_, _| Ok(()))?;
    let supported = crate::store::SCHEMA_VERSION;
    if header.schema > supported {
        return Err(BackupError::NewerSchema {
            found: header.schema,
            supported,
        });
    }
    let mut pending: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let mut bytes = 0;
    let (_, count) = read(&mut *open()?, &mut |k, v| {
        bytes += k.len() + v.len();
        pending.push((k, v));
        if bytes >= RESTORE_BATCH_BYTES {
            store.restore_batch(std::mem::take(&mut pending))?;
            bytes = 0;
        }
        Ok(())
    })?;
    store.restore_batch(pending)?;
    let event = crate::audit::Event::new(
        crate::time::now_utc(),
        author,
        crate::audit::Action::Restore,
    )
    .field(source)
    .change(
        "",
        crate::audit_text::restore_logged(count, &header.created_at),
    );
    store.finish_restore(event)?;
    Ok(Summary {
        entries: count,
        protocols: store.protocol_count()?,
        complaints: store.complaint_count()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(unhex(&crate::audit::hex(&bytes)), Some(bytes));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
    }
}

/// Automatic backups: one a day, the newest `keep` kept, in `folder` (by default
/// `sikkerhetskopier/` in the store's folder; a folder on another disk is safer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub folder: std::path::PathBuf,
    /// How many to keep; 0 turns automatic backups off.
    pub keep: usize,
}

/// The folder in a store's own folder that automatic backups go to by default.
pub const AUTOMATIC_FOLDER: &str = crate::store::AUTOMATIC_BACKUPS;
/// How many automatic backups are kept by default: a week of working days and more.
pub const DEFAULT_KEEP: usize = 7;

impl Rotation {
    pub fn in_store(store_dir: &std::path::Path) -> Rotation {
        Rotation {
            folder: store_dir.join(AUTOMATIC_FOLDER),
            keep: DEFAULT_KEEP,
        }
    }

    fn file_of(&self, day: chrono::NaiveDate) -> std::path::PathBuf {
        self.folder.join(format!("tvang-{day}.jsonl.gz"))
    }

    /// The automatic backups in the folder, oldest first, with their days.
    pub fn existing(&self) -> Vec<(chrono::NaiveDate, std::path::PathBuf)> {
        let Ok(entries) = std::fs::read_dir(&self.folder) else {
            return Vec::new();
        };
        let mut found: Vec<_> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let day = name.strip_prefix("tvang-")?.strip_suffix(".jsonl.gz")?;
                Some((day.parse().ok()?, e.path()))
            })
            .collect();
        found.sort();
        found
    }

    /// The newest automatic backup, if any.
    pub fn newest(&self) -> Option<(chrono::NaiveDate, std::path::PathBuf)> {
        self.existing().pop()
    }
}

/// What an automatic backup did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Automatic {
    /// Turned off, or the store holds nothing yet, or today's is there already.
    NotNeeded,
    Written {
        path: std::path::PathBuf,
        summary: Summary,
        /// Older automatic backups removed to keep `keep`.
        removed: usize,
    },
}

/// Writes today's automatic backup if there is none yet, then removes the oldest beyond
/// `keep`. The folder is made owner-only; the file is written whole (see
/// [`crate::output_file`]). Only files named as automatic backups are ever removed.
pub fn automatic(
    store: &Store,
    rotation: &Rotation,
    today: chrono::NaiveDate,
) -> Result<Automatic, BackupError> {
    if rotation.keep == 0 || store.is_empty_of_data()? {
        return Ok(Automatic::NotNeeded);
    }
    let path = rotation.file_of(today);
    if path.exists() {
        return Ok(Automatic::NotNeeded);
    }
    create_private_folder(&rotation.folder)?;
    let summary = crate::export::write_file_atomically(&path, |out| write(store, out))?;
    let existing = rotation.existing();
    let surplus = existing.len().saturating_sub(rotation.keep);
    let mut removed = 0;
    for (_, old) in existing.into_iter().take(surplus) {
        if std::fs::remove_file(old).is_ok() {
            removed += 1;
        }
    }
    Ok(Automatic::Written {
        path,
        summary,
        removed,
    })
}

fn create_private_folder(folder: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        if !folder.is_dir() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(folder)?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(folder)
    }
}

#[cfg(test)]
mod rotation_tests {
    use super::*;

    #[test]
    fn one_a_day_the_newest_kept_and_nothing_else_touched() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("lager")).unwrap();
        let rotation = Rotation {
            folder: dir.path().join("kopier"),
            keep: 3,
        };
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        // An empty store needs none.
        assert_eq!(
            automatic(&store, &rotation, day(1)).unwrap(),
            Automatic::NotNeeded
        );
        let file = dir.path().join("p.jsonl");
        std::fs::write(
            &file,
            r#"{"protocol_id": "2026/0001", "institution": "Solbakken", "provision": "10-7", "started_at": "2026-11-01 10:00"}"#,
        )
        .unwrap();
        crate::import::import_paths(
            &store,
            &crate::catalogue::Catalogue::built_in(),
            &[file],
            crate::import::ImportOptions::default(),
            &mut |_| {},
        )
        .unwrap();
        for d in 1..=5 {
            let done = automatic(&store, &rotation, day(d)).unwrap();
            assert!(matches!(done, Automatic::Written { .. }), "day {d}");
            if d == 1 {
                // Someone's own file in the folder is never removed.
                std::fs::write(rotation.folder.join("notater.txt"), "mine").unwrap();
            }
            // The same day again: nothing.
            assert_eq!(
                automatic(&store, &rotation, day(d)).unwrap(),
                Automatic::NotNeeded
            );
        }
        let kept: Vec<_> = rotation.existing().into_iter().map(|(d, _)| d).collect();
        assert_eq!(kept, vec![day(3), day(4), day(5)]);
        assert!(rotation.folder.join("notater.txt").exists());
        assert_eq!(rotation.newest().unwrap().0, day(5));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&rotation.folder), 0o700);
            assert_eq!(mode(&rotation.newest().unwrap().1), 0o600);
        }
        let off = Rotation {
            keep: 0,
            ..rotation
        };
        assert_eq!(
            automatic(&store, &off, day(9)).unwrap(),
            Automatic::NotNeeded
        );
    }
}
