//! Rendering of the statistics screen: charts and tables of what the queue's filter selects.
//! Reads [`StatsView`]; computes nothing but the funnel limits it draws.

use super::action::{Action, Mode};
use super::state::{App, StatsTab, StatsView};
use super::theme::{fit, Theme};
use crate::stats::{complaint_rate_limits, Funnel, Row as StatsRow};
use crate::tui::text as t;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Cell, Chart, Dataset, GraphType, LegendPosition,
    Paragraph, Row, Table,
};
use ratatui::Frame;

pub fn render_stats(app: &App, stats: &StatsView, theme: Theme, frame: &mut Frame, area: Rect) {
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    render_tabs(stats, theme, frame, tabs);
    let total = stats.rows.last();
    if total.is_none_or(|t| t.protocols == 0) {
        frame.render_widget(
            Paragraph::new(Line::styled(
                t::stats_empty(
                    &app.key(Mode::Stats, Action::ClearFilter),
                    &app.key(Mode::Stats, Action::Filter),
                ),
                theme.dim(),
            )),
            body,
        );
        return;
    }
    let shown = Shown::of(stats);
    match stats.tab {
        StatsTab::Time => render_time(stats, &shown, theme, frame, body),
        StatsTab::Provision | StatsTab::Region => render_table(app, stats, theme, frame, body),
        StatsTab::Institution => render_funnel(stats, &shown, theme, frame, body),
    }
}

/// The rows' figures as the screen may show them: all of them, or in the publication view
/// with small counts and their complements hidden (`<5`, `:`) and what is derived from them.
struct Shown {
    values: Vec<serde_json::Map<String, serde_json::Value>>,
}

impl Shown {
    fn of(stats: &StatsView) -> Shown {
        let below = stats
            .suppressed
            .then_some(crate::stats::PUBLICATION_THRESHOLD);
        Shown {
            values: crate::stats::output_table(&stats.rows, below),
        }
    }

    /// A count of row `i`: its value, or `None` with the mark shown in its place.
    fn count(&self, i: usize, column: &str) -> Result<u64, String> {
        match &self.values[i][column] {
            serde_json::Value::Number(n) => Ok(n.as_u64().unwrap_or_default()),
            serde_json::Value::String(mark) => Err(mark.clone()),
            _ => Ok(0),
        }
    }

    /// A derived figure of row `i`, `None` when not known or not shown.
    fn figure(&self, i: usize, column: &str) -> Option<f64> {
        self.values[i][column].as_f64()
    }

    fn total(&self) -> &serde_json::Map<String, serde_json::Value> {
        self.values.last().expect("the total row")
    }
}

fn render_tabs(stats: &StatsView, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    for (i, tab) in StatsTab::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, t::stats_tab_label(*tab));
        if *tab == stats.tab {
            spans.push(Span::styled(format!("[{label}]"), theme.selected()));
        } else {
            spans.push(Span::raw(format!(" {label} ")));
        }
    }
    if stats.tab == StatsTab::Time {
        spans.push(Span::styled(
            format!("  {}", t::per_period(stats.monthly)),
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The groups (without the total row).
fn groups(stats: &StatsView) -> &[StatsRow] {
    &stats.rows[..stats.rows.len().saturating_sub(1)]
}

/// One bar per period, with the values on the bars when they fit, and a label row under them
/// of our own: bars of months are too narrow for labels, so each year is written where its
/// first month starts, across the bars.
#[allow(clippy::too_many_arguments)]
fn render_bars(
    frame: &mut Frame,
    area: Rect,
    title: String,
    periods: &[StatsRow],
    values: Vec<Result<u64, String>>,
    style: Style,
    monthly: bool,
    theme: Theme,
) {
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 || periods.is_empty() {
        return;
    }
    let [bars_area, labels_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(inner);
    let n = periods.len() as u16;
    let gap = if inner.width / n >= 3 { 1 } else { 0 };
    let width = ((inner.width + gap) / n).saturating_sub(gap).clamp(1, 9);
    // A hidden count has no bar (its height would give it away), only its mark.
    let bars: Vec<Bar> = values
        .iter()
        .map(|v| {
            let (value, text) = match v {
                Ok(v) => (*v, v.to_string()),
                Err(mark) => (0, mark.clone()),
            };
            Bar::default()
                .value(value)
                .text_value(if width >= 5 { text } else { String::new() })
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(width)
            .bar_gap(gap)
            .bar_style(style)
            .value_style(theme.selected()),
        bars_area,
    );
    // Labels: every period when there is room, else only where a year begins.
    let step = usize::from(width + gap);
    let mut row = vec![' '; usize::from(labels_area.width)];
    let mut free_from = 0;
    for (i, p) in periods.iter().enumerate() {
        // A hidden count's mark beside its period: its bar is empty.
        let mark = match &values[i] {
            Err(mark) if !monthly => format!(" {mark}"),
            _ => String::new(),
        };
        let label = match (monthly, p.group.split_once('-')) {
            (true, Some((_, month))) if step >= 3 => month.to_string(),
            (true, Some((year, "01"))) => year.to_string(),
            (true, _) if i == 0 => p.group[..4.min(p.group.len())].to_string(),
            (true, _) => continue,
            (false, _) => format!("{}{mark}", p.group),
        };
        let at = i * step;
        if at < free_from || at + label.chars().count() > row.len() {
            continue;
        }
        for (k, c) in label.chars().enumerate() {
            row[at + k] = c;
        }
        free_from = at + label.chars().count() + 1;
    }
    frame.render_widget(
        Paragraph::new(Line::styled(
            row.into_iter().collect::<String>(),
            theme.dim(),
        )),
        labels_area,
    );
}

fn render_time(stats: &StatsView, shown: &Shown, theme: Theme, frame: &mut Frame, area: Rect) {
    let [bars, ratio, summary] = Layout::vertical([
        Constraint::Percentage(55),
        Constraint::Fill(1),
        Constraint::Length(2),
    ])
    .areas(area);
    let wide = area.width >= 100;
    let (protocols_area, complaints_area) = if wide {
        let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(bars);
        (a, b)
    } else {
        let [a, b] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bars);
        (a, b)
    };
    let periods = groups(stats);
    render_bars(
        frame,
        protocols_area,
        t::protocols_per(stats.monthly),
        periods,
        (0..periods.len())
            .map(|i| shown.count(i, "protocols"))
            .collect(),
        theme.fg(Color::Cyan),
        stats.monthly,
        theme,
    );
    render_bars(
        frame,
        complaints_area,
        t::complaints_per(stats.monthly),
        periods,
        (0..periods.len())
            .map(|i| shown.count(i, "complaints"))
            .collect(),
        theme.fg(Color::Yellow),
        stats.monthly,
        theme,
    );
    render_ratio(stats, shown, theme, frame, ratio);
    frame.render_widget(
        Paragraph::new(t::stats_summary(shown.total())).wrap(ratatui::widgets::Wrap { trim: true }),
        summary,
    );
}

/// Complaints per 100 protocols and the upheld share per period, as a table with a bar for
/// each: the values can be read exactly, and the bars show the trend. (A line chart put both on
/// one axis without values, and at 80×24 it was a smear of dots.) The newest periods are kept
/// when not all fit.
fn render_ratio(stats: &StatsView, shown: &Shown, theme: Theme, frame: &mut Frame, area: Rect) {
    let periods = groups(stats);
    let block = Block::bordered();
    let inner = block.inner(area);
    // One row is the header.
    let fit_rows = usize::from(inner.height.saturating_sub(1));
    let shown_periods = &periods[periods.len() - shown_len(periods.len(), fit_rows)..];
    let title = t::stats_ratio_title(shown_periods.len(), periods.len(), stats.monthly);
    frame.render_widget(block.title(title), area);
    if fit_rows == 0 || shown_periods.is_empty() {
        return;
    }
    let first = periods.len() - shown_len(periods.len(), fit_rows);
    let rate = |i: usize| shown.figure(i, "complaints_per_100_protocols");
    let upheld = |i: usize| shown.figure(i, "upheld_share");
    let top_rate = (0..periods.len()).filter_map(rate).fold(0.0_f64, f64::max);
    // Fixed columns: period 9, two values of 8, and the gaps; the bars share the rest.
    let bar_width = usize::from(inner.width.saturating_sub(9 + 8 + 8 + 4) / 2).max(1);
    let bar = |x: Option<f64>, top: f64| -> String {
        match x {
            Some(x) if top > 0.0 => bar_cells(x / top, bar_width),
            _ => String::new(),
        }
    };
    let rows: Vec<Row> = shown_periods
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let i = first + k;
            Row::new(vec![
                Cell::from(t::period_label(&p.group, stats.monthly)),
                Cell::from(Line::from(t::decimal(rate(i))).right_aligned()),
                Cell::from(bar(rate(i), top_rate)).style(theme.fg(Color::Yellow)),
                Cell::from(Line::from(t::percent(upheld(i))).right_aligned()),
                Cell::from(bar(upheld(i), 1.0)).style(theme.fg(Color::Red)),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(9),
        Constraint::Length(8),
        Constraint::Fill(1),
        Constraint::Length(8),
        Constraint::Fill(1),
    ];
    let header = Row::new(t::STATS_RATIO_HEADER.map(Cell::from)).style(theme.dim());
    frame.render_widget(Table::new(rows, widths).header(header), inner);
}

/// How many of `periods` the trend table shows: the newest that fit in `rows`.
fn shown_len(periods: usize, rows: usize) -> usize {
    periods.min(rows)
}

/// A bar of `share` (0–1) of `width` cells, in eighths.
fn bar_cells(share: f64, width: usize) -> String {
    const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let eighths = (share.clamp(0.0, 1.0) * (width * 8) as f64).round() as usize;
    let mut out = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        out.push(EIGHTHS[eighths % 8 - 1]);
    }
    out
}

/// Per provision or region: the same columns as `tvang stats`, with a bar of the protocols.
fn render_table(app: &App, stats: &StatsView, theme: Theme, frame: &mut Frame, area: Rect) {
    let by = stats.grouping();
    let below = stats
        .suppressed
        .then_some(crate::stats::PUBLICATION_THRESHOLD);
    let (_, cells) = crate::text::stats_cells(&stats.rows, by, below, &app.catalogue);
    // Columns by index into the cells (text::stats_cells: group, protocols, measures,
    // complaints, per 100, medhold, delvis, ikke, avvist, opphevet, trukket, uavgjort, upheld
    // share, children, median days): group, protocols, complaints, per 100, upheld share, median
    // days, then the outcomes; narrow terminals keep the first six. Opphevet and trukket are
    // rare: they show in `tvang stats`, not here.
    let mut columns: Vec<(usize, Constraint)> = vec![
        (0, Constraint::Min(16)),
        (1, Constraint::Length(11)),
        (3, Constraint::Length(7)),
        (4, Constraint::Length(7)),
        (12, Constraint::Length(13)),
        (14, Constraint::Length(12)),
        (5, Constraint::Length(7)),
        (6, Constraint::Length(6)),
        (7, Constraint::Length(6)),
        (8, Constraint::Length(6)),
        (11, Constraint::Length(8)),
    ];
    if area.width < 110 {
        columns.truncate(6);
    }
    let bar_width: u16 = if area.width >= 150 { 20 } else { 0 };
    let max = groups(stats)
        .iter()
        .map(|r| r.protocols)
        .max()
        .unwrap_or(1)
        .max(1);
    let header = Row::new(
        columns
            .iter()
            .map(|(i, _)| Cell::from(cells[0][*i].clone()))
            .chain((bar_width > 0).then(|| Cell::from(""))),
    )
    .style(theme.header());
    let body_rows = cells.len() - 1;
    let visible = usize::from(area.height.saturating_sub(1)).max(1);
    let scroll = stats.scroll.min(body_rows.saturating_sub(visible));
    let rows: Vec<Row> = cells[1..]
        .iter()
        .zip(&stats.rows)
        .enumerate()
        .skip(scroll)
        .take(visible)
        .map(|(i, (c, row))| {
            let mut out: Vec<Cell> = columns
                .iter()
                .map(|(k, _)| {
                    if *k == 0 {
                        Cell::from(fit(&c[0], 40))
                    } else {
                        Cell::from(Line::from(c[*k].clone()).right_aligned())
                    }
                })
                .collect();
            let is_total = i + 1 == body_rows;
            if bar_width > 0 && !is_total {
                let filled = (row.protocols * u64::from(bar_width)).div_ceil(max) as usize;
                out.push(Cell::from(Span::styled(
                    "▇".repeat(filled),
                    theme.fg(Color::Cyan),
                )));
            }
            let r = Row::new(out);
            if is_total {
                r.style(theme.title())
            } else {
                r
            }
        })
        .collect();
    let mut widths: Vec<Constraint> = columns.iter().map(|(_, w)| *w).collect();
    if bar_width > 0 {
        widths.push(Constraint::Length(bar_width));
    }
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        area,
    );
}

/// The funnel plot: each institution's complaint rate against its number of protocols, with
/// the overall rate and the 95 % and 99.8 % limits; the institutions outside listed below.
fn render_funnel(stats: &StatsView, shown: &Shown, theme: Theme, frame: &mut Frame, area: Rect) {
    // In the publication view an institution whose rate is not shown is not drawn either: its
    // place on the plot would give the rate away.
    let kept: Vec<StatsRow> = groups(stats)
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            !stats.suppressed || shown.figure(*i, "complaints_per_100_protocols").is_some()
        })
        .map(|(_, r)| r.clone())
        .collect();
    let institutions = &kept[..];
    let Some(total) = stats.rows.last() else {
        return;
    };
    let rate = total.complaints as f64 / total.protocols.max(1) as f64;
    let outside: Vec<&StatsRow> = institutions
        .iter()
        .filter(|r| r.complaint_rate_funnel.is_some_and(|f| f != Funnel::Within))
        .collect();
    let list_height = (outside.len() as u16 + 1).clamp(2, area.height / 3);
    let [plot, list] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(list_height)]).areas(area);

    // The axes span the institutions (not from zero): at 100,000 protocols the smallest has
    // hundreds, and the interesting part is where they lie against the limits.
    let sizes_of = || institutions.iter().map(|r| r.protocols.max(1));
    let max_n = sizes_of().max().unwrap_or(1);
    let min_n = sizes_of().min().unwrap_or(1);
    let x0 = (min_n as f64 * 0.9).floor();
    let x1 = (max_n as f64 * 1.02).max(x0 + 1.0);
    let point = |r: &&StatsRow| {
        (
            r.protocols as f64,
            r.complaints_per_100_protocols.unwrap_or(0.0),
        )
    };
    let inside: Vec<(f64, f64)> = institutions
        .iter()
        .filter(|r| r.complaint_rate_funnel == Some(Funnel::Within))
        .map(|r| point(&r))
        .collect();
    let outliers: Vec<(f64, f64)> = outside.iter().map(point).collect();
    // The limits at 61 sizes across the institutions' range.
    let steps = 60u64;
    let sizes: Vec<u64> = (0..=steps)
        .map(|i| (min_n + (max_n - min_n) * i / steps).max(1))
        .collect();
    let limits: Vec<[f64; 4]> = sizes
        .iter()
        .map(|n| complaint_rate_limits(*n, rate))
        .collect();
    let curve = |k: usize| -> Vec<(f64, f64)> {
        sizes
            .iter()
            .zip(&limits)
            .map(|(n, l)| (*n as f64, l[k]))
            .collect()
    };
    let (lo998, lo95, hi95, hi998) = (curve(0), curve(1), curve(2), curve(3));
    let mean = vec![(x0, 100.0 * rate), (x1, 100.0 * rate)];
    let rates = || {
        institutions
            .iter()
            .filter_map(|r| r.complaints_per_100_protocols)
            .chain([100.0 * rate])
    };
    let highest = rates().fold(0.0, f64::max);
    let lowest = rates().fold(f64::MAX, f64::min);
    // Up to the widest limit, but not so far that small institutions' limits flatten the rest.
    let top = (limits[0][3].min(3.0 * highest).max(highest) * 1.05).max(1.0);
    let bottom = (lowest.min(limits[steps as usize][0]) * 0.9).max(0.0);
    let line = |data, color| {
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.fg(color))
            .data(data)
    };
    let chart = Chart::new(vec![
        line(&hi998, Color::Red).name(t::FUNNEL_998),
        line(&lo998, Color::Red),
        line(&hi95, Color::Yellow).name(t::FUNNEL_95),
        line(&lo95, Color::Yellow),
        line(&mean, Color::Green).name(t::FUNNEL_MEAN),
        Dataset::default()
            .name(t::FUNNEL_INSTITUTIONS)
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(theme.fg(Color::Cyan))
            .data(&inside),
        Dataset::default()
            .name(t::FUNNEL_OUTSIDE)
            .marker(Marker::Block)
            .graph_type(GraphType::Scatter)
            .style(theme.flag())
            .data(&outliers),
    ])
    .block(Block::bordered().title(t::FUNNEL_TITLE))
    .legend_position(Some(LegendPosition::TopRight))
    .hidden_legend_constraints((Constraint::Ratio(1, 3), Constraint::Ratio(2, 3)))
    .x_axis(
        Axis::default()
            .title(t::FUNNEL_X)
            .bounds([x0, x1])
            .labels(vec![
                Line::from(format!("{x0:.0}")),
                Line::from(format!("{x1:.0}")),
            ]),
    )
    .y_axis(
        Axis::default()
            .title(t::FUNNEL_Y)
            .bounds([bottom, top])
            .labels(vec![
                Line::from(t::decimal(Some(bottom))),
                Line::from(t::decimal(Some(top))),
            ]),
    );
    frame.render_widget(chart, plot);

    let width = list.width as usize;
    let mut lines = Vec::new();
    if outside.is_empty() {
        lines.push(Line::styled(
            fit(t::FUNNEL_NONE_OUTSIDE, width),
            theme.dim(),
        ));
    } else {
        lines.push(Line::styled(
            fit(t::FUNNEL_OUTSIDE_HEADING, width),
            theme.title(),
        ));
        let mut sorted = outside.clone();
        sorted.sort_by(|a, b| {
            let rank = |r: &StatsRow| match r.complaint_rate_funnel {
                Some(Funnel::Above998) => 0,
                Some(Funnel::Above95) => 1,
                Some(Funnel::Below998) => 2,
                _ => 3,
            };
            rank(a).cmp(&rank(b)).then(b.protocols.cmp(&a.protocols))
        });
        let room = usize::from(list.height.saturating_sub(1));
        for r in sorted.iter().take(room) {
            let class = r.complaint_rate_funnel.unwrap_or(Funnel::Within);
            lines.push(Line::from(fit(
                &t::funnel_outlier(&r.group, r, class),
                width,
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines), list);
}
