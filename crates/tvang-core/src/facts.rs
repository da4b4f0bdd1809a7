//! A protocol's facts: everything but its narrative, in a compact binary form.
//!
//! Loading every protocol is what statistics, the triage queue and filters do; decoding 100,000
//! full JSON records takes over a second, their facts a small fraction of that. The store keeps
//! the facts of every protocol beside the record, written in the same atomic batch.
//!
//! The long texts (danger, justification, injury note, child's statement) are kept only as
//! "present or not": a protocol rebuilt from its facts (a *skeleton*) has an empty string where
//! the record has text, so everything that asks whether a field is there (quality flags, filters)
//! gives the same answer on the skeleton as on the record.
//!
//! The encoding is postcard (field order is the format): add fields only at the end, and bump the
//! store's schema version when the meaning of a field changes.

use crate::model::{Injury, Measure, Police, Protocol};
use crate::time::DateOrTime;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Instant {
    unix: i64,
    offset_seconds: i32,
}

impl Instant {
    fn of(t: &DateTime<FixedOffset>) -> Instant {
        Instant {
            unix: t.timestamp(),
            offset_seconds: t.offset().local_minus_utc(),
        }
    }

    fn time(&self) -> Option<DateTime<FixedOffset>> {
        let offset = FixedOffset::east_opt(self.offset_seconds)?;
        Some(DateTime::from_timestamp(self.unix, 0)?.with_timezone(&offset))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum When {
    /// Days from 1 January of year 1 (CE).
    Date(i32),
    Time(Instant),
}

impl When {
    fn of(w: &DateOrTime) -> When {
        match w {
            DateOrTime::Date(d) => When::Date(chrono::Datelike::num_days_from_ce(d)),
            DateOrTime::Time(t) => When::Time(Instant::of(t)),
        }
    }

    fn value(&self) -> Option<DateOrTime> {
        match self {
            When::Date(days) => NaiveDate::from_num_days_from_ce_opt(*days).map(DateOrTime::Date),
            When::Time(i) => i.time().map(DateOrTime::Time),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FactMeasure {
    provision: String,
    kind: Option<String>,
    start: Instant,
    end: Option<Instant>,
}

const DANGER: u8 = 1;
const JUSTIFICATION: u8 = 2;
const INJURY_NOTE: u8 = 4;
const CHILD_STATEMENT: u8 = 8;
/// In [`Facts::texts`] and [`Facts::numbers`]: gjennomføring.
const EXECUTION: u8 = 32;
/// In [`Facts::numbers`]: the child's reference, placement basis or decided-by holds a number.
const SHORT_TEXT: u8 = 16;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Facts {
    protocol_id: String,
    institution: String,
    institution_id: Option<String>,
    region: Option<String>,
    child_ref: Option<String>,
    child_birth_year: Option<i32>,
    placement_basis: Option<String>,
    measures: Vec<FactMeasure>,
    decided_by: Option<String>,
    staff_involved: Option<u32>,
    police: Option<Police>,
    injury: Option<Injury>,
    informed_of_complaint_right: Option<bool>,
    wants_to_complain: Option<bool>,
    written_at: Option<When>,
    received_at: Option<When>,
    /// Which long texts are present (bits above).
    texts: u8,
    /// SimHash of the narrative (danger and justification), to find near-identical protocols.
    narrative: Option<u64>,
    /// Which texts hold a fødselsnummer or D-nummer ([`crate::privacy`]): the long texts' bits
    /// above, and [`SHORT_TEXT`].
    numbers: u8,
    unit: Option<String>,
    reading_to_check: Vec<String>,
    help_text_left: Vec<String>,
}

/// The same layout as [`Facts`], borrowing its text from the encoded bytes: decoding one
/// allocates only its list of measures. Field order is the format: keep the two in step
/// (a test checks they agree).
#[derive(Debug, Deserialize)]
struct FactsRef<'a> {
    protocol_id: &'a str,
    institution: &'a str,
    #[serde(borrow)]
    institution_id: Option<&'a str>,
    #[serde(borrow)]
    region: Option<&'a str>,
    #[serde(borrow)]
    child_ref: Option<&'a str>,
    _child_birth_year: Option<i32>,
    #[serde(borrow)]
    placement_basis: Option<&'a str>,
    #[serde(borrow)]
    measures: Vec<FactMeasureRef<'a>>,
    #[serde(borrow)]
    _decided_by: Option<&'a str>,
    _staff_involved: Option<u32>,
    police: Option<Police>,
    injury: Option<Injury>,
    informed_of_complaint_right: Option<bool>,
    wants_to_complain: Option<bool>,
    written_at: Option<When>,
    received_at: Option<When>,
    texts: u8,
    narrative: Option<u64>,
    numbers: u8,
    #[serde(borrow)]
    _unit: Option<&'a str>,
    #[serde(borrow)]
    reading_to_check: Vec<&'a str>,
    #[serde(borrow)]
    help_text_left: Vec<&'a str>,
}

#[derive(Debug, Deserialize)]
struct FactMeasureRef<'a> {
    provision: &'a str,
    #[serde(borrow)]
    kind: Option<&'a str>,
    start: Instant,
    end: Option<Instant>,
}

/// A measure as a [`View`] holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureView<'a> {
    pub provision: &'a str,
    pub kind: Option<&'a str>,
    pub started_at: DateTime<FixedOffset>,
    pub ended_at: Option<DateTime<FixedOffset>>,
}

/// What the triage queue reads of a protocol, borrowed from its encoded facts.
#[derive(Debug, Clone, PartialEq)]
pub struct View<'a> {
    pub protocol_id: &'a str,
    pub institution: &'a str,
    pub institution_id: Option<&'a str>,
    pub region: Option<&'a str>,
    pub child_ref: Option<&'a str>,
    pub measures: Vec<MeasureView<'a>>,
    pub police: Option<Police>,
    pub injury: Option<Injury>,
    pub informed_of_complaint_right: Option<bool>,
    pub wants_to_complain: Option<bool>,
    pub placement_basis: Option<&'a str>,
    pub written_at: Option<DateOrTime>,
    pub received_at: Option<DateOrTime>,
    pub has_child_statement: bool,
    pub has_justification: bool,
    pub narrative: Option<u64>,
    pub has_identity_number: bool,
    /// Read from a document with fields to check, or help text left in.
    pub has_reading_to_check: bool,
    pub has_help_text_left: bool,
}

/// A measure's start and end as times; `None` when one is out of range (not facts).
fn span(
    start: &Instant,
    end: &Option<Instant>,
) -> Option<(DateTime<FixedOffset>, Option<DateTime<FixedOffset>>)> {
    let end = match end {
        Some(e) => Some(e.time()?),
        None => None,
    };
    Some((start.time()?, end))
}

/// An optional date or time; the outer `None` when it is out of range (not facts).
fn when(w: &Option<When>) -> Option<Option<DateOrTime>> {
    w.as_ref().map_or(Some(None), |w| w.value().map(Some))
}

/// A view of encoded facts; `None` when the bytes are not facts.
pub fn decode_view(bytes: &[u8]) -> Option<View<'_>> {
    let f: FactsRef = postcard::from_bytes(bytes).ok()?;
    let mut measures = Vec::with_capacity(f.measures.len());
    for m in f.measures {
        let (started_at, ended_at) = span(&m.start, &m.end)?;
        measures.push(MeasureView {
            provision: m.provision,
            kind: m.kind,
            started_at,
            ended_at,
        });
    }
    if measures.is_empty() {
        return None;
    }
    Some(View {
        protocol_id: f.protocol_id,
        institution: f.institution,
        institution_id: f.institution_id,
        region: f.region,
        child_ref: f.child_ref,
        measures,
        police: f.police,
        injury: f.injury,
        informed_of_complaint_right: f.informed_of_complaint_right,
        wants_to_complain: f.wants_to_complain,
        placement_basis: f.placement_basis,
        written_at: when(&f.written_at)?,
        received_at: when(&f.received_at)?,
        has_child_statement: f.texts & CHILD_STATEMENT != 0,
        has_justification: f.texts & JUSTIFICATION != 0,
        narrative: f.narrative,
        has_identity_number: f.numbers != 0,
        has_reading_to_check: !f.reading_to_check.is_empty(),
        has_help_text_left: !f.help_text_left.is_empty(),
    })
}

/// What triage and the queue read of a protocol: a full [`Protocol`] or a [`View`] of its facts
/// answer alike.
pub trait ProtocolFacts {
    fn protocol_id(&self) -> &str;
    fn institution(&self) -> &str;
    fn institution_id(&self) -> Option<&str>;
    fn region(&self) -> Option<&str>;
    fn child_ref(&self) -> Option<&str>;
    /// Each measure's cited provision, kind, start and end.
    fn measure_views(&self) -> impl Iterator<Item = MeasureView<'_>>;
    fn police(&self) -> Option<Police>;
    fn injury(&self) -> Option<Injury>;
    fn informed_of_complaint_right(&self) -> Option<bool>;
    /// The protocol says the child wanted to complain.
    fn wants_to_complain(&self) -> Option<bool>;
    /// Plasseringsgrunnlag, as written (`bvl § 6-2`, `frivillig plassering`).
    fn placement_basis(&self) -> Option<&str>;
    fn written_at(&self) -> Option<&DateOrTime>;
    fn received_at(&self) -> Option<&DateOrTime>;
    fn has_child_statement(&self) -> bool;
    fn has_justification(&self) -> bool;
    /// A text holds a fødselsnummer or D-nummer, or its masked or redacted trace.
    fn has_identity_number(&self) -> bool;
    /// Read from a document, with fields the inspector should check against it.
    fn has_reading_to_check(&self) -> bool;
    /// Read from a document that still had the template's help text in some field.
    fn has_help_text_left(&self) -> bool;

    /// The start of the first measure.
    fn incident_at(&self) -> DateTime<FixedOffset> {
        self.measure_views()
            .map(|m| m.started_at)
            .min()
            .expect("a protocol has at least one measure (enforced at import)")
    }

    /// The latest end of any measure, if every measure has one.
    fn incident_end(&self) -> Option<DateTime<FixedOffset>> {
        let mut end = None;
        for m in self.measure_views() {
            end = end.max(Some(m.ended_at?));
        }
        end
    }

    /// The Oslo calendar day of the incident.
    fn incident_date(&self) -> NaiveDate {
        crate::time::oslo_date(&self.incident_at())
    }
}

impl ProtocolFacts for Protocol {
    fn protocol_id(&self) -> &str {
        &self.protocol_id
    }
    fn institution(&self) -> &str {
        &self.institution
    }
    fn institution_id(&self) -> Option<&str> {
        self.institution_id.as_deref()
    }
    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
    fn child_ref(&self) -> Option<&str> {
        self.child_ref.as_deref()
    }
    fn measure_views(&self) -> impl Iterator<Item = MeasureView<'_>> {
        self.measures.iter().map(|m| MeasureView {
            provision: &m.provision,
            kind: m.kind.as_deref(),
            started_at: m.started_at,
            ended_at: m.ended_at,
        })
    }
    fn police(&self) -> Option<Police> {
        self.police
    }
    fn injury(&self) -> Option<Injury> {
        self.injury
    }
    fn informed_of_complaint_right(&self) -> Option<bool> {
        self.informed_of_complaint_right
    }
    fn wants_to_complain(&self) -> Option<bool> {
        self.wants_to_complain
    }
    fn placement_basis(&self) -> Option<&str> {
        self.placement_basis.as_deref()
    }
    fn written_at(&self) -> Option<&DateOrTime> {
        self.written_at.as_ref()
    }
    fn received_at(&self) -> Option<&DateOrTime> {
        self.received_at.as_ref()
    }
    fn has_child_statement(&self) -> bool {
        self.child_statement.is_some()
    }
    fn has_justification(&self) -> bool {
        self.justification.is_some()
    }
    fn has_identity_number(&self) -> bool {
        crate::privacy::protocol_has_number(self)
    }
    fn has_reading_to_check(&self) -> bool {
        !self.reading_to_check.is_empty()
    }
    fn has_help_text_left(&self) -> bool {
        !self.help_text_left.is_empty()
    }
}

impl ProtocolFacts for View<'_> {
    fn protocol_id(&self) -> &str {
        self.protocol_id
    }
    fn institution(&self) -> &str {
        self.institution
    }
    fn institution_id(&self) -> Option<&str> {
        self.institution_id
    }
    fn region(&self) -> Option<&str> {
        self.region
    }
    fn child_ref(&self) -> Option<&str> {
        self.child_ref
    }
    fn measure_views(&self) -> impl Iterator<Item = MeasureView<'_>> {
        self.measures.iter().cloned()
    }
    fn police(&self) -> Option<Police> {
        self.police
    }
    fn injury(&self) -> Option<Injury> {
        self.injury
    }
    fn informed_of_complaint_right(&self) -> Option<bool> {
        self.informed_of_complaint_right
    }
    fn wants_to_complain(&self) -> Option<bool> {
        self.wants_to_complain
    }
    fn placement_basis(&self) -> Option<&str> {
        self.placement_basis
    }
    fn written_at(&self) -> Option<&DateOrTime> {
        self.written_at.as_ref()
    }
    fn received_at(&self) -> Option<&DateOrTime> {
        self.received_at.as_ref()
    }
    fn has_child_statement(&self) -> bool {
        self.has_child_statement
    }
    fn has_justification(&self) -> bool {
        self.has_justification
    }
    fn has_identity_number(&self) -> bool {
        self.has_identity_number
    }
    fn has_reading_to_check(&self) -> bool {
        self.has_reading_to_check
    }
    fn has_help_text_left(&self) -> bool {
        self.has_help_text_left
    }
}

/// FNV-1a: a stable hash (the fingerprints are stored, so they must not change between builds).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A 64-bit SimHash of a protocol's narrative (danger and justification) over word pairs:
/// texts that differ in a few words differ in a few bits. None when there are fewer than four
/// words, too few to call two texts alike.
pub fn narrative_fingerprint(p: &Protocol) -> Option<u64> {
    let text = [p.danger.as_deref(), p.justification.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let folded = crate::fold::fold(&text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < 4 {
        return None;
    }
    let mut weights = [0i32; 64];
    for pair in words.windows(2) {
        let h = fnv1a(format!("{} {}", pair[0], pair[1]).as_bytes());
        for (bit, w) in weights.iter_mut().enumerate() {
            *w += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    Some(
        weights
            .iter()
            .enumerate()
            .filter(|(_, w)| **w > 0)
            .fold(0u64, |acc, (bit, _)| acc | 1 << bit),
    )
}

/// The facts of a protocol, encoded.
///
/// Facts are read by the queue, statistics and search without asking who may see what, so their
/// texts are masked ([`crate::privacy::mask`]); only the child's reference is kept as sent,
/// because repeated coercion is found by it (everything that shows it masks it).
pub fn encode(p: &Protocol) -> Vec<u8> {
    let bit = |field: &Option<String>, b: u8| if field.is_some() { b } else { 0 };
    let facts = Facts {
        protocol_id: p.protocol_id.clone(),
        institution: p.institution.clone(),
        institution_id: p.institution_id.clone(),
        region: p.region.clone(),
        child_ref: p.child_ref.clone(),
        child_birth_year: p.child_birth_year,
        placement_basis: masked_text(&p.placement_basis),
        measures: p
            .measures
            .iter()
            .map(|m| FactMeasure {
                provision: m.provision.clone(),
                kind: m.kind.clone(),
                start: Instant::of(&m.started_at),
                end: m.ended_at.as_ref().map(Instant::of),
            })
            .collect(),
        decided_by: masked_text(&p.decided_by),
        staff_involved: p.staff_involved,
        police: p.police,
        injury: p.injury,
        informed_of_complaint_right: p.informed_of_complaint_right,
        wants_to_complain: p.wants_to_complain,
        written_at: p.written_at.as_ref().map(When::of),
        received_at: p.received_at.as_ref().map(When::of),
        texts: bit(&p.danger, DANGER)
            | bit(&p.justification, JUSTIFICATION)
            | bit(&p.injury_note, INJURY_NOTE)
            | bit(&p.child_statement, CHILD_STATEMENT)
            | bit(&p.execution, EXECUTION),
        narrative: narrative_fingerprint(p),
        numbers: number_bits(p),
        unit: masked_text(&p.unit),
        reading_to_check: p.reading_to_check.clone(),
        help_text_left: p.help_text_left.clone(),
    };
    postcard::to_allocvec(&facts).expect("facts encode")
}

/// A short text as the facts keep it: masked.
fn masked_text(field: &Option<String>) -> Option<String> {
    field
        .as_deref()
        .map(|t| crate::privacy::mask(t).into_owned())
}

/// Which texts of a protocol hold a number (the bits of [`Facts::numbers`]).
fn number_bits(p: &Protocol) -> u8 {
    let bit = |field: &Option<String>, b: u8| {
        if field.as_deref().is_some_and(crate::privacy::has_number) {
            b
        } else {
            0
        }
    };
    bit(&p.danger, DANGER)
        | bit(&p.justification, JUSTIFICATION)
        | bit(&p.injury_note, INJURY_NOTE)
        | bit(&p.child_statement, CHILD_STATEMENT)
        | bit(&p.execution, EXECUTION)
        | bit(&p.child_ref, SHORT_TEXT)
        | bit(&p.unit, SHORT_TEXT)
        | bit(&p.placement_basis, SHORT_TEXT)
        | bit(&p.decided_by, SHORT_TEXT)
}

/// A protocol's long texts, borrowed from their encoded form: what search reads of a protocol
/// beside its facts (the store keeps them in their own chunks, `T`).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Narrative<'a> {
    #[serde(borrow)]
    pub danger: Option<&'a str>,
    #[serde(borrow)]
    pub justification: Option<&'a str>,
    #[serde(borrow)]
    pub injury_note: Option<&'a str>,
    #[serde(borrow)]
    pub child_statement: Option<&'a str>,
}

/// The long texts of a protocol, encoded (field order is the format).
/// Masked, like the facts: search indexes and shows what this holds.
pub fn encode_narrative(p: &Protocol) -> Vec<u8> {
    fn masked(t: &Option<String>) -> Option<std::borrow::Cow<'_, str>> {
        t.as_deref().map(crate::privacy::mask)
    }
    let (danger, justification, injury_note, child_statement) = (
        masked(&p.danger),
        masked(&p.justification),
        masked(&p.injury_note),
        masked(&p.child_statement),
    );
    let n = Narrative {
        danger: danger.as_deref(),
        justification: justification.as_deref(),
        injury_note: injury_note.as_deref(),
        child_statement: child_statement.as_deref(),
    };
    postcard::to_allocvec(&n).expect("narrative encode")
}

/// `None` when the bytes are not an encoded narrative.
pub fn decode_narrative(bytes: &[u8]) -> Option<Narrative<'_>> {
    postcard::from_bytes(bytes).ok()
}

/// The narrative fields in the order of their vocabulary slots.
pub const NARRATIVE_FIELDS: usize = 4;

/// The vocabulary of a chunk of narratives (encoded, in chunk order): each distinct word (as
/// [`crate::fold::for_each_lower_word`] splits and lowers) with the slots it occurs in, slot =
/// position in the chunk × 4 + field (danger, justification, injury note, child's statement),
/// ascending. Kept beside the chunk, so that search can index the narratives without splitting
/// them again. `None` when an entry is not a narrative.
pub fn encode_vocabulary<'a>(narratives: impl IntoIterator<Item = &'a [u8]>) -> Option<Vec<u8>> {
    let mut slots: rustc_hash::FxHashMap<String, Vec<u16>> = Default::default();
    let mut word = String::new();
    for (pos, bytes) in narratives.into_iter().enumerate() {
        let n = decode_narrative(bytes)?;
        let fields = [n.danger, n.justification, n.injury_note, n.child_statement];
        for (f, text) in fields.iter().enumerate() {
            let Some(text) = text else { continue };
            let slot = u16::try_from(pos * NARRATIVE_FIELDS + f).ok()?;
            crate::fold::for_each_lower_word(text, &mut word, |w| {
                let list = match slots.get_mut(w) {
                    Some(list) => list,
                    None => slots.entry(w.to_string()).or_default(),
                };
                if list.last() != Some(&slot) {
                    list.push(slot);
                }
            });
        }
    }
    // In word order, so that the same narratives always give the same bytes.
    let mut vocabulary: Vec<(&str, &[u16])> = slots
        .iter()
        .map(|(w, s)| (w.as_str(), s.as_slice()))
        .collect();
    vocabulary.sort_unstable_by_key(|(w, _)| *w);
    Some(postcard::to_allocvec(&vocabulary).expect("vocabulary encode"))
}

/// A chunk's vocabulary; `None` when the bytes are not one.
pub fn decode_vocabulary(bytes: &[u8]) -> Option<Vec<(&str, Vec<u16>)>> {
    postcard::from_bytes(bytes).ok()
}

/// A protocol rebuilt from its facts: the record without its long texts (present texts are
/// empty strings, or the redaction marker where they held a number) and with its short texts
/// masked. `None` when the bytes are not facts.
pub fn decode_skeleton(bytes: &[u8]) -> Option<Protocol> {
    decode(bytes).map(|(p, _)| p)
}

/// The skeleton and the narrative fingerprint.
pub fn decode(bytes: &[u8]) -> Option<(Protocol, Option<u64>)> {
    let f: Facts = postcard::from_bytes(bytes).ok()?;
    let narrative = f.narrative;
    let text = |b: u8| (f.texts & b != 0).then(|| skeleton_text(f.numbers & b != 0));
    let mut measures = Vec::with_capacity(f.measures.len());
    for m in f.measures {
        let (started_at, ended_at) = span(&m.start, &m.end)?;
        measures.push(Measure {
            provision: m.provision,
            kind: m.kind,
            started_at,
            ended_at,
        });
    }
    if measures.is_empty() {
        return None;
    }
    let p = Protocol {
        protocol_id: f.protocol_id,
        institution: f.institution,
        institution_id: f.institution_id,
        region: f.region,
        unit: f.unit,
        child_ref: f.child_ref,
        child_birth_year: f.child_birth_year,
        placement_basis: f.placement_basis,
        measures,
        danger: text(DANGER),
        justification: text(JUSTIFICATION),
        execution: text(EXECUTION),
        decided_by: f.decided_by,
        staff_involved: f.staff_involved,
        police: f.police,
        injury: f.injury,
        injury_note: text(INJURY_NOTE),
        child_statement: text(CHILD_STATEMENT),
        informed_of_complaint_right: f.informed_of_complaint_right,
        wants_to_complain: f.wants_to_complain,
        written_at: when(&f.written_at)?,
        received_at: when(&f.received_at)?,
        reading_to_check: f.reading_to_check,
        help_text_left: f.help_text_left,
    };
    Some((p, narrative))
}

/// The protocol with its long texts emptied: what [`decode_skeleton`] gives back.
pub fn skeleton_of(p: &Protocol) -> Protocol {
    let empty = |t: &Option<String>| {
        t.as_deref()
            .map(|t| skeleton_text(crate::privacy::has_number(t)))
    };
    Protocol {
        danger: empty(&p.danger),
        justification: empty(&p.justification),
        injury_note: empty(&p.injury_note),
        child_statement: empty(&p.child_statement),
        execution: empty(&p.execution),
        placement_basis: masked_text(&p.placement_basis),
        unit: masked_text(&p.unit),
        decided_by: masked_text(&p.decided_by),
        ..p.clone()
    }
}

/// A long text in a skeleton: empty, or the redaction marker where the text held a number, so
/// that [`ProtocolFacts::has_identity_number`] answers the same for the skeleton.
fn skeleton_text(has_number: bool) -> String {
    if has_number {
        crate::privacy::REDACTED.to_string()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;
    use crate::flags::quality_flags;
    use crate::generate::{generate, GenerateOptions};

    #[test]
    fn skeletons_round_trip_and_keep_the_flags() {
        let g = generate(&GenerateOptions {
            protocols: 2000,
            seed: 5,
            first_year: 2022,
            last_year: 2024,
        });
        let c = Catalogue::built_in();
        let mut total = 0;
        for p in &g.protocols {
            let bytes = encode(p);
            total += bytes.len();
            let skeleton = decode_skeleton(&bytes).expect("decodes");
            assert_eq!(skeleton, skeleton_of(p));
            assert_eq!(quality_flags(&skeleton, &c), quality_flags(p, &c));
            assert_eq!(skeleton.incident_at(), p.incident_at());
            assert_eq!(skeleton.incident_at().offset(), p.incident_at().offset());
        }
        let json: usize = g
            .protocols
            .iter()
            .map(|p| serde_json::to_vec(p).unwrap().len())
            .sum();
        assert!(total * 3 < json, "facts {total} bytes vs JSON {json}");
    }

    #[test]
    fn near_identical_narratives_have_near_fingerprints() {
        let mut a = Protocol::new("1", "Fjordly", Vec::new());
        a.danger = Some("Gutten slo etter personalet og kastet en stol mot vinduet i stua.".into());
        a.justification = Some("Mildere tiltak som samtale og skjerming ble forsøkt først.".into());
        let mut b = a.clone();
        b.danger =
            Some("Gutten slo etter personalet og kastet en stol mot vinduet på rommet.".into());
        let mut c = a.clone();
        c.danger =
            Some("Jenta rømte fra avdelingen og ble hentet av politiet sent på kvelden.".into());
        c.justification = Some("Hun var i fare og ville ikke bli med frivillig.".into());
        let (fa, fb, fc) = (
            narrative_fingerprint(&a).unwrap(),
            narrative_fingerprint(&b).unwrap(),
            narrative_fingerprint(&c).unwrap(),
        );
        assert_eq!(narrative_fingerprint(&a.clone()), Some(fa), "stable");
        assert!((fa ^ fb).count_ones() < (fa ^ fc).count_ones());
        assert!((fa ^ fc).count_ones() > 10);
        let mut short = a.clone();
        short.danger = Some("Uro.".into());
        short.justification = None;
        assert_eq!(narrative_fingerprint(&short), None);
        // The fingerprint survives the facts.
        let mut with_measure = a.clone();
        with_measure.measures.push(crate::model::Measure {
            provision: "bvl § 10-7".into(),
            kind: None,
            started_at: chrono::DateTime::parse_from_rfc3339("2024-01-01T10:00:00+01:00").unwrap(),
            ended_at: None,
        });
        assert_eq!(decode(&encode(&with_measure)).unwrap().1, Some(fa));
    }

    #[test]
    fn views_agree_with_skeletons() {
        let g = generate(&GenerateOptions {
            protocols: 500,
            seed: 9,
            first_year: 2022,
            last_year: 2024,
        });
        for p in &g.protocols {
            let bytes = encode(p);
            let (skeleton, narrative) = decode(&bytes).unwrap();
            let view = decode_view(&bytes).expect("a view decodes");
            assert_eq!(view.protocol_id, skeleton.protocol_id);
            assert_eq!(view.institution_id, skeleton.institution_id.as_deref());
            assert_eq!(view.region, skeleton.region.as_deref());
            assert_eq!(view.child_ref, skeleton.child_ref.as_deref());
            assert!(view.measure_views().eq(skeleton.measure_views()));
            assert_eq!(ProtocolFacts::incident_end(&view), skeleton.incident_end());
            assert_eq!(ProtocolFacts::incident_at(&view), skeleton.incident_at());
            assert_eq!(view.received_at, skeleton.received_at);
            assert_eq!(view.has_child_statement, skeleton.child_statement.is_some());
            assert_eq!(view.has_justification, skeleton.justification.is_some());
            let c = Catalogue::built_in();
            assert_eq!(quality_flags(&view, &c), quality_flags(&skeleton, &c));
            assert_eq!(
                (view.police, view.injury, view.informed_of_complaint_right),
                (
                    skeleton.police,
                    skeleton.injury,
                    skeleton.informed_of_complaint_right
                )
            );
            assert_eq!(view.narrative, narrative);
        }
    }

    #[test]
    fn narratives_round_trip() {
        let mut p = generate(&GenerateOptions {
            protocols: 1,
            seed: 7,
            first_year: 2023,
            last_year: 2023,
        })
        .protocols
        .remove(0);
        p.injury_note = None;
        p.child_statement = Some("«Jeg ville bare gå» – æøå".into());
        let bytes = encode_narrative(&p);
        let n = decode_narrative(&bytes).expect("decodes");
        assert_eq!(n.danger, p.danger.as_deref());
        assert_eq!(n.justification, p.justification.as_deref());
        assert_eq!(n.injury_note, None);
        assert_eq!(n.child_statement, p.child_statement.as_deref());
        assert!(decode_narrative(&bytes[..bytes.len() - 1]).is_none());
    }

    #[test]
    fn a_vocabulary_lists_each_word_with_its_slots() {
        let p = |danger: &str, child: Option<&str>| {
            let mut p = Protocol::new("1", "Lia", Vec::new());
            p.danger = Some(danger.into());
            p.child_statement = child.map(Into::into);
            encode_narrative(&p)
        };
        let chunk = [p("Han slo. Han løp!", Some("Jeg løp")), p("ÅPEN dør", None)];
        let bytes = encode_vocabulary(chunk.iter().map(Vec::as_slice)).unwrap();
        let v = decode_vocabulary(&bytes).unwrap();
        let get = |w: &str| v.iter().find(|(x, _)| *x == w).map(|(_, s)| s.clone());
        assert_eq!(get("han"), Some(vec![0]));
        assert_eq!(get("løp"), Some(vec![0, 3]));
        assert_eq!(get("åpen"), Some(vec![4]));
        assert_eq!(get("dør"), Some(vec![4]));
        assert_eq!(v.len(), 6);
        assert!(encode_vocabulary([b"\xff".as_slice()]).is_none());
    }

    #[test]
    fn garbage_is_not_facts() {
        assert!(decode_view(b"").is_none());
        assert!(decode_skeleton(b"").is_none());
        assert!(decode_skeleton(b"{\"protocol_id\":1}").is_none());
    }
}
