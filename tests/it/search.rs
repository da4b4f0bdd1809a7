//! `tvang search` as the inspector runs it: the real binary on a store of the bundled samples.

use crate::common;

use common::*;
use serde_json::Value;

fn sample_store() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert_eq!(tvang(&db, &["import", &samples()]).code, 0);
    (dir, db)
}

fn json(db: &std::path::Path, args: &[&str]) -> Value {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = tvang(db, &all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// Each result's matched text pieces, joined per field.
fn highlighted(result: &Value) -> Vec<(String, String)> {
    result["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let text = m["text"].as_str().unwrap();
            let pieces: String = m["highlights"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| &text[h[0].as_u64().unwrap() as usize..h[1].as_u64().unwrap() as usize])
                .collect();
            (m["field"].as_str().unwrap().to_string(), pieces)
        })
        .collect()
}

#[test]
fn results_are_ranked_limited_and_explained() {
    let (_dir, db) = sample_store();
    let all = json(&db, &["solbakken", "--limit", "0"]);
    let results = all["results"].as_array().unwrap();
    assert_eq!(all["total"].as_u64().unwrap() as usize, results.len());
    assert!(results.len() > 10);
    let scores: Vec<u64> = results
        .iter()
        .map(|r| r["score"].as_u64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert_eq!(results[0]["institution"], "Solbakken ungdomshjem");
    assert_eq!(
        highlighted(&results[0]),
        vec![("institution".to_string(), "Solbakken".to_string())]
    );
    // Equal scores: newest first.
    for w in results.windows(2) {
        if w[0]["score"] == w[1]["score"] {
            assert!(w[0]["date"].as_str() >= w[1]["date"].as_str());
        }
    }
    let two = json(&db, &["solbakken", "--limit", "2"]);
    assert_eq!(two["results"].as_array().unwrap().len(), 2);
    assert_eq!(two["total"], all["total"]);
    // The reference opens the record.
    let reference = results[0]["reference"].as_str().unwrap();
    let shown = tvang(&db, &["show", reference]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(shown.stdout.contains("Solbakken ungdomshjem"));
}

#[test]
fn prefixes_and_phrases_narrow_the_search() {
    let (_dir, db) = sample_store();
    let phrase = json(&db, &[r#"text:"lagt i bakken""#, "--limit", "0"]);
    let results = phrase["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let h = highlighted(r);
        assert!(
            h.iter().any(|(_, t)| t.to_lowercase() == "lagt i bakken"),
            "{h:?}"
        );
    }
    let child = json(&db, &["child:B-SOL-0001", "--limit", "0"]);
    assert!(!child["results"].as_array().unwrap().is_empty(), "{child}");
    for r in child["results"].as_array().unwrap() {
        assert_eq!(
            highlighted(r),
            vec![("child_ref".into(), "B-SOL-0001".into())]
        );
    }
    let inst = json(&db, &["inst:solbakken", "--limit", "0"]);
    assert!(!inst["results"].as_array().unwrap().is_empty(), "{inst}");
    for r in inst["results"].as_array().unwrap() {
        assert_eq!(r["institution"], "Solbakken ungdomshjem", "{r}");
    }
    let complaints = json(&db, &["id:K-2023", "--limit", "0"]);
    assert!(
        !complaints["results"].as_array().unwrap().is_empty(),
        "{complaints}"
    );
    assert!(complaints["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["kind"] == "complaint"
            && r["complaint_id"].as_str().unwrap().starts_with("K-2023")));
    // Two terms: both must match.
    let both = json(&db, &["inst:solbakken", "text:lagt", "--limit", "0"]);
    assert!(both["total"].as_u64().unwrap() < inst["total"].as_u64().unwrap());
}

#[test]
fn the_table_marks_matches_and_odd_queries_are_harmless() {
    let (_dir, db) = sample_store();
    let run = tvang(&db, &["search", "sølbakken", "--limit", "3"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("  1. Protokoll "), "{}", run.stdout);
    assert!(
        run.stdout.contains("institusjon: [Solbakken] ungdomshjem"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Viser 3 av "), "{}", run.stdout);
    for odd in [
        "\u{1b}[2J\u{7}",
        "\"",
        "inst:",
        &"x".repeat(5000),
        "§§ -- ::",
    ] {
        let run = tvang(&db, &["search", "--", odd]);
        assert_eq!(run.code, 0, "{odd:?}: {}", run.stderr);
        assert!(
            run.stdout.starts_with("Ingen treff for «"),
            "{}",
            run.stdout
        );
        assert!(
            !run.stdout.contains('\u{1b}'),
            "control characters are not echoed raw"
        );
    }
}

#[test]
fn an_empty_store_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let run = tvang(&dir.path().join("db"), &["search", "solbakken"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("Ingen treff"));
    assert!(run.stderr.contains("tvang import"), "{}", run.stderr);
}

#[test]
fn an_updated_narrative_is_searched_as_updated() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let record = |danger: &str| {
        format!(
            r#"{{"protocol_id":"2025/0001","institution":"Lia senter","measures":[{{"provision":"bvl § 10-7","kind":"fastholding","started_at":"2025-01-02T16:42:00+01:00","ended_at":"2025-01-02T16:59:00+01:00"}}],"danger":"{danger}"}}"#
        )
    };
    let file = write(
        dir.path(),
        "p.jsonl",
        &record("Han kastet en stol mot vinduet."),
    );
    assert_eq!(tvang(&db, &["import", &file]).code, 0);
    assert_eq!(json(&db, &["stol"])["total"], 1);
    let file = write(dir.path(), "p.jsonl", &record("Hun truet med en saks."));
    assert_eq!(tvang(&db, &["import", "--update", &file]).code, 0);
    assert_eq!(json(&db, &["stol"])["total"], 0);
    assert_eq!(json(&db, &["saks"])["total"], 1);
}
