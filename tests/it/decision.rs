//! One source of truth for a complaint's decision: once the inspector has recorded one in tvang,
//! `tvang show`, `tvang list --complaints` (table and JSON) and `tvang stats` all read it over
//! the outcome imported with the complaint, and `tvang export` writes the decision as recorded
//! (outcome, day, who decided, reasons), which `tvang import` reads back.

use crate::common::*;
use chrono::{TimeZone, Utc};
use serde_json::Value;
use tvang::model::Outcome;
use tvang::review::{Assessment, Change, Check, RecordRef, Status};

fn complaints_json(db: &std::path::Path) -> Vec<Value> {
    let run = tvang(
        db,
        &["list", "--complaints", "--format", "json", "--limit", "0"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn medhold_in_stats(db: &std::path::Path) -> u64 {
    let run = tvang(db, &["stats", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let total = rows.iter().find(|r| r["group"] == "total").unwrap();
    total["medhold"].as_u64().unwrap()
}

#[test]
fn a_decision_made_in_tvang_is_what_show_list_and_stats_say() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let run = tvang(&db, &["import", &samples()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed = complaints_json(&db);
    // A complaint imported as decided «ikke medhold», and one imported without a decision.
    let by_outcome = |outcome: Value| -> String {
        let c = &listed
            .iter()
            .find(|c| c["complaint"]["outcome"] == outcome)
            .unwrap_or_else(|| panic!("no complaint with outcome {outcome}"))["complaint"];
        c["complaint_id"].as_str().unwrap().to_string()
    };
    // What `tvang show` takes: ORG.NR/ID (or the name, for a complaint without one).
    let reference = |complaint_id: &str| -> String {
        let c = &listed
            .iter()
            .find(|c| c["complaint"]["complaint_id"] == complaint_id)
            .unwrap()["complaint"];
        let institution = c["institution_id"].as_str().or(c["institution"].as_str());
        format!("{}/{complaint_id}", institution.unwrap())
    };
    let confirmed_elsewhere = by_outcome(Value::from("ikke_medhold"));
    let undecided = by_outcome(Value::Null);
    let medhold_before = medhold_in_stats(&db);

    // The inspector decides both as medhold (what the TUI writes), on 23 November 2026.
    let store = reopen_store(&db);
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap();
    let mut changes = Vec::new();
    for complaint_id in [&confirmed_elsewhere, &undecided] {
        let id = store
            .complaints()
            .map(Result::unwrap)
            .find(|c| &c.complaint.complaint_id == complaint_id)
            .unwrap()
            .id;
        changes.push((
            RecordRef::complaint(id),
            Change::Outcome(Some(Outcome::Medhold)),
        ));
        changes.push((
            RecordRef::complaint(id),
            Change::Status(Some(Status::Avgjort)),
        ));
    }
    store.apply_changes("kari", at, &changes).unwrap();
    drop(store);

    for complaint_id in [&confirmed_elsewhere, &undecided] {
        let shown = tvang(&db, &["show", &reference(complaint_id)]);
        assert_eq!(shown.code, 0, "{}", shown.stderr);
        assert!(
            shown.stdout.contains("· medhold, avgjort 23.11.2026"),
            "{complaint_id}: {}",
            shown.stdout
        );
        assert!(!shown.stdout.contains("ikke medhold"), "{}", shown.stdout);
        assert!(!shown.stdout.contains("ikke avgjort"), "{}", shown.stdout);

        let table = tvang(&db, &["list", "--complaints", "--limit", "0"]).stdout;
        let row = table
            .lines()
            .find(|l| l.contains(complaint_id.as_str()))
            .unwrap_or_else(|| panic!("{complaint_id} not listed:\n{table}"));
        assert!(
            row.contains("medhold") && !row.contains("ikke medhold"),
            "{row}"
        );
        assert!(row.contains("23.11.2026"), "{row}");

        let json = complaints_json(&db);
        let c = json
            .iter()
            .find(|c| c["complaint"]["complaint_id"] == complaint_id.as_str())
            .unwrap();
        assert_eq!(c["complaint"]["outcome"], "medhold", "{c}");
        assert_eq!(c["complaint"]["decided_at"], "2026-11-23", "{c}");
    }
    // The statistics counted them so before this fix too: now every surface agrees with them.
    assert_eq!(medhold_in_stats(&db), medhold_before + 2);
}

#[test]
fn list_complaints_shows_each_due_day_from_the_configured_target() {
    // Issue 16 §4: due = received + the target (1 month by default, `complaint_target_months`).
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let run = tvang(&db, &["import", &samples()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let due_after = |listed: &[Value], months: u32| {
        for c in listed {
            let received: chrono::NaiveDate = c["complaint"]["received_at"]
                .as_str()
                .expect("every sample complaint has its receipt")[..10]
                .parse()
                .unwrap();
            let due = tvang::deadline::due_date(received, months).unwrap();
            assert_eq!(c["due"], due.to_string(), "{}", c["complaint"]);
        }
    };
    due_after(&complaints_json(&db), 1);
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[triage]\ncomplaint_target_months = 2\n").unwrap();
    let run = tvang(
        &db,
        &[
            "--config",
            config.to_str().unwrap(),
            "list",
            "--complaints",
            "--format",
            "json",
            "--limit",
            "0",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(listed.len(), 28);
    due_after(&listed, 2);
    // The table's Frist column: an open sample complaint is long overdue; a decided one reads
    // «i tide» or «d for sent».
    let table = tvang(&db, &["list", "--complaints", "--limit", "0"]).stdout;
    assert!(table.lines().next().unwrap().contains("Frist"), "{table}");
    let open = table
        .lines()
        .find(|l| l.contains("ikke avgjort"))
        .expect("an open complaint");
    assert!(open.contains(" d over"), "{open}");
    assert!(table.contains("i tide"), "{table}");

    // --overdue keeps the open complaints past due: in the samples, every open one.
    let today = tvang::time::oslo_date(&tvang::time::now_utc().fixed_offset());
    let run = tvang(
        &db,
        &["list", "--complaints", "--overdue", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let overdue: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let open_ids: Vec<&Value> = listed
        .iter()
        .filter(|c| c["complaint"].get("outcome").is_none())
        .map(|c| &c["complaint"]["complaint_id"])
        .collect();
    assert!(!overdue.is_empty());
    assert_eq!(
        overdue
            .iter()
            .map(|c| &c["complaint"]["complaint_id"])
            .collect::<Vec<_>>(),
        open_ids
    );
    for c in &overdue {
        let due: chrono::NaiveDate = c["due"].as_str().unwrap().parse().unwrap();
        assert!(due < today, "{c}");
    }

    // The statistics' share decided within the target counts to the same due day.
    let share = |extra: &[&str]| {
        let mut args: Vec<&str> = extra.to_vec();
        args.extend(["stats", "--format", "json"]);
        let run = tvang(&db, &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let rows: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
        rows.last().unwrap()["decided_within_target_share"]
            .as_f64()
            .unwrap()
    };
    let decided: Vec<(chrono::NaiveDate, chrono::NaiveDate)> = listed
        .iter()
        .filter(|c| c["complaint"].get("outcome").is_some())
        .filter_map(|c| {
            let day = |k: &str| c["complaint"].get(k)?.as_str()?.get(..10)?.parse().ok();
            Some((day("received_at")?, day("decided_at")?))
        })
        .collect();
    let expected = |months| {
        let within = decided
            .iter()
            .filter(|(r, d)| *d <= tvang::deadline::due_date(*r, months).unwrap())
            .count();
        within as f64 / decided.len() as f64
    };
    assert!(
        expected(1) < expected(2),
        "the samples have complaints decided in the second month"
    );
    assert_eq!(share(&[]), expected(1));
    assert_eq!(share(&["--config", config.to_str().unwrap()]), expected(2));
}

#[test]
fn a_recorded_decision_is_shown_and_travels_through_export_and_import() {
    // Issue 16 §2: the decision's day, who decided and the reasons, in every format.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let run = tvang(&db, &["import", &samples()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed = complaints_json(&db);
    let undecided = listed
        .iter()
        .find(|c| c["complaint"].get("outcome").is_none())
        .unwrap()["complaint"]
        .clone();
    let complaint_id = undecided["complaint_id"].as_str().unwrap().to_string();
    let institution = undecided["institution_id"]
        .as_str()
        .or(undecided["institution"].as_str())
        .unwrap()
        .to_string();
    let store = reopen_store(&db);
    let id = store
        .complaints()
        .map(Result::unwrap)
        .find(|c| c.complaint.complaint_id == complaint_id)
        .unwrap()
        .id;
    let record = RecordRef::complaint(id);
    let reasons = "Holdingen fortsatte etter at faren var over (jf. 15030850189).";
    let day = |d: &str| d.parse::<chrono::NaiveDate>().unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap();
    store
        .apply_changes(
            "kari",
            at,
            &[
                (record, Change::Outcome(Some(Outcome::DelvisMedhold))),
                (record, Change::Status(Some(Status::Avgjort))),
                (record, Change::DecidedOn(Some(day("2026-11-10")))),
                (record, Change::DecidedBy(Some("Kari Nordmann".into()))),
                (record, Change::Reasons(Some(reasons.into()))),
                (
                    record,
                    Change::Check(
                        "bvl-10-7.strengt_nodvendig".into(),
                        Some(Check::new(Assessment::IkkeOppfylt)),
                    ),
                ),
                (
                    record,
                    Change::Check(
                        "bvl-10-7.akutt_fare".into(),
                        Some(Check::new(Assessment::Oppfylt)),
                    ),
                ),
            ],
        )
        .unwrap();
    drop(store);

    // The recorded day, not the day it was typed in, and the rest of the decision.
    let shown = tvang(&db, &["show", &format!("{institution}/{complaint_id}")]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let out = &shown.stdout;
    assert!(
        out.contains("· delvis medhold, avgjort 10.11.2026"),
        "{out}"
    );
    assert!(out.contains("Avgjort av: Kari Nordmann"), "{out}");
    assert!(
        out.contains("Holdingen fortsatte etter at faren var over"),
        "{out}"
    );
    assert!(
        !out.contains("15030850189"),
        "the number in the reasons is masked: {out}"
    );
    assert!(
        out.contains("Vilkår som ikke er oppfylt: Strengt nødvendig\n"),
        "{out}"
    );

    for format in ["jsonl", "csv"] {
        let file = dir.path().join(format!("export.{format}"));
        let run = tvang(
            &db,
            &[
                "export",
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let again = dir.path().join(format!("again-{format}"));
        let run = tvang(&again, &["import", file.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{format}: {}{}", run.stdout, run.stderr);
        let c = complaints_json(&again)
            .into_iter()
            .find(|c| c["complaint"]["complaint_id"] == complaint_id.as_str())
            .unwrap();
        let c = &c["complaint"];
        assert_eq!(c["outcome"], "delvis_medhold", "{format}: {c}");
        assert_eq!(
            &c["decided_at"].as_str().unwrap()[..10],
            "2026-11-10",
            "{format}: {c}"
        );
        assert_eq!(c["decided_by"], "Kari Nordmann", "{format}: {c}");
        let exported = c["decision_reasons"].as_str().unwrap();
        assert!(exported.starts_with("Holdingen fortsatte"), "{format}: {c}");
        assert!(
            !exported.contains("15030850189"),
            "masked unless revealed: {c}"
        );
        // The figures agree: same outcomes, same handling time.
        let stats = |db: &std::path::Path| {
            let run = tvang(db, &["stats", "--format", "json"]);
            let rows: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
            let total = rows.last().unwrap().clone();
            (
                total["delvis_medhold"].clone(),
                total["median_handling_days"].clone(),
                total["decided_within_target_share"].clone(),
            )
        };
        assert_eq!(stats(&again), stats(&db), "{format}");
    }

    // Pseudonymised without text: who decided and why are left out, as the protocol's are.
    let run = tvang(&db, &["export", "--pseudonymise"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("Kari Nordmann"));
    assert!(!run.stdout.contains("Holdingen fortsatte"));
    assert!(run.stdout.contains("\"decided_at\":\"2026-11-10\""));
}
