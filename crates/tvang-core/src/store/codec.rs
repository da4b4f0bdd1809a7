//! How values are encoded: JSON, and records as an envelope plus lz4-compressed JSON.

use super::*;

/// Marks a stored record as envelope prefix + lz4-compressed record JSON. Records are stored
/// compressed because JSON repeats its field names in every record: the store is about a tenth
/// smaller for it.
pub(super) const SPLIT_LZ4: u8 = 2;

/// A stored JSON value (record, review, log entry, filter) as JSON, decompressed; `None` for the
/// keys whose values are binary. What a backup writes readably.
pub fn json_value(key: &[u8], value: &[u8]) -> Option<Result<serde_json::Value, String>> {
    matches!(key.first(), Some(b'p' | b'k' | b'h' | b'r' | b'L' | b's')).then(|| decode_json(value))
}

/// Decodes a stored record, compressed or plain.
pub(super) fn decode_json<T: for<'de> Deserialize<'de>>(value: &[u8]) -> Result<T, String> {
    match value.first() {
        Some(&SPLIT_LZ4) => {
            let len = value
                .get(1..5)
                .and_then(decode_u32)
                .ok_or("short record header")? as usize;
            let prefix = value.get(5..5 + len).ok_or("short record header")?;
            let record = lz4_flex::decompress_size_prepended(&value[5 + len..])
                .map_err(|e| e.to_string())?;
            let mut json = Vec::with_capacity(prefix.len() + record.len() + 1);
            json.extend_from_slice(prefix);
            json.extend_from_slice(&record);
            json.push(b'}');
            serde_json::from_slice(&json).map_err(|e| e.to_string())
        }
        _ => serde_json::from_slice(value).map_err(|e| e.to_string()),
    }
}

/// The top-level JSON fields whose values differ between two versions of a record.
pub(super) fn differing_fields<T: Serialize>(old: &T, new: &T) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return vec![];
    };
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

pub(super) fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("records serialise to JSON")
}
