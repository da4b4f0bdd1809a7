//! The import's own words: why a record or a file was refused. They are written into the import
//! report as it is made, so they live here, below [`crate::text`] (which re-exports them).

pub use super::document::text as document;
use super::record::Problem;
use super::FileError;
use crate::time::TimeError;
use std::fmt;

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&file_error(self))
    }
}

pub fn problem(p: &Problem) -> String {
    // A value echoed back is masked: error reports end up in terminals and files.
    let masked = |v: &str| crate::privacy::mask(v).into_owned();
    match p {
        Problem::NotAnObject { found } => {
            format!("posten er ikke et JSON-objekt (fant {})", json_type(found))
        }
        Problem::Missing => "mangler (påkrevd)".into(),
        Problem::WrongType { expected, found } => format!(
            "feil type: forventet {}, fant {}",
            json_type(expected),
            json_type(found)
        ),
        Problem::BadTime { value, error } => match (masked(value), error) {
            (value, TimeError::Unparseable) => format!(
                "ugyldig tidspunkt «{value}» (bruk RFC 3339, ÅÅÅÅ-MM-DD TT:MM eller DD.MM.ÅÅÅÅ TT:MM)"
            ),
            (value, TimeError::DateWithoutTime) => {
                format!("«{value}» mangler klokkeslett (bruk ÅÅÅÅ-MM-DD TT:MM)")
            }
            (value, TimeError::InDstGap) => format!(
                "«{value}» finnes ikke i norsk tid (klokken ble stilt fram én time den natten)"
            ),
            (value, TimeError::OutOfRange) => format!(
                "«{value}» har et årstall utenfor {}–{}; sjekk datoen",
                crate::time::FIRST_YEAR,
                crate::time::LAST_YEAR
            ),
            (value, TimeError::BadOffset) => format!(
                "«{value}» har en tidssone ingen steder bruker (mer enn ±14 timer fra UTC)"
            ),
        },
        Problem::EndBeforeStart => "slutt er før start".into(),
        Problem::DecidedBeforeReceived => "avgjort før klagen ble mottatt".into(),
        Problem::InvalidValue { value, allowed } => {
            format!("ugyldig verdi «{}» (tillatt: {allowed})", masked(value))
        }
        Problem::TooLong { bytes } => format!(
            "er for lang ({} kB; grensen er {} kB)",
            bytes.div_ceil(1024),
            super::record::MAX_FIELD_BYTES / 1024
        ),
        Problem::ControlCharacter => "inneholder kontrolltegn".into(),
        Problem::BidiControl => {
            "inneholder tegn som snur leseretningen (bidi-kontrolltegn); en identifikator må vises slik den er".into()
        }
        Problem::InexactNumber { value } => format!(
            "tallet {} kan ikke leses nøyaktig som identifikator; skriv den som tekst i anførselstegn",
            masked(value)
        ),
        Problem::Duplicate { other } => format!("oppgitt to ganger (også som «{other}»)"),
        Problem::BothMeasureForms => {
            "både «measures» og tiltaksfelt på toppnivå; bruk én av formene".into()
        }
        Problem::ListLength { expected, found } => format!(
            "har {found} {} adskilt med «;», men hjemmel har {expected}; oppgi én per tiltak",
            if *found == 1 { "verdi" } else { "verdier" }
        ),
        Problem::Mismatch { expected } => {
            format!(
                "stemmer ikke med protokollen klagen ligger i («{}»)",
                masked(expected)
            )
        }
        Problem::IdentityNumber => "inneholder et fødselsnummer eller D-nummer; en identifikator kan ikke maskeres, så posten er avvist (bruk en annen referanse)".into(),
    }
}

fn json_type(t: &str) -> &str {
    match t {
        "null" => "null",
        "boolean" => "sann/usann",
        "number" => "tall",
        "integer" => "heltall",
        "string" => "tekst",
        "array" => "liste",
        "object" => "objekt",
        other => other,
    }
}

pub fn record_too_large(bytes: usize) -> String {
    format!(
        "posten er for stor ({} kB; grensen er {} kB per post)",
        bytes.div_ceil(1024),
        super::record::MAX_RECORD_BYTES / 1024
    )
}

pub fn syntax_error(message: &str, csv: bool) -> String {
    if csv {
        format!("ugyldig CSV-rad: {message}")
    } else {
        // Within one JSON Lines line, serde's "line 1" only confuses; keep the column.
        match split_serde_position(message) {
            (text, Some((_, column))) => {
                format!("ugyldig JSON (kolonne {column}): {}", line_words(text))
            }
            (text, None) => format!("ugyldig JSON: {}", line_words(text)),
        }
    }
}

/// serde_json ends its messages with " at line L column C"; tvang reports positions itself.
fn split_serde_position(message: &str) -> (&str, Option<(usize, usize)>) {
    if let Some(i) = message.rfind(" at line ") {
        let rest = &message[i + " at line ".len()..];
        if let Some((line, column)) = rest.split_once(" column ") {
            if let (Ok(l), Ok(c)) = (line.parse(), column.parse()) {
                return (&message[..i], Some((l, c)));
            }
        }
    }
    (message, None)
}

/// As [`json_words`], for one JSON Lines line: it is the line that ends.
fn line_words(message: &str) -> String {
    json_words(message).replace("filen slutter", "linjen slutter")
}

/// serde_json's syntax errors in words (its messages are English); one it does not know is
/// shown as it is.
fn json_words(message: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        (
            "EOF while parsing a list",
            "filen slutter inne i en liste (mangler «]»)",
        ),
        (
            "EOF while parsing an object",
            "filen slutter inne i en post (mangler «}»)",
        ),
        (
            "EOF while parsing a string",
            "filen slutter inne i en tekst (mangler «\"»)",
        ),
        (
            "EOF while parsing a value",
            "filen slutter der en verdi skulle komme",
        ),
        ("expected `:`", "forventet «:» etter feltnavnet"),
        ("expected `,` or `]`", "forventet «,» eller «]»"),
        ("expected `,` or `}`", "forventet «,» eller «}»"),
        ("expected ident", "ukjent ord (bruk true, false eller null)"),
        ("expected value", "forventet en verdi"),
        ("expected `\"`", "forventet «\"»"),
        ("invalid escape", "ugyldig «\\»-sekvens i en tekst"),
        ("invalid number", "ugyldig tall"),
        ("number out of range", "tallet er for stort"),
        ("invalid unicode code point", "ugyldig Unicode-tegn"),
        (
            "control character (\\u0000-\\u001F) found while parsing a string",
            "kontrolltegn inne i en tekst (linjeskift må skrives \\n)",
        ),
        (
            "key must be a string",
            "forventet et feltnavn i anførselstegn (et komma for mye før «}»?)",
        ),
        ("trailing comma", "komma for mye før «]» eller «}»"),
        ("trailing characters", "tegn etter slutten av JSON-verdien"),
        (
            "lone leading surrogate in hex escape",
            "ugyldig \\u-sekvens",
        ),
        ("unexpected end of hex escape", "ufullstendig \\u-sekvens"),
        (
            "recursion limit exceeded",
            "for mange nivåer inni hverandre",
        ),
    ];
    WORDS
        .iter()
        .find(|(english, _)| *english == message)
        .map_or_else(|| message.to_string(), |(_, norsk)| norsk.to_string())
}

pub fn file_error(e: &FileError) -> String {
    match e {
        FileError::Io(msg) => format!("kunne ikke leses: {msg}"),
        FileError::NotUtf8 { line } => {
            format!("er ikke gyldig UTF-8 (linje {line}), og ser heller ikke ut som Windows-1252; lagre filen som UTF-8")
        }
        FileError::BadEncoding { encoding } => {
            format!("har ugyldig {encoding}-tekst; lagre filen som UTF-8")
        }
        FileError::Json {
            line,
            column,
            message,
        } => format!(
            "er ikke gyldig JSON (linje {line}, kolonne {column}): {}",
            json_words(split_serde_position(message).0)
        ),
        FileError::Csv(msg) => format!("er ikke gyldig CSV: {msg}"),
        FileError::DuplicateColumn(c) => format!("kolonnen «{c}» finnes to ganger"),
        FileError::UnsupportedType => {
            "ukjent filtype (bruk .docx, .pdf, .xlsx, .ods, .json, .jsonl, .ndjson eller .csv)"
                .into()
        }
        FileError::NotAFile { what } => {
            format!("er {what}, ikke en vanlig fil; hoppet over")
        }
        FileError::TooLarge { bytes } => format!(
            "er for stor til å leses ({} MB; grensen er {} MB for JSON, JSON Lines og CSV); del den opp",
            bytes / (1024 * 1024),
            super::MAX_TEXT_FILE_BYTES / (1024 * 1024)
        ),
        FileError::Document(e) => document::error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_positions_are_split_off() {
        assert_eq!(
            split_serde_position("expected `,` or `}` at line 3 column 24"),
            ("expected `,` or `}`", Some((3, 24)))
        );
        assert_eq!(split_serde_position("oops"), ("oops", None));
        assert_eq!(
            syntax_error("EOF while parsing a value at line 1 column 36", false),
            "ugyldig JSON (kolonne 36): linjen slutter der en verdi skulle komme"
        );
    }

    #[test]
    fn serde_messages_in_words_and_an_unknown_one_as_it_is() {
        assert_eq!(json_words("expected `,` or `]`"), "forventet «,» eller «]»");
        assert_eq!(
            json_words("trailing characters"),
            "tegn etter slutten av JSON-verdien"
        );
        assert_eq!(json_words("something new"), "something new");
        // Every message serde_json gives for these inputs has its words.
        for bad in [
            "[1,",
            "{\"a\" 1}",
            "{\"a\": tru}",
            "[1] 2",
            "{1: 2}",
            "\"a\\q\"",
            "[1,]",
        ] {
            let e = serde_json::from_str::<serde_json::Value>(bad).unwrap_err();
            let text = e.to_string();
            let (message, _) = split_serde_position(&text);
            assert_ne!(json_words(message), message, "{bad}: {message}");
        }
    }
}
