//! Store behaviour seen from outside: round trips, locking, schema, permissions, crash safety,
//! and the list filters.

use crate::common;

use common::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::tempdir;
use tvang::catalogue::Catalogue;
use tvang::model::Protocol;

fn exported_jsonl(db: &std::path::Path) -> String {
    let run = tvang(db, &["export", "--format", "jsonl"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn export_then_import_into_an_empty_store_gives_identical_data() {
    let dir = tempdir().unwrap();
    let original = dir.path().join("original");
    assert_eq!(tvang(&original, &["import", &samples()]).code, 0);
    let reference = exported_jsonl(&original);
    assert_eq!(reference.lines().count(), 332);
    for format in ["jsonl", "json", "csv"] {
        let file = dir.path().join(format!("export.{format}"));
        let run = tvang(
            &original,
            &[
                "export",
                "--format",
                format,
                "--out",
                &file.display().to_string(),
            ],
        );
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert_eq!(
            run.stdout.trim(),
            "Eksporterte 304 protokoller og 28 klager."
        );
        let copy = dir.path().join(format!("copy-{format}"));
        let run = tvang(&copy, &["import", &file.display().to_string()]);
        assert_eq!(run.code, 0, "{format}: {}", run.stdout);
        assert!(
            run.stdout.contains("Protokoller: 304 nye"),
            "{format}: {}",
            run.stdout
        );
        assert_eq!(exported_jsonl(&copy), reference, "{format} round trip");
    }
}

#[test]
fn a_second_process_gets_a_clear_message() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let held = tvang::store::Store::open(&db).unwrap();
    let run = tvang(&db, &["list"]);
    assert_eq!(run.code, 2);
    let first = run.stderr.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "tvang: lageret i {} er åpent i en annen tvang-prosess; lukk den først",
            db.display()
        )
    );
    assert!(!run.stderr.contains("panicked") && !run.stderr.contains("sled"));
    drop(held);
    assert_eq!(tvang(&db, &["list"]).code, 0);
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    drop(tvang::store::Store::open(&db).unwrap());
    {
        let raw = open_raw_sled(&db);
        let data = raw.open_tree("data").unwrap();
        data.insert(b"mschema_version", &99u32.to_be_bytes())
            .unwrap();
        raw.flush().unwrap();
    }
    let run = tvang(&db, &["list"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "har skjemaversjon 99, men denne tvang kan bare lese opptil 8; oppgrader tvang"
        ),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn the_store_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(tvang(&db, &["import", &samples()]).code, 0);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o700);
    assert_eq!(mode(&db.join("sled")), 0o700);
    assert_eq!(mode(&db.join("sled").join("db")), 0o600);
}

#[test]
fn killed_mid_import_the_store_opens_and_a_rerun_completes_without_duplicates() {
    let dir = tempdir().unwrap();
    let data = dir.path().join("data");
    let db = dir.path().join("db");
    let run = tvang(
        &db,
        &[
            "generate",
            "--protocols",
            "20000",
            "--seed",
            "11",
            "--out",
            &data.display().to_string(),
        ],
    );
    assert_eq!(run.code, 0);
    // Kill once the first batches are on disk, while the import is still running. A kill that
    // comes too late (a fast machine) proves nothing: start again on a new store and kill
    // earlier, and fail if no attempt was cut short.
    let mut threshold = 2_000_000;
    let partial = loop {
        let _ = std::fs::remove_dir_all(&db);
        if let Some(partial) = import_killed_after(&db, &data, threshold) {
            break partial;
        }
        threshold /= 4;
        assert!(
            threshold > 10_000,
            "every import finished before it could be killed"
        );
    };
    let run = tvang(&db, &["import", &data.display().to_string()]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let s = run.summary();
    let protocols = line(&s, "Protokoller:");
    let numbers: Vec<usize> = protocols
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let (new, unchanged, conflicting) = (numbers[0], numbers[1], numbers[2]);
    assert_eq!(new + unchanged, 20000, "{protocols}");
    assert_eq!(conflicting, 0);
    assert_eq!(
        unchanged,
        partial.len(),
        "what was listed after the kill is what was kept"
    );
    assert!(new > 0, "{protocols}");
    let all = tvang(&db, &["export"]).stdout;
    let lines: Vec<&str> = all.lines().collect();
    let distinct: std::collections::BTreeSet<&str> = lines.iter().copied().collect();
    assert_eq!(lines.len(), distinct.len(), "no duplicates");
    let protocols_exported = lines
        .iter()
        .filter(|l| !l.contains("\"complaint_id\""))
        .count();
    assert_eq!(protocols_exported, 20000);
}

/// Imports `data` into a new store at `db` and kills the import (SIGKILL: no destructors, no
/// flush) once the store's log holds `threshold` bytes. Returns the protocols listed
/// afterwards, or `None` when the import completed before the kill.
fn import_killed_after(
    db: &std::path::Path,
    data: &std::path::Path,
    threshold: u64,
) -> Option<Vec<serde_json::Value>> {
    let mut child = Command::new(bin())
        .arg("--db")
        .arg(db)
        .args(["import", &data.display().to_string()])
        .env("CI", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let log = db.join("sled").join("db");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return None;
        }
        let written = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
        if written > threshold {
            child.kill().unwrap();
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "import never started writing"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.wait().unwrap();
    // The store opens and holds whole batches only.
    let listed = tvang(db, &["list", "--format", "json"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let partial: Vec<serde_json::Value> = serde_json::from_str(&listed.stdout).unwrap();
    // A kill that lands after the last batch was flushed leaves a complete store.
    (partial.len() < 20000).then_some(partial)
}

fn sample_protocols(db: &std::path::Path) -> Vec<Protocol> {
    exported_jsonl(db)
        .lines()
        .filter(|l| !l.contains("\"complaint_id\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn listed(db: &std::path::Path, args: &[&str]) -> Vec<Protocol> {
    let mut all = vec!["list", "--format", "json"];
    all.extend_from_slice(args);
    let run = tvang(db, &all);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    let items: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    items
        .into_iter()
        .map(|i| serde_json::from_value(i["protocol"].clone()).unwrap())
        .collect()
}

#[test]
fn list_filters_agree_with_a_brute_force_count() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(tvang(&db, &["import", &samples()]).code, 0);
    let all = sample_protocols(&db);
    let c = Catalogue::built_in();
    let count = |f: &dyn Fn(&Protocol) -> bool| all.iter().filter(|p| f(p)).count();
    let has_provision = |p: &Protocol, id: &str| {
        p.measures.iter().any(|m| {
            c.resolve_provision(&m.provision)
                .is_some_and(|x| x.id == id)
        })
    };

    let acute = listed(&db, &["--provision", "bvl § 10-7"]);
    assert_eq!(acute.len(), count(&|p| has_provision(p, "bvl-10-7")));
    assert!(acute.len() > 100, "§ 10-7 dominates the samples");

    let vestland = listed(&db, &["--region", "Fylkesmannen i Hordaland"]);
    assert_eq!(
        vestland.len(),
        count(&|p| p.region.as_deref() == Some("vestland"))
    );
    assert!(!vestland.is_empty());

    let solv = listed(&db, &["--institution", "solvberget"]);
    assert!(!solv.is_empty());
    assert!(solv
        .iter()
        .all(|p| p.institution == "Sølvberget omsorgssenter"));
    assert_eq!(
        solv.len(),
        count(&|p| p.institution == "Sølvberget omsorgssenter")
    );

    let from = chrono::NaiveDate::from_ymd_opt(2023, 3, 1).unwrap();
    let to = chrono::NaiveDate::from_ymd_opt(2023, 5, 31).unwrap();
    let spring = listed(&db, &["--from", "2023-03-01", "--to", "31.05.2023"]);
    assert_eq!(
        spring.len(),
        count(&|p| (from..=to).contains(&p.incident_date()))
    );
    let dates: Vec<_> = spring.iter().map(|p| p.incident_at()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");

    let isolation = listed(&db, &["--kind", "skjerming"]);
    assert_eq!(
        isolation.len(),
        count(&|p| p
            .measures
            .iter()
            .any(|m| m.kind.as_deref() == Some("isolasjon")))
    );

    let no_statement = listed(&db, &["--flag", "missing_child_statement"]);
    assert_eq!(no_statement.len(), count(&|p| p.child_statement.is_none()));

    let child = all[0].child_ref.clone().unwrap();
    let same_child = listed(&db, &["--child", &child]);
    assert_eq!(
        same_child.len(),
        count(&|p| p.child_ref.as_deref() == Some(&child))
    );

    let combined = listed(
        &db,
        &[
            "--provision",
            "10-7",
            "--institution",
            "solbakken",
            "--from",
            "2023-01-01",
        ],
    );
    assert_eq!(
        combined.len(),
        count(&|p| has_provision(p, "bvl-10-7")
            && p.institution == "Solbakken ungdomshjem"
            && p.incident_date() >= chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap())
    );

    let run = tvang(&db, &["list", "--provision", "nødrett"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("ukjent hjemmel «nødrett»"),
        "{}",
        run.stderr
    );
    let run = tvang(&db, &["list", "--flag", "nope"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("ukjent merknad «nope»"),
        "{}",
        run.stderr
    );
}

#[test]
fn show_finds_protocols_whose_ids_contain_slashes_and_reports_misses() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(tvang(&db, &["import", &samples()]).code, 0);
    for reference in [
        "Solbakken ungdomshjem/2023/0001",
        "998877001/2023/0001",
        "solbakken/2023/0001",
    ] {
        let run = tvang(&db, &["show", reference]);
        assert_eq!(run.code, 0, "{reference}: {}", run.stderr);
        assert!(
            run.stdout.starts_with(
                "Protokoll:                  2023/0001 · Solbakken ungdomshjem (org.nr 998877001)"
            ),
            "{reference}: {}",
            run.stdout
        );
    }
    let json = tvang(&db, &["show", "--format", "json", "998877001/2023/0001"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["protocol"]["protocol_id"], "2023/0001");
    assert!(v["flags"].is_array());
    let run = tvang(&db, &["show", "Solbakken ungdomshjem/1999/0001"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with(
            "tvang: fant ingen protokoll eller klage «Solbakken ungdomshjem/1999/0001»"
        ),
        "{}",
        run.stderr
    );
}

/// Every secondary index agrees with a scan of the records, also after `--update` moved records.
#[test]
fn indexes_agree_with_the_records() {
    use std::collections::{BTreeMap, BTreeSet};
    use tvang::import::{import_paths, ImportOptions};
    use tvang::model::institution_key;
    use tvang::store::{Index, Store};

    let dir = tempdir().unwrap();
    let c = Catalogue::built_in();
    let store = Store::open(&dir.path().join("db")).unwrap();
    let samples = vec![repo().join("samples")];
    import_paths(&store, &c, &samples, ImportOptions::default(), &mut |_| {}).unwrap();

    let children_before: BTreeSet<String> = store
        .protocols()
        .filter_map(|p| p.unwrap().protocol.child_ref)
        .collect();
    // Move some protocols to another provision, kind, child and date with --update.
    let changed: String = std::fs::read_to_string(repo().join("samples/protokoller-2023.jsonl"))
        .unwrap()
        .lines()
        .take(25)
        .map(|l| {
            l.replace("10-7", "10-11")
                .replace("\"fastholding\"", "\"beslag\"")
                .replace("B-", "X-")
                .replace("2023-0", "2021-0")
                + "\n"
        })
        .collect();
    let file = dir.path().join("changed.jsonl");
    std::fs::write(&file, changed).unwrap();
    let report = import_paths(
        &store,
        &c,
        &[file],
        ImportOptions {
            update: true,
            ..ImportOptions::default()
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(report.protocols.updated, 25, "{report:?}");

    let records: Vec<_> = store.protocols().map(Result::unwrap).collect();
    let mut by_inst: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    let mut by_provision: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    let mut by_child: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    let mut by_day: BTreeMap<chrono::NaiveDate, BTreeSet<u64>> = BTreeMap::new();
    for sp in &records {
        let p = &sp.protocol;
        by_inst
            .entry(institution_key(&p.institution, p.institution_id.as_deref()))
            .or_default()
            .insert(sp.id);
        for m in &p.measures {
            let prov = c
                .resolve_provision(&m.provision)
                .map(|x| x.id.clone())
                .unwrap_or("?".into());
            by_provision.entry(prov).or_default().insert(sp.id);
            if let Some(k) = &m.kind {
                by_kind.entry(k.clone()).or_default().insert(sp.id);
            }
        }
        if let Some(child) = &p.child_ref {
            by_child.entry(child.clone()).or_default().insert(sp.id);
        }
        by_day.entry(p.incident_date()).or_default().insert(sp.id);
    }
    let ids = |index: Index, value: &str| -> BTreeSet<u64> {
        let v = store.protocol_ids_by(index, value).unwrap();
        let set: BTreeSet<u64> = v.iter().copied().collect();
        assert_eq!(set.len(), v.len(), "no duplicates in {value}");
        set
    };
    assert!(by_provision.contains_key("bvl-10-11") && by_child.keys().any(|k| k.starts_with("X-")));
    for (key, expected) in &by_inst {
        assert_eq!(&ids(Index::Institution, key), expected, "{key}");
    }
    for (key, expected) in &by_provision {
        assert_eq!(&ids(Index::Provision, key), expected, "{key}");
    }
    for (key, expected) in &by_kind {
        assert_eq!(&ids(Index::Kind, key), expected, "{key}");
    }
    for (key, expected) in &by_child {
        assert_eq!(&ids(Index::Child, key), expected, "{key}");
    }
    // Values that no record has any more are gone entirely.
    let vanished: Vec<_> = children_before
        .iter()
        .filter(|c| !by_child.contains_key(*c))
        .collect();
    assert!(!vanished.is_empty());
    for child in vanished {
        assert!(ids(Index::Child, child).is_empty(), "{child}");
    }
    let all_days: BTreeSet<u64> = store
        .protocol_ids_by_date(None, None)
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(all_days.len(), records.len());
    for (day, expected) in by_day.iter().step_by(7) {
        let got: BTreeSet<u64> = store
            .protocol_ids_by_date(Some(*day), Some(*day))
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(&got, expected, "{day}");
    }
}

/// A schema 1 store (records without their facts, narrative chunks and vocabularies) gets them
/// when first opened, and every answer stays the same.
#[test]
fn a_schema_1_store_is_upgraded_on_open() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(tvang(&db, &["import", &samples()]).code, 0);
    let stats_before = tvang(&db, &["stats", "--by", "provision", "--format", "json"]).stdout;
    let list_before = tvang(&db, &["list", "--limit", "0", "--format", "json"]).stdout;
    let search = [
        "search",
        "sølbakken lagt",
        "--limit",
        "0",
        "--format",
        "json",
    ];
    let search_before = tvang(&db, &search).stdout;
    assert!(search_before.contains("\"total\": "), "{search_before}");
    {
        let raw = open_raw_sled(&db);
        let data = raw.open_tree("data").unwrap();
        let facts: Vec<_> = data.scan_prefix(b"F").keys().map(Result::unwrap).collect();
        assert_eq!(facts.len(), 1, "300 protocols fit one chunk");
        let narratives: Vec<_> = data.scan_prefix(b"T").keys().map(Result::unwrap).collect();
        let vocabularies: Vec<_> = data.scan_prefix(b"W").keys().map(Result::unwrap).collect();
        assert_eq!((narratives.len(), vocabularies.len()), (1, 1));
        for key in facts.into_iter().chain(narratives).chain(vocabularies) {
            data.remove(key).unwrap();
        }
        data.insert(b"mschema_version", &1u32.to_be_bytes())
            .unwrap();
        raw.flush().unwrap();
    }
    assert_eq!(
        tvang(&db, &["stats", "--by", "provision", "--format", "json"]).stdout,
        stats_before
    );
    assert_eq!(
        tvang(&db, &["list", "--limit", "0", "--format", "json"]).stdout,
        list_before
    );
    assert_eq!(tvang(&db, &search).stdout, search_before);
    let store = reopen_store(&db);
    assert_eq!(
        store.schema_version().unwrap(),
        tvang::store::SCHEMA_VERSION
    );
    assert_eq!(store.protocol_skeletons().unwrap().len(), 304);
}

#[test]
fn review_changes_persist_with_their_audit_trail_and_undo_restores_them() {
    use tvang::model::Outcome;
    use tvang::review::{Annotation, Change, Check, RecordKind, RecordRef, Review, Status};
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let at = chrono::DateTime::from_timestamp(1_750_000_000, 0).unwrap();
    let (p, k) = (RecordRef::protocol(1), RecordRef::complaint(7));
    let note = Annotation {
        author: "kari".into(),
        at,
        field: Some("justification".into()),
        text: "Milde tiltak er ikke beskrevet.\nSpør institusjonen.".into(),
    };
    let undo = {
        let store = reopen_store(&db);
        let applied = store
            .apply_changes(
                "kari",
                at,
                &[
                    (p, Change::Status(Some(Status::Oppfolging))),
                    (p, Change::Annotate(note.clone())),
                    (k, Change::Outcome(Some(Outcome::Medhold))),
                    (
                        k,
                        Change::Check(
                            "bvl-10-7.formaal".into(),
                            Some(Check::new(tvang::review::Assessment::IkkeOppfylt)),
                        ),
                    ),
                    // Changes nothing: no audit entry.
                    (k, Change::RemoveTag("finnes-ikke".into())),
                ],
            )
            .unwrap();
        assert_eq!(applied.undo.len(), 4);
        assert_eq!(applied.reviews[&p].status, Some(Status::Oppfolging));
        applied.undo
    };
    let store = reopen_store(&db);
    let review = store.review(p).unwrap();
    assert_eq!(review.status, Some(Status::Oppfolging));
    assert_eq!(review.annotations, vec![note]);
    assert_eq!(
        store.reviews(RecordKind::Complaint).unwrap()[&7].outcome,
        Some(Outcome::Medhold)
    );
    let trail = store.audit(k).unwrap();
    let fields: Vec<(&str, &str, &str)> = trail
        .iter()
        .map(|e| (e.field.as_str(), e.old.as_str(), e.new.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("outcome", "", "medhold"),
            ("checklist.bvl-10-7.formaal", "", "ikke_oppfylt")
        ]
    );
    assert!(trail
        .iter()
        .all(|e| e.author == "kari" && e.record == Some(k)));

    store.apply_changes("kari", at, &undo).unwrap();
    assert_eq!(store.review(p).unwrap(), Review::default());
    assert_eq!(store.review(k).unwrap(), Review::default());
    // Undoing is itself in the trail.
    assert_eq!(store.audit(p).unwrap().len(), 4);
}

/// Schema 5 kept an unchained audit trail per record (`a`); opening it moves the trail, in its
/// order, into the chained log.
#[test]
fn a_schema_5_audit_trail_is_chained_on_open() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(tvang(&db, &["import", &samples()]).code, 0);
    let old = |seq: u64, id: u64, new: &str| {
        let mut key = vec![b'a', b'p'];
        key.extend_from_slice(&id.to_be_bytes());
        key.extend_from_slice(&seq.to_be_bytes());
        let value = serde_json::json!({
            "at": "2025-01-02T10:00:00Z", "author": "kari",
            "record": {"kind": "protocol", "id": id},
            "field": "status", "old": "", "new": new,
        });
        (key, serde_json::to_vec(&value).unwrap())
    };
    {
        let raw = open_raw_sled(&db);
        let data = raw.open_tree("data").unwrap();
        for prefix in [b"L".as_slice(), b"l"] {
            for key in data.scan_prefix(prefix).keys() {
                data.remove(key.unwrap()).unwrap();
            }
        }
        data.remove(b"maudit_head").unwrap();
        // Two changes to protocol 5 and one to 9, interleaved, as schema 5 numbered them.
        for (key, value) in [
            old(0, 5, "gjennomgatt"),
            old(1, 9, "oppfolging"),
            old(2, 5, "oppfolging"),
        ] {
            data.insert(key, value).unwrap();
        }
        data.insert(b"mnext_audit", &3u64.to_be_bytes()).unwrap();
        data.insert(b"mschema_version", &5u32.to_be_bytes())
            .unwrap();
        raw.flush().unwrap();
    }
    let store = reopen_store(&db);
    let five = store.audit(tvang::review::RecordRef::protocol(5)).unwrap();
    let news: Vec<&str> = five.iter().map(|e| e.new.as_str()).collect();
    assert_eq!(news, ["gjennomgatt", "oppfolging"]);
    assert_eq!((five[0].seq, five[1].seq), (0, 2));
    assert_eq!(five[0].action, tvang::audit::Action::Change);
    assert_eq!(
        store
            .audit(tvang::review::RecordRef::protocol(9))
            .unwrap()
            .len(),
        1
    );
    let verified = store.verify_audit().unwrap();
    assert_eq!((verified.entries, verified.broken), (3, None));
    drop(store);
    let raw = open_raw_sled(&db);
    let data = raw.open_tree("data").unwrap();
    assert_eq!(data.scan_prefix(b"a").count(), 0, "the old trail is gone");
}

/// Schema 7 kept one checklist for every provision (`item → assessment`); opening the store
/// keys each assessment by its condition in the catalogue, with room for a reason, and keeps
/// every one of them: `show` and the TUI read them as the inspector left them.
#[test]
fn a_schema_7_checklist_keeps_its_assessments_under_the_new_conditions() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(tvang(&db, &["import", &samples()]).code, 0);
    let listed = tvang(&db, &["list", "--format", "json", "--limit", "1"]);
    let first: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    let reference = format!(
        "{}/{}",
        first[0]["protocol"]["institution"].as_str().unwrap(),
        first[0]["protocol"]["protocol_id"].as_str().unwrap()
    );
    let shown = tvang(&db, &["show", &reference]);
    assert!(!shown.stdout.contains("Vilkår ("), "{}", shown.stdout);
    {
        let raw = open_raw_sled(&db);
        let data = raw.open_tree("data").unwrap();
        // The review as schema 7 wrote it, on every protocol the list can show first.
        let review = serde_json::json!({
            "status": "gjennomgatt",
            "checklist": {
                "akutt_fare": "oppfylt",
                "strengt_nodvendig": "ikke_oppfylt",
                "isolasjon_krav": "ikke_aktuelt",
                "saksbehandling": "ikke_vurderbar",
            },
        });
        for key in data.scan_prefix(b"p").keys() {
            let key = key.unwrap();
            let mut review_key = vec![b'r', b'p'];
            review_key.extend_from_slice(&key[1..9]);
            data.insert(review_key, serde_json::to_vec(&review).unwrap())
                .unwrap();
        }
        data.insert(b"mschema_version", &7u32.to_be_bytes())
            .unwrap();
        raw.flush().unwrap();
    }
    let store = reopen_store(&db);
    assert_eq!(
        store.schema_version().unwrap(),
        tvang::store::SCHEMA_VERSION
    );
    let reviews = store.reviews(tvang::review::RecordKind::Protocol).unwrap();
    assert!(reviews.len() >= 300, "{}", reviews.len());
    let review = reviews.values().next().unwrap();
    assert!(reviews.values().all(|r| r == review));
    let kept: Vec<(&str, tvang::review::Assessment)> = review
        .checklist
        .iter()
        .map(|(k, c)| (k.as_str(), c.assessment))
        .collect();
    use tvang::review::Assessment::*;
    assert_eq!(
        kept,
        [
            ("bvl-10-7.akutt_fare", Oppfylt),
            ("bvl-10-7.isolasjon_krav", IkkeAktuelt),
            ("bvl-10-7.strengt_nodvendig", IkkeOppfylt),
            ("felles.saksbehandling", IkkeVurderbar),
        ]
    );
    assert_eq!(review.status, Some(tvang::review::Status::Gjennomgatt));
    drop(store);
    let shown = tvang(&db, &["show", &reference]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(
        shown.stdout.contains("Strengt nødvendig: IKKE OPPFYLT"),
        "{}",
        shown.stdout
    );
    assert!(
        shown
            .stdout
            .contains("Saksbehandling (samlet vurdering, eldre sjekkliste): ikke vurderbar"),
        "{}",
        shown.stdout
    );
}
