//! `.xlsx` and `.ods`: the first sheet that holds data, read by the CSV rules — its first
//! non-empty row names the fields, each row below is one protocol or complaint.
//!
//! Cells keep their meaning: a date cell (or a plain serial number in a time column, as Excel
//! shows a date typed into an unformatted cell) becomes a local time, a whole number loses its
//! `.0`, a formula error is the row's problem, not the file's.

use super::document::DocumentError;
use super::{FileError, RawRecord, Unreadable};
use calamine::{Data, Reader};
use serde_json::{Map, Value};

/// The sheet's rows as read, before they are records.
#[derive(Debug)]
pub struct Sheet {
    /// The sheet's name, for messages.
    pub name: String,
    /// Spreadsheet row number (1-based, as the program shows it) of the header row.
    pub header_row: usize,
    pub headers: Vec<String>,
    /// Each data row with its spreadsheet row number.
    pub rows: Vec<(usize, Vec<Data>)>,
}

/// Reads the first sheet with data. `ods` chooses OpenDocument over Office Open XML.
pub fn read(bytes: &[u8], ods: bool) -> Result<Sheet, DocumentError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // A password-protected .xlsx is an encrypted compound file, as is the old .xls.
        return Err(DocumentError::EncryptedSpreadsheet);
    }
    if !bytes.starts_with(b"PK") {
        return Err(DocumentError::NotZip {
            looks_like: super::document::sniff(bytes),
        });
    }
    let cursor = std::io::Cursor::new(bytes);
    let unreadable = |e: String| DocumentError::BadSpreadsheet(e);
    let ranges: Vec<(String, calamine::Range<Data>)> = if ods {
        let mut book = calamine::Ods::new(cursor).map_err(|e| unreadable(e.to_string()))?;
        book.worksheets()
    } else {
        let mut book = calamine::Xlsx::new(cursor).map_err(|e| unreadable(e.to_string()))?;
        book.worksheets()
    };
    for (name, range) in ranges {
        let Some((first_row, _)) = range.start() else {
            continue;
        };
        let filled: Vec<(usize, &[Data])> = range
            .rows()
            .enumerate()
            .map(|(i, cells)| (first_row as usize + i + 1, cells))
            .filter(|(_, cells)| cells.iter().any(|c| !is_blank(c)))
            .collect();
        if filled.is_empty() {
            continue;
        }
        // Offices put a title and notes above the table: the header is the first row naming two
        // known fields, else the first row with anything in it.
        let header_at = filled
            .iter()
            .position(|(_, cells)| {
                cells
                    .iter()
                    .filter(|c| super::record::canonical_field(cell_text(c).trim()).is_some())
                    .count()
                    >= 2
            })
            .unwrap_or(0);
        let (header_row, header_cells) = filled[header_at];
        let headers = header_cells.iter().map(cell_text).collect();
        let rows = filled[header_at + 1..]
            .iter()
            .map(|(n, cells)| (*n, cells.to_vec()))
            .collect();
        return Ok(Sheet {
            name,
            header_row,
            headers,
            rows,
        });
    }
    Err(DocumentError::EmptySpreadsheet)
}

/// The sheet's rows as records, one per data row, with the spreadsheet's row numbers as lines.
pub fn records(sheet: Sheet) -> Result<Vec<RawRecord>, FileError> {
    let headers: Vec<String> = sheet.headers.iter().map(|h| h.trim().to_string()).collect();
    let mut seen = std::collections::HashSet::new();
    for h in &headers {
        if !h.is_empty() && !seen.insert(h.as_str()) {
            return Err(FileError::DuplicateColumn(h.clone()));
        }
    }
    let times: Vec<Column> = headers.iter().map(|h| column_of(h)).collect();
    let records = sheet
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, (row, cells))| {
            let mut map = Map::new();
            let mut problem = None;
            for (col, cell) in cells.iter().enumerate() {
                let Some(header) = headers.get(col).filter(|h| !h.is_empty()) else {
                    continue;
                };
                match cell_value(cell, times[col]) {
                    Ok(Some(v)) => {
                        map.insert(header.clone(), Value::String(v));
                    }
                    Ok(None) => {}
                    Err(error) => {
                        problem.get_or_insert_with(|| {
                            format!("cellen {}{row} ({header}) har feilen {error}", column(col))
                        });
                    }
                }
            }
            RawRecord {
                line: Some(row),
                offset: i,
                index: None,
                value: match problem {
                    Some(p) => Err(Unreadable::Syntax(p)),
                    None => Ok(Value::Object(map)),
                },
            }
        })
        .collect();
    Ok(records)
}

/// What a column's cells hold, for reading a number as a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Plain,
    /// A day, or a day and a time (forelagt, received, decided, birth date).
    Date,
    /// A moment that needs its time of day (a measure's start and end, written).
    Moment,
}

fn column_of(header: &str) -> Column {
    match super::record::canonical_field(header) {
        Some("started_at" | "ended_at" | "written_at") => Column::Moment,
        Some("received_at" | "decided_at" | "child_birth_date") => Column::Date,
        _ => Column::Plain,
    }
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A header cell as text.
fn cell_text(cell: &Data) -> String {
    cell_value(cell, Column::Plain)
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// A cell as the text the record reader takes; `None` for an empty cell, the error's name for a
/// formula error.
fn cell_value(cell: &Data, column: Column) -> Result<Option<String>, String> {
    let moment = column == Column::Moment;
    let time_column = column != Column::Plain;
    let serial = |value: f64| {
        calamine::ExcelDateTime::new(value, calamine::ExcelDateTimeType::DateTime, false)
            .as_datetime()
            .map(|t| local_time(t, moment))
            .unwrap_or_else(|| value.to_string())
    };
    Ok(match cell {
        Data::Empty => None,
        Data::String(s) if s.trim().is_empty() => None,
        Data::String(s) => Some(s.clone()),
        Data::Int(i) if time_column => Some(serial(*i as f64)),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) if time_column => Some(serial(*f)),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        Data::Float(f) => Some(f.to_string()),
        Data::Bool(b) => Some(if *b { "ja" } else { "nei" }.into()),
        Data::DateTime(dt) => Some(
            dt.as_datetime()
                .map(|t| local_time(t, moment))
                .unwrap_or_else(|| dt.as_f64().to_string()),
        ),
        // OpenDocument writes a date-time cell at midnight as the bare day (`2024-06-30`).
        Data::DateTimeIso(s) if moment && s.parse::<chrono::NaiveDate>().is_ok() => {
            Some(format!("{s} 00:00"))
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// A spreadsheet time has no zone: it is what the writer saw on the clock in Norway. A date
/// without a time of day stays a date, but in a column that needs the time of day (`moment`)
/// it is midnight: a spreadsheet stores 30.06.2024 00:00 and 30.06.2024 as the same number, and
/// a measure that ended at midnight must not be refused for a missing time.
fn local_time(t: chrono::NaiveDateTime, moment: bool) -> String {
    // Serial numbers carry float noise: round to the minute.
    let t = t + chrono::Duration::seconds(30);
    if !moment && t.format("%H:%M").to_string() == "00:00" {
        t.format("%Y-%m-%d").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// The spreadsheet's column letters: 0 → A, 26 → AA.
fn column(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(column(27), "AB");
        assert_eq!(column(701), "ZZ");
        assert_eq!(column(702), "AAA");
    }

    #[test]
    fn cells_become_the_text_a_csv_would_hold() {
        let plain = Column::Plain;
        assert_eq!(cell_value(&Data::Float(3.0), plain), Ok(Some("3".into())));
        assert_eq!(cell_value(&Data::Float(2.5), plain), Ok(Some("2.5".into())));
        assert_eq!(cell_value(&Data::Bool(true), plain), Ok(Some("ja".into())));
        assert_eq!(cell_value(&Data::String("  ".into()), plain), Ok(None));
        // 14.03.2024 21:05 as Excel stores it, typed into an unformatted cell.
        let serial = 45365.0 + (21.0 * 60.0 + 5.0) / 1440.0;
        assert_eq!(
            cell_value(&Data::Float(serial), Column::Moment),
            Ok(Some("2024-03-14 21:05".into()))
        );
        // Midnight: a day in a date column, 00:00 where the time of day is needed.
        assert_eq!(
            cell_value(&Data::Float(45365.0), Column::Date),
            Ok(Some("2024-03-14".into()))
        );
        assert_eq!(
            cell_value(&Data::Float(45365.0), Column::Moment),
            Ok(Some("2024-03-14 00:00".into()))
        );
        let ods_midnight = Data::DateTimeIso("2024-06-30".into());
        assert_eq!(
            cell_value(&ods_midnight, Column::Moment),
            Ok(Some("2024-06-30 00:00".into()))
        );
        assert_eq!(
            cell_value(&ods_midnight, Column::Date),
            Ok(Some("2024-06-30".into()))
        );
        assert!(cell_value(&Data::Error(calamine::CellErrorType::Div0), plain).is_err());
    }

    #[test]
    fn not_a_spreadsheet() {
        assert!(matches!(
            read(b"%PDF-1.7 ...", false),
            Err(DocumentError::NotZip {
                looks_like: Some("PDF")
            })
        ));
        assert!(matches!(
            read(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], false),
            Err(DocumentError::EncryptedSpreadsheet)
        ));
        assert!(matches!(
            read(b"PK\x03\x04 broken", true),
            Err(DocumentError::BadSpreadsheet(_))
        ));
    }
}
