//! Batch import of protocol and complaint files into the store.
//!
//! Files are read one at a time; each record is normalised ([`record`]) and written in batches
//! that are atomic and flushed ([`Store::write_batch`]). A bad record is rejected with its file,
//! line and field; the rest of the file still imports. Re-importing is idempotent.

pub mod csv;
pub mod document;
pub mod encoding;
pub mod json;
pub mod jsonl;
pub mod record;
pub mod spreadsheet;
pub mod text;

use crate::catalogue::Catalogue;
use crate::flags::{quality_flags, Flag};
use crate::model::ChildIdentity;
use crate::model::{Complaint, RecordKey};
use crate::store::{Incoming, Store, StoreError, WriteOutcome};
use record::{FieldProblem, Record};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Records written per atomic, flushed batch.
pub const BATCH_SIZE: usize = 2000;

/// One record as a reader found it.
#[derive(Debug)]
pub struct RawRecord {
    pub line: Option<usize>,
    /// Byte offset of the record in its file, for progress within large files.
    pub offset: usize,
    /// Position in a JSON array (1-based).
    pub index: Option<usize>,
    pub value: Result<serde_json::Value, Unreadable>,
}

/// A record that cannot be read as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not even well-formed (a JSONL line that is not JSON, a short CSV row).
    Syntax(String),
    /// Larger than [`record::MAX_RECORD_BYTES`]: not parsed at all.
    TooLarge { bytes: usize },
}

pub type Records<'a> = Box<dyn Iterator<Item = RawRecord> + 'a>;

/// Why a whole file was skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    Io(String),
    NotUtf8 {
        line: usize,
    },
    /// A file with a UTF-16 byte-order mark whose text is not valid UTF-16.
    BadEncoding {
        encoding: &'static str,
    },
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    Csv(String),
    DuplicateColumn(String),
    UnsupportedType,
    /// A FIFO, device, socket or folder given (or found) as a file: reading it could block for
    /// ever or never end.
    NotAFile {
        what: &'static str,
    },
    /// A text file (JSON, JSON Lines, CSV) larger than [`MAX_TEXT_FILE_BYTES`].
    TooLarge {
        bytes: u64,
    },
    /// A Word or PDF document that could not be read.
    Document(#[source] document::DocumentError),
}

/// The import could not run at all, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    NoSuchPath(PathBuf),
    Store(#[from] StoreError),
    /// The store failed while the import ran (a full disk): what `stored` counts is on disk,
    /// whole; the batch that failed and the rest were not stored.
    Interrupted {
        #[source]
        source: StoreError,
        stored: Box<ImportReport>,
    },
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Who imports: the audit log's author.
    pub author: String,
    /// Store changed records as new versions (keeping the old as history) instead of reporting
    /// them as conflicts.
    pub update: bool,
    /// Replace every fødselsnummer or D-nummer in the texts with [`crate::privacy::REDACTED`]
    /// before storing, instead of storing it (masked when shown).
    pub redact: bool,
    /// The labels to find in documents: built in, and an office's own on top
    /// (`--labels FILE`); `None` is the built-in ones.
    pub labels: Option<std::sync::Arc<document::labels::Labels>>,
}

/// How far an import has come, for a progress bar.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub files_done: usize,
    pub files_total: usize,
    pub records: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub new: usize,
    pub unchanged: usize,
    pub conflicting: usize,
    pub updated: usize,
}

impl Counts {
    fn add(&mut self, outcome: &WriteOutcome) {
        match outcome {
            WriteOutcome::New => self.new += 1,
            WriteOutcome::Unchanged => self.unchanged += 1,
            WriteOutcome::Conflict { .. } => self.conflicting += 1,
            WriteOutcome::Updated { .. } => self.updated += 1,
        }
    }
}

/// A rejected record: where, which field, why (in Norwegian, for the inspector).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

/// A record whose identity is stored with other content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub source: String,
    /// `protocol` or `complaint`.
    pub kind: &'static str,
    pub institution: String,
    pub id: String,
    pub fields: Vec<String>,
    /// True when `--update` stored the new version.
    pub updated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    pub file: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownFields {
    pub file: String,
    pub fields: Vec<String>,
}

/// A text file that was not UTF-8, and what it was read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileEncoding {
    pub file: String,
    pub encoding: String,
}

/// What was read from one Word or PDF document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentSummary {
    pub file: String,
    /// `docx` or `pdf`.
    pub format: &'static str,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// `protocol` or `complaint`.
    pub kind: &'static str,
    pub id: String,
    /// The id was made from the content: the document gave none.
    pub made_id: bool,
    /// Fields to check against the original, each with why.
    pub to_check: Vec<ToCheck>,
    /// Fields where the template's help text was left in.
    pub help_text: Vec<String>,
    /// Labels in the document that name no field.
    pub unknown_labels: Vec<String>,
    /// The same file was imported before: recognised by its SHA-256 and not read again.
    pub imported_before: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToCheck {
    pub field: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub files_read: usize,
    pub files_skipped: Vec<SkippedFile>,
    pub protocols: Counts,
    pub complaints: Counts,
    /// Complaints in this import whose protocol is not (yet) in the store.
    pub complaints_waiting: usize,
    pub rejected: Vec<Rejected>,
    pub conflicts: Vec<Conflict>,
    pub unknown_fields: Vec<UnknownFields>,
    /// Text files read in an encoding other than UTF-8.
    pub encodings: Vec<FileEncoding>,
    /// Files in the folders given whose type tvang does not read (listed, not an error).
    pub files_not_read: Vec<String>,
    /// Every Word and PDF document read, with what to check in it.
    pub documents: Vec<DocumentSummary>,
    /// Data-quality flags among the protocols this import stored (new or updated).
    pub flags: BTreeMap<Flag, usize>,
}

impl ImportReport {
    pub fn records_seen(&self) -> usize {
        let c = |c: &Counts| c.new + c.unchanged + c.conflicting + c.updated;
        c(&self.protocols) + c(&self.complaints) + self.rejected.len()
    }
}

/// Expands folders (recursively; hidden entries skipped) into the files to import, sorted, so an
/// import is reproducible. Files named explicitly are kept whatever their extension.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ImportError> {
    Ok(collect(paths)?.0)
}

/// The files to import, and the files in the folders that tvang does not read (lock and temp
/// files of office programs left out of both).
fn collect(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>), ImportError> {
    let mut files = BTreeSet::new();
    let mut not_read = BTreeSet::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|_| ImportError::NoSuchPath(path.clone()))?;
        if meta.is_dir() {
            walk(path, &mut files, &mut not_read);
        } else {
            files.insert(path.clone());
        }
    }
    Ok((files.into_iter().collect(), not_read.into_iter().collect()))
}

/// Word's owner files (`~$protokoll.docx`), LibreOffice's (`.~lock.…#`, hidden anyway) and
/// editors' backups and temp files: never documents.
fn is_lock_or_temp(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with("~$")
        || name.starts_with('~')
        || name.ends_with('~')
        || lower.ends_with(".tmp")
        || lower.ends_with(".temp")
        || lower.ends_with(".bak")
        || lower.ends_with(".crdownload")
        || lower.ends_with(".part")
}

fn walk(dir: &Path, out: &mut BTreeSet<PathBuf>, not_read: &mut BTreeSet<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        // symlink_metadata: do not follow links into loops.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        if meta.is_dir() {
            walk(&path, out, not_read);
        } else if is_lock_or_temp(&name) {
            continue;
        } else if format_of(&path).is_some() {
            // A FIFO or device among them is kept, so that the import says it skipped it.
            out.insert(path);
        } else if meta.is_file() {
            not_read.insert(path);
        }
    }
}

/// The largest JSON, JSON Lines or CSV file read (each is read whole): 1,000,000 generated
/// protocols are 904 MB of JSON Lines.
pub const MAX_TEXT_FILE_BYTES: u64 = 4 * 1024 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    JsonLines,
    Csv,
    Xlsx,
    Ods,
    Docx,
    Pdf,
}

impl Format {
    /// The format by its usual extension: in reports (`documents[].format`) and for the
    /// guarded readers.
    fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::JsonLines => "jsonl",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Ods => "ods",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "json" => Some(Format::Json),
        "jsonl" | "ndjson" => Some(Format::JsonLines),
        "csv" => Some(Format::Csv),
        "xlsx" => Some(Format::Xlsx),
        "ods" => Some(Format::Ods),
        "docx" => Some(Format::Docx),
        "pdf" => Some(Format::Pdf),
        _ => None,
    }
}

/// Imports files and folders. Errors only when the import cannot run; bad files and records are
/// in the report.
///
/// Two threads: one reads, parses and normalises files into batches, the other (the caller's)
/// writes them, so both cores work. The channel between them is bounded, so memory stays flat.
pub fn import_paths(
    store: &Store,
    catalogue: &Catalogue,
    paths: &[PathBuf],
    options: ImportOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<ImportReport, ImportError> {
    let (files, not_read) = collect(paths)?;
    let labels = options
        .labels
        .clone()
        .unwrap_or_else(|| std::sync::Arc::new(document::labels::Labels::built_in()));
    let pseudonymiser = store.pseudonymiser()?;
    let start = Progress {
        bytes_total: files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum(),
        files_total: files.len(),
        ..Progress::default()
    };
    progress(&start);
    let redact = options.redact;
    let update = options.update;
    let vocabulary = catalogue.vocabulary();
    let mut writer = Writer {
        store,
        catalogue,
        options,
        report: ImportReport::default(),
        waiting_candidates: BTreeMap::new(),
        now: crate::time::now_utc(),
    };
    #[allow(clippy::type_complexity)]
    let read_report = std::thread::scope(
        |scope| -> Result<(Result<(), ImportError>, ImportReport), ImportError> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Chunk>(4);
            let reader = scope.spawn(move || {
                let mut reader = Reader {
                    store,
                    update,
                    vocabulary: &vocabulary,
                    catalogue,
                    labels: &labels,
                    pseudonymiser: &pseudonymiser,
                    redact,
                    report: ImportReport::default(),
                    batch: Vec::with_capacity(BATCH_SIZE),
                    flags: Vec::with_capacity(BATCH_SIZE),
                    progress: start,
                    tx,
                };
                let mut writing = true;
                for file in &files {
                    if !reader.read_file(file) {
                        writing = false; // the writer stopped
                        break;
                    }
                }
                if writing {
                    reader.send();
                }
                reader.report
            });
            let mut result = Ok(());
            for chunk in rx.iter() {
                if let Err(e) = writer.write(chunk.batch, chunk.flags) {
                    result = Err(e);
                    break;
                }
                progress(&chunk.progress);
            }
            // Dropping the receiver stops a reader still sending after a write error.
            drop(rx);
            let report = match reader.join() {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            Ok((result, report))
        },
    )?;
    let (result, read_report) = read_report;
    if let Err(e) = result {
        let source = match e {
            ImportError::Store(source) => source,
            other => return Err(other),
        };
        let mut stored = writer.report;
        stored.files_read = read_report.files_read;
        stored.files_skipped = read_report.files_skipped;
        stored.rejected = read_report.rejected;
        return Err(ImportError::Interrupted {
            source,
            stored: Box::new(stored),
        });
    }
    writer.count_waiting()?;
    let mut report = writer.report;
    report.files_read = read_report.files_read;
    report.files_skipped = read_report.files_skipped;
    report.rejected = read_report.rejected;
    report.unknown_fields = read_report.unknown_fields;
    report.encodings = read_report.encodings;
    report.documents = read_report.documents;
    // Documents recognised by their bytes: their records were not read again.
    report.protocols.unchanged += read_report.protocols.unchanged;
    report.complaints.unchanged += read_report.complaints.unchanged;
    report.files_not_read = not_read.iter().map(|p| p.display().to_string()).collect();
    Ok(report)
}

/// A batch of normalised records on its way to the writer, and how far reading had come.
struct Chunk {
    batch: Vec<(String, Incoming)>,
    /// The quality flags of each protocol in `batch`, in order.
    flags: Vec<Vec<Flag>>,
    progress: Progress,
}

/// The reading side: files → normalised records, rejects and unknown fields.
struct Reader<'a> {
    /// Only to recognise documents imported before.
    store: &'a Store,
    /// `--update`: documents imported before are read again (a new label file may read more).
    update: bool,
    /// The catalogue's words, to mend words a PDF broke across a narrow column.
    vocabulary: &'a std::collections::HashSet<String>,
    catalogue: &'a Catalogue,
    labels: &'a std::sync::Arc<document::labels::Labels>,
    pseudonymiser: &'a crate::privacy::Pseudonymiser,
    redact: bool,
    report: ImportReport,
    batch: Vec<(String, Incoming)>,
    flags: Vec<Vec<Flag>>,
    progress: Progress,
    tx: std::sync::mpsc::SyncSender<Chunk>,
}

impl Reader<'_> {
    /// Reads one file. False when the writer has gone away.
    fn read_file(&mut self, path: &Path) -> bool {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let file_start = self.progress.bytes_done;
        let ok = self.read_records(path);
        self.progress.bytes_done = file_start + size;
        self.progress.files_done += 1;
        // Batches span files: a folder of 20,000 one-protocol files was 20,000 batches, each
        // flushed (45 s and a 1.5 GB store, against 0.77 s and 31 MB as one file).
        ok && (self.batch.len() < BATCH_SIZE || self.send())
    }

    fn skip(&mut self, name: &str, e: FileError) {
        self.report.files_skipped.push(SkippedFile {
            file: name.to_string(),
            message: text::file_error(&e),
        });
    }

    fn read_records(&mut self, path: &Path) -> bool {
        let name = path.display().to_string();
        let meta = std::fs::metadata(path);
        // Never opened: reading a FIFO or a device could block for ever.
        if let Some(what) = meta
            .as_ref()
            .ok()
            .and_then(crate::output_file::not_ordinary)
        {
            self.skip(&name, FileError::NotAFile { what });
            return true;
        }
        let Some(format) = format_of(path) else {
            self.skip(&name, FileError::UnsupportedType);
            return true;
        };
        match meta {
            Ok(meta)
                if meta.len() > MAX_TEXT_FILE_BYTES
                    && matches!(format, Format::Json | Format::JsonLines | Format::Csv) =>
            {
                self.skip(&name, FileError::TooLarge { bytes: meta.len() });
                return true;
            }
            _ => {}
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                self.skip(&name, FileError::Io(crate::io_text::io_error(&e)));
                return true;
            }
        };
        if matches!(format, Format::Docx | Format::Pdf) {
            return self.read_document(&name, bytes, format);
        }
        let content;
        let records = match format {
            Format::Docx | Format::Pdf => unreachable!("documents are read above"),
            Format::Xlsx | Format::Ods => {
                let ods = format == Format::Ods;
                let read: document::Reader<spreadsheet::Sheet> =
                    Box::new(move |b: &[u8]| spreadsheet::read(b, ods));
                document::read_guarded(bytes, read, format.name())
                    .map_err(FileError::Document)
                    .and_then(spreadsheet::records)
                    .map(|rows| -> Records<'_> { Box::new(rows.into_iter()) })
            }
            Format::Json | Format::JsonLines | Format::Csv => {
                match encoding::decode(bytes) {
                    Ok(decoded) => {
                        if let Some(encoding) = decoded.encoding {
                            self.report.encodings.push(FileEncoding {
                                file: name.clone(),
                                encoding: encoding.to_string(),
                            });
                        }
                        content = decoded.text;
                    }
                    Err(e) => {
                        self.skip(&name, e);
                        return true;
                    }
                }
                let content = content.strip_prefix('\u{feff}').unwrap_or(&content);
                match format {
                    Format::Json => json::read(content),
                    Format::JsonLines => Ok(jsonl::read(content)),
                    _ => csv::read(content),
                }
            }
        };
        let records = match records {
            Ok(r) => r,
            Err(e) => {
                self.skip(&name, e);
                return true;
            }
        };
        self.report.files_read += 1;
        let textual = matches!(format, Format::Csv | Format::Xlsx | Format::Ods);
        let mut unknown = BTreeSet::new();
        let file_start = self.progress.bytes_done;
        for raw in records {
            self.progress.bytes_done = file_start + raw.offset as u64;
            let source = location(&name, raw.line, raw.index);
            let reject = |field: Option<String>, message: String| Rejected {
                file: name.clone(),
                line: raw.line,
                record: raw.index,
                field,
                message,
            };
            let value = match raw.value {
                Ok(v) => v,
                Err(Unreadable::Syntax(message)) => {
                    self.report
                        .rejected
                        .push(reject(None, text::syntax_error(&message, textual)));
                    continue;
                }
                Err(Unreadable::TooLarge { bytes }) => {
                    self.report
                        .rejected
                        .push(reject(None, text::record_too_large(bytes)));
                    continue;
                }
            };
            // A spreadsheet row or CSV row is only measured once read.
            let bytes = record::value_bytes(&value);
            if bytes > record::MAX_RECORD_BYTES {
                self.report
                    .rejected
                    .push(reject(None, text::record_too_large(bytes)));
                continue;
            }
            match record::normalise(&value, self.catalogue, textual) {
                Err(FieldProblem { field, problem }) => {
                    let field = (!field.is_empty()).then_some(field);
                    self.report
                        .rejected
                        .push(reject(field, text::problem(&problem)));
                }
                Ok(n) => {
                    unknown.extend(n.unknown_fields);
                    self.accept(n.record, n.identity, source);
                }
            }
            self.progress.records += 1;
            if self.batch.len() >= BATCH_SIZE && !self.send() {
                return false;
            }
        }
        if !unknown.is_empty() {
            self.report.unknown_fields.push(UnknownFields {
                file: name,
                // A field's name is echoed in the summary and the report: masked like any text.
                fields: unknown
                    .into_iter()
                    .map(|f| crate::privacy::mask(&f).into_owned())
                    .collect(),
            });
        }
        true
    }

    /// Reads one Word or PDF document into one record (protocol or complaint letter).
    fn read_document(&mut self, name: &str, bytes: Vec<u8>, format: Format) -> bool {
        use document::{convert, fields};
        let sha256 = {
            use sha2::Digest;
            crate::audit::hex(&sha2::Sha256::digest(&bytes))
        };
        if !self.update {
            match self.store.document(&sha256) {
                Ok(Some(known)) => {
                    self.known_document(name, format, sha256, known);
                    return true;
                }
                Ok(None) => {}
                Err(e) => {
                    self.skip(name, FileError::Io(e.to_string()));
                    return true;
                }
            }
        }
        let size = bytes.len() as u64;
        // Shared with the reader's thread, not copied per document.
        let labels = std::sync::Arc::clone(self.labels);
        let format_name = format.name();
        let read: document::Reader = match format {
            Format::Docx => Box::new(|b: &[u8]| document::docx::read(b)),
            _ => Box::new(move |b: &[u8]| document::pdf::read_with(b, &labels)),
        };
        let doc = match document::read_guarded(bytes, read, format_name) {
            Ok(d) => d,
            Err(e) => {
                self.skip(name, FileError::Document(e));
                return true;
            }
        };
        let reading = fields::extract(&doc, self.labels);
        let converted = match convert::convert(&reading) {
            Ok(c) => c,
            Err(e) => {
                self.skip(name, FileError::Document(e));
                return true;
            }
        };
        self.report.files_read += 1;
        let mut to_check: Vec<ToCheck> = Vec::new();
        for field in &converted.to_check {
            let reason = reading
                .doubts
                .iter()
                .find(|d| &d.field == field)
                .map_or(text::document::MISSING_REASON, |d| {
                    text::document::doubt(&d.doubt)
                });
            to_check.push(ToCheck {
                field: field.clone(),
                reason: reason.to_string(),
            });
        }
        let mut value = converted.value;
        if format == Format::Pdf {
            convert::mend_broken_words(&mut value, self.vocabulary);
        }
        // A value that cannot be read (a time in no known form, a choice that is none of the
        // choices) is left out and named for checking, so the rest of the protocol still lands.
        let normalised = loop {
            match record::normalise(&value, self.catalogue, false) {
                Ok(n) => break n,
                Err(FieldProblem { field, problem }) => {
                    match convert::drop_field(&mut value, &field) {
                        Some(canonical) if to_check.len() < 64 => to_check.push(ToCheck {
                            field: canonical,
                            reason: text::problem(&problem),
                        }),
                        _ => {
                            let field = (!field.is_empty()).then_some(field);
                            self.report.rejected.push(Rejected {
                                file: name.to_string(),
                                line: None,
                                record: None,
                                field,
                                message: text::problem(&problem),
                            });
                            return true;
                        }
                    }
                }
            }
        };
        let mut record = normalised.record;
        // A hjemmel or tiltak the catalogue does not know is, in a document, as likely misread
        // as miswritten: named for checking as well as flagged.
        if let Record::Protocol(p, _) = &record {
            for m in &p.measures {
                let unknown_provision = m.provision != convert::MISSING
                    && self.catalogue.resolve_provision(&m.provision).is_none();
                let unknown_kind = m
                    .kind
                    .as_deref()
                    .filter(|k| self.catalogue.kind(k).is_none());
                for (field, value) in [
                    (
                        "provision",
                        unknown_provision.then_some(m.provision.as_str()),
                    ),
                    ("kind", unknown_kind),
                ] {
                    if let (Some(value), false) = (value, to_check.iter().any(|c| c.field == field))
                    {
                        to_check.push(ToCheck {
                            field: field.into(),
                            reason: text::document::not_understood(value),
                        });
                    }
                }
            }
        }
        if converted.made_id {
            to_check.push(ToCheck {
                field: if converted.complaint {
                    "complaint_id"
                } else {
                    "protocol_id"
                }
                .into(),
                reason: text::document::MADE_ID_REASON.into(),
            });
        }
        let identity = normalised.identity;
        let source = self.source_document(
            name,
            size,
            format_name,
            &sha256,
            &doc,
            &reading,
            &record,
            identity.as_ref(),
            &to_check,
        );
        let (kind, id) = match &mut record {
            Record::Protocol(p, _) => {
                for c in &to_check {
                    if !p.reading_to_check.contains(&c.field) {
                        p.reading_to_check.push(c.field.clone());
                    }
                }
                p.help_text_left = reading.help_text.clone();
                ("protocol", p.protocol_id.clone())
            }
            Record::Complaint(c) => ("complaint", c.complaint_id.clone()),
        };
        self.report.documents.push(DocumentSummary {
            file: name.to_string(),
            format: format_name,
            sha256,
            kind,
            id,
            made_id: converted.made_id,
            to_check,
            help_text: reading.help_text.clone(),
            unknown_labels: reading.unknown_labels.clone(),
            imported_before: false,
        });
        self.accept(record, identity, name.to_string());
        self.batch
            .push((name.to_string(), Incoming::document(source)));
        self.progress.records += 1;
        self.batch.len() < BATCH_SIZE || self.send()
    }

    /// A document imported before, recognised by its bytes: its record is counted unchanged and
    /// not read again.
    fn known_document(
        &mut self,
        name: &str,
        format: Format,
        sha256: String,
        known: crate::model::SourceDocument,
    ) {
        self.report.files_read += 1;
        if known.complaint {
            self.report.complaints.unchanged += 1;
        } else {
            self.report.protocols.unchanged += 1;
        }
        self.report.documents.push(DocumentSummary {
            file: name.to_string(),
            format: format.name(),
            sha256,
            kind: if known.complaint {
                "complaint"
            } else {
                "protocol"
            },
            id: known.id,
            made_id: false,
            to_check: Vec::new(),
            help_text: Vec::new(),
            unknown_labels: Vec::new(),
            imported_before: true,
        });
        self.progress.records += 1;
    }

    /// What the store keeps of a document: its text and where each field was read, with the
    /// child's name as initials and fødselsnummer masked (or removed with `--redact`), as on
    /// the record.
    #[allow(clippy::too_many_arguments)]
    fn source_document(
        &self,
        name: &str,
        size: u64,
        format: &str,
        sha256: &str,
        doc: &document::Doc,
        reading: &document::fields::Reading,
        record: &Record,
        identity: Option<&ChildIdentity>,
        to_check: &[ToCheck],
    ) -> crate::model::SourceDocument {
        let child_name = identity.and_then(|i| i.name.as_deref());
        let protect = |text: &str| -> String {
            let named = match child_name {
                Some(n) => crate::privacy::replace_name(text, n),
                None => text.to_string(),
            };
            if self.redact {
                crate::privacy::redact(&named).into_owned()
            } else {
                crate::privacy::mask(&named).into_owned()
            }
        };
        let (complaint, key) = match record {
            Record::Protocol(p, _) => (false, p.key()),
            Record::Complaint(c) => (true, c.key()),
        };
        crate::model::SourceDocument {
            sha256: sha256.to_string(),
            file: protect(name),
            size,
            format: format.to_string(),
            complaint,
            institution: key.institution,
            id: key.id,
            imported_at: crate::time::now_utc(),
            text: protect(&doc.text()),
            fields: reading
                .fields
                .iter()
                .map(|f| crate::model::FieldSource {
                    field: f.field.clone(),
                    label: f.label.clone(),
                    at: f.at,
                    value: protect(&f.value),
                })
                .collect(),
            to_check: to_check
                .iter()
                .map(|c| (c.field.clone(), c.reason.clone()))
                .collect(),
        }
    }

    /// A normalised record into the batch: the child's identity made a pseudonym, numbers
    /// redacted when asked, quality flags worked out here, off the writer thread.
    fn accept(&mut self, record: Record, identity: Option<ChildIdentity>, source: String) {
        let mut record = record;
        if let (Record::Protocol(p, _), Some(id)) = (&mut record, &identity) {
            apply_identity(p, id, self.pseudonymiser);
        }
        if self.redact {
            match &mut record {
                Record::Protocol(p, embedded) => {
                    crate::privacy::redact_protocol(p);
                    if let Some(c) = embedded {
                        crate::privacy::redact_complaint(c);
                    }
                }
                Record::Complaint(c) => {
                    crate::privacy::redact_complaint(c);
                }
            }
        }
        match record {
            Record::Protocol(p, embedded) => {
                self.flags.push(quality_flags(&*p, self.catalogue));
                self.batch.push((source.clone(), Incoming::protocol(*p)));
                if let Some(c) = embedded {
                    self.batch.push((source, Incoming::complaint(c)));
                }
            }
            Record::Complaint(c) => self.batch.push((source, Incoming::complaint(c))),
        }
    }

    /// Hands the pending batch (possibly empty, to report progress) to the writer.
    fn send(&mut self) -> bool {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH_SIZE));
        let flags = std::mem::replace(&mut self.flags, Vec::with_capacity(BATCH_SIZE));
        self.tx
            .send(Chunk {
                batch,
                flags,
                progress: self.progress,
            })
            .is_ok()
    }
}

/// The writing side: batches → store, counting outcomes.
struct Writer<'a> {
    store: &'a Store,
    catalogue: &'a Catalogue,
    options: ImportOptions,
    report: ImportReport,
    /// Complaints seen in this import, to check at the end whether their protocol is stored.
    waiting_candidates: BTreeMap<RecordKey, Complaint>,
    now: chrono::DateTime<chrono::Utc>,
}

impl Writer<'_> {
    fn write(
        &mut self,
        batch: Vec<(String, Incoming)>,
        flags: Vec<Vec<Flag>>,
    ) -> Result<(), ImportError> {
        if batch.is_empty() {
            return Ok(());
        }
        let outcomes = self.store.write_batch(
            &batch,
            self.options.update,
            self.catalogue,
            self.now,
            &self.options.author,
        )?;
        let mut flags = flags.into_iter();
        for ((source, item), outcome) in batch.into_iter().zip(outcomes) {
            let (kind, institution, id) = match item {
                Incoming::Protocol(p, _, _) => {
                    self.report.protocols.add(&outcome);
                    let protocol_flags = flags.next().unwrap_or_default();
                    if matches!(outcome, WriteOutcome::New | WriteOutcome::Updated { .. }) {
                        for flag in protocol_flags {
                            *self.report.flags.entry(flag).or_default() += 1;
                        }
                    }
                    ("protocol", p.institution, p.protocol_id)
                }
                // Counted with the record read from it.
                Incoming::Document(..) => continue,
                Incoming::Complaint(c, _) => {
                    self.report.complaints.add(&outcome);
                    let shown = (
                        "complaint",
                        c.institution
                            .clone()
                            .or_else(|| c.institution_id.clone())
                            .unwrap_or_default(),
                        c.complaint_id.clone(),
                    );
                    self.waiting_candidates.insert(c.key(), c);
                    shown
                }
            };
            if let WriteOutcome::Conflict { fields } | WriteOutcome::Updated { fields, .. } =
                &outcome
            {
                self.report.conflicts.push(Conflict {
                    source,
                    kind,
                    institution,
                    id,
                    fields: fields.clone(),
                    updated: matches!(outcome, WriteOutcome::Updated { .. }),
                });
            }
        }
        Ok(())
    }

    fn count_waiting(&mut self) -> Result<(), ImportError> {
        for c in self.waiting_candidates.values() {
            if self.store.protocol_for_complaint(c)?.is_none() {
                self.report.complaints_waiting += 1;
            }
        }
        Ok(())
    }
}

fn location(file: &str, line: Option<usize>, index: Option<usize>) -> String {
    match (line, index) {
        (Some(line), _) => format!("{file}:{line}"),
        (None, Some(i)) => format!("{file}#{i}"),
        (None, None) => file.to_string(),
    }
}

/// The child's identity on a protocol: a keyed pseudonym for `child_ref` when the record gave
/// none (so one child is one child across Word, PDF and JSON), and the name, wherever the texts
/// use it, as initials. The name and number themselves are not stored on the protocol.
fn apply_identity(
    p: &mut crate::model::Protocol,
    id: &ChildIdentity,
    key: &crate::privacy::Pseudonymiser,
) {
    if p.child_ref.is_none() {
        p.child_ref = id.pseudonym_source().map(|source| key.child(&source));
    }
    if let Some(name) = &id.name {
        for text in [
            &mut p.danger,
            &mut p.justification,
            &mut p.execution,
            &mut p.injury_note,
            &mut p.child_statement,
        ]
        .into_iter()
        .flatten()
        {
            *text = crate::privacy::replace_name(text, name);
        }
    }
}

/// Whether a field read from a document can be corrected in its protocol: not what
/// identifies the protocol, not the child (never stored), not a complaint letter's fields.
pub fn correctable_field(field: &str) -> bool {
    const NOT_CORRECTED: [&str; 11] = [
        "institution",
        "institution_id",
        "protocol_id",
        "child_name",
        "child_national_id",
        "child_birth_date",
        "child_ref",
        "complaint_protocol_id",
        "complaint_id",
        "complainant",
        "text",
    ];
    document::labels::FIELDS.contains(&field) && !NOT_CORRECTED.contains(&field)
}

/// A protocol with one field as the inspector corrected it after checking a document (`text`:
/// what the document says; `None` or empty: the field left out), through the same normaliser
/// as an import, so the value is read as it would have been. `Ok(None)`: the field is not one
/// the record holds on its own (identity fields, the child, the measures of a protocol with
/// several). For [`crate::store::Store::apply_changes_correcting`].
pub fn corrected_protocol(
    p: &crate::model::Protocol,
    field: &str,
    text: Option<&str>,
    catalogue: &Catalogue,
) -> Result<Option<crate::model::Protocol>, String> {
    use document::labels::MEASURE_FIELDS;
    // A document's «Sendt statsforvalteren» is the record's received_at.
    let field = if field == "sent" {
        "received_at"
    } else {
        field
    };
    let mut value = serde_json::to_value(p).map_err(|e| e.to_string())?;
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    let target = if !correctable_field(field) {
        return Ok(None);
    } else if !MEASURE_FIELDS.contains(&field) {
        value.as_object_mut()
    } else {
        match value.get_mut("measures").and_then(|m| m.as_array_mut()) {
            Some(measures) if measures.len() == 1 => measures[0].as_object_mut(),
            _ => return Ok(None),
        }
    };
    let Some(target) = target else {
        return Ok(None);
    };
    match text {
        Some(t) => target.insert(field.to_string(), serde_json::Value::String(t.to_string())),
        None => target.remove(field),
    };
    match record::normalise(&value, catalogue, false) {
        Ok(record::Normalised {
            record: Record::Protocol(mut corrected, _),
            ..
        }) => {
            // What the import noted about the reading stays as it was.
            corrected.reading_to_check = p.reading_to_check.clone();
            corrected.help_text_left = p.help_text_left.clone();
            Ok(Some(*corrected))
        }
        Ok(_) => Ok(None),
        // `measures[0].ended_at` by the field's own name.
        Err(FieldProblem { field, problem }) => Err(format!(
            "{}: {}",
            text::document::field_name(field.rsplit('.').next().unwrap_or(&field)),
            text::problem(&problem)
        )),
    }
}

#[cfg(test)]
mod correction_tests {
    use super::*;

    fn protocol(measures: usize) -> crate::model::Protocol {
        let data = crate::generate::generate(&crate::generate::GenerateOptions {
            protocols: 60,
            seed: 3,
            first_year: 2025,
            last_year: 2025,
        });
        data.protocols
            .into_iter()
            .find(|p| p.measures.len() == measures)
            .expect("such a protocol")
    }

    #[test]
    fn a_corrected_field_is_read_as_an_import_reads_it() {
        let c = Catalogue::built_in();
        let p = protocol(1);
        let staff = corrected_protocol(&p, "staff_involved", Some("3"), &c)
            .unwrap()
            .unwrap();
        assert_eq!(staff.staff_involved, Some(3));
        // The start as the document writes it (`2. mars 2025 kl. 10.15`) is the same instant.
        let written = crate::generate_documents::written_time(&p.measures[0].started_at);
        let started = corrected_protocol(&p, "started_at", Some(&written), &c)
            .unwrap()
            .unwrap();
        assert_eq!(started.measures, p.measures);
        let late = corrected_protocol(&p, "started_at", Some("01.01.2030 10:00"), &c).unwrap_err();
        assert!(late.starts_with("slutt"), "{late}");
        // «Sendt statsforvalteren» is received_at; an empty text leaves the field out.
        let sent = corrected_protocol(&p, "sent", Some("05.03.2025"), &c)
            .unwrap()
            .unwrap();
        assert_eq!(
            sent.received_at.map(|d| d.oslo_date().to_string()),
            Some("2025-03-05".into())
        );
        let cleared = corrected_protocol(&p, "injury_note", None, &c)
            .unwrap()
            .unwrap();
        assert_eq!(cleared.injury_note, None);
        // Nothing else changes.
        let same = corrected_protocol(&p, "police", None, &c).unwrap().unwrap();
        assert_eq!(same.measures, p.measures);
        assert_eq!(same.danger, p.danger);
        // Not a value: refused with the field's name.
        let refused = corrected_protocol(&p, "staff_involved", Some("mange"), &c).unwrap_err();
        assert!(refused.starts_with("antall ansatte"), "{refused}");
        // Identity, and the measures of a protocol with several, are not corrected this way.
        assert!(corrected_protocol(&p, "protocol_id", Some("X"), &c)
            .unwrap()
            .is_none());
        let several = protocol(2);
        assert!(
            corrected_protocol(&several, "provision", Some("bvl § 10-8"), &c)
                .unwrap()
                .is_none()
        );
    }
}
