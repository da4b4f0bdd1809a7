//! Key encodings: prefixes, big-endian ids, zero-terminated text parts, dates.

use super::*;

pub(super) fn id_key(prefix: u8, id: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(9);
    k.push(prefix);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

pub(super) fn kind_byte(kind: RecordKind) -> u8 {
    match kind {
        RecordKind::Protocol => b'p',
        RecordKind::Complaint => b'k',
    }
}

/// prefix, kind, id: the review (`r`) and the audit trail prefix (`a`) of a record.
pub(super) fn record_key(prefix: u8, record: RecordRef) -> Vec<u8> {
    let mut k = vec![prefix, kind_byte(record.kind)];
    k.extend_from_slice(&record.id.to_be_bytes());
    k
}

pub(super) fn review_key(record: RecordRef) -> Vec<u8> {
    record_key(b'r', record)
}

pub(super) fn text_key(prefix: &[u8], parts: &[&str]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    for part in parts {
        k.extend_from_slice(part.as_bytes());
        k.push(0);
    }
    k
}

/// `D` + the 32 bytes of a SHA-256 given in hex.
pub(super) fn document_key(sha256_hex: &str) -> Option<Vec<u8>> {
    let hex = sha256_hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut key = Vec::with_capacity(33);
    key.push(b'D');
    for pair in hex.chunks(2) {
        let digit = |c: u8| (c as char).to_digit(16);
        key.push((digit(pair[0])? * 16 + digit(pair[1])?) as u8);
    }
    Some(key)
}

pub(super) fn document_index_key(d: &SourceDocument) -> Vec<u8> {
    let mut key = text_key(
        b"xo",
        &[if d.complaint { "k" } else { "p" }, &d.institution, &d.id],
    );
    key.extend_from_slice(d.sha256.as_bytes());
    key
}

pub(super) fn identity_key(prefix: u8, key: &RecordKey) -> Vec<u8> {
    text_key(&[prefix], &[&key.institution, &key.id])
}

pub(super) fn id_suffixed(mut key: Vec<u8>, id: u64) -> Vec<u8> {
    key.extend_from_slice(&id.to_be_bytes());
    key
}

/// Days since 1 January of year 1 (CE): order-preserving for every date tvang meets.
pub(super) fn day_number(d: NaiveDate) -> u32 {
    d.num_days_from_ce().max(0) as u32
}

pub(super) fn date_prefix(day: u32) -> Vec<u8> {
    let mut k = b"xd".to_vec();
    k.extend_from_slice(&day.to_be_bytes());
    k.push(0);
    k
}

pub(super) fn trailing_id(key: &[u8]) -> Option<u64> {
    let tail = key.get(key.len().checked_sub(8)?..)?;
    decode_u64(tail)
}

pub(super) fn decode_u64(v: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(v.try_into().ok()?))
}

pub(super) fn decode_u32(v: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(v.try_into().ok()?))
}

/// A key for an error message: the prefix and text, ids as numbers.
pub(super) fn printable_key(key: &[u8]) -> String {
    String::from_utf8_lossy(key)
        .chars()
        .map(|c| if c.is_control() { '/' } else { c })
        .collect()
}
