//! PDF documents with a text layer (printed from Word or LibreOffice): the characters with their
//! positions (pdf-extract), put back into lines, tables and paragraphs.
//!
//! - Lines: characters on one baseline, in x order; a wide gap splits a line into segments
//!   (table columns).
//! - Page headers and footers: lines in the top or bottom band of the page that repeat on other
//!   pages (digits ignored, so `Side 1 av 2` repeats), and lone page numbers, are not values.
//! - Tables: a line with two or more segments starts one; its segments' left edges are the
//!   columns. Following lines belong to it while every segment falls in a column and no single
//!   segment runs across the columns (a paragraph below the table). A row ends at a drawn rule,
//!   at a gap wider than a line, or where the first column's text is already a label and the new
//!   line's is another: so a label that wraps onto a second line stays one label, and a value
//!   that wraps, or goes on over a page break, stays one value.
//! - Everything else is a paragraph per line; [`super::fields`] joins the lines of a value.

use super::labels::Labels;
use super::{Block, Cell, Doc, DocumentError, Location, Para, Row, Run, Table};
use pdf_extract::{MediaBox, OutputDev, OutputError, Path, PathOp, Transform};

#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    end: f64,
    size: f64,
    text: String,
}

#[derive(Debug, Default)]
struct PageContent {
    height: f64,
    glyphs: Vec<Glyph>,
    /// y of horizontal rules (table borders), top-down.
    rules: Vec<(f64, f64, f64)>,
}

#[derive(Default)]
struct Collector {
    pages: Vec<PageContent>,
    flip: Option<Transform>,
}

impl Collector {
    fn page(&mut self) -> &mut PageContent {
        if self.pages.is_empty() {
            self.pages.push(PageContent::default());
        }
        self.pages.last_mut().expect("pushed above")
    }

    fn point(&self, ctm: &Transform, x: f64, y: f64) -> (f64, f64) {
        let p = ctm.transform_point(euclid::point2(x, y));
        let flip = self.flip.unwrap_or_else(Transform::identity);
        let q = flip.transform_point(p);
        (q.x, q.y)
    }

    fn rules_of(&mut self, ctm: &Transform, path: &Path) {
        let mut last: Option<(f64, f64)> = None;
        let mut found = Vec::new();
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => last = Some(self.point(ctm, x, y)),
                PathOp::LineTo(x, y) => {
                    let p = self.point(ctm, x, y);
                    if let Some(a) = last {
                        if (a.1 - p.1).abs() < 1.0 && (a.0 - p.0).abs() > 20.0 {
                            found.push((a.1, a.0.min(p.0), a.0.max(p.0)));
                        }
                    }
                    last = Some(p);
                }
                PathOp::Rect(x, y, w, h) => {
                    let a = self.point(ctm, x, y);
                    let b = self.point(ctm, x + w, y + h);
                    if (a.1 - b.1).abs() < 2.0 && (a.0 - b.0).abs() > 20.0 {
                        found.push(((a.1 + b.1) / 2.0, a.0.min(b.0), a.0.max(b.0)));
                    }
                }
                _ => {}
            }
        }
        self.page().rules.extend(found);
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        let height = media_box.ury - media_box.lly;
        self.flip = Some(Transform::row_major(1., 0., 0., -1., 0., height));
        self.pages.push(PageContent {
            height,
            ..PageContent::default()
        });
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        let flip = self.flip.unwrap_or_else(Transform::identity);
        let position = trm.post_transform(&flip);
        let v = trm.transform_vector(euclid::vec2(font_size, font_size));
        let size = (v.x * v.y).abs().sqrt();
        if !size.is_finite() || size <= 0.0 {
            return Ok(());
        }
        let (x, y) = (position.m31, position.m32);
        self.page().glyphs.push(Glyph {
            x,
            y,
            end: x + width * size,
            size,
            text: char.to_string(),
        });
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn stroke(
        &mut self,
        ctm: &Transform,
        _colorspace: &pdf_extract::ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.rules_of(ctm, path);
        Ok(())
    }
    fn fill(
        &mut self,
        ctm: &Transform,
        _colorspace: &pdf_extract::ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.rules_of(ctm, path);
        Ok(())
    }
}

/// A piece of a line between wide gaps.
#[derive(Debug, Clone)]
struct Segment {
    x0: f64,
    x1: f64,
    text: String,
    /// Each glyph's left edge and its text (with the space before it, if any), so a segment
    /// can be cut where a table's column starts (a full cell leaves too narrow a gap).
    glyphs: Vec<(f64, String)>,
}

#[derive(Debug, Clone)]
struct Line {
    page: usize,
    /// Baseline, top-down, on its page.
    y: f64,
    size: f64,
    segments: Vec<Segment>,
    /// 1-based among the page's kept lines.
    number: usize,
}

impl Line {
    fn text(&self) -> String {
        let parts: Vec<&str> = self.segments.iter().map(|s| s.text.as_str()).collect();
        parts.join("\t")
    }
}

/// Reads a PDF's bytes.
pub fn read(bytes: &[u8]) -> Result<Doc, DocumentError> {
    read_with(bytes, &Labels::built_in())
}

pub fn read_with(bytes: &[u8], labels: &Labels) -> Result<Doc, DocumentError> {
    if !bytes.starts_with(b"%PDF") {
        return Err(DocumentError::BadPdf(match super::sniff(bytes) {
            Some("zip") => "filen er et Word-dokument eller en annen zip-fil, ikke PDF".into(),
            _ => "filen begynner ikke med %PDF".into(),
        }));
    }
    let mut doc =
        pdf_extract::Document::load_mem(bytes).map_err(|e| DocumentError::BadPdf(e.to_string()))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(DocumentError::EncryptedPdf);
    }
    let page_count = doc.get_pages().len();
    if page_count == 0 {
        return Err(DocumentError::BadPdf("ingen sider".into()));
    }
    let mut collector = Collector::default();
    pdf_extract::output_doc(&doc, &mut collector)
        .map_err(|e| DocumentError::BadPdf(e.to_string()))?;
    if collector
        .pages
        .iter()
        .all(|p| p.glyphs.iter().all(|g| g.text.trim().is_empty()))
    {
        return Err(DocumentError::NoText { pages: page_count });
    }
    let mut lines = Vec::new();
    let pages: Vec<Vec<Line>> = collector
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| page_lines(i + 1, p))
        .collect();
    let kept = drop_headers_and_footers(pages, &collector.pages);
    for page in kept {
        lines.extend(page);
    }
    let rules: Vec<Vec<(f64, f64, f64)>> =
        collector.pages.iter().map(|p| p.rules.clone()).collect();
    Ok(Doc {
        blocks: blocks(&lines, &rules, labels),
        pages: page_count,
    })
}

/// The lines of one page, top to bottom.
fn page_lines(page: usize, content: &PageContent) -> Vec<Line> {
    let mut glyphs: Vec<&Glyph> = content
        .glyphs
        .iter()
        .filter(|g| g.y.is_finite() && g.x.is_finite())
        .collect();
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            Some(row) if (row[0].y - g.y).abs() <= row[0].size.max(g.size) * 0.35 => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    let mut lines = Vec::new();
    for mut row in rows {
        let y = row[0].y;
        row.sort_by(|a, b| a.x.total_cmp(&b.x));
        let size = row.iter().map(|g| g.size).fold(0.0, f64::max);
        let mut segments: Vec<Segment> = Vec::new();
        let mut last_end = f64::NEG_INFINITY;
        for g in row {
            let gap = g.x - last_end;
            let text = g.text.as_str();
            match segments.last_mut() {
                Some(seg) if gap < size * 1.6 => {
                    let mut piece = String::new();
                    if gap > size * 0.12 && !seg.text.ends_with(' ') && !text.starts_with(' ') {
                        piece.push(' ');
                    }
                    piece.push_str(text);
                    seg.text.push_str(&piece);
                    seg.glyphs.push((g.x, piece));
                    seg.x1 = seg.x1.max(g.end);
                }
                _ => {
                    if text.trim().is_empty() {
                        continue;
                    }
                    segments.push(Segment {
                        x0: g.x,
                        x1: g.end,
                        text: text.to_string(),
                        glyphs: vec![(g.x, text.to_string())],
                    })
                }
            }
            last_end = last_end.max(g.end);
        }
        for s in &mut segments {
            s.text = super::join_paragraphs([std::mem::take(&mut s.text)]);
        }
        segments.retain(|s| !s.text.is_empty());
        if segments.is_empty() {
            continue;
        }
        lines.push(Line {
            page,
            y,
            size,
            segments,
            number: 0,
        });
    }
    lines
}

/// Drops running headers, footers and page numbers.
fn drop_headers_and_footers(pages: Vec<Vec<Line>>, content: &[PageContent]) -> Vec<Vec<Line>> {
    let band = |page: usize, y: f64| {
        let h = content.get(page - 1).map_or(842.0, |c| c.height);
        y < h * 0.08 || y > h * 0.92
    };
    let shape = |l: &Line| -> String {
        l.text()
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for page in &pages {
        let mut on_page = std::collections::HashSet::new();
        for l in page.iter().filter(|l| band(l.page, l.y)) {
            on_page.insert(shape(l));
        }
        for s in on_page {
            *seen.entry(s).or_default() += 1;
        }
    }
    let several = pages.len() > 1;
    pages
        .into_iter()
        .map(|page| {
            let mut kept: Vec<Line> = page
                .into_iter()
                .filter(|l| {
                    if !band(l.page, l.y) {
                        return true;
                    }
                    let repeated = several && seen.get(&shape(l)).copied().unwrap_or(0) > 1;
                    !(repeated || is_page_number(&l.text()))
                })
                .collect();
            for (i, l) in kept.iter_mut().enumerate() {
                l.number = i + 1;
            }
            kept
        })
        .collect()
}

/// `3`, `- 3 -`, `3/4`, `Side 3 av 4`, `Side 3`.
fn is_page_number(text: &str) -> bool {
    let t = text.trim().trim_matches('-').trim().to_lowercase();
    let t = t.strip_prefix("side").map_or(t.as_str(), str::trim);
    let words: Vec<&str> = t.split([' ', '/']).filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [n] => n.chars().all(|c| c.is_ascii_digit()),
        [a, "av", b] | [a, "of", b] => a.chars().chain(b.chars()).all(|c| c.is_ascii_digit()),
        [a, b] => a.chars().chain(b.chars()).all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

struct Region {
    columns: Vec<f64>,
    rows: Vec<Row>,
    /// The row being filled: text per column.
    current: Option<(Vec<Vec<String>>, Location)>,
    /// Page and baseline of the last line taken.
    last: (usize, f64),
}

const TOLERANCE: f64 = 4.0;

/// Lines → paragraphs and tables.
fn blocks(lines: &[Line], rules: &[Vec<(f64, f64, f64)>], labels: &Labels) -> Vec<Block> {
    let body_size = {
        let mut sizes: Vec<f64> = lines.iter().map(|l| l.size).collect();
        sizes.sort_by(f64::total_cmp);
        sizes.get(sizes.len() / 2).copied().unwrap_or(10.0)
    };
    let mut out = Vec::new();
    let mut region: Option<Region> = None;
    for line in lines {
        let at = Location::Page {
            page: line.page,
            line: line.number,
        };
        if let Some(r) = region.as_mut() {
            if r.takes(line, labels) {
                let rule_between = r.last.0 == line.page
                    && rules.get(line.page - 1).is_some_and(|rs| {
                        rs.iter()
                            .any(|&(y, _, _)| y > r.last.1 + 1.0 && y < line.y - line.size * 0.6)
                    });
                let gap = if r.last.0 == line.page {
                    line.y - r.last.1
                } else {
                    0.0 // over a page break: the row goes on unless a label starts a new one
                };
                r.add(line, at, rule_between, gap, labels);
                continue;
            }
            out.push(Block::Table(region.take().expect("checked").finish()));
        }
        if line.segments.len() >= 2 && !is_inline_label(line, labels) {
            let mut r = Region {
                columns: line.segments.iter().map(|s| s.x0).collect(),
                rows: Vec::new(),
                current: None,
                last: (line.page, line.y),
            };
            r.add(line, at, true, f64::INFINITY, labels);
            region = Some(r);
            continue;
        }
        out.push(Block::Para(Para {
            runs: vec![Run {
                text: line.text(),
                help: false,
            }],
            heading: line.size > body_size * 1.15,
            at,
        }));
    }
    if let Some(r) = region {
        out.push(Block::Table(r.finish()));
    }
    out
}

/// A line that starts `Label: value` with a known label: paragraphs, whatever their gaps
/// (`Institusjon: Lia      Org.nr.: 998877001`).
fn is_inline_label(line: &Line, labels: &Labels) -> bool {
    line.segments.first().is_some_and(|s| {
        super::fields::split_label(&s.text).is_some_and(|(label, _)| labels.field(label).is_some())
    })
}

impl Region {
    /// The column a segment starting at `x` falls in.
    fn column(&self, x: f64) -> Option<usize> {
        if x < self.columns[0] - TOLERANCE {
            return None;
        }
        self.columns.iter().rposition(|&c| c <= x + TOLERANCE)
    }

    fn takes(&self, line: &Line, labels: &Labels) -> bool {
        if line.segments.iter().any(|s| self.column(s.x0).is_none())
            || is_inline_label(line, labels)
        {
            return false;
        }
        // Several segments that do not start at this table's columns: another table.
        if line.segments.len() >= 2
            && line
                .segments
                .iter()
                .any(|s| !self.columns.iter().any(|c| (c - s.x0).abs() <= TOLERANCE))
        {
            return false;
        }
        // A single segment from the first column running into the second: a paragraph —
        // unless a word starts at every column start it runs over, as when full cells leave
        // too narrow a gap between them to cut the line there.
        if let ([only], Some(&second)) = (line.segments.as_slice(), self.columns.get(1)) {
            if self.column(only.x0) == Some(0)
                && only.x1 > second + TOLERANCE
                && !self.cells_side_by_side(only)
            {
                return false;
            }
        }
        // A paragraph well below the table (more than two lines' gap) ends it.
        !(self.last.0 == line.page && line.y - self.last.1 > line.size * 3.0)
    }

    /// A word starts at each column start (after the first) the segment runs over, and it
    /// reaches the third column: a row of full cells, not a paragraph (whose words meet two
    /// column starts by chance seldom).
    fn cells_side_by_side(&self, segment: &Segment) -> bool {
        let spanned: Vec<f64> = self.columns[1..]
            .iter()
            .copied()
            .filter(|&c| c < segment.x1 - TOLERANCE)
            .collect();
        spanned.len() >= 2
            && spanned.iter().all(|&c| {
                segment.glyphs.iter().enumerate().any(|(i, (x, piece))| {
                    let after_space =
                        i == 0 || piece.starts_with(' ') || segment.glyphs[i - 1].1.ends_with(' ');
                    (x - c).abs() <= TOLERANCE && after_space
                })
            })
    }

    fn add(&mut self, line: &Line, at: Location, rule: bool, gap: f64, labels: &Labels) {
        let mut parts: Vec<(usize, String)> = Vec::new();
        for s in &line.segments {
            // Cut at every column start the segment runs over.
            for (x, piece) in &s.glyphs {
                let Some(c) = self.column(*x) else { continue };
                match parts.last_mut() {
                    Some((last, text)) if *last == c => text.push_str(piece),
                    _ => parts.push((c, piece.trim_start().to_string())),
                }
            }
        }
        for (_, text) in &mut parts {
            *text = super::join_paragraphs([std::mem::take(text)]);
        }
        parts.retain(|(_, t)| !t.is_empty());
        let first_col = parts.iter().find(|(c, _)| *c == 0).map(|(_, t)| t.as_str());
        let new_row = match (&self.current, first_col) {
            (None, _) => true,
            (Some(_), _) if rule => true,
            (Some(_), None) => false,
            (Some((cells, _)), Some(text)) => {
                let so_far = cells[0].join(" ");
                let wide_gap = gap > line.size * 1.5;
                let so_far_is_label = labels.field(&so_far).is_some();
                let joined_is_label = labels.field(&format!("{so_far} {text}")).is_some();
                (wide_gap && (so_far.is_empty() || !joined_is_label))
                    || (so_far_is_label && !joined_is_label)
            }
        };
        if new_row {
            self.flush_row();
            self.current = Some((vec![Vec::new(); self.columns.len()], at));
        }
        if let Some((cells, _)) = self.current.as_mut() {
            for (c, text) in parts {
                cells[c].push(text);
            }
        }
        self.last = (line.page, line.y);
    }

    fn flush_row(&mut self) {
        if let Some((cells, at)) = self.current.take() {
            let cells = cells
                .into_iter()
                .map(|texts| Cell {
                    blocks: if texts.is_empty() {
                        Vec::new()
                    } else {
                        vec![Block::Para(Para {
                            runs: vec![Run {
                                text: super::join_paragraphs(texts),
                                help: false,
                            }],
                            heading: false,
                            at,
                        })]
                    },
                })
                .collect();
            self.rows.push(Row { cells, at });
        }
    }

    fn finish(mut self) -> Table {
        self.flush_row();
        Table { rows: self.rows }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        for t in ["3", "- 3 -", "3/4", "Side 3 av 4", "side 3", "Side 3/4"] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["Side", "3 barn", "2024/0042 side", "Tiltak 3"] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    #[test]
    fn not_a_pdf_and_a_broken_pdf_are_refused_with_a_reason() {
        assert!(matches!(read(b"hello"), Err(DocumentError::BadPdf(_))));
        assert!(matches!(
            read(b"%PDF-1.4\n%%EOF"),
            Err(DocumentError::BadPdf(_))
        ));
    }
}
