//! The domain model: tvangsprotokoller, their measures (tiltak) and klager.
//!
//! These structs hold what the institution or complainant said, normalised (trimmed, times
//! parsed, measure kinds and regions mapped to catalogue codes where known) but never invented:
//! whatever was missing stays `None`. Their JSON form is tvang's canonical import format, which is
//! also what `tvang export` writes.

use crate::fold::fold;
use crate::time::{oslo_date, DateOrTime};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// Police involvement (Bufdir: no § 10-7 vedtak when only the police used force).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Police {
    None,
    WithStaff,
    Alone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Injury {
    None,
    Child,
    Staff,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Complainant {
    Barnet,
    Foresatte,
    Annen,
}

/// Statsforvalterens avgjørelse i en klagesak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Medhold,
    DelvisMedhold,
    /// Stadfestet: statsforvalteren agrees with the institution.
    IkkeMedhold,
    Avvist,
    /// Opphevet og sendt tilbake (hjemvist): the institution's decision set aside and returned
    /// for a new one — forvaltningsloven's general option; domain.md marks it unconfirmed [U]
    /// for this case type.
    OpphevetHjemvist,
    /// Trukket: the complainant withdrew the complaint before it was decided (domain.md [P]).
    Trukket,
}

impl Outcome {
    /// Every outcome, in the order pickers and tables show them.
    pub const ALL: [Outcome; 6] = [
        Outcome::Medhold,
        Outcome::DelvisMedhold,
        Outcome::IkkeMedhold,
        Outcome::Avvist,
        Outcome::OpphevetHjemvist,
        Outcome::Trukket,
    ];
}

/// One use of coercion or restriction within a protocol, with its own hjemmel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    /// The provision as the institution cited it (`barnevernsloven § 10-7 første ledd`); parsed
    /// against the catalogue when needed, never rewritten.
    pub provision: String,
    /// Catalogue kind id when recognised (`fastholding`), else the text as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub started_at: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<FixedOffset>>,
}

impl Measure {
    /// Real elapsed time (stored times carry their offsets, so DST changes are accounted for).
    pub fn duration(&self) -> Option<Duration> {
        self.ended_at.map(|end| end - self.started_at)
    }
}

/// The child as a document (or a record) names it. Never stored on the protocol and never
/// shown: the import turns it into a keyed pseudonym for `child_ref` (the same child from a Word
/// document, a PDF and a JSON record is one child) and takes the birth year from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildIdentity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Fødselsnummer or D-nummer, 11 digits, check digits verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
}

impl ChildIdentity {
    /// What the pseudonym is made of: the number when there is one, else name and birth date
    /// (a name alone identifies no one reliably).
    pub fn pseudonym_source(&self) -> Option<String> {
        if let Some(n) = &self.national_id {
            return Some(format!("fnr:{n}"));
        }
        match (&self.name, self.birth_date) {
            (Some(name), Some(date)) => Some(format!("navn:{}:{date}", fold(name))),
            _ => None,
        }
    }

    /// From the birth date, else from the number (day, month, two-digit year and the
    /// individnummer's century ranges).
    pub fn birth_year(&self) -> Option<i32> {
        use chrono::Datelike;
        if let Some(d) = self.birth_date {
            return Some(d.year());
        }
        let n = self.national_id.as_deref()?.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Option<i32> {
            std::str::from_utf8(&n[r]).ok()?.parse().ok()
        };
        let (yy, individ) = (num(4..6)?, num(6..9)?);
        let century = match individ {
            0..=499 => 1900,
            500..=749 if yy >= 54 => 1800,
            500..=999 if yy <= 39 => 2000,
            900..=999 => 1900,
            _ => return None,
        };
        Some(century + yy)
    }
}

/// A tvangsprotokoll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protocol {
    /// Unique within its institution.
    pub protocol_id: String,
    pub institution: String,
    /// Organisasjonsnummer; when given it is the institution's identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution_id: Option<String>,
    /// Region code (`vestland`) when recognised, else the text as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Avdeling: the institution's unit, when the protocol names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Pseudonymous reference to the child.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_birth_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement_basis: Option<String>,
    pub measures: Vec<Measure>,
    /// Description of the situation: what danger, to whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub danger: Option<String>,
    /// Begrunnelse: why strictly necessary, what milder means were tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Gjennomføring: how the measure was carried out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_involved: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub police: Option<Police>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injury: Option<Injury>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injury_note: Option<String>,
    /// Barnets syn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_statement: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informed_of_complaint_right: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wants_to_complain: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_at: Option<DateOrTime>,
    /// Forelagt statsforvalteren.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateOrTime>,
    /// Read from a document: the fields that were missing or read uncertainly, for the
    /// inspector to check against the original (flag `til_kontroll`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reading_to_check: Vec<String>,
    /// Read from a document: the fields where the template's help text was left in (flag
    /// `help_text_left`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub help_text_left: Vec<String>,
}

impl Protocol {
    /// A protocol with only what is required; everything else missing.
    pub fn new(
        protocol_id: impl Into<String>,
        institution: impl Into<String>,
        measures: Vec<Measure>,
    ) -> Protocol {
        Protocol {
            protocol_id: protocol_id.into(),
            institution: institution.into(),
            institution_id: None,
            region: None,
            unit: None,
            child_ref: None,
            child_birth_year: None,
            placement_basis: None,
            measures,
            danger: None,
            justification: None,
            execution: None,
            decided_by: None,
            staff_involved: None,
            police: None,
            injury: None,
            injury_note: None,
            child_statement: None,
            informed_of_complaint_right: None,
            wants_to_complain: None,
            written_at: None,
            received_at: None,
            reading_to_check: Vec::new(),
            help_text_left: Vec::new(),
        }
    }

    /// The start of the first measure: the protocol's incident time.
    pub fn incident_at(&self) -> DateTime<FixedOffset> {
        self.measures
            .iter()
            .map(|m| m.started_at)
            .min()
            .expect("a protocol has at least one measure (enforced at import)")
    }

    /// The Oslo calendar day of the incident; statistics group protocols by it.
    pub fn incident_date(&self) -> NaiveDate {
        oslo_date(&self.incident_at())
    }

    /// The latest end of any measure, if every measure has one.
    pub fn incident_end(&self) -> Option<DateTime<FixedOffset>> {
        self.measures
            .iter()
            .map(|m| m.ended_at)
            .collect::<Option<Vec<_>>>()
            .and_then(|ends| ends.into_iter().max())
    }

    pub fn key(&self) -> RecordKey {
        RecordKey::new(
            institution_key(&self.institution, self.institution_id.as_deref()),
            &self.protocol_id,
        )
    }
}

/// A klage to the statsforvalter about a protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    pub complaint_id: String,
    /// The protocol it concerns, within the same institution.
    pub protocol_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateOrTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant: Option<Complainant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateOrTime>,
    /// Who at the statsforvalter decided it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    /// The statsforvalter's reasons for the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_reasons: Option<String>,
}

impl Complaint {
    fn institution_key(&self) -> String {
        institution_key(
            self.institution.as_deref().unwrap_or_default(),
            self.institution_id.as_deref(),
        )
    }

    pub fn key(&self) -> RecordKey {
        RecordKey::new(self.institution_key(), &self.complaint_id)
    }

    /// The identity of the protocol this complaint concerns.
    pub fn protocol_key(&self) -> RecordKey {
        RecordKey::new(self.institution_key(), &self.protocol_id)
    }

    /// The name key of the complaint's institution, whose org.nr aliases
    /// [`Complaint::protocol_keys`] needs.
    pub fn institution_name_key(&self) -> Option<String> {
        self.institution.as_ref().map(|n| institution_key(n, None))
    }

    /// The keys the protocol it concerns may be stored under, in the order to try: its own
    /// institution key; the institution's name key; the org.nr keys known for that name
    /// (`org_aliases`, from protocols that gave both name and org.nr).
    pub fn protocol_keys(&self, org_aliases: &[String]) -> Vec<RecordKey> {
        let mut keys = vec![self.protocol_key()];
        if let Some(name_key) = self.institution_name_key() {
            keys.push(RecordKey::new(name_key, &self.protocol_id));
            keys.extend(
                org_aliases
                    .iter()
                    .map(|org| RecordKey::new(org.clone(), &self.protocol_id)),
            );
        }
        keys
    }
}

/// The identity of a protocol or complaint: institution key + id within the institution.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    pub institution: String,
    pub id: String,
}

impl RecordKey {
    pub fn new(institution: String, id: &str) -> RecordKey {
        RecordKey {
            institution,
            id: id.to_string(),
        }
    }
}

/// An institution's identity: `org:<org.nr>` when the org.nr is given, else `name:<name>` with
/// the name trimmed, white space collapsed and case-folded.
pub fn institution_key(name: &str, org_nr: Option<&str>) -> String {
    match org_nr {
        Some(nr) => format!(
            "org:{}",
            nr.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
        ),
        None => format!("name:{}", name_fold(name)),
    }
}

/// Case-folds and collapses white space, keeping æøå (two institutions may differ only there).
fn name_fold(name: &str) -> String {
    name.split_whitespace()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether an institution query typed by an inspector matches an institution: part of its name,
/// folded (`solbakken` finds `Sølbakken ungdomshjem`), or its org.nr exactly. Used by filters,
/// never for identity.
pub fn institution_matches(query: &str, name: Option<&str>, org_nr: Option<&str>) -> bool {
    name.is_some_and(|n| fold(n).contains(&fold(query))) || org_nr == Some(query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_datetime;

    fn measure(start: &str, end: Option<&str>) -> Measure {
        Measure {
            provision: "bvl § 10-7".into(),
            kind: Some("fastholding".into()),
            started_at: parse_datetime(start).unwrap(),
            ended_at: end.map(|e| parse_datetime(e).unwrap()),
        }
    }

    #[test]
    fn institution_identity() {
        assert_eq!(
            institution_key("  Solbakken   Ungdomshjem ", None),
            "name:solbakken ungdomshjem"
        );
        assert_eq!(
            institution_key("Solbakken", Some("912 345 678")),
            "org:912345678"
        );
        assert_ne!(
            institution_key("Sølbakken", None),
            institution_key("Solbakken", None)
        );
        assert!(institution_matches(
            "solbakken",
            Some("Sølbakken ungdomshjem"),
            None
        ));
        assert!(institution_matches(
            "998877001",
            Some("Lia"),
            Some("998877001")
        ));
        assert!(!institution_matches("9988", None, Some("998877001")));
    }

    #[test]
    fn duration_across_dst() {
        let m = measure("2023-03-26 01:50", Some("2023-03-26 03:10"));
        assert_eq!(m.duration().unwrap().num_minutes(), 20);
    }

    #[test]
    fn incident_time_is_the_earliest_start() {
        let p = Protocol::new(
            "1",
            "X",
            vec![
                measure("2024-01-01 00:30", Some("2024-01-01 00:50")),
                measure("2023-12-31 23:50", None),
            ],
        );
        assert_eq!(p.incident_date().to_string(), "2023-12-31");
        assert_eq!(p.incident_end(), None);
    }
}

/// Where in its document a piece of text stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// Word: the n-th paragraph of the body (1-based, table cells not counted).
    Paragraph(usize),
    /// Word: row `row` of the `table`-th table (both 1-based).
    TableRow { table: usize, row: usize },
    /// PDF: line `line` (1-based, headers and footers not counted) of page `page`.
    Page { page: usize, line: usize },
}

/// A Word or PDF document a record was read from, as the store keeps it: what the inspector
/// needs to check the reading against the original, not the file's bytes (the original stays in
/// the office's archive; a second copy of a document naming a child is not tvang's to keep).
/// The child's name is in it as initials and fødselsnummer are masked, as on the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDocument {
    /// SHA-256 of the file's bytes (hex): the same file imported again is recognised by it.
    pub sha256: String,
    /// The file's path as given to the import.
    pub file: String,
    pub size: u64,
    /// `docx` or `pdf`.
    pub format: String,
    /// The record read from it: a complaint letter, else a protocol.
    pub complaint: bool,
    /// The record's institution key ([`institution_key`]) and id.
    pub institution: String,
    /// The record's protocol or complaint id.
    pub id: String,
    pub imported_at: DateTime<chrono::Utc>,
    /// The document's text as read, paragraphs and table rows one per line.
    pub text: String,
    /// Where each field's value was read.
    pub fields: Vec<FieldSource>,
    /// Fields to check against the original, and why.
    pub to_check: Vec<(String, String)>,
}

/// One field as read from a document: from which label and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSource {
    pub field: String,
    pub label: String,
    pub at: Location,
    pub value: String,
}
