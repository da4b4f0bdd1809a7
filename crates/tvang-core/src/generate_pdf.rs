//! Synthetic protocols and complaint letters as PDF, written directly (lopdf, the PDF library
//! the reader already uses), so test documents need no office suite: A4, Helvetica, the
//! `Label: value` layout of a protocol typed into Bufdir's template, a measures table with
//! drawn rules for combination protocols, check boxes as `[x]`/`[ ]`, a header and
//! `Side N av M` on every page, and long texts running onto the next page.

use crate::generate::Generated;
use crate::generate_documents::{
    child_for, date_text, injury_index, police_index, region_name, short_time, two_paragraphs,
    written_time, yes_no, INJURY, POLICE,
};
use crate::model::{Complaint, Protocol};
use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use std::path::{Path, PathBuf};

/// A4 in points, and the text area.
const PAGE: (f64, f64) = (595.0, 842.0);
const LEFT: f64 = 70.0;
const RIGHT: f64 = 525.0;
const TOP: f64 = 770.0;
const BOTTOM: f64 = 80.0;
const SIZE: f64 = 10.0;
const LEADING: f64 = 13.0;

/// What the page shows, before it is laid out on pages.
enum Block {
    Heading(String),
    Text(String),
    /// Rows of cells (the first the header row), and where each column starts.
    Table(Vec<Vec<String>>, Vec<f64>),
    Space,
}

/// One protocol as a PDF. `layout` chooses, as for Word, whether the child is given by
/// fødselsnummer (even) or birth date (odd).
pub fn protocol_pdf(p: &Protocol, layout: usize, help_left: bool) -> Vec<u8> {
    let child = child_for(p);
    let mut b = vec![Block::Heading("Tvangsprotokoll".into())];
    let text = |s: String| Block::Text(s);
    b.push(text(format!("Institusjonens navn: {}", p.institution)));
    if let Some(org) = &p.institution_id {
        b.push(text(format!("Org.nr.: {org}")));
    }
    if let Some(r) = &p.region {
        b.push(text(format!("Statsforvalter: {}", region_name(r))));
    }
    b.push(text(format!("Protokoll nr.: {}", p.protocol_id)));
    b.push(text(format!("Barnets navn: {}", child.name)));
    if layout.is_multiple_of(2) {
        b.push(text(format!("Fødselsnummer: {}", child.national_id)));
    } else {
        b.push(text(format!(
            "Fødselsdato: {}",
            child.birth_date.format("%d.%m.%Y")
        )));
    }
    if let Some(basis) = &p.placement_basis {
        b.push(text(format!("Barnet er plassert etter: {basis}")));
    }
    if let [m] = p.measures.as_slice() {
        b.push(text(format!("Hjemmel: {}", m.provision)));
        if let Some(k) = &m.kind {
            b.push(text(format!("Tiltak: {k}")));
        }
        b.push(text(format!("Start: {}", written_time(&m.started_at))));
        if let Some(e) = &m.ended_at {
            b.push(text(format!("Slutt: {}", written_time(e))));
        }
    } else {
        let mut rows = vec![vec![
            "Hjemmel".to_string(),
            "Tiltak".into(),
            "Start".into(),
            "Slutt".into(),
        ]];
        for m in &p.measures {
            rows.push(vec![
                m.provision.clone(),
                m.kind.clone().unwrap_or_default(),
                short_time(&m.started_at),
                m.ended_at.as_ref().map(short_time).unwrap_or_default(),
            ]);
        }
        b.push(Block::Space);
        b.push(Block::Table(rows, vec![LEFT, 180.0, 335.0, 430.0]));
        b.push(Block::Space);
    }
    b.push(Block::Heading("Beskrivelse av situasjonen".into()));
    for part in p.danger.as_deref().map(two_paragraphs).unwrap_or_default() {
        b.push(text(part));
    }
    // As in the Word files: the paragraph layout (odd) leaves the template's instruction in
    // an empty Begrunnelse, the table layout an empty cell.
    b.push(text("Begrunnelse:".into()));
    match (&p.justification, layout.is_multiple_of(2)) {
        (Some(j), _) => b.push(text(j.clone())),
        (None, false) => b.push(text(
            "[Beskriv hvilke mindre inngripende tiltak som ble vurdert]".into(),
        )),
        (None, true) => {}
    }
    if let Some(d) = &p.decided_by {
        b.push(text(format!("Beslutningen ble tatt av: {d}")));
    }
    if let Some(n) = p.staff_involved {
        b.push(text(format!("Antall ansatte involvert: {n}")));
    }
    b.push(text(format!(
        "Politiet involvert: {}",
        boxes(&POLICE, police_index(p.police))
    )));
    b.push(text(format!(
        "Skade: {}",
        boxes(&INJURY, injury_index(p.injury))
    )));
    if let Some(n) = &p.injury_note {
        b.push(text(format!("Beskrivelse av skade: {n}")));
    }
    b.push(Block::Heading("Barnets syn".into()));
    match (&p.child_statement, help_left) {
        (Some(s), _) => b.push(text(s.clone())),
        (None, true) => b.push(text("[Gjengi barnets syn med barnets egne ord.]".into())),
        (None, false) => {}
    }
    b.push(text(format!(
        "Barnet er informert om klageadgangen: {}",
        boxes(&["Ja", "Nei"], yes_no(p.informed_of_complaint_right))
    )));
    b.push(text(format!(
        "Barnet ønsker å klage: {}",
        boxes(&["Ja", "Nei"], yes_no(p.wants_to_complain))
    )));
    if let Some(w) = &p.written_at {
        b.push(text(format!("Dato for protokollen: {}", date_text(w))));
    }
    if let Some(r) = &p.received_at {
        b.push(text(format!("Sendt statsforvalteren: {}", date_text(r))));
    }
    render(&b, &format!("Tvangsprotokoll · {}", p.institution))
}

/// A complaint letter as a PDF.
pub fn complaint_pdf(c: &Complaint) -> Vec<u8> {
    let mut b = vec![Block::Heading("Klage til statsforvalteren".into())];
    b.push(Block::Text(format!(
        "Klagen gjelder protokoll nr.: {}",
        c.protocol_id
    )));
    if let Some(i) = &c.institution {
        b.push(Block::Text(format!("Institusjon: {i}")));
    }
    if let Some(i) = &c.institution_id {
        b.push(Block::Text(format!("Organisasjonsnummer: {i}")));
    }
    b.push(Block::Text(format!("Klagesaksnummer: {}", c.complaint_id)));
    if let Some(k) = c.complainant {
        b.push(Block::Text(format!(
            "Klager: {}",
            crate::labels::complainant_label(k)
        )));
    }
    if let Some(r) = &c.received_at {
        b.push(Block::Text(format!("Mottatt: {}", date_text(r))));
    }
    b.push(Block::Heading("Klagen".into()));
    b.push(Block::Text(
        c.text
            .clone()
            .unwrap_or_else(|| "Jeg klager på tvangen.".into()),
    ));
    render(&b, "Klage")
}

/// Writes one PDF per protocol and per complaint letter, named as `write_docx` names them.
pub fn write_pdf(data: &Generated, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    crate::generate_documents::write_documents(data, dir, "pdf", protocol_pdf, complaint_pdf)
}

fn boxes(options: &[&str], checked: Option<usize>) -> String {
    let marked: Vec<String> = options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mark = if Some(i) == checked { "[x]" } else { "[ ]" };
            format!("{mark} {o}")
        })
        .collect();
    marked.join("  ")
}

/// Helvetica's average advance, a little generous, so wrapped lines stay inside the margins.
fn fits(text: &str, width: f64, size: f64) -> bool {
    text.chars().count() as f64 * size * 0.52 <= width
}

/// Lines of at most `width`; a word longer than a line is broken anywhere, as word processors
/// do in a narrow table column.
fn wrap(text: &str, width: f64, size: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let per_line = ((width / (size * 0.52)) as usize).max(1);
    let words = text.split_whitespace().flat_map(|word| {
        let chars: Vec<char> = word.chars().collect();
        chars
            .chunks(per_line)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
    });
    for word in words {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate, width, size) || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// What one page draws: text runs (x, y, size, bold, text) and horizontal rules (y, x0, x1).
#[derive(Default)]
struct PageDraw {
    texts: Vec<(f64, f64, f64, bool, String)>,
    rules: Vec<(f64, f64, f64)>,
}

fn layout(blocks: &[Block]) -> Vec<PageDraw> {
    let mut pages = vec![PageDraw::default()];
    let mut y = TOP;
    let need = |pages: &mut Vec<PageDraw>, y: &mut f64, height: f64| {
        if *y - height < BOTTOM {
            pages.push(PageDraw::default());
            *y = TOP;
        }
    };
    for block in blocks {
        match block {
            Block::Space => y -= LEADING / 2.0,
            Block::Heading(h) => {
                need(&mut pages, &mut y, LEADING * 3.0);
                y -= LEADING * 0.6;
                let page = pages.last_mut().expect("one page at least");
                page.texts.push((LEFT, y, SIZE * 1.3, true, h.clone()));
                y -= LEADING * 1.4;
            }
            Block::Text(t) => {
                for line in wrap(t, RIGHT - LEFT, SIZE) {
                    need(&mut pages, &mut y, LEADING);
                    let page = pages.last_mut().expect("one page at least");
                    page.texts.push((LEFT, y, SIZE, false, line));
                    y -= LEADING;
                }
            }
            Block::Table(rows, columns) => {
                for (r, row) in rows.iter().enumerate() {
                    let cells: Vec<Vec<String>> = row
                        .iter()
                        .enumerate()
                        .map(|(c, text)| {
                            let end = columns.get(c + 1).copied().unwrap_or(RIGHT);
                            wrap(text, end - columns[c] - 8.0, SIZE)
                        })
                        .collect();
                    let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f64;
                    need(&mut pages, &mut y, height * LEADING + 6.0);
                    let page = pages.last_mut().expect("one page at least");
                    page.rules.push((y + LEADING - 2.0, LEFT - 4.0, RIGHT));
                    for (c, lines) in cells.iter().enumerate() {
                        for (i, line) in lines.iter().enumerate() {
                            let at = y - i as f64 * LEADING;
                            page.texts
                                .push((columns[c], at, SIZE, r == 0, line.clone()));
                        }
                    }
                    y -= height * LEADING + 4.0;
                    page.rules.push((y + LEADING - 2.0, LEFT - 4.0, RIGHT));
                }
            }
        }
    }
    pages
}

/// Text in the standard fonts' WinAnsiEncoding (Norwegian letters, «», §, – are in it).
fn win_ansi(text: &str) -> Object {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    Object::string_literal(bytes.into_owned())
}

fn render(blocks: &[Block], header: &str) -> Vec<u8> {
    let pages = layout(blocks);
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = |doc: &mut Document, name: &str| {
        doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => name,
            "Encoding" => "WinAnsiEncoding",
        })
    };
    let regular = font(&mut doc, "Helvetica");
    let bold = font(&mut doc, "Helvetica-Bold");
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => regular, "F2" => bold },
    });
    let total = pages.len();
    let mut kids = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        let mut ops = Vec::new();
        let mut text = |x: f64, y: f64, size: f64, bold: bool, s: &str| {
            ops.push(Operation::new("BT", vec![]));
            ops.push(Operation::new(
                "Tf",
                vec![if bold { "F2" } else { "F1" }.into(), size.into()],
            ));
            ops.push(Operation::new("Td", vec![x.into(), y.into()]));
            ops.push(Operation::new("Tj", vec![win_ansi(s)]));
            ops.push(Operation::new("ET", vec![]));
        };
        text(LEFT, PAGE.1 - 40.0, 8.0, false, header);
        for (x, y, size, bold, s) in &page.texts {
            text(*x, *y, *size, *bold, s);
        }
        text(
            LEFT,
            40.0,
            8.0,
            false,
            &format!("Side {} av {total}", n + 1),
        );
        for (y, x0, x1) in &page.rules {
            ops.push(Operation::new("w", vec![0.5.into()]));
            ops.push(Operation::new("m", vec![(*x0).into(), (*y).into()]));
            ops.push(Operation::new("l", vec![(*x1).into(), (*y).into()]));
            ops.push(Operation::new("S", vec![]));
        }
        let content = Content { operations: ops }
            .encode()
            .expect("content operations encode");
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        })));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => total as i64,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), PAGE.0.into(), PAGE.1.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("a PDF in memory saves");
    out
}
