//! The detail view's lines: the record as `tvang show` prints it, then what the inspector needs
//! beside it: triage flags with their reasons, classification, the child's other protocols,
//! notes and the history of changes.

use super::action::{Action, Mode};
use super::state::{App, Detail};
use super::theme::Theme;
use crate::review::{RecordKind, Review};
use crate::text::{self};
use crate::time::format_oslo;
use crate::tui::text as t;
use ratatui::text::{Line, Span};

fn heading(lines: &mut Vec<Line<'static>>, theme: Theme, title: String) {
    lines.push(Line::raw(""));
    lines.push(Line::styled(title, theme.header()));
}

fn plain(lines: &mut Vec<Line<'static>>, block: &str) {
    for l in block.lines() {
        lines.push(Line::raw(l.to_string()));
    }
}

pub fn detail_lines(app: &App, d: &Detail, theme: Theme) -> Vec<Line<'static>> {
    let width = usize::from(app.width()).max(40);
    let mut lines = Vec::new();
    let row = app.queue.row_of(d.record).map(|i| &app.queue.rows[i]);
    if let Some(r) = row {
        let mut head = vec![Span::styled(
            format!("Status: {}", t::status_label(r.status)),
            theme.title(),
        )];
        if !d.review.tags.is_empty() {
            let tags: Vec<&str> = d.review.tags.iter().map(String::as_str).collect();
            head.push(Span::raw(format!(" · etiketter: {}", tags.join(", "))));
        }
        lines.push(Line::from(head));
    }
    if let (true, Some(document)) = (d.show_original, d.documents.first()) {
        heading(
            &mut lines,
            theme,
            format!("{} — {}", t::SECTION_ORIGINAL, document.file),
        );
        for l in document.text.lines() {
            // A terminal cell has no tab stop: Word's tab between two fields becomes spaces.
            lines.push(Line::raw(format!("  {}", l.replace('\t', "    "))));
        }
        lines.push(Line::raw(""));
    }
    match d.record.kind {
        RecordKind::Protocol => {
            if let Some(sp) = &d.protocol {
                let complaints: Vec<_> = d.complaints.iter().map(|(c, _)| c.clone()).collect();
                plain(
                    &mut lines,
                    &text::protocol_detail(
                        sp,
                        &complaints,
                        d.versions.len(),
                        &app.catalogue,
                        width,
                    ),
                );
            }
        }
        RecordKind::Complaint => {
            if let Some(sc) = &d.complaint {
                plain(
                    &mut lines,
                    &text::complaint_detail(sc, d.protocol.as_ref(), width, &failed_labels(app, d)),
                );
            }
        }
    }
    reading(&mut lines, app, d, theme);
    if let Some(r) = row {
        if !r.flags.is_empty() {
            heading(
                &mut lines,
                theme,
                format!("{} ({})", t::SECTION_FLAGS, r.flags.len()),
            );
            for f in r.flags.iter() {
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("  {} {}: ", t::flag_letter(f), t::triage_label(f)),
                        theme.flag(),
                    ),
                    Span::raw(t::triage_explanation(f, app.rules())),
                ]));
            }
        }
    }
    let classify_key = app.key(Mode::Detail, Action::Classify);
    // A protocol's checklist is about itself; a complaint's about the protocol it concerns.
    let own_protocol_review = match d.record.kind {
        RecordKind::Protocol => Some(&d.review),
        RecordKind::Complaint => d.protocol_review.as_ref(),
    };
    let about = Checked {
        protocol: d.protocol.as_ref().map(|sp| &sp.protocol),
        protocol_review: own_protocol_review,
    };
    classification(
        &mut lines,
        app,
        theme,
        &d.review,
        d.record.kind,
        about,
        &classify_key,
    );
    if d.record.kind == RecordKind::Complaint {
        if let (Some(sp), Some(review)) = (&d.protocol, &d.protocol_review) {
            heading(&mut lines, theme, t::SECTION_PROTOCOL.to_string());
            plain(
                &mut lines,
                &text::protocol_detail(sp, &[], d.versions.len(), &app.catalogue, width),
            );
            let about = Checked {
                protocol: Some(&sp.protocol),
                protocol_review: Some(review),
            };
            classification(
                &mut lines,
                app,
                theme,
                review,
                RecordKind::Protocol,
                about,
                &classify_key,
            );
        } else if d.protocol.is_none() {
            heading(&mut lines, theme, t::SECTION_PROTOCOL.to_string());
            lines.push(Line::raw(format!("  {}", t::NO_LINKED_PROTOCOL)));
            if let Some(key) = app.keymap.key_for(Mode::Detail, Action::LinkProtocol) {
                lines.push(Line::styled(
                    format!("  {}", t::link_hint(&key)),
                    theme.dim(),
                ));
            }
        }
    }
    if d.timeline.len() > 1 {
        heading(
            &mut lines,
            theme,
            format!("{} ({})", t::SECTION_TIMELINE, d.timeline.len()),
        );
        let this = d.protocol.as_ref().map(|p| p.id);
        for (i, (id, p)) in d.timeline.iter().enumerate() {
            let gap = d
                .timeline
                .get(i + 1)
                .map(|(_, older)| {
                    t::days_gap((p.incident_date() - older.incident_date()).num_days())
                })
                .unwrap_or_default();
            let provisions: Vec<String> = p
                .measures
                .iter()
                .map(|m| {
                    app.catalogue
                        .resolve_provision(&m.provision)
                        .map(|prov| format!("§ {}", prov.section))
                        .unwrap_or_else(|| m.provision.clone())
                })
                .collect();
            let kinds: Vec<&str> = p
                .measures
                .iter()
                .filter_map(|m| m.kind.as_deref())
                .collect();
            let marker = if Some(*id) == this { "▶" } else { " " };
            let text = format!(
                "{marker} {}  {:>7}  {:<12} {} · {}",
                format_oslo(&p.incident_at()),
                gap,
                p.protocol_id,
                provisions.join(", "),
                kinds.join(", "),
            );
            lines.push(if Some(*id) == this {
                Line::styled(text, theme.title())
            } else {
                Line::raw(text)
            });
        }
    }
    heading(
        &mut lines,
        theme,
        format!("{} ({})", t::SECTION_NOTES, d.review.annotations.len()),
    );
    if d.review.annotations.is_empty() {
        lines.push(Line::raw(format!("  {}", t::NONE)));
    }
    for a in &d.review.annotations {
        let about = a
            .field
            .as_deref()
            .map(|f| format!(" · merknad til {}", t::field_label(f)))
            .unwrap_or_default();
        lines.push(Line::styled(
            format!(
                "  {} · {}{about}",
                a.author,
                format_oslo(&a.at.fixed_offset())
            ),
            theme.dim(),
        ));
        // A note may quote a fødselsnummer: masked like the record, unless revealed with `v`.
        let text = if d.revealed {
            std::borrow::Cow::Borrowed(a.text.as_str())
        } else {
            crate::privacy::mask(&a.text)
        };
        for l in text.lines() {
            lines.push(Line::raw(format!("    {l}")));
        }
    }
    if !d.audit.is_empty() {
        heading(
            &mut lines,
            theme,
            format!("{} ({})", t::SECTION_HISTORY, d.audit.len()),
        );
        for e in d.audit.iter().rev() {
            let line = format!(
                "  {} {} {}",
                format_oslo(&e.at.fixed_offset()),
                e.author,
                crate::text::audit_description(e)
            );
            // A history line may quote a note's text.
            lines.push(Line::raw(if d.revealed {
                line
            } else {
                crate::privacy::mask(&line).into_owned()
            }));
        }
    }
    lines
}

/// The fields as read from the document: from which label and where, what is to be checked and
/// why, and the inspector's corrections beside the value as read.
fn reading(lines: &mut Vec<Line<'static>>, app: &App, d: &Detail, theme: Theme) {
    let Some(document) = d.documents.first() else {
        return;
    };
    heading(lines, theme, t::SECTION_READING.to_string());
    lines.push(Line::raw(format!(
        "  {}",
        t::document_line(document, d.documents.len() - 1)
    )));
    let key = |action| app.keymap.key_for(Mode::Detail, action);
    let hint = t::reading_hint(
        key(Action::ShowOriginal),
        key(Action::ReadingChecked),
        key(Action::CorrectField),
    );
    let (state, style) = if d.review.reading_checked {
        (t::READING_CHECKED, theme.dim())
    } else if document.to_check.is_empty() {
        (t::READING_NOT_CHECKED, theme.dim())
    } else {
        (t::READING_NOT_CHECKED, theme.flag())
    };
    lines.push(Line::from(vec![
        Span::styled(format!("  {state}"), style),
        Span::styled(format!("  {hint}"), theme.dim()),
    ]));
    let width = usize::from(app.width()).clamp(60, 160);
    let value_width = (width / 2).saturating_sub(26).max(16);
    let mut shown: Vec<&str> = Vec::new();
    for f in &document.fields {
        if shown.contains(&f.field.as_str()) {
            continue;
        }
        shown.push(&f.field);
        let doubt = document.to_check.iter().find(|(c, _)| *c == f.field);
        let first_line = f.value.lines().next().unwrap_or_default();
        let mut spans = vec![
            Span::styled(
                format!("  {:<28} ", crate::text::document::field_name(&f.field)),
                if doubt.is_some() {
                    theme.flag()
                } else {
                    ratatui::style::Style::new()
                },
            ),
            Span::raw(format!(
                "{:<value_width$} ",
                crate::tui::theme::fit(first_line, value_width)
            )),
            // Narrow screens: the label only, so each field stays on one line.
            Span::styled(
                if app.width() >= 110 {
                    format!("«{}» · {}", f.label, t::location(&f.at))
                } else {
                    format!("«{}»", f.label)
                },
                theme.dim(),
            ),
        ];
        if let Some((_, reason)) = doubt {
            spans.push(Span::styled(format!(" · {reason}"), theme.flag()));
        }
        lines.push(Line::from(spans));
        correction(lines, d, &f.field, theme);
    }
    // Fields to check that were not read at all.
    for (field, reason) in &document.to_check {
        if shown.contains(&field.as_str()) {
            continue;
        }
        shown.push(field);
        lines.push(Line::styled(
            format!(
                "  {:<28} {:<value_width$} {reason}",
                crate::text::document::field_name(field),
                t::NOT_READ
            ),
            theme.flag(),
        ));
        correction(lines, d, field, theme);
    }
}

/// The inspector's correction of a field, under the value as read.
fn correction(lines: &mut Vec<Line<'static>>, d: &Detail, field: &str, theme: Theme) {
    if let Some(corrected) = d.review.corrections.get(field) {
        lines.push(Line::styled(
            format!(
                "  {:<28} {}",
                "",
                t::corrected(&crate::privacy::mask(corrected))
            ),
            theme.title(),
        ));
    }
}

/// What a checklist is about: the protocol and its review.
#[derive(Clone, Copy)]
struct Checked<'a> {
    protocol: Option<&'a crate::model::Protocol>,
    protocol_review: Option<&'a Review>,
}

/// The wordings of the conditions a complaint's decision rests on (assessed as not met).
fn failed_labels(app: &App, d: &Detail) -> Vec<String> {
    let list = crate::checklist::checklist(
        &app.catalogue,
        d.protocol.as_ref().map(|sp| &sp.protocol),
        d.protocol_review.as_ref(),
        &d.review.checklist,
    );
    list.failed_labels(&d.review.checklist)
}

fn classification(
    lines: &mut Vec<Line<'static>>,
    app: &App,
    theme: Theme,
    r: &Review,
    kind: RecordKind,
    about: Checked,
    classify_key: &str,
) {
    heading(lines, theme, t::SECTION_CLASSIFICATION.to_string());
    if kind == RecordKind::Complaint {
        lines.push(Line::raw(format!(
            "  {}: {}",
            t::CLASSIFIED_OUTCOME,
            r.outcome
                .map(|o| text::outcome_label(Some(o)))
                .unwrap_or("—")
        )));
    }
    if let Some(p) = &r.corrected_provision {
        lines.push(Line::raw(format!("  {}: {p}", t::CLASSIFY_PROVISION)));
    }
    if let Some(k) = &r.corrected_kind {
        lines.push(Line::raw(format!("  {}: {k}", t::CLASSIFY_KIND)));
    }
    let list = crate::checklist::checklist(
        &app.catalogue,
        about.protocol,
        about.protocol_review,
        &r.checklist,
    );
    let waiting = about.protocol.map_or(0, |p| {
        crate::checklist::suggestions(
            &app.catalogue,
            p,
            about.protocol_review,
            &list,
            &r.checklist,
            app.rules(),
        )
        .len()
    });
    if r.checklist.is_empty() {
        lines.push(Line::raw(format!(
            "  {}",
            t::checklist_not_assessed(classify_key, waiting)
        )));
        return;
    }
    let (done, total) = list.progress(&r.checklist);
    lines.push(Line::styled(
        format!("  {}", t::checklist_progress(done, total, waiting)),
        theme.dim(),
    ));
    for (of, checks) in list.assessed(&r.checklist) {
        lines.push(Line::raw(format!("  {}", t::group_label(of))));
        for (entry, check) in checks {
            let style = if check.assessment == crate::review::Assessment::IkkeOppfylt {
                theme.flag()
            } else {
                ratatui::style::Style::new()
            };
            lines.push(Line::styled(
                format!(
                    "    {}: {}",
                    entry.label(),
                    t::assessment_label(Some(check.assessment))
                ),
                style,
            ));
            if let Some(reason) = &check.reason {
                lines.push(Line::styled(
                    format!("      {}", crate::privacy::mask(reason)),
                    theme.dim(),
                ));
            }
        }
    }
}
