//! Property tests: no input makes the importer panic, and every rejection says why.

use proptest::prelude::*;
use serde_json::{Map, Value};
use tvang::catalogue::Catalogue;
use tvang::import::record::normalise;
use tvang::import::{csv, json, jsonl};

/// Field names to build records from: every exported column, the JSON-only fields, some
/// Norwegian aliases and one unknown name.
fn names() -> Vec<&'static str> {
    let extra = [
        "measures",
        "complaint",
        "protokoll_id",
        "hjemmel",
        "start",
        "slutt",
        "utfall",
        "x",
    ];
    tvang::export::CSV_COLUMNS
        .iter()
        .copied()
        .chain(extra)
        .collect()
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("2023-05-02 14:30"),
            Just("2023-03-26 02:30"),
            Just("02.05.2023"),
            Just("2023-05-02T14:30:00+02:00"),
            Just("bvl § 10-7"),
            Just("10-9 a"),
            Just("ja"),
            Just("nei"),
            Just("alene"),
            Just("medhold"),
            Just("10-7;10-8"),
            // A synthetic fødselsnummer, bare and as written in text: never echoed in errors.
            Just("14880812387"),
            Just("fnr 148808 12387"),
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(names()), inner), 0..8).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

proptest! {
    // PROPTEST_CASES=200000 for a longer run (docs/privacy.md gives the figures).
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000)
    ))]

    #[test]
    fn normalise_never_panics_and_rejections_name_a_field(v in value(), textual in any::<bool>()) {
        let c = Catalogue::built_in();
        if let Err(e) = normalise(&v, &c, textual) {
            let message = tvang::text::problem(&e.problem);
            prop_assert!(!message.is_empty());
            prop_assert!(!message.contains("12387"), "{}", message);
            // Only a non-object has no field to name.
            prop_assert!(!e.field.is_empty() || !v.is_object());
        }
    }

    #[test]
    fn readers_never_panic_on_arbitrary_text(text in "(?s).{0,400}") {
        let c = Catalogue::built_in();
        for records in [json::read(&text).ok(), Some(jsonl::read(&text)), csv::read(&text).ok()].into_iter().flatten() {
            for r in records.take(1000) {
                if let Ok(v) = r.value {
                    let _ = normalise(&v, &c, true);
                }
            }
        }
    }

    #[test]
    fn readers_never_panic_on_csv_like_text(
        rows in prop::collection::vec(prop::collection::vec("[a-z0-9 ;:.\"\n-]{0,10}", 0..6), 0..6)
    ) {
        let text = std::iter::once("protokoll_id,institusjon,hjemmel,start,slutt,tiltak".to_string())
            .chain(rows.iter().map(|r| r.join(",")))
            .collect::<Vec<_>>()
            .join("\n");
        let c = Catalogue::built_in();
        let values: Vec<_> = csv::read(&text).map(|r| r.collect()).unwrap_or_default();
        for r in values {
            if let Ok(v) = r.value {
                let _ = normalise(&v, &c, true);
            }
        }
    }

    #[test]
    fn masking_leaves_no_number_and_never_panics(
        text in "(?s)[0-9 .a-zæøå*\\n]{0,60}|.{0,60}",
        number in prop::sample::select(vec!["14880812387", "148808 12387", "148808.12387", "54880812370"]),
        at in 0usize..60,
    ) {
        let mut text = text;
        let at = (0..=at.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text.insert_str(at, number);
        let masked = tvang::privacy::mask(&text);
        prop_assert!(tvang::privacy::find(&masked).is_empty(), "{}", masked);
        prop_assert_eq!(tvang::privacy::mask(&masked), masked.clone());
        let redacted = tvang::privacy::redact(&text);
        prop_assert!(tvang::privacy::find(&redacted).is_empty(), "{}", redacted);
        // Not part of a longer run of digits, the number is found and masked to its date.
        let bytes = text.as_bytes();
        let alone = (at == 0 || !bytes[at - 1].is_ascii_digit())
            && bytes.get(at + number.len()).is_none_or(|b| !b.is_ascii_digit());
        if alone {
            let shown = format!("{} *****", &number[..6]);
            prop_assert!(masked.contains(&shown), "{} in {}", shown, masked);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64)
    ))]

    /// Arbitrary bytes named .docx or .pdf, and real documents with bytes flipped: refused with
    /// a message or read, never a panic or a hang (each read has its own time limit).
    #[test]
    fn arbitrary_bytes_as_documents_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..4096),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..16),
    ) {
        use tvang::import::document::{docx, pdf, read_guarded};
        let _ = read_guarded(bytes.clone(), Box::new(|b: &[u8]| docx::read(b)), "docx");
        let _ = read_guarded(bytes, Box::new(|b: &[u8]| pdf::read(b)), "pdf");
        let root = env!("CARGO_MANIFEST_DIR");
        for (file, is_pdf) in [("protokoll-2025-0001.docx", false), ("protokoll-2025-0001.pdf", true)] {
            let mut real = std::fs::read(format!("{root}/samples/dokumenter/{file}")).unwrap();
            for (at, b) in &flips {
                let i = at % real.len();
                real[i] = *b;
            }
            let read: tvang::import::document::Reader = if is_pdf {
                Box::new(|b: &[u8]| pdf::read(b))
            } else {
                Box::new(|b: &[u8]| docx::read(b))
            };
            let _ = read_guarded(real, read, if is_pdf { "pdf" } else { "docx" });
        }
    }

    /// Arbitrary bytes named .xlsx or .ods, and office-made spreadsheets with bytes flipped:
    /// refused with a message or read into records, never a panic or a hang; the encodings
    /// reader takes any bytes.
    #[test]
    fn arbitrary_bytes_as_spreadsheets_and_text_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..4096),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..16),
    ) {
        use tvang::import::document::read_guarded;
        use tvang::import::spreadsheet;
        let _ = tvang::import::encoding::decode(bytes.clone());
        let root = env!("CARGO_MANIFEST_DIR");
        for (file, ods) in [("protokoller-2024.xlsx", false), ("protokoller-2024.ods", true)] {
            let _ = read_guarded(bytes.clone(), Box::new(move |b: &[u8]| spreadsheet::read(b, ods)), "ods")
                .map(spreadsheet::records);
            let mut real = std::fs::read(format!("{root}/tests/fixtures/regneark/{file}")).unwrap();
            for (at, b) in &flips {
                let i = at % real.len();
                real[i] = *b;
            }
            let _ = read_guarded(real, Box::new(move |b: &[u8]| spreadsheet::read(b, ods)), "xlsx")
                .map(spreadsheet::records);
        }
    }
}
