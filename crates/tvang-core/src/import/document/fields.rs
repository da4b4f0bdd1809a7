//! Finding the fields in a read document, whatever its layout.
//!
//! Layouts, any mix of them in one document:
//! - a label | value table (the value may be several paragraphs, or hold a nested table);
//! - `Label: value` paragraphs (several on one line when separated by tabs);
//! - a label paragraph (or heading) with the value in the paragraphs below it, up to the next
//!   label;
//! - a measures table, whose header row names measure fields (`Hjemmel | Tiltak | Start |
//!   Slutt`, any order, other columns ignored): one measure per row;
//! - a choice grid, a table whose header row lists options (`| Ja | Nei |`) with an `X` in the
//!   option that applies;
//! - check boxes in a value (`☒ Ja ☐ Nei`, `☑`, `[x]`/`[ ]`): the checked option is the value.
//!
//! Help text left in (Bufdir's blue, or a bracketed instruction `[Beskriv …]`) is not a value.

use super::labels::{is_box_glyph, Labels, MEASURE_FIELDS};
use super::{join_paragraphs, Block, Doc, Location, Para, Table};
use serde::{Deserialize, Serialize};

/// One field as read: which label named it, where, and the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldRead {
    pub field: String,
    pub label: String,
    pub at: Location,
    pub value: String,
}

/// One row of a measures table.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MeasureRead {
    pub provision: Option<String>,
    pub kind: Option<String>,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub at: Option<Location>,
}

/// Why a field counts as not read, or read uncertainly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Doubt {
    /// Only help text where the value should be.
    HelpText,
    /// Check boxes, none of them checked.
    NoneChecked,
    /// Check boxes, more than one checked.
    SeveralChecked,
    /// The field was given twice with different values (the first is used).
    Contradicting,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDoubt {
    pub field: String,
    pub doubt: Doubt,
    pub at: Location,
}

/// Everything read from one document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    pub fields: Vec<FieldRead>,
    pub measures: Vec<MeasureRead>,
    pub doubts: Vec<FieldDoubt>,
    /// Fields whose value had help text left in (even when something else was written too).
    pub help_text: Vec<String>,
    /// Texts in a label's place that name no field.
    pub unknown_labels: Vec<String>,
    /// Text under no label (a complaint letter's body, when it has no `Klagen` heading).
    pub body: String,
}

impl Reading {
    pub fn value(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.value.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.value(field).is_some()
    }

    /// True when nothing in the document was recognised as a protocol or complaint field.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.measures.is_empty() && self.doubts.is_empty()
    }
}

/// A label whose value is still being read (the paragraphs below it).
struct Open {
    field: Option<&'static str>,
    label: String,
    at: Location,
    paragraphs: Vec<Para>,
}

struct Extractor<'a> {
    labels: &'a Labels,
    reading: Reading,
    open: Option<Open>,
    body: Vec<String>,
}

/// Finds the fields of a document.
pub fn extract(doc: &Doc, labels: &Labels) -> Reading {
    let mut x = Extractor {
        labels,
        reading: Reading::default(),
        open: None,
        body: Vec::new(),
    };
    x.blocks(&doc.blocks);
    x.close();
    x.reading.body = join_paragraphs(std::mem::take(&mut x.body));
    x.reading
}

/// At most this many words make a label (longer texts ending in `:` are sentences).
const LABEL_WORDS: usize = 8;

impl Extractor<'_> {
    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            match block {
                Block::Para(p) => self.paragraph(p),
                Block::Table(t) => self.table(t),
            }
        }
    }

    fn paragraph(&mut self, p: &Para) {
        let text = p.text();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return;
        }
        if self.inline_labels(p) {
            return;
        }
        if let Some(field) = self.labels.field(trimmed) {
            self.close();
            self.open = Some(Open {
                field: Some(field),
                label: clean_label(trimmed),
                at: p.at,
                paragraphs: Vec::new(),
            });
            return;
        }
        // A heading ends the value above it and names a field tvang does not know; the first
        // heading, before any field, is the document's title.
        let heading = p.heading && !self.reading.fields.is_empty();
        if looks_like_label(trimmed, heading) && !p.all_help() {
            self.close();
            let label = clean_label(trimmed);
            self.unknown(&label);
            self.open = Some(Open {
                field: None,
                label,
                at: p.at,
                paragraphs: Vec::new(),
            });
            return;
        }
        match &mut self.open {
            Some(open) => open.paragraphs.push(p.clone()),
            None => self.body.push(p.value_text()),
        }
    }

    /// `Label: value` (several on one line: `Institusjon: Lia   Org.nr.: 998877001`). True when
    /// the paragraph was taken as such.
    fn inline_labels(&mut self, p: &Para) -> bool {
        let text = p.text();
        let pairs = inline_pairs(&text, self.labels);
        if pairs.is_empty() {
            return false;
        }
        self.close();
        // The help-coloured part of the paragraph, to take out of the values.
        let help: Vec<&str> = p
            .runs
            .iter()
            .filter(|r| r.help)
            .map(|r| r.text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        let last = pairs.len() - 1;
        for (i, (field, label, mut value)) in pairs.into_iter().enumerate() {
            let mut had_help = false;
            for h in &help {
                if value.contains(h) {
                    value = value.replace(h, " ");
                    had_help = true;
                }
            }
            if i == last {
                // The value may go on in the paragraphs below (a PDF line that wrapped).
                self.open = Some(Open {
                    field: Some(field),
                    label,
                    at: p.at,
                    paragraphs: vec![Para {
                        // An empty help run remembers that help text was taken out.
                        runs: [(value, false), (String::new(), had_help)]
                            .into_iter()
                            .filter(|(t, help)| !t.is_empty() || *help)
                            .map(|(text, help)| super::Run { text, help })
                            .collect(),
                        heading: false,
                        at: p.at,
                    }],
                });
            } else {
                self.value(field, label, p.at, value, had_help);
            }
        }
        true
    }

    fn close(&mut self) {
        let Some(open) = self.open.take() else { return };
        let Some(field) = open.field else { return };
        let had_help = open
            .paragraphs
            .iter()
            .any(|p| p.runs.iter().any(|r| r.help));
        let value = join_paragraphs(open.paragraphs.iter().map(Para::value_text));
        if value.is_empty() && !had_help {
            // A label with nothing below it: a heading over a table, or a field left empty
            // (which the list of fields to check names).
            return;
        }
        self.value(field, open.label, open.at, value, had_help);
    }

    /// Records a field's value, after taking help text and check boxes into account.
    fn value(&mut self, field: &str, label: String, at: Location, raw: String, had_help: bool) {
        let (value, bracketed) = strip_instructions(&raw);
        if had_help || bracketed {
            push_unique(&mut self.reading.help_text, field);
        }
        let value = match choose(&value) {
            Choice::NotChoices => value,
            Choice::One(option) => option,
            Choice::None => {
                self.doubt(field, Doubt::NoneChecked, at);
                return;
            }
            Choice::Several => {
                self.doubt(field, Doubt::SeveralChecked, at);
                return;
            }
        };
        if value.is_empty() {
            if had_help || bracketed {
                self.doubt(field, Doubt::HelpText, at);
            }
            return;
        }
        if let Some(earlier) = self.reading.fields.iter().find(|f| f.field == field) {
            if earlier.value != value {
                self.doubt(field, Doubt::Contradicting, at);
            }
            return;
        }
        self.reading.fields.push(FieldRead {
            field: field.to_string(),
            label,
            at,
            value,
        });
    }

    fn doubt(&mut self, field: &str, doubt: Doubt, at: Location) {
        self.reading.doubts.push(FieldDoubt {
            field: field.to_string(),
            doubt,
            at,
        });
    }

    fn unknown(&mut self, label: &str) {
        push_unique(&mut self.reading.unknown_labels, label);
    }

    fn table(&mut self, t: &Table) {
        if self.measures_table(t) || self.choice_grid(t) {
            return;
        }
        // A label | value table when some row's first cell is a label.
        let label_table = t.rows.iter().any(|row| {
            let cells: Vec<_> = row
                .cells
                .iter()
                .filter(|c| !c.text().trim().is_empty())
                .collect();
            cells.len() >= 2 && self.labels.field(&cells[0].text()).is_some()
        });
        for row in &t.rows {
            let cells: Vec<_> = row
                .cells
                .iter()
                .filter(|c| !c.text().trim().is_empty())
                .collect();
            if label_table && cells.len() >= 2 {
                let first = cells[0].text();
                let first = first.trim();
                if let Some(field) = self.labels.field(first) {
                    self.close();
                    let paragraphs: Vec<&Para> =
                        cells[1..].iter().flat_map(|c| c.paragraphs()).collect();
                    let had_help = paragraphs.iter().any(|p| p.runs.iter().any(|r| r.help));
                    let value = join_paragraphs(paragraphs.iter().map(|p| p.value_text()));
                    self.value(field, clean_label(first), row.at, value, had_help);
                    continue;
                }
                if looks_like_label(first, true) && !first.contains(':') {
                    self.close();
                    self.unknown(&clean_label(first));
                    continue;
                }
            }
            for cell in &row.cells {
                self.blocks(&cell.blocks);
            }
        }
    }

    /// A table whose header row names at least two measure fields: one measure per row.
    fn measures_table(&mut self, t: &Table) -> bool {
        let Some(header) = t.rows.first() else {
            return false;
        };
        let columns: Vec<Option<&'static str>> = header
            .cells
            .iter()
            .map(|c| {
                self.labels
                    .field(&c.text())
                    .filter(|f| MEASURE_FIELDS.contains(f))
            })
            .collect();
        let named = columns.iter().flatten().count();
        if named < 2
            || !columns
                .iter()
                .flatten()
                .any(|f| *f == "provision" || *f == "kind")
        {
            return false;
        }
        self.close();
        for row in &t.rows[1..] {
            let mut m = MeasureRead {
                at: Some(row.at),
                ..MeasureRead::default()
            };
            for (cell, column) in row.cells.iter().zip(&columns) {
                let Some(column) = column else { continue };
                let paragraphs = cell.paragraphs();
                let had_help = paragraphs.iter().any(|p| p.runs.iter().any(|r| r.help));
                let (value, bracketed) =
                    strip_instructions(&join_paragraphs(paragraphs.iter().map(|p| p.value_text())));
                if had_help || bracketed {
                    push_unique(&mut self.reading.help_text, column);
                }
                let value = (!value.is_empty()).then_some(value);
                match *column {
                    "provision" => m.provision = value,
                    "kind" => m.kind = value,
                    "started_at" => m.started_at = value,
                    _ => m.ended_at = value,
                }
            }
            if m.provision.is_some() || m.kind.is_some() || m.started_at.is_some() {
                self.reading.measures.push(m);
            }
        }
        true
    }

    /// A table whose header row lists short options after an empty or title cell, each body row
    /// a label with an `X` (or check mark) under the option that applies.
    fn choice_grid(&mut self, t: &Table) -> bool {
        let Some(header) = t.rows.first() else {
            return false;
        };
        if header.cells.len() < 3 || t.rows.len() < 2 {
            return false;
        }
        let options: Vec<String> = header.cells[1..]
            .iter()
            .map(|c| c.text().trim().to_string())
            .collect();
        let short = |o: &String| !o.is_empty() && o.split_whitespace().count() <= 3;
        if !options.iter().all(short) || self.labels.field(&header.cells[0].text()).is_some() {
            return false;
        }
        let rows_with_labels = t.rows[1..]
            .iter()
            .filter(|r| {
                r.cells
                    .first()
                    .is_some_and(|c| self.labels.field(&c.text()).is_some())
            })
            .count();
        let marks = |r: &super::Row| {
            r.cells[1..]
                .iter()
                .filter(|c| is_mark(c.text().trim()))
                .count()
        };
        if rows_with_labels == 0 || !t.rows[1..].iter().any(|r| marks(r) > 0) {
            return false;
        }
        self.close();
        for row in &t.rows[1..] {
            let Some(first) = row.cells.first() else {
                continue;
            };
            let label = first.text();
            let Some(field) = self.labels.field(&label) else {
                if !label.trim().is_empty() {
                    self.unknown(&clean_label(label.trim()));
                }
                continue;
            };
            let checked: Vec<&String> = row.cells[1..]
                .iter()
                .zip(&options)
                .filter(|(c, _)| is_mark(c.text().trim()))
                .map(|(_, o)| o)
                .collect();
            match checked.as_slice() {
                [one] => self.value(
                    field,
                    clean_label(label.trim()),
                    row.at,
                    (*one).clone(),
                    false,
                ),
                [] => self.doubt(field, Doubt::NoneChecked, row.at),
                _ => self.doubt(field, Doubt::SeveralChecked, row.at),
            }
        }
        true
    }
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|i| i == item) {
        list.push(item.to_string());
    }
}

/// A mark in a choice grid's cell.
fn is_mark(text: &str) -> bool {
    matches!(text, "X" | "x" | "☒" | "☑" | "✓" | "✔" | "■" | "⊠")
}

/// The `Label: value` pairs of a paragraph that starts with a known label followed by `:`;
/// further pairs are found wherever a known label ends in `:` (the longest label wins), so
/// tabs, wide gaps and single spaces between them read alike.
fn inline_pairs(text: &str, labels: &Labels) -> Vec<(&'static str, String, String)> {
    let mut words: Vec<&str> = Vec::new();
    for w in text.split_whitespace() {
        // A tab that ends just before its stop leaves no gap in a PDF: `senterOrg.nr.:`.
        match glued_label(w, labels) {
            Some(i) => words.extend([&w[..i], &w[i..]]),
            None => words.push(w),
        }
    }
    // (first word, last word, field) of each label.
    let mut spans: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut from = 0;
    for j in 0..words.len() {
        let w = words[j];
        if !w.ends_with(':') || w.len() < 2 {
            continue;
        }
        let earliest = j.saturating_sub(LABEL_WORDS - 1).max(from);
        let found = (earliest..=j).find_map(|k| {
            let label = words[k..=j].join(" ");
            labels.field(label.trim_end_matches(':')).map(|f| (k, f))
        });
        if let Some((k, field)) = found {
            if spans.is_empty() && k != 0 {
                return Vec::new();
            }
            spans.push((k, j, field));
            from = j + 1;
        }
    }
    let mut pairs = Vec::new();
    for (i, &(k, j, field)) in spans.iter().enumerate() {
        let end = spans.get(i + 1).map_or(words.len(), |next| next.0);
        let label = clean_label(&words[k..=j].join(" "));
        pairs.push((field, label, words[j + 1..end].join(" ")));
    }
    pairs
}

/// `Label: value` → (`Label`, `value`), when the part before the first `:` is short enough to be
/// a label (and is not a time such as `21:05`).
pub fn split_label(segment: &str) -> Option<(&str, &str)> {
    let (label, value) = segment.split_once(':')?;
    let words = label.split_whitespace().count();
    if words == 0 || words > LABEL_WORDS || label.trim().chars().last()?.is_ascii_digit() {
        return None;
    }
    Some((label, value.trim()))
}

/// Where a label ending in `:` is glued to the word before it (`omsorgssenterOrg.nr.:`): at a
/// small letter followed by a capital.
fn glued_label(word: &str, labels: &Labels) -> Option<usize> {
    if !word.ends_with(':') || labels.field(word.trim_end_matches(':')).is_some() {
        return None;
    }
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    chars.windows(2).find_map(|pair| {
        let [(_, a), (i, b)] = pair else { return None };
        (a.is_lowercase()
            && b.is_uppercase()
            && labels.field(word[*i..].trim_end_matches(':')).is_some())
        .then_some(*i)
    })
}

/// A text in a label's place: short, ending with `:` or `?` or set as a heading, and not a
/// sentence or a check-box option.
fn looks_like_label(text: &str, heading: bool) -> bool {
    let words = text.split_whitespace().count();
    let ends = text.ends_with(':') || text.ends_with('?');
    (heading || ends)
        && words <= LABEL_WORDS
        && !text.starts_with(is_box_glyph)
        && !text.starts_with('[')
        && !text.ends_with('.')
        && text.chars().next().is_some_and(|c| c.is_alphabetic())
}

/// A label as shown in messages: trimmed, without its trailing `:` or `?`.
fn clean_label(text: &str) -> String {
    join_paragraphs([text.trim().trim_end_matches([':', '?']).trim().to_string()])
}

/// Takes bracketed instructions (`[Beskriv situasjonen …]`) out of a value; true when one was
/// there. A bracket is an instruction when it opens with a capital letter and holds at least two
/// words; check boxes (`[x]`, `[ ]`) are left for [`choose`].
fn strip_instructions(value: &str) -> (String, bool) {
    // A value that opens with a template's instruction verb is the template's text, also in a
    // PDF, where the help text's blue colour cannot be seen.
    let first = value.split_whitespace().next().unwrap_or("");
    if INSTRUCTION_VERBS.contains(&first) {
        return (String::new(), true);
    }
    let mut out = String::with_capacity(value.len());
    let mut found = false;
    let mut rest = value;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        let inner = &rest[open + 1..close];
        let instruction = inner.trim().chars().next().is_some_and(char::is_uppercase)
            && inner.split_whitespace().count() >= 2;
        out.push_str(&rest[..open]);
        if instruction {
            found = true;
            out.push(' ');
        } else {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    (join_paragraphs([out]), found)
}

/// How Bufdir-style help texts open (`Beskriv situasjonen …`, `Gjengi barnets syn …`): an
/// imperative no protocol's own text starts with.
const INSTRUCTION_VERBS: &[&str] = &[
    "Beskriv",
    "Gjengi",
    "Skriv",
    "Oppgi",
    "Angi",
    "Fyll",
    "Før",
    "Redegjør",
    "Begrunn",
    "Vurder",
    "Kryss",
];

enum Choice {
    NotChoices,
    One(String),
    None,
    Several,
}

/// Reads check boxes in a value: `☒ Ja ☐ Nei`, `[x] Ja [ ] Nei`.
fn choose(value: &str) -> Choice {
    let normalised = value
        .replace("[x]", "☒")
        .replace("[X]", "☒")
        .replace("[ ]", "☐")
        .replace("[]", "☐");
    if !normalised.contains(is_box_glyph) {
        return Choice::NotChoices;
    }
    let mut options: Vec<(bool, String)> = Vec::new();
    let mut current: Option<(bool, String)> = None;
    for c in normalised.chars() {
        if is_box_glyph(c) {
            if let Some(o) = current.take() {
                options.push(o);
            }
            let checked = c != '☐' && c != '□';
            current = Some((checked, String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push(c);
        }
    }
    options.extend(current);
    let checked: Vec<String> = options
        .into_iter()
        .filter(|(checked, _)| *checked)
        .map(|(_, t)| {
            t.trim()
                .trim_end_matches(['/', ',', ';'])
                .trim()
                .to_string()
        })
        .collect();
    match checked.len() {
        0 => Choice::None,
        1 => Choice::One(checked.into_iter().next().unwrap_or_default()),
        _ => Choice::Several,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::document::{Cell, Row, Run};

    fn para(text: &str, at: usize) -> Block {
        Block::Para(Para {
            runs: vec![Run {
                text: text.into(),
                help: false,
            }],
            heading: false,
            at: Location::Paragraph(at),
        })
    }

    fn help_para(text: &str, at: usize) -> Block {
        Block::Para(Para {
            runs: vec![Run {
                text: text.into(),
                help: true,
            }],
            heading: false,
            at: Location::Paragraph(at),
        })
    }

    fn table(rows: &[&[&str]]) -> Block {
        Block::Table(Table {
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| Row {
                    cells: cells
                        .iter()
                        .map(|t| Cell {
                            blocks: t.split('\n').map(|p| para(p, 0)).collect(),
                        })
                        .collect(),
                    at: Location::TableRow {
                        table: 1,
                        row: i + 1,
                    },
                })
                .collect(),
        })
    }

    fn read(blocks: Vec<Block>) -> Reading {
        extract(&Doc { blocks, pages: 0 }, &Labels::built_in())
    }

    #[test]
    fn every_layout_in_one_document() {
        let r = read(vec![
            para("Institusjon: Solbakken ungdomshjem\tOrg.nr.: 998877001", 1),
            table(&[
                &["Protokollnummer", "2024/0042"],
                &[
                    "Beskrivelse av situasjonen",
                    "Første avsnitt.\nAndre  avsnitt.",
                ],
                &["Barnet er informert om klageadgangen", "☒ Ja ☐ Nei"],
                &["Hendelsesforløp", "noe"],
            ]),
            para("Begrunnelse", 2),
            para("Det ble forsøkt samtale.", 3),
            para("Barnet roet seg ikke.", 4),
            para("Barnets syn:", 5),
            para("Barnet var uenig.", 6),
            table(&[
                &["Hjemmel", "Tiltak", "Start", "Slutt", "Merknad"],
                &[
                    "bvl § 10-7",
                    "fastholding",
                    "14.03.2024 kl. 21.05",
                    "14.03.2024 kl. 21.20",
                    "x",
                ],
                &["bvl § 10-7", "isolasjon", "14.03.2024 21:20", "", ""],
            ]),
        ]);
        assert_eq!(r.value("institution"), Some("Solbakken ungdomshjem"));
        assert_eq!(r.value("institution_id"), Some("998877001"));
        assert_eq!(r.value("protocol_id"), Some("2024/0042"));
        assert_eq!(r.value("danger"), Some("Første avsnitt. Andre avsnitt."));
        assert_eq!(r.value("informed_of_complaint_right"), Some("Ja"));
        assert_eq!(
            r.value("justification"),
            Some("Det ble forsøkt samtale. Barnet roet seg ikke.")
        );
        assert_eq!(r.value("child_statement"), Some("Barnet var uenig."));
        assert_eq!(r.unknown_labels, vec!["Hendelsesforløp".to_string()]);
        assert_eq!(r.measures.len(), 2);
        assert_eq!(r.measures[1].kind.as_deref(), Some("isolasjon"));
        assert_eq!(r.measures[1].ended_at, None);
        assert_eq!(
            r.fields.iter().find(|f| f.field == "danger").unwrap().at,
            Location::TableRow { table: 1, row: 2 }
        );
    }

    #[test]
    fn check_boxes_none_or_two_checked_are_doubts() {
        let r = read(vec![table(&[
            &["Skade", "☐ Nei ☐ Barnet ☐ Ansatte ☐ Begge"],
            &[
                "Politiet involvert",
                "[x] Nei [x] Sammen med ansatte [ ] Politiet alene",
            ],
            &["Barnet ønsker å klage", "[ ] Ja [X] Nei"],
            &["Institusjon", "Lia"],
        ])]);
        assert_eq!(r.value("wants_to_complain"), Some("Nei"));
        assert!(!r.has("injury") && !r.has("police"));
        let doubts: Vec<_> = r
            .doubts
            .iter()
            .map(|d| (d.field.as_str(), &d.doubt))
            .collect();
        assert_eq!(
            doubts,
            vec![
                ("injury", &Doubt::NoneChecked),
                ("police", &Doubt::SeveralChecked)
            ]
        );
    }

    #[test]
    fn a_choice_grid_with_x_in_a_cell() {
        let r = read(vec![table(&[
            &["", "Ja", "Nei"],
            &["Barnet er informert om klageadgangen", "X", ""],
            &["Barnet ønsker å klage", "", "x"],
        ])]);
        assert_eq!(r.value("informed_of_complaint_right"), Some("Ja"));
        assert_eq!(r.value("wants_to_complain"), Some("Nei"));
    }

    #[test]
    fn help_text_is_not_a_value() {
        let r = read(vec![
            para("Begrunnelse:", 1),
            help_para("Skriv hvilke mindre inngripende tiltak som ble forsøkt.", 2),
            para("Barnets syn: [Beskriv barnets syn på tiltaket]", 3),
            para("Beskrivelse av situasjonen:", 4),
            help_para("Beskriv faren.", 5),
            para("Gutten slo etter en ansatt.", 6),
        ]);
        assert!(!r.has("justification") && !r.has("child_statement"));
        assert_eq!(r.value("danger"), Some("Gutten slo etter en ansatt."));
        assert_eq!(
            r.help_text,
            vec!["justification", "child_statement", "danger"]
        );
        let doubts: Vec<_> = r.doubts.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(doubts, vec!["justification", "child_statement"]);
    }

    #[test]
    fn times_and_sentences_with_colons_are_not_labels() {
        let r = read(vec![
            para("Han sa til de ansatte at han ville gå, og at ingen kunne stoppe ham: det gjorde de.", 1),
            para("Start: 14.03.2024 kl. 21:05", 2),
        ]);
        assert_eq!(r.value("started_at"), Some("14.03.2024 kl. 21:05"));
        assert!(r.unknown_labels.is_empty());
        assert!(r.body.starts_with("Han sa"));
    }
}
