//! Search results as the CLI shows them (the TUI draws its own).

/// The Norwegian label of a field search matched in.
pub fn search_field_label(field: crate::search::Field) -> &'static str {
    use crate::search::Field;
    match field {
        Field::Id => "id",
        Field::Institution => "institusjon",
        Field::InstitutionId => "org.nr.",
        Field::Region => "region",
        Field::ChildRef => "barn",
        Field::Provision => "hjemmel",
        Field::Kind => "tiltak",
        Field::Danger => "situasjon og fare",
        Field::Justification => "begrunnelse",
        Field::InjuryNote => "skade",
        Field::ChildStatement => "barnets syn",
        Field::ComplaintText => "klagen",
        Field::Annotation => "notat",
    }
}

/// `text` with each highlighted byte range between `open` and `close`.
pub fn marked(
    text: &str,
    highlights: &[std::ops::Range<usize>],
    open: &str,
    close: &str,
) -> String {
    let mut out = String::with_capacity(text.len() + highlights.len() * 8);
    let mut at = 0;
    for r in highlights {
        if r.start < at || r.end > text.len() {
            continue;
        }
        out.push_str(&text[at..r.start]);
        out.push_str(open);
        out.push_str(&text[r.clone()]);
        out.push_str(close);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// One search result as the CLI and exports show it.
pub struct SearchHit {
    pub kind: crate::review::RecordKind,
    /// The protocol's id, or the complaint's.
    pub record_id: String,
    /// The protocol a complaint concerns.
    pub protocol_id: Option<String>,
    pub institution: String,
    pub date: Option<chrono::NaiveDate>,
    pub score: u32,
    pub matches: Vec<crate::search::FieldMatch>,
}

/// Search results as a listing: a heading line per record (rank, kind, id, institution, date),
/// then each field matched with the matched characters between `marks`.
pub fn search_table(query: &str, hits: &[SearchHit], total: usize, marks: (&str, &str)) -> String {
    if total == 0 {
        // As typed, but never a control character into the terminal, a number masked like
        // every text shown, and not a page long.
        let shown: String = crate::privacy::mask(query)
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        return format!("Ingen treff for «{}».\n", super::truncate(&shown, 60));
    }
    let mut s = String::new();
    for (i, h) in hits.iter().enumerate() {
        let kind = match h.kind {
            crate::review::RecordKind::Protocol => "Protokoll",
            crate::review::RecordKind::Complaint => "Klage",
        };
        let about = h
            .protocol_id
            .as_ref()
            .map(|p| format!(" (protokoll {p})"))
            .unwrap_or_default();
        let date = h.date.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
        s.push_str(&format!(
            "{:>3}. {kind} {}{about} · {} · {date}\n",
            i + 1,
            h.record_id,
            h.institution
        ));
        for m in &h.matches {
            s.push_str(&format!(
                "     {}: {}\n",
                search_field_label(m.field),
                marked(&m.text, &m.highlights, marks.0, marks.1)
            ));
        }
    }
    s.push_str(&super::shown_of(hits.len(), total, "treff"));
    s
}

/// Search results as JSON: the query, the number of matches, and each shown result with its
/// reference (`tvang show` takes it), score and matched fields (highlights as byte ranges).
pub fn search_json(query: &str, hits: &[SearchHit], total: usize) -> String {
    let results: Vec<serde_json::Value> = hits
        .iter()
        .map(|h| {
            let mut v = serde_json::Map::new();
            v.insert("kind".into(), crate::review::json_name(&h.kind).into());
            v.insert(
                "reference".into(),
                format!("{}/{}", h.institution, h.record_id).into(),
            );
            let id_key = match h.kind {
                crate::review::RecordKind::Protocol => "protocol_id",
                crate::review::RecordKind::Complaint => "complaint_id",
            };
            v.insert(id_key.into(), h.record_id.clone().into());
            if let Some(p) = &h.protocol_id {
                v.insert("protocol_id".into(), p.clone().into());
            }
            v.insert("institution".into(), h.institution.clone().into());
            v.insert("date".into(), h.date.map(|d| d.to_string()).into());
            v.insert("score".into(), h.score.into());
            let matches: Vec<serde_json::Value> = h
                .matches
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "field": m.field.name(),
                        "text": m.text,
                        "highlights": m.highlights.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>(),
                    })
                })
                .collect();
            v.insert("matches".into(), matches.into());
            serde_json::Value::Object(v)
        })
        .collect();
    let doc = serde_json::json!({ "query": query, "total": total, "results": results });
    serde_json::to_string_pretty(&doc).expect("JSON of strings and numbers") + "\n"
}
