//! A document's reading → a record of the import format, and what to check in it.

use super::fields::Reading;
use super::DocumentError;
use serde_json::{Map, Value};

/// The placeholder for a required field a document does not give: the record still lands
/// (the gap is a finding) and `reading_to_check` names the field.
pub const MISSING: &str = "(mangler i dokumentet)";

/// A document read as a record.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The record in the import format (JSON object), for [`crate::import::record::normalise`].
    pub value: Value,
    pub complaint: bool,
    /// Fields to check against the original: required ones that were missing, and every doubt.
    pub to_check: Vec<String>,
    /// The protocol or complaint number was made from the content (the document gave none).
    pub made_id: bool,
}

/// Fields a complaint letter carries; the rest make a protocol.
const COMPLAINT_ONLY: &[&str] = &[
    "complaint_protocol_id",
    "complaint_id",
    "complainant",
    "text",
];

pub fn convert(reading: &Reading) -> Result<Converted, DocumentError> {
    if reading.is_empty() {
        return Err(DocumentError::NoFields);
    }
    let is_measure = |f: &str| super::labels::MEASURE_FIELDS.contains(&f);
    let protocol_like =
        !reading.measures.is_empty() || reading.fields.iter().any(|f| is_measure(&f.field));
    let complaint = !protocol_like
        && (reading
            .fields
            .iter()
            .any(|f| COMPLAINT_ONLY.contains(&f.field.as_str()))
            || reading
                .doubts
                .iter()
                .any(|d| COMPLAINT_ONLY.contains(&d.field.as_str())));
    let mut to_check: Vec<String> = Vec::new();
    let mut check = |field: &str| {
        if !to_check.iter().any(|f| f == field) {
            to_check.push(field.to_string());
        }
    };
    for d in &reading.doubts {
        check(&d.field);
    }
    let mut map = Map::new();
    for f in &reading.fields {
        let key = match f.field.as_str() {
            "complaint_protocol_id" => "protocol_id",
            "sent" => continue,
            other => other,
        };
        if complaint && !is_complaint_field(key) {
            continue;
        }
        map.insert(key.to_string(), Value::String(f.value.clone()));
    }
    if !map.contains_key("received_at") {
        if let Some(sent) = reading.value("sent") {
            map.insert("received_at".into(), Value::String(sent.to_string()));
        }
    }
    let made_id;
    if complaint {
        if !map.contains_key("text") && !reading.body.is_empty() {
            map.insert("text".into(), Value::String(reading.body.clone()));
        }
        if !map.contains_key("protocol_id") {
            // Stored as waiting for its protocol: the inspector links it.
            map.insert("protocol_id".into(), Value::String(MISSING.into()));
            check("complaint_protocol_id");
        }
        if !map.contains_key("institution") && !map.contains_key("institution_id") {
            map.insert("institution".into(), Value::String(MISSING.into()));
            check("institution");
        }
        made_id = !map.contains_key("complaint_id");
        if made_id {
            let id = content_id("klage", &map);
            map.insert("complaint_id".into(), Value::String(id));
        }
    } else {
        if !map.contains_key("institution") {
            map.insert("institution".into(), Value::String(MISSING.into()));
            check("institution");
        }
        if !reading.measures.is_empty() {
            for f in super::labels::MEASURE_FIELDS {
                map.remove(*f);
            }
            let mut measures = Vec::new();
            for m in &reading.measures {
                let mut obj = Map::new();
                for (key, value) in [
                    ("provision", &m.provision),
                    ("kind", &m.kind),
                    ("started_at", &m.started_at),
                    ("ended_at", &m.ended_at),
                ] {
                    if let Some(v) = value {
                        obj.insert(key.into(), Value::String(v.clone()));
                    }
                }
                measures.push(obj);
            }
            for obj in &mut measures {
                require_measure_fields(obj, &map, &mut check)?;
            }
            map.insert(
                "measures".into(),
                Value::Array(measures.into_iter().map(Value::Object).collect()),
            );
        } else {
            let mut single = Map::new();
            for f in super::labels::MEASURE_FIELDS {
                if let Some(v) = map.remove(*f) {
                    single.insert(f.to_string(), v);
                }
            }
            require_measure_fields(&mut single, &map, &mut check)?;
            map.extend(single);
        }
        made_id = !map.contains_key("protocol_id");
        if made_id {
            let id = content_id("dok", &map);
            map.insert("protocol_id".into(), Value::String(id));
        }
    }
    Ok(Converted {
        value: Value::Object(map),
        complaint,
        to_check,
        made_id,
    })
}

fn is_complaint_field(key: &str) -> bool {
    matches!(
        key,
        "protocol_id"
            | "complaint_id"
            | "institution"
            | "institution_id"
            | "received_at"
            | "complainant"
            | "text"
    )
}

/// A measure needs a provision and a start. A missing provision is stored as missing (flagged
/// unknown); a missing start takes the protocol's own date, else the date it was sent, at
/// midnight, and is named for checking. With no date at all the document cannot be placed in
/// time and is refused.
fn require_measure_fields(
    m: &mut Map<String, Value>,
    record: &Map<String, Value>,
    check: &mut impl FnMut(&str),
) -> Result<(), DocumentError> {
    if !m.contains_key("provision") {
        m.insert("provision".into(), Value::String(MISSING.into()));
        check("provision");
    }
    if !m.contains_key("started_at") {
        let date = ["written_at", "received_at"]
            .iter()
            .filter_map(|k| record.get(*k).and_then(Value::as_str))
            .find_map(|d| crate::time::DateOrTime::parse(d).ok())
            .ok_or(DocumentError::Undated)?;
        let day = date.oslo_date().format("%Y-%m-%d 00:00").to_string();
        m.insert("started_at".into(), Value::String(day));
        check("started_at");
    }
    Ok(())
}

/// A stable id from what was read (not from the file's bytes: the same protocol as Word and as
/// PDF must get the same id): `dok-` and 12 hex digits of the SHA-256 of the fields in key
/// order.
fn content_id(prefix: &str, map: &Map<String, Value>) -> String {
    use sha2::Digest;
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    let mut hasher = sha2::Sha256::new();
    for k in keys {
        hasher.update(k.as_bytes());
        hasher.update([0]);
        hasher.update(map[k].to_string().as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    format!("{prefix}-{}", crate::audit::hex(&digest[..6]))
}

/// Removes the field a normaliser problem names (`ended_at`, `measures[2].ended_at`) so that the
/// record can land without it; the canonical name, for `reading_to_check`, or `None` when the
/// field is one the record cannot do without.
pub fn drop_field(value: &mut Value, field: &str) -> Option<String> {
    let map = value.as_object_mut()?;
    if let Some(rest) = field.strip_prefix("measures[") {
        let (index, name) = rest.split_once("].")?;
        let index: usize = index.parse().ok()?;
        let measure = map
            .get_mut("measures")?
            .as_array_mut()?
            .get_mut(index.checked_sub(1)?)?
            .as_object_mut()?;
        let canonical = crate::import::record::canonical_field(name)?;
        if canonical == "started_at" || canonical == "provision" {
            measure.insert(canonical.into(), Value::String(MISSING.into()));
            return (canonical == "provision").then(|| canonical.to_string());
        }
        measure.remove(canonical)?;
        return Some(canonical.to_string());
    }
    let canonical = crate::import::record::canonical_field(field)?;
    if matches!(
        canonical,
        "protocol_id" | "institution" | "complaint_id" | "started_at"
    ) {
        return None;
    }
    if canonical == "provision" {
        map.insert(canonical.into(), Value::String(MISSING.into()));
        return Some(canonical.to_string());
    }
    map.remove(canonical)?;
    Some(canonical.to_string())
}

/// Mends the hjemmel and tiltak of a reading where a word was broken across a narrow table
/// column (LibreOffice breaks a word longer than the column anywhere, and the PDF keeps the two
/// halves as two lines: `barnevernslov` / `en § 10-7`): two neighbouring words are joined when
/// the first is no word of `vocabulary` and the two together are one.
pub fn mend_broken_words(value: &mut Value, vocabulary: &std::collections::HashSet<String>) {
    let Value::Object(map) = value else { return };
    let mend = |v: &mut Value| {
        if let Value::String(s) = v {
            *s = mend_text(s, vocabulary);
        }
    };
    for field in ["provision", "kind"] {
        if let Some(v) = map.get_mut(field) {
            mend(v);
        }
    }
    if let Some(Value::Array(measures)) = map.get_mut("measures") {
        for m in measures.iter_mut().filter_map(Value::as_object_mut) {
            for field in ["provision", "kind"] {
                if let Some(v) = m.get_mut(field) {
                    mend(v);
                }
            }
        }
    }
}

fn mend_text(text: &str, vocabulary: &std::collections::HashSet<String>) -> String {
    let mut words: Vec<String> = text.split(' ').map(str::to_string).collect();
    let mut i = 0;
    while i + 1 < words.len() {
        let (first, next) = (&words[i], &words[i + 1]);
        let broken = !first.is_empty()
            && first.chars().all(|c| c.is_alphabetic() || c == '_')
            && next.chars().next().is_some_and(char::is_lowercase)
            && !vocabulary.contains(&crate::fold::fold(first))
            && vocabulary.contains(&crate::fold::fold(&format!("{first}{next}")));
        if broken {
            let next = words.remove(i + 1);
            words[i].push_str(&next);
        } else {
            i += 1;
        }
    }
    words.join(" ")
}

#[cfg(test)]
mod mend_tests {
    use super::*;

    #[test]
    fn words_broken_across_a_column_are_joined_only_into_catalogue_words() {
        let vocabulary = crate::catalogue::Catalogue::built_in().vocabulary();
        let mend = |s: &str| mend_text(s, &vocabulary);
        assert_eq!(
            mend("barnevernslov en § 10-9 første ledd"),
            "barnevernsloven § 10-9 første ledd"
        );
        assert_eq!(
            mend("inndragning_kommunikasj onsmiddel"),
            "inndragning_kommunikasjonsmiddel"
        );
        // Whole words stay apart, whatever follows them.
        for kept in [
            "bvl § 10-7",
            "barnevernsloven § 10-7 første ledd",
            "Fastholding",
            "holdt fast i armene",
            "rf 2011 § 22",
        ] {
            assert_eq!(mend(kept), kept);
        }
        let mut value = serde_json::json!({
            "provision": "bvl § 10-7",
            "measures": [{"kind": "begrensning_elektronisk_k ommunikasjon", "danger": "en fare"}]
        });
        mend_broken_words(&mut value, &vocabulary);
        assert_eq!(
            value["measures"][0]["kind"],
            "begrensning_elektronisk_kommunikasjon"
        );
        assert_eq!(value["provision"], "bvl § 10-7");
    }
}
