//! Protocols and complaints as institutions send them: Word (`.docx`) and PDF documents.
//!
//! A document is first read into its own structure ([`Doc`]: paragraphs with their runs, tables
//! with their rows and cells), by [`docx`] from the Word XML or by [`pdf`] from the positions of
//! the characters on each page. [`fields`] then finds the labels of [`labels`] in that structure
//! (label | value tables, `Label: value` paragraphs, a label paragraph with the value below it,
//! a measures table, check boxes), and turns what it read into a record of the import format, so
//! that a document and a JSON record meet the same normaliser ([`super::record`]) and the same
//! rules. What could not be read, or only uncertainly, is listed on the protocol
//! (`reading_to_check`) instead of stopping it: the gap is itself a finding.

pub mod convert;
pub mod docx;
pub mod fields;
pub mod labels;
pub mod pdf;
pub mod text;

use std::time::Duration;

/// The largest document tvang reads (larger files are refused with their own message: real
/// protocols are a few hundred kilobytes).
pub const MAX_DOCUMENT_BYTES: u64 = 20 * 1024 * 1024;

/// The longest one document may take to read; a file that takes longer is refused, so one bad
/// file cannot hold up a folder.
pub const MAX_READ_TIME: Duration = Duration::from_secs(10);

pub use crate::model::Location;

/// A stretch of text with one look: text in Bufdir's blue help colour is not a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub help: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Para {
    pub runs: Vec<Run>,
    /// A heading style, or every run bold: a label paragraph when it matches a label.
    pub heading: bool,
    pub at: Location,
}

impl Para {
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    /// The text without help-coloured runs.
    pub fn value_text(&self) -> String {
        self.runs
            .iter()
            .filter(|r| !r.help)
            .map(|r| r.text.as_str())
            .collect()
    }

    /// Some text, and all of it in the help colour.
    pub fn all_help(&self) -> bool {
        self.runs
            .iter()
            .any(|r| r.help && !r.text.trim().is_empty())
            && self.runs.iter().all(|r| r.help || r.text.trim().is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub blocks: Vec<Block>,
}

impl Cell {
    /// Every paragraph of the cell, nested tables included, in reading order.
    pub fn paragraphs(&self) -> Vec<&Para> {
        let mut out = Vec::new();
        for b in &self.blocks {
            b.collect_paragraphs(&mut out);
        }
        out
    }

    pub fn text(&self) -> String {
        join_paragraphs(self.paragraphs().iter().map(|p| p.text()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub at: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Para(Para),
    Table(Table),
}

impl Block {
    fn collect_paragraphs<'a>(&'a self, out: &mut Vec<&'a Para>) {
        match self {
            Block::Para(p) => out.push(p),
            Block::Table(t) => {
                for row in &t.rows {
                    for cell in &row.cells {
                        for b in &cell.blocks {
                            b.collect_paragraphs(out);
                        }
                    }
                }
            }
        }
    }
}

/// A document as read, before any label is looked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    pub blocks: Vec<Block>,
    /// PDF: the number of pages (Word: 0, pages are the word processor's business).
    pub pages: usize,
}

impl Doc {
    /// The document's text, paragraph by paragraph, table cells separated by tabs: what the
    /// store keeps to show beside the record.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            write_block(b, &mut out);
        }
        out
    }
}

fn write_block(b: &Block, out: &mut String) {
    match b {
        Block::Para(p) => {
            out.push_str(p.text().trim_end());
            out.push('\n');
        }
        Block::Table(t) => {
            for row in &t.rows {
                let cells: Vec<String> = row
                    .cells
                    .iter()
                    .map(|c| c.text().replace('\n', " / "))
                    .collect();
                out.push_str(&cells.join("\t"));
                out.push('\n');
            }
        }
    }
}

/// Paragraph texts as one value: white space (line breaks included) collapsed to one space.
/// Word and a PDF printed from it break lines in different places; collapsing makes the same
/// protocol read from both the same record.
pub fn join_paragraphs(paragraphs: impl IntoIterator<Item = String>) -> String {
    let mut out = String::new();
    for p in paragraphs {
        for word in p.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// Why a document could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// Not a zip archive (a `.docx` is one): the first bytes say what it is instead.
    NotZip {
        looks_like: Option<&'static str>,
    },
    /// A zip archive that ends early or is damaged.
    BrokenZip(String),
    /// An encrypted Word document (a password-protected `.docx` is a compound file).
    Encrypted,
    /// A zip without `word/document.xml`.
    NotWord,
    /// The Word XML is not well-formed.
    BadXml {
        part: String,
        message: String,
    },
    /// Not a PDF, or a PDF whose structure cannot be read.
    BadPdf(String),
    /// A password-protected PDF.
    EncryptedPdf,
    /// A PDF with no text layer (a scan): tvang does no OCR.
    NoText {
        pages: usize,
    },
    TooLarge {
        bytes: u64,
    },
    TooSlow,
    /// A spreadsheet (`.xlsx`, `.ods`) that cannot be read.
    BadSpreadsheet(String),
    /// A password-protected `.xlsx` (an encrypted compound file), or the old `.xls`.
    EncryptedSpreadsheet,
    /// A spreadsheet with no sheet that holds data.
    EmptySpreadsheet,
    /// The document was read, but nothing in it is a protocol or complaint field.
    NoFields,
    /// A protocol with no time or date anywhere: it cannot be placed in time.
    Undated,
}

/// A document reader, to run on a thread of its own.
pub type Reader<T = Doc> = Box<dyn FnOnce(&[u8]) -> Result<T, DocumentError> + Send>;

/// Reads a document with a time limit, on a thread of its own, so that a file that makes a
/// reader loop or fail unexpectedly is refused with a message instead of stopping the import.
pub fn read_guarded<T: Send + 'static>(
    bytes: Vec<u8>,
    read: Reader<T>,
    what: &'static str,
) -> Result<T, DocumentError> {
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge {
            bytes: bytes.len() as u64,
        });
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("tvang-{what}"))
        .spawn(move || {
            crate::quiet_panics::silence_this_thread();
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(&bytes)));
            let _ = tx.send(result);
        });
    if spawned.is_err() {
        return Err(DocumentError::BadPdf("kunne ikke starte leseren".into()));
    }
    match rx.recv_timeout(MAX_READ_TIME) {
        Ok(Ok(result)) => result,
        // The reader gave up in a way it did not foresee (a panic inside a parser): the file is
        // damaged in a way tvang cannot name more exactly.
        Ok(Err(_)) => Err(match what {
            "pdf" => DocumentError::BadPdf("strukturen kan ikke leses".into()),
            "xlsx" | "ods" => DocumentError::BadSpreadsheet("strukturen kan ikke leses".into()),
            _ => DocumentError::BrokenZip("strukturen kan ikke leses".into()),
        }),
        // Still running: left behind (a thread cannot be stopped from outside); it ends with
        // the process.
        Err(_) => Err(DocumentError::TooSlow),
    }
}

/// What the first bytes of a file say it is, for a message about a file that is not what its
/// name says.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF") {
        Some("PDF")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("OLE")
    } else if bytes.starts_with(b"PK") {
        Some("zip")
    } else if bytes.starts_with(b"{\\rtf") {
        Some("RTF")
    } else {
        None
    }
}
