//! The words of document import: why a document was refused, what was doubtful in it, and the
//! fields by their Norwegian names.

use crate::import::document::fields::Doubt;
use crate::import::document::labels::{LabelFileError, LabelProblem};
use crate::import::document::DocumentError;
use std::fmt;

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&error(self))
    }
}

impl fmt::Display for LabelFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&label_file_error(self))
    }
}

pub fn error(e: &DocumentError) -> String {
    match e {
        DocumentError::NotZip { looks_like } => match looks_like {
            Some("PDF") => "er en PDF med filnavn som et Word-dokument; gi den endelsen .pdf".into(),
            Some("RTF") => "er en RTF-fil, ikke et Word-dokument (.docx); lagre den som .docx".into(),
            _ => "er ikke et Word-dokument (.docx er en zip-fil; denne er det ikke)".into(),
        },
        DocumentError::BrokenZip(m) => {
            format!("er et ødelagt eller avkortet Word-dokument ({m}); be om en ny kopi")
        }
        DocumentError::Encrypted => "er passordbeskyttet eller i det gamle Word-formatet (.doc); be institusjonen sende det uten passord som .docx eller PDF".into(),
        DocumentError::NotWord => "er en zip-fil uten Word-innhold (word/document.xml mangler)".into(),
        DocumentError::BadXml { part, message } => {
            format!("har ugyldig innhold i {part} ({message})")
        }
        DocumentError::BadPdf(m) => format!("er en ødelagt PDF ({m}); be om en ny kopi"),
        DocumentError::EncryptedPdf => "er en passordbeskyttet PDF; be institusjonen sende den uten passord".into(),
        DocumentError::NoText { pages } => format!(
            "har ingen tekst ({pages} {} uten tekstlag, trolig skannet); tvang leser ikke skannede dokumenter (ingen tekstgjenkjenning) — be om dokumentet som Word eller PDF skrevet ut fra Word",
            if *pages == 1 { "side" } else { "sider" }
        ),
        DocumentError::TooLarge { bytes } => format!(
            "er for stor til å leses ({} MB; grensen er {} MB)",
            bytes / (1024 * 1024),
            crate::import::document::MAX_DOCUMENT_BYTES / (1024 * 1024)
        ),
        DocumentError::TooSlow => format!(
            "tok for lang tid å lese (over {} sekunder) og ble hoppet over; filen kan være skadet",
            crate::import::document::MAX_READ_TIME.as_secs()
        ),
        DocumentError::BadSpreadsheet(m) => {
            format!("er et regneark som ikke kan leses ({m}); be om en ny kopi eller lagre det som .xlsx")
        }
        DocumentError::EncryptedSpreadsheet => "er et passordbeskyttet regneark eller i det gamle Excel-formatet (.xls); lagre det uten passord som .xlsx".into(),
        DocumentError::EmptySpreadsheet => "er et regneark uten data (alle ark er tomme)".into(),
        DocumentError::Undated => "fant ikke når tiltaket startet (ingen start, protokolldato eller sendt-dato); protokollen kan ikke plasseres i tid".into(),
        DocumentError::NoFields => "fant ingen protokollfelt eller klagefelt (ingen kjente ledetekster); se docs/import-format.md om ledetekster".into(),
    }
}

/// A field by the name an inspector knows it by.
pub fn field_name(field: &str) -> &str {
    match field {
        "institution" => "institusjon",
        "institution_id" => "organisasjonsnummer",
        "unit" => "avdeling",
        "region" => "statsforvalter",
        "protocol_id" => "protokollnummer",
        "child_name" => "barnets navn",
        "child_national_id" => "fødselsnummer",
        "child_birth_date" => "fødselsdato",
        "child_ref" => "barnets referanse",
        "placement_basis" => "plasseringsgrunnlag",
        "provision" => "hjemmel",
        "kind" => "tiltak",
        "started_at" => "start",
        "ended_at" => "slutt",
        "danger" => "beskrivelse av situasjonen",
        "justification" => "begrunnelse",
        "execution" => "gjennomføring",
        "decided_by" => "besluttet av",
        "staff_involved" => "antall ansatte",
        "police" => "politi",
        "injury" => "skade",
        "injury_note" => "beskrivelse av skade",
        "child_statement" => "barnets syn",
        "informed_of_complaint_right" => "informert om klageadgang",
        "wants_to_complain" => "ønsker å klage",
        "written_at" => "dato for protokollen",
        "sent" => "sendt statsforvalteren",
        "received_at" => "mottatt",
        "complaint_protocol_id" => "protokollen klagen gjelder",
        "complaint_id" => "klagesaksnummer",
        "complainant" => "klager",
        "text" => "klagen",
        other => other,
    }
}

/// Why a required field is named for checking when the document did not give it.
pub const MISSING_REASON: &str = "mangler i dokumentet";

/// A value read that the catalogue does not know: likely misread (a word broken across a narrow
/// table column), to be checked against the original.
pub fn not_understood(value: &str) -> String {
    format!("ukjent verdi «{value}»; kan være feillest")
}

/// The number was made from the document's content.
pub const MADE_ID_REASON: &str = "mangler; nummeret er laget av innholdet";

pub fn doubt(d: &Doubt) -> &'static str {
    match d {
        Doubt::HelpText => "bare veiledningstekst",
        Doubt::NoneChecked => "ingen avkrysning",
        Doubt::SeveralChecked => "flere avkrysninger",
        Doubt::Contradicting => "oppgitt to ganger med ulik verdi",
    }
}

/// The summary line for labels that named no field.
pub fn unknown_labels(file: &str, labels: &[String]) -> String {
    let quoted: Vec<String> = labels.iter().map(|l| format!("«{l}»")).collect();
    format!("Ukjente ledetekster i {file}: {}", quoted.join(", "))
}

pub fn label_file_error(e: &LabelFileError) -> String {
    let at = match e.line {
        Some(line) => format!("{}:{line}", e.file),
        None => e.file.clone(),
    };
    let why = match &e.problem {
        LabelProblem::Unreadable(m) => format!("kan ikke leses: {m}"),
        LabelProblem::Syntax(m) => format!("er ikke gyldig TOML: {m}"),
        LabelProblem::NoLabelsTable => "mangler tabellen [labels]".into(),
        LabelProblem::UnknownField(f) => format!(
            "ukjent felt «{f}» (kjente felt: {})",
            crate::import::document::labels::FIELDS.join(", ")
        ),
        LabelProblem::NotAList(f) => {
            format!("«{f}» må være en liste av ledetekster, for eksempel {f} = [\"Ledetekst\"]")
        }
    };
    format!("ledetekstfilen {at}: {why}")
}
