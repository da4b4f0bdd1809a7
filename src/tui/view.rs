//! Rendering: reads the state, draws the screen. Nothing here changes the state.
//!
//! Only named ANSI colours, bold and reverse are used, so the screen reads on light and dark
//! terminals; with `NO_COLOR` no colour at all.

use super::action::{Action, Mode};
use super::detail::detail_lines;
use super::editor::Editor;
use super::keymap::show_sequence;
use super::state::{App, MessageKind, Overlay, Picker, Screen};
pub use super::theme::{fit, Theme};
use crate::queue::{Column, QueueRow};
use crate::review::{RecordKind, Status};
use crate::tui::text as t;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, LineGauge, Paragraph, Row, Table, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn render(app: &App, frame: &mut Frame) {
    let theme = Theme { color: app.color };
    let area = frame.area();
    let [title, filter, body, message, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_title(app, theme, frame, title);
    if app.is_empty_store() {
        render_welcome(
            app,
            theme,
            frame,
            area.inner(ratatui::layout::Margin::new(0, 1)),
        );
    } else {
        render_filter_bar(app, theme, frame, filter);
        match &app.screen {
            Screen::Detail(_) => render_detail(app, theme, frame, body),
            Screen::Stats(stats) => super::stats_view::render_stats(app, stats, theme, frame, body),
            Screen::Queue => render_queue(app, theme, frame, body),
        }
    }
    render_message(app, theme, frame, message);
    render_hints(app, theme, frame, hints);
    match &app.overlay {
        Some(Overlay::Help { filter, scroll }) => render_help(app, theme, frame, filter, *scroll),
        Some(Overlay::Search(editor)) => {
            let searching = app.search.as_ref().is_some_and(|s| !s.query.is_empty());
            let (typed, count) =
                t::search_line(&editor.text(), searching.then_some(app.view.visible.len()));
            let line = Line::from(vec![Span::raw(typed), Span::styled(count, theme.dim())]);
            render_prompt(frame, hints, line, editor);
        }
        Some(Overlay::Command(editor)) => {
            render_prompt(
                frame,
                message,
                Line::raw(format!(":{}", editor.text())),
                editor,
            );
        }
        Some(Overlay::Note { editor, target, .. }) => {
            let title = match &target.field {
                Some(f) => format!("{} ({})", t::NOTE_TITLE, t::field_label(f)),
                None => t::NOTE_TITLE.to_string(),
            };
            render_editor_box(frame, area, title, editor);
        }
        Some(Overlay::Link(picker)) => render_link_picker(theme, frame, area, picker),
        Some(Overlay::Reasons { editor, .. }) => {
            render_editor_box(frame, area, t::REASONS_TITLE.to_string(), editor);
        }
        Some(Overlay::Correct { editor, field, .. }) => {
            let title = t::correct_title(field, super::state::is_long_text(field));
            render_editor_box(frame, area, title, editor);
        }
        Some(Overlay::Picker(picker)) => render_picker(theme, frame, area, picker),
        Some(Overlay::Checklist(pane)) => render_checklist(theme, frame, body, pane),
        Some(Overlay::ConditionReason { editor, pane }) => {
            render_checklist(theme, frame, body, pane);
            let title = match pane.current() {
                Some(c) => format!("{} — {}", t::CHECKLIST_REASON_TITLE, c.label),
                None => t::CHECKLIST_REASON_TITLE.to_string(),
            };
            render_editor_box(frame, area, title, editor);
        }
        Some(Overlay::Confirm { question, .. }) => {
            let popup = centered(area, 60, 5);
            frame.render_widget(Clear, popup);
            let lines = vec![
                Line::styled(question.clone(), theme.title()),
                Line::styled(t::CONFIRM_HINT, theme.dim()),
            ];
            frame.render_widget(
                Paragraph::new(lines)
                    .block(Block::bordered())
                    .wrap(Wrap { trim: false }),
                popup,
            );
        }
        None => {}
    }
    if !app.pending().is_empty() && app.overlay.is_none() {
        render_which_key(app, theme, frame, body);
    }
}

/// The display column of an editor's cursor within its line.
fn cursor_column(editor: &super::editor::Editor) -> usize {
    editor.lines[editor.row]
        .chars()
        .take(editor.col)
        .collect::<String>()
        .width()
}

/// A one-line prompt (`:` command, `/` search) over `area`: `line` starts with the prompt's
/// character, the cursor after it where the editor has it.
fn render_prompt(
    frame: &mut Frame,
    area: Rect,
    line: Line<'static>,
    editor: &super::editor::Editor,
) {
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(line), area);
    let col = 1 + cursor_column(editor);
    frame.set_cursor_position((area.x + col as u16, area.y));
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn render_title(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let w = area.width as usize;
    if let Screen::Stats(stats) = &app.screen {
        let total = stats.rows.last();
        let text = t::stats_title(
            total.map_or(0, |r| r.protocols),
            total.map_or(0, |r| r.complaints),
            stats.basis,
            stats
                .suppressed
                .then_some(crate::stats::PUBLICATION_THRESHOLD),
        );
        frame.render_widget(
            Paragraph::new(Line::styled(fit(&text, w), theme.title())),
            area,
        );
        return;
    }
    let q = &app.queue;
    let total = q.count(app.view.kind);
    let mut text = match &app.session {
        Some(s) => crate::text::session::title(
            &s.state().name,
            s.progress,
            s.state().active_minutes(),
            app.view.visible.len(),
        ),
        None => t::title(
            app.view.kind,
            app.view.visible.len(),
            total,
            q.open_count(RecordKind::Protocol),
            q.open_count(RecordKind::Complaint),
        ),
    };
    if app.search.is_some() {
        text.push_str(" · ");
        text.push_str(t::SORTED_BY_SCORE);
    } else if !app.is_empty_store() {
        text.push_str(" · ");
        text.push_str(&t::sorted_by(
            app.view.sort.column,
            app.view.sort.descending,
        ));
    }
    if !app.view.marks.is_empty() {
        text.push_str(" · ");
        text.push_str(&t::marked(app.view.marks.len()));
    }
    let w = area.width as usize;
    frame.render_widget(
        Paragraph::new(Line::styled(fit(&text, w), theme.title())),
        area,
    );
}

fn render_filter_bar(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let pairs = app.view.filter.pairs();
    let search = app.search.as_ref().filter(|s| !s.text.trim().is_empty());
    let mut spans = Vec::new();
    if let Some(s) = &app.session {
        let chip =
            crate::text::session::selection_chip(&s.state().filter, s.state().search.as_deref());
        spans.push(Span::styled(chip, theme.title()));
        spans.push(Span::raw(" "));
    }
    if pairs.is_empty() && search.is_none() {
        let hint = if app.session.is_some() {
            crate::text::session::FILTER_WITHIN.to_string()
        } else {
            t::no_filter(
                &app.key(Mode::Queue, Action::Filter),
                &app.key(Mode::Queue, Action::Search),
            )
        };
        spans.push(Span::styled(hint, theme.dim()));
    } else {
        if let Some(s) = search {
            spans.push(Span::styled(t::search_chip(&s.text), theme.chip()));
            spans.push(Span::raw(" "));
        }
        for (k, v) in pairs {
            spans.push(Span::styled(
                format!(
                    "[{}: {}]",
                    t::filter_key_label(k),
                    t::filter_value_label(k, &v)
                ),
                theme.chip(),
            ));
            spans.push(Span::raw(" "));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_welcome(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = t::welcome(
        &app.key(Mode::Queue, Action::CommandLine),
        &app.key(Mode::Queue, Action::Help),
        &app.key(Mode::Queue, Action::Quit),
    )
    .into_iter()
    .enumerate()
    .map(|(i, l)| {
        if i == 0 {
            Line::styled(l, theme.title())
        } else {
            Line::from(l)
        }
    })
    .collect();
    // Lines longer than the box wrap: count the rows they take, so the last (the keys) shows.
    let inner = 74;
    let height: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let popup = centered(area, inner as u16 + 2, height as u16 + 2);
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered())
            .wrap(Wrap { trim: false }),
        popup,
    );
}

/// The queue's columns at a width: narrow terminals drop the child and kind columns; the
/// complaint queue has the due day, the protocol queue has none.
fn columns(width: u16, kind: RecordKind) -> Vec<(Column, Constraint)> {
    let mut cols = vec![
        (Column::Date, Constraint::Length(10)),
        (Column::Institution, Constraint::Fill(1)),
        (Column::Child, Constraint::Length(10)),
        (Column::Provision, Constraint::Length(9)),
        (Column::Kind, Constraint::Length(16)),
        (Column::Duration, Constraint::Length(10)),
        (Column::Flags, Constraint::Length(6)),
        (Column::Status, Constraint::Length(11)),
        (Column::Complaint, Constraint::Length(10)),
    ];
    if kind == RecordKind::Complaint {
        // The duration is the protocol's; a complaint's own time is its deadline.
        cols.retain(|(c, _)| *c != Column::Duration);
        cols.push((Column::Due, Constraint::Length(13)));
    }
    if width < 110 {
        cols.retain(|(c, _)| *c != Column::Kind);
    }
    if width < 95 {
        cols.retain(|(c, _)| *c != Column::Child);
    }
    cols
}

fn join(app: &App, syms: &[u32]) -> String {
    let mut out = String::new();
    for (i, s) in syms.iter().enumerate() {
        let text = app.queue.text(*s);
        if i > 0 {
            if out.split(' ').any(|p| p == text) {
                continue;
            }
            out.push(' ');
        }
        out.push_str(text);
    }
    out
}

/// `deadline` is the row's standing against its due day, worked out once per row.
/// The measures' kinds by the catalogue's titles (`Nedlegging (lagt i bakken)`), each once; a
/// kind the catalogue does not know as written.
fn kinds(app: &App, syms: &[u32]) -> String {
    let mut titles: Vec<&str> = Vec::new();
    for s in syms {
        let id = app.queue.text(*s);
        let title = app.catalogue.kind(id).map_or(id, |k| k.title.as_str());
        if !titles.contains(&title) {
            titles.push(title);
        }
    }
    titles.join(", ")
}

fn cell_text(
    app: &App,
    row: &QueueRow,
    column: Column,
    deadline: Option<crate::deadline::Deadline>,
) -> String {
    match column {
        Column::Date => row
            .date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Column::Institution => app.queue.text(row.institution).to_string(),
        Column::Child => row
            .child
            .map(|c| crate::privacy::mask(app.queue.text(c)).into_owned())
            .unwrap_or_default(),
        Column::Provision => join(app, &row.provisions),
        Column::Kind => kinds(app, &row.kinds),
        Column::Duration => row
            .minutes
            .map(|m| crate::time::format_duration(chrono::Duration::minutes(m)))
            .unwrap_or_default(),
        Column::Flags => row.flags.iter().map(t::flag_letter).collect(),
        Column::Status => t::status_label(row.status).to_string(),
        Column::Complaint => match row.record.kind {
            RecordKind::Complaint => t::outcome_short(row.outcome).to_string(),
            RecordKind::Protocol if row.open_complaints > 0 => {
                format!("{} åpen", row.open_complaints)
            }
            RecordKind::Protocol if row.complaints > 0 => format!("{}", row.complaints),
            RecordKind::Protocol => String::new(),
        },
        Column::Due => t::deadline_words(deadline),
    }
}

fn status_style(theme: Theme, s: Status) -> Style {
    if s.is_open() {
        theme.open()
    } else {
        theme.done()
    }
}

fn render_queue(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    if app.view.visible.is_empty() {
        let hint = t::no_rows(
            &app.key(Mode::Queue, Action::ClearFilter),
            &app.key(Mode::Queue, Action::Search),
        );
        frame.render_widget(Paragraph::new(Line::styled(hint, theme.dim())), area);
        return;
    }
    let cols = columns(area.width, app.view.kind);
    let mut widths = vec![Constraint::Length(2)];
    widths.extend(cols.iter().map(|(_, w)| *w));
    // Column widths as laid out, to cut cells by display width with an ellipsis.
    let rects = Layout::horizontal(widths.clone()).spacing(1).split(area);
    let header = Row::new(
        std::iter::once(Cell::from(""))
            .chain(cols.iter().map(|(c, _)| {
                let mut label = t::column_label(*c).to_string();
                if *c == app.view.sort.column {
                    label.push(if app.view.sort.descending {
                        '↓'
                    } else {
                        '↑'
                    });
                }
                Cell::from(label)
            }))
            .collect::<Vec<_>>(),
    )
    .style(theme.header());
    let page = (area.height.saturating_sub(1)) as usize;
    let today = app.today();
    let rows = app
        .view
        .visible
        .iter()
        .enumerate()
        .skip(app.view.offset)
        .take(page)
        .map(|(pos, &i)| {
            let row = &app.queue.rows[i];
            let marked = app.view.marks.contains(&row.record);
            let dimmed = app.is_dimmed(i);
            // The cursor, marks and handled items of a session show as characters too, for
            // terminals without colour.
            let gutter = match (pos == app.view.cursor, marked, dimmed) {
                (true, true, _) => ">*",
                (true, false, true) => ">✓",
                (true, false, false) => "> ",
                (false, true, _) => " *",
                (false, false, true) => " ✓",
                (false, false, false) => "  ",
            };
            let deadline = row.deadline(today);
            let mut cells = vec![Cell::from(gutter).style(theme.marked())];
            for (n, (c, _)) in cols.iter().enumerate() {
                let width = rects[n + 1].width as usize;
                let text = fit(&cell_text(app, row, *c, deadline), width);
                let style = match c {
                    Column::Flags => theme.flag(),
                    Column::Status => status_style(theme, row.status),
                    Column::Complaint if row.open_complaints > 0 => theme.open(),
                    Column::Due if deadline.is_some_and(crate::deadline::Deadline::is_overdue) => {
                        theme.flag()
                    }
                    _ => Style::new(),
                };
                cells.push(Cell::from(text).style(style));
            }
            let mut r = Row::new(cells);
            if pos == app.view.cursor {
                r = r.style(theme.selected());
            } else if marked {
                r = r.style(Style::new().add_modifier(Modifier::BOLD));
            } else if dimmed {
                r = r.style(theme.handled());
            }
            r
        });
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    frame.render_widget(table, area);
}

fn render_detail(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(d) = app.screen.detail() else { return };
    let lines = detail_lines(app, d, theme);
    let total = wrapped_height(&lines, area.width);
    let max_scroll = total.saturating_sub(area.height as usize);
    let scroll = (d.scroll as usize).min(max_scroll) as u16;
    d.scroll_end
        .set(u16::try_from(max_scroll).unwrap_or(u16::MAX));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

/// Lines a paragraph takes when word-wrapped to `width` (greedy, like ratatui's wrap).
pub fn wrapped_height(lines: &[Line], width: u16) -> usize {
    let width = width.max(1) as usize;
    lines
        .iter()
        .map(|line| {
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            let mut rows = 1;
            let mut used = 0;
            for word in text.split(' ') {
                let w = word.width();
                let need = if used == 0 { w } else { used + 1 + w };
                if need <= width {
                    used = need;
                } else {
                    rows += 1 + w.saturating_sub(1) / width;
                    used = w % width;
                }
            }
            rows
        })
        .sum()
}

fn render_message(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let w = area.width as usize;
    if let Some(job) = &app.import {
        // A gauge whose blocks read without colour too.
        let p = job.progress;
        let ratio = if p.bytes_total == 0 {
            0.0
        } else {
            (p.bytes_done as f64 / p.bytes_total as f64).clamp(0.0, 1.0)
        };
        let gauge = LineGauge::default()
            .ratio(ratio)
            .label(t::import_progress(&p))
            .filled_symbol("█")
            .unfilled_symbol("░")
            .filled_style(theme.open());
        frame.render_widget(gauge, area);
        return;
    }
    let line = if let Some((kind, text)) = &app.message {
        let style = match kind {
            MessageKind::Info => Style::new(),
            MessageKind::Saved => theme.saved(),
            MessageKind::Error => theme.error(),
        };
        Line::styled(fit(text, w), style)
    } else if app.search.is_some() && app.screen.detail().is_none() {
        search_explanation_line(app, theme, w)
    } else {
        Line::raw("")
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Why the row under the cursor matched: each field with its matched characters highlighted,
/// cut to the width. Before anything is typed: how to search.
fn search_explanation_line(app: &App, theme: Theme, width: usize) -> Line<'static> {
    let matches = app.search_explanation();
    if matches.is_empty() {
        return Line::styled(fit(t::SEARCH_HINT, width), theme.dim());
    }
    let mut spans = Vec::new();
    let mut used = 0;
    let mut push = |spans: &mut Vec<Span<'static>>, text: &str, style: Style| -> bool {
        let room = width.saturating_sub(used);
        if room == 0 {
            return false;
        }
        let piece = fit(text, room);
        used += piece.width();
        spans.push(Span::styled(piece, style));
        true
    };
    for (i, m) in matches.iter().enumerate() {
        let label = format!(
            "{}{}: ",
            if i > 0 { "  ·  " } else { "" },
            crate::text::search_field_label(m.field)
        );
        if !push(&mut spans, &label, theme.dim()) {
            break;
        }
        let mut at = 0;
        for r in &m.highlights {
            if r.start < at || r.end > m.text.len() {
                continue;
            }
            push(&mut spans, &m.text[at..r.start], Style::new());
            push(&mut spans, &m.text[r.clone()], theme.highlight());
            at = r.end;
        }
        push(&mut spans, &m.text[at..], Style::new());
    }
    Line::from(spans)
}

fn render_hints(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mode = app.mode();
    let mut spans = Vec::new();
    let mut used = 0;
    for action in t::hint_actions(mode) {
        let Some(key) = app.keymap.key_for(mode, *action) else {
            continue;
        };
        let label = t::hint_label(*action);
        let w = key.width() + 1 + label.width() + 2;
        if used + w > area.width as usize {
            break;
        }
        used += w;
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_which_key(app: &App, theme: Theme, frame: &mut Frame, body: Rect) {
    let mode = app.mode();
    let hints = app.keymap.continuations(mode, app.pending());
    let mut lines = vec![Line::styled(
        format!("{} {}", t::WAITING_FOR_KEY, show_sequence(app.pending())),
        theme.title(),
    )];
    for (rest, b) in &hints {
        lines.push(Line::from(vec![
            Span::styled(format!("{rest:<6}"), theme.key()),
            Span::raw(b.desc.clone()),
        ]));
    }
    let height = (lines.len() as u16 + 2).min(body.height);
    let width = 50.min(body.width);
    let popup = Rect::new(
        body.x + body.width - width,
        body.y + body.height - height,
        width,
        height,
    );
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(Block::bordered()), popup);
}

fn render_picker(theme: Theme, frame: &mut Frame, area: Rect, picker: &Picker) {
    let mut lines = Vec::new();
    for item in &picker.items {
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", item.key), theme.key()),
            Span::raw(item.label.clone()),
        ]));
    }
    lines.push(Line::styled(" Esc avbryter", theme.dim()));
    let width = (picker
        .items
        .iter()
        .map(|i| i.label.width() + 4)
        .max()
        .unwrap_or(20)
        .max(picker.title.width() + 4) as u16)
        .min(area.width);
    let popup = centered(area, width + 2, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(picker.title.clone())),
        popup,
    );
}

/// The checklist over the body: the conditions by group, the cursor's row marked, and under
/// them what the condition asks, how sure the catalogue is of its wording, and the reason or
/// the protocol's suggestion. The keys are on the hint bar, from the keymap.
fn render_checklist(
    theme: Theme,
    frame: &mut Frame,
    body: Rect,
    pane: &super::state::checklist::ChecklistPane,
) {
    use super::state::checklist::PaneRow;
    let popup = centered(body, 110, body.height);
    frame.render_widget(Clear, popup);
    let (done, total, waiting) = pane.progress();
    let block = Block::bordered()
        .title(t::checklist_title(&pane.record, pane.targets.len()))
        .title_bottom(t::checklist_progress(done, total, waiting));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    if inner.height < 3 || inner.width < 20 {
        return;
    }
    let about = checklist_about(theme, pane);
    // The text about the condition wrapped to the box's width, under a rule.
    let wrapped: usize = about
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner.width.max(1) as usize))
        .sum();
    let about_height = (wrapped as u16 + 1).min(inner.height / 2);
    let [list_area, about_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(about_height)]).areas(inner);
    let width = list_area.width as usize;
    let state_width = 24.min(width / 3);
    let label_width = width.saturating_sub(state_width + 4);
    let mut lines: Vec<Line> = Vec::new();
    if pane.assumed {
        lines.push(Line::styled(t::CHECKLIST_ASSUMED, theme.dim()));
    }
    let first = lines.len();
    for (i, row) in pane.rows.iter().enumerate() {
        match row {
            PaneRow::Heading(h) => lines.push(Line::styled(fit(h, width), theme.header())),
            PaneRow::Condition(c) => {
                let (state, style) = match (&c.check, &c.suggestion) {
                    (Some(check), _) => {
                        let style = if check.assessment == crate::review::Assessment::IkkeOppfylt {
                            theme.flag()
                        } else {
                            Style::new()
                        };
                        (
                            t::assessment_label(Some(check.assessment)).to_string(),
                            style,
                        )
                    }
                    (None, Some(s)) => (
                        format!(
                            "{}: {}",
                            t::CHECKLIST_SUGGESTION.to_lowercase(),
                            t::assessment_label(Some(s.assessment)).to_lowercase()
                        ),
                        theme.dim(),
                    ),
                    (None, None) => (t::CHECKLIST_NOT_ASSESSED.to_string(), theme.dim()),
                };
                let marker = if i == pane.cursor { "▸ " } else { "  " };
                let label = format!("{marker}{}", fit(&c.label, label_width));
                let line = Line::from(vec![
                    Span::raw(format!("{label:<w$}  ", w = label_width + 2)),
                    Span::styled(fit(&state, state_width), style),
                ]);
                lines.push(if i == pane.cursor {
                    line.style(theme.selected())
                } else {
                    line
                });
            }
        }
    }
    // Keep the cursor's row in view.
    let height = list_area.height as usize;
    let cursor_line = first + pane.cursor;
    let top = cursor_line.saturating_sub(height.saturating_sub(1));
    let shown: Vec<Line> = lines.into_iter().skip(top).take(height).collect();
    frame.render_widget(Paragraph::new(shown), list_area);
    frame.render_widget(
        Paragraph::new(about)
            .block(Block::new().borders(Borders::TOP))
            .wrap(Wrap { trim: false }),
        about_area,
    );
}

/// What the checklist says under its rows about the condition under the cursor.
fn checklist_about(
    theme: Theme,
    pane: &super::state::checklist::ChecklistPane,
) -> Vec<Line<'static>> {
    let Some(c) = pane.current() else {
        return Vec::new();
    };
    let mut about = vec![Line::raw(c.help.clone())];
    let mut sure = t::confidence_label(&c.confidence).to_string();
    if let Some(note) = &c.note {
        sure = format!("{sure} ({note})");
    }
    about.push(Line::styled(sure, theme.dim()));
    match (&c.check, &c.suggestion) {
        (Some(check), _) => {
            if let Some(reason) = &check.reason {
                about.push(Line::raw(format!(
                    "{}: {}",
                    t::CHECKLIST_REASON,
                    crate::privacy::mask(reason)
                )));
            }
        }
        (None, Some(s)) => about.push(Line::styled(
            format!(
                "{}: {} — {}",
                t::CHECKLIST_SUGGESTION,
                t::assessment_label(Some(s.assessment)),
                s.reason
            ),
            theme.flag(),
        )),
        (None, None) => {}
    }
    about
}

/// The help screen: every binding of the live keymap, by screen, and the commands.
pub fn help_lines(app: &App, theme: Theme, filter: &str) -> Vec<Line<'static>> {
    let needle = crate::fold::fold(filter);
    let matches = |parts: &[&str]| {
        needle.is_empty() || parts.iter().any(|p| crate::fold::fold(p).contains(&needle))
    };
    let mut lines = Vec::new();
    for mode in Mode::ALL.iter().copied() {
        let mut section = Vec::new();
        for b in app.keymap.bindings(mode) {
            if b.keys.is_empty() {
                continue;
            }
            let keys: Vec<String> = b.keys.iter().map(|k| show_sequence(k)).collect();
            let keys = keys.join(", ");
            let name = b.action.name();
            if !matches(&[&keys, &b.desc, &name]) {
                continue;
            }
            section.push(Line::from(vec![
                Span::styled(format!("  {keys:<22}"), theme.key()),
                Span::raw(b.desc.clone()),
                Span::styled(format!("  ({name})"), theme.dim()),
            ]));
        }
        if !section.is_empty() {
            lines.push(Line::styled(t::mode_label(mode), theme.header()));
            lines.extend(section);
            lines.push(Line::raw(""));
        }
    }
    let commands: Vec<Line> = super::state::commands::COMMANDS
        .iter()
        .flat_map(|c| c.help.iter())
        .chain(std::iter::once(&t::CMD_ACTION))
        .filter(|(c, d)| matches(&[c, d]))
        .map(|(c, d)| {
            Line::from(vec![
                Span::styled(format!("  {c:<34}"), theme.key()),
                Span::raw(*d),
            ])
        })
        .collect();
    if !commands.is_empty() {
        lines.push(Line::styled("Kommandolinjen (:)", theme.header()));
        lines.extend(commands);
        lines.push(Line::raw(""));
    }
    let flags: Vec<Line> = crate::triage::TriageFlag::ALL
        .iter()
        .filter(|f| matches(&[t::triage_label(**f)]))
        .map(|f| {
            Line::from(vec![
                Span::styled(format!("  {}  ", t::flag_letter(*f)), theme.flag()),
                Span::raw(t::triage_label(*f)),
            ])
        })
        .collect();
    if !flags.is_empty() {
        lines.push(Line::styled("Flagg i køen", theme.header()));
        lines.extend(flags);
    }
    lines
}

fn render_help(app: &App, theme: Theme, frame: &mut Frame, filter: &str, scroll: u16) {
    let area = frame.area();
    frame.render_widget(Clear, area);
    let title = if filter.is_empty() {
        t::HELP_TITLE.to_string()
    } else {
        format!("{} · «{filter}»", t::HELP_TITLE)
    };
    frame.render_widget(
        Paragraph::new(help_lines(app, theme, filter))
            .block(Block::default().borders(Borders::ALL).title(title))
            .scroll((scroll, 0)),
        area,
    );
}

/// The protocols a complaint can be linked to, narrowed by what is typed.
fn render_link_picker(
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
    picker: &super::state::LinkPicker,
) {
    let popup = centered(area, 90, 16);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(t::LINK_TITLE);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let matching = picker.matching();
    let shown = usize::from(inner.height.saturating_sub(1));
    let top = picker.cursor.saturating_sub(shown.saturating_sub(1));
    let mut lines = vec![Line::from(vec![
        Span::raw(format!("> {}", picker.editor.text())),
        Span::styled(
            format!("   {} / {}", matching.len(), picker.candidates.len()),
            theme.dim(),
        ),
    ])];
    for (i, (_, line)) in matching.iter().enumerate().skip(top).take(shown) {
        let text = fit(line, usize::from(inner.width));
        lines.push(if i == picker.cursor {
            Line::styled(text, theme.title())
        } else {
            Line::raw(text)
        });
    }
    frame.render_widget(Paragraph::new(lines), inner);
    frame.set_cursor_position((
        inner.x + 2 + (cursor_column(&picker.editor) as u16).min(inner.width.saturating_sub(3)),
        inner.y,
    ));
}

/// A text being written, in a box over the screen.
fn render_editor_box(frame: &mut Frame, area: Rect, title: String, editor: &Editor) {
    let popup = centered(area, 70, 12);
    frame.render_widget(Clear, popup);
    let block = Block::bordered().title(title);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let top = editor
        .row
        .saturating_sub(inner.height.saturating_sub(1) as usize);
    let lines: Vec<Line> = editor
        .lines
        .iter()
        .skip(top)
        .map(|l| Line::from(l.as_str()))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    let col = cursor_column(editor);
    frame.set_cursor_position((
        inner.x + (col as u16).min(inner.width.saturating_sub(1)),
        inner.y + (editor.row - top) as u16,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_by_display_width() {
        assert_eq!(fit("Sølbakken", 9), "Sølbakken");
        assert_eq!(fit("Sølbakken ungdomshjem", 10), "Sølbakken…");
        assert_eq!(fit("東京都の施設", 5), "東京…");
        assert_eq!(fit("東京都の施設", 5).width(), 5);
        assert_eq!(fit("abc", 0), "");
    }
}
