use super::*;

fn day(s: &str) -> Option<NaiveDate> {
    Some(s.parse().unwrap())
}

fn protocol(
    id: u64,
    date: &str,
    institution: &str,
    child: &str,
    provision: &str,
    danger: &str,
) -> Document<'static> {
    Document {
        record: RecordRef::protocol(id),
        date: day(date),
        values: vec![
            (Field::Id, format!("2024/{id:04}").into()),
            (Field::Institution, institution.to_string().into()),
            (Field::ChildRef, child.to_string().into()),
            (Field::Provision, provision.to_string().into()),
        ],
        texts: vec![(Field::Danger, danger.to_string().into())],
    }
}

/// A small set with look-alike names: exact, folded, prefix and misspelt forms of each other.
fn fixture() -> SearchIndex {
    let long = "Situasjonen startet i fellesrommet under middagen. ".repeat(4)
        + "Ungdommen ble lagt i bakken av to ansatte til han roet seg.";
    SearchIndex::build(vec![
        protocol(
            1,
            "2024-03-01",
            "Solbakken ungdomshjem",
            "B-10",
            "bvl § 10-7",
            &long,
        ),
        protocol(
            2,
            "2024-03-05",
            "Sølbakken omsorgssenter",
            "B-101",
            "bvl § 10-9",
            "Han låste døren til rommet og ville ikke komme ut.",
        ),
        protocol(
            3,
            "2024-02-01",
            "Bråten barnevernsinstitusjon",
            "B-01",
            "bvl § 10-10",
            "Hun ble holdt fast i armene da hun slo en ansatt.",
        ),
        protocol(
            4,
            "2024-01-10",
            "Fjordglimt barnevernsinstitusjon",
            "F-7",
            "bvl § 10-7",
            "Gutten nevnte Solbakken, der han bodde før.",
        ),
        Document {
            record: RecordRef::complaint(5),
            date: day("2024-03-10"),
            values: vec![
                (Field::Id, "K-2024-0001".into()),
                (
                    Field::Institution,
                    "Fjordglimt barnevernsinstitusjon".into(),
                ),
            ],
            texts: vec![(
                Field::ComplaintText,
                "Jeg ble låst inne på rommet i to timer.".into(),
            )],
        },
    ])
}

fn ids(index: &SearchIndex, q: &str) -> Vec<u64> {
    index
        .search(&Query::parse(q))
        .iter()
        .map(|r| r.record.id)
        .collect()
}

#[test]
fn exact_outranks_folded_outranks_prefix_outranks_fuzzy() {
    let index = fixture();
    // Solbakken (exact), Sølbakken (equal once folded), then Fjordglimt, whose narrative
    // mentions Solbakken (free text ranks below a name in the same tier).
    assert_eq!(ids(&index, "solbakken"), vec![1, 2, 4]);
    assert_eq!(ids(&index, "Sølbakken"), vec![2, 1, 4]);
    let r = index.search(&Query::parse("solbakken"));
    assert!(r[0].score >= EXACT + UNFOLDED && r[1].score >= EXACT && r[1].score < r[0].score);
    // Prefix: both names, the unfolded one first.
    assert_eq!(ids(&index, "solbakk")[..2], [1, 2]);
    let prefix = index.search(&Query::parse("solbakk"))[0].score;
    assert!((PREFIX..PART + EXACT).contains(&prefix) && prefix < EXACT);
}

#[test]
fn typical_misspellings_find_the_right_record_first() {
    let index = fixture();
    for (typed, expected) in [
        ("solbaken", 1),    // a letter missing
        ("slobakken", 1),   // two letters swapped
        ("sollbakken", 1),  // a letter too many
        ("fjordglimpt", 5), // a letter too many, longer word: the newer of two
        ("braaten", 3),     // å typed as aa
        ("braten", 3),      // å typed as a
        ("barnevern", 5),   // prefix of a word in two names: the newest first
        ("soelbakken", 2),  // ø typed as oe: Sølbakken folds the same way
    ] {
        let found = ids(&index, typed);
        assert_eq!(found.first(), Some(&expected), "{typed}: {found:?}");
    }
    assert_eq!(ids(&index, "barnevern"), vec![5, 3, 4]);
    assert_eq!(ids(&index, "fjordglimpt"), vec![5, 4]);
}

#[test]
fn prefixes_narrow_the_fields() {
    let index = fixture();
    assert_eq!(ids(&index, "child:B-10"), vec![1, 2]);
    assert_eq!(ids(&index, "child:b-01"), vec![3]);
    // The narrative's mention of Solbakken is not an institution.
    assert_eq!(ids(&index, "inst:solbakken"), vec![1, 2]);
    assert_eq!(ids(&index, "text:solbakken"), vec![4]);
    assert_eq!(ids(&index, "hjemmel:10-7"), vec![1, 4]);
    assert_eq!(ids(&index, "id:K-2024"), vec![5]);
    // Identifiers are never fuzzy: B-10 does not find B-01.
    assert!(!ids(&index, "child:B-10").contains(&3));
}

#[test]
fn phrases_match_exactly_and_terms_and_together() {
    let index = fixture();
    assert_eq!(ids(&index, r#"text:"lagt i bakken""#), vec![1]);
    assert_eq!(ids(&index, r#""LAGT I BAKKEN""#), vec![1]);
    assert_eq!(ids(&index, r#""lagt i bakke""#), vec![1]);
    assert!(ids(&index, r#""lagt bakken""#).is_empty());
    // Exact: no folding inside quotes.
    assert!(ids(&index, r#""laste doren""#).is_empty());
    assert_eq!(ids(&index, r#""låste døren""#), vec![2]);
    // Two terms: both must match.
    assert_eq!(ids(&index, "solbakken låste"), vec![2]);
    assert_eq!(ids(&index, "fjordglimt rommet"), vec![5]);
    assert!(ids(&index, "solbakken armene").is_empty());
}

#[test]
fn odd_queries_find_nothing_and_do_not_panic() {
    let index = fixture();
    assert!(ids(&index, "").is_empty());
    assert!(ids(&index, "   ").is_empty());
    assert!(ids(&index, &"solbakken".repeat(40)).is_empty());
    assert!(ids(&index, &format!("\"{}\"", "ungdommen ".repeat(50))).is_empty());
    for q in [
        "\u{0}\u{7}\u{1b}[31m",
        "\"",
        "inst:",
        ":",
        "§§§ ---",
        "\u{202e}ø",
    ] {
        assert!(ids(&index, q).is_empty(), "{q:?}");
        let found = index.search(&Query::parse("solbakken"));
        assert!(!found.is_empty());
        for r in found {
            assert!(
                index.explain(r.record, &Query::parse(q)).is_empty(),
                "{q:?}"
            );
        }
    }
    assert!(SearchIndex::build(Vec::new())
        .search(&Query::parse("x"))
        .is_empty());
}

#[test]
fn explain_names_the_field_and_highlights_the_matched_characters() {
    let index = fixture();
    let q = Query::parse("solbakken");
    let m = index.explain(RecordRef::protocol(2), &q);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].field, Field::Institution);
    assert_eq!(&m[0].text[m[0].highlights[0].clone()], "Sølbakken");

    let q = Query::parse(r#"text:"lagt i bakken" solbakk"#);
    let m = index.explain(RecordRef::protocol(1), &q);
    assert_eq!(m[0].field, Field::Danger);
    assert!(m[0].text.starts_with('…'), "{}", m[0].text);
    assert_eq!(&m[0].text[m[0].highlights[0].clone()], "lagt i bakken");
    assert_eq!(m[1].field, Field::Institution);
    assert_eq!(&m[1].text[m[1].highlights[0].clone()], "Solbakk");

    // Folded prefix: the highlight covers the original letters.
    let m = index.explain(RecordRef::protocol(3), &Query::parse("braat"));
    assert_eq!(&m[0].text[m[0].highlights[0].clone()], "Bråt");
    // Fuzzy: the matched letters of the word.
    let m = index.explain(RecordRef::protocol(1), &Query::parse("solbaken"));
    let lit: String = m[0]
        .highlights
        .iter()
        .map(|r| &m[0].text[r.clone()])
        .collect();
    assert_eq!(lit, "Solbakken");
}

#[test]
fn annotations_are_searchable_as_they_change() {
    let mut index = fixture();
    assert!(ids(&index, "tilsynsbesøk").is_empty());
    index.set_annotations(
        RecordRef::protocol(3),
        vec!["Tas opp ved tilsynsbesøket i mars.".into()],
    );
    assert_eq!(ids(&index, "tilsynsbesøk"), vec![3]);
    assert_eq!(ids(&index, "text:tilsynsbesok"), vec![3]);
    assert!(ids(&index, "inst:tilsynsbesøk").is_empty());
    let m = index.explain(RecordRef::protocol(3), &Query::parse("tilsynsbesøk"));
    assert_eq!(m[0].field, Field::Annotation);
    index.set_annotations(RecordRef::protocol(3), Vec::new());
    assert!(ids(&index, "tilsynsbesøk").is_empty());
}

#[test]
fn typo_distance_counts_typing_errors() {
    assert_eq!(typo_distance("solbakken", "solbakken", 2), Some(0));
    assert_eq!(typo_distance("slobakken", "solbakken", 2), Some(1));
    assert_eq!(typo_distance("solbaken", "solbakken", 1), Some(1));
    assert_eq!(typo_distance("sxlbxkken", "solbakken", 1), None);
    assert_eq!(typo_distance("a", "abcd", 2), None);
}

#[test]
fn shown_text_has_no_control_characters_and_highlights_stay_in_place() {
    let index = SearchIndex::build(vec![protocol(
        9,
        "2024-05-01",
        "Lia\u{1b}[31m senter",
        "C-1",
        "bvl § 10-7",
        "Første linje.\nAndre\u{85}linje med kniv.\u{7}",
    )]);
    for q in ["kniv", "lia"] {
        let m = index.explain(RecordRef::protocol(9), &Query::parse(q));
        assert!(!m[0].text.chars().any(char::is_control), "{:?}", m[0].text);
        let lit = &m[0].text[m[0].highlights[0].clone()];
        assert_eq!(lit.to_lowercase(), q);
    }
}

#[test]
fn phrase_containment_ignores_case_with_and_without_norwegian_letters() {
    assert!(contains_lower(
        "Ungdommen ble LAGT I BAKKEN.",
        "lagt i bakken"
    ));
    assert!(!contains_lower("lagt  i bakken", "lagt i bakken"));
    assert!(contains_lower("Han LÅSTE døren", "låste døren"));
    assert!(!contains_lower("Han laste doren", "låste døren"));
    assert!(!contains_lower("kort", "lengre enn teksten"));
    assert!(contains_lower("æøå", ""));
}
