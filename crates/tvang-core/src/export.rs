//! Export of every protocol and complaint, in the import format, so that export → import into
//! an empty store reproduces the same records (with `--reveal`; by default fødselsnummer in
//! the texts are masked, and `--pseudonymise` replaces children's references and drops free
//! text).

use crate::model::{Complaint, Protocol};
use crate::store::{Store, StoreError};
use serde::Serialize;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Jsonl,
    Json,
    Csv,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    Io(#[from] std::io::Error),
    Store(#[from] StoreError),
    /// CSV separates measure values with `;`, so a value that contains one cannot be written.
    NotCsvSafe {
        record: String,
        field: &'static str,
    },
}

// Not derived: a CSV writer's error is an I/O error of the output (a closed pipe included).
impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        if !e.is_io_error() {
            return ExportError::Io(std::io::Error::other(e));
        }
        // The output's own error (disk full, closed pipe), so that it is shown in words.
        match e.into_kind() {
            csv::ErrorKind::Io(io) => ExportError::Io(io),
            kind => ExportError::Io(std::io::Error::other(format!("{kind:?}"))),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportCounts {
    pub protocols: usize,
    pub complaints: usize,
}

/// The CSV columns: the protocol fields, then the complaint-only fields, then the fields only
/// documents give (at the end, so older CSV files keep their columns). A row with a
/// `complaint_id` is a complaint; `received_at` serves both.
pub const CSV_COLUMNS: &[&str] = &[
    "protocol_id",
    "institution",
    "institution_id",
    "region",
    "child_ref",
    "child_birth_year",
    "placement_basis",
    "provision",
    "kind",
    "started_at",
    "ended_at",
    "danger",
    "justification",
    "decided_by",
    "staff_involved",
    "police",
    "injury",
    "injury_note",
    "child_statement",
    "informed_of_complaint_right",
    "wants_to_complain",
    "written_at",
    "received_at",
    "complaint_id",
    "complainant",
    "text",
    "outcome",
    "decided_at",
    "decision_reasons",
    "unit",
    "execution",
    "reading_to_check",
    "help_text_left",
];

/// Writes a whole file, owner-only, replacing the target only when complete (see
/// [`crate::output_file`]): exports and backups hold personal data about children.
pub fn write_file_atomically<T, E: From<std::io::Error>>(
    path: &std::path::Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<T, E>,
) -> Result<T, E> {
    crate::output_file::write(path, crate::output_file::Existing::Replace, write)
}

/// Who may read an export, and so what it holds of the personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportPrivacy {
    /// As every screen shows them: fødselsnummer masked (the default).
    Masked,
    /// As stored: the inspector asked (`--reveal`), and the audit log says so.
    Revealed,
    /// `child_ref` replaced by a keyed pseudonym ([`crate::privacy::Pseudonymiser`]); free text
    /// (and who decided) dropped unless `with_text`, and then masked.
    Pseudonymised {
        pseudonyms: crate::privacy::Pseudonymiser,
        with_text: bool,
    },
}

impl ExportPrivacy {
    /// How the audit log names this choice.
    pub fn logged(&self) -> crate::audit_text::ExportedPrivacy {
        use crate::audit_text::ExportedPrivacy as Logged;
        match self {
            ExportPrivacy::Masked => Logged::Masked,
            ExportPrivacy::Revealed => Logged::Revealed,
            ExportPrivacy::Pseudonymised { with_text, .. } => Logged::Pseudonymised {
                with_text: *with_text,
            },
        }
    }
}

impl ExportPrivacy {
    fn protocol(&self, mut p: Protocol) -> Protocol {
        match self {
            ExportPrivacy::Masked => {
                crate::privacy::mask_protocol(&mut p);
            }
            ExportPrivacy::Revealed => {}
            ExportPrivacy::Pseudonymised {
                pseudonyms,
                with_text,
            } => {
                p.child_ref = p.child_ref.as_deref().map(|c| pseudonyms.of(c));
                if !with_text {
                    for field in [
                        &mut p.danger,
                        &mut p.justification,
                        &mut p.execution,
                        &mut p.injury_note,
                        &mut p.child_statement,
                        &mut p.decided_by,
                    ] {
                        *field = None;
                    }
                }
                crate::privacy::mask_protocol(&mut p);
            }
        }
        p
    }

    fn complaint(&self, mut c: Complaint) -> Complaint {
        match self {
            ExportPrivacy::Revealed => {}
            ExportPrivacy::Pseudonymised {
                with_text: false, ..
            } => {
                c.text = None;
                c.decided_by = None;
                c.decision_reasons = None;
            }
            _ => {
                crate::privacy::mask_complaint(&mut c);
            }
        }
        c
    }
}

pub fn export(
    store: &Store,
    format: ExportFormat,
    privacy: &ExportPrivacy,
    out: &mut dyn Write,
) -> Result<ExportCounts, ExportError> {
    let mut counts = ExportCounts::default();
    // Read as stored, then made as private as the export asks: one place decides.
    let protocols = || {
        store
            .protocols_unmasked()
            .map(|p| p.map(|p| privacy.protocol(p.protocol)))
    };
    // Each complaint as decided: the inspector's decision over the imported one.
    let reviews = store.reviews(crate::review::RecordKind::Complaint)?;
    let decisions = crate::decision::decisions(store, &reviews)?;
    let complaints = || {
        store.complaints_unmasked().map(|c| {
            c.map(|c| {
                let (recorded, review) = (decisions.get(&c.id).copied(), reviews.get(&c.id));
                privacy.complaint(crate::decision::as_decided(c, recorded, review).complaint)
            })
        })
    };
    match format {
        ExportFormat::Jsonl => {
            for p in protocols() {
                write_json_line(out, &p?)?;
                counts.protocols += 1;
            }
            for c in complaints() {
                write_json_line(out, &c?)?;
                counts.complaints += 1;
            }
        }
        ExportFormat::Json => {
            out.write_all(b"[")?;
            let mut first = true;
            let mut item = |out: &mut dyn Write, v: &dyn erased::Json| -> std::io::Result<()> {
                out.write_all(if first { b"\n  " } else { b",\n  " })?;
                first = false;
                v.write(out)
            };
            for p in protocols() {
                item(out, &p?)?;
                counts.protocols += 1;
            }
            for c in complaints() {
                item(out, &c?)?;
                counts.complaints += 1;
            }
            out.write_all(b"\n]\n")?;
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(CSV_COLUMNS)?;
            for p in protocols() {
                w.write_record(protocol_row(&p?)?)?;
                counts.protocols += 1;
            }
            for c in complaints() {
                w.write_record(complaint_row(&c?))?;
                counts.complaints += 1;
            }
            w.flush()?;
        }
    }
    out.flush()?;
    Ok(counts)
}

mod erased {
    /// Lets the JSON writer take protocols and complaints alike.
    pub trait Json {
        fn write(&self, out: &mut dyn std::io::Write) -> std::io::Result<()>;
    }
    impl<T: serde::Serialize> Json for T {
        fn write(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
            serde_json::to_writer(out, self).map_err(std::io::Error::from)
        }
    }
}

fn write_json_line<T: Serialize>(out: &mut dyn Write, v: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, v).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// A serde value as CSV text: strings bare, enums by their snake_case name, numbers and
/// booleans as JSON writes them, absent as empty.
fn cell<T: Serialize>(v: &Option<T>) -> String {
    match v.as_ref().map(serde_json::to_value) {
        Some(Ok(serde_json::Value::String(s))) => s,
        Some(Ok(other)) => other.to_string(),
        _ => String::new(),
    }
}

fn protocol_row(p: &Protocol) -> Result<Vec<String>, ExportError> {
    let joined = |field: &'static str, values: Vec<String>| -> Result<String, ExportError> {
        if values.iter().any(|v| v.contains(';')) {
            return Err(ExportError::NotCsvSafe {
                record: format!("{}/{}", p.institution, p.protocol_id),
                field,
            });
        }
        Ok(values.join(";"))
    };
    let m = &p.measures;
    let provision = joined("provision", m.iter().map(|m| m.provision.clone()).collect())?;
    let kind = joined("kind", m.iter().map(|m| cell(&m.kind)).collect())?;
    let started = joined(
        "started_at",
        m.iter().map(|m| cell(&Some(m.started_at))).collect(),
    )?;
    let ended = joined("ended_at", m.iter().map(|m| cell(&m.ended_at)).collect())?;
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    let mut row = vec![
        p.protocol_id.clone(),
        p.institution.clone(),
        text(&p.institution_id),
        text(&p.region),
        text(&p.child_ref),
        cell(&p.child_birth_year),
        text(&p.placement_basis),
        provision,
        kind,
        started,
        ended,
        text(&p.danger),
        text(&p.justification),
        text(&p.decided_by),
        cell(&p.staff_involved),
        cell(&p.police),
        cell(&p.injury),
        text(&p.injury_note),
        text(&p.child_statement),
        cell(&p.informed_of_complaint_right),
        cell(&p.wants_to_complain),
        cell(&p.written_at),
        cell(&p.received_at),
    ];
    // The complaint-only columns stay empty on a protocol's row.
    row.resize(CSV_COLUMNS.len() - 4, String::new());
    row.extend([
        text(&p.unit),
        text(&p.execution),
        joined("reading_to_check", p.reading_to_check.clone())?,
        joined("help_text_left", p.help_text_left.clone())?,
    ]);
    Ok(row)
}

fn complaint_row(c: &Complaint) -> Vec<String> {
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    let mut row = vec![String::new(); CSV_COLUMNS.len()];
    let mut put = |column: &str, value: String| {
        let i = CSV_COLUMNS
            .iter()
            .position(|c| *c == column)
            .expect("known column");
        row[i] = value;
    };
    put("protocol_id", c.protocol_id.clone());
    put("institution", text(&c.institution));
    put("institution_id", text(&c.institution_id));
    put("received_at", cell(&c.received_at));
    put("complaint_id", c.complaint_id.clone());
    put("complainant", cell(&c.complainant));
    put("text", text(&c.text));
    put("outcome", cell(&c.outcome));
    put("decided_at", cell(&c.decided_at));
    put("decided_by", text(&c.decided_by));
    put("decision_reasons", text(&c.decision_reasons));
    row
}
