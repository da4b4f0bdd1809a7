//! Data protection, end to end with the real binary: fødselsnummer masked in every output,
//! reveals and exports logged, pseudonymised exports, the audit chain, backup and restore, and
//! the store's permissions. The fixture's numbers are synthetic (month + 80).

use crate::common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const FIXTURE: &str = "tests/fixtures/privacy/records.jsonl";
/// The individual numbers and check digits of the fixture's numbers: never in masked output.
const HIDDEN: [&str; 2] = ["12387", "12370"];

fn store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let run = tvang(&db, &["import", FIXTURE]);
    assert_eq!(run.code, 1, "one record is refused: {}", run.stdout);
    (dir, db)
}

fn assert_masked(what: &str, output: &str) {
    for digits in HIDDEN {
        assert!(!output.contains(digits), "{what} shows {digits}:\n{output}");
    }
}

fn ok(db: &Path, args: &[&str]) -> String {
    let run = tvang(db, args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    assert_masked(&format!("stderr of {args:?}"), &run.stderr);
    run.stdout
}

fn audit(db: &Path) -> Vec<Value> {
    serde_json::from_str(&ok(db, &["audit", "--format", "json"])).unwrap()
}

#[test]
fn import_flags_numbers_and_refuses_them_in_identifiers_without_echoing_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let run = tvang(&db, &["import", FIXTURE]);
    assert_eq!(run.code, 1);
    let refused = line(&run.stdout, "  ");
    assert!(
        refused.contains("records.jsonl:4: protocol_id: inneholder et fødselsnummer"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("14880812468"), "{}", run.stdout);
    // P-1 (texts) and P-2, P-3 (the child's reference); not the account number in P-3's text
    // alone, which fails the checks.
    assert!(
        run.stdout.contains("3  fødselsnummer i teksten"),
        "{}",
        run.stdout
    );
    let flagged: Value = serde_json::from_str(&ok(
        &db,
        &["list", "--flag", "identity_number", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(flagged.as_array().unwrap().len(), 3);
}

#[test]
fn every_output_masks_the_numbers() {
    let (_dir, db) = store();
    let show = ok(&db, &["show", "Solbakken ungdomshjem/P-1"]);
    assert!(show.contains("Gutten (fnr 148808 *****) slo"), "{show}");
    assert!(show.contains("Jeg, 148808 *****, klager"), "{show}");
    let outputs = [
        ("show P-2", ok(&db, &["show", "Solbakken ungdomshjem/P-2"])),
        (
            "show json",
            ok(
                &db,
                &["show", "Solbakken ungdomshjem/P-1", "--format", "json"],
            ),
        ),
        (
            "show complaint",
            ok(&db, &["show", "Solbakken ungdomshjem/K-1"]),
        ),
        ("list", ok(&db, &["list"])),
        ("list json", ok(&db, &["list", "--format", "json"])),
        (
            "list complaints",
            ok(&db, &["list", "--complaints", "--format", "json"]),
        ),
        ("search", ok(&db, &["search", "148808"])),
        (
            "search json",
            ok(&db, &["search", "fnr", "--format", "json"]),
        ),
        ("search child", ok(&db, &["search", "child:548808"])),
        ("export jsonl", ok(&db, &["export"])),
        ("export json", ok(&db, &["export", "--format", "json"])),
        ("export csv", ok(&db, &["export", "--format", "csv"])),
        ("stats child", ok(&db, &["stats", "--by", "child"])),
        (
            "stats child json",
            ok(&db, &["stats", "--by", "child", "--format", "json"]),
        ),
        ("audit", ok(&db, &["audit"])),
    ];
    for (what, out) in &outputs {
        assert_masked(what, out);
    }
    let search = &outputs[6].1;
    assert!(search.contains("148808"), "the masked date still finds it");
    let stats = &outputs[12].1;
    assert!(stats.contains("548808 *****"), "{stats}");
    // The child with a fødselsnummer as reference is still one child with two protocols.
    let rows: Value = serde_json::from_str(&outputs[13].1).unwrap();
    let child = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "548808 *****")
        .unwrap_or_else(|| panic!("{rows}"));
    assert_eq!(child["protocols"], 2);
    // The exported file too.
    let out = db.parent().unwrap().join("export.jsonl");
    ok(&db, &["export", "--out", out.to_str().unwrap()]);
    assert_masked("export file", &std::fs::read_to_string(&out).unwrap());
}

#[test]
fn a_reveal_shows_the_number_and_is_logged() {
    let (_dir, db) = store();
    let before = audit(&db).len();
    let shown = ok(&db, &["show", "--reveal", "Solbakken ungdomshjem/P-1"]);
    assert!(shown.contains("fnr 14880812387"), "{shown}");
    assert!(shown.contains("Jeg, 148808 12387"), "{shown}");
    let log = audit(&db);
    let reveals: Vec<&Value> = log.iter().filter(|e| e["action"] == "reveal").collect();
    assert_eq!(log.len(), before + 2, "the protocol and its complaint");
    assert_eq!(reveals[0]["reference"], "Solbakken ungdomshjem/P-1");
    assert_eq!(reveals[1]["reference"], "Solbakken ungdomshjem/K-1");
    // Nothing to reveal, nothing logged.
    ok(&db, &["show", "--reveal", "Solbakken ungdomshjem/P-4"]);
    assert_eq!(audit(&db).len(), before + 2);
    // The record's own history names it.
    let history: Vec<Value> = serde_json::from_str(&ok(
        &db,
        &[
            "audit",
            "--record",
            "Solbakken ungdomshjem/P-1",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["new"], "tvang show --reveal");
    // A revealed export is logged as such.
    let all = ok(&db, &["export", "--reveal"]);
    assert!(all.contains("14880812387") && all.contains("54880812370"));
    let last = audit(&db).pop().unwrap();
    assert_eq!(last["action"], "export");
    assert!(
        last["new"]
            .as_str()
            .unwrap()
            .contains("4 protokoller og 1 klager, jsonl, fødselsnummer avslørt"),
        "{last}"
    );
}

#[test]
fn pseudonymised_exports_replace_children_and_drop_free_text() {
    let (_dir, db) = store();
    let lines = |out: &str| -> Vec<Value> {
        out.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let first = lines(&ok(&db, &["export", "--pseudonymise"]));
    let again = lines(&ok(&db, &["export", "--pseudonymise"]));
    assert_eq!(first, again, "the same child, the same pseudonym");
    let children: Vec<&str> = first[..3]
        .iter()
        .map(|p| p["child_ref"].as_str().unwrap())
        .collect();
    assert!(
        children.iter().all(|c| c.starts_with("psn-")),
        "{children:?}"
    );
    assert_ne!(children[0], children[1]);
    assert_eq!(children[1], children[2], "P-2 and P-3 are one child");
    for p in &first[..3] {
        for field in ["justification", "child_statement", "danger", "decided_by"] {
            assert!(p.get(field).is_none(), "{field} kept: {p}");
        }
        assert!(p.get("measures").is_some());
    }
    assert!(first[3].get("text").is_none(), "complaint text dropped");
    let with_text = ok(&db, &["export", "--pseudonymise", "--with-text"]);
    assert!(with_text.contains("Gutten (fnr 148808 *****) slo"));
    assert_masked("with text", &with_text);
    // Statistics name the same pseudonyms and suppress small counts.
    let stats: Value = serde_json::from_str(&ok(
        &db,
        &[
            "stats",
            "--by",
            "child",
            "--pseudonymise",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    let groups: Vec<&str> = stats
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["group"].as_str().unwrap())
        .collect();
    assert!(groups.contains(&children[1]), "{groups:?}");
    let csv = ok(
        &db,
        &[
            "stats",
            "--by",
            "child",
            "--pseudonymise",
            "--format",
            "csv",
        ],
    );
    assert!(csv.contains("<5"), "{csv}");
    assert!(!csv.contains("548808"), "{csv}");
    let conflict = tvang(&db, &["export", "--pseudonymise", "--reveal"]);
    assert_eq!(conflict.code, 2);
}

#[test]
fn redact_replaces_the_numbers_in_the_stored_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(tvang(&db, &["import", "--redact", FIXTURE]).code, 1);
    let shown = ok(&db, &["show", "--reveal", "Solbakken ungdomshjem/P-1"]);
    assert!(
        shown.contains("Gutten (fnr [fødselsnummer fjernet]) slo"),
        "{shown}"
    );
    assert!(!shown.contains("148808"), "the date part goes too");
    assert!(shown.contains("fødselsnummer i teksten"), "still flagged");
    assert!(
        !audit(&db).iter().any(|e| e["action"] == "reveal"),
        "nothing left to reveal"
    );
    let everything = ok(&db, &["export", "--reveal"]);
    assert_masked("redacted store", &everything);
    // Importing the same file again with --redact changes nothing.
    let again = tvang(&db, &["import", "--redact", FIXTURE]);
    assert!(
        again.stdout.contains("Protokoller: 0 nye, 4 uendret"),
        "{}",
        again.stdout
    );
}

#[test]
fn audit_verify_names_the_first_edited_entry() {
    // Without the automatic backup, so that entry 1 is the reveal.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let off = crate::common::write(dir.path(), "config.toml", "[backup]\nkeep = 0\n");
    assert_eq!(tvang(&db, &["--config", &off, "import", FIXTURE]).code, 1);
    ok(&db, &["show", "--reveal", "Solbakken ungdomshjem/P-1"]);
    ok(&db, &["export", "--format", "csv"]);
    let verified = ok(&db, &["audit", "--verify"]);
    assert!(
        verified.contains("Revisjonsloggen er hel: 4 oppføringer"),
        "{verified}"
    );
    // Someone hides the reveal by editing the entry in the store behind tvang's back.
    {
        let raw = open_raw_sled(&db);
        let data = raw.open_tree("data").unwrap();
        let key = [b"L".as_slice(), &1u64.to_be_bytes()].concat();
        let entry = String::from_utf8(data.get(&key).unwrap().unwrap().to_vec()).unwrap();
        assert!(entry.contains("\"reveal\""), "{entry}");
        data.insert(
            &key,
            entry
                .replace("Solbakken", "Annen")
                .replace("reveal", "export")
                .as_bytes(),
        )
        .unwrap();
        raw.flush().unwrap();
    }
    let run = tvang(&db, &["audit", "--verify"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("revisjonsloggen er brutt: oppføring 1 er endret"),
        "{}",
        run.stderr
    );
    // Removing the newest entry is found too.
    {
        let raw = open_raw_sled(&db);
        let data = raw.open_tree("data").unwrap();
        data.remove([b"L".as_slice(), &1u64.to_be_bytes()].concat())
            .unwrap();
        raw.flush().unwrap();
    }
    let run = tvang(&db, &["audit", "--verify"]);
    assert!(
        run.stderr
            .contains("oppføring 2 følger ikke oppføringen før den"),
        "{}",
        run.stderr
    );
}

#[test]
fn backup_and_restore_reproduce_every_record_review_and_log_entry() {
    let (dir, db) = store();
    // Inspectors' work: a status, a note, a saved filter (through the library, as the TUI does).
    {
        let store = tvang::store::Store::open(&db).unwrap();
        let id = store
            .protocol_ids_by(tvang::store::Index::Child, "B-1")
            .unwrap()[0];
        store
            .apply_changes(
                "kari",
                chrono::Utc::now(),
                &[(
                    tvang::review::RecordRef::protocol(id),
                    tvang::review::Change::Status(Some(tvang::review::Status::Oppfolging)),
                )],
            )
            .unwrap();
        store
            .save_filter("mine", Some(&serde_json::json!({"institution": "sol"})))
            .unwrap();
    }
    ok(&db, &["show", "--reveal", "Solbakken ungdomshjem/P-1"]);
    let file = dir.path().join("backup.jsonl.gz");
    let out = ok(&db, &["backup", file.to_str().unwrap()]);
    assert!(out.contains("4 protokoller, 1 klager"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let restored = dir.path().join("restored");
    let out = ok(&restored, &["restore", file.to_str().unwrap()]);
    assert!(out.contains("4 protokoller, 1 klager"), "{out}");
    assert!(ok(&restored, &["audit", "--verify"]).contains("er hel"));
    // Record by record.
    let a = tvang::store::Store::open(&db).unwrap();
    let b = tvang::store::Store::open(&restored).unwrap();
    let protocols = |s: &tvang::store::Store| -> Vec<_> {
        s.protocols_unmasked().map(Result::unwrap).collect()
    };
    let complaints = |s: &tvang::store::Store| -> Vec<_> {
        s.complaints_unmasked().map(Result::unwrap).collect()
    };
    assert_eq!(protocols(&a), protocols(&b));
    assert_eq!(complaints(&a), complaints(&b));
    for kind in [
        tvang::review::RecordKind::Protocol,
        tvang::review::RecordKind::Complaint,
    ] {
        assert_eq!(a.reviews(kind).unwrap(), b.reviews(kind).unwrap());
    }
    assert_eq!(a.saved_filters().unwrap(), b.saved_filters().unwrap());
    let log = |s: &tvang::store::Store| -> Vec<_> {
        s.audit_log().map(|e| e.unwrap().unwrap()).collect()
    };
    let (old, new) = (log(&a), log(&b));
    // The backup is logged once written, so the copy ends before it; the restore follows.
    assert_eq!(old.last().unwrap().action, tvang::audit::Action::Backup);
    assert_eq!(
        old[..old.len() - 1],
        new[..old.len() - 1],
        "the log is carried over"
    );
    assert_eq!(new.len(), old.len());
    assert_eq!(new.last().unwrap().action, tvang::audit::Action::Restore);
    for p in protocols(&a) {
        assert_eq!(
            a.audit(tvang::review::RecordRef::protocol(p.id)).unwrap(),
            b.audit(tvang::review::RecordRef::protocol(p.id)).unwrap()
        );
        assert_eq!(
            a.protocol_history(p.id).unwrap(),
            b.protocol_history(p.id).unwrap()
        );
    }
    // The derived data came along: the queue's facts, search, the pseudonyms.
    drop((a, b));
    assert_eq!(
        ok(&db, &["search", "holdingen", "--format", "json"]),
        ok(&restored, &["search", "holdingen", "--format", "json"])
    );
    assert_eq!(
        ok(&db, &["export", "--pseudonymise"]),
        ok(&restored, &["export", "--pseudonymise"])
    );
    // Not into a store that holds anything, and not from a damaged file.
    let run = tvang(&db, &["restore", file.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("lageret er ikke tomt"),
        "{}",
        run.stderr
    );
    let damaged = dir.path().join("damaged.gz");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&damaged, bytes).unwrap();
    let fresh = dir.path().join("fresh");
    let run = tvang(&fresh, &["restore", damaged.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("ingenting er skrevet til lageret"),
        "{}",
        run.stderr
    );
    assert!(tvang(&fresh, &["list"]).stdout.contains("0 protokoller"));
}

#[cfg(unix)]
#[test]
fn the_store_is_private_and_a_wider_one_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, db) = store();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o700);
    assert_eq!(mode(&db.join("sled")), 0o700);
    assert_eq!(mode(&db.join("sled").join("conf")), 0o600);
    assert_eq!(mode(&db.join("tvang.lock")), 0o600);
    let quiet = tvang(&db, &["list"]);
    assert!(!quiet.stderr.contains("advarsel"), "{}", quiet.stderr);
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o755)).unwrap();
    let warned = tvang(&db, &["list"]);
    assert!(
        warned
            .stderr
            .contains("advarsel: lageret var åpent for andre brukere"),
        "{}",
        warned.stderr
    );
    assert!(warned.stderr.contains("0755"), "{}", warned.stderr);
    assert_eq!(mode(&db), 0o700, "made private again");
    assert!(!tvang(&db, &["list"]).stderr.contains("advarsel"));
    // sled makes its own files 0644; inside the private folder nobody else reaches them.
    let conf = db.join("sled").join("conf");
    std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(!tvang(&db, &["list"]).stderr.contains("advarsel"));
    assert_eq!(mode(&conf), 0o600, "but it is made private all the same");
}
