//! The core's strings the inspector reads, in Norwegian bokmål: errors, tables, summaries,
//! reports. Re-exported here: the domain's labels ([`crate::labels`]) and the import's words
//! ([`crate::import::text`]). Elsewhere: the audit log's words ([`crate::audit_text`], part of
//! the data format) and the TUI's (`tvang::tui::text`, in the tvang package).
//!
//! Field names, flags, JSON keys and command-line flags stay English (they are the file format);
//! everything around them is Norwegian.

pub use crate::import::document::text as document;
pub use crate::import::text::{file_error, problem, syntax_error};
use crate::import::{ImportError, ImportReport};
pub use crate::labels::*;
use crate::store::StoreError;
use std::fmt;

impl fmt::Display for crate::backup::BackupError {
    /// Without the file's name: [`backup_error`] adds it where the file is known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&backup_message(None, self))
    }
}

/// Standard output could not be written (`tvang list > /dev/full`): the output is incomplete.
pub fn stdout_failed(e: &std::io::Error) -> String {
    format!(
        "kunne ikke skrive til standard utdata: {}; utdataene er ufullstendige",
        crate::io_text::io_error(e)
    )
}

impl fmt::Display for crate::export::ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::export::ExportError;
        match self {
            ExportError::Io(e) => f.write_str(&crate::io_text::io_error(e)),
            ExportError::Store(e) => write!(f, "{e}"),
            ExportError::NotCsvSafe { record, field } => f.write_str(&not_csv_safe(record, field)),
        }
    }
}

impl fmt::Display for crate::query::FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::query::FilterError;
        match self {
            FilterError::UnknownProvision(p) => f.write_str(&unknown_provision_filter(p)),
            FilterError::UnknownRegion(r) => f.write_str(&unknown_region_filter(r)),
        }
    }
}

impl fmt::Display for crate::selection::FilterParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&filter_error(self))
    }
}

impl fmt::Display for crate::time::TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::time::TimeError;
        f.write_str(match self {
            TimeError::Unparseable => "ugyldig tidspunkt",
            TimeError::DateWithoutTime => "dato uten klokkeslett",
            TimeError::InDstGap => "klokkeslettet finnes ikke i norsk tid (sommertiden begynte)",
            TimeError::OutOfRange => "årstallet er utenfor 1990–2100",
            TimeError::BadOffset => "tidssonen er mer enn ±14 timer fra UTC",
        })
    }
}

impl fmt::Display for crate::session::NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&session::name_error(self))
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
                write!(
                    f,
                    "lageret i {} kunne ikke åpnes: {}",
                    path.display(),
                    crate::io_text::io_error(source)
                )
            }
            StoreError::Sled { path, .. } => {
                use crate::store::EngineFault;
                match self.engine_fault() {
                    Some(EngineFault::Io(e)) => write!(
                        f,
                        "lageret i {} kunne ikke leses eller skrives: {}",
                        path.display(),
                        crate::io_text::io_error(e)
                    ),
                    Some(EngineFault::Corruption) => write!(
                        f,
                        "lageret i {} er skadet og kan ikke leses; gjenopprett den nyeste \
                         sikkerhetskopien med «tvang --db NY_MAPPE restore FIL»",
                        path.display()
                    ),
                    Some(EngineFault::Other(detail)) => write!(
                        f,
                        "feil i lagringsmotoren for lageret i {}: {detail}",
                        path.display()
                    ),
                    None => write!(f, "feil i lageret i {}", path.display()),
                }
            }
            StoreError::Corrupt { path, detail } => write!(
                f,
                "lageret i {} inneholder en skadet post ({detail}); gjenopprett fra sikkerhetskopi",
                path.display()
            ),
            StoreError::Refused { detail } => write!(f, "{detail}"),
            StoreError::NotAStore { path, found } => write!(
                f,
                "{} er ikke et tvang-lager, og mappen inneholder andre ting ({}); tvang bruker \
                 bare en ny eller tom mappe, eller et lager det har laget selv",
                path.display(),
                found
                    .iter()
                    .map(|n| crate::privacy::mask(n).into_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            StoreError::DiskFull { path, free, needed } => write!(
                f,
                "disken med lageret i {} er nesten full ({} MB ledig; tvang trenger minst {} MB \
                 for å bruke lageret uten å skade det). Ingenting er skrevet; frigjør plass og \
                 prøv igjen",
                path.display(),
                free / (1024 * 1024),
                needed.div_ceil(1024 * 1024)
            ),
            StoreError::DataMissing { path } => write!(
                f,
                "lageret i {} mangler dataene sine (mappen sled/ er borte); tvang lager ikke et \
                 tomt lager i stedet. Gjenopprett med «tvang --db NY_MAPPE restore \
                 SIKKERHETSKOPI», eller flytt mappen bort for å begynne på nytt",
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
            ImportError::Interrupted { source, .. } => write!(
                f,
                "importen stoppet: {source}. Det som er talt opp over, er lagret helt; resten \
                 er ikke lagret. Importer de samme filene på nytt når feilen er rettet (det som \
                 alt er lagret, telles som uendret)"
            ),
        }
    }
}

/// The store was open to other users when tvang opened it (what, and its mode then).
pub fn store_was_open(too_open: &[(std::path::PathBuf, u32)]) -> Option<String> {
    let (first, mode) = too_open.first()?;
    let others = match too_open.len() - 1 {
        0 => String::new(),
        n => format!(" og {n} til"),
    };
    Some(format!(
        "advarsel: lageret var åpent for andre brukere ({} med tilgang {mode:04o}{others}); tvang har nå gjort det privat (0700/0600), men vurder om noen kan ha lest det",
        first.display()
    ))
}

pub const STANDARD_OUTPUT: &str = "standard ut";

pub fn audit_intact(entries: u64, head: &str) -> String {
    format!(
        "Revisjonsloggen er hel: {entries} oppføringer, kjeden stemmer.\nSiste hash: {head}\n(Noter den et annet sted: en senere --verify kan sammenlignes med den.)\n"
    )
}

pub fn audit_broken(b: &crate::audit::Break, intact: u64) -> String {
    use crate::audit::Break;
    let what = match b {
        Break::Edited { seq } => {
            format!("oppføring {seq} er endret etter at den ble skrevet (hashen stemmer ikke)")
        }
        Break::Unlinked { seq } => format!(
            "oppføring {seq} følger ikke oppføringen før den (en oppføring er fjernet, satt inn eller flyttet)"
        ),
        Break::Unreadable { position, detail } => {
            format!("oppføring nr. {position} kan ikke leses ({detail})")
        }
        Break::Truncated { .. } => {
            "loggen slutter før den siste oppføringen lageret har registrert (oppføringer på slutten er fjernet)".to_string()
        }
    };
    format!("revisjonsloggen er brutt: {what}. De {intact} oppføringene før er hele.")
}

/// The audit log as a table, oldest first.
pub fn audit_table(
    entries: &[crate::audit::AuditEntry],
    names: &std::collections::HashMap<crate::review::RecordRef, String>,
) -> String {
    if entries.is_empty() {
        return "Ingen oppføringer.\n".to_string();
    }
    let mut s = format!(
        "{} {} {} {} {}\n",
        pad("Nr", 6),
        pad("Tid", 16),
        pad("Hvem", 14),
        pad("Post", 28),
        "Hva"
    );
    for e in entries {
        let record = e
            .record
            .map(|r| names.get(&r).cloned().unwrap_or_default())
            .unwrap_or_default();
        s.push_str(&format!(
            "{} {} {} {} {}\n",
            pad(&e.seq.to_string(), 6),
            pad(&crate::time::oslo_minute(&e.at), 16),
            pad(&e.author, 14),
            pad(&record, 28),
            audit_description(e)
        ));
    }
    s
}

/// The audit log as JSON: the entries as stored (old and new values masked), each with the
/// record's INSTITUTION/ID as `reference`.
pub fn audit_json(
    entries: &[crate::audit::AuditEntry],
    names: &std::collections::HashMap<crate::review::RecordRef, String>,
) -> String {
    let items: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let mut e = e.clone();
            for v in [&mut e.field, &mut e.old, &mut e.new] {
                *v = crate::privacy::mask(v).into_owned();
            }
            let mut v = serde_json::to_value(&e).expect("serialisable");
            if let Some(name) = e.record.and_then(|r| names.get(&r)) {
                v["reference"] = name.clone().into();
            }
            v
        })
        .collect();
    serde_json::to_string_pretty(&items).expect("serialisable") + "\n"
}

pub fn backup_written(path: &std::path::Path, s: &crate::backup::Summary) -> String {
    format!(
        "Sikkerhetskopi skrevet til {}: {} protokoller, {} klager ({} oppføringer med sjekksum).\n",
        path.display(),
        s.protocols,
        s.complaints,
        s.entries
    )
}

/// For a damaged store: the newest automatic backup and the command that restores it.
pub fn newest_backup_hint(path: &std::path::Path, day: chrono::NaiveDate) -> String {
    format!(
        "Den nyeste automatiske sikkerhetskopien er fra {}: gjenopprett den med «tvang --db NY_MAPPE restore {}», og kontroller med «tvang --db NY_MAPPE audit --verify».",
        day.format("%d.%m.%Y"),
        path.display()
    )
}

pub const NO_AUTOMATIC_BACKUP: &str =
    "Ingen automatisk sikkerhetskopi er funnet; bruk en du har tatt med «tvang backup FIL».";

/// The automatic backup of the day (`removed`: older ones removed to keep the configured number).
pub fn automatic_backup_written(
    path: &std::path::Path,
    s: &crate::backup::Summary,
    removed: usize,
) -> String {
    let older = match removed {
        0 => String::new(),
        1 => "; den eldste er fjernet".into(),
        n => format!("; de {n} eldste er fjernet"),
    };
    format!(
        "Dagens sikkerhetskopi: {} ({} protokoller, {} klager{older}).\n",
        path.display(),
        s.protocols,
        s.complaints
    )
}

pub fn automatic_backup_failed(folder: &std::path::Path, e: &crate::backup::BackupError) -> String {
    format!(
        "advarsel: dagens sikkerhetskopi i {} ble ikke skrevet ({}); det som er lagret, er lagret",
        folder.display(),
        backup_message(None, e)
    )
}

pub fn restored(path: &std::path::Path, s: &crate::backup::Summary) -> String {
    format!(
        "Gjenopprettet fra {}: {} protokoller, {} klager ({} oppføringer). Kontroller med «tvang audit --verify».\n",
        path.display(),
        s.protocols,
        s.complaints,
        s.entries
    )
}

pub fn backup_error(path: &std::path::Path, e: &crate::backup::BackupError) -> String {
    backup_message(Some(path), e)
}

/// A backup's error, placed in its file (and line) when the file is known, else by line only.
fn backup_message(path: Option<&std::path::Path>, e: &crate::backup::BackupError) -> String {
    use crate::backup::BackupError;
    let at = |line: Option<usize>| match (path, line) {
        (Some(p), Some(l)) => format!("{}:{l}: ", p.display()),
        (Some(p), None) => format!("{}: ", p.display()),
        (None, Some(l)) => format!("linje {l}: "),
        (None, None) => String::new(),
    };
    match e {
        BackupError::Io(e) => format!("{}{}", at(None), crate::io_text::io_error(e)),
        BackupError::Store(e) => e.to_string(),
        BackupError::Invalid { line, detail } => format!(
            "{}{detail}; ingenting er skrevet til lageret",
            at(Some(*line))
        ),
        BackupError::NotEmpty => {
            "lageret er ikke tomt: gjenopprett til et nytt lager (--db NY_MAPPE)".to_string()
        }
        BackupError::NewerSchema { found, supported } => format!(
            "{}sikkerhetskopien har skjemaversjon {found}, denne tvang kan bare lese opptil {supported}; oppgrader tvang",
            at(None)
        ),
    }
}

pub fn audit_action(a: crate::audit::Action) -> &'static str {
    use crate::audit::Action;
    match a {
        Action::Import => "import",
        Action::Change => "endring",
        Action::Reveal => "fødselsnummer vist",
        Action::Export => "eksport",
        Action::Backup => "sikkerhetskopi",
        Action::Restore => "gjenoppretting",
    }
}

/// An audit entry in one line (without time and author): what, old → new, first lines only,
/// fødselsnummer masked.
pub fn audit_description(e: &crate::audit::AuditEntry) -> String {
    let first = |v: &str| -> String {
        if v.is_empty() {
            "—".to_string()
        } else {
            crate::privacy::mask(v.lines().next().unwrap_or_default()).into_owned()
        }
    };
    let mut s = String::new();
    if e.action != crate::audit::Action::Change {
        s.push_str(audit_action(e.action));
        if !e.field.is_empty() {
            s.push(' ');
        }
    }
    s.push_str(&crate::privacy::mask(&audit_field(&e.field)));
    if !e.old.is_empty() || !e.new.is_empty() {
        if e.old.is_empty() && e.action != crate::audit::Action::Change {
            s.push_str(&format!(": {}", first(&e.new)));
        } else {
            s.push_str(&format!(": {} → {}", first(&e.old), first(&e.new)));
        }
    }
    s
}

/// A review field as the history names it (the document reading's fields in words).
fn audit_field(field: &str) -> std::borrow::Cow<'_, str> {
    match field {
        "reading_checked" => return "lesingen av dokumentet kontrollert".into(),
        // A complaint linked to its protocol.
        "protocol_id" => return "protokollen klagen gjelder".into(),
        _ => {}
    }
    match field.strip_prefix("corrections.") {
        Some(f) => format!("rettet {}", document::field_name(f)).into(),
        None => field.into(),
    }
}

/// How many rejected records the summary lists without `--verbose`.
pub const REJECTS_LISTED: usize = 20;

/// How many of `n` items the summary lists: all with `--verbose`, else the first 20.
fn listed_count(n: usize, verbose: bool) -> usize {
    if verbose {
        n
    } else {
        REJECTS_LISTED.min(n)
    }
}

/// An import that found no file to read (an empty folder, or one of other files).
pub const NOTHING_TO_IMPORT: &str = "Fant ingen filer å importere (tvang leser .json, .jsonl, .ndjson, .csv, .xlsx, .ods, .docx og .pdf); sjekk stien.";

/// The import summary printed when an import ends.
pub fn import_summary(r: &ImportReport, verbose: bool) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    let word = r.documents.iter().filter(|d| d.format == "docx").count();
    let pdf = r.documents.iter().filter(|d| d.format == "pdf").count();
    line(format!(
        "Filer lest: {}{}{}",
        r.files_read,
        if word + pdf > 0 {
            format!(" (dokumenter: {word} Word, {pdf} PDF)")
        } else {
            String::new()
        },
        if r.files_skipped.is_empty() {
            String::new()
        } else {
            format!(", hoppet over: {}", r.files_skipped.len())
        }
    ));
    if r.files_read == 0 && r.files_skipped.is_empty() {
        line(NOTHING_TO_IMPORT.into());
    }
    let known = r.documents.iter().filter(|d| d.imported_before).count();
    if known > 0 {
        line(format!(
            "Dokumenter importert før (gjenkjent på innholdet, ikke lest på nytt): {known}"
        ));
    }
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
    if !r.files_skipped.is_empty() {
        line("Filer som ikke kunne leses (hoppet over):".into());
        for f in &r.files_skipped {
            line(format!("  {}: {}", f.file, f.message));
        }
    }
    line(format!("Avviste poster: {}", r.rejected.len()));
    let listed = listed_count(r.rejected.len(), verbose);
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
        let shown = listed_count(conflicts.len(), verbose);
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
    for e in &r.encodings {
        line(format!("Tegnsett: {} er lest som {}", e.file, e.encoding));
    }
    for u in &r.unknown_fields {
        // A file with thousands of columns would print a page; the report lists them all.
        const SHOWN: usize = 20;
        let mut names = u
            .fields
            .iter()
            .take(SHOWN)
            .map(|n| truncate(n, 60))
            .collect::<Vec<_>>()
            .join(", ");
        if u.fields.len() > SHOWN {
            names.push_str(&format!(" … og {} til", u.fields.len() - SHOWN));
        }
        line(format!("Ukjente felt ignorert i {}: {names}", u.file));
    }
    for d in r.documents.iter().filter(|d| !d.unknown_labels.is_empty()) {
        line(document::unknown_labels(&d.file, &d.unknown_labels));
    }
    let to_check: Vec<_> = r
        .documents
        .iter()
        .filter(|d| !d.to_check.is_empty())
        .collect();
    if !to_check.is_empty() {
        line(format!(
            "Til kontroll mot originalen (felt som manglet eller ikke kunne leses sikkert): {}",
            to_check.len()
        ));
        let shown = listed_count(to_check.len(), verbose);
        for d in &to_check[..shown] {
            let fields: Vec<String> = d
                .to_check
                .iter()
                .map(|c| format!("{} ({})", document::field_name(&c.field), c.reason))
                .collect();
            line(format!("  {}: {}", d.file, fields.join(", ")));
        }
        if shown < to_check.len() {
            line(format!("  … og {} til", to_check.len() - shown));
        }
    }
    if !r.files_not_read.is_empty() {
        line(format!(
            "Ikke lest (filtype tvang ikke leser): {}",
            r.files_not_read.join(", ")
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

// ---------------------------------------------------------------------------------------------
// Command-line messages

pub fn internal_error(what: &str) -> String {
    format!(
        "tvang: intern feil: {what}\n  Dette er en feil i tvang. Alt som ble meldt lagret før feilen, er lagret. Meld gjerne fra om hva du gjorde."
    )
}

pub const HINT_LOCKED: &str =
    "Bare én tvang-prosess kan bruke et lager om gangen. Avslutt den andre, eller bruk --db for et annet lager.";
pub const NO_DATA_DIR: &str =
    "fant ingen datakatalog for brukeren; oppgi lageret med --db KATALOG eller TVANG_DB";
pub const HINT_SHOW: &str =
    "Oppgi INSTITUSJON/ID, f.eks. «Solbakken ungdomshjem/2023/0145» eller «998877001/2023/0145»; se «tvang list».";
pub const HINT_USE_JSONL: &str = "Bruk --format jsonl eller json, som kan gjengi alle verdier.";
pub const PROGRESS_TEMPLATE: &str =
    "{spinner} Importerer [{bar:30}] {bytes}/{total_bytes} {msg} ({eta} igjen)";

pub fn empty_store(path: &std::path::Path) -> String {
    format!(
        "Lageret i {} er tomt. Importer protokoller med «tvang import FIL-ELLER-MAPPE» (prøv samples/).",
        path.display()
    )
}

pub fn catalogue_error(e: &str) -> String {
    format!("katalogen over hjemler kunne ikke leses: {e}")
}

pub fn bad_date_argument(s: &str) -> String {
    format!("ugyldig dato «{s}» (bruk ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ)")
}

pub fn bad_flag_argument(s: &str, known: &str) -> String {
    format!("ukjent merknad «{s}» (kjente: {known})")
}

pub fn bad_years_argument(s: &str) -> String {
    format!("ugyldig årsintervall «{s}» (bruk f.eks. 2022-2023 eller 2024)")
}

/// `files_done` counts finished files; the message names the one being read.
pub fn progress_message(files_done: usize, files_total: usize, records: usize) -> String {
    let current = (files_done + 1).min(files_total);
    format!("fil {current}/{files_total}, {records} poster")
}

pub fn import_timing(records: usize, seconds: f64) -> String {
    let rate = if seconds > 0.0 {
        records as f64 / seconds
    } else {
        0.0
    };
    format!("Tid: {seconds:.2} s ({rate:.0} poster/s)")
}

pub fn exported(protocols: usize, complaints: usize) -> String {
    format!("Eksporterte {protocols} protokoller og {complaints} klager.")
}

pub fn not_csv_safe(record: &str, field: &str) -> String {
    format!("{record}: feltet {field} inneholder «;», som CSV-formatet bruker mellom tiltak")
}

pub fn not_found(reference: &str) -> String {
    format!("fant ingen protokoll eller klage «{reference}»")
}

pub fn unknown_provision_filter(p: &str) -> String {
    format!("ukjent hjemmel «{p}» (f.eks. 10-7, «bvl § 10-9»)")
}

pub fn unknown_region_filter(r: &str) -> String {
    format!("ukjent statsforvalter «{r}» (f.eks. vestland, «Statsforvalteren i Agder»)")
}

pub fn generated(
    per_year: &[(i32, usize)],
    complaints: usize,
    dir: &std::path::Path,
    files: &[std::path::PathBuf],
) -> String {
    let total: usize = per_year.iter().map(|(_, n)| n).sum();
    let years = per_year
        .iter()
        .map(|(y, n)| format!("{y}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = format!(
        "Genererte {total} protokoller ({years}) og {complaints} klager i {}:",
        dir.display()
    );
    for f in files {
        s.push_str(&format!("\n  {}", f.display()));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Protocol and complaint views for the command line

use crate::catalogue::Catalogue;
use crate::flags::quality_flags;
use crate::store::{StoredComplaint, StoredProtocol};
use crate::time::{format_duration, format_oslo};

fn region_name(code: &str, catalogue: &Catalogue) -> String {
    catalogue
        .region(code)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| format!("{code} (ukjent)"))
}

fn kind_name(kind: &str, catalogue: &Catalogue) -> String {
    catalogue
        .kind(kind)
        .map(|k| k.title.clone())
        .unwrap_or_else(|| format!("{kind} (ukjent tiltakstype)"))
}

/// Wraps `text` at `width` columns, each line indented by `indent` spaces.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                out.push_str(&pad);
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(&pad);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `født 2006, ca. 18 år ved hendelsen`: only the birth year is stored, so the age is the
/// year's difference, which is right or one too many.
pub fn born_and_age(birth_year: i32, incident: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let age = incident.year() - birth_year;
    if age < 0 {
        format!("født {birth_year}: året er etter hendelsen")
    } else {
        format!("født {birth_year}, ca. {age} år ved hendelsen")
    }
}

/// Text width of `show`'s narrative paragraphs.
pub const SHOW_WIDTH: usize = 94;

/// A protocol as `show` prints it; narrative paragraphs wrap at `width` columns.
pub fn protocol_detail(
    sp: &StoredProtocol,
    complaints: &[StoredComplaint],
    earlier_versions: usize,
    catalogue: &Catalogue,
    width: usize,
) -> String {
    let p = &sp.protocol;
    let mut s = String::new();
    let mut field = |label: &str, value: String| {
        s.push_str(&format!("{:<28}{value}\n", format!("{label}:")));
    };
    let missing = || "—".to_string();
    field(
        "Protokoll",
        format!(
            "{} · {}{}",
            p.protocol_id,
            p.institution,
            p.institution_id
                .as_ref()
                .map(|id| format!(" (org.nr {id})"))
                .unwrap_or_default()
        ),
    );
    field(
        "Statsforvalter",
        p.region
            .as_deref()
            .map(|r| region_name(r, catalogue))
            .unwrap_or_else(missing),
    );
    field(
        "Barn",
        match (&p.child_ref, p.child_birth_year) {
            (Some(c), Some(y)) => format!("{c} ({})", born_and_age(y, p.incident_date())),
            (Some(c), None) => c.clone(),
            (None, _) => missing(),
        },
    );
    field(
        "Plasseringsgrunnlag",
        p.placement_basis.clone().unwrap_or_else(missing),
    );
    field("Besluttet av", p.decided_by.clone().unwrap_or_else(missing));
    field(
        "Ansatte involvert",
        p.staff_involved
            .map(|n| n.to_string())
            .unwrap_or_else(missing),
    );
    field(
        "Politi",
        p.police
            .map(|x| police_label(x).to_string())
            .unwrap_or_else(missing),
    );
    field(
        "Skade",
        match (p.injury, &p.injury_note) {
            (Some(i), Some(n)) => format!("{} — {n}", injury_label(i)),
            (Some(i), None) => injury_label(i).to_string(),
            (None, _) => missing(),
        },
    );
    field(
        "Informert om klageadgang",
        p.informed_of_complaint_right
            .map(|b| yes_no(b).to_string())
            .unwrap_or_else(missing),
    );
    field(
        "Ønsker å klage",
        p.wants_to_complain
            .map(|b| yes_no(b).to_string())
            .unwrap_or_else(missing),
    );
    field(
        "Skrevet",
        p.written_at.map(|w| w.to_string()).unwrap_or_else(missing),
    );
    field(
        "Forelagt statsforvalteren",
        p.received_at.map(|w| w.to_string()).unwrap_or_else(missing),
    );
    s.push_str(&format!("\nTiltak ({})\n", p.measures.len()));
    for (i, m) in p.measures.iter().enumerate() {
        let provision = match catalogue.parse_hjemmel(&m.provision) {
            Some(h) => match catalogue.provision(&h) {
                Some(prov) if prov.legacy => format!("{h} — {} (gammel hjemmel)", prov.title),
                Some(prov) => format!("{h} — {}", prov.title),
                None => format!("{} (ukjent hjemmel)", m.provision),
            },
            None => format!("{} (ukjent hjemmel)", m.provision),
        };
        s.push_str(&format!("  {}. {provision}\n", i + 1));
        if m.provision != provision.split(" — ").next().unwrap_or_default() {
            s.push_str(&format!("     Oppgitt som: {}\n", m.provision));
        }
        let kind = m
            .kind
            .as_deref()
            .map(|k| kind_name(k, catalogue))
            .unwrap_or_else(|| "tiltakstype ikke oppgitt".into());
        let time = match (m.ended_at, m.duration()) {
            (Some(end), Some(d)) => {
                let (start, end) = (format_oslo(&m.started_at), format_oslo(&end));
                // Same day: show only the end's time of day.
                let end = match (start.split_once(' '), end.split_once(' ')) {
                    (Some((d1, _)), Some((d2, t2))) if d1 == d2 => t2.to_string(),
                    _ => end,
                };
                format!("{start} – {end} ({})", format_duration(d))
            }
            _ => format!("{} – (slutt ikke oppgitt)", format_oslo(&m.started_at)),
        };
        s.push_str(&format!("     {kind} · {time}\n"));
    }
    for (label, value) in [
        ("Situasjon og fare", &p.danger),
        ("Begrunnelse", &p.justification),
        ("Barnets syn", &p.child_statement),
    ] {
        s.push_str(&format!("\n{label}\n"));
        match value {
            Some(t) => s.push_str(&wrap(t, width.saturating_sub(2).max(20), 2)),
            None => s.push_str("  — ikke oppgitt\n"),
        }
    }
    let flags = quality_flags(p, catalogue);
    if !flags.is_empty() {
        s.push_str(&format!("\nMerknader ({})\n", flags.len()));
        for f in flags {
            s.push_str(&format!("  ! {}: {}\n", flag_label(f), flag_explanation(f)));
        }
    }
    s.push_str(&format!("\nKlager ({})\n", complaints.len()));
    if complaints.is_empty() {
        s.push_str("  ingen\n");
    }
    for sc in complaints {
        s.push_str(&complaint_line(&sc.complaint, width));
    }
    s.push_str(&format!(
        "\nKilde: {} · importert {} · versjon {}{}\n",
        sp.source,
        format_oslo(&sp.imported_at.fixed_offset()),
        sp.version,
        if earlier_versions > 0 {
            format!(" ({earlier_versions} tidligere versjoner lagret)")
        } else {
            String::new()
        }
    ));
    s
}

fn complaint_line(c: &crate::model::Complaint, width: usize) -> String {
    let mut s = format!(
        "  {} · mottatt {} · fra {} · {}{}\n",
        c.complaint_id,
        c.received_at
            .map(|r| r.to_string())
            .unwrap_or_else(|| "—".into()),
        c.complainant.map(complainant_label).unwrap_or("—"),
        outcome_label(c.outcome),
        c.decided_at
            .map(|d| format!(", avgjort {d}"))
            .unwrap_or_default()
    );
    if let Some(t) = &c.text {
        s.push_str(&wrap(t, width.saturating_sub(6).max(20), 4));
    }
    // Written by the statsforvalter's staff, in tvang or before: masked like a note.
    if let Some(by) = &c.decided_by {
        s.push_str(&format!("    Avgjort av: {}\n", crate::privacy::mask(by)));
    }
    if let Some(reasons) = &c.decision_reasons {
        s.push_str("    Begrunnelse:\n");
        s.push_str(&wrap(
            &crate::privacy::mask(reasons),
            width.saturating_sub(8).max(20),
            6,
        ));
    }
    s
}

/// A record's checklist as `show` prints it: each group with its assessed conditions and their
/// reasons (masked), and how many of the conditions are assessed. Empty when none is.
pub fn checklist_text(
    list: &crate::checklist::Checklist,
    assessed: &std::collections::BTreeMap<String, crate::review::Check>,
    width: usize,
) -> String {
    if assessed.is_empty() {
        return String::new();
    }
    let total = list.entries().count();
    let done = list
        .entries()
        .filter(|e| assessed.contains_key(&e.id))
        .count();
    let mut s = format!("Vilkår ({done} av {total} vurdert):\n");
    if list.assumed {
        s.push_str(&format!("  {}\n", crate::labels::CHECKLIST_ASSUMED));
    }
    for (of, checks) in list.assessed(assessed) {
        s.push_str(&format!("  {}\n", crate::labels::group_label(of)));
        for (entry, check) in checks {
            s.push_str(&format!(
                "    {}: {}\n",
                entry.label(),
                assessment_label(Some(check.assessment))
            ));
            if let Some(reason) = &check.reason {
                s.push_str(&wrap(
                    &crate::privacy::mask(reason),
                    width.saturating_sub(8).max(20),
                    6,
                ));
            }
        }
    }
    s
}

/// A complaint in full; `failed` are the wordings of the conditions its decision rests on
/// (assessed as not met, [`crate::checklist::failed`]).
pub fn complaint_detail(
    sc: &StoredComplaint,
    protocol: Option<&StoredProtocol>,
    width: usize,
    failed: &[String],
) -> String {
    let c = &sc.complaint;
    let mut s = format!(
        "Klage {} · {}\n",
        c.complaint_id,
        c.institution
            .clone()
            .or(c.institution_id.clone())
            .unwrap_or_default()
    );
    s.push_str(&complaint_line(c, width));
    if !failed.is_empty() {
        s.push_str(&format!(
            "    Vilkår som ikke er oppfylt: {}\n",
            failed.join(", ")
        ));
    }
    match protocol {
        Some(sp) => s.push_str(&format!(
            "Gjelder protokoll {} ({})\n",
            sp.protocol.protocol_id,
            format_oslo(&sp.protocol.incident_at())
        )),
        None => s.push_str(&format!(
            "Gjelder protokoll {}, som ikke er importert ennå (klagen kobles når den kommer)\n",
            c.protocol_id
        )),
    }
    s.push_str(&format!("Kilde: {} · versjon {}\n", sc.source, sc.version));
    s
}

/// `show --format json`: the stored record with its derived facts.
pub fn protocol_json(
    sp: &StoredProtocol,
    complaints: &[StoredComplaint],
    catalogue: &Catalogue,
) -> String {
    let provisions: Vec<_> = sp
        .protocol
        .measures
        .iter()
        .map(|m| {
            catalogue
                .resolve_provision(&m.provision)
                .map(|p| p.id.clone())
        })
        .collect();
    let v = serde_json::json!({
        "protocol": sp.protocol,
        "provision_ids": provisions,
        "flags": quality_flags(&sp.protocol, catalogue),
        "complaints": complaints.iter().map(|c| &c.complaint).collect::<Vec<_>>(),
        "source": sp.source,
        "imported_at": sp.imported_at,
        "version": sp.version,
    });
    serde_json::to_string_pretty(&v).expect("serialisable")
}

/// Cuts `s` to at most `width` characters, marking the cut with `…`.
pub fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn pad(s: &str, width: usize) -> String {
    let t = truncate(s, width);
    let n = t.chars().count();
    format!("{t}{}", " ".repeat(width - n))
}

fn short_provisions(p: &crate::model::Protocol, catalogue: &Catalogue) -> String {
    let mut v: Vec<String> = p
        .measures
        .iter()
        .map(|m| {
            catalogue
                .parse_hjemmel(&m.provision)
                .filter(|h| catalogue.provision(h).is_some())
                .map(|h| h.section)
                .unwrap_or_else(|| "?".into())
        })
        .collect();
    v.dedup();
    v.join(",")
}

/// `03.11.2024 13:47`: an incident time for tables, with the whole year (two digits made 1900
/// and 2000 read alike).
fn short_time(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    t.with_timezone(&chrono_tz::Europe::Oslo)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

pub fn protocol_table(
    rows: &[(&StoredProtocol, usize)],
    total: usize,
    catalogue: &Catalogue,
) -> String {
    let mut s = format!(
        "{} {} {} {} {} {} {} {} {}\n",
        pad("Dato", 16),
        pad("Institusjon", 20),
        pad("Protokoll", 10),
        pad("Barn", 10),
        pad("Hjemmel", 8),
        pad("Tiltak", 14),
        pad("Varighet", 9),
        pad("Klager", 6),
        "Merkn."
    );
    for (sp, complaints) in rows {
        let p = &sp.protocol;
        let kinds: Vec<String> = p
            .measures
            .iter()
            .map(|m| match m.kind.as_deref() {
                Some(k) => catalogue
                    .kind(k)
                    .map_or(k, |kind| kind.title.as_str())
                    .into(),
                None => "—".into(),
            })
            .collect();
        let duration = match (p.incident_end(), p.measures.len()) {
            (Some(end), _) => format_duration(end - p.incident_at()),
            (None, _) => "—".into(),
        };
        s.push_str(&format!(
            "{} {} {} {} {} {} {} {} {}\n",
            pad(&short_time(&p.incident_at()), 16),
            pad(&p.institution, 20),
            pad(&p.protocol_id, 10),
            pad(p.child_ref.as_deref().unwrap_or("—"), 10),
            pad(&short_provisions(p, catalogue), 8),
            pad(&kinds.join(","), 14),
            pad(&duration, 9),
            pad(&complaints.to_string(), 6),
            quality_flags(p, catalogue).len()
        ));
    }
    s.push_str(&shown_of(rows.len(), total, "protokoller"));
    s
}

/// The line under a listing: how many rows of how many.
fn shown_of(shown: usize, total: usize, noun: &str) -> String {
    if shown < total {
        format!("Viser {shown} av {total} {noun} (bruk --limit 0 for alle).\n")
    } else {
        format!("{total} {noun}.\n")
    }
}

pub fn protocol_list_json(rows: &[(&StoredProtocol, usize)], catalogue: &Catalogue) -> String {
    let items: Vec<_> = rows
        .iter()
        .map(|(sp, complaints)| {
            serde_json::json!({
                "protocol": sp.protocol,
                "complaints": complaints,
                "flags": quality_flags(&sp.protocol, catalogue),
                "source": sp.source,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).expect("serialisable") + "\n"
}

/// The day a complaint is due ([`crate::deadline`]), when its receipt is known.
pub fn complaint_due(c: &crate::model::Complaint, target_months: u32) -> Option<chrono::NaiveDate> {
    crate::deadline::due_date(c.received_at?.oslo_date(), target_months)
}

/// A complaint's standing against its due day in words: `12 d igjen`, `5 d over`, `i tide`.
pub fn deadline_words(d: Option<crate::deadline::Deadline>) -> String {
    use crate::deadline::Deadline;
    match d {
        None => String::new(),
        Some(Deadline::Open { days_left: 0 }) => "i dag".into(),
        Some(Deadline::Open { days_left }) => format!("{days_left} d igjen"),
        Some(Deadline::Overdue { days_over }) => format!("{days_over} d over"),
        Some(Deadline::DecidedWithin) => "i tide".into(),
        Some(Deadline::DecidedLate { days_over }) => format!("{days_over} d for sent"),
    }
}

pub fn complaint_table(
    rows: &[(StoredComplaint, bool)],
    total: usize,
    target_months: u32,
    today: chrono::NaiveDate,
) -> String {
    let mut s = format!(
        "{} {} {} {} {} {} {} {} {}\n",
        pad("Mottatt", 10),
        pad("Klage", 13),
        pad("Institusjon", 26),
        pad("Protokoll", 11),
        pad("Fra", 9),
        pad("Utfall", 25),
        pad("Avgjort", 10),
        pad("Frist", 13),
        "Protokollstatus"
    );
    for (sc, linked) in rows {
        let c = &sc.complaint;
        let standing = crate::deadline::complaint_standing(c, target_months, today);
        s.push_str(&format!(
            "{} {} {} {} {} {} {} {} {}\n",
            pad(
                &c.received_at.map(|r| r.to_string()).unwrap_or_default(),
                10
            ),
            pad(&c.complaint_id, 13),
            pad(
                c.institution
                    .as_deref()
                    .or(c.institution_id.as_deref())
                    .unwrap_or(""),
                26
            ),
            pad(&c.protocol_id, 11),
            pad(c.complainant.map(complainant_label).unwrap_or("—"), 9),
            pad(outcome_label(c.outcome), 25),
            pad(&c.decided_at.map(|d| d.to_string()).unwrap_or_default(), 10),
            pad(&deadline_words(standing), 13),
            if *linked {
                "importert"
            } else {
                "venter på protokollen"
            }
        ));
    }
    s.push_str(&shown_of(rows.len(), total, "klager"));
    s
}

/// Labels for statistics funnel classes.
fn funnel_label(v: &serde_json::Value) -> String {
    match v.as_str() {
        Some("within") => "innenfor".into(),
        Some("above_95") => "over (95 %)".into(),
        Some("above_99_8") => "over (99,8 %)".into(),
        Some("below_95") => "under (95 %)".into(),
        Some("below_99_8") => "under (99,8 %)".into(),
        _ => "–".into(),
    }
}

/// A figure with one decimal and a decimal comma; `–` when there is none.
pub fn decimal(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| format!("{x:.1}").replace('.', ","))
}

/// A share as a percentage with a decimal comma; `–` when there is none.
pub fn percent(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| {
        format!("{:.1} %", 100.0 * x).replace('.', ",")
    })
}

/// A statistics value for a table: counts as they are (or `<N`), shares as percentages, other
/// figures with one decimal, and `–` where there is nothing to show.
/// A figure of the statistics as a table cell: `–` when there is none, a mark as it is.
pub fn stat_cell(v: &serde_json::Value, percent: bool) -> String {
    match v {
        serde_json::Value::Null => "–".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) if n.is_u64() => n.to_string(),
        serde_json::Value::Number(n) if percent => self::percent(n.as_f64()),
        serde_json::Value::Number(n) => decimal(n.as_f64()),
        other => other.to_string(),
    }
}

fn stats_group_label(group: &str, by: crate::stats::GroupBy, catalogue: &Catalogue) -> String {
    use crate::stats::GroupBy;
    match (group, by) {
        ("total", _) => "Totalt".into(),
        ("?", _) => "ukjent".into(),
        (id, GroupBy::Provision) => catalogue
            .provision_by_id(id)
            .map(|p| {
                crate::catalogue::Hjemmel {
                    law: p.law.clone(),
                    section: p.section.clone(),
                    ledd: None,
                    bokstav: None,
                }
                .to_string()
            })
            .unwrap_or_else(|| id.to_string()),
        // Statsforvalter regions by name (the code is in JSON and CSV).
        (code, GroupBy::Region) => catalogue.region(code).map_or_else(
            || code.to_string(),
            |r| {
                r.name
                    .strip_prefix("Statsforvalteren i ")
                    .unwrap_or(&r.name)
                    .to_string()
            },
        ),
        (other, _) => other.to_string(),
    }
}

/// The output values of the rows (suppressed as asked) and the table of their cells: a header
/// row, then one row per group and the total.
pub fn stats_cells(
    rows: &[crate::stats::Row],
    by: crate::stats::GroupBy,
    suppress_below: Option<u64>,
    catalogue: &Catalogue,
) -> (
    Vec<serde_json::Map<String, serde_json::Value>>,
    Vec<Vec<String>>,
) {
    let values = crate::stats::output_table(rows, suppress_below);
    let funnel = by == crate::stats::GroupBy::Institution;
    let mut header = vec![
        "Gruppe",
        "Protokoller",
        "Tiltak",
        "Klager",
        "Per 100",
        "Medhold",
        "Delvis",
        "Ikke",
        "Avvist",
        "Opphevet",
        "Trukket",
        "Uavgjort",
        "Medholdsandel",
        "Barn",
        "Median dager",
    ];
    if funnel {
        header.extend(["Klagerate", "Medholdsandel (trakt)"]);
    }
    let mut table: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    for (row, v) in rows.iter().zip(&values) {
        let mut cells = vec![
            stats_group_label(&row.group, by, catalogue),
            stat_cell(&v["protocols"], false),
            stat_cell(&v["measures"], false),
            stat_cell(&v["complaints"], false),
            stat_cell(&v["complaints_per_100_protocols"], false),
            stat_cell(&v["medhold"], false),
            stat_cell(&v["delvis_medhold"], false),
            stat_cell(&v["ikke_medhold"], false),
            stat_cell(&v["avvist"], false),
            stat_cell(&v["opphevet_hjemvist"], false),
            stat_cell(&v["trukket"], false),
            stat_cell(&v["pending"], false),
            stat_cell(&v["upheld_share"], true),
            stat_cell(&v["children"], false),
            stat_cell(&v["median_handling_days"], false),
        ];
        if funnel {
            cells.push(funnel_label(&v["complaint_rate_funnel"]));
            cells.push(funnel_label(&v["upheld_share_funnel"]));
        }
        table.push(cells);
    }
    (values, table)
}

/// The lines under the table: the total row's figures that have no column, and how to read
/// the funnel and the suppression.
fn stats_notes(
    values: &[serde_json::Map<String, serde_json::Value>],
    by: crate::stats::GroupBy,
    suppress_below: Option<u64>,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(total) = values.last() {
        out.push(format!(
            "Klager uten protokoll i lageret: {}",
            stat_cell(&total["unlinked_complaints"], false)
        ));
        out.push(format!(
            "Saksbehandlingstid: median {} dager, 90-persentil {} dager, {} avgjort innen fristen",
            stat_cell(&total["median_handling_days"], false),
            stat_cell(&total["p90_handling_days"], false),
            stat_cell(&total["decided_within_target_share"], true)
        ));
        out.push(format!(
            "Barn: {}; protokoller per barn: snitt {}, maks {}; de 10 % mest berørte barna har {} av protokollene",
            stat_cell(&total["children"], false),
            stat_cell(&total["protocols_per_child_mean"], false),
            stat_cell(&total["protocols_per_child_max"], false),
            stat_cell(&total["top_decile_children_share"], true)
        ));
    }
    if by == crate::stats::GroupBy::Institution {
        out.push("Trakt: «over»/«under» betyr utenfor kontrollgrensene (95 % / 99,8 %) rundt landssnittet for samme antall protokoller (klagerate) eller avgjorte klager (medholdsandel).".to_string());
    }
    if let Some(n) = suppress_below {
        out.push(format!(
            "Tall fra 1 til {} vises som «<{n}»; «:» er skjult for at de ikke skal kunne regnes ut av summene; andeler regnet av skjulte tall vises ikke.",
            n - 1
        ));
    }
    out
}

/// The statistics as an aligned text table, with the total row's other figures below it.
pub fn stats_table(
    rows: &[crate::stats::Row],
    by: crate::stats::GroupBy,
    suppress_below: Option<u64>,
    catalogue: &Catalogue,
) -> String {
    let (values, table) = stats_cells(rows, by, suppress_below, catalogue);
    let widths: Vec<usize> = (0..table[0].len())
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let group_width = widths[0].min(32);
    let mut out = String::new();
    for (i, r) in table.iter().enumerate() {
        let mut line = pad(&r[0], group_width);
        for (c, cell) in r.iter().enumerate().skip(1) {
            let w = widths[c];
            line.push_str(&format!(
                " {}{cell}",
                " ".repeat(w.saturating_sub(cell.chars().count()))
            ));
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if i == 0 || i + 2 == table.len() {
            out.push_str(&"─".repeat(line.chars().count()));
            out.push('\n');
        }
    }
    let notes = stats_notes(&values, by, suppress_below);
    for (i, note) in notes.iter().enumerate() {
        if i == 0 && !values.is_empty() {
            out.push('\n');
        }
        out.push_str(note);
        out.push('\n');
    }
    out
}

/// The filter a figure was computed under, for a heading: `alle` when there is none.
/// The selection of a statistics report and which date counts in it.
pub fn stats_selection(pairs: &[(&str, String)], basis: crate::stats::DateBasis) -> String {
    format!(
        "{} · {}",
        selection(pairs),
        crate::labels::date_basis_label(basis)
    )
}

pub fn selection(pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return "alle protokoller i lageret".to_string();
    }
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}: {}",
                crate::labels::filter_key_label(k),
                crate::labels::filter_value_label(k, v)
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// What the statistics are grouped by, as a heading says it.
pub fn group_by_label(by: crate::stats::GroupBy) -> &'static str {
    use crate::stats::GroupBy as G;
    match by {
        G::Year => "år",
        G::Month => "måned",
        G::Institution => "institusjon",
        G::Region => "region",
        G::Provision => "hjemmel",
        G::Kind => "tiltak",
        G::Child => "barn",
    }
}

/// The statistics as a Markdown document, readable as a working note: a heading, what was
/// counted (`selection`), the table, and the notes. Cells are escaped so that an institution
/// name cannot break the table.
pub fn stats_markdown(
    rows: &[crate::stats::Row],
    by: crate::stats::GroupBy,
    suppress_below: Option<u64>,
    catalogue: &Catalogue,
    selection: &str,
    made: &str,
) -> String {
    let (values, table) = stats_cells(rows, by, suppress_below, catalogue);
    let cell = |c: &str| c.replace('\\', "\\\\").replace('|', "\\|");
    let mut out = format!(
        "# Statistikk over tvangsprotokoller og klager, etter {}\n\n",
        group_by_label(by)
    );
    out.push_str(&format!("- Utvalg: {selection}\n- Laget: {made}\n\n"));
    for (i, r) in table.iter().enumerate() {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, v)| match (i + 1 == table.len() && i > 0, c) {
                (true, 0) => "**Totalt**".to_string(),
                _ => cell(v),
            })
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
        if i == 0 {
            let rule: Vec<&str> = (0..r.len())
                .map(|c| if c == 0 { "---" } else { "---:" })
                .collect();
            out.push_str(&format!("|{}|\n", rule.join("|")));
        }
    }
    out.push('\n');
    for note in stats_notes(&values, by, suppress_below) {
        out.push_str(&format!("- {}\n", cell(&note)));
    }
    out.push_str(STATS_DEFINITIONS_NOTE);
    out
}

/// Where the figures are defined, for a reader of an exported note.
const STATS_DEFINITIONS_NOTE: &str = "\nEn protokoll telles i året og måneden da første tiltak startet (norsk tid). Klager telles på protokollen de gjelder. Medholdsandel = (medhold + delvis medhold) / (medhold + delvis medhold + ikke medhold); avviste og uavgjorte klager er utenfor nevneren. Definisjonene står i tvangs docs/statistics.md.\n";

pub fn config_error(e: &str) -> String {
    format!("innstillingsfilen kan ikke leses: {e}")
}

mod search;
pub mod session;
mod terminal;
mod toml_words;
pub use terminal::terminal_safe;
pub use toml_words::toml_error;

pub use search::{marked, search_field_label, search_json, search_table, SearchHit};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_age_at_the_incident_is_approximate_from_the_birth_year() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            born_and_age(2006, day(2024, 12, 19)),
            "født 2006, ca. 18 år ved hendelsen"
        );
        assert_eq!(
            born_and_age(2006, day(2024, 1, 1)),
            "født 2006, ca. 18 år ved hendelsen"
        );
        assert_eq!(
            born_and_age(2025, day(2024, 1, 1)),
            "født 2025: året er etter hendelsen"
        );
    }

    #[test]
    fn every_error_of_the_core_is_an_error_with_its_cause_as_source() {
        use std::error::Error;
        fn is_error<E: Error + Send + Sync + 'static>() {}
        is_error::<StoreError>();
        is_error::<ImportError>();
        is_error::<crate::import::FileError>();
        is_error::<crate::import::document::DocumentError>();
        is_error::<crate::import::document::labels::LabelFileError>();
        is_error::<crate::export::ExportError>();
        is_error::<crate::backup::BackupError>();
        is_error::<crate::query::FilterError>();
        is_error::<crate::selection::FilterParseError>();
        is_error::<crate::catalogue::CatalogueError>();
        is_error::<crate::time::TimeError>();
        is_error::<crate::session::NameError>();

        let io = || std::io::Error::other("disken er full");
        let store = StoreError::Io {
            path: "/lager".into(),
            source: io(),
        };
        assert_eq!(store.source().unwrap().to_string(), "disken er full");
        // Wrapping errors convert with `?` and keep the cause one level down.
        let import: ImportError = StoreError::Io {
            path: "/lager".into(),
            source: io(),
        }
        .into();
        assert!(import.source().unwrap().source().is_some());
        let export: crate::export::ExportError = io().into();
        assert_eq!(export.source().unwrap().to_string(), "disken er full");
        let backup: crate::backup::BackupError = io().into();
        assert!(backup.source().is_some());
        let file = crate::import::FileError::Document(
            crate::import::document::DocumentError::EncryptedPdf,
        );
        assert_eq!(
            file.source().unwrap().to_string(),
            crate::import::document::DocumentError::EncryptedPdf.to_string()
        );
        // The words are the wording module's, in Norwegian.
        assert_eq!(
            crate::query::FilterError::UnknownRegion("x".into()).to_string(),
            unknown_region_filter("x")
        );
        assert_eq!(
            crate::time::TimeError::DateWithoutTime.to_string(),
            "dato uten klokkeslett"
        );
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        use crate::model::Protocol;
        use crate::stats::{compute, GroupBy};
        let measure = crate::model::Measure {
            provision: "10-7".into(),
            kind: None,
            started_at: crate::time::parse_datetime("2024-01-01 10:00").unwrap(),
            ended_at: None,
        };
        let p = Protocol::new("1", "Lia | Berg \\ hjem", vec![measure]);
        let c = Catalogue::built_in();
        let rows = compute(&[p], &[], GroupBy::Institution, &c);
        let md = stats_markdown(
            &rows,
            GroupBy::Institution,
            None,
            &c,
            "alle",
            "2024-01-02 10:00",
        );
        let group = md.lines().find(|l| l.contains("Lia")).unwrap();
        assert!(
            group.starts_with("| Lia \\| Berg \\\\ hjem | 1 |"),
            "{group}"
        );
        assert_eq!(selection(&[]), "alle protokoller i lageret");
        assert_eq!(
            selection(&[("from", "2024-01-01".into()), ("region", "agder".into())]),
            "fra: 01.01.2024 · statsforvalter: agder"
        );
    }

    #[test]
    fn every_flag_has_label_and_explanation() {
        use crate::flags::Flag;
        for f in Flag::ALL.iter().copied() {
            assert!(!flag_label(f).is_empty());
            assert!(flag_explanation(f).ends_with('.'));
        }
    }
}
