//! `.csv`: a header row, then one protocol or complaint a row.
//!
//! The delimiter is `,`, `;` or tab, whichever the header row uses most (spreadsheets set to
//! Norwegian write `;`). Multi-measure protocols list `provision`, `kind`, `started_at` and
//! `ended_at` separated by `;` inside one cell (quoted when the delimiter is `;`).

use super::{FileError, RawRecord, Records, Unreadable};
use serde_json::{Map, Value};

pub fn read(text: &str) -> Result<Records<'_>, FileError> {
    let delimiter = detect_delimiter(text.lines().next().unwrap_or(""));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| FileError::Csv(e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut seen = std::collections::HashSet::new();
    for h in &headers {
        if !h.is_empty() && !seen.insert(h.as_str()) {
            return Err(FileError::DuplicateColumn(h.clone()));
        }
    }
    Ok(Box::new(Rows {
        text,
        reader,
        headers,
        row: csv::StringRecord::new(),
        line: 1,
        counted_to: 0,
    }))
}

struct Rows<'a> {
    text: &'a str,
    reader: csv::Reader<&'a [u8]>,
    headers: Vec<String>,
    row: csv::StringRecord,
    /// Line number at byte `counted_to`. Computed from byte offsets because the csv crate's
    /// own line count skips blank lines.
    line: usize,
    counted_to: usize,
}

impl Rows<'_> {
    fn line_at(&mut self, position: Option<&csv::Position>) -> Option<usize> {
        let mut byte = (position?.byte() as usize).min(self.text.len());
        // The position is where the reader resumed, which may be before skipped blank lines.
        while matches!(self.text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        if byte < self.counted_to {
            return Some(self.line);
        }
        self.line += self.text.as_bytes()[self.counted_to..byte]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.counted_to = byte;
        Some(self.line)
    }
}

impl Iterator for Rows<'_> {
    type Item = RawRecord;

    fn next(&mut self) -> Option<RawRecord> {
        loop {
            match self.reader.read_record(&mut self.row) {
                Ok(false) => return None,
                Ok(true) => {
                    if self.row.iter().all(|cell| cell.trim().is_empty()) {
                        continue;
                    }
                    let map: Map<String, Value> = self
                        .headers
                        .iter()
                        .zip(self.row.iter())
                        .filter(|(h, _)| !h.is_empty())
                        .map(|(h, cell)| (h.clone(), Value::String(cell.to_string())))
                        .collect();
                    let position = self.row.position().cloned();
                    return Some(RawRecord {
                        line: self.line_at(position.as_ref()),
                        offset: self.counted_to,
                        index: None,
                        value: Ok(Value::Object(map)),
                    });
                }
                Err(e) => {
                    let position = e.position().cloned();
                    let line = self.line_at(position.as_ref());
                    let message = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!("{len} felt, men overskriftsraden har {expected_len}"),
                        _ => e.to_string(),
                    };
                    let fatal = !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                    let record = RawRecord {
                        line,
                        offset: self.counted_to,
                        index: None,
                        value: Err(Unreadable::Syntax(message)),
                    };
                    if fatal {
                        // The reader cannot resync after an I/O or UTF-8 error; stop after reporting.
                        self.headers.clear();
                        self.reader = csv::Reader::from_reader(&[][..]);
                    }
                    return Some(record);
                }
            }
        }
    }
}

fn detect_delimiter(header: &str) -> u8 {
    let count = |d: char| header.matches(d).count();
    [(b',', count(',')), (b';', count(';')), (b'\t', count('\t'))]
        .into_iter()
        .max_by_key(|(d, n)| (*n, *d == b','))
        .map(|(d, _)| d)
        .unwrap_or(b',')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<RawRecord> {
        read(text).unwrap().collect()
    }

    #[test]
    fn reads_rows_with_lines() {
        let r = rows("protokoll_id,institusjon\nP-1,Lia\n\n\"P-2\",\"Sol,bakken\"\n");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].line, Some(2));
        assert_eq!(r[1].line, Some(4));
        assert_eq!(r[1].value.as_ref().unwrap()["institusjon"], "Sol,bakken");
    }

    #[test]
    fn semicolon_files() {
        let r = rows("protokoll_id;hjemmel\r\nP-1;\"10-7;10-8\"\r\n");
        assert_eq!(r[0].value.as_ref().unwrap()["hjemmel"], "10-7;10-8");
    }

    #[test]
    fn short_rows_are_rejected_alone() {
        let r = rows("a,b\n1,2\n3\n4,5\n");
        assert_eq!(r.len(), 3);
        assert!(r[1].value.is_err());
        assert_eq!(r[1].line, Some(3));
        assert!(r[2].value.is_ok());
    }

    #[test]
    fn duplicate_columns() {
        assert!(matches!(
            read("a,b,a\n1,2,3\n"),
            Err(FileError::DuplicateColumn(c)) if c == "a"
        ));
    }
}
