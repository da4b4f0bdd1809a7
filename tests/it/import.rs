//! End-to-end import tests: the real binary on temporary stores.

use crate::common;

use common::*;
use tempfile::tempdir;

#[test]
fn samples_import_cleanly_in_every_format() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let run = tvang(&db, &["import", &samples()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let s = run.summary();
    // Six JSON/CSV files and five documents; the PDF printed from one Word file is the same
    // protocol (uendret), and the folder's README is listed as not read.
    assert_eq!(
        line(&s, "Filer lest"),
        "Filer lest: 11 (dokumenter: 3 Word, 2 PDF)"
    );
    assert_eq!(
        line(&s, "Protokoller:"),
        "Protokoller: 304 nye, 1 uendret, 0 i konflikt"
    );
    assert!(s.contains("Ikke lest (filtype tvang ikke leser): "), "{s}");
    assert_eq!(
        line(&s, "Klager:"),
        "Klager: 28 nye, 0 uendret, 0 i konflikt, 0 venter på protokollen sin"
    );
    assert_eq!(line(&s, "Avviste"), "Avviste poster: 0");
    // Every year's file format contributed.
    let list = tvang(&db, &["list", "--format", "json"]);
    let items: Vec<serde_json::Value> = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(items.len(), 304);
    for file in [
        "protokoller-2022.json",
        "protokoller-2023.jsonl",
        "protokoller-2024.csv",
        "protokoll-2025-0002.docx",
        "protokoll-2025-0004.pdf",
    ] {
        assert!(
            items
                .iter()
                .any(|i| i["source"].as_str().unwrap().contains(file)),
            "{file}"
        );
    }
}

#[test]
fn reimport_is_idempotent() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(tvang(&db, &["import", &samples()]).code, 0);
    let before = tvang(&db, &["export"]).stdout;
    let again = tvang(&db, &["import", &samples()]);
    assert_eq!(again.code, 0);
    let s = again.summary();
    // Every document is recognised by its bytes, the PDF of protokoll-2025-0001 too.
    assert_eq!(
        line(&s, "Protokoller:"),
        "Protokoller: 0 nye, 305 uendret, 0 i konflikt"
    );
    assert_eq!(
        line(&s, "Dokumenter importert før"),
        "Dokumenter importert før (gjenkjent på innholdet, ikke lest på nytt): 5"
    );
    assert_eq!(
        line(&s, "Klager:"),
        "Klager: 0 nye, 28 uendret, 0 i konflikt, 0 venter på protokollen sin"
    );
    assert!(!s.contains("Merknader"), "no new records, no flags: {s}");
    assert_eq!(tvang(&db, &["export"]).stdout, before);
}

const P1: &str = r#"{"protocol_id":"2023/0007","institution":"Lia ungdomshjem","institution_id":"912345678","region":"vestland","child_ref":"B-1","provision":"bvl § 10-7","kind":"fastholding","started_at":"2023-05-02 14:30","ended_at":"2023-05-02 14:40","child_statement":"Det var greit."}"#;

#[test]
fn a_changed_record_is_a_conflict_unless_update() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let first = write(dir.path(), "a.jsonl", &format!("{P1}\n"));
    assert_eq!(tvang(&db, &["import", &first]).code, 0);

    let changed = P1
        .replace("14:40", "15:10")
        .replace("bvl § 10-7", "bvl § 10-8")
        .replace("fastholding", "ransaking")
        .replace("B-1", "B-2")
        .replace("Det var greit.", "Det var ikke greit.");
    let second = write(dir.path(), "b.jsonl", &format!("{changed}\n"));
    let run = tvang(&db, &["import", &second]);
    assert_eq!(run.code, 0, "a conflict is not a rejection");
    let s = run.summary();
    assert_eq!(
        line(&s, "Protokoller:"),
        "Protokoller: 0 nye, 0 uendret, 1 i konflikt"
    );
    assert!(
        s.contains(
            "b.jsonl:1: protokoll Lia ungdomshjem/2023/0007 avviker i child_ref, child_statement, measures"
        ),
        "{s}"
    );
    // The stored version is kept.
    let show = tvang(&db, &["show", "912345678/2023/0007"]);
    assert!(show.stdout.contains("Det var greit."), "{}", show.stdout);
    assert!(show.stdout.contains("versjon 1"));

    let run = tvang(&db, &["import", "--update", &second]);
    let s = run.summary();
    assert_eq!(
        line(&s, "Protokoller:"),
        "Protokoller: 0 nye, 0 uendret, 0 i konflikt, 1 oppdatert"
    );
    let show = tvang(&db, &["show", "Lia ungdomshjem/2023/0007"]);
    assert!(
        show.stdout.contains("Det var ikke greit."),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout
            .contains("versjon 2 (1 tidligere versjoner lagret)"),
        "{}",
        show.stdout
    );
    // The indexes follow the new version: found by its new provision, kind and child only.
    let count = |args: &[&str]| {
        let mut all = vec!["list", "--format", "json"];
        all.extend_from_slice(args);
        let items: Vec<serde_json::Value> = serde_json::from_str(&tvang(&db, &all).stdout).unwrap();
        items.len()
    };
    assert_eq!(count(&["--provision", "10-7"]), 0);
    assert_eq!(count(&["--provision", "10-8"]), 1);
    assert_eq!(count(&["--child", "B-1"]), 0);
    assert_eq!(count(&["--child", "B-2"]), 1);
    assert_eq!(
        count(&[
            "--kind",
            "ransaking",
            "--from",
            "2023-05-02",
            "--to",
            "2023-05-02"
        ]),
        1
    );
    assert_eq!(count(&[]), 1);
}

#[test]
fn a_complaint_before_its_protocol_waits_and_is_linked_later() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    // The complaint names the institution only; the protocol comes with its org.nr.
    let complaint = write(
        dir.path(),
        "klage.json",
        r#"{"klage_id":"K-1","protokoll_id":"2023/0007","institusjon":"LIA  Ungdomshjem","mottatt":"10.05.2023","klager":"barnet","klagetekst":"Jeg ble holdt for lenge."}"#,
    );
    let run = tvang(&db, &["import", &complaint]);
    assert_eq!(
        line(&run.summary(), "Klager:"),
        "Klager: 1 nye, 0 uendret, 0 i konflikt, 1 venter på protokollen sin"
    );
    let waiting = tvang(&db, &["list", "--complaints", "--waiting"]);
    assert!(waiting.stdout.contains("K-1"), "{}", waiting.stdout);
    assert!(
        waiting.stdout.contains("venter på protokollen"),
        "{}",
        waiting.stdout
    );

    let protocol = write(dir.path(), "p.jsonl", &format!("{P1}\n"));
    assert_eq!(tvang(&db, &["import", &protocol]).code, 0);
    let show = tvang(&db, &["show", "lia ungdomshjem/2023/0007"]);
    assert!(show.stdout.contains("Klager (1)"), "{}", show.stdout);
    assert!(
        show.stdout
            .contains("K-1 · mottatt 10.05.2023 · fra barnet"),
        "{}",
        show.stdout
    );
    let waiting = tvang(&db, &["list", "--complaints", "--waiting"]);
    assert!(!waiting.stdout.contains("K-1"), "{}", waiting.stdout);
    // The complaint itself shows its protocol.
    let show = tvang(&db, &["show", "Lia ungdomshjem/K-1"]);
    assert!(
        show.stdout.contains("Gjelder protokoll 2023/0007"),
        "{}",
        show.stdout
    );
}

#[test]
fn embedded_complaints_are_stored_and_linked() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let with_complaint = P1.replace(
        r#""child_statement":"Det var greit."}"#,
        r#""child_statement":"Det var greit.","complaint":{"complaint_id":"K-9","received_at":"2023-05-20","complainant":"foresatte","outcome":"delvis medhold","decided_at":"2023-06-10"}}"#,
    );
    let f = write(dir.path(), "p.json", &with_complaint);
    let run = tvang(&db, &["import", &f]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("Klager: 1 nye"), "{}", run.stdout);
    let show = tvang(&db, &["show", "912345678/2023/0007"]);
    assert!(
        show.stdout.contains(
            "K-9 · mottatt 20.05.2023 · fra foresatte · delvis medhold, avgjort 10.06.2023"
        ),
        "{}",
        show.stdout
    );
}

#[test]
fn durations_are_real_elapsed_time_across_dst() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let f = write(
        dir.path(),
        "dst.csv",
        "protokoll_id,institusjon,hjemmel,tiltak,start,slutt\n\
         V-1,Lia,10-7,fastholding,26.03.2023 01:30,26.03.2023 03:30\n\
         H-1,Lia,10-7,fastholding,29.10.2023 01:30,29.10.2023 03:30\n",
    );
    assert_eq!(tvang(&db, &["import", &f]).code, 0);
    let spring = tvang(&db, &["show", "Lia/V-1"]).stdout;
    assert!(
        spring.contains("26.03.2023 01:30 – 03:30 (1 t 00 min)"),
        "{spring}"
    );
    let autumn = tvang(&db, &["show", "Lia/H-1"]).stdout;
    assert!(
        autumn.contains("29.10.2023 01:30 – 03:30 (3 t 00 min)"),
        "{autumn}"
    );
}

#[test]
fn bom_and_crlf_make_no_difference() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let csv = "protokoll_id;institusjon;hjemmel;start;fare\nP-1;Lia;10-7;02.05.2023 14:30;\"Linje én\nlinje to\"\n";
    let plain = write(dir.path(), "plain.csv", csv);
    let windows = write(
        dir.path(),
        "windows.csv",
        &format!("\u{feff}{}", csv.replace('\n', "\r\n")),
    );
    assert_eq!(tvang(&db, &["import", &plain]).code, 0);
    let run = tvang(&db, &["import", &windows]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        line(&run.summary(), "Protokoller:"),
        "Protokoller: 0 nye, 1 uendret, 0 i konflikt"
    );
}

#[test]
fn every_invalid_fixture_gets_its_exact_message() {
    let fixtures = repo().join("tests/fixtures/invalid");
    let mut checked = 0;
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "expected") {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let expected_path = path.with_extension("expected");
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{name} has no .expected file"));
        let dir = tempdir().unwrap();
        let run = tvang_in(&fixtures, &dir.path().join("db"), &["import", &name]);
        let actual = format!("{}exit: {}\n", run.summary(), run.code);
        assert_eq!(actual, expected, "{name}");
        assert!(run.stderr.is_empty(), "{name}: {}", run.stderr);
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} fixtures");
}

#[test]
fn rejected_records_can_be_reported_as_json() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let fixtures = repo().join("tests/fixtures/invalid");
    let report = dir.path().join("report.json");
    let run = tvang(
        &db,
        &[
            "import",
            &fixtures.display().to_string(),
            "--report",
            &report.display().to_string(),
        ],
    );
    assert_eq!(run.code, 1);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let rejected = json["rejected"].as_array().unwrap();
    assert!(rejected.len() > 20, "{}", rejected.len());
    for r in rejected {
        assert!(
            r["file"].is_string() && r["line"].is_u64() && r["message"].is_string(),
            "{r}"
        );
    }
    // The summary lists only the first 20; --verbose lists all.
    assert!(run.stdout.contains("… og"), "{}", run.stdout);
    let verbose = tvang(
        &db,
        &["import", "--verbose", &fixtures.display().to_string()],
    );
    assert!(!verbose.stdout.contains("… og"), "{}", verbose.stdout);
}

#[test]
fn usage_errors_exit_2_without_touching_the_store() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let run = tvang(&db, &["import", "/does/not/exist"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.trim(), "tvang: /does/not/exist: finnes ikke");
    let run = tvang(&db, &["import"]);
    assert_eq!(run.code, 2);
}

#[test]
fn generate_is_deterministic_and_exact_per_year() {
    let dir = tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let db = dir.path().join("db");
    for out in [&a, &b] {
        let run = tvang(
            &db,
            &[
                "generate",
                "--protocols",
                "500",
                "--seed",
                "9",
                "--years",
                "2022-2023",
                "--out",
                &out.display().to_string(),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout
                .starts_with("Genererte 500 protokoller (2022: 250, 2023: 250)"),
            "{}",
            run.stdout
        );
    }
    for f in ["protokoller.jsonl", "klager.jsonl"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    let run = tvang(&db, &["import", &a.display().to_string()]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("Protokoller: 500 nye"),
        "{}",
        run.stdout
    );
}
