//! The letter's Markdown: escaping what the records say so that it reads as text, and turning
//! the rendered Markdown into Word paragraphs (headings, paragraphs, lists, quotes, bold and
//! italic), parsed with pulldown-cmark.

use crate::docx::{self, Look};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// A value from a record as Markdown text: characters Markdown would read as markup are
/// escaped, every line break is a hard line break (a blank line in an inspector's reason would
/// otherwise end the list item it stands in), and a line cannot start a list, quote or heading.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let lines: Vec<&str> = value.trim().lines().map(str::trim).collect();
    let mut blank_run = false;
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            // Several blank lines are one.
            if blank_run {
                continue;
            }
            blank_run = true;
        } else {
            blank_run = false;
        }
        if i > 0 {
            out.push_str("\\\n");
        }
        escape_line(line, i == 0, &mut out);
    }
    out
}

/// Escapes what Markdown would read as markup, and nothing else, so the Markdown file stays
/// readable: inside a line emphasis, code, links and HTML; at the start of a line what would
/// begin a heading, quote, list or setext underline. A value's first line usually stands in the
/// middle of the template's sentence (`Vår dato: 3. desember 2026`), so only its later lines
/// have a number that could begin a list escaped.
fn escape_line(line: &str, first: bool, out: &mut String) {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let numbered = !first && digits > 0 && matches!(line[digits..].chars().next(), Some('.' | ')'));
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let inline = match c {
            '\\' | '*' | '_' | '`' => true,
            '[' => line[i..].contains("](") || line[i..].contains("][") || line[i..].contains("]:"),
            '<' => next.is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!'),
            '&' => {
                next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#')
                    && line[i..].contains(';')
            }
            _ => false,
        };
        let line_start = i == 0
            && (matches!(c, '#' | '>' | '=')
                || (matches!(c, '-' | '+') && next.is_none_or(|n| n == ' ' || n == c)));
        if inline || line_start || (numbered && i == digits) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A text as a Markdown block quote, escaped: each line `> `.
pub fn quote(value: &str) -> String {
    escape(value)
        .split('\n')
        .map(|line| format!("> {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Markdown of a rendered letter as a Word document, with `header` on every page.
pub fn to_docx(markdown: &str, header: &str) -> Vec<u8> {
    docx::package(&body(markdown), header)
}

#[derive(Default)]
struct Paragraph {
    style: Option<&'static str>,
    runs: String,
    has_text: bool,
}

#[derive(Default)]
struct Writer {
    body: String,
    open: Option<Paragraph>,
    look: Look,
    quote_depth: usize,
    /// For each open list: the next item's number, or None for bullets.
    lists: Vec<Option<u64>>,
    /// An item's first paragraph goes into the paragraph its bullet began.
    item_started: bool,
}

impl Writer {
    fn start(&mut self, style: Option<&'static str>) {
        self.flush();
        self.open = Some(Paragraph {
            style,
            ..Paragraph::default()
        });
    }

    fn flush(&mut self) {
        if let Some(p) = self.open.take() {
            if p.has_text {
                self.body.push_str(&match p.style {
                    Some(style) => docx::styled_para(style, &p.runs),
                    None => docx::para(&p.runs),
                });
            }
        }
    }

    fn text(&mut self, text: &str) {
        if self.open.is_none() {
            let style = self.block_style();
            self.start(style);
        }
        let look = self.look;
        let p = self.open.as_mut().expect("opened above");
        p.runs.push_str(&docx::run(text, look));
        p.has_text |= !text.trim().is_empty();
    }

    fn line_break(&mut self) {
        if let Some(p) = self.open.as_mut() {
            p.runs.push_str(docx::LINE_BREAK);
        }
    }

    fn block_style(&self) -> Option<&'static str> {
        if !self.lists.is_empty() {
            Some("ListParagraph")
        } else if self.quote_depth > 0 {
            Some("Quote")
        } else {
            None
        }
    }
}

fn body(markdown: &str) -> String {
    let mut w = Writer::default();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => w.start(Some(match level {
                HeadingLevel::H1 => "Heading1",
                HeadingLevel::H2 => "Heading2",
                _ => "Heading3",
            })),
            Event::Start(Tag::Paragraph) => {
                if w.item_started {
                    w.item_started = false;
                } else {
                    let style = w.block_style();
                    w.start(style);
                }
            }
            Event::Start(Tag::BlockQuote(_)) => {
                w.flush();
                w.quote_depth += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                w.flush();
                w.quote_depth = w.quote_depth.saturating_sub(1);
            }
            Event::Start(Tag::List(first)) => {
                w.flush();
                w.lists.push(first);
            }
            Event::End(TagEnd::List(_)) => {
                w.flush();
                w.lists.pop();
            }
            Event::Start(Tag::Item) => {
                w.start(Some("ListParagraph"));
                let marker = match w.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}.\t", *n - 1)
                    }
                    _ => "–\t".to_string(),
                };
                let p = w.open.as_mut().expect("started above");
                p.runs.push_str(&docx::run(&marker, Look::default()));
                w.item_started = true;
            }
            Event::End(TagEnd::Item) => {
                w.item_started = false;
                w.flush();
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => w.flush(),
            Event::Start(Tag::Strong) => w.look.bold = true,
            Event::End(TagEnd::Strong) => w.look.bold = false,
            Event::Start(Tag::Emphasis) => w.look.italic = true,
            Event::End(TagEnd::Emphasis) => w.look.italic = false,
            Event::Text(t) | Event::Code(t) => w.text(&t),
            Event::SoftBreak => w.text(" "),
            Event::HardBreak => w.line_break(),
            Event::Rule => {
                w.flush();
                w.body.push_str(&docx::para(""));
            }
            // Raw HTML, links' targets, footnotes, images: the text of a link is kept (its
            // Text events), the rest has no place in a letter.
            _ => {}
        }
    }
    w.flush();
    w.body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document_xml(docx: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        xml
    }

    fn paragraphs(markdown: &str) -> Vec<(bool, String)> {
        let doc = crate::import::document::docx::read(&to_docx(markdown, "Brev")).unwrap();
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                crate::import::document::Block::Para(p) => Some((p.heading, p.text())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn headings_paragraphs_lists_and_quotes_become_word_paragraphs() {
        let md = "# Vedtak\n\n## Saken gjelder\n\nKlage fra **barnet** over *holding*.\nNeste linje.\n\n- første\n- andre\n\n1. en\n2. to\n\n> sitat\n";
        let paras: Vec<(bool, String)> = paragraphs(md)
            .into_iter()
            .map(|(heading, text)| (heading, text.replace('\t', " ")))
            .collect();
        let want = [
            (true, "Vedtak"),
            (true, "Saken gjelder"),
            (false, "Klage fra barnet over holding. Neste linje."),
            (false, "– første"),
            (false, "– andre"),
            (false, "1. en"),
            (false, "2. to"),
            (false, "sitat"),
        ];
        let want: Vec<(bool, String)> = want.iter().map(|(h, t)| (*h, t.to_string())).collect();
        assert_eq!(paras, want);
        let xml = document_xml(&to_docx(md, "Brev"));
        assert!(xml.contains("<w:pStyle w:val=\"Heading1\"/>"));
        assert!(xml.contains("<w:pStyle w:val=\"Quote\"/>"));
        assert!(xml.contains("<w:b/>"), "bold run");
        assert!(xml.contains("<w:i/>"), "italic run");
    }

    #[test]
    fn an_escaped_value_is_read_as_the_text_it_was() {
        let value = "- ikke en liste\n# ikke en overskrift\n\n\n1. ikke nummerert\n*ikke kursiv* og <b>ikke html</b> & [ikke lenke](x) 5 > 3";
        let md = format!("- **Vilkår**: {}\n- neste\n", escape(value));
        let paras = paragraphs(&md);
        assert_eq!(paras.len(), 2, "the value stays inside its item: {paras:?}");
        let text = &paras[0].1;
        for part in [
            "- ikke en liste",
            "# ikke en overskrift",
            "1. ikke nummerert",
            "*ikke kursiv* og <b>ikke html</b> & [ikke lenke](x) 5 > 3",
        ] {
            assert!(text.contains(part), "{part:?} in {text:?}");
        }
        let xml = document_xml(&to_docx(&md, "Brev"));
        assert_eq!(
            xml.matches("<w:br/>").count(),
            4,
            "line breaks kept, blank lines as one"
        );
    }

    #[test]
    fn plain_text_is_left_as_it_reads() {
        for plain in [
            "3. desember 2026",
            "kl. 14:30–14:45 (24 min)",
            "kl. 14.30–14.45",
            "barnet sa: «nei» – og gikk",
            "5 > 3 og 2 < 4, -5 grader, A&B",
            "«barnets navn og adresse»",
        ] {
            assert_eq!(escape(plain), plain);
        }
        assert_eq!(escape("linje\n3. ikke liste"), "linje\\\n3\\. ikke liste");
    }

    #[test]
    fn a_quoted_text_is_one_quote() {
        let md = format!(
            "Før\n\n{}\n\nEtter\n",
            quote("Jeg ble holdt.\n\nDet gjorde vondt.")
        );
        let paras = paragraphs(&md);
        assert_eq!(paras.len(), 3, "{paras:?}");
        assert!(paras[1].1.contains("Jeg ble holdt.") && paras[1].1.contains("Det gjorde vondt."));
    }
}
