//! Review sessions through the real binary: `tvang session new|list|show|add|close|reopen|report`
//! on a small fixture store whose report is checked field by field.

use crate::common;

use chrono::{DateTime, Utc};
use common::{reopen_store, tvang, write};
use serde_json::Value;
use std::path::Path;
use tvang::model::Outcome;
use tvang::review::{Annotation, Assessment, Change, Check, RecordRef, Status};
use tvang::store::Store;

const FIXTURE: &str = "tests/fixtures/session/records.jsonl";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn imported() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let run = tvang(&dir.path().join("db"), &["import", FIXTURE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    dir
}

/// The store ids of protocols and complaints, by the id the institution gave them.
fn ids(store: &Store) -> std::collections::HashMap<String, RecordRef> {
    let mut out = std::collections::HashMap::new();
    for p in store.protocols() {
        let p = p.unwrap();
        out.insert(p.protocol.protocol_id.clone(), RecordRef::protocol(p.id));
    }
    for c in store.complaints() {
        let c = c.unwrap();
        out.insert(c.complaint.complaint_id.clone(), RecordRef::complaint(c.id));
    }
    out
}

/// What an inspector did in the March session, written as the TUI writes it.
fn review_march(db: &Path) {
    let store = reopen_store(db);
    let id = ids(&store);
    let note = Annotation {
        author: "kari".into(),
        at: at("2026-11-23T10:00:00Z"),
        field: Some("justification".into()),
        text: "Mor oppga 548808 12370; be om beskrivelse av faren.".into(),
    };
    let changes = vec![
        (id["S-1"], Change::Status(Some(Status::Gjennomgatt))),
        (
            id["S-1"],
            Change::Check(
                "bvl-10-7.strengt_nodvendig".into(),
                Some(Check::new(Assessment::IkkeOppfylt)),
            ),
        ),
        (
            id["S-1"],
            Change::Check(
                "bvl-10-7.akutt_fare".into(),
                Some(Check::new(Assessment::Oppfylt)),
            ),
        ),
        (id["S-1"], Change::Annotate(note)),
        (id["S-2"], Change::Status(Some(Status::Oppfolging))),
        (id["S-2"], Change::AddTag("tilsyn".into())),
        (id["F-1"], Change::Status(Some(Status::Gjennomgatt))),
        (id["F-1"], Change::CorrectedKind(Some("nedlegging".into()))),
        // The isolation requirements on a fastholding: ikke aktuelt.
        (
            id["F-1"],
            Change::Check(
                "felles.ettersamtale".into(),
                Some(Check::new(Assessment::IkkeAktuelt)),
            ),
        ),
        (id["K-1"], Change::Outcome(Some(Outcome::Medhold))),
        (id["K-1"], Change::Status(Some(Status::Avgjort))),
    ];
    store
        .apply_changes("kari", at("2026-11-23T10:05:00Z"), &changes)
        .unwrap();
}

fn report_json(db: &Path, name: &str) -> Value {
    let run = tvang(db, &["session", "report", name, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn item<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

#[test]
fn the_report_says_what_was_reviewed_and_found_field_by_field() {
    let dir = imported();
    let db = dir.path().join("db");
    let run = tvang(
        &db,
        &[
            "session",
            "new",
            "Mars før tilsyn",
            "--from",
            "2024-03-01",
            "--to",
            "2024-03-31",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stdout
        .contains("«Mars før tilsyn» laget med 4 protokoller"));
    review_march(&db);

    let r = report_json(&db, "Mars før tilsyn");
    assert_eq!(r["session"], "Mars før tilsyn");
    assert_eq!(r["kind"], "protocol");
    assert_eq!(r["selection"]["from"], "2024-03-01");
    assert_eq!(r["selection"]["to"], "2024-03-31");
    assert_eq!(r["closed_at"], Value::Null);
    assert_eq!(
        r["progress"],
        serde_json::json!({"items": 4, "handled": 3, "follow_up": 1})
    );
    assert_eq!(r["missing"], 0);
    assert_eq!(r["offered_later"], 0);
    assert_eq!(r["follow_up"], serde_json::json!(["S-2"]));
    // Complaints about the session's protocols: K-1 (medhold, decided here), K-2 (imported).
    assert_eq!(
        r["outcomes"],
        serde_json::json!({"medhold": 1, "delvis_medhold": 0, "ikke_medhold": 1, "avvist": 0,
            "opphevet_hjemvist": 0, "trukket": 0, "pending": 0, "upheld_share": 0.5})
    );
    let total = &r["total"];
    assert_eq!(total["items"], 4);
    assert_eq!(total["protocols"], 4);
    assert_eq!(total["complaints"], 2);
    assert_eq!(total["complaints_per_100_protocols"], 50.0);
    assert_eq!(total["flagged"], 2);
    // Flags, counted and listed.
    let flags: Vec<(String, u64, Value)> = r["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["flag"].as_str().unwrap().to_string(),
                f["count"].as_u64().unwrap(),
                f["records"].clone(),
            )
        })
        .collect();
    assert_eq!(
        flags,
        vec![
            ("isolation".into(), 1, serde_json::json!(["S-2"])),
            ("late".into(), 1, serde_json::json!(["F-1"])),
            (
                "missing_child_statement".into(),
                1,
                serde_json::json!(["S-2"])
            ),
        ]
    );
    assert_eq!(
        r["conditions"],
        serde_json::json!([
            {"condition": "bvl-10-7.akutt_fare", "label": "Akutt fare", "met": 1, "not_met": 0, "not_assessable": 0, "not_applicable": 0},
            {"condition": "bvl-10-7.strengt_nodvendig", "label": "Strengt nødvendig", "met": 0, "not_met": 1, "not_assessable": 0, "not_applicable": 0},
            {"condition": "felles.ettersamtale", "label": "Ettersamtale med barnet", "met": 0, "not_met": 0, "not_assessable": 0, "not_applicable": 1},
        ])
    );
    // Per institution, per provision.
    let by = |key: &str| -> Vec<(String, u64, u64, u64, u64, u64)> {
        r[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["group"].as_str().unwrap().to_string(),
                    g["items"].as_u64().unwrap(),
                    g["handled"].as_u64().unwrap(),
                    g["follow_up"].as_u64().unwrap(),
                    g["complaints"].as_u64().unwrap(),
                    g["medhold"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        by("by_institution"),
        vec![
            ("Fjordglimt barnevernsinstitusjon".into(), 1, 1, 0, 1, 0),
            ("Solbakken ungdomshjem".into(), 3, 2, 1, 1, 1),
        ]
    );
    assert_eq!(
        by("by_provision"),
        vec![
            ("10-7".into(), 3, 3, 1, 2, 1),
            ("10-8".into(), 1, 0, 0, 0, 0)
        ]
    );
    // Items: order as made (newest first), classifications, notes; identifiers masked.
    let order: Vec<&str> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["F-1", "S-3", "S-2", "S-1"]);
    let s1 = item(&r, "S-1");
    assert_eq!(s1["status"], "gjennomgatt");
    assert_eq!(s1["handled"], true);
    assert_eq!(s1["child"], "548808 *****");
    assert_eq!(s1["complaints"], 1);
    assert_eq!(s1["checklist"][0]["condition"], "bvl-10-7.akutt_fare");
    assert_eq!(
        s1["checklist"][1]["condition"],
        "bvl-10-7.strengt_nodvendig"
    );
    assert_eq!(s1["checklist"][1]["label"], "Strengt nødvendig");
    assert_eq!(s1["checklist"][1]["assessment"], "ikke_oppfylt");
    assert_eq!(s1["notes"][0]["author"], "kari");
    assert_eq!(s1["notes"][0]["field"], "justification");
    assert_eq!(
        s1["notes"][0]["text"],
        "Mor oppga 548808 *****; be om beskrivelse av faren."
    );
    let s2 = item(&r, "S-2");
    assert_eq!(s2["status"], "oppfolging");
    assert_eq!(s2["follow_up"], true);
    assert_eq!(s2["tags"], serde_json::json!(["tilsyn"]));
    assert_eq!(
        s2["flags"],
        serde_json::json!(["isolation", "missing_child_statement"])
    );
    let s3 = item(&r, "S-3");
    assert_eq!(s3["status"], "ny");
    assert_eq!(s3["handled"], false);
    assert_eq!(s3["provisions"], serde_json::json!(["10-8"]));
    assert_eq!(item(&r, "F-1")["corrected_kind"], "nedlegging");
    assert!(!r.to_string().contains("12370"), "a number escaped masking");

    // Markdown: a working note with the same findings.
    let md = tvang(&db, &["session", "report", "Mars før tilsyn"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    let md = md.stdout;
    for expected in [
        "# Gjennomgang: Mars før tilsyn",
        "- Utvalg: fra: 01.03.2024 · til: 31.03.2024 (protokoller)",
        "- Fremdrift: 3 / 4 gjennomgått · 1 til oppfølging · 1 gjenstår",
        "4 protokoller og 2 klager (50,0 klager per 100 protokoller). Utfall: 1 medhold, 0 delvis medhold, 1 ikke medhold, 0 avvist, 0 ikke avgjort; medholdsandel 50,0 %.",
        "| isolasjon | 1 | S-2 |",
        "| Vilkår | Oppfylt | Ikke oppfylt | Ikke vurderbar | Ikke aktuelt |",
        "| Akutt fare | 1 | 0 | 0 | 0 |",
        "| Ettersamtale med barnet | 0 | 0 | 0 | 1 |",
        "| Strengt nødvendig | 0 | 1 | 0 | 0 |",
        "- S-2 (Solbakken ungdomshjem, 2024-03-05)",
        "| Solbakken ungdomshjem | 3 | 2 | 1 | 1 | 3 | 1 | 33,3 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 100,0 % |",
        "### S-1 · Solbakken ungdomshjem · 2024-03-02",
        "- Notat om justification (kari, 2026-11-23 11:00): Mor oppga 548808 *****; be om beskrivelse av faren.",
        "- Etiketter: tilsyn",
    ] {
        assert!(md.contains(expected), "missing {expected:?} in:\n{md}");
    }
    assert!(!md.contains("12370"));

    // CSV: one line per item, to a file made private, and the export is in the audit log.
    let out = dir.path().join("mars.csv");
    let run = tvang(
        &db,
        &[
            "session",
            "report",
            "Mars før tilsyn",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let csv = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[0].starts_with("kind,id,institution,date,child,"));
    let s1 = lines.iter().find(|l| l.contains(",S-1,")).unwrap();
    assert!(s1.starts_with(
        "protocol,S-1,Solbakken ungdomshjem,2024-03-02,548808 *****,10-7,fastholding,10,gjennomgatt,true,false,,,1,,bvl-10-7.strengt_nodvendig,,"
    ), "{s1}");
    assert!(lines[0]
        .contains(",conditions_not_met,conditions_not_assessable,conditions_not_applicable,"));
    let f1 = lines.iter().find(|l| l.contains(",F-1,")).unwrap();
    assert!(
        f1.contains(",late,,,felles.ettersamtale,,nedlegging,"),
        "{f1}"
    );
    assert!(!csv.contains("12370"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let audit = tvang(&db, &["audit", "--format", "json"]);
    let logged = audit.stdout.matches("øktrapport «Mars før tilsyn»").count();
    assert_eq!(logged, 3, "{}", audit.stdout); // json, md (standard output), csv file
    assert!(audit.stdout.contains(out.to_str().unwrap()));
}

#[test]
fn later_imports_are_offered_not_added_and_sessions_share_decisions() {
    let dir = imported();
    let db = dir.path().join("db");
    for args in [
        vec!["session", "new", "Solbakken", "--institution", "Solbakken"],
        vec![
            "session",
            "new",
            "Akutt fare",
            "--provision",
            "10-7",
            "--status",
            "ny",
        ],
        vec![
            "session",
            "new",
            "Klager",
            "--complaints",
            "--status",
            "mottatt",
        ],
    ] {
        let run = tvang(&db, &args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    // S-1 and S-2 are in both protocol sessions: deciding them once counts in both.
    let store = reopen_store(&db);
    let id = ids(&store);
    store
        .apply_changes(
            "kari",
            at("2026-11-23T10:05:00Z"),
            &[
                (id["S-1"], Change::Status(Some(Status::Gjennomgatt))),
                (id["S-2"], Change::Status(Some(Status::Oppfolging))),
            ],
        )
        .unwrap();
    drop(store);
    let list = tvang(&db, &["session", "list"]).stdout;
    assert!(
        list.contains("Akutt fare 2 / 4 gjennomgått · 1 til oppfølging"),
        "{list}"
    );
    assert!(
        list.contains("Solbakken  2 / 3 gjennomgått · 1 til oppfølging"),
        "{list}"
    );
    assert!(list.contains("Klager     0 / 1 gjennomgått"), "{list}");

    // A protocol imported later that matches: offered by show and report, added by `add`.
    let later = write(
        dir.path(),
        "later.jsonl",
        r#"{"protocol_id":"S-4","institution":"Solbakken ungdomshjem","region":"vestland","child_ref":"B-4","provision":"bvl § 10-7","kind":"fastholding","started_at":"2024-03-20 10:00","ended_at":"2024-03-20 10:05","justification":"Ny.","child_statement":"Ok.","received_at":"2024-03-21"}"#,
    );
    assert_eq!(tvang(&db, &["import", &later]).code, 0);
    let show = tvang(&db, &["session", "show", "Solbakken"]).stdout;
    assert!(show.contains("Fremdrift: 2 / 3 gjennomgått"), "{show}");
    assert!(
        show.contains("1 poster importert senere passer til utvalget"),
        "{show}"
    );
    assert!(!show.contains("S-4"), "{show}");
    assert_eq!(report_json(&db, "Solbakken")["offered_later"], 1);
    let add = tvang(&db, &["session", "add", "Solbakken"]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    assert!(add.stdout.contains("1 poster lagt til"));
    let r = report_json(&db, "Solbakken");
    assert_eq!(r["progress"]["items"], 4);
    assert_eq!(r["offered_later"], 0);
    assert_eq!(item(&r, "S-4")["status"], "ny");
    assert!(tvang(&db, &["session", "add", "Solbakken"])
        .stdout
        .contains("Ingen nye poster"));
}

#[test]
fn close_reopen_list_and_clear_errors() {
    let dir = imported();
    let db = dir.path().join("db");
    assert_eq!(tvang(&db, &["session", "new", "A"]).code, 0);
    let again = tvang(&db, &["session", "new", " A "]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("Det finnes alt en økt som heter «A»"));
    let none = tvang(&db, &["session", "new", "B", "--institution", "Ingensteds"]);
    assert_eq!(none.code, 1);
    assert!(none.stderr.contains("Ingen protokoller i utvalget"));
    let bad = tvang(&db, &["session", "new", "C", "--status", "ferdig"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("ferdig"), "{}", bad.stderr);
    let missing = tvang(&db, &["session", "show", "Finnes ikke"]);
    assert_eq!(missing.code, 1);
    assert!(missing
        .stderr
        .contains("Fant ingen økt som heter «Finnes ikke»"));

    let close = tvang(&db, &["session", "close", "A"]);
    assert_eq!(close.code, 0);
    assert!(close.stdout.contains("Økt «A» er avsluttet"));
    assert!(tvang(&db, &["session", "list"])
        .stdout
        .contains("Ingen økter"));
    let all = tvang(&db, &["session", "list", "--all"]).stdout;
    assert!(
        all.contains("A 0 / 5 gjennomgått") && all.contains("avsluttet"),
        "{all}"
    );
    let refused = tvang(&db, &["session", "add", "A"]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("er avsluttet"));
    // A closed session's report says so.
    let r = report_json(&db, "A");
    assert!(r["closed_at"].is_string());
    assert_eq!(tvang(&db, &["session", "reopen", "A"]).code, 0);
    assert!(tvang(&db, &["session", "list"]).stdout.contains("A 0 / 5"));
    // A backup carries the sessions: restored, the same list and the same report.
    let backup = dir.path().join("backup.gz");
    assert_eq!(tvang(&db, &["backup", backup.to_str().unwrap()]).code, 0);
    let restored = dir.path().join("restored");
    assert_eq!(
        tvang(&restored, &["restore", backup.to_str().unwrap()]).code,
        0
    );
    assert_eq!(
        tvang(&restored, &["session", "list", "--all"]).stdout,
        tvang(&db, &["session", "list", "--all"]).stdout
    );
    let mut before = report_json(&db, "A");
    let mut after = report_json(&restored, "A");
    for r in [&mut before, &mut after] {
        r["generated_at"] = Value::Null;
    }
    assert_eq!(before, after);
}

#[test]
fn a_protocol_counts_once_under_each_provision_however_its_measures_are_ordered() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let file = write(
        dir.path(),
        "three.jsonl",
        r#"{"protocol_id":"M-1","institution":"Solbakken ungdomshjem","region":"vestland","child_ref":"B-1","measures":[{"provision":"bvl § 10-7","kind":"fastholding","started_at":"2024-03-02 14:30","ended_at":"2024-03-02 14:40"},{"provision":"bvl § 10-8","kind":"ransaking","started_at":"2024-03-02 14:41","ended_at":"2024-03-02 14:50"},{"provision":"bvl § 10-7","kind":"føring","started_at":"2024-03-02 14:51","ended_at":"2024-03-02 14:55"},{"provision":"bvl § 10-10","kind":"rusmiddeltesting","started_at":"2024-03-02 15:00","ended_at":"2024-03-02 15:05"}],"justification":"Fire tiltak.","child_statement":"Ok.","received_at":"2024-03-04"}"#,
    );
    assert_eq!(tvang(&db, &["import", &file]).code, 0);
    assert_eq!(tvang(&db, &["session", "new", "M"]).code, 0);
    let r = report_json(&db, "M");
    assert_eq!(
        item(&r, "M-1")["provisions"],
        serde_json::json!(["10-7", "10-8", "10-7", "10-10"])
    );
    let groups: Vec<(&str, u64)> = r["by_provision"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["group"].as_str().unwrap(), g["items"].as_u64().unwrap()))
        .collect();
    // As numbers, not as text (where 10-10 sorts first).
    assert_eq!(groups, [("10-7", 1), ("10-8", 1), ("10-10", 1)]);
}
