//! Fødselsnummer and D-nummer in free text: detection, masking and redaction.
//!
//! Institutions sometimes paste a child's national identity number into a protocol. tvang keeps
//! what was sent (unless imported with `--redact`), but never shows it unless an inspector asks:
//! every read of a record from the store masks it (`140308 *****`), and the derived data that
//! search and the queue read (facts, narrative chunks, vocabularies) are built from masked text.
//!
//! A number is 11 digits, `DDMMYY` + a 3-digit individual number + 2 check digits, optionally
//! written with one space or dot after the date, and not part of a longer run of digits. Both
//! check digits must hold (weights 3,7,6,1,8,9,4,5,2,1 and 5,4,3,2,7,6,5,4,3,2,1); from 2032 the
//! first check sum may leave a remainder of 0–3 instead of only 0, so tvang accepts those too.
//! The date part must be a calendar day, after taking 40 from a D-nummer's day and 40 or 80 from
//! a synthetic test number's month.

use std::borrow::Cow;
use std::ops::Range;

use crate::model::{Complaint, Protocol};

/// What a number in the text was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    Fodselsnummer,
    /// Day + 40: persons without a fødselsnummer.
    DNummer,
    /// Month + 40 or + 80: synthetic numbers of test registers.
    Synthetic,
}

/// A number found in a text: its byte range (the date part, separator and the five digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: Range<usize>,
    pub kind: NumberKind,
}

/// What stands in the stored text where `tvang import --redact` removed a number.
pub const REDACTED: &str = "[fødselsnummer fjernet]";

/// The mask of the five last digits.
const MASK: &str = "*****";

const WEIGHTS_1: [u32; 10] = [3, 7, 6, 1, 8, 9, 4, 5, 2, 1];
const WEIGHTS_2: [u32; 11] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

/// Completes 9 digits with the two check digits of the classic rule (`None` if one would be
/// 10): for tests and for the generator's synthetic numbers.
pub fn with_check_digits(nine: &str) -> Option<String> {
    if nine.len() != 9 || !nine.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d: Vec<u32> = nine.bytes().map(|b| u32::from(b - b'0')).collect();
    let k = |w: &[u32], d: &[u32]| {
        let r = 11 - w.iter().zip(d).map(|(w, d)| w * d).sum::<u32>() % 11;
        match r {
            11 => Some(0),
            10 => None,
            r => Some(r),
        }
    };
    let k1 = k(&WEIGHTS_1[..9], &d)?;
    let mut d10 = d.clone();
    d10.push(k1);
    let k2 = k(&WEIGHTS_2[..10], &d10)?;
    Some(format!("{nine}{k1}{k2}"))
}

/// A field that should hold one number (`14030812345`, `140308 12345`, `140308.12345`): its 11
/// digits when they are a valid fødselsnummer, D-nummer or synthetic number.
pub fn national_id(text: &str) -> Option<String> {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect();
    let bytes: [u8; 11] = digits.as_bytes().try_into().ok()?;
    if !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    classify(&bytes.map(|b| b - b'0')).map(|_| digits)
}

/// Whether 11 digits (0–9 each) form a valid fødselsnummer, D-nummer or synthetic number.
pub fn classify(digits: &[u8; 11]) -> Option<NumberKind> {
    let sum = |weights: &[u32]| -> u32 {
        weights
            .iter()
            .zip(digits)
            .map(|(w, d)| w * u32::from(*d))
            .sum()
    };
    // The 2032 rule: the first check sum may leave 0, 1, 2 or 3; the second must leave 0.
    if sum(&WEIGHTS_1) % 11 > 3 || sum(&WEIGHTS_2) % 11 != 0 {
        return None;
    }
    let two = |i: usize| u32::from(digits[i]) * 10 + u32::from(digits[i + 1]);
    let (mut day, mut month) = (two(0), two(2));
    let mut kind = NumberKind::Fodselsnummer;
    if day > 40 {
        day -= 40;
        kind = NumberKind::DNummer;
    }
    if month > 80 {
        month -= 80;
        kind = NumberKind::Synthetic;
    } else if month > 40 {
        month -= 40;
        kind = NumberKind::Synthetic;
    }
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        // The century is not always known (from 2032 individual numbers stop telling it), so
        // 29 February passes for any year.
        2 => 29,
        _ => return None,
    };
    (1..=days_in_month).contains(&day).then_some(kind)
}

/// Every valid number in `text`, in order.
pub fn find(text: &str) -> Vec<Found> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A run of digits starts here: try the two written forms.
        let run = digit_run(bytes, i);
        if let Some(found) = number_at(bytes, i, run) {
            i = found.range.end;
            out.push(found);
        } else {
            i += run;
        }
    }
    out
}

fn digit_run(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count()
}

/// The number starting at `start` (the start of a run of `run` digits), if one does.
fn number_at(bytes: &[u8], start: usize, run: usize) -> Option<Found> {
    let mut digits = [0u8; 11];
    let end = if run == 11 {
        start + 11
    } else if run == 6 {
        // `DDMMYY 12345` or `DDMMYY.12345`: one separator, then exactly five digits.
        let sep = *bytes.get(start + 6)?;
        if sep != b' ' && sep != b'.' {
            return None;
        }
        let rest = start + 7;
        if bytes.get(rest).is_none_or(|b| !b.is_ascii_digit()) || digit_run(bytes, rest) != 5 {
            return None;
        }
        rest + 5
    } else {
        return None;
    };
    let mut n = 0;
    for b in &bytes[start..end] {
        if b.is_ascii_digit() {
            digits[n] = b - b'0';
            n += 1;
        }
    }
    let kind = classify(&digits)?;
    Some(Found {
        range: start..end,
        kind,
    })
}

/// Whether a text holds a number, or the trace of one: a masked number (`140308 *****`) or the
/// redaction marker. Masked and redacted texts keep their flag.
pub fn has_number(text: &str) -> bool {
    !find(text).is_empty() || text.contains(REDACTED) || has_masked(text)
}

fn has_masked(text: &str) -> bool {
    text.match_indices(MASK).any(|(at, _)| {
        let before = &text.as_bytes()[..at];
        before.len() >= 7
            && before[before.len() - 1] == b' '
            && before[before.len() - 7..before.len() - 1]
                .iter()
                .all(u8::is_ascii_digit)
    })
}

/// Replaces every number's individual number and check digits: `140308 *****`.
pub fn mask(text: &str) -> Cow<'_, str> {
    replace(text, |digits, out| {
        out.push_str(&digits[..6]);
        out.push(' ');
        out.push_str(MASK);
    })
}

/// Replaces every number, date included, with [`REDACTED`].
pub fn redact(text: &str) -> Cow<'_, str> {
    replace(text, |_, out| out.push_str(REDACTED))
}

fn replace(text: &str, with: impl Fn(&str, &mut String)) -> Cow<'_, str> {
    let found = find(text);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in found {
        out.push_str(&text[at..f.range.start]);
        with(&text[f.range.clone()], &mut out);
        at = f.range.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

fn apply(field: &mut Option<String>, change: fn(&str) -> Cow<'_, str>) -> bool {
    let Some(text) = field else { return false };
    match change(text) {
        Cow::Borrowed(_) => false,
        Cow::Owned(new) => {
            *text = new;
            true
        }
    }
}

/// Every text of a protocol but its identifiers: the child's reference, what the institution
/// wrote in its own words, and the fields that name catalogue values (region, each measure's
/// provision and kind), which are shown as written when the catalogue does not know them; and
/// what a document's reading left to check. Identifiers are refused at import when they hold
/// a number (see [`identifier_with_number`]), since they are keys and cannot be masked.
fn protocol_texts(p: &mut Protocol) -> impl Iterator<Item = &mut String> {
    let singles = [
        &mut p.child_ref,
        &mut p.region,
        &mut p.unit,
        &mut p.placement_basis,
        &mut p.danger,
        &mut p.justification,
        &mut p.execution,
        &mut p.decided_by,
        &mut p.injury_note,
        &mut p.child_statement,
    ]
    .into_iter()
    .flatten();
    let measures = p
        .measures
        .iter_mut()
        .flat_map(|m| std::iter::once(&mut m.provision).chain(m.kind.as_mut()));
    singles
        .chain(measures)
        .chain(p.reading_to_check.iter_mut())
        .chain(p.help_text_left.iter_mut())
}

fn protocol_text_refs(p: &Protocol) -> impl Iterator<Item = &String> {
    let singles = [
        &p.child_ref,
        &p.region,
        &p.unit,
        &p.placement_basis,
        &p.danger,
        &p.justification,
        &p.execution,
        &p.decided_by,
        &p.injury_note,
        &p.child_statement,
    ]
    .into_iter()
    .flatten();
    let measures = p
        .measures
        .iter()
        .flat_map(|m| std::iter::once(&m.provision).chain(m.kind.as_ref()));
    singles
        .chain(measures)
        .chain(p.reading_to_check.iter())
        .chain(p.help_text_left.iter())
}

fn apply_text(text: &mut String, change: fn(&str) -> Cow<'_, str>) -> bool {
    match change(text) {
        Cow::Borrowed(_) => false,
        Cow::Owned(new) => {
            *text = new;
            true
        }
    }
}

/// Masks every number in the protocol's texts. Returns whether any was found.
pub fn mask_protocol(p: &mut Protocol) -> bool {
    change_protocol(p, mask)
}

/// Redacts every number in the protocol's texts. Returns whether any was found.
pub fn redact_protocol(p: &mut Protocol) -> bool {
    change_protocol(p, redact)
}

fn change_protocol(p: &mut Protocol, change: fn(&str) -> Cow<'_, str>) -> bool {
    protocol_texts(p).fold(false, |any, field| apply_text(field, change) | any)
}

fn complaint_texts(c: &mut Complaint) -> [&mut Option<String>; 3] {
    [&mut c.text, &mut c.decided_by, &mut c.decision_reasons]
}

pub fn mask_complaint(c: &mut Complaint) -> bool {
    complaint_texts(c)
        .into_iter()
        .fold(false, |any, field| apply(field, mask) | any)
}

pub fn redact_complaint(c: &mut Complaint) -> bool {
    complaint_texts(c)
        .into_iter()
        .fold(false, |any, field| apply(field, redact) | any)
}

/// Whether any of a protocol's texts holds a number (or its masked or redacted trace).
pub fn protocol_has_number(p: &Protocol) -> bool {
    protocol_text_refs(p).any(|t| has_number(t))
}

pub fn complaint_has_number(c: &Complaint) -> bool {
    [&c.text, &c.decided_by, &c.decision_reasons]
        .into_iter()
        .flatten()
        .any(|t| has_number(t))
}

/// The first identifier field that holds a number: such a record is refused at import, since an
/// identifier is shown and searched as it is and cannot be masked.
pub fn identifier_with_number<'a>(
    fields: impl IntoIterator<Item = (&'static str, Option<&'a str>)>,
) -> Option<&'static str> {
    fields
        .into_iter()
        .find(|(_, v)| v.is_some_and(|v| !find(v).is_empty()))
        .map(|(name, _)| name)
}

/// Keyed pseudonyms for children's references: HMAC-SHA-256 with a key kept in the store, so
/// one child gets one pseudonym in every export from that store, and nobody without the store
/// can compute or reverse them (a plain hash of a reference could be found by trying them all).
#[derive(Clone, PartialEq, Eq)]
pub struct Pseudonymiser {
    key: [u8; 32],
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymiser(..)")
    }
}

impl Pseudonymiser {
    pub fn new(key: [u8; 32]) -> Pseudonymiser {
        Pseudonymiser { key }
    }

    /// `psn-` and 16 hex digits (64 bits) of the HMAC of the reference as stored.
    pub fn of(&self, child_ref: &str) -> String {
        format!("psn-{}", self.mac_hex(&[child_ref.as_bytes()]))
    }

    /// 64 bits of the HMAC-SHA-256 of the parts, in hex.
    fn mac_hex(&self, parts: &[&[u8]]) -> String {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.key)
            .expect("HMAC takes a key of any length");
        for part in parts {
            mac.update(part);
        }
        let digest = mac.finalize().into_bytes();
        crate::audit::hex(&digest[..8])
    }

    /// The child reference made for a child a document names by fødselsnummer, or by name and
    /// birth date ([`crate::model::ChildIdentity::pseudonym_source`]): `barn-` and 64 bits of the
    /// HMAC, so the same child is the same reference in every import into this store, and the
    /// number cannot be read back from it.
    pub fn child(&self, source: &str) -> String {
        format!("barn-{}", self.mac_hex(&[b"barn:", source.as_bytes()]))
    }
}

/// The child's name where a text uses it, as initials: every word of the name (two letters or
/// more), as a whole word spelt as in the name, becomes its initial (`Kari` → `K.`).
pub fn replace_name(text: &str, name: &str) -> String {
    let parts: Vec<String> = name
        .split_whitespace()
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_string)
        .collect();
    if parts.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        // As written, capital first: many Norwegian surnames are also words (`Bakken`, `Berg`),
        // and `lagt i bakken` is not the child. A possessive (`Karis`) is the name too.
        let hit = parts
            .iter()
            .any(|p| word == p || word.strip_suffix('s') == Some(p.as_str()));
        if hit {
            let initial = word.chars().next().map(|c| c.to_uppercase().to_string());
            out.push_str(&initial.unwrap_or_default());
            out.push('.');
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '-' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> [u8; 11] {
        let v: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
        v.try_into().unwrap()
    }

    #[test]
    fn the_document_fields_unit_and_execution_are_scanned_and_masked() {
        let n = with_check_digits("140308123").unwrap();
        let start = crate::time::parse_datetime("2024-01-01 10:00").unwrap();
        let mut p = Protocol::new(
            "1",
            "Lia",
            vec![crate::model::Measure {
                provision: "10-7".into(),
                kind: None,
                started_at: start,
                ended_at: None,
            }],
        );
        p.execution = Some(format!("Holdt av to ansatte, barnet {n}."));
        assert!(protocol_has_number(&p));
        assert!(mask_protocol(&mut p));
        assert_eq!(
            p.execution.as_deref(),
            Some("Holdt av to ansatte, barnet 140308 *****.")
        );
        let mut q = Protocol::new("2", "Lia", p.measures.clone());
        q.unit = Some(format!("Avdeling {n}"));
        assert!(protocol_has_number(&q));
    }

    #[test]
    fn a_number_field_accepts_the_written_forms_and_refuses_bad_check_digits() {
        let n = with_check_digits("140308123").unwrap();
        assert_eq!(national_id(&n).as_deref(), Some(n.as_str()));
        assert_eq!(
            national_id(&format!("{} {}", &n[..6], &n[6..])).as_deref(),
            Some(n.as_str())
        );
        assert_eq!(
            national_id(&format!("{}.{}", &n[..6], &n[6..])).as_deref(),
            Some(n.as_str())
        );
        let mut wrong = n.clone().into_bytes();
        wrong[10] = if wrong[10] == b'9' {
            b'0'
        } else {
            wrong[10] + 1
        };
        assert_eq!(national_id(std::str::from_utf8(&wrong).unwrap()), None);
        assert_eq!(national_id("1403081234"), None);
        assert_eq!(national_id("14030812a45"), None);
    }

    #[test]
    fn valid_fodselsnummer_pass_both_checks() {
        // Check digits computed here by the classic rule...
        for nine in ["140308123", "010190000", "311299499", "290204500"] {
            let n = with_check_digits(nine).unwrap();
            assert_eq!(
                classify(&digits(&n)),
                Some(NumberKind::Fodselsnummer),
                "{n}"
            );
        }
        // ...and one computed elsewhere: a widely used test fødselsnummer.
        assert_eq!(
            classify(&digits("15076500565")),
            Some(NumberKind::Fodselsnummer)
        );
    }

    #[test]
    fn a_wrong_check_digit_fails() {
        let n = with_check_digits("140308123").unwrap();
        for pos in [9, 10] {
            let mut d = digits(&n);
            d[pos] = (d[pos] + 1) % 10;
            assert_eq!(classify(&d), None, "check digit {pos} changed");
        }
        // Swapping two digits of the individual number breaks the check.
        let mut d = digits(&n);
        d.swap(6, 7);
        assert_ne!(d, digits(&n));
        assert_eq!(classify(&d), None);
    }

    #[test]
    fn d_numbers_and_synthetic_numbers() {
        let d = with_check_digits("540308123").unwrap(); // day 14 + 40
        assert_eq!(classify(&digits(&d)), Some(NumberKind::DNummer));
        let s40 = with_check_digits("144308123").unwrap(); // month 03 + 40
        assert_eq!(classify(&digits(&s40)), Some(NumberKind::Synthetic));
        let s80 = with_check_digits("148308123").unwrap(); // month 03 + 80
        assert_eq!(classify(&digits(&s80)), Some(NumberKind::Synthetic));
    }

    #[test]
    fn impossible_dates_fail_even_with_valid_check_digits() {
        // Day 32, month 00, month 13, 31 April, 30 February; each with the first individual
        // number that gives valid check digits, so no date is skipped for want of them.
        for date in ["320308", "140008", "141308", "310408", "300208"] {
            let n = (100..1000)
                .find_map(|individual| with_check_digits(&format!("{date}{individual}")))
                .unwrap_or_else(|| panic!("no valid check digits for {date}"));
            assert_eq!(classify(&digits(&n)), None, "{n}");
        }
    }

    #[test]
    fn the_2032_rule_accepts_first_remainders_up_to_three() {
        let base = "140308123";
        let d: Vec<u32> = base.bytes().map(|b| u32::from(b - b'0')).collect();
        let partial: u32 = WEIGHTS_1[..9].iter().zip(&d).map(|(w, d)| w * d).sum();
        let mut seen = [false; 4];
        for k1 in 0..10u32 {
            let r1 = (partial + k1) % 11;
            let mut d10 = d.clone();
            d10.push(k1);
            let s2: u32 = WEIGHTS_2[..10].iter().zip(&d10).map(|(w, d)| w * d).sum();
            let k2 = (11 - s2 % 11) % 11;
            if k2 == 10 {
                continue;
            }
            let n = format!("{base}{k1}{k2}");
            let expect = (r1 <= 3).then_some(NumberKind::Fodselsnummer);
            assert_eq!(classify(&digits(&n)), expect, "{n}: first remainder {r1}");
            if r1 <= 3 {
                seen[r1 as usize] = true;
            }
        }
        assert!(seen.iter().filter(|s| **s).count() >= 2, "{seen:?}");
    }

    #[test]
    fn random_digits_are_mostly_not_numbers() {
        // A deterministic walk over many 11-digit strings: the checks reject the great majority.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut accepted = 0;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let s = format!("{:011}", x % 100_000_000_000);
            if classify(&digits(&s)).is_some() {
                accepted += 1;
            }
        }
        // Valid dates (~12 %) × second check (1/11) × first check (4/11): about 0.4 %.
        assert!(accepted < 200, "{accepted} of 20000 accepted");
        assert!(accepted > 0);
    }

    #[test]
    fn finds_written_forms_and_respects_digit_boundaries() {
        let n = with_check_digits("140308123").unwrap();
        let spaced = format!("{} {}", &n[..6], &n[6..]);
        let dotted = format!("{}.{}", &n[..6], &n[6..]);
        for text in [
            format!("Barnet ({n}) ble holdt."),
            format!("fnr {spaced}."),
            format!("fnr:{dotted}, se"),
            n.to_string(),
        ] {
            let found = find(&text);
            assert_eq!(found.len(), 1, "{text}");
            assert!(text[found[0].range.clone()].ends_with(&n[6..]));
        }
        for text in [
            format!("1{n}"),
            format!("{n}9"),
            format!("{} {}", &n[..6], &n[6..10]),
            format!("{}  {}", &n[..6], &n[6..]),
            format!("{}-{}", &n[..6], &n[6..]),
            "12345678901".to_string(),
        ] {
            assert!(find(&text).is_empty(), "{text}");
        }
    }

    #[test]
    fn masks_and_redacts() {
        let n = with_check_digits("140308123").unwrap();
        let text = format!("Ble holdt. Fnr {n}, og {} {} igjen.", &n[..6], &n[6..]);
        assert_eq!(
            mask(&text),
            "Ble holdt. Fnr 140308 *****, og 140308 ***** igjen."
        );
        assert_eq!(
            redact(&text),
            format!("Ble holdt. Fnr {REDACTED}, og {REDACTED} igjen.")
        );
        assert!(matches!(mask("ingen tall 123"), Cow::Borrowed(_)));
        assert!(has_number(&text));
        assert!(has_number(&mask(&text)));
        assert!(has_number(&redact(&text)));
        assert!(!has_number("kl. 123456 og *****"));
        assert!(!has_number("ingen"));
    }

    #[test]
    fn masks_every_scanned_protocol_field() {
        let n = with_check_digits("010190000").unwrap();
        let t = |s: &str| Some(format!("{s} {n}"));
        let mut p = Protocol::new("P-1", "Solbakken", vec![]);
        p.child_ref = Some(n.clone());
        p.placement_basis = t("plassert");
        p.danger = t("fare");
        p.justification = t("begrunnelse");
        p.decided_by = t("leder");
        p.injury_note = t("skade");
        p.child_statement = t("barnet");
        assert!(protocol_has_number(&p));
        let mut masked = p.clone();
        assert!(mask_protocol(&mut masked));
        let json = serde_json::to_string(&masked).unwrap();
        assert!(!json.contains(&n[6..]), "{json}");
        assert_eq!(masked.child_ref.as_deref(), Some("010190 *****"));
        assert!(protocol_has_number(&masked));
        assert!(!mask_protocol(&mut masked), "masking twice changes nothing");
        let mut redacted = p.clone();
        assert!(redact_protocol(&mut redacted));
        assert!(!serde_json::to_string(&redacted).unwrap().contains("010190"));
    }

    #[test]
    fn pseudonyms_are_stable_per_key_and_differ_across_keys() {
        let a = Pseudonymiser::new([1; 32]);
        let b = Pseudonymiser::new([2; 32]);
        assert_eq!(a.of("B-SOL-0012"), a.of("B-SOL-0012"));
        assert_ne!(a.of("B-SOL-0012"), a.of("B-SOL-0013"));
        assert_ne!(a.of("B-SOL-0012"), b.of("B-SOL-0012"));
        let p = a.of("B-SOL-0012");
        assert!(p.starts_with("psn-") && p.len() == 20, "{p}");
        assert!(!format!("{a:?}").contains('1'));
    }

    #[test]
    fn identifiers_holding_a_number_are_named() {
        let n = with_check_digits("010190000").unwrap();
        assert_eq!(
            identifier_with_number([("protocol_id", Some("P-1")), ("institution_id", Some(&n))]),
            Some("institution_id")
        );
        assert_eq!(identifier_with_number([("protocol_id", Some("P-1"))]), None);
    }
}
