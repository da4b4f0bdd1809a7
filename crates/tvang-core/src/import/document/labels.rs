//! The labels that name a field in a document: built in (`labels.toml`, compiled into the
//! binary) and an office's own on top (`tvang import --labels FILE`).

use crate::fold::fold;
use std::collections::HashMap;
use std::path::Path;

/// The built-in labels, readable and editable in the source tree.
pub const BUILT_IN: &str = include_str!("labels.toml");

/// The fields a document label may name: the import format's fields, and what only documents
/// carry (the child's name, number and birth date, which become a pseudonym; `sent`, the date a
/// protocol was sent, read as received when nothing better is known; the protocol a complaint
/// letter concerns).
pub const FIELDS: &[&str] = &[
    "institution",
    "institution_id",
    "unit",
    "region",
    "protocol_id",
    "child_name",
    "child_national_id",
    "child_birth_date",
    "child_ref",
    "placement_basis",
    "provision",
    "kind",
    "started_at",
    "ended_at",
    "danger",
    "justification",
    "execution",
    "decided_by",
    "staff_involved",
    "police",
    "injury",
    "injury_note",
    "child_statement",
    "informed_of_complaint_right",
    "wants_to_complain",
    "written_at",
    "sent",
    "received_at",
    "complaint_protocol_id",
    "complaint_id",
    "complainant",
    "text",
];

/// The fields of one measure, which a measures table has as its columns.
pub const MEASURE_FIELDS: &[&str] = &["provision", "kind", "started_at", "ended_at"];

/// A label file that cannot be used: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LabelFileError {
    pub file: String,
    pub line: Option<usize>,
    pub problem: LabelProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelProblem {
    Unreadable(String),
    Syntax(String),
    /// No `[labels]` table.
    NoLabelsTable,
    UnknownField(String),
    /// A field's value is not a list of texts.
    NotAList(String),
}

/// Labels by their folded form.
#[derive(Debug, Clone)]
pub struct Labels {
    by_key: HashMap<String, &'static str>,
}

/// The form labels are compared in: [`fold`] (case, æøå, white space), punctuation as space,
/// and a trailing parenthesis left out by [`Labels::field`].
pub fn label_key(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len());
    let mut space = false;
    for c in folded.chars() {
        if c.is_alphanumeric() || c == '§' {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}

impl Labels {
    /// The built-in labels.
    pub fn built_in() -> Labels {
        let mut labels = Labels {
            by_key: HashMap::new(),
        };
        labels
            .add_source(BUILT_IN, "labels.toml")
            .expect("the built-in labels are valid (tested)");
        labels
    }

    /// The built-in labels and an office's file on top.
    pub fn with_file(path: &Path) -> Result<Labels, LabelFileError> {
        let file = path.display().to_string();
        let source = std::fs::read_to_string(path).map_err(|e| LabelFileError {
            file: file.clone(),
            line: None,
            problem: LabelProblem::Unreadable(e.to_string()),
        })?;
        let mut labels = Labels::built_in();
        labels.add_source(&source, &file)?;
        Ok(labels)
    }

    fn add_source(&mut self, source: &str, file: &str) -> Result<(), LabelFileError> {
        let error = |line: Option<usize>, problem| LabelFileError {
            file: file.to_string(),
            line,
            problem,
        };
        let table: toml::Table = source.parse().map_err(|e: toml::de::Error| {
            let line = e
                .span()
                .map(|s| source[..s.start.min(source.len())].matches('\n').count() + 1);
            error(line, LabelProblem::Syntax(e.message().to_string()))
        })?;
        let Some(toml::Value::Table(fields)) = table.get("labels") else {
            return Err(error(None, LabelProblem::NoLabelsTable));
        };
        for (name, value) in fields {
            let line = line_of_key(source, name);
            let Some(field) = FIELDS.iter().find(|f| **f == name.as_str()) else {
                return Err(error(line, LabelProblem::UnknownField(name.clone())));
            };
            let texts = value
                .as_array()
                .filter(|a| a.iter().all(toml::Value::is_str))
                .ok_or_else(|| error(line, LabelProblem::NotAList(name.clone())))?;
            for text in texts.iter().filter_map(toml::Value::as_str) {
                let key = label_key(text);
                if !key.is_empty() {
                    self.by_key.insert(key, field);
                }
            }
        }
        Ok(())
    }

    /// The field a label names, if any. A text that starts with a check box is an option, never
    /// a label.
    pub fn field(&self, text: &str) -> Option<&'static str> {
        let text = text.trim();
        if text.starts_with(is_box_glyph) || text.chars().count() > 120 {
            return None;
        }
        let key = label_key(text);
        if let Some(f) = self.by_key.get(&key) {
            return Some(f);
        }
        // "Skade (Nei / Barnet / Ansatte / Begge)": the parenthesis lists the options.
        let stem = text.rsplit_once('(').map(|(stem, _)| stem)?;
        self.by_key.get(&label_key(stem)).copied()
    }
}

/// Check-box glyphs as Word and PDF documents draw them.
pub fn is_box_glyph(c: char) -> bool {
    matches!(c, '☒' | '☑' | '☐' | '□' | '■' | '⊠' | '✓' | '✔' | '✗' | '✘')
}

/// The line a key of the `[labels]` table stands on, for a message.
fn line_of_key(source: &str, key: &str) -> Option<usize> {
    source
        .lines()
        .position(|l| {
            let l = l.trim_start();
            let bare = l.strip_prefix(key).is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.starts_with('=')
            });
            let quoted = l.strip_prefix(&format!("\"{key}\"")).is_some();
            bare || quoted
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_labels_parse_and_name_only_known_fields() {
        let labels = Labels::built_in();
        assert_eq!(labels.field("Institusjon:"), Some("institution"));
        assert_eq!(labels.field("ORG.NR."), Some("institution_id"));
        assert_eq!(
            labels.field("Barnets syn på tiltaket?"),
            Some("child_statement")
        );
        assert_eq!(
            labels.field("Politiet involvert (Nei / Sammen med ansatte / Politiet alene)"),
            Some("police")
        );
        assert_eq!(
            labels.field("Beskrivelse av  den akutte\nfaresituasjonen"),
            Some("danger")
        );
        assert_eq!(
            labels.field("Klagen gjelder protokoll nr."),
            Some("complaint_protocol_id")
        );
        assert_eq!(labels.field("☒ Barnet"), None);
        assert_eq!(labels.field("Hendelsesforløp"), None);
    }

    #[test]
    fn an_office_file_adds_labels_and_an_unknown_field_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("etiketter.toml");
        std::fs::write(
            &path,
            "[labels]\ndanger = [\"Hendelsesforløp\"]\nstarted_at = [\"Tvangen varte fra\"]\n",
        )
        .unwrap();
        let labels = Labels::with_file(&path).unwrap();
        assert_eq!(labels.field("Hendelsesforløp"), Some("danger"));
        assert_eq!(labels.field("Tvangen varte fra:"), Some("started_at"));
        assert_eq!(labels.field("Institusjon"), Some("institution"));

        std::fs::write(
            &path,
            "[labels]\ndanger = [\"A\"]\n\nvirksomhet = [\"Virksomhet\"]\n",
        )
        .unwrap();
        let e = Labels::with_file(&path).unwrap_err();
        assert_eq!(e.line, Some(4));
        assert_eq!(e.problem, LabelProblem::UnknownField("virksomhet".into()));

        std::fs::write(&path, "[labels]\ndanger = \"Hendelsesforløp\"\n").unwrap();
        let e = Labels::with_file(&path).unwrap_err();
        assert_eq!(
            (e.line, e.problem),
            (Some(2), LabelProblem::NotAList("danger".into()))
        );

        std::fs::write(&path, "[labels]\ndanger = [\"x\"\n").unwrap();
        let e = Labels::with_file(&path).unwrap_err();
        assert!(matches!(e.problem, LabelProblem::Syntax(_)), "{e:?}");
        assert_eq!(e.line, Some(2));

        std::fs::write(&path, "danger = [\"x\"]\n").unwrap();
        let e = Labels::with_file(&path).unwrap_err();
        assert_eq!(e.problem, LabelProblem::NoLabelsTable);
    }
}
