//! Every string the inspector reads, in Norwegian bokmål, in one place.
//!
//! Field names, flags, JSON keys and command-line flags stay English (they are the file format);
//! everything around them is Norwegian.

use crate::flags::Flag;
use crate::import::record::Problem;
use crate::import::{FileError, ImportError, ImportReport};
use crate::model::{Complainant, Injury, Outcome, Police};
use crate::store::StoreError;
use crate::time::TimeError;
use std::fmt;

pub fn problem(p: &Problem) -> String {
    match p {
        Problem::NotAnObject { found } => {
            format!("posten er ikke et JSON-objekt (fant {})", json_type(found))
        }
        Problem::Missing => "mangler (påkrevd)".into(),
        Problem::WrongType { expected, found } => format!(
            "feil type: forventet {}, fant {}",
            json_type(expected),
            json_type(found)
        ),
        Problem::BadTime { value, error } => match error {
            TimeError::Unparseable => format!(
                "ugyldig tidspunkt «{value}» (bruk RFC 3339, ÅÅÅÅ-MM-DD TT:MM eller DD.MM.ÅÅÅÅ TT:MM)"
            ),
            TimeError::DateWithoutTime => {
                format!("«{value}» mangler klokkeslett (bruk ÅÅÅÅ-MM-DD TT:MM)")
            }
            TimeError::InDstGap => format!(
                "«{value}» finnes ikke i norsk tid (klokken ble stilt fram én time den natten)"
            ),
        },
        Problem::EndBeforeStart => "slutt er før start".into(),
        Problem::DecidedBeforeReceived => "avgjort før klagen ble mottatt".into(),
        Problem::InvalidValue { value, allowed } => {
            format!("ugyldig verdi «{value}» (tillatt: {allowed})")
        }
        Problem::ControlCharacter => "inneholder kontrolltegn".into(),
        Problem::Duplicate { other } => format!("oppgitt to ganger (også som «{other}»)"),
        Problem::BothMeasureForms => {
            "både «measures» og tiltaksfelt på toppnivå; bruk én av formene".into()
        }
        Problem::ListLength { expected, found } => format!(
            "{found} verdier adskilt med «;», men hjemmel har {expected} (ett per tiltak)"
        ),
        Problem::Mismatch { expected } => {
            format!("stemmer ikke med protokollen klagen ligger i («{expected}»)")
        }
    }
}

fn json_type(t: &str) -> &str {
    match t {
        "null" => "null",
        "boolean" => "sann/usann",
        "number" => "tall",
        "integer" => "heltall",
        "string" => "tekst",
        "array" => "liste",
        "object" => "objekt",
        other => other,
    }
}

pub fn syntax_error(message: &str, csv: bool) -> String {
    if csv {
        format!("ugyldig CSV-rad: {message}")
    } else {
        format!("ugyldig JSON: {message}")
    }
}

pub fn file_error(e: &FileError) -> String {
    match e {
        FileError::Io(msg) => format!("kunne ikke leses: {msg}"),
        FileError::NotUtf8 { line } => {
            format!("er ikke gyldig UTF-8 (linje {line}); lagre filen som UTF-8")
        }
        FileError::Json {
            line,
            column,
            message,
        } => format!("er ikke gyldig JSON (linje {line}, kolonne {column}): {message}"),
        FileError::Csv(msg) => format!("er ikke gyldig CSV: {msg}"),
        FileError::DuplicateColumn(c) => format!("kolonnen «{c}» finnes to ganger"),
        FileError::UnsupportedType => {
            "ukjent filtype (bruk .json, .jsonl, .ndjson eller .csv)".into()
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Locked { path } => write!(
                f,
                "lageret i {} er åpent i en annen tvang-prosess; lukk den først",
                path.display()
            ),
            StoreError::NewerSchema {
                path,
                found,
                supported,
            } => write!(
                f,
                "lageret i {} har skjemaversjon {found}, men denne tvang kan bare lese opptil {supported}; oppgrader tvang",
                path.display()
            ),
            StoreError::Io { path, source } => {
                write!(f, "lageret i {} kunne ikke åpnes: {source}", path.display())
            }
            StoreError::Sled { path, source } => {
                write!(f, "feil i lageret i {}: {source}", path.display())
            }
            StoreError::Corrupt { path, detail } => write!(
                f,
                "lageret i {} inneholder en skadet post ({detail}); gjenopprett fra sikkerhetskopi",
                path.display()
            ),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::NoSuchPath(p) => write!(f, "{}: finnes ikke", p.display()),
            ImportError::Store(e) => e.fmt(f),
        }
    }
}

pub fn flag_label(flag: Flag) -> &'static str {
    match flag {
        Flag::UnknownProvision => "ukjent hjemmel",
        Flag::LegacyProvision => "gammel hjemmel (før 2023)",
        Flag::MissingKind => "tiltakstype mangler",
        Flag::UnknownKind => "ukjent tiltakstype",
        Flag::MissingEndTime => "sluttidspunkt mangler",
        Flag::MissingChildStatement => "barnets syn mangler",
        Flag::MissingJustification => "begrunnelse mangler",
        Flag::MissingChildRef => "barnereferanse mangler",
        Flag::MissingReceivedAt => "dato forelagt statsforvalteren mangler",
        Flag::ReceivedBeforeIncident => "mottatt før hendelsen (datofeil)",
        Flag::MissingRegion => "statsforvalter mangler",
        Flag::UnknownRegion => "ukjent statsforvalter",
        Flag::NotInformedOfComplaintRight => "ikke informert om klageadgang",
    }
}

/// Why a flag matters, for the detail view.
pub fn flag_explanation(flag: Flag) -> &'static str {
    match flag {
        Flag::UnknownProvision => {
            "Minst ett tiltak viser til en hjemmel tvang ikke kjenner igjen; kontroller hjemmelen."
        }
        Flag::LegacyProvision => {
            "Tiltaket viser til regelverk fra før 1. januar 2023 (rettighetsforskriften / bvl 1992)."
        }
        Flag::MissingKind => "Protokollen sier ikke hvilket tiltak som ble brukt.",
        Flag::UnknownKind => "Tiltakstypen finnes ikke i katalogen; den er lagret slik institusjonen skrev den.",
        Flag::MissingEndTime => {
            "Uten sluttidspunkt kan ikke varigheten vurderes (tvangen skal opphøre straks)."
        }
        Flag::MissingChildStatement => "Barnets syn er ikke dokumentert (medvirkning).",
        Flag::MissingJustification => {
            "Begrunnelsen mangler: hvorfor tvangen var strengt nødvendig og hva som ble forsøkt først."
        }
        Flag::MissingChildRef => "Protokollen kan ikke knyttes til et barn; gjentatt tvang kan ikke oppdages.",
        Flag::MissingReceivedAt => "Det er ikke oppgitt når protokollen ble forelagt statsforvalteren.",
        Flag::ReceivedBeforeIncident => "Mottaksdatoen er før hendelsen; en av datoene er feil.",
        Flag::MissingRegion => "Protokollen oppgir ikke hvilken statsforvalter den hører til.",
        Flag::UnknownRegion => "Statsforvalteren kjennes ikke igjen; teksten er lagret slik den sto.",
        Flag::NotInformedOfComplaintRight => {
            "Barnet ble ikke informert om retten til å klage (bvl § 10-14)."
        }
    }
}

pub fn police_label(p: Police) -> &'static str {
    match p {
        Police::None => "ikke involvert",
        Police::WithStaff => "sammen med ansatte",
        Police::Alone => "politiet alene",
    }
}

pub fn injury_label(i: Injury) -> &'static str {
    match i {
        Injury::None => "ingen",
        Injury::Child => "barnet",
        Injury::Staff => "ansatte",
        Injury::Both => "barnet og ansatte",
    }
}

pub fn complainant_label(c: Complainant) -> &'static str {
    match c {
        Complainant::Barnet => "barnet",
        Complainant::Foresatte => "foresatte",
        Complainant::Annen => "annen",
    }
}

pub fn outcome_label(o: Option<Outcome>) -> &'static str {
    match o {
        Some(Outcome::Medhold) => "medhold",
        Some(Outcome::DelvisMedhold) => "delvis medhold",
        Some(Outcome::IkkeMedhold) => "ikke medhold (stadfestet)",
        Some(Outcome::Avvist) => "avvist",
        None => "ikke avgjort",
    }
}

pub fn yes_no(b: bool) -> &'static str {
    if b {
        "ja"
    } else {
        "nei"
    }
}

/// How many rejected records the summary lists without `--verbose`.
pub const REJECTS_LISTED: usize = 20;

/// The import summary printed when an import ends.
pub fn import_summary(r: &ImportReport, verbose: bool) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!(
        "Filer lest: {}{}",
        r.files_read,
        if r.files_skipped.is_empty() {
            String::new()
        } else {
            format!(", hoppet over: {}", r.files_skipped.len())
        }
    ));
    let p = &r.protocols;
    line(format!(
        "Protokoller: {} nye, {} uendret, {} i konflikt{}",
        p.new,
        p.unchanged,
        p.conflicting,
        if p.updated > 0 {
            format!(", {} oppdatert", p.updated)
        } else {
            String::new()
        }
    ));
    let c = &r.complaints;
    line(format!(
        "Klager: {} nye, {} uendret, {} i konflikt{}, {} venter på protokollen sin",
        c.new,
        c.unchanged,
        c.conflicting,
        if c.updated > 0 {
            format!(", {} oppdatert", c.updated)
        } else {
            String::new()
        },
        r.complaints_waiting
    ));
    line(format!("Avviste poster: {}", r.rejected.len()));
    for f in &r.files_skipped {
        line(format!("  {}: {}", f.file, f.message));
    }
    let listed = if verbose {
        r.rejected.len()
    } else {
        REJECTS_LISTED.min(r.rejected.len())
    };
    for rej in &r.rejected[..listed] {
        line(format!("  {}", rejected_line(rej)));
    }
    if listed < r.rejected.len() {
        line(format!(
            "  … og {} til (se alle med --verbose eller --report FIL)",
            r.rejected.len() - listed
        ));
    }
    let conflicts: Vec<_> = r.conflicts.iter().filter(|c| !c.updated).collect();
    if !conflicts.is_empty() {
        line(format!(
            "Konflikter (lagret versjon beholdt; bruk --update for å lagre den nye som ny versjon): {}",
            conflicts.len()
        ));
        let shown = if verbose {
            conflicts.len()
        } else {
            REJECTS_LISTED.min(conflicts.len())
        };
        for c in &conflicts[..shown] {
            line(format!(
                "  {}: {} {}/{} avviker i {}",
                c.source,
                if c.kind == "protocol" {
                    "protokoll"
                } else {
                    "klage"
                },
                c.institution,
                c.id,
                c.fields.join(", ")
            ));
        }
        if shown < conflicts.len() {
            line(format!("  … og {} til", conflicts.len() - shown));
        }
    }
    for u in &r.unknown_fields {
        line(format!(
            "Ukjente felt ignorert i {}: {}",
            u.file,
            u.fields.join(", ")
        ));
    }
    if !r.flags.is_empty() {
        line("Merknader på lagrede protokoller:".into());
        for (flag, n) in &r.flags {
            line(format!("  {:>6}  {}", n, flag_label(*flag)));
        }
    }
    out
}

pub fn rejected_line(r: &crate::import::Rejected) -> String {
    let place = match (r.line, r.record) {
        (Some(line), Some(i)) => format!("{}:{line} (post {i})", r.file),
        (Some(line), None) => format!("{}:{line}", r.file),
        (None, Some(i)) => format!("{} (post {i})", r.file),
        (None, None) => r.file.clone(),
    };
    match &r.field {
        Some(field) => format!("{place}: {field}: {}", r.message),
        None => format!("{place}: {}", r.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_has_label_and_explanation() {
        for f in Flag::ALL {
            assert!(!flag_label(f).is_empty());
            assert!(flag_explanation(f).ends_with('.'));
        }
    }
}
