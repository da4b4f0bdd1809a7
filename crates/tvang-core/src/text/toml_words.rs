//! Errors in the user's own TOML files (settings, keymap) in words: the toml crate's messages
//! are English and name Rust types (`expected u32`).

use std::ops::Range;

/// `linje 3, kolonne 1: ukjent innstilling «kep» (gyldige: folder, keep)`, then the line with a
/// caret under the place.
pub fn toml_error(source: &str, message: &str, span: Option<Range<usize>>) -> String {
    let words = toml_words(message);
    let Some(span) = span else {
        return words;
    };
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let before = &source[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..start].chars().count() + 1;
    let text = source[line_start..].lines().next().unwrap_or("");
    let gutter = " ".repeat(line.to_string().len());
    let caret = " ".repeat(column - 1);
    format!("linje {line}, kolonne {column}: {words}\n  {line} | {text}\n  {gutter} | {caret}^")
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One of toml's (and serde's) messages in words; one it does not know is shown as it is.
fn toml_words(message: &str) -> String {
    const SYNTAX: &[(&str, &str)] = &[
        ("duplicate key", "nøkkelen står to ganger"),
        (
            "invalid basic string, expected `\"`",
            "teksten er ikke avsluttet (mangler «\"»)",
        ),
        (
            "invalid literal string, expected `'`",
            "teksten er ikke avsluttet (mangler «'»)",
        ),
        (
            "key with no value, expected `=`",
            "nøkkel uten verdi (mangler «=»)",
        ),
        (
            "unclosed table, expected `]`",
            "tabellnavnet er ikke avsluttet (mangler «]»)",
        ),
        (
            "unclosed array, expected `]`",
            "listen er ikke avsluttet (mangler «]»)",
        ),
        (
            "unclosed inline table, expected `}`",
            "tabellen er ikke avsluttet (mangler «}»)",
        ),
        (
            "unexpected key or value, expected newline, `#`",
            "uventet tekst etter verdien (én verdi per linje)",
        ),
        (
            "unquoted keys cannot be empty, expected letters, numbers, `-`, `_`",
            "nøkkelen mangler foran «=»",
        ),
        (
            "invalid string",
            "ugyldig verdi (en tekst skrives i anførselstegn)",
        ),
    ];
    if let Some((_, norsk)) = SYNTAX.iter().find(|(english, _)| *english == message) {
        return norsk.to_string();
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, valid) = split_expected(rest);
        return match valid {
            Some(valid) => format!("ukjent innstilling {} (gyldige: {valid})", quoted(field)),
            None => format!("ukjent innstilling {}", quoted(field)),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (value, valid) = split_expected(rest);
        return match valid {
            Some(valid) => format!("ukjent verdi {} (gyldige: {valid})", quoted(value)),
            None => format!("ukjent verdi {}", quoted(value)),
        };
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("{} mangler", quoted(field));
    }
    for (prefix, lead) in [
        ("invalid type: ", "feil type"),
        ("invalid value: ", "ugyldig verdi"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.split_once(", expected ") {
                return format!(
                    "{lead}: {} der det skal stå {}",
                    found_words(found),
                    expected_words(expected)
                );
            }
        }
    }
    format!("ugyldig TOML: {message}")
}

/// "`kep`, expected one of `a`, `b`" → ("`kep`", Some("a, b")).
fn split_expected(rest: &str) -> (&str, Option<String>) {
    match rest.split_once(", expected ") {
        Some((name, valid)) => {
            let valid = valid.strip_prefix("one of ").unwrap_or(valid);
            let names: Vec<&str> = valid
                .split(['`', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != "or")
                .flat_map(|s| s.split(" or "))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            (name, Some(names.join(", ")))
        }
        None => (rest.split(',').next().unwrap_or(rest), None),
    }
}

fn quoted(backticked: &str) -> String {
    format!("«{}»", backticked.trim().trim_matches('`'))
}

/// "integer `3`" → "tallet 3"; "string \"x\"" → "teksten «x»".
fn found_words(found: &str) -> String {
    let value = |s: &str| s.trim().trim_matches('`').trim_matches('"').to_string();
    for (english, norsk) in [
        ("integer ", "tallet"),
        ("floating point ", "desimaltallet"),
        ("boolean ", "sannhetsverdien"),
    ] {
        if let Some(v) = found.strip_prefix(english) {
            return format!("{norsk} {}", value(v));
        }
    }
    if let Some(v) = found.strip_prefix("string ") {
        return format!("teksten «{}»", value(v));
    }
    match found {
        "map" => "en tabell".into(),
        "sequence" => "en liste".into(),
        other => other.to_string(),
    }
}

/// "a string" → "en tekst"; "u32" → "et helt tall fra 0".
fn expected_words(expected: &str) -> String {
    match expected {
        "a string" | "a borrowed string" => "en tekst i anførselstegn".into(),
        "a boolean" => "true eller false".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" => "et helt tall fra 0".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "et helt tall".into(),
        "f32" | "f64" => "et tall".into(),
        "a sequence" => "en liste i [ ]".into(),
        e if e.starts_with("struct ") || e == "a map" => "en tabell".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_setting_is_named_with_the_valid_ones_and_its_line() {
        let source = "inspector = \"Kari\"\n[backup]\nkep = 1\n";
        let start = source.find("kep").unwrap();
        assert_eq!(
            toml_error(
                source,
                "unknown field `kep`, expected `folder` or `keep`",
                Some(start..start + 3)
            ),
            "linje 3, kolonne 1: ukjent innstilling «kep» (gyldige: folder, keep)\n  3 | kep = 1\n    | ^"
        );
        assert_eq!(
            toml_words("unknown field `x`, expected one of `inspector`, `triage`, `backup`"),
            "ukjent innstilling «x» (gyldige: inspector, triage, backup)"
        );
    }

    #[test]
    fn type_errors_speak_of_numbers_and_texts_not_rust_types() {
        assert_eq!(
            toml_words("invalid type: integer `3`, expected a string"),
            "feil type: tallet 3 der det skal stå en tekst i anførselstegn"
        );
        assert_eq!(
            toml_words("invalid value: integer `-1`, expected u32"),
            "ugyldig verdi: tallet -1 der det skal stå et helt tall fra 0"
        );
        assert_eq!(
            toml_words("invalid type: string \"x\", expected usize"),
            "feil type: teksten «x» der det skal stå et helt tall fra 0"
        );
    }

    #[test]
    fn syntax_errors_in_words_and_an_unknown_one_as_it_is() {
        assert_eq!(toml_words("duplicate key"), "nøkkelen står to ganger");
        assert_eq!(
            toml_words("key with no value, expected `=`"),
            "nøkkel uten verdi (mangler «=»)"
        );
        assert_eq!(toml_words("missing field `keys`"), "«keys» mangler");
        assert_eq!(toml_words("something new"), "ugyldig TOML: something new");
    }

    #[test]
    fn the_column_counts_characters_not_bytes() {
        let source = "navn = \"Åse\" x";
        let at = source.find('x').unwrap();
        let m = toml_error(
            source,
            "unexpected key or value, expected newline, `#`",
            Some(at..at),
        );
        assert!(m.starts_with("linje 1, kolonne 14: uventet tekst"), "{m}");
    }
}
