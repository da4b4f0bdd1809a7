//! The terminal UI's words (the CLI's messages about the terminal and the keymap too). The
//! domain's own names — statuses, checks, flags — come from the core's labels, re-exported here
//! so a screen asks one module for its words.

pub use crate::labels::*;

use crate::import::{ImportReport, Progress};
use crate::model::Outcome;
use crate::queue::Column;
use crate::review::{Change, RecordKind, Status};
use crate::triage::{TriageFlag, TriageRules};
use crate::tui::action::{Action, Mode};
use std::fmt;

pub const NOTE_EMPTY: &str = "Notatet er tomt; skriv noe eller trykk Esc.";
pub const NOTE_DISCARDED: &str = "Notatet ble forkastet.";
pub const NOTE_CONFIRM_DISCARD: &str =
    "Trykk Esc igjen for å forkaste notatet, ctrl-s for å lagre.";
pub const CANCELLED: &str = "Avbrutt; ingenting ble endret.";
pub const FILTER_CLEARED: &str = "Filteret er fjernet.";
pub const PICK_STATUS: &str = "Velg status";
pub const PICK_FIELD: &str = "Merknad til hvilket felt?";
pub const PICK_CORRECTION: &str = "Rett hvilket felt lest fra dokumentet?";
pub const NO_DOCUMENT: &str = "Posten er ikke lest fra et Word- eller PDF-dokument.";
pub const SECTION_READING: &str = "Lest fra dokument";
pub const SECTION_ORIGINAL: &str = "Teksten i dokumentet";
pub const READING_CHECKED: &str = "Lesingen er kontrollert mot originalen.";
pub const READING_NOT_CHECKED: &str = "Lesingen er ikke kontrollert.";
pub const NOT_READ: &str = "(ikke lest)";
pub const LINK_TITLE: &str =
    "Koble klagen til protokoll — skriv for å søke, ↑/↓ velger, Enter kobler, Esc avbryter";
/// How to link a complaint whose protocol is not found, with the key the keymap binds.
pub fn link_hint(key: &str) -> String {
    format!(
        "{key}: koble klagen til protokollen den gjelder (søk blant institusjonens protokoller)"
    )
}
pub const LINK_ONLY_COMPLAINTS: &str = "Bare en klage kan kobles til en protokoll.";
pub const LINK_NO_PROTOCOLS: &str = "Ingen protokoller fra klagens institusjon i lageret.";
pub const LINK_NONE_MATCHES: &str = "Ingen protokoll passer søket.";

/// A protocol offered to link a complaint to: date, id, hjemler and tiltak.
pub fn link_candidate(r: &crate::queue::QueueRow, q: &crate::queue::Queue) -> String {
    let date = r
        .date
        .map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_default();
    let provisions: Vec<&str> = r.provisions.iter().map(|s| q.text(*s)).collect();
    let kinds: Vec<&str> = r.kinds.iter().map(|s| q.text(*s)).collect();
    format!(
        "{date}  {}  § {}  {}",
        r.record_id,
        provisions.join(", "),
        kinds.join(", ")
    )
}

/// A field's corrected value, shown under the value as read.
pub fn corrected(value: &str) -> String {
    format!("rettet: {value}")
}

/// The title of the box a field's correction is written in.
pub fn correct_title(field: &str, multiline: bool) -> String {
    format!(
        "Rett {} — {} lagrer, Esc avbryter; tomt: som lest",
        crate::text::document::field_name(field),
        if multiline { "ctrl-s" } else { "Enter" }
    )
}

pub const CORRECT_ONLY_PROTOCOLS: &str =
    "Bare felt i en protokoll kan rettes (en klage kobles til protokollen sin med koblingen).";

/// Where in its document a field was read, in words.
pub fn location(at: &crate::model::Location) -> String {
    match at {
        crate::model::Location::Paragraph(n) => format!("avsnitt {n}"),
        crate::model::Location::TableRow { table, row } => format!("tabell {table}, rad {row}"),
        crate::model::Location::Page { page, line } => format!("side {page}, linje {line}"),
    }
}

/// The document a record was read from, as the reading section's first line says it.
pub fn document_line(d: &crate::model::SourceDocument, others: usize) -> String {
    let format = if d.format == "pdf" { "PDF" } else { "Word" };
    let also = if others > 0 {
        format!(" (og {others} til med samme innhold)")
    } else {
        String::new()
    };
    format!("{} ({format}, {} kB){also}", d.file, d.size.div_ceil(1024))
}

/// What the keys of the reading section do, as the keymap binds them.
pub fn reading_hint(
    original: Option<String>,
    checked: Option<String>,
    correct: Option<String>,
) -> String {
    let parts: Vec<String> = [
        original.map(|k| format!("{k}: vis/skjul teksten")),
        checked.map(|k| format!("{k}: kontrollert")),
        correct.map(|k| format!("{k}: rett et felt")),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.join(" · ")
}
pub const PICK_OUTCOME: &str = "Utfall av klagen";
pub const PICK_CLASSIFY: &str = "Klassifiser";
pub const CHECKLIST_TITLE: &str = "Vilkår for lovlig tvang";
/// The checklist's title: which record, and for how many records the assessments are set.
pub fn checklist_title(record: &str, targets: usize) -> String {
    match targets {
        0 | 1 => format!("{CHECKLIST_TITLE} — {record}"),
        n => format!("{CHECKLIST_TITLE} — {record} (settes på alle {n} merkede)"),
    }
}
pub const CHECKLIST_NOT_ASSESSED: &str = "ikke vurdert";
pub const CHECKLIST_UNREADABLE: &str = "Sjekklisten kunne ikke leses fra lageret.";
pub const CHECKLIST_SUGGESTION: &str = "Forslag";
pub const CHECKLIST_REASON: &str = "Begrunnelse";
pub const CHECKLIST_NO_SUGGESTION: &str = "Ingen forslag fra protokollen for dette vilkåret.";
/// A reason needs an assessment to belong to.
pub fn checklist_assess_first(keys: &str) -> String {
    format!("Vurder vilkåret først ({keys}), og skriv så begrunnelsen.")
}
pub const CHECKLIST_REASON_TITLE: &str =
    "Begrunnelse for vurderingen — ctrl-s lagrer, Esc avbryter";
/// The confidence of a condition's wording, as the catalogue marks it.
pub fn confidence_label(confidence: &str) -> &'static str {
    match confidence {
        "V" => "lest i kilden",
        "I" => "utledet — kontroller mot lovteksten",
        _ => "ikke verifisert — kontroller mot lovteksten",
    }
}
/// How many of the checklist's conditions are assessed, and how many suggestions wait.
pub fn checklist_progress(done: usize, total: usize, suggestions: usize) -> String {
    let mut s = format!("{done} av {total} vilkår vurdert");
    match suggestions {
        0 => {}
        1 => s.push_str(" · 1 forslag fra protokollen"),
        n => s.push_str(&format!(" · {n} forslag fra protokollen")),
    }
    s
}
pub const CLASSIFY_OUTCOME: &str =
    "Utfall (medhold, delvis, ikke medhold, avvist, opphevet, trukket)";
pub const CLASSIFY_DECIDED_ON: &str = "Vedtaksdato";
pub const CLASSIFY_DECIDED_BY: &str = "Avgjort av";
pub const CLASSIFY_REASONS: &str = "Begrunnelse for vedtaket";
pub const REASONS_TITLE: &str = "Begrunnelse for vedtaket — ctrl-s lagrer, Esc avbryter";
pub const REASONS_ONLY_COMPLAINTS: &str = "Begrunnelse skrives på en klage.";
pub const DECIDED_ON_ONLY_COMPLAINTS: &str = "Vedtaksdato settes på en klage.";
pub const CLASSIFY_CHECKLIST: &str = "Vilkår for lovlig tvang (sjekkliste)";
pub const CLASSIFY_PROVISION: &str = "Korrigert hjemmel";
pub const CLASSIFY_KIND: &str = "Korrigert tiltakstype";
pub const CLASSIFY_TAG: &str = "Etikett";
pub const CLASSIFIED_OUTCOME: &str = "Utfall (statsforvalteren)";

/// No condition assessed yet: the classify key, then `v` in its picker.
pub fn checklist_not_assessed(classify: &str, suggestions: usize) -> String {
    let waiting = match suggestions {
        0 => String::new(),
        1 => ", 1 forslag fra protokollen".into(),
        n => format!(", {n} forslag fra protokollen"),
    };
    format!("Vilkår: ikke vurdert ({classify}, v{waiting})")
}
pub const NOTHING_TO_UNDO: &str = "Ingenting å angre.";
pub const IMPORT_RUNNING: &str = "En import pågår allerede.";
pub const IMPORT_STARTED: &str = "Importen er startet; du kan arbeide videre mens den går.";
pub const HELP_TITLE: &str = "Hjelp — skriv for å filtrere, Esc lukker";
pub const NOTE_TITLE: &str = "Notat — ctrl-s lagrer, Esc avbryter";
pub const CONFIRM_HINT: &str = "j/Enter = ja, n/Esc = nei";
pub const WAITING_FOR_KEY: &str = "Venter på neste tast:";

/// Mnemonic keys in the status picker.
pub fn status_key(s: Status) -> char {
    match s {
        Status::Ny => 'n',
        Status::Gjennomgatt => 'g',
        Status::Oppfolging => 'o',
        Status::Mottatt => 'm',
        Status::UnderBehandling => 'u',
        Status::Avgjort => 'a',
    }
}

pub fn outcome_key(o: Outcome) -> char {
    match o {
        Outcome::Medhold => 'm',
        Outcome::DelvisMedhold => 'd',
        Outcome::IkkeMedhold => 'i',
        Outcome::Avvist => 'a',
        Outcome::OpphevetHjemvist => 'o',
        Outcome::Trukket => 't',
    }
}

/// Short outcome for the queue column.
pub fn outcome_short(o: Option<Outcome>) -> &'static str {
    match o {
        Some(Outcome::Medhold) => "medhold",
        Some(Outcome::DelvisMedhold) => "delvis",
        Some(Outcome::IkkeMedhold) => "ikke medh.",
        Some(Outcome::Avvist) => "avvist",
        Some(Outcome::OpphevetHjemvist) => "opphevet",
        Some(Outcome::Trukket) => "trukket",
        None => "",
    }
}

/// Fields a remark can be about: mnemonic, JSON field name, label.
pub fn remark_fields(kind: RecordKind) -> &'static [(char, &'static str, &'static str)] {
    match kind {
        RecordKind::Protocol => &[
            ('f', "danger", "faresituasjonen"),
            ('b', "justification", "begrunnelsen"),
            ('s', "child_statement", "barnets syn"),
            ('h', "measures", "tiltak og hjemmel"),
            ('v', "duration", "varigheten"),
            ('k', "injury", "skade"),
            ('p', "police", "politiet"),
            ('d', "received_at", "datoer og frister"),
            (
                'i',
                "informed_of_complaint_right",
                "informasjon om klageadgang",
            ),
        ],
        RecordKind::Complaint => &[
            ('t', "text", "klagen"),
            ('d', "received_at", "datoer"),
            ('u', "outcome", "utfallet"),
        ],
    }
}

/// One letter per triage flag, for the queue's flag column.
pub fn flag_letter(f: TriageFlag) -> char {
    match f {
        TriageFlag::Injury => 'S',
        TriageFlag::Isolation => 'I',
        TriageFlag::Police => 'P',
        TriageFlag::LongDuration => 'V',
        TriageFlag::SeveralMeasures => 'F',
        TriageFlag::Repeated => 'G',
        TriageFlag::Late => 'T',
        TriageFlag::MissingChildStatement => 'B',
        TriageFlag::NotInformedOfComplaintRight => 'K',
        TriageFlag::UnknownProvision => 'H',
        TriageFlag::SimilarNarrative => 'L',
        TriageFlag::ToCheck => 'D',
        TriageFlag::WrittenAfterReceived => 'E',
        TriageFlag::OverTimeLimit => 'O',
        TriageFlag::PlacementBasisMismatch => 'A',
        TriageFlag::ProvisionNotInForce => 'R',
        TriageFlag::ComplaintExpected => 'Ø',
        TriageFlag::IsolatedTwiceSameDay => 'Y',
    }
}

/// Why a flag is set, with the limits in force.
pub fn triage_explanation(f: TriageFlag, rules: &TriageRules) -> String {
    match f {
        TriageFlag::Injury => "Barnet og/eller ansatte ble skadet.".into(),
        TriageFlag::Isolation => {
            "Isolasjon: krever vindu, minst 8 m², personale til stede og leders beslutning.".into()
        }
        TriageFlag::Police => "Politiet var involvert (alene eller sammen med ansatte).".into(),
        TriageFlag::LongDuration => format!(
            "Et tiltak etter § 10-7 varte over {} minutter; tvangen skal opphøre straks faren er avverget.",
            rules.duration_limit_minutes
        ),
        TriageFlag::SeveralMeasures => "Flere tiltak i samme hendelse.".into(),
        TriageFlag::Repeated => format!(
            "Minst {} protokoller for samme barn ved samme institusjon innen {} dager.",
            rules.repeat_count, rules.repeat_window_days
        ),
        TriageFlag::Late => format!(
            "Forelagt statsforvalteren mer enn {} dager etter hendelsen.",
            rules.late_days
        ),
        TriageFlag::MissingChildStatement => "Barnets syn er ikke dokumentert.".into(),
        TriageFlag::NotInformedOfComplaintRight => {
            "Barnet ble ikke informert om retten til å klage (bvl § 10-14).".into()
        }
        TriageFlag::UnknownProvision => "Minst ett tiltak viser til en hjemmel tvang ikke kjenner.".into(),
        TriageFlag::SimilarNarrative => {
            "Beskrivelsen og begrunnelsen er nesten lik en tidligere protokoll for samme barn; kan være kopiert."
                .into()
        }
        TriageFlag::ToCheck => {
            "Lest fra et Word- eller PDF-dokument der felt manglet eller var usikre (se «Lest fra dokument»); forsvinner når lesingen er kontrollert mot originalen."
                .into()
        }
        TriageFlag::WrittenAfterReceived => {
            crate::labels::flag_explanation(crate::flags::Flag::WrittenAfterReceived).into()
        }
        TriageFlag::OverTimeLimit => {
            crate::labels::flag_explanation(crate::flags::Flag::OverTimeLimit).into()
        }
        TriageFlag::PlacementBasisMismatch => {
            crate::labels::flag_explanation(crate::flags::Flag::PlacementBasisMismatch).into()
        }
        TriageFlag::ProvisionNotInForce => {
            crate::labels::flag_explanation(crate::flags::Flag::ProvisionNotInForce).into()
        }
        TriageFlag::IsolatedTwiceSameDay => {
            "Samme barn (samme referanse) ble isolert ved en annen institusjon samme dag: en av protokollene har feil barn eller dato, eller barnet ble flyttet og isolert igjen.".into()
        }
        TriageFlag::ComplaintExpected => format!(
            "Protokollen sier at barnet ønsket å klage, men ingen klage er kommet {} uker etter hendelsen; har barnet fått hjelp til å klage?",
            rules.complaint_wait_weeks
        ),
    }
}

pub fn column_label(c: Column) -> &'static str {
    match c {
        Column::Date => "Dato",
        Column::Institution => "Institusjon",
        Column::Child => "Barn",
        Column::Provision => "Hjemmel",
        Column::Kind => "Tiltak",
        Column::Duration => "Varighet",
        Column::Flags => "Flagg",
        Column::Status => "Status",
        Column::Complaint => "Klage",
        Column::Due => "Frist",
    }
}

pub use crate::text::deadline_words;

pub use crate::labels::{filter_key_label, filter_value_label};

pub fn kind_plural(kind: RecordKind, n: usize) -> String {
    match (kind, n) {
        (RecordKind::Protocol, 1) => "1 protokoll".into(),
        (RecordKind::Protocol, n) => format!("{n} protokoller"),
        (RecordKind::Complaint, 1) => "1 klage".into(),
        (RecordKind::Complaint, n) => format!("{n} klager"),
    }
}

/// The title line: `312 protokoller · 27 klager åpne`.
pub fn title(
    kind: RecordKind,
    shown: usize,
    total: usize,
    open_protocols: usize,
    open_complaints: usize,
) -> String {
    let what = match kind {
        RecordKind::Protocol => "Protokoller",
        RecordKind::Complaint => "Klager",
    };
    let shown = if shown == total {
        format!("{total}")
    } else {
        format!("{shown} av {total}")
    };
    format!(
        "tvang · {what}: {shown} · {} protokoller åpne · {} klager åpne",
        open_protocols, open_complaints
    )
}

pub fn sorted_by(c: Column, descending: bool) -> String {
    format!(
        "sortert: {} {}",
        column_label(c).to_lowercase(),
        if descending { "↓" } else { "↑" }
    )
}

pub fn marked(n: usize) -> String {
    format!("{n} merket")
}

pub fn change_summary(c: &Change, catalogue: &crate::catalogue::Catalogue) -> String {
    match c {
        Change::Status(Some(s)) => format!("status {}", status_label(*s)),
        Change::Status(None) => "status tilbakestilt".into(),
        Change::Outcome(o) => format!("utfall {}", crate::text::outcome_label(*o)),
        Change::DecidedOn(Some(d)) => format!("vedtaksdato {}", d.format("%d.%m.%Y")),
        Change::DecidedOn(None) => "vedtaksdato fjernet".into(),
        Change::DecidedBy(Some(name)) => format!("avgjort av {name}"),
        Change::DecidedBy(None) => "avgjort av fjernet".into(),
        Change::Reasons(Some(_)) => "begrunnelse".into(),
        Change::Reasons(None) => "begrunnelse fjernet".into(),
        Change::Check(id, check) => format!(
            "{}: {}",
            condition_label(catalogue, id),
            assessment_label(check.as_ref().map(|c| c.assessment))
        ),
        Change::CorrectedProvision(Some(p)) => format!("korrigert hjemmel {p}"),
        Change::CorrectedProvision(None) => "korrigert hjemmel fjernet".into(),
        Change::CorrectedKind(Some(k)) => format!("korrigert tiltakstype {k}"),
        Change::CorrectedKind(None) => "korrigert tiltakstype fjernet".into(),
        Change::AddTag(t) => format!("etikett «{t}»"),
        Change::RemoveTag(t) => format!("etikett «{t}» fjernet"),
        Change::Annotate(a) if a.field.is_some() => "merknad".into(),
        Change::Annotate(_) => "notat".into(),
        Change::Unannotate(_) => "notat fjernet".into(),
        Change::LinkProtocol(id) => format!("klagen koblet til protokoll {id}"),
        Change::ReadingChecked(true) => "lesingen av dokumentet kontrollert".into(),
        Change::ReadingChecked(false) => "lesingen av dokumentet ikke lenger kontrollert".into(),
        Change::Correct(field, Some(v)) => format!(
            "{} rettet til «{}»",
            crate::text::document::field_name(field),
            crate::privacy::mask(v)
        ),
        Change::Correct(field, None) => format!(
            "{}: rettelsen fjernet (som lest)",
            crate::text::document::field_name(field)
        ),
    }
}

pub fn confirm_bulk(what: &str, n: usize, kind: RecordKind) -> String {
    format!("Sette {what} på {}?", kind_plural(kind, n))
}

pub fn saved(summary: &str, records: usize) -> String {
    if records == 1 {
        format!("Lagret: {summary}.")
    } else {
        format!("Lagret: {summary} ({records} poster).")
    }
}

pub fn not_saved(e: &str) -> String {
    format!("IKKE LAGRET: {e}")
}

/// After [`not_saved`], when the text typed is kept in its editor.
pub fn text_kept(not_saved: &str) -> String {
    format!("{not_saved} Teksten står fortsatt i feltet: lagre igjen når det er ordnet, eller forkast den med Esc.")
}

pub fn undone(records: usize) -> String {
    format!("Angret (lagret, {records} post(er)).")
}

pub fn filtered(n: usize) -> String {
    format!("{n} treff.")
}

pub fn filter_saved(name: &str) -> String {
    format!("Filteret «{name}» er lagret; :load_filter {name} henter det.")
}

pub fn filter_deleted(name: &str) -> String {
    format!("Filteret «{name}» er slettet.")
}

pub fn saved_filters(names: &[&str]) -> String {
    if names.is_empty() {
        "Ingen lagrede filtre; :save_filter NAVN lagrer det som er i bruk.".into()
    } else {
        format!("Lagrede filtre: {}", names.join(", "))
    }
}

pub fn no_such_filter(name: &str) -> String {
    format!("Fant ikke filteret «{name}» (:filters viser de lagrede).")
}

pub fn sort_usage() -> String {
    let cols: Vec<String> = Column::ALL.iter().map(|c| c.name()).collect();
    format!(
        "Bruk: :sort KOLONNE [asc|desc] — kolonner: {}",
        cols.join(", ")
    )
}

pub fn unknown_provision(v: &str) -> String {
    format!("Kjenner ikke hjemmelen «{v}» (skriv f.eks. bvl § 10-7).")
}

pub fn unknown_value(key: &str, v: &str) -> String {
    format!("Ugyldig {key}: «{v}».")
}

pub fn import_progress(p: &Progress) -> String {
    let percent = (p.bytes_done * 100).checked_div(p.bytes_total).unwrap_or(0);
    format!(
        "Importerer {percent} % · fil {}/{} · {} poster ",
        p.files_done, p.files_total, p.records
    )
}

pub fn import_done(r: &ImportReport) -> String {
    format!(
        "Import ferdig: {} nye protokoller, {} nye klager, {} avvist, {} i konflikt (tvang import viser detaljene).",
        r.protocols.new,
        r.complaints.new,
        r.rejected.len(),
        r.protocols.conflicting + r.complaints.conflicting
    )
}

/// Short labels for the hint bar.
pub fn hint_label(a: Action) -> &'static str {
    match a {
        Action::Quit => "avslutt",
        Action::Help => "hjelp",
        Action::CommandLine => "kommando",
        Action::Undo => "angre",
        Action::Open => "åpne",
        Action::Back => "tilbake",
        Action::Filter => "filter",
        Action::Search => "søk",
        Action::SearchNext => "neste treff",
        Action::SearchPrev => "forrige treff",
        Action::Decide => "avgjør",
        Action::FollowUp => "oppfølging",
        Action::Classify => "klassifiser",
        Action::Annotate => "notat",
        Action::ToggleMark => "merk",
        Action::ToggleView => "protokoller/klager",
        Action::NextItem => "neste",
        Action::SortNext => "sorter",
        Action::OpenStats => "statistikk",
        Action::NextTab => "neste fane",
        Action::TogglePeriod => "år/måned",
        Action::ToggleSuppression => "publisering",
        Action::NextDateBasis => "dato",
        Action::AssessMet => "oppfylt",
        Action::AssessNotMet => "ikke oppfylt",
        Action::AssessUnassessable => "ikke vurderbar",
        Action::AssessNotApplicable => "ikke aktuelt",
        Action::ClearAssessment => "fjern",
        Action::ConditionReason => "begrunnelse",
        Action::AcceptSuggestion => "bruk forslaget",
        _ => "",
    }
}

/// Actions on the hint bar, per screen, in order.
pub fn hint_actions(mode: Mode) -> &'static [Action] {
    match mode {
        Mode::Detail => &[
            Action::Back,
            Action::NextItem,
            Action::Decide,
            Action::Annotate,
            Action::Classify,
            Action::Undo,
            Action::Help,
        ],
        Mode::Checklist => &[
            Action::AssessMet,
            Action::AssessNotMet,
            Action::AssessUnassessable,
            Action::AssessNotApplicable,
            Action::ClearAssessment,
            Action::ConditionReason,
            Action::AcceptSuggestion,
            Action::Back,
        ],
        Mode::Stats => &[
            Action::Back,
            Action::NextTab,
            Action::TogglePeriod,
            Action::NextDateBasis,
            Action::ToggleSuppression,
            Action::Filter,
            Action::Help,
        ],
        _ => &[
            Action::Help,
            Action::Open,
            Action::Search,
            Action::Filter,
            Action::Decide,
            Action::Annotate,
            Action::Classify,
            Action::ToggleMark,
            Action::ToggleView,
            Action::Undo,
            Action::Quit,
        ],
    }
}

pub fn mode_label(m: Mode) -> &'static str {
    match m {
        Mode::Global => "Overalt",
        Mode::Queue => "Køen",
        Mode::Detail => "Protokoll / klage",
        Mode::Stats => "Statistikk",
        Mode::Checklist => "Sjekkliste (vilkår)",
    }
}

// ---- detail view ----

pub const SECTION_MEASURES: &str = "Tiltak";
pub const SECTION_FACTS: &str = "Fakta";
pub const SECTION_DANGER: &str = "Faresituasjonen";
pub const SECTION_JUSTIFICATION: &str = "Begrunnelse";
pub const SECTION_CHILD: &str = "Barnets syn";
pub const SECTION_INJURY: &str = "Skade";
pub const SECTION_FLAGS: &str = "Flagg";
pub const SECTION_COMPLAINTS: &str = "Klager";
pub const SECTION_TIMELINE: &str = "Samme barn, nyeste først (+dager etter forrige)";
pub const SECTION_CLASSIFICATION: &str = "Klassifisering";
pub const SECTION_NOTES: &str = "Notater og merknader";
pub const SECTION_HISTORY: &str = "Historikk";
pub const SECTION_COMPLAINT: &str = "Klagen";
pub const SECTION_PROTOCOL: &str = "Protokollen klagen gjelder";
pub const NOT_GIVEN: &str = "ikke oppgitt";
pub const NONE: &str = "ingen";
pub const NO_LINKED_PROTOCOL: &str = "Protokollen er ikke i lageret.";

pub fn field_label(field: &str) -> String {
    remark_fields(RecordKind::Protocol)
        .iter()
        .chain(remark_fields(RecordKind::Complaint))
        .find(|(_, f, _)| *f == field)
        .map(|(_, _, label)| label.to_string())
        .unwrap_or_else(|| field.to_string())
}

/// The gap between a protocol and the one before it for the same child.
pub fn days_gap(days: i64) -> String {
    format!("+{days} d")
}

// ---- statistics screen ----

pub const EXPORT_STATS_USAGE: &str =
    "Bruk: :export-stats FIL.csv|.json|.md [N] (N ≥ 2 skjuler tall under N)";
/// The trend table's title: every period, or the newest that fit.
pub fn stats_ratio_title(shown: usize, all: usize, monthly: bool) -> String {
    let what = "Klager per 100 protokoller og medholdsandel";
    if shown < all {
        let unit = if monthly { "måneder" } else { "år" };
        format!("{what} · siste {shown} {unit} av {all}")
    } else {
        what.to_string()
    }
}
pub const STATS_RATIO_HEADER: [&str; 5] = ["Periode", "Per 100", "", "Medhold", ""];

/// A period as the trend table names it: `2024`, or `mar 2024` for a month.
pub fn period_label(group: &str, monthly: bool) -> String {
    match (monthly, group.split_once('-')) {
        (true, Some((year, month))) => match month.parse::<usize>() {
            Ok(m @ 1..=12) => {
                let name: String = crate::time::MONTHS[m - 1].chars().take(3).collect();
                format!("{name} {year}")
            }
            _ => group.to_string(),
        },
        _ => group.to_string(),
    }
}
pub const FUNNEL_TITLE: &str = "Klager per 100 protokoller mot antall protokoller (trakt)";
pub const FUNNEL_INSTITUTIONS: &str = "institusjon";
pub const FUNNEL_OUTSIDE: &str = "utenfor 95 %";
pub const FUNNEL_MEAN: &str = "snitt";
pub const FUNNEL_95: &str = "95 %";
pub const FUNNEL_998: &str = "99,8 %";
pub const FUNNEL_X: &str = "protokoller";
pub const FUNNEL_Y: &str = "per 100";
pub const FUNNEL_NONE_OUTSIDE: &str = "Ingen institusjoner ligger utenfor kontrollgrensene.";
pub const FUNNEL_OUTSIDE_HEADING: &str = "Utenfor kontrollgrensene for klagerate:";

pub fn stats_tab_label(tab: crate::tui::screen::StatsTab) -> &'static str {
    use crate::tui::screen::StatsTab as T;
    match tab {
        T::Time => "Over tid",
        T::Provision => "Hjemmel",
        T::Region => "Region",
        T::Institution => "Institusjoner",
    }
}

/// The statistics screen's title: the selection's size and which date counts; in the
/// publication view no count (a total can be small too), but that it is that view.
pub fn stats_title(
    protocols: u64,
    complaints: u64,
    basis: crate::stats::DateBasis,
    published: Option<u64>,
) -> String {
    let basis = date_basis_label(basis);
    match published {
        Some(below) => format!("tvang · Statistikk · {} · {basis}", publication_view(below)),
        None => format!(
            "tvang · Statistikk · {protocols} protokoller · {complaints} klager i utvalget · {basis}"
        ),
    }
}

pub fn per_period(monthly: bool) -> &'static str {
    if monthly {
        "per måned"
    } else {
        "per år"
    }
}

pub fn protocols_per(monthly: bool) -> String {
    format!("Protokoller {}", per_period(monthly))
}

pub fn complaints_per(monthly: bool) -> String {
    format!("Klager {}", per_period(monthly))
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

/// The total row in one line, under the charts, as the screen shows it (hidden counts as
/// their marks in the publication view).
pub fn stats_summary(total: &serde_json::Map<String, serde_json::Value>) -> String {
    let v = |k: &str, percent: bool| crate::text::stat_cell(&total[k], percent);
    format!(
        "Totalt: {} protokoller · {} klager · {} per 100 · medholdsandel {} · {} uavgjort · median {} dager · {} avgjort innen fristen",
        v("protocols", false),
        v("complaints", false),
        v("complaints_per_100_protocols", false),
        v("upheld_share", true),
        v("pending", false),
        v("median_handling_days", false),
        v("decided_within_target_share", true),
    )
}

pub use crate::labels::date_basis_label;

/// The tab line's mark of the publication view.
pub fn publication_view(below: u64) -> String {
    format!("publiseringsvisning (under {below} skjult)")
}

/// An institution outside the funnel limits, for the list under the plot.
pub fn funnel_outlier(name: &str, row: &crate::stats::Row, class: crate::stats::Funnel) -> String {
    use crate::stats::Funnel as F;
    let side = match class {
        F::Above998 => "over 99,8 %",
        F::Above95 => "over 95 %",
        F::Below998 => "under 99,8 %",
        F::Below95 => "under 95 %",
        F::Within => "innenfor",
    };
    format!(
        "{side}: {name} ({} protokoller, {} klager, {} per 100)",
        row.protocols,
        row.complaints,
        decimal(row.complaints_per_100_protocols)
    )
}

pub fn made_by(when: &str, author: &str) -> String {
    format!("{when} av {author}")
}

pub fn stats_exported(path: &str, groups: usize) -> String {
    format!("Statistikken er lagret i {path} ({groups} grupper og totalen).")
}

// ---- search ----

pub const SEARCH_INDEX_FAILED: &str = "Søkeindeksen kunne ikke bygges.";
pub const SEARCH_ENDED: &str = "Søket er avsluttet; køen er som før.";
pub const SEARCH_HINT: &str =
    "ord finnes omtrentlig (solbakken ~ Sølbakken) · \"frase\" eksakt · inst: barn: hjemmel: tiltak: region: id: tekst:";

pub fn search_failed(e: &str) -> String {
    format!("Søket virket ikke: {e}")
}

/// After Enter on a search that found nothing.
pub const SEARCH_NO_MATCH: &str = "Ingen treff. Esc viser køen som før.";

/// The search line: what is typed and how many of the queue's rows match.
pub fn search_line(text: &str, shown: Option<usize>) -> (String, String) {
    let count = shown.map(|n| format!("  {n} treff")).unwrap_or_default();
    (format!("/{text}"), count)
}

/// The filter bar's chip for the search.
pub fn search_chip(text: &str) -> String {
    format!("[søk: {text}]")
}

pub const SORTED_BY_SCORE: &str = "sortert etter treff";

pub const REVEAL_SHOWN: &str =
    "Fødselsnummer vises og er loggført i revisjonsloggen. v skjuler dem igjen.";
pub const REVEAL_HIDDEN: &str = "Fødselsnummer maskert igjen.";
pub const REVEAL_NOTHING: &str = "Ingen fødselsnummer å vise i denne posten.";

pub const NOT_A_TERMINAL: &str =
    "tvang åpner skjermbildet bare i en terminal; bruk tvang list, show eller stats i skript";

pub fn terminal_error(e: &str) -> String {
    format!("feil i terminalen: {e}")
}

pub fn keymap_ok(file: &str, bindings: usize) -> String {
    format!("{file}: gyldig ({bindings} handlinger bundet).")
}

pub fn keymap_refused(e: &super::keymap::KeymapError) -> String {
    format!("{e}\ntvang starter ikke med et ugyldig tasteoppsett; rett filen og prøv igjen (tvang keymap check FIL).")
}

impl fmt::Display for super::keymap::KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use super::keymap::KeymapError as E;
        match self {
            E::Io { file, message } => write!(f, "{file}: kunne ikke leses: {message}"),
            E::Syntax { file, message } => {
                write!(f, "{file}: {message}")
            }
            E::UnknownMode { file, line, mode } => write!(
                f,
                "{file}:{line}: ukjent skjerm [{mode}] (kjente: global, queue, detail, stats)"
            ),
            E::UnknownAction {
                file,
                line,
                mode,
                action,
            } => write!(
                f,
                "{file}:{line}: ukjent handling «{action}» i [{mode}] (se tvang keymap list)"
            ),
            E::BadKey {
                file,
                line,
                key,
                reason,
            } => write!(f, "{file}:{line}: tasten «{key}» kan ikke leses: {reason}"),
            E::BadBinding { file, line, action } => write!(
                f,
                "{file}:{line}: {action} må være en liste med taster, som [\"j\", \"down\"], eller {{ keys = [...], desc = \"...\" }}"
            ),
            E::Duplicate {
                origin,
                mode,
                key,
                first,
                first_origin,
                second,
            } => write!(
                f,
                "{origin}: tasten «{key}» i [{mode}] er bundet både til {} ({first_origin}) og til {}; fjern den fra en av dem (en tom liste [] fjerner alle)",
                first.name(),
                second.name()
            ),
            E::Prefix {
                origin,
                mode,
                key,
                sequence,
                other,
            } => write!(
                f,
                "{origin}: «{sequence}» i [{mode}] kan aldri nås, fordi «{key}» alene er bundet til {}",
                other.name()
            ),
        }
    }
}

/// What a message says for an action no key is bound to (an own keymap may unbind one).
pub const UNBOUND: &str = "(ingen tast)";

/// The welcome screen on an empty store; the keys are the keymap's.
pub fn welcome(command_line: &str, help: &str, quit: &str) -> Vec<String> {
    vec![
        "Velkommen til tvang".into(),
        String::new(),
        "Lageret er tomt. Importer tvangsprotokoller og klager (Word, PDF,".into(),
        "regneark, JSON, JSON Lines eller CSV):".into(),
        String::new(),
        format!("  {command_line}import MAPPE-ELLER-FIL      her i tvang (trykk {command_line} og skriv kommandoen)"),
        "  tvang import MAPPE           fra skallet".into(),
        "  tvang open samples/          importerer eksempeldataene og åpner dem".into(),
        String::new(),
        format!("{help} viser alle taster, {quit} avslutter."),
    ]
}

/// An empty queue: how to get rows back.
pub fn no_rows(clear_filter: &str, search: &str) -> String {
    format!("Ingen treff. {clear_filter} fjerner filteret, {search} endrer det.")
}

/// The filter bar when nothing is filtered.
pub fn no_filter(filter: &str, search: &str) -> String {
    format!("Ingen filter · {filter} filtrerer (status=ny flag=injury provision=10-7 …) · {search} søker")
}

/// The statistics screen when the filter selects nothing.
pub fn stats_empty(clear_filter: &str, filter: &str) -> String {
    format!("Ingen protokoller i utvalget. {clear_filter} fjerner filteret, {filter} endrer det.")
}

pub fn no_search(search: &str) -> String {
    format!("Ingen søk å gå gjennom: trykk {search} for å søke.")
}

// ---- the `:` commands (their table is tui::state::commands) ----

pub const CMD_FILTER: (&str, &str) = (
    ":filter status=ny flag=injury …",
    "Filtrer (status, provision, kind, institution, region, flag, from, to, complaint, tag)",
);
pub const CMD_SAVE_FILTER: (&str, &str) = (":save_filter NAVN", "Lagre filteret i bruk");
pub const CMD_LOAD_FILTER: (&str, &str) = (":load_filter NAVN", "Bruk et lagret filter");
pub const CMD_FILTERS: (&str, &str) = (":filters", "Vis lagrede filtre");
pub const CMD_DELETE_FILTER: (&str, &str) = (":delete_filter NAVN", "Slett et lagret filter");
pub const CMD_SORT: (&str, &str) = (
    ":sort KOLONNE [desc]",
    "Sorter (date, institution, child, provision, kind, duration, flags, status, complaint)",
);
pub const CMD_STATUS: (&str, &str) = (
    ":status NAVN",
    "Sett status (ny, gjennomgatt, oppfolging, mottatt, under_behandling, avgjort)",
);
pub const CMD_OUTCOME: (&str, &str) = (
    ":outcome NAVN",
    "Sett utfall (medhold, delvis_medhold, ikke_medhold, avvist, opphevet_hjemvist, trukket)",
);
pub const CMD_DECIDED_ON_NAME: &str = "vedtaksdato";
pub const CMD_DECIDED_ON: (&str, &str) = (
    ":vedtaksdato DATO",
    "Vedtaksdato for klagen (dd.mm.åååå; ikke fram i tid, ikke før klagen kom)",
);
pub const CMD_DECIDED_BY_NAME: &str = "avgjort-av";
pub const CMD_DECIDED_BY: (&str, &str) =
    (":avgjort-av NAVN", "Hvem som avgjorde klagen (tom: fjern)");
pub const CMD_REASONS: (&str, &str) = (":begrunnelse", "Skriv begrunnelsen for vedtaket");

/// Why a decision day was refused.
pub fn decided_on_refused(e: &crate::decision::DayError) -> String {
    use crate::decision::DayError;
    let day = |d: &chrono::NaiveDate| d.format("%d.%m.%Y").to_string();
    match e {
        DayError::Future { day: d, today } => {
            format!(
                "Vedtaksdatoen {} er fram i tid (i dag er {}).",
                day(d),
                day(today)
            )
        }
        DayError::BeforeReceived { day: d, received } => format!(
            "Vedtaksdatoen {} er før klagen kom inn ({}).",
            day(d),
            day(received)
        ),
    }
}

pub fn not_a_date(text: &str) -> String {
    format!("«{text}» er ikke en dato (skriv dd.mm.åååå).")
}

pub const DECIDED_ON_NEEDS_OUTCOME: &str =
    "Klagen har ikke noe utfall ennå: sett utfallet først, så vedtaksdatoen.";

pub const CMD_LETTER: (&str, &str) = (
    ":vedtaksbrev [FIL]",
    "Skriv vedtaksbrevet for klagen (Word; .md gir Markdown; uten FIL: vedtaksbrev-KLAGE.docx)",
);
pub const LETTER_USAGE: &str =
    "Vedtaksbrevet skrives som Word (.docx) eller Markdown (.md): :vedtaksbrev FIL.docx";
pub const LETTER_NO_RECORD: &str = "Ingen klage å skrive vedtaksbrev for";
pub const LETTER_NO_COMPLAINT: &str =
    "Protokollen har ingen klage: vedtaksbrev skrives for en avgjort klage";

pub fn letter_several(complaints: &[&str]) -> String {
    format!(
        "Protokollen har flere klager ({}): åpne klagen brevet gjelder",
        complaints.join(", ")
    )
}

/// Said when `:vedtaksbrev` wrote the letter. The conditions not assessed come first: the
/// status line cuts what does not fit, and the path is already on disk to be found.
pub fn letter_written(
    path: &str,
    format: crate::letter::LetterFormat,
    revealed: bool,
    unassessed: usize,
) -> String {
    let how = crate::letter::words::written_as(format, revealed);
    match unassessed {
        0 => format!("Vedtaksbrevet er skrevet til {path} ({how})"),
        n => format!("Vedtaksbrevet er skrevet, med {n} vilkår som «Ikke vurdert»: {path} ({how})"),
    }
}

pub const CMD_PROVISION: (&str, &str) = (":provision HJEMMEL", "Korrigert hjemmel (tom: fjern)");
pub const CMD_KIND: (&str, &str) = (":kind TILTAK", "Korrigert tiltakstype (tom: fjern)");
pub const CMD_TAG: (&str, &str) = (":tag NAVN", "Legg til en etikett");
pub const CMD_UNTAG: (&str, &str) = (":untag NAVN", "Fjern en etikett");
pub const CMD_EXPORT_STATS: (&str, &str) = (
    ":export-stats FIL [N]",
    "Lagre statistikken som vises (FIL.csv, .json eller .md); N skjuler tall under N",
);
pub const CMD_IMPORT: (&str, &str) = (
    ":import STI …",
    "Importer filer eller mapper mens du arbeider",
);
pub const CMD_SESSION: &[(&str, &str)] = &[
    (
        ":session new NAVN",
        "Ny økt: arbeidslisten er radene som vises nå (filter og søk)",
    ),
    (":session [NAVN]", "Velg økt / fortsett økten NAVN"),
    (
        ":session report [FIL]",
        "Øktrapport (FIL.md, .json eller .csv; uten FIL: NAVN.md)",
    ),
    (
        ":session add",
        "Ta med poster importert senere som passer til øktens utvalg",
    ),
    (":session leave / close", "Gå ut av økten / avslutt den"),
];
pub const CMD_QUIT: (&str, &str) = (":q", "Avslutt");
/// Not a command of the table: every action of the keymap by its name.
pub const CMD_ACTION: (&str, &str) = (
    ":HANDLING",
    "Enhver handling fra tasteoppsettet, f.eks. :decide",
);

pub fn command_usage(usage: &str) -> String {
    format!("Skriv {usage}.")
}

pub fn unknown_command(line: &str, suggestion: Option<&str>, help: &str) -> String {
    match suggestion {
        Some(name) => format!(
            "Ukjent kommando «{line}». Mente du :{name}? {help} viser taster og kommandoer."
        ),
        None => format!("Ukjent kommando «{line}». {help} viser taster og kommandoer."),
    }
}
