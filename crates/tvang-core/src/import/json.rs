//! `.json`: one record (an object) or an array of records.

use super::record::MAX_RECORD_BYTES;
use super::{FileError, RawRecord, Records, Unreadable};
use serde_json::value::RawValue;
use serde_json::Value;

pub fn read(text: &str) -> Result<Records<'_>, FileError> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('[') {
        let value: Value = serde_json::from_str(text).map_err(json_error)?;
        let line = 1 + text.len() - trimmed.len();
        let line = text[..line.min(text.len())].matches('\n').count() + 1;
        return Ok(Box::new(std::iter::once(RawRecord {
            line: Some(line),
            offset: 0,
            index: None,
            value: Ok(value),
        })));
    }
    // Borrowing each element as raw text gives its byte offset, hence its line number.
    let items: Vec<&RawValue> = serde_json::from_str(text).map_err(json_error)?;
    let mut line = 1;
    let mut counted_to = 0;
    Ok(Box::new(items.into_iter().enumerate().map(
        move |(i, raw)| {
            let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
            line += text[counted_to..offset].matches('\n').count();
            counted_to = offset;
            RawRecord {
                line: Some(line),
                offset,
                index: Some(i + 1),
                value: if raw.get().len() > MAX_RECORD_BYTES {
                    Err(Unreadable::TooLarge {
                        bytes: raw.get().len(),
                    })
                } else {
                    serde_json::from_str(raw.get()).map_err(|e| Unreadable::Syntax(e.to_string()))
                },
            }
        },
    )))
}

fn json_error(e: serde_json::Error) -> FileError {
    FileError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_elements_know_their_lines() {
        let text = "[\n  {\"a\": 1},\n\n  {\"a\": 2}\n]\n";
        let records: Vec<_> = read(text).unwrap().collect();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].line, Some(2));
        assert_eq!(records[1].line, Some(4));
        assert_eq!(records[1].index, Some(2));
    }

    #[test]
    fn a_single_object() {
        let records: Vec<_> = read("\n\n{\"a\": 1}").unwrap().collect();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].line, Some(3));
    }

    #[test]
    fn broken_json_names_line_and_column() {
        let Err(FileError::Json { line, column, .. }) = read("[\n{\"a\": 1,}\n]") else {
            panic!()
        };
        assert_eq!((line, column), (2, 9));
    }
}
