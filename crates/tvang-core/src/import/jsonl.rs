//! `.jsonl` / `.ndjson`: one record a line. A line that is not JSON rejects that record only.

use super::record::MAX_RECORD_BYTES;
use super::{RawRecord, Records, Unreadable};

pub fn read(text: &str) -> Records<'_> {
    Box::new(
        text.split('\n')
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| RawRecord {
                line: Some(i + 1),
                offset: line.as_ptr() as usize - text.as_ptr() as usize,
                index: None,
                value: if line.len() > MAX_RECORD_BYTES {
                    Err(Unreadable::TooLarge { bytes: line.len() })
                } else {
                    serde_json::from_str(line.trim_end_matches('\r'))
                        .map_err(|e| Unreadable::Syntax(e.to_string()))
                },
            }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_crlf_and_blanks() {
        let records: Vec<_> = read("{\"a\":1}\r\n\r\n{oops}\r\n{\"a\":2}").collect();
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].line, Some(1));
        assert!(records[1].value.is_err());
        assert_eq!(records[1].line, Some(3));
        assert_eq!(records[2].line, Some(4));
    }
}
