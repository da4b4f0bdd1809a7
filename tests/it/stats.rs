//! `tvang stats` end to end: known totals from generated data, formats, suppression, filters.

use crate::common;

use common::*;
use serde_json::Value;
use tempfile::tempdir;

fn stats_json(db: &std::path::Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["stats", "--format", "json"];
    all.extend_from_slice(args);
    let run = tvang(db, &all);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// Every complaint in a generated folder, standalone or embedded in its protocol.
fn generated_complaints(dir: &std::path::Path) -> Vec<Value> {
    let mut out = Vec::new();
    for name in ["klager.jsonl", "protokoller.jsonl"] {
        for line in std::fs::read_to_string(dir.join(name)).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            if v.get("complaint_id").is_some() {
                out.push(v);
            } else if let Some(c) = v.get("complaint") {
                out.push(c.clone());
            }
        }
    }
    out
}

#[test]
fn stats_reproduce_the_known_totals_of_generated_data() {
    let dir = tempdir().unwrap();
    let (data, db) = (dir.path().join("data"), dir.path().join("db"));
    let run = tvang(
        &db,
        &[
            "generate",
            "--protocols",
            "900",
            "--seed",
            "77",
            "--years",
            "2022-2024",
            "--out",
            &data.display().to_string(),
        ],
    );
    assert!(run
        .stdout
        .starts_with("Genererte 900 protokoller (2022: 300, 2023: 300, 2024: 300)"));
    assert_eq!(tvang(&db, &["import", &data.display().to_string()]).code, 0);
    let complaints = generated_complaints(&data);
    let outcome = |name: &str| complaints.iter().filter(|c| c["outcome"] == name).count() as u64;

    // Every complaint under its protocol's year (as before issue 17 §1).
    let rows = stats_json(&db, &["--by", "year", "--date", "incident"]);
    let groups: Vec<(&str, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["group"].as_str().unwrap(),
                r["protocols"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        vec![("2022", 300), ("2023", 300), ("2024", 300), ("total", 900)]
    );
    // Each by its own date (the default): the complaints about December 2024 received in
    // January 2025 are 2025's, a year without protocols; the totals are the same.
    let own = stats_json(&db, &["--by", "year"]);
    let year_2025 = own
        .iter()
        .find(|r| r["group"] == "2025")
        .expect("a 2025 row");
    assert_eq!(year_2025["protocols"], 0);
    let received_2025 = complaints
        .iter()
        .filter(|c| {
            c["received_at"]
                .as_str()
                .is_some_and(|d| d.starts_with("2025"))
        })
        .count() as u64;
    assert!(received_2025 > 0);
    assert_eq!(year_2025["complaints"], received_2025);
    let own_total = own.last().unwrap();
    for key in [
        "protocols",
        "complaints",
        "medhold",
        "ikke_medhold",
        "pending",
    ] {
        assert_eq!(own_total[key], rows.last().unwrap()[key], "{key}");
    }
    // The periods add up to the total, complaints and outcomes alike.
    for key in ["complaints", "medhold", "ikke_medhold", "avvist", "pending"] {
        let sum: u64 = own[..own.len() - 1]
            .iter()
            .map(|r| r[key].as_u64().unwrap())
            .sum();
        assert_eq!(Some(sum), own_total[key].as_u64(), "{key}");
    }
    let total = rows.last().unwrap();
    assert_eq!(total["complaints"], complaints.len() as u64);
    assert_eq!(total["medhold"], outcome("medhold"));
    assert_eq!(total["delvis_medhold"], outcome("delvis_medhold"));
    assert_eq!(total["ikke_medhold"], outcome("ikke_medhold"));
    assert_eq!(total["avvist"], outcome("avvist"));
    assert_eq!(
        total["pending"],
        complaints
            .iter()
            .filter(|c| c.get("outcome").is_none())
            .count() as u64
    );
    assert_eq!(total["unlinked_complaints"], 0);
    let sum = |key: &str| {
        rows[..3]
            .iter()
            .map(|r| r[key].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(sum("complaints"), complaints.len() as u64);
    assert_eq!(sum("measures"), total["measures"].as_u64().unwrap());
    let per_100 = total["complaints_per_100_protocols"].as_f64().unwrap();
    assert!((per_100 - 100.0 * complaints.len() as f64 / 900.0).abs() < 1e-9);
    for r in &rows {
        for key in tvang::stats::COLUMNS {
            assert!(r.get(*key).is_some(), "{key} missing in {r}");
        }
    }

    // Grouped by provision, a protocol counts in each provision it touches; the total once.
    let by_provision = stats_json(&db, &["--by", "provision"]);
    let provision_sum: u64 = by_provision[..by_provision.len() - 1]
        .iter()
        .map(|r| r["protocols"].as_u64().unwrap())
        .sum();
    assert!(provision_sum >= 900);
    assert_eq!(by_provision.last().unwrap()["protocols"], 900);
    assert_eq!(
        by_provision[0]["group"], "bvl-10-7",
        "§ 10-7 is the largest group"
    );

    // Filters select the same protocols as `list`.
    let listed: Vec<Value> = serde_json::from_str(
        &tvang(
            &db,
            &[
                "list",
                "--provision",
                "10-7",
                "--region",
                "vestland",
                "--format",
                "json",
            ],
        )
        .stdout,
    )
    .unwrap();
    let filtered = stats_json(&db, &["--provision", "10-7", "--region", "vestland"]);
    assert_eq!(filtered.last().unwrap()["protocols"], listed.len() as u64);
}

#[test]
fn csv_has_the_json_columns_and_suppression_applies_to_every_format() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(tvang(&db, &["import", &samples()]).code, 0);
    let run = tvang(
        &db,
        &[
            "stats",
            "--by",
            "institution",
            "--format",
            "csv",
            "--suppress-below",
            "5",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, tvang::stats::COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let json = stats_json(&db, &["--by", "institution", "--suppress-below", "5"]);
    assert_eq!(rows.len(), json.len());
    let (mut shown, mut suppressed) = (0, 0);
    for (row, j) in rows.iter().zip(&json) {
        for (i, key) in tvang::stats::COLUMNS.iter().enumerate() {
            let expected = match &j[*key] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(&row[i], expected, "{key}");
        }
        for key in [
            "protocols",
            "complaints",
            "medhold",
            "ikke_medhold",
            "children",
        ] {
            match &j[key] {
                Value::Number(n) => {
                    let n = n.as_u64().unwrap();
                    assert!(n == 0 || n >= 5, "{key} = {n} should be suppressed");
                    shown += 1;
                }
                Value::String(s) => {
                    // Small, or hidden so that a small one cannot be worked out.
                    assert!(s == "<5" || s == ":", "{key}: {s}");
                    suppressed += 1;
                }
                other => panic!("{key} = {other}"),
            }
        }
        if j["complaints"] == "<5" {
            assert!(j["complaints_per_100_protocols"].is_null());
        }
    }
    // Both kinds of cell occur, so neither branch above went unchecked.
    assert!(
        shown > 0 && suppressed > 0,
        "{shown} shown, {suppressed} suppressed"
    );
    assert_eq!(rows.last().unwrap()[0].to_string(), "total");
    let table = tvang(
        &db,
        &["stats", "--by", "institution", "--suppress-below", "5"],
    )
    .stdout;
    assert!(
        table.contains("<5") && table.contains("Klagerate"),
        "{table}"
    );

    // Markdown: one table row per JSON object, with the same suppressed cells.
    let md = tvang(
        &db,
        &[
            "stats",
            "--by",
            "institution",
            "--format",
            "md",
            "--suppress-below",
            "5",
            "--from",
            "2020-01-01",
        ],
    );
    assert_eq!(md.code, 0, "{}", md.stderr);
    let md = md.stdout;
    assert!(md.starts_with("# Statistikk over tvangsprotokoller og klager, etter institusjon\n"));
    assert!(
        md.contains("- Utvalg: fra: 01.01.2020 · dato: hver sin\n"),
        "{md}"
    );
    let table_rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(
        table_rows.len(),
        json.len() + 2,
        "header, rule, one per group and total"
    );
    assert!(table_rows[1].starts_with("|---|---:|"));
    assert!(table_rows.last().unwrap().starts_with("| **Totalt** |"));
    let columns = table_rows[0].matches(" | ").count();
    assert!(table_rows
        .iter()
        .skip(2)
        .all(|r| r.matches(" | ").count() == columns));
    assert_eq!(
        md.matches("<5").count() > 0,
        json.iter()
            .any(|j| j.as_object().unwrap().values().any(|v| v == "<5"))
    );
    assert!(md.contains("Tall fra 1 til 4 vises som «<5»"));

    // Regions: named in tables, by code in JSON.
    let table = tvang(&db, &["stats", "--by", "region"]).stdout;
    assert!(table.lines().any(|l| l.starts_with("Vestland ")), "{table}");
    let json = stats_json(&db, &["--by", "region"]);
    assert!(json.iter().any(|r| r["group"] == "vestland"));
}

#[test]
fn unlinked_complaints_and_empty_groups() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let f = write(
        dir.path(),
        "a.jsonl",
        concat!(
            r#"{"protocol_id":"P-1","institution":"Lia","provision":"10-7","started_at":"2023-12-31T23:30:00Z"}"#,
            "\n",
            r#"{"complaint_id":"K-1","protocol_id":"P-404","institution":"Lia","received_at":"2024-01-03"}"#,
            "\n",
        ),
    );
    assert_eq!(tvang(&db, &["import", &f]).code, 0);
    let rows = stats_json(&db, &["--by", "year", "--date", "incident"]);
    assert_eq!(
        rows[0]["group"], "2024",
        "23:30 UTC on 31 December is 2024 in Oslo"
    );
    let total = rows.last().unwrap();
    assert_eq!(total["complaints"], 0);
    assert_eq!(total["unlinked_complaints"], 1);
    // By its own date the complaint is 2024's, though its protocol is not in the store.
    let own = stats_json(&db, &["--by", "year"]);
    assert_eq!(own[0]["group"], "2024");
    assert_eq!(
        (own[0]["protocols"].as_u64(), own[0]["complaints"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(own.last().unwrap()["unlinked_complaints"], 1);
    assert!(
        total["protocols_per_complaint"].is_null(),
        "no complaints: null, not an error"
    );
    assert!(total["upheld_share"].is_null());
    // A filter on another institution leaves the unlinked complaint out as well.
    let other = stats_json(&db, &["--institution", "Solbakken"]);
    assert_eq!(other.last().unwrap()["protocols"], 0);
    assert_eq!(other.last().unwrap()["unlinked_complaints"], 0);
    let run = tvang(&db, &["stats", "--suppress-below", "1"]);
    assert_eq!(run.code, 2);
}

/// The TUI's statistics (from the queue's rows) and `tvang stats` (from the store) are one
/// computation on two inputs: they must agree figure for figure, with and without filters, and
/// both must count an inspector's decision, dated by the day it was made.
#[test]
fn queue_statistics_agree_with_the_store_and_follow_decisions() {
    use tvang::catalogue::Catalogue;
    use tvang::model::Outcome;
    use tvang::query::ProtocolFilter;
    use tvang::queue::{Queue, QueueFilter};
    use tvang::review::{Change, RecordKind};
    use tvang::stats::{from_store, GroupBy};
    use tvang::triage::TriageRules;

    let dir = tempdir().unwrap();
    let (data, db) = (dir.path().join("data"), dir.path().join("db"));
    let gen = [
        "generate",
        "--protocols",
        "700",
        "--seed",
        "31",
        "--years",
        "2023-2024",
        "--out",
    ];
    let mut args = gen.to_vec();
    let out = data.display().to_string();
    args.push(&out);
    assert_eq!(tvang(&db, &args).code, 0);
    assert_eq!(tvang(&db, &["import", &out]).code, 0);
    let store = reopen_store(&db);
    let catalogue = Catalogue::built_in();
    let rules = TriageRules::default();
    let all_groupings = [
        GroupBy::Year,
        GroupBy::Month,
        GroupBy::Institution,
        GroupBy::Region,
        GroupBy::Provision,
        GroupBy::Kind,
        GroupBy::Child,
    ];

    let mut queue = Queue::load(&store, &catalogue, &rules).unwrap();
    // Every grouping, by every date basis, with and without a date range.
    let date = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let ranges = [
        (None, None),
        (Some(date("2023-03-01")), Some(date("2024-02-29"))),
    ];
    for by in all_groupings {
        for basis in tvang::stats::DateBasis::ALL {
            for (from, to) in ranges {
                let store_filter = ProtocolFilter {
                    from,
                    to,
                    ..ProtocolFilter::default()
                };
                let queue_filter = QueueFilter {
                    from,
                    to,
                    ..QueueFilter::default()
                };
                let from_store = from_store(&store, &catalogue, &store_filter, by, basis, 1)
                    .unwrap()
                    .unwrap();
                assert_eq!(
                    queue.stats(&queue_filter, by, basis, &catalogue),
                    from_store,
                    "{by:?} {basis:?} {from:?}–{to:?}"
                );
            }
        }
    }

    // The same filter said both ways.
    let total = |rows: &[tvang::stats::Row]| rows.last().unwrap().clone();
    let any_institution = queue.stats(
        &QueueFilter::default(),
        GroupBy::Institution,
        tvang::stats::DateBasis::Own,
        &catalogue,
    )[0]
    .group
    .clone();
    let store_filter = ProtocolFilter {
        institution: Some(any_institution.clone()),
        from: Some(date("2023-04-01")),
        to: Some(date("2024-03-31")),
        ..ProtocolFilter::default()
    };
    let mut queue_filter = QueueFilter::default();
    queue_filter
        .apply_text("from=2023-04-01 to=2024-03-31")
        .unwrap();
    queue_filter.institution = Some(any_institution);
    let expected = from_store(
        &store,
        &catalogue,
        &store_filter,
        GroupBy::Month,
        tvang::stats::DateBasis::Own,
        1,
    )
    .unwrap()
    .unwrap();
    assert!(total(&expected).protocols > 0);
    assert_eq!(
        queue.stats(
            &queue_filter,
            GroupBy::Month,
            tvang::stats::DateBasis::Own,
            &catalogue
        ),
        expected
    );
    let region_filter = ProtocolFilter {
        region: Some("vestland".into()),
        ..ProtocolFilter::default()
    };
    let mut queue_region = QueueFilter::default();
    queue_region.apply_text("region=vestland").unwrap();
    assert_eq!(
        queue.stats(
            &queue_region,
            GroupBy::Provision,
            tvang::stats::DateBasis::Own,
            &catalogue
        ),
        from_store(
            &store,
            &catalogue,
            &region_filter,
            GroupBy::Provision,
            tvang::stats::DateBasis::Own,
            1
        )
        .unwrap()
        .unwrap()
    );

    // An inspector decides a pending complaint on 2 December 2024 (Oslo).
    let pending = queue
        .rows
        .iter()
        .find(|r| {
            r.record.kind == RecordKind::Complaint
                && r.outcome.is_none()
                && r.protocol.is_some()
                && r.received.is_some()
        })
        .expect("a pending complaint about a stored protocol")
        .clone();
    let before = total(&queue.stats(
        &QueueFilter::default(),
        GroupBy::Year,
        tvang::stats::DateBasis::Own,
        &catalogue,
    ));
    let at = chrono::DateTime::parse_from_rfc3339("2024-12-01T23:30:00Z")
        .unwrap()
        .to_utc();
    let applied = store
        .apply_changes(
            "inspektør",
            at,
            &[(pending.record, Change::Outcome(Some(Outcome::Medhold)))],
        )
        .unwrap();
    for (record, review) in &applied.reviews {
        queue.update_review(*record, review, date("2024-12-02"));
    }
    let after = total(&queue.stats(
        &QueueFilter::default(),
        GroupBy::Year,
        tvang::stats::DateBasis::Own,
        &catalogue,
    ));
    assert_eq!(after.medhold, before.medhold + 1);
    assert_eq!(after.pending, before.pending - 1);
    for by in all_groupings {
        let expected = from_store(
            &store,
            &catalogue,
            &ProtocolFilter::default(),
            by,
            tvang::stats::DateBasis::Own,
            1,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            queue.stats(
                &QueueFilter::default(),
                by,
                tvang::stats::DateBasis::Own,
                &catalogue
            ),
            expected,
            "{by:?}"
        );
        let reloaded = Queue::load(&store, &catalogue, &rules).unwrap();
        assert_eq!(
            reloaded.stats(
                &QueueFilter::default(),
                by,
                tvang::stats::DateBasis::Own,
                &catalogue
            ),
            expected
        );
    }
    let decided =
        tvang::decision::decisions(&store, &store.reviews(RecordKind::Complaint).unwrap()).unwrap();
    assert_eq!(
        decided
            .get(&pending.record.id)
            .map(|r| (r.outcome, r.day, r.dated)),
        Some((Outcome::Medhold, date("2024-12-02"), false)),
        "the decision day is the Oslo day it was set"
    );
    // Complaint statuses in the filter choose which complaints count.
    let mut decided_only = QueueFilter::default();
    decided_only.apply_text("status=avgjort").unwrap();
    let only = total(&queue.stats(
        &decided_only,
        GroupBy::Year,
        tvang::stats::DateBasis::Own,
        &catalogue,
    ));
    assert_eq!(only.protocols, after.protocols);
    assert_eq!(only.pending, 0);
}

const COUNTS: [&str; 11] = [
    "protocols",
    "measures",
    "complaints",
    "medhold",
    "delvis_medhold",
    "ikke_medhold",
    "avvist",
    "opphevet_hjemvist",
    "trukket",
    "pending",
    "children",
];
const OUTCOMES: [&str; 7] = [
    "medhold",
    "delvis_medhold",
    "ikke_medhold",
    "avvist",
    "opphevet_hjemvist",
    "trukket",
    "pending",
];

/// Issue 17 §2: a reader of a published table adds and subtracts its rows and columns. Every
/// sum and difference of up to three of the relations the table obeys (a row's complaints are
/// its outcomes; a column's groups add up to its total) is tried; none may leave a single
/// hidden count, which would then be known.
#[test]
fn no_hidden_count_can_be_worked_out_from_the_published_table() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(tvang(&db, &["import", &samples()]).code, 0);
    let mut hidden_seen = 0;
    for by in ["year", "month", "institution", "region"] {
        let truth = stats_json(&db, &["--by", by]);
        for n in ["5", "10"] {
            let published = stats_json(&db, &["--by", by, "--suppress-below", n]);
            let below: u64 = n.parse().unwrap();
            let value = |r: usize, c: &str| truth[r][c].as_u64().unwrap();
            let hidden = |r: usize, c: &str| published[r][c].is_string();
            // Every small count is hidden, and only counts are (a shown count is the truth).
            for (r, row) in published.iter().enumerate() {
                for c in COUNTS {
                    let v = value(r, c);
                    if v > 0 && v < below {
                        assert!(hidden(r, c), "--by {by} -s {n}: {c} = {v} in row {r} shows");
                    }
                    if !hidden(r, c) {
                        assert_eq!(row[c].as_u64(), Some(v));
                    } else {
                        hidden_seen += 1;
                    }
                }
            }
            // The relations, as the hidden cells they hold with their coefficients.
            let total = truth.len() - 1;
            let mut relations: Vec<Vec<((usize, &str), i64)>> = Vec::new();
            for r in 0..truth.len() {
                let parts: u64 = OUTCOMES.iter().map(|c| value(r, c)).sum();
                if parts == value(r, "complaints") {
                    let mut rel = vec![((r, "complaints"), 1)];
                    rel.extend(OUTCOMES.iter().map(|c| ((r, *c), -1)));
                    relations.push(rel);
                }
            }
            for c in COUNTS {
                if (0..total).map(|r| value(r, c)).sum::<u64>() == value(total, c) {
                    let mut rel = vec![((total, c), 1)];
                    rel.extend((0..total).map(|r| ((r, c), -1)));
                    relations.push(rel);
                }
            }
            let unknown: Vec<Vec<((usize, &str), i64)>> = relations
                .iter()
                .map(|rel| {
                    rel.iter()
                        .filter(|((r, c), _)| hidden(*r, c))
                        .copied()
                        .collect()
                })
                .collect();
            let lone = |combo: &[(usize, i64)]| -> Option<(usize, String)> {
                let mut sum: std::collections::BTreeMap<(usize, &str), i64> = Default::default();
                for (i, sign) in combo {
                    for (cell, k) in &unknown[*i] {
                        *sum.entry(*cell).or_default() += sign * k;
                    }
                }
                let left: Vec<_> = sum.into_iter().filter(|(_, k)| *k != 0).collect();
                match left.as_slice() {
                    [((r, c), _)] => Some((*r, c.to_string())),
                    _ => None,
                }
            };
            let m = unknown.len();
            for a in 0..m {
                let check = |combo: &[(usize, i64)]| {
                    if let Some((r, c)) = lone(combo) {
                        panic!(
                            "--by {by} --suppress-below {n}: {c} of {} is {} by {combo:?}",
                            truth[r]["group"],
                            value(r, &c)
                        );
                    }
                };
                check(&[(a, 1)]);
                for b in a + 1..m {
                    for sb in [1, -1] {
                        check(&[(a, 1), (b, sb)]);
                        for c in b + 1..m {
                            for sc in [1, -1] {
                                check(&[(a, 1), (b, sb), (c, sc)]);
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(hidden_seen > 50, "the samples have small cells to hide");
}
