//! What review sessions say: the TUI's title and messages, the CLI's lines and the report as
//! a Markdown working note.

use super::{decimal, outcome_label, percent};
use crate::labels::{filter_key_label, filter_value_label, status_label, triage_label, TOTAL};
use crate::review::RecordKind;
use crate::session::{NameError, Progress, SessionState};
use crate::session_report::{GroupSummary, ReportFormat, SessionReport};
use crate::time::oslo_minute;

/// "18 / 48 gjennomgått · 3 til oppfølging"
pub fn progress(p: Progress) -> String {
    format!(
        "{} / {} gjennomgått · {} til oppfølging",
        p.handled, p.items, p.follow_up
    )
}

/// The TUI's title while a session is active.
pub fn title(name: &str, p: Progress, active_minutes: i64, shown: usize) -> String {
    let mut s = format!(
        "Økt «{name}» · {} · {}",
        progress(p),
        duration(active_minutes)
    );
    if shown != p.items {
        s.push_str(&format!(" · {shown} vist"));
    }
    s
}

/// A time in minutes as every surface writes it: "0 min", "47 min", "2 t 05 min", "22 d 0 t".
pub fn duration(minutes: i64) -> String {
    crate::time::format_duration(chrono::Duration::minutes(minutes))
}

pub fn kind_plural(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Protocol => "protokoller",
        RecordKind::Complaint => "klager",
    }
}

pub fn name_error(e: &NameError) -> String {
    match e {
        NameError::Empty => "Økten trenger et navn: :session new NAVN".into(),
        NameError::TooLong => format!(
            "Navnet er for langt (høyst {} tegn)",
            crate::session::NAME_MAX
        ),
        NameError::ControlCharacter => "Navnet kan ikke ha linjeskift eller tabulator".into(),
    }
}

pub fn exists(name: &str) -> String {
    format!("Det finnes alt en økt som heter «{name}»")
}

pub fn no_such(name: &str) -> String {
    format!("Fant ingen økt som heter «{name}» (tvang session list viser dem)")
}

pub fn empty_worklist(kind: RecordKind) -> String {
    format!(
        "Ingen {} i utvalget: en økt trenger minst én post",
        kind_plural(kind)
    )
}

pub fn created(name: &str, items: usize, kind: RecordKind) -> String {
    format!(
        "Økt «{name}» laget med {items} {}. Arbeidslisten ligger fast; d avgjør og går til neste ugjennomgåtte.",
        kind_plural(kind)
    )
}

pub fn resumed(name: &str, p: Progress) -> String {
    format!("Fortsetter økt «{name}»: {}", progress(p))
}

pub fn left(name: &str) -> String {
    format!("Ute av økt «{name}» (den er ikke avsluttet: :session fortsetter)")
}

pub fn closed(name: &str) -> String {
    format!("Økt «{name}» er avsluttet")
}

pub fn reopened(name: &str) -> String {
    format!("Økt «{name}» er åpnet igjen")
}

pub fn is_closed(name: &str) -> String {
    format!("Økt «{name}» er avsluttet (tvang session reopen åpner den igjen)")
}

pub const NO_ACTIVE: &str = "Ingen aktiv økt (:session new NAVN lager en, :session velger en)";
pub const NO_SESSIONS: &str = "Ingen økter ennå: :session new NAVN lager en av utvalget i køen";
pub const ALL_HANDLED: &str =
    "Alle postene i økten er gjennomgått: :session report skriver rapporten";
pub const ONE_KIND: &str = "Økten gjelder bare én slags poster (:session leave for å se alle)";
pub const PICK_SESSION: &str = "Økter (velg for å fortsette)";
pub const PICK_NEW: &str = "Ny økt fra utvalget i køen …";
pub const PICK_LEAVE: &str = "Gå ut av økten";
/// Before the active session in the picker.
pub const ACTIVE_MARK: &str = "● ";
/// The filter bar in a session with no filter of its own.
pub const FILTER_WITHIN: &str = "f filtrerer innen økten";

/// A session's selection in words (`hjemmel: § 10-7`, `flagg: skade`), then its search: what
/// the filter bar, the report and `session show` say it was made from.
fn selection_parts<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    search: Option<&str>,
) -> Vec<String> {
    let mut parts: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{}: {}", filter_key_label(k), filter_value_label(k, v)))
        .collect();
    if let Some(q) = search {
        parts.push(format!("søk «{q}»"));
    }
    parts
}

/// The filter bar's chip for the session's own selection.
pub fn selection_chip(filter: &crate::queue::QueueFilter, search: Option<&str>) -> String {
    let pairs = filter.pairs();
    let parts = selection_parts(pairs.iter().map(|(k, v)| (*k, v.as_str())), search);
    if parts.is_empty() {
        "[økt: alle]".into()
    } else {
        format!("[økt: {}]", parts.join(", "))
    }
}
pub const REPORT_USAGE: &str =
    "Bruk: :session report [FIL.md | FIL.json | FIL.csv] (uten fil: øktens navn .md i mappen du startet tvang fra)";

pub fn offered(name: &str, n: usize) -> String {
    format!("{n} poster importert etter at økt «{name}» ble laget passer til utvalget: :session add tar dem med")
}

pub fn added(n: usize) -> String {
    format!("{n} poster lagt til i økten")
}

pub const NOTHING_OFFERED: &str = "Ingen nye poster passer til øktens utvalg";

pub fn report_written(path: &str, items: usize) -> String {
    format!("Rapport skrevet til {path} ({items} poster, loggført)")
}

/// A session as the picker and `tvang session list` show it.
pub fn summary_line(s: &SessionState, p: Progress, width: usize) -> String {
    let closed = if s.is_closed() { " · avsluttet" } else { "" };
    format!(
        "{:<width$} {} · {} · {}{closed}",
        s.name,
        progress(p),
        duration(s.active_minutes()),
        crate::time::oslo_date(&s.created_at.fixed_offset()),
    )
}

fn selection(r: &SessionReport) -> String {
    let parts = selection_parts(
        r.selection.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        r.search.as_deref(),
    );
    if parts.is_empty() {
        format!("alle {}", kind_plural(r.kind))
    } else {
        format!("{} ({})", parts.join(" · "), kind_plural(r.kind))
    }
}

/// Escapes a table cell.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

fn summary_table(out: &mut String, first: &str, rows: &[GroupSummary], total: &GroupSummary) {
    out.push_str(&format!(
        "| {first} | Poster | Gjennomgått | Til oppfølging | Med flagg | Protokoller | Klager | Klager per 100 protokoller | Medhold | Delvis medhold | Ikke medhold | Avvist | Opphevet | Trukket | Uavgjort | Medholdsandel |\n"
    ));
    out.push_str(
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let total_label = format!("**{TOTAL}**");
    for (g, label) in rows
        .iter()
        .map(|g| (g, cell(&g.group)))
        .chain(std::iter::once((total, total_label)))
    {
        let o = &g.outcomes;
        out.push_str(&format!(
            "| {label} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            g.items,
            g.handled,
            g.follow_up,
            g.flagged,
            g.protocols,
            g.complaints,
            decimal(g.complaints_per_100_protocols),
            o.counts.medhold,
            o.counts.delvis_medhold,
            o.counts.ikke_medhold,
            o.counts.avvist,
            o.counts.opphevet_hjemvist,
            o.counts.trukket,
            o.counts.pending,
            percent(o.upheld_share),
        ));
    }
    out.push('\n');
}

/// The report as a tilsyn working note.
pub fn report_markdown(r: &SessionReport) -> String {
    let mut out = format!("# Gjennomgang: {}\n\n", r.session);
    let p = r.progress;
    out.push_str(&format!("- Utvalg: {}\n", selection(r)));
    out.push_str(&format!(
        "- Laget: {} av {}\n",
        oslo_minute(&r.created_at),
        r.created_by
    ));
    out.push_str(&format!(
        "- Status: {}\n",
        match r.closed_at {
            Some(at) => format!("avsluttet {}", oslo_minute(&at)),
            None => "pågår".into(),
        }
    ));
    out.push_str(&format!(
        "- Fremdrift: {} · {} gjenstår\n",
        progress(p),
        p.items - p.handled
    ));
    out.push_str(&format!(
        "- Tid brukt: {} (aktiv tid; pauser over 5 minutter er ikke regnet med)\n",
        duration(r.active_minutes)
    ));
    if r.missing > 0 {
        out.push_str(&format!(
            "- {} poster i arbeidslisten finnes ikke lenger i lageret\n",
            r.missing
        ));
    }
    if r.offered_later > 0 {
        out.push_str(&format!(
            "- {} poster importert senere passer til utvalget, men er ikke tatt med\n",
            r.offered_later
        ));
    }
    out.push_str(&format!(
        "- Rapport: {} av {}. Fødselsnummer er maskert.\n\n",
        oslo_minute(&r.generated_at),
        r.generated_by
    ));

    out.push_str("## Protokoller og klager\n\n");
    let t = &r.total;
    let o = &r.outcomes;
    out.push_str(&format!(
        "{} protokoller og {} klager ({} klager per 100 protokoller). Utfall: {} medhold, {} delvis medhold, {} ikke medhold, {} avvist{}, {} ikke avgjort; medholdsandel {}.\n\n",
        t.protocols,
        t.complaints,
        decimal(t.complaints_per_100_protocols),
        o.counts.medhold,
        o.counts.delvis_medhold,
        o.counts.ikke_medhold,
        o.counts.avvist,
        // The two outcomes most sessions never meet are named when they are there.
        [
            (o.counts.opphevet_hjemvist, "opphevet og sendt tilbake"),
            (o.counts.trukket, "trukket"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!(", {n} {what}"))
        .collect::<String>(),
        o.counts.pending,
        percent(o.upheld_share),
    ));
    out.push_str(match r.kind {
        RecordKind::Protocol => "Klagene er klagene på øktens protokoller.\n\n",
        RecordKind::Complaint => {
            "Protokollene er dem øktens klager gjelder (når de finnes i lageret).\n\n"
        }
    });

    out.push_str("## Flagg\n\n");
    if r.flags.is_empty() {
        out.push_str("Ingen av postene har flagg.\n\n");
    } else {
        out.push_str("| Flagg | Antall | Poster |\n|---|---:|---|\n");
        for f in &r.flags {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                triage_label(f.flag),
                f.count,
                cell(&f.records.join(", "))
            ));
        }
        out.push('\n');
    }

    out.push_str("## Vilkår vurdert\n\n");
    if r.conditions.is_empty() {
        out.push_str("Ingen vilkår er vurdert i sjekklisten.\n\n");
    } else {
        out.push_str(
            "| Vilkår | Oppfylt | Ikke oppfylt | Ikke vurderbar | Ikke aktuelt |\n|---|---:|---:|---:|---:|\n",
        );
        for c in &r.conditions {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                cell(&c.label),
                c.met,
                c.not_met,
                c.not_assessable,
                c.not_applicable
            ));
        }
        out.push('\n');
    }

    out.push_str("## Til oppfølging\n\n");
    if r.follow_up.is_empty() {
        out.push_str("Ingen poster er satt til oppfølging.\n\n");
    } else {
        for item in r.items.iter().filter(|i| i.follow_up) {
            let latest_note = item.notes.last().map(|n| format!(": {}", n.text));
            out.push_str(&format!(
                "- {} ({}, {}){}\n",
                item.id,
                item.institution,
                item.date.map(|d| d.to_string()).unwrap_or_default(),
                latest_note.unwrap_or_default().replace('\n', " ")
            ));
        }
        out.push('\n');
    }

    out.push_str("## Per institusjon\n\n");
    summary_table(&mut out, "Institusjon", &r.by_institution, &r.total);
    out.push_str("## Per hjemmel\n\n");
    summary_table(&mut out, "Hjemmel", &r.by_provision, &r.total);
    out.push_str("En protokoll med tiltak etter flere hjemler telles under hver av dem; totalen teller den én gang.\n\n");

    out.push_str("## Postene\n\n");
    for i in &r.items {
        out.push_str(&format!(
            "### {} · {} · {}\n\n",
            i.id,
            i.institution,
            i.date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "uten dato".into())
        ));
        let mut facts = vec![format!("Status: {}", status_label(i.status))];
        if i.kind == RecordKind::Complaint {
            facts.push(format!("Utfall: {}", outcome_label(i.outcome)));
            if let Some(p) = &i.protocol {
                facts.push(format!("Gjelder protokoll {p}"));
            }
        } else if i.complaints > 0 {
            facts.push(format!("Klager: {}", i.complaints));
        }
        if !i.provisions.is_empty() {
            facts.push(format!("Hjemmel: {}", i.provisions.join(", ")));
        }
        if !i.kinds.is_empty() {
            facts.push(format!("Tiltak: {}", i.kinds.join(", ")));
        }
        if let Some(m) = i.duration_minutes {
            facts.push(format!("Varighet: {}", duration(m)));
        }
        if let Some(c) = &i.child {
            facts.push(format!("Barn: {c}"));
        }
        out.push_str(&format!("- {}\n", facts.join(" · ")));
        if !i.flags.is_empty() {
            let flags: Vec<&str> = i.flags.iter().map(|f| triage_label(*f)).collect();
            out.push_str(&format!("- Flagg: {}\n", flags.join(", ")));
        }
        if !i.checklist.is_empty() {
            let checks: Vec<String> = i
                .checklist
                .iter()
                .map(|c| {
                    let reason = c
                        .reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default();
                    format!(
                        "{}: {}{reason}",
                        c.label,
                        crate::labels::assessment_label(Some(c.assessment))
                    )
                })
                .collect();
            out.push_str(&format!("- Vilkår: {}\n", checks.join("; ")));
        }
        if let Some(p) = &i.corrected_provision {
            out.push_str(&format!("- Riktig hjemmel etter statsforvalteren: {p}\n"));
        }
        if let Some(k) = &i.corrected_kind {
            out.push_str(&format!("- Riktig tiltak etter statsforvalteren: {k}\n"));
        }
        if !i.tags.is_empty() {
            let tags: Vec<&str> = i.tags.iter().map(String::as_str).collect();
            out.push_str(&format!("- Etiketter: {}\n", tags.join(", ")));
        }
        for n in &i.notes {
            let about = n
                .field
                .as_deref()
                .map(|f| format!(" om {f}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "- Notat{about} ({}, {}): {}\n",
                n.author,
                oslo_minute(&n.at),
                n.text.replace('\n', " ")
            ));
        }
        out.push('\n');
    }
    out.push_str("Gjennomgått = status er flyttet fra ny (protokoll) eller mottatt (klage); til oppfølging = protokoll i oppfølging eller klage under behandling. Medholdsandel = (medhold + delvis medhold) / (medhold + delvis medhold + ikke medhold).\n");
    out
}

pub fn created_cli(name: &str, items: usize, kind: RecordKind) -> String {
    format!(
        "Økt «{name}» laget med {items} {}. Arbeidslisten ligger fast; tvang open fortsetter i den med :session {name}",
        kind_plural(kind)
    )
}

pub const NO_SESSIONS_CLI: &str =
    "Ingen økter (tvang session new NAVN [filtre] lager en; --all viser også avsluttede)";

/// `tvang session show`: the session and its items, one line each (✓ handled, ! follow-up).
pub fn show(
    session: &crate::session::Session,
    queue: &crate::queue::Queue,
    offered_later: usize,
) -> String {
    let s = &session.state;
    let p = crate::session_report::progress(queue, &session.items);
    let mut out = format!(
        "Økt «{}» ({}) · {}\n",
        s.name,
        kind_plural(s.kind),
        match s.closed_at {
            Some(at) => format!("avsluttet {}", oslo_minute(&at)),
            None => "pågår".into(),
        }
    );
    let pairs = s.filter.pairs();
    let mut selection = selection_parts(
        pairs.iter().map(|(k, v)| (*k, v.as_str())),
        s.search.as_deref(),
    );
    if selection.is_empty() {
        selection.push(format!("alle {}", kind_plural(s.kind)));
    }
    out.push_str(&format!("Utvalg:    {}\n", selection.join(" · ")));
    out.push_str(&format!(
        "Laget:     {} av {}\n",
        oslo_minute(&s.created_at),
        s.created_by
    ));
    out.push_str(&format!("Fremdrift: {}\n", progress(p)));
    out.push_str(&format!("Tid brukt: {}\n", duration(s.active_minutes())));
    if offered_later > 0 {
        out.push_str(&format!(
            "{offered_later} poster importert senere passer til utvalget: tvang session add «{}» tar dem med\n",
            s.name
        ));
    }
    out.push('\n');
    for r in &session.items {
        let Some(row) = queue.row_of(*r).map(|i| &queue.rows[i]) else {
            out.push_str("  ? (finnes ikke lenger i lageret)\n");
            continue;
        };
        let mark = if crate::session::needs_follow_up(row.status) {
            '!'
        } else if crate::session::is_handled(row.status) {
            '✓'
        } else {
            ' '
        };
        let flags: Vec<&str> = row.flags.iter().map(triage_label).collect();
        out.push_str(&format!(
            "{mark} {:<16} {:<10} {:<28} {:<16} {}\n",
            row.record_id,
            row.date.map(|d| d.to_string()).unwrap_or_default(),
            queue.text(row.institution),
            status_label(row.status),
            flags.join(", ")
        ));
    }
    out
}

/// The report's file when `:session report` names none: the session's name, with what file
/// names cannot hold replaced.
pub fn default_report_file(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{}.md", safe.trim_matches('-'))
}

/// The report in a format: Markdown in these words, or the JSON and CSV of its data.
pub fn render_report(report: &SessionReport, format: ReportFormat) -> String {
    match format {
        ReportFormat::Markdown => report_markdown(report),
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(report).expect("reports serialise to JSON");
            s.push('\n');
            s
        }
        ReportFormat::Csv => crate::session_report::to_csv(report),
    }
}
