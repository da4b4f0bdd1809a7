//! Text files in the encodings offices actually save: UTF-8 (with or without BOM), UTF-16 with a
//! BOM (Excel's «Unicode-tekst»), and Windows-1252 / ISO-8859-1 (Excel's «CSV (semikolondelt)»
//! on a Norwegian Windows).

use super::FileError;

/// A file's text, and the encoding it was read in when that was not UTF-8.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Option<&'static str>,
}

/// Decodes a text file. Without a BOM, a file that is not valid UTF-8 is read as Windows-1252
/// (a superset of ISO-8859-1's printable characters) — unless it also holds valid UTF-8
/// letters beyond ASCII: then it is UTF-8 that was damaged, and reading it as Windows-1252
/// would turn every «ø» into «Ã¸», so it is refused with the line of the first bad byte.
pub fn decode(bytes: Vec<u8>) -> Result<Decoded, FileError> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        if encoding == encoding_rs::UTF_8 {
            let text = utf8(bytes[bom..].to_vec())?;
            return Ok(Decoded {
                text,
                encoding: None,
            });
        }
        // UTF-16 LE or BE.
        let text = encoding
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .ok_or(FileError::BadEncoding {
                encoding: encoding.name(),
            })?
            .into_owned();
        return Ok(Decoded {
            text,
            encoding: Some(encoding.name()),
        });
    }
    // Only looked at when the bytes are not valid UTF-8 as a whole.
    let damaged_utf8 =
        bytes.contains(&0) || bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii());
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text,
            encoding: None,
        }),
        Err(e) if damaged_utf8 => Err(not_utf8(e.as_bytes(), e.utf8_error().valid_up_to())),
        Err(e) => {
            let bytes = e.into_bytes();
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
            Ok(Decoded {
                text: text.into_owned(),
                encoding: Some(encoding_rs::WINDOWS_1252.name()),
            })
        }
    }
}

fn utf8(bytes: Vec<u8>) -> Result<String, FileError> {
    String::from_utf8(bytes).map_err(|e| not_utf8(e.as_bytes(), e.utf8_error().valid_up_to()))
}

fn not_utf8(bytes: &[u8], valid: usize) -> FileError {
    let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
    FileError::NotUtf8 { line }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode("institusjon\nSølvberget\n".into()).unwrap();
        assert_eq!(plain.text, "institusjon\nSølvberget\n");
        assert_eq!(plain.encoding, None);
        let bom = decode(b"\xEF\xBB\xBFa\n\xC3\xB8\n".to_vec()).unwrap();
        assert_eq!(bom.text, "a\nø\n");
        assert_eq!(bom.encoding, None);
    }

    #[test]
    fn windows_1252_as_excel_writes_it() {
        // «Sølvberget;Ærlig å» in Windows-1252, with a euro sign (0x80) only 1252 has.
        let d = decode(b"S\xF8lvberget;\xC6rlig \xE5 \x80\r\n".to_vec()).unwrap();
        assert_eq!(d.text, "Sølvberget;Ærlig å €\r\n");
        assert_eq!(d.encoding, Some("windows-1252"));
    }

    #[test]
    fn utf16_with_bom_both_byte_orders() {
        let text = "hjemmel;institusjon\r\n10-7;Sølvberget\r\n";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            le.extend(unit.to_le_bytes());
            be.extend(unit.to_be_bytes());
        }
        for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            let d = decode(bytes).unwrap();
            assert_eq!(d.text, text);
            assert_eq!(d.encoding, Some(name));
        }
    }

    #[test]
    fn broken_utf16_is_refused() {
        // A lone high surrogate.
        let bytes = vec![0xFF, 0xFE, b'a', 0, 0x00, 0xD8];
        assert_eq!(
            decode(bytes),
            Err(FileError::BadEncoding {
                encoding: "UTF-16LE"
            })
        );
    }

    #[test]
    fn damaged_utf8_is_not_guessed_as_windows_1252() {
        // Valid «ø» on line 1, a stray 0xF8 on line 3.
        let bytes = b"S\xC3\xB8lvberget\nok\nS\xF8l\n".to_vec();
        assert_eq!(decode(bytes), Err(FileError::NotUtf8 { line: 3 }));
        // Binary data is not text in any encoding.
        assert!(matches!(
            decode(vec![0x89, b'P', b'N', b'G', 0, 0, 0x80]),
            Err(FileError::NotUtf8 { .. })
        ));
    }
}
