//! Word documents (`.docx`): the body of `word/document.xml` as paragraphs and tables.
//!
//! Read: paragraphs and their runs (text, tabs, line breaks, the run's colour and boldness, the
//! paragraph's heading style), tables with nested tables and merged cells, content controls
//! (`w:sdt`, block and inline; a check-box control becomes `☒` or `☐`), legacy check-box form
//! fields, Wingdings check-box symbols, text boxes, and tracked insertions (deletions are left
//! out, as Word shows the document). Page headers and footers live in other parts and are not
//! values, so they are not read.

use super::{Block, Cell, Doc, DocumentError, Location, Para, Row, Run, Table};
use quick_xml::events::{BytesStart, Event};
use std::io::Read;

/// The uncompressed size of `word/document.xml` tvang will read (a zip bomb stops here).
const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;

pub const CHECKED: char = '☒';
pub const UNCHECKED: char = '☐';

/// Reads a `.docx` file's bytes.
pub fn read(bytes: &[u8]) -> Result<Doc, DocumentError> {
    let xml = document_xml(bytes)?;
    parse(&xml)
}

fn document_xml(bytes: &[u8]) -> Result<String, DocumentError> {
    match super::sniff(bytes) {
        Some("zip") => {}
        Some("OLE") => return Err(DocumentError::Encrypted),
        other => return Err(DocumentError::NotZip { looks_like: other }),
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| DocumentError::BrokenZip(e.to_string()))?;
    let mut part = match archive.by_name("word/document.xml") {
        Ok(p) => p,
        Err(zip::result::ZipError::FileNotFound) => return Err(DocumentError::NotWord),
        Err(e) => return Err(DocumentError::BrokenZip(e.to_string())),
    };
    if part.encrypted() {
        return Err(DocumentError::Encrypted);
    }
    let mut xml = String::new();
    (&mut part)
        .take(MAX_XML_BYTES + 1)
        .read_to_string(&mut xml)
        .map_err(|e| DocumentError::BrokenZip(e.to_string()))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(DocumentError::TooLarge {
            bytes: xml.len() as u64,
        });
    }
    Ok(xml)
}

/// A container being filled: the body, or a table cell.
struct Container {
    blocks: Vec<Block>,
}

struct TableBuilder {
    rows: Vec<Row>,
    row: Option<Vec<Cell>>,
    /// 1-based index among the document's tables.
    index: usize,
}

#[derive(Default)]
struct ParaBuilder {
    runs: Vec<Run>,
    heading: bool,
}

#[derive(Default, Clone)]
struct RunProps {
    help: bool,
    bold: bool,
}

/// An open content control: a check box (its state) or plain content.
struct Sdt {
    checkbox: Option<bool>,
}

#[derive(Default)]
struct Parser {
    containers: Vec<Container>,
    tables: Vec<TableBuilder>,
    paras: Vec<ParaBuilder>,
    run: RunProps,
    in_run: bool,
    in_text: bool,
    /// Inside `w:rPr` of a run, or `w:pPr` of a paragraph.
    in_run_props: bool,
    sdts: Vec<Sdt>,
    /// Depth inside a `w:del` (deleted revision) or other skipped element.
    skip: usize,
    body_paragraphs: usize,
    tables_seen: usize,
    /// Runs seen in the current paragraph, all bold so far.
    all_bold: bool,
    /// Inside a legacy check-box form field.
    legacy: Option<LegacyBox>,
    /// The cell being read continues a vertical merge.
    merged_continue: bool,
}

#[derive(Default)]
struct LegacyBox {
    default: bool,
    checked: Option<bool>,
}

fn parse(xml: &str) -> Result<Doc, DocumentError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut p = Parser {
        containers: vec![Container { blocks: Vec::new() }],
        ..Parser::default()
    };
    let bad = |e: quick_xml::Error| DocumentError::BadXml {
        part: "word/document.xml".into(),
        message: e.to_string(),
    };
    loop {
        match reader.read_event().map_err(bad)? {
            Event::Start(e) => p.start(&e, false),
            Event::Empty(e) => {
                p.start(&e, true);
                p.end(e.local_name().as_ref());
            }
            Event::End(e) => p.end(e.local_name().as_ref()),
            Event::Text(t) => p.text(&t),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_predefined_entity(&r)
                        .unwrap_or_default()
                        .to_string(),
                };
                p.text(&resolved);
            }
            Event::CData(c) => {
                let text: &str = c.as_ref();
                let text = text.to_string();
                p.text(&text);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let blocks = p
        .containers
        .into_iter()
        .next()
        .map(|c| c.blocks)
        .unwrap_or_default();
    Ok(Doc { blocks, pages: 0 })
}

fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.into_owned())
        })
    })
}

/// `w:val="0"`/`"false"` is off; absent or anything else is on (OOXML's on/off type).
fn on_off(e: &BytesStart<'_>) -> bool {
    !matches!(attr(e, "val").as_deref(), Some("0" | "false" | "off"))
}

/// Bufdir's help text is blue; the exact shade varies between template versions, so any colour
/// where blue clearly dominates counts (`0070C0`, `4472C4`, `0000FF`, `2E74B5`, …).
pub fn is_help_colour(hex: &str) -> bool {
    if hex.len() != 6 {
        return false;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok().map(i32::from);
    let (Some(r), Some(g), Some(b)) = (channel(0), channel(2), channel(4)) else {
        return false;
    };
    b >= 0x80 && b > r + 0x40 && b > g + 0x20
}

impl Parser {
    fn para(&mut self) -> Option<&mut ParaBuilder> {
        self.paras.last_mut()
    }

    fn push_text(&mut self, text: &str) {
        if let Some(sdt) = self.sdts.last() {
            if sdt.checkbox.is_some() {
                return; // the control's state, not its glyph, says whether it is checked
            }
        }
        let props = self.run.clone();
        if !props.bold && !text.trim().is_empty() {
            self.all_bold = false;
        }
        let Some(para) = self.para() else { return };
        match para.runs.last_mut() {
            Some(last) if last.help == props.help => last.text.push_str(text),
            _ => para.runs.push(Run {
                text: text.to_string(),
                help: props.help,
            }),
        }
    }

    fn text(&mut self, t: &str) {
        if self.skip > 0 || !self.in_text {
            return;
        }
        self.push_text(t);
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.local_name();
        let name = name.as_ref();
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        match name {
            // Deleted revisions and field instructions are not what Word shows.
            "del" | "instrText" | "delText" | "moveFrom" if !empty => self.skip = 1,
            "p" => {
                self.paras.push(ParaBuilder::default());
                self.all_bold = true;
            }
            "pStyle" => {
                let style = attr(e, "val").unwrap_or_default().to_lowercase();
                if style.contains("heading")
                    || style.contains("overskrift")
                    || style.starts_with("title")
                    || style.starts_with("tittel")
                {
                    if let Some(p) = self.para() {
                        p.heading = true;
                    }
                }
            }
            "r" => {
                self.in_run = true;
                self.run = RunProps::default();
            }
            "rPr" => self.in_run_props = true,
            "color" if self.in_run && self.in_run_props => {
                self.run.help = attr(e, "val").is_some_and(|v| is_help_colour(&v));
            }
            "b" if self.in_run && self.in_run_props => self.run.bold = on_off(e),
            "t" => self.in_text = true,
            "tab" if self.in_run => self.push_text("\t"),
            "br" | "cr" if self.in_run => self.push_text("\n"),
            "noBreakHyphen" | "softHyphen" if self.in_run => self.push_text("-"),
            "sym" if self.in_run => {
                let c = attr(e, "char").unwrap_or_default();
                if let Some(glyph) = wingdings_box(&c) {
                    self.push_text(&format!("{glyph} "));
                }
            }
            "sdt" => self.sdts.push(Sdt { checkbox: None }),
            "checkbox" if !self.sdts.is_empty() => {
                if let Some(s) = self.sdts.last_mut() {
                    s.checkbox.get_or_insert(false);
                }
            }
            "checkBox" => {
                self.legacy = Some(LegacyBox::default());
            }
            "checked" => {
                let checked = on_off(e);
                if let Some(legacy) = self.legacy.as_mut() {
                    legacy.checked = Some(checked);
                } else if let Some(s) = self.sdts.last_mut().filter(|s| s.checkbox.is_some()) {
                    s.checkbox = Some(checked);
                }
            }
            "default" => {
                if let Some(legacy) = self.legacy.as_mut() {
                    legacy.default = on_off(e);
                }
            }
            "tbl" => {
                self.tables_seen += 1;
                self.tables.push(TableBuilder {
                    rows: Vec::new(),
                    row: None,
                    index: self.tables_seen,
                });
            }
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.row = Some(Vec::new());
                }
            }
            "tc" => self.containers.push(Container { blocks: Vec::new() }),
            // A continued vertical merge: the cell repeats the one above and holds nothing.
            "vMerge" if attr(e, "val").as_deref() != Some("restart") => {
                self.merged_continue = true;
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match name {
            "t" => self.in_text = false,
            "rPr" => self.in_run_props = false,
            "r" => {
                self.in_run = false;
                self.run = RunProps::default();
            }
            "checkBox" => {
                // A legacy form field: its state, then a field result Word draws itself.
                if let Some(legacy) = self.legacy.take() {
                    let glyph = if legacy.checked.unwrap_or(legacy.default) {
                        CHECKED
                    } else {
                        UNCHECKED
                    };
                    self.push_text(&format!("{glyph} "));
                }
            }
            "sdt" => {
                if let Some(Sdt {
                    checkbox: Some(checked),
                }) = self.sdts.pop()
                {
                    let glyph = if checked { CHECKED } else { UNCHECKED };
                    let saved = std::mem::take(&mut self.run);
                    self.push_text(&format!("{glyph} "));
                    self.run = saved;
                }
            }
            "p" => {
                let Some(builder) = self.paras.pop() else {
                    return;
                };
                let at = self.location();
                let heading = builder.heading
                    || (self.all_bold && builder.runs.iter().any(|r| !r.text.trim().is_empty()));
                let para = Para {
                    runs: builder.runs,
                    heading,
                    at,
                };
                if let Some(c) = self.containers.last_mut() {
                    c.blocks.push(Block::Para(para));
                }
                self.all_bold = false;
            }
            "tc" => {
                if self.containers.len() < 2 {
                    return;
                }
                let mut cell = self.containers.pop().map(|c| c.blocks).unwrap_or_default();
                if std::mem::take(&mut self.merged_continue) {
                    cell.clear();
                }
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.push(Cell { blocks: cell });
                }
            }
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    if let Some(cells) = t.row.take() {
                        let at = Location::TableRow {
                            table: t.index,
                            row: t.rows.len() + 1,
                        };
                        t.rows.push(Row { cells, at });
                    }
                }
            }
            "tbl" => {
                if let Some(t) = self.tables.pop() {
                    if let Some(c) = self.containers.last_mut() {
                        c.blocks.push(Block::Table(Table { rows: t.rows }));
                    }
                }
            }
            _ => {}
        }
    }

    /// Where the paragraph just ended stands: its table row, or its number in the body.
    fn location(&mut self) -> Location {
        match self.tables.last() {
            Some(t) => Location::TableRow {
                table: t.index,
                row: t.rows.len() + 1,
            },
            None => {
                self.body_paragraphs += 1;
                Location::Paragraph(self.body_paragraphs)
            }
        }
    }
}

/// Wingdings check-box glyphs (`w:sym w:font="Wingdings" w:char="F0FE"`).
fn wingdings_box(code: &str) -> Option<char> {
    match code.to_ascii_uppercase().trim_start_matches("F0") {
        "FE" | "FD" | "78" | "FB" => Some(CHECKED),
        "A8" | "6F" | "71" => Some(UNCHECKED),
        _ => None,
    }
}
