//! Word and PDF intake, end to end through the real binary: layouts, check boxes, help text,
//! the same protocol from DOCX and from a LibreOffice PDF as one record, the child's identity
//! never shown, label files, bad files each with their message and nothing stored.

use crate::common;
use common::{edit_docx, line, repo, rewrite_docx, tvang};
use tvang::generate::{generate, GenerateOptions};
use tvang::generate_documents::{child_for, complaint_docx, protocol_docx};

fn docs() -> std::path::PathBuf {
    repo().join("samples/dokumenter")
}

/// A generated data set of one year.
fn generated(protocols: usize, seed: u64, year: i32) -> tvang::generate::Generated {
    generate(&GenerateOptions {
        protocols,
        seed,
        first_year: year,
        last_year: year,
    })
}

fn export(db: &std::path::Path) -> Vec<serde_json::Value> {
    let out = tvang(db, &["export", "--format", "jsonl"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_word_protocol_and_the_pdf_printed_from_it_are_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let docx = docs().join("protokoll-2025-0001.docx");
    let pdf = docs().join("protokoll-2025-0001.pdf");
    let first = tvang(&db, &["import", docx.to_str().unwrap()]);
    assert_eq!(first.code, 0, "{}", first.summary());
    assert!(
        first
            .stdout
            .contains("Protokoller: 1 nye, 0 uendret, 0 i konflikt"),
        "{}",
        first.stdout
    );
    let second = tvang(&db, &["import", pdf.to_str().unwrap()]);
    assert_eq!(second.code, 0, "{}", second.summary());
    assert_eq!(
        line(&second.stdout, "Protokoller:"),
        "Protokoller: 0 nye, 1 uendret, 0 i konflikt"
    );
    assert_eq!(
        line(&second.stdout, "Filer lest:"),
        "Filer lest: 1 (dokumenter: 0 Word, 1 PDF)"
    );
}

#[test]
fn the_sample_documents_read_every_field_the_generator_wrote() {
    let data = generated(6, 11, 2025);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let out = tvang(&db, &["import", docs().to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.summary());
    assert_eq!(
        line(&out.stdout, "Filer lest:"),
        "Filer lest: 5 (dokumenter: 3 Word, 2 PDF)"
    );
    assert_eq!(
        line(&out.stdout, "Protokoller:"),
        "Protokoller: 4 nye, 1 uendret, 0 i konflikt"
    );
    let stored = export(&db);
    assert_eq!(stored.len(), 4);
    for (i, original) in [0usize, 1, 2, 3].iter().map(|i| (*i, &data.protocols[*i])) {
        let got = stored
            .iter()
            .find(|r| {
                r["protocol_id"] == original.protocol_id.as_str()
                    && r["institution"] == original.institution.as_str()
            })
            .unwrap_or_else(|| panic!("protocol {} not stored", original.protocol_id));
        assert_eq!(got["institution"], original.institution.as_str(), "{i}");
        assert_eq!(
            got["institution_id"].as_str(),
            original.institution_id.as_deref()
        );
        let catalogue = tvang::catalogue::Catalogue::built_in();
        let region = original
            .region
            .as_deref()
            .map(|r| catalogue.region(r).unwrap().code.clone());
        assert_eq!(got["region"].as_str(), region.as_deref(), "{i}");
        assert_eq!(got["danger"].as_str(), original.danger.as_deref(), "{i}");
        assert_eq!(
            got["measures"].as_array().unwrap().len(),
            original.measures.len(),
            "{i}"
        );
        for (m, o) in got["measures"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&original.measures)
        {
            assert_eq!(m["provision"], o.provision.as_str());
            let start =
                chrono::DateTime::parse_from_rfc3339(m["started_at"].as_str().unwrap()).unwrap();
            assert_eq!(start, o.started_at, "{i}: start as local Oslo time");
        }
        assert_eq!(
            got["informed_of_complaint_right"].as_bool(),
            original.informed_of_complaint_right,
            "{i}: check boxes"
        );
        assert_eq!(
            got["police"].as_str().map(str::to_string),
            original.police.map(|p| serde_json::to_value(p)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string())
        );
        // The child: a keyed pseudonym and the birth year, never the name or the number.
        let child = child_for(original);
        assert!(
            got["child_ref"].as_str().unwrap().starts_with("barn-"),
            "{got}"
        );
        assert_eq!(
            got["child_birth_year"].as_i64(),
            original.child_birth_year.map(i64::from)
        );
        let text = got.to_string();
        assert!(!text.contains(&child.national_id), "{text}");
        assert!(!text.contains(&child.name), "{text}");
    }
}

#[test]
fn document_fields_survive_a_csv_and_a_json_export_and_re_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let mut p = generated(1, 6, 2024).protocols[0].clone();
    p.child_statement = None;
    let path = dir.path().join("p.docx");
    std::fs::write(&path, protocol_docx(&p, 0, true)).unwrap();
    assert_eq!(tvang(&db, &["import", path.to_str().unwrap()]).code, 0);
    let original = export(&db);
    assert_eq!(
        original[0]["help_text_left"],
        serde_json::json!(["child_statement"])
    );
    for format in ["csv", "jsonl"] {
        let file = dir.path().join(format!("eksport.{format}"));
        let out = tvang(
            &db,
            &[
                "export",
                "--reveal",
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(out.code, 0, "{}", out.summary());
        let db2 = dir.path().join(format!("db-{format}"));
        let back = tvang(&db2, &["import", file.to_str().unwrap()]);
        assert_eq!(back.code, 0, "{}", back.summary());
        assert_eq!(export(&db2), original, "{format}");
    }
}

#[test]
fn the_childs_name_and_number_show_in_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let data = generated(1, 4, 2024);
    let mut p = data.protocols[0].clone();
    let child = child_for(&p);
    let first = child.name.split_whitespace().next().unwrap().to_string();
    p.danger = Some(format!("{first} slo etter en ansatt og ble holdt."));
    let path = dir.path().join("p.docx");
    std::fs::write(&path, protocol_docx(&p, 0, false)).unwrap();
    let out = tvang(&db, &["import", path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.summary());
    let id = format!("{}/{}", p.institution, p.protocol_id);
    let session = tvang(&db, &["session", "new", "Dokumenter"]);
    assert_eq!(session.code, 0, "{}", session.stderr);
    let outputs = [
        tvang(&db, &["session", "report", "Dokumenter"]),
        tvang(
            &db,
            &["session", "report", "Dokumenter", "--format", "json"],
        ),
        tvang(&db, &["list"]),
        tvang(&db, &["show", &id]),
        tvang(&db, &["show", &id, "--format", "json"]),
        tvang(&db, &["search", &first]),
        tvang(&db, &["stats", "--by", "child"]),
        tvang(&db, &["export"]),
        tvang(&db, &["export", "--reveal"]),
    ];
    let initial = format!("{}.", first.chars().next().unwrap());
    assert!(
        outputs[5].stdout.starts_with("Ingen treff"),
        "{}",
        outputs[5].stdout
    );
    for o in outputs
        .iter()
        .filter(|o| !o.stdout.starts_with("Ingen treff"))
    {
        assert_eq!(o.code, 0, "{}", o.summary());
        let all = format!("{}{}", o.stdout, o.stderr);
        assert!(!all.contains(&child.national_id), "{all}");
        assert!(!all.contains(&first), "the child's name shows: {all}");
    }
    assert!(
        outputs[3].stdout.contains(&format!("{initial} slo etter")),
        "{}",
        outputs[3].stdout
    );
    assert!(
        outputs[0].stdout.contains(&p.protocol_id),
        "the report lists the protocol: {}",
        outputs[0].stdout
    );
}

#[test]
fn help_text_checkboxes_and_unknown_labels_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let data = generated(3, 8, 2024);
    let mut p = data.protocols[0].clone();
    p.child_statement = None;
    p.police = None;
    let path = dir.path().join("hjelpetekst.docx");
    std::fs::write(&path, protocol_docx(&p, 0, true)).unwrap();
    let out = tvang(
        &db,
        &[
            "import",
            path.to_str().unwrap(),
            "--report",
            dir.path().join("r.json").to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.summary());
    assert!(
        out.stdout.contains(
            "Til kontroll mot originalen (felt som manglet eller ikke kunne leses sikkert): 1"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("barnets syn (bare veiledningstekst)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("politi (ingen avkrysning)"),
        "{}",
        out.stdout
    );
    let stored = &export(&db)[0];
    assert_eq!(
        stored["help_text_left"],
        serde_json::json!(["child_statement"])
    );
    assert_eq!(
        stored["reading_to_check"],
        serde_json::json!(["police", "child_statement"])
    );
    assert!(stored.get("child_statement").is_none());
    let list = tvang(&db, &["list", "--flag", "til_kontroll"]);
    assert!(list.stdout.contains(&p.protocol_id), "{}", list.stdout);
    let list = tvang(&db, &["list", "--flag", "help_text_left"]);
    assert!(list.stdout.contains(&p.protocol_id), "{}", list.stdout);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["documents"][0]["format"], "docx");
    assert_eq!(report["documents"][0]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn a_complaint_letter_links_to_its_protocol_or_waits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let data = generated(40, 2, 2024);
    let c = &data.complaints[0];
    let path = dir.path().join("klage.docx");
    std::fs::write(&path, complaint_docx(c)).unwrap();
    let out = tvang(&db, &["import", path.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.summary());
    assert_eq!(
        line(&out.stdout, "Klager:"),
        "Klager: 1 nye, 0 uendret, 0 i konflikt, 1 venter på protokollen sin"
    );
    let stored = &export(&db)[0];
    assert_eq!(stored["complaint_id"], c.complaint_id.as_str());
    assert_eq!(stored["protocol_id"], c.protocol_id.as_str());
    assert_eq!(stored["text"].as_str(), c.text.as_deref());
}

#[test]
fn an_office_label_file_is_used_and_a_bad_one_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let data = generated(1, 9, 2024);
    let xml_doc = protocol_docx(&data.protocols[0], 1, false);
    // Rename one label as an office's own template would have it.
    let doc = rewrite_docx(&xml_doc, "Beskrivelse av situasjonen", "Hendelsesforløp");
    let path = dir.path().join("egen-mal.docx");
    std::fs::write(&path, doc).unwrap();
    let out = tvang(&db, &["import", path.to_str().unwrap()]);
    assert!(
        out.stdout.contains(&format!(
            "Ukjente ledetekster i {}: «Hendelsesforløp»",
            path.display()
        )),
        "{}",
        out.stdout
    );
    let labels = dir.path().join("ledetekster.toml");
    std::fs::write(&labels, "[labels]\ndanger = [\"Hendelsesforløp\"]\n").unwrap();
    let db2 = dir.path().join("db2");
    let out = tvang(
        &db2,
        &[
            "import",
            path.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.summary());
    assert!(
        !out.stdout.contains("Ukjente ledetekster"),
        "{}",
        out.stdout
    );
    assert_eq!(
        export(&db2)[0]["danger"].as_str(),
        data.protocols[0].danger.as_deref()
    );

    std::fs::write(
        &labels,
        "[labels]\ndanger = [\"x\"]\nvirksomhet = [\"Virksomhet\"]\n",
    )
    .unwrap();
    let out = tvang(
        &db2,
        &[
            "import",
            path.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(&format!(
            "ledetekstfilen {}:3: ukjent felt «virksomhet»",
            labels.display()
        )),
        "{}",
        out.stderr
    );
}

/// Replaces text in a generated document's XML (the label a test renames).
#[test]
fn bad_documents_are_refused_each_with_its_message_and_nothing_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let good = std::fs::read(docs().join("protokoll-2025-0001.docx")).unwrap();
    let pdf = std::fs::read(docs().join("protokoll-2025-0001.pdf")).unwrap();
    let folder = dir.path().join("inn");
    std::fs::create_dir(&folder).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("avkortet.docx", good[..good.len() / 2].to_vec(), "er et ødelagt eller avkortet Word-dokument"),
        ("ikke-zip.docx", b"dette er ikke et dokument".to_vec(), "er ikke et Word-dokument (.docx er en zip-fil; denne er det ikke)"),
        ("passord.docx", [&[0xD0u8, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..], &[0u8; 600][..]].concat(), "er passordbeskyttet eller i det gamle Word-formatet (.doc)"),
        ("skannet.pdf", scan_pdf(), "har ingen tekst (1 side uten tekstlag, trolig skannet); tvang leser ikke skannede dokumenter"),
        ("tom.pdf", Vec::new(), "er en ødelagt PDF"),
        ("xref.pdf", broken_xref(&pdf), "er en ødelagt PDF"),
        ("tomt.docx", empty_docx(), "fant ingen protokollfelt eller klagefelt"),
    ];
    for (name, bytes, _) in &cases {
        std::fs::write(folder.join(name), bytes).unwrap();
    }
    // Not documents: an office lock file and a temp file are passed over without a word, a
    // text file is named.
    std::fs::write(folder.join("~$protokoll.docx"), b"lock").unwrap();
    std::fs::write(folder.join("utkast.docx.tmp"), b"tmp").unwrap();
    std::fs::write(folder.join("notater.txt"), b"notes").unwrap();
    let out = tvang(&db, &["import", folder.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.summary());
    for (name, _, message) in &cases {
        let prefix = format!("  {}: ", folder.join(name).display());
        let got = line(&out.stdout, &prefix);
        assert!(got.contains(message), "{name}: {got}\n{}", out.stdout);
    }
    assert!(
        out.stdout.contains(&format!(
            "Ikke lest (filtype tvang ikke leser): {}",
            folder.join("notater.txt").display()
        )),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("~$"), "{}", out.stdout);
    assert!(!out.stdout.contains("utkast.docx.tmp"), "{}", out.stdout);
    assert_eq!(
        line(&out.stdout, "Protokoller:"),
        "Protokoller: 0 nye, 0 uendret, 0 i konflikt"
    );
    assert!(export(&db).is_empty());
}

/// A one-page PDF with a drawn rectangle and no text: what a scanner's image-only PDF reads as.
fn scan_pdf() -> Vec<u8> {
    let content = b"0 0 0 rg 100 100 200 300 re f";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{}\nendstream",
            content.len(),
            std::str::from_utf8(content).unwrap()
        ),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A real PDF whose cross-reference table and trailer are cut away.
fn broken_xref(pdf: &[u8]) -> Vec<u8> {
    let cut = pdf.windows(4).rposition(|w| w == b"xref").unwrap();
    let mut out = pdf[..cut].to_vec();
    out.extend(b"xref\ngarbage\n");
    out
}

/// A valid Word document with one paragraph and no labels.
fn empty_docx() -> Vec<u8> {
    let options = GenerateOptions {
        protocols: 1,
        seed: 1,
        first_year: 2024,
        last_year: 2024,
    };
    let doc = protocol_docx(&generate(&options).protocols[0], 0, false);
    edit_docx(&doc, |name, mut content| {
        if name == "word/document.xml" {
            let start = content.find("<w:body>").unwrap() + "<w:body>".len();
            let end = content.find("<w:sectPr>").unwrap();
            content.replace_range(
                start..end,
                "<w:p><w:r><w:t>Hei, her er et brev uten ledetekster.</w:t></w:r></w:p>",
            );
        }
        content
    })
}

#[test]
fn each_document_is_kept_once_with_its_text_and_a_second_import_reads_nothing() {
    let data = generated(6, 11, 2025);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let first = tvang(&db, &["import", docs().to_str().unwrap()]);
    assert_eq!(first.code, 0, "{}", first.summary());
    assert!(!first.stdout.contains("importert før"), "{}", first.stdout);

    let second = tvang(&db, &["import", docs().to_str().unwrap()]);
    assert_eq!(second.code, 0, "{}", second.summary());
    assert_eq!(
        line(&second.stdout, "Dokumenter importert før"),
        "Dokumenter importert før (gjenkjent på innholdet, ikke lest på nytt): 5"
    );
    assert_eq!(
        line(&second.stdout, "Protokoller:"),
        "Protokoller: 0 nye, 5 uendret, 0 i konflikt"
    );
    // --update reads them again (a new label file may read more) and finds the same records.
    let again = tvang(&db, &["import", "--update", docs().to_str().unwrap()]);
    assert!(!again.stdout.contains("importert før"), "{}", again.stdout);
    assert_eq!(
        line(&again.stdout, "Protokoller:"),
        "Protokoller: 0 nye, 5 uendret, 0 i konflikt"
    );

    let store = common::reopen_store(&db);
    let p = &data.protocols[0];
    let child = child_for(p);
    let kept = store.documents_for(false, &p.key()).unwrap();
    let formats: Vec<&str> = kept.iter().map(|d| d.format.as_str()).collect();
    assert_eq!(formats.len(), 2, "{formats:?}");
    assert!(
        formats.contains(&"docx") && formats.contains(&"pdf"),
        "{formats:?}"
    );
    for d in &kept {
        assert_eq!(d.sha256.len(), 64);
        assert!(d.size > 1000, "{}", d.size);
        assert!(d
            .file
            .ends_with(&format!("protokoll-2025-0001.{}", d.format)));
        assert!(d.text.contains(&p.protocol_id), "{}", d.text);
        let institution = d.fields.iter().find(|f| f.field == "institution").unwrap();
        assert_eq!(institution.value, p.institution);
        assert!(!institution.label.is_empty());
        // The child's name and number are not kept, in the text or in the fields.
        let all = format!("{}{:?}", d.text, d.fields);
        assert!(!all.contains(&child.national_id), "{all}");
        let first_name = child.name.split_whitespace().next().unwrap();
        assert!(!all.contains(first_name), "{all}");
        let again = store.document(&d.sha256).unwrap().unwrap();
        assert_eq!(&again, d);
    }
    assert!(store.document(&"0".repeat(64)).unwrap().is_none());
}

/// A measures table whose columns are too narrow for its words, printed by LibreOffice: the
/// first row's full cells leave no gap, and words are broken across lines. Read as the Word
/// file is: one record, every hjemmel and tiltak as written.
#[test]
fn a_pdf_table_with_words_broken_across_narrow_columns_is_the_word_files_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let fixtures = repo().join("tests/fixtures/dokumenter");
    let docx = fixtures.join("smale-kolonner.docx");
    let pdf = fixtures.join("smale-kolonner.pdf");
    let first = tvang(&db, &["import", docx.to_str().unwrap()]);
    assert_eq!(first.code, 0, "{}", first.summary());
    let word = export(&db);
    let measures = word[0]["measures"].as_array().unwrap();
    assert_eq!(measures.len(), 3);
    assert_eq!(measures[0]["kind"], "inndragning_kommunikasjonsmiddel");
    assert_eq!(
        measures[0]["provision"],
        "barnevernsloven § 10-9 første ledd"
    );
    let second = tvang(&db, &["import", pdf.to_str().unwrap()]);
    assert_eq!(second.code, 0, "{}", second.summary());
    assert_eq!(
        line(&second.stdout, "Protokoller:"),
        "Protokoller: 0 nye, 1 uendret, 0 i konflikt",
        "{}",
        second.stdout
    );
    assert!(!second.stdout.contains("Til kontroll"), "{}", second.stdout);
}

/// `tvang generate --format pdf` writes what institutions print: the same protocols and
/// complaint letters as the Word files are the same records, a value running onto a second page
/// included, with the header and page numbers of each page left out of it.
#[test]
fn generated_pdfs_are_the_records_of_the_word_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let data = generated(40, 5, 2025);
    let word = dir.path().join("word");
    let pdf = dir.path().join("pdf");
    tvang::generate_documents::write_docx(&data, &word).unwrap();
    let out = tvang(
        &db,
        &[
            "generate",
            "--protocols",
            "40",
            "--seed",
            "5",
            "--years",
            "2025-2025",
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let first = tvang(&db, &["import", word.to_str().unwrap()]);
    assert_eq!(first.code, 0, "{}", first.summary());
    let second = tvang(&db, &["import", pdf.to_str().unwrap()]);
    assert_eq!(second.code, 0, "{}", second.summary());
    let complaints = data.complaints.len();
    assert!(complaints > 0);
    assert_eq!(
        line(&second.stdout, "Filer lest:"),
        format!(
            "Filer lest: {} (dokumenter: 0 Word, {} PDF)",
            40 + complaints,
            40 + complaints
        )
    );
    assert_eq!(
        line(&second.stdout, "Protokoller:"),
        "Protokoller: 0 nye, 40 uendret, 0 i konflikt"
    );
    assert_eq!(
        line(&second.stdout, "Klager:"),
        format!("Klager: 0 nye, {complaints} uendret, 0 i konflikt, 0 venter på protokollen sin")
    );

    // A description long enough to run onto the next page.
    let mut long = data.protocols[1].clone();
    long.protocol_id = "2025/9001".into();
    let sentence = long.danger.clone().unwrap();
    long.danger = Some(vec![sentence.as_str(); 40].join(" "));
    let bytes = tvang::generate_pdf::protocol_pdf(&long, 1, false);
    let pages = lopdf::Document::load_mem(&bytes)
        .map(|d| d.get_pages().len())
        .unwrap_or(0);
    assert!(pages >= 2, "{pages} page(s)");
    let long_db = dir.path().join("long");
    for (name, bytes) in [
        ("lang.docx", protocol_docx(&long, 1, false)),
        ("lang.pdf", bytes),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = tvang(&long_db, &["import", path.to_str().unwrap()]);
        assert_eq!(out.code, 0, "{name}: {}", out.summary());
        let expected = if name.ends_with(".pdf") {
            "Protokoller: 0 nye, 1 uendret, 0 i konflikt"
        } else {
            "Protokoller: 1 nye, 0 uendret, 0 i konflikt"
        };
        assert_eq!(line(&out.stdout, "Protokoller:"), expected, "{name}");
    }
    let stored = export(&long_db);
    let danger = stored[0]["danger"].as_str().unwrap();
    assert!(!danger.contains("Side 1 av"), "{danger}");
    assert!(!danger.contains("Tvangsprotokoll ·"), "{danger}");
    assert_eq!(
        danger.split_whitespace().collect::<Vec<_>>(),
        long.danger
            .as_deref()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
    );
}

/// A document whose protocol differs from the stored one is a conflict each time it is
/// imported: it is not remembered as read until it is stored (`--update`).
#[test]
fn a_conflicting_document_is_reported_again_until_it_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let data = generated(1, 21, 2025);
    let p = &data.protocols[0];
    let first = dir.path().join("a.docx");
    std::fs::write(&first, protocol_docx(p, 0, false)).unwrap();
    assert_eq!(tvang(&db, &["import", first.to_str().unwrap()]).code, 0);
    let mut changed = p.clone();
    changed.staff_involved = Some(changed.staff_involved.unwrap_or(1) + 3);
    let second = dir.path().join("b.docx");
    std::fs::write(&second, protocol_docx(&changed, 0, false)).unwrap();
    for _ in 0..2 {
        let out = tvang(&db, &["import", second.to_str().unwrap()]);
        assert_eq!(
            line(&out.stdout, "Protokoller:"),
            "Protokoller: 0 nye, 0 uendret, 1 i konflikt",
            "{}",
            out.stdout
        );
        assert!(!out.stdout.contains("importert før"), "{}", out.stdout);
    }
    let updated = tvang(&db, &["import", "--update", second.to_str().unwrap()]);
    assert!(updated.stdout.contains("1 oppdatert"), "{}", updated.stdout);
    let again = tvang(&db, &["import", second.to_str().unwrap()]);
    assert_eq!(
        line(&again.stdout, "Dokumenter importert før"),
        "Dokumenter importert før (gjenkjent på innholdet, ikke lest på nytt): 1"
    );
}
