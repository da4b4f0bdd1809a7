//! Spreadsheets and text encodings as offices save them: the same protocols as the sample CSV,
//! written as `.xlsx` with real date and number cells, as Windows-1252 and as UTF-16 CSV, are
//! the same records — a second import finds every one unchanged.

use crate::common;
use common::{line, repo, tvang};

fn sample_csv() -> String {
    std::fs::read_to_string(repo().join("samples/protokoller-2024.csv")).unwrap()
}

fn rows(csv_text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .into_records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn headers(csv_text: &str) -> Vec<String> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect()
}

/// `dd.mm.yyyy[ hh:mm]` as an Excel date cell's value, when the cell holds one time.
fn excel_time(text: &str) -> Option<rust_xlsxwriter::ExcelDateTime> {
    let (date, time) = text.split_once(' ').unwrap_or((text, ""));
    let d: Vec<&str> = date.split('.').collect();
    if d.len() != 3 || text.contains(';') {
        return None;
    }
    let t = rust_xlsxwriter::ExcelDateTime::from_ymd(
        d[2].parse().ok()?,
        d[1].parse().ok()?,
        d[0].parse().ok()?,
    )
    .ok()?;
    if time.is_empty() {
        return Some(t);
    }
    let (h, m) = time.split_once(':')?;
    t.and_hms(h.parse::<u16>().ok()?, m.parse::<u8>().ok()?, 0)
        .ok()
}

/// The sample CSV as an office's `.xlsx`: an empty first sheet, a title and a blank row above
/// the header, times as date cells (every other one as a bare serial number, as a date typed
/// into an unformatted cell shows), numbers as numbers.
fn sample_as_xlsx() -> Vec<u8> {
    let text = sample_csv();
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("Forside").unwrap();
    let sheet = book.add_worksheet().set_name("Protokoller").unwrap();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy hh:mm");
    sheet.write_string(0, 0, "Tvangsprotokoller 2024").unwrap();
    for (col, h) in headers(&text).iter().enumerate() {
        sheet.write_string(2, col as u16, h).unwrap();
    }
    let mut serial_next = false;
    for (r, row) in rows(&text).iter().enumerate() {
        let r = r as u32 + 3;
        for (col, cell) in row.iter().enumerate() {
            let col = col as u16;
            if cell.is_empty() {
                continue;
            }
            if let Some(t) = excel_time(cell) {
                if serial_next {
                    sheet.write_number(r, col, t.to_excel()).unwrap();
                } else {
                    sheet
                        .write_datetime_with_format(r, col, &t, &date_format)
                        .unwrap();
                }
                serial_next = !serial_next;
            } else if let Ok(n) = cell.parse::<f64>() {
                sheet.write_number(r, col, n).unwrap();
            } else {
                sheet.write_string(r, col, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn an_xlsx_of_the_sample_protocols_is_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let csv_path = repo().join("samples/protokoller-2024.csv");
    let first = tvang(&db, &["import", csv_path.to_str().unwrap()]);
    assert_eq!(first.code, 0, "{}", first.summary());
    let new = line(&first.stdout, "Protokoller:").to_string();
    let n: usize = new
        .trim_start_matches("Protokoller: ")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(n > 50, "{new}");

    let xlsx = dir.path().join("protokoller-2024.xlsx");
    std::fs::write(&xlsx, sample_as_xlsx()).unwrap();
    let second = tvang(&db, &["import", xlsx.to_str().unwrap()]);
    assert_eq!(second.code, 0, "{}", second.summary());
    assert_eq!(line(&second.stdout, "Filer lest:"), "Filer lest: 1");
    assert_eq!(line(&second.stdout, "Avviste poster:"), "Avviste poster: 0");
    assert_eq!(
        line(&second.stdout, "Protokoller:"),
        format!("Protokoller: 0 nye, {n} uendret, 0 i konflikt"),
        "{}",
        second.stdout
    );
}

#[test]
fn a_bad_row_in_a_spreadsheet_is_rejected_with_its_row_number() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, h) in [
        "protokoll_id",
        "institusjon",
        "hjemmel",
        "tiltak",
        "start",
        "slutt",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, col as u16, *h).unwrap();
    }
    let good = [
        "X-1",
        "Lia",
        "10-7",
        "fastholding",
        "14.03.2024 21:05",
        "14.03.2024 21:15",
    ];
    let bad = [
        "X-2",
        "Lia",
        "10-7",
        "fastholding",
        "i går",
        "14.03.2024 21:15",
    ];
    for (r, row) in [good, bad].iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, col as u16, *cell).unwrap();
        }
    }
    let path = dir.path().join("liste.xlsx");
    std::fs::write(&path, book.save_to_buffer().unwrap()).unwrap();
    let out = tvang(&db, &["import", path.to_str().unwrap()]);
    // A rejected record makes the exit code 1, as for every format.
    assert_eq!(out.code, 1, "{}", out.summary());
    assert!(out.stdout.contains("Protokoller: 1 nye"), "{}", out.stdout);
    // Row 3 of the sheet, as the spreadsheet program numbers it.
    assert!(
        out.stdout.contains(&format!("{}:3", path.display())),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("i går"), "{}", out.stdout);
}

#[test]
fn broken_spreadsheets_are_refused_with_a_message_and_nothing_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let mut empty = rust_xlsxwriter::Workbook::new();
    empty.add_worksheet();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "tom.xlsx",
            empty.save_to_buffer().unwrap(),
            "regneark uten data",
        ),
        ("tekst.xlsx", b"protokoll_id\nX-1\n".to_vec(), "er ikke"),
        (
            "gammel.xlsx",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            "passordbeskyttet regneark",
        ),
        (
            "avkortet.ods",
            b"PK\x03\x04\x14\x00".to_vec(),
            "regneark som ikke kan leses",
        ),
    ];
    for (name, bytes, message) in &cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = tvang(&db, &["import", path.to_str().unwrap()]);
        assert_eq!(out.code, 1, "{name}: {}", out.summary());
        let skipped = line(&out.stdout, &format!("  {}:", path.display()));
        assert!(skipped.contains(message), "{name}: {skipped}");
        assert!(out.stdout.contains("Protokoller: 0 nye"), "{}", out.stdout);
    }
}

/// The sample CSV re-encoded: Windows-1252 (Excel's «CSV (semikolondelt)»), and UTF-16 with a
/// BOM in both byte orders (Excel's «Unicode-tekst»).
#[test]
fn csv_in_windows_1252_and_utf16_is_read_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let text = sample_csv();
    let csv_path = repo().join("samples/protokoller-2024.csv");
    let first = tvang(&db, &["import", csv_path.to_str().unwrap()]);
    assert_eq!(first.code, 0, "{}", first.summary());
    assert!(!first.stdout.contains("Tegnsett:"), "{}", first.stdout);
    let n = rows(&text).len();

    let (latin, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    assert!(latin.contains(&0xF8), "the sample holds an ø");
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        le.extend(unit.to_le_bytes());
        be.extend(unit.to_be_bytes());
    }
    for (name, bytes, encoding) in [
        ("ansi.csv", latin.into_owned(), "windows-1252"),
        ("utf16le.csv", le, "UTF-16LE"),
        ("utf16be.csv", be, "UTF-16BE"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = tvang(&db, &["import", path.to_str().unwrap()]);
        assert_eq!(out.code, 0, "{name}: {}", out.summary());
        assert_eq!(
            line(&out.stdout, "Protokoller:"),
            format!("Protokoller: 0 nye, {n} uendret, 0 i konflikt"),
            "{name}: {}",
            out.stdout
        );
        assert_eq!(
            line(&out.stdout, "Tegnsett:"),
            format!("Tegnsett: {} er lest som {encoding}", path.display())
        );
    }

    // UTF-8 damaged by one stray Windows-1252 byte is refused, not turned into «Ã¸».
    let mut damaged = text.clone().into_bytes();
    let at = damaged.len() - 2;
    damaged.insert(at, 0xF8);
    let path = dir.path().join("skadet.csv");
    std::fs::write(&path, damaged).unwrap();
    let out = tvang(&db, &["import", path.to_str().unwrap()]);
    let lines = text.lines().count();
    assert!(
        line(&out.stdout, &format!("  {}:", path.display()))
            .contains(&format!("er ikke gyldig UTF-8 (linje {lines})")),
        "{}",
        out.stdout
    );
}

/// The sample CSV opened in LibreOffice Calc (Norwegian locale: dates became date cells) and
/// saved as .ods and .xlsx; see tests/fixtures/regneark/README.md.
#[test]
fn spreadsheets_saved_by_an_office_suite_are_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let n = rows(&sample_csv()).len();
    let csv_path = repo().join("samples/protokoller-2024.csv");
    let first = tvang(&db, &["import", csv_path.to_str().unwrap()]);
    assert_eq!(first.code, 0, "{}", first.summary());
    let fixtures = repo().join("tests/fixtures/regneark");
    let out = tvang(&db, &["import", fixtures.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.summary());
    assert_eq!(line(&out.stdout, "Filer lest:"), "Filer lest: 2");
    assert_eq!(
        line(&out.stdout, "Protokoller:"),
        format!("Protokoller: 0 nye, {} uendret, 0 i konflikt", 2 * n),
        "{}",
        out.stdout
    );
}
