//! One raw record (a JSON object, or a CSV row turned into one) → a protocol or a complaint.
//!
//! Both formats meet here so that every rule and every message is the same whatever the file
//! type. A record is either fully accepted or rejected with the first field that is wrong.

use crate::catalogue::Catalogue;
use crate::fold::fold_key;
use crate::model::{
    ChildIdentity, Complainant, Complaint, Injury, Measure, Outcome, Police, Protocol,
};
use crate::time::{parse_datetime, DateOrTime, TimeError};
use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// What is wrong with a field. Rendered in Norwegian by [`crate::text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The record is not a JSON object.
    NotAnObject {
        found: &'static str,
    },
    /// A required field is absent or empty.
    Missing,
    WrongType {
        expected: &'static str,
        found: &'static str,
    },
    BadTime {
        value: String,
        error: TimeError,
    },
    EndBeforeStart,
    DecidedBeforeReceived,
    /// Not one of the allowed values.
    InvalidValue {
        value: String,
        allowed: &'static str,
    },
    /// A text longer than [`MAX_FIELD_BYTES`].
    TooLong {
        bytes: usize,
    },
    /// Identifiers may not contain control characters (they become store keys).
    ControlCharacter,
    /// Identifiers may not contain bidirectional override or isolate characters, which make
    /// an id read differently from what it is (`2024/0001` shown for another key).
    BidiControl,
    /// A number as an identifier that is not a whole number JSON keeps exactly (more than 19
    /// digits, or a fraction): `12345678901234567890123` would be read as `1.2345678901234568e22`
    /// and collide with another id.
    InexactNumber {
        value: String,
    },
    /// The same field given twice under different names (e.g. `hjemmel` and `provision`).
    Duplicate {
        other: String,
    },
    /// `measures` given together with top-level `provision`/`started_at`/… .
    BothMeasureForms,
    /// CSV: `;`-separated lists of different lengths.
    ListLength {
        expected: usize,
        found: usize,
    },
    /// An embedded complaint that names another protocol or institution than its parent.
    Mismatch {
        expected: String,
    },
    /// An identifier holds a fødselsnummer or D-nummer: identifiers are shown and searched as
    /// they are, so they cannot be masked ([`crate::privacy`]).
    IdentityNumber,
}

/// Refuses a record whose identifier holds a fødselsnummer (the message names the field, never
/// the value).
fn refuse_identity_numbers<'a>(
    f: &Fields,
    identifiers: impl IntoIterator<Item = (&'static str, Option<&'a str>)>,
) -> Result<(), FieldProblem> {
    match crate::privacy::identifier_with_number(identifiers) {
        Some(field) => Err(f.problem(field, Problem::IdentityNumber)),
        None => Ok(()),
    }
}

/// A problem and the field it concerns (as the file named it, with its position in a list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Protocol(Box<Protocol>, Option<Complaint>),
    Complaint(Complaint),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Normalised {
    pub record: Record,
    /// The child's name, fødselsnummer or birth date, when the record gave them: never stored
    /// on the protocol, but turned into a keyed pseudonym by the import ([`ChildIdentity`]).
    pub identity: Option<ChildIdentity>,
    /// Field names that tvang does not know (probably typos); reported, not fatal.
    pub unknown_fields: Vec<String>,
}

/// Canonical field names and the other names files may use for them (folded: lower case,
/// æ→ae, ø→o, å→aa, spaces and hyphens as `_`).
const FIELDS: &[(&str, &[&str])] = &[
    (
        "protocol_id",
        &[
            "protokoll_id",
            "protokollid",
            "protokoll",
            "protokollnummer",
            "protokoll_nr",
        ],
    ),
    ("institution", &["institusjon", "institusjonsnavn"]),
    (
        "institution_id",
        &["institusjon_id", "orgnr", "org_nr", "organisasjonsnummer"],
    ),
    ("region", &["statsforvalter", "embete"]),
    ("unit", &["avdeling", "enhet"]),
    (
        "child_ref",
        &[
            "barn_ref",
            "barnref",
            "barn",
            "barnets_referanse",
            "barn_id",
        ],
    ),
    (
        "child_birth_year",
        &["fodselsaar", "barnets_fodselsaar", "fodt_aar", "fodselsar"],
    ),
    ("placement_basis", &["plasseringsgrunnlag", "plassering"]),
    ("child_name", &["barnets_navn", "navn"]),
    (
        "child_national_id",
        &["fodselsnummer", "barnets_fodselsnummer", "personnummer"],
    ),
    ("child_birth_date", &["fodselsdato", "barnets_fodselsdato"]),
    ("measures", &["tiltaksliste"]),
    ("provision", &["hjemmel", "lovhjemmel"]),
    ("kind", &["tiltak", "tiltakstype", "type"]),
    ("started_at", &["start", "startet", "starttid", "fra"]),
    ("ended_at", &["slutt", "sluttid", "avsluttet", "til"]),
    (
        "danger",
        &["fare", "faresituasjon", "situasjon", "beskrivelse"],
    ),
    ("justification", &["begrunnelse"]),
    ("execution", &["gjennomforing"]),
    (
        "decided_by",
        &[
            "besluttet_av",
            "vedtatt_av",
            "beslutningstaker",
            "avgjort_av",
        ],
    ),
    (
        "staff_involved",
        &["antall_ansatte", "ansatte_involvert", "ansatte"],
    ),
    ("police", &["politi"]),
    ("injury", &["skade", "skader"]),
    (
        "injury_note",
        &["skadebeskrivelse", "skade_beskrivelse", "skade_merknad"],
    ),
    (
        "child_statement",
        &["barnets_syn", "barnets_uttalelse", "uttalelse"],
    ),
    (
        "informed_of_complaint_right",
        &[
            "informert_om_klagerett",
            "informert_om_klageadgang",
            "klagerett_informert",
        ],
    ),
    (
        "wants_to_complain",
        &["onsker_aa_klage", "onsker_klage", "vil_klage"],
    ),
    (
        "written_at",
        &["skrevet", "skrevet_dato", "protokoll_skrevet"],
    ),
    (
        "received_at",
        &[
            "mottatt",
            "forelagt",
            "forelagt_statsforvalteren",
            "mottatt_dato",
        ],
    ),
    ("reading_to_check", &["til_kontroll"]),
    ("help_text_left", &["veiledningstekst"]),
    ("complaint", &["klage"]),
    ("complaint_id", &["klage_id", "klageid", "klagenummer"]),
    ("complainant", &["klager", "klagende_part"]),
    ("text", &["klagetekst", "tekst"]),
    ("outcome", &["utfall", "resultat", "avgjorelse"]),
    ("decided_at", &["avgjort", "avgjort_dato", "vedtaksdato"]),
    (
        "decision_reasons",
        &[
            "vedtak_begrunnelse",
            "begrunnelse_for_vedtaket",
            "statsforvalterens_vurdering",
        ],
    ),
];

/// The canonical name of a field as a file spells it, if tvang knows it.
pub fn canonical_field(name: &str) -> Option<&'static str> {
    static BY_NAME: std::sync::OnceLock<HashMap<&'static str, &'static str>> =
        std::sync::OnceLock::new();
    let by_name = BY_NAME.get_or_init(|| {
        FIELDS
            .iter()
            .flat_map(|(canonical, aliases)| {
                std::iter::once((*canonical, *canonical))
                    .chain(aliases.iter().map(|a| (*a, *canonical)))
            })
            .collect()
    });
    // Most files use the exact names; fold only when that fails.
    by_name
        .get(name)
        .or_else(|| by_name.get(fold_key(name).as_str()))
        .copied()
}

const MEASURE_FIELDS: [&str; 4] = ["provision", "kind", "started_at", "ended_at"];

/// Normalises one record. `textual` is true for CSV, where every value is text and multi-measure
/// protocols list their measure fields separated by `;`.
pub fn normalise(
    value: &Value,
    catalogue: &Catalogue,
    textual: bool,
) -> Result<Normalised, FieldProblem> {
    let map = value.as_object().ok_or(FieldProblem {
        field: String::new(),
        problem: Problem::NotAnObject {
            found: type_name(value),
        },
    })?;
    let mut unknown_fields = Vec::new();
    let fields = Fields::new(map, textual, "", &mut unknown_fields)?;
    let record = if fields.has("complaint_id") {
        Record::Complaint(complaint(&fields, None)?)
    } else {
        let protocol = protocol(&fields, catalogue, &mut unknown_fields)?;
        let embedded = match fields.get("complaint") {
            Some((name, v)) => {
                let obj = v.as_object().ok_or_else(|| FieldProblem {
                    field: name.to_string(),
                    problem: Problem::WrongType {
                        expected: "object",
                        found: type_name(v),
                    },
                })?;
                let prefix = format!("{name}.");
                let inner = Fields::new(obj, textual, &prefix, &mut unknown_fields)?;
                Some(complaint(&inner, Some(&protocol))?)
            }
            None => None,
        };
        Record::Protocol(Box::new(protocol), embedded)
    };
    let identity = if matches!(record, Record::Protocol(..)) {
        child_identity(&fields)?
    } else {
        None
    };
    let mut record = record;
    if let (Record::Protocol(p, _), Some(id)) = (&mut record, &identity) {
        if p.child_birth_year.is_none() {
            p.child_birth_year = id.birth_year();
        }
    }
    Ok(Normalised {
        record,
        identity,
        unknown_fields,
    })
}

fn protocol(
    f: &Fields,
    catalogue: &Catalogue,
    unknown: &mut Vec<String>,
) -> Result<Protocol, FieldProblem> {
    let protocol_id = f.required_id("protocol_id")?;
    let institution = f.required_id("institution")?;
    let institution_id = f.id("institution_id")?;
    let measures = measures(f, catalogue, unknown)?;
    let birth_year = match f.integer("child_birth_year")? {
        Some(y) if !(1900..=2100).contains(&y) => {
            return Err(f.problem(
                "child_birth_year",
                Problem::InvalidValue {
                    value: y.to_string(),
                    allowed: "1900–2100",
                },
            ))
        }
        y => y.map(|y| y as i32),
    };
    let staff = match f.integer("staff_involved")? {
        Some(n) if n > u32::MAX as i64 || n < 0 => {
            return Err(f.problem(
                "staff_involved",
                Problem::InvalidValue {
                    value: n.to_string(),
                    allowed: "0 eller flere",
                },
            ))
        }
        n => n.map(|n| n as u32),
    };
    refuse_identity_numbers(
        f,
        [
            ("protocol_id", Some(protocol_id.as_str())),
            ("institution", Some(institution.as_str())),
            ("institution_id", institution_id.as_deref()),
        ],
    )?;
    Ok(Protocol {
        protocol_id,
        institution,
        institution_id,
        unit: f.text("unit")?,
        region: f.text("region")?.map(|r| {
            catalogue
                .region(&r)
                .map(|reg| reg.code.clone())
                .unwrap_or(r)
        }),
        child_ref: f.id("child_ref")?,
        child_birth_year: birth_year,
        placement_basis: f.text("placement_basis")?,
        measures,
        danger: f.text("danger")?,
        justification: f.text("justification")?,
        execution: f.text("execution")?,
        decided_by: f.text("decided_by")?,
        staff_involved: staff,
        police: f.choice("police", POLICE, "none, with_staff, alone")?,
        injury: f.choice("injury", INJURY, "none, child, staff, both")?,
        injury_note: f.text("injury_note")?,
        child_statement: f.text("child_statement")?,
        informed_of_complaint_right: f.boolean("informed_of_complaint_right")?,
        wants_to_complain: f.boolean("wants_to_complain")?,
        written_at: f.date_or_time("written_at")?,
        received_at: f.date_or_time("received_at")?,
        reading_to_check: f.texts("reading_to_check")?,
        help_text_left: f.texts("help_text_left")?,
    })
}

/// The child as a document names it: the name, the fødselsnummer or D-nummer (checked), the
/// birth date.
fn child_identity(f: &Fields) -> Result<Option<ChildIdentity>, FieldProblem> {
    let name = f.text("child_name")?;
    let national_id = match f.text("child_national_id")? {
        Some(text) => Some(crate::privacy::national_id(&text).ok_or_else(|| {
            // The value is not echoed: it may be most of a real number.
            f.problem(
                "child_national_id",
                Problem::InvalidValue {
                    value: "(skjult)".into(),
                    allowed: "et gyldig fødselsnummer eller D-nummer (11 siffer)",
                },
            )
        })?),
        None => None,
    };
    let birth_date = f.date_or_time("child_birth_date")?.map(|d| d.oslo_date());
    if name.is_none() && national_id.is_none() && birth_date.is_none() {
        return Ok(None);
    }
    Ok(Some(ChildIdentity {
        name,
        national_id,
        birth_date,
    }))
}

const POLICE: &[(&str, Police)] = &[
    ("none", Police::None),
    ("ingen", Police::None),
    ("nei", Police::None),
    ("no", Police::None),
    ("with_staff", Police::WithStaff),
    ("med_ansatte", Police::WithStaff),
    ("sammen_med_ansatte", Police::WithStaff),
    ("politi_og_ansatte", Police::WithStaff),
    ("alone", Police::Alone),
    ("alene", Police::Alone),
    ("politi_alene", Police::Alone),
    ("politiet_alene", Police::Alone),
];

const INJURY: &[(&str, Injury)] = &[
    ("none", Injury::None),
    ("ingen", Injury::None),
    ("nei", Injury::None),
    ("child", Injury::Child),
    ("barn", Injury::Child),
    ("barnet", Injury::Child),
    ("staff", Injury::Staff),
    ("ansatt", Injury::Staff),
    ("ansatte", Injury::Staff),
    ("both", Injury::Both),
    ("begge", Injury::Both),
    ("barn_og_ansatt", Injury::Both),
    ("barn_og_ansatte", Injury::Both),
];

const COMPLAINANT: &[(&str, Complainant)] = &[
    ("barnet", Complainant::Barnet),
    ("barn", Complainant::Barnet),
    ("child", Complainant::Barnet),
    ("foresatte", Complainant::Foresatte),
    ("foreldre", Complainant::Foresatte),
    ("forelder", Complainant::Foresatte),
    ("parents", Complainant::Foresatte),
    ("annen", Complainant::Annen),
    ("andre", Complainant::Annen),
    ("other", Complainant::Annen),
    ("verge", Complainant::Annen),
];

const OUTCOME: &[(&str, Outcome)] = &[
    ("medhold", Outcome::Medhold),
    ("delvis_medhold", Outcome::DelvisMedhold),
    ("delvis", Outcome::DelvisMedhold),
    ("ikke_medhold", Outcome::IkkeMedhold),
    ("stadfestet", Outcome::IkkeMedhold),
    ("avvist", Outcome::Avvist),
    ("opphevet_hjemvist", Outcome::OpphevetHjemvist),
    ("opphevet", Outcome::OpphevetHjemvist),
    ("opphevet_og_sendt_tilbake", Outcome::OpphevetHjemvist),
    ("hjemvist", Outcome::OpphevetHjemvist),
    ("trukket", Outcome::Trukket),
    ("trukket_tilbake", Outcome::Trukket),
];

fn measures(
    f: &Fields,
    catalogue: &Catalogue,
    unknown: &mut Vec<String>,
) -> Result<Vec<Measure>, FieldProblem> {
    let top_level = MEASURE_FIELDS.iter().find(|name| f.has(name));
    if let Some((name, list)) = f.get("measures") {
        if let Some(other) = top_level {
            return Err(f.problem(other, Problem::BothMeasureForms));
        }
        let items = list.as_array().ok_or_else(|| FieldProblem {
            field: name.to_string(),
            problem: Problem::WrongType {
                expected: "array",
                found: type_name(list),
            },
        })?;
        if items.is_empty() {
            return Err(f.problem("measures", Problem::Missing));
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let prefix = format!("{}{name}[{}].", f.prefix, i + 1);
            let obj = item.as_object().ok_or_else(|| FieldProblem {
                field: format!("{}{name}[{}]", f.prefix, i + 1),
                problem: Problem::WrongType {
                    expected: "object",
                    found: type_name(item),
                },
            })?;
            let mf = Fields::new(obj, f.textual, &prefix, unknown)?;
            out.push(measure(
                &mf,
                catalogue,
                mf.required_text("provision")?,
                mf.text("kind")?,
                mf.required_text("started_at")?,
                mf.text("ended_at")?,
            )?);
        }
        return Ok(out);
    }
    if !f.textual {
        return Ok(vec![measure(
            f,
            catalogue,
            f.required_text("provision")?,
            f.text("kind")?,
            f.required_text("started_at")?,
            f.text("ended_at")?,
        )?]);
    }
    // CSV: `provision`, `kind`, `started_at`, `ended_at` hold one value per measure, split by `;`.
    let provisions = split_list(&f.required_text("provision")?);
    let starts = split_list(&f.required_text("started_at")?);
    let n = provisions.len();
    let kinds = f.list("kind", n)?;
    let ends = f.list("ended_at", n)?;
    if starts.len() != n {
        return Err(f.problem(
            "started_at",
            Problem::ListLength {
                expected: n,
                found: starts.len(),
            },
        ));
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (provision, start) = (provisions[i].clone(), starts[i].clone());
        if provision.is_empty() {
            return Err(f.problem("provision", Problem::Missing));
        }
        if start.is_empty() {
            return Err(f.problem("started_at", Problem::Missing));
        }
        out.push(measure(
            f,
            catalogue,
            provision,
            kinds[i].clone(),
            start,
            ends[i].clone(),
        )?);
    }
    Ok(out)
}

fn measure(
    f: &Fields,
    catalogue: &Catalogue,
    provision: String,
    kind: Option<String>,
    start: String,
    end: Option<String>,
) -> Result<Measure, FieldProblem> {
    let started_at = f.parse_time("started_at", &start)?;
    let ended_at = end.map(|e| f.parse_time("ended_at", &e)).transpose()?;
    if ended_at.is_some_and(|e| e < started_at) {
        return Err(f.problem("ended_at", Problem::EndBeforeStart));
    }
    Ok(Measure {
        provision,
        kind: kind.map(|k| catalogue.kind(&k).map(|mk| mk.id.clone()).unwrap_or(k)),
        started_at,
        ended_at,
    })
}

/// The longest text a field may hold (UTF-8 bytes): a protocol's narrative is a few pages at
/// most, and a 50 MB field made the TUI take seconds per key.
pub const MAX_FIELD_BYTES: usize = 256 * 1024;

/// The largest record (its JSON text, or the texts of a CSV or spreadsheet row): room for
/// several full narrative fields and hundreds of measures, and a bound on what one protocol
/// costs the store, the search index and the detail view.
pub const MAX_RECORD_BYTES: usize = 2 * 1024 * 1024;

/// About how many bytes a record's JSON takes: its texts, names and numbers.
pub fn value_bytes(v: &Value) -> usize {
    match v {
        Value::Null | Value::Bool(_) => 4,
        Value::Number(_) => 8,
        Value::String(s) => s.len() + 2,
        Value::Array(items) => 2 + items.iter().map(|i| value_bytes(i) + 1).sum::<usize>(),
        Value::Object(map) => {
            2 + map
                .iter()
                .map(|(k, v)| k.len() + 4 + value_bytes(v))
                .sum::<usize>()
        }
    }
}

/// Bidirectional embedding, override and isolate characters (U+202A–U+202E, U+2066–U+2069)
/// and the invisible marks (U+200E, U+200F, U+061C): they make text display in another order
/// than it is stored.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn split_list(s: &str) -> Vec<String> {
    s.split(';').map(|p| p.trim().to_string()).collect()
}

fn complaint(f: &Fields, parent: Option<&Protocol>) -> Result<Complaint, FieldProblem> {
    let complaint_id = f.required_id("complaint_id")?;
    let mut protocol_id = f.id("protocol_id")?;
    let mut institution = f.id("institution")?;
    let mut institution_id = f.id("institution_id")?;
    if let Some(p) = parent {
        let inherit = |field: &str, given: &mut Option<String>, parent: Option<&String>| match (
            given.as_ref(),
            parent,
        ) {
            (Some(g), Some(pv)) if g != pv => Err(f.problem(
                field,
                Problem::Mismatch {
                    expected: pv.clone(),
                },
            )),
            (None, pv) => {
                *given = pv.cloned();
                Ok(())
            }
            _ => Ok(()),
        };
        inherit("protocol_id", &mut protocol_id, Some(&p.protocol_id))?;
        inherit("institution", &mut institution, Some(&p.institution))?;
        inherit(
            "institution_id",
            &mut institution_id,
            p.institution_id.as_ref(),
        )?;
    }
    let protocol_id = protocol_id.ok_or_else(|| f.problem("protocol_id", Problem::Missing))?;
    if institution.is_none() && institution_id.is_none() {
        return Err(f.problem("institution", Problem::Missing));
    }
    refuse_identity_numbers(
        f,
        [
            ("complaint_id", Some(complaint_id.as_str())),
            ("protocol_id", Some(protocol_id.as_str())),
            ("institution", institution.as_deref()),
            ("institution_id", institution_id.as_deref()),
        ],
    )?;
    let received_at = f.date_or_time("received_at")?;
    let decided_at = f.date_or_time("decided_at")?;
    if let (Some(r), Some(d)) = (received_at, decided_at) {
        if d.oslo_date() < r.oslo_date() {
            return Err(f.problem("decided_at", Problem::DecidedBeforeReceived));
        }
    }
    Ok(Complaint {
        complaint_id,
        protocol_id,
        institution,
        institution_id,
        received_at,
        complainant: f.choice("complainant", COMPLAINANT, "barnet, foresatte, annen")?,
        text: f.text("text")?,
        outcome: f.choice(
            "outcome",
            OUTCOME,
            "medhold, delvis_medhold, ikke_medhold, avvist, opphevet_hjemvist, trukket",
        )?,
        decided_at,
        decided_by: f.text("decided_by")?,
        decision_reasons: f.text("decision_reasons")?,
    })
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A record's fields by canonical name, remembering how the file spelt each.
struct Fields<'a> {
    by_name: HashMap<&'static str, (&'a str, &'a Value)>,
    textual: bool,
    prefix: String,
}

impl<'a> Fields<'a> {
    fn new(
        map: &'a Map<String, Value>,
        textual: bool,
        prefix: &str,
        unknown: &mut Vec<String>,
    ) -> Result<Fields<'a>, FieldProblem> {
        let mut by_name: HashMap<&'static str, (&'a str, &'a Value)> = HashMap::new();
        for (key, value) in map {
            match canonical_field(key) {
                Some(canonical) => {
                    if let Some((first, _)) = by_name.get(canonical) {
                        // An empty duplicate (e.g. an unused CSV column) is harmless.
                        if is_empty(value) {
                            continue;
                        }
                        if !is_empty(by_name[canonical].1) {
                            return Err(FieldProblem {
                                field: format!("{prefix}{key}"),
                                problem: Problem::Duplicate {
                                    other: first.to_string(),
                                },
                            });
                        }
                    }
                    by_name.insert(canonical, (key.as_str(), value));
                }
                None => unknown.push(format!("{prefix}{key}")),
            }
        }
        Ok(Fields {
            by_name,
            textual,
            prefix: prefix.to_string(),
        })
    }

    /// The field's value, when present and not empty.
    fn get(&self, canonical: &str) -> Option<(&'a str, &'a Value)> {
        self.by_name
            .get(canonical)
            .copied()
            .filter(|(_, v)| !is_empty(v))
    }

    fn has(&self, canonical: &str) -> bool {
        self.get(canonical).is_some()
    }

    fn problem(&self, canonical: &str, problem: Problem) -> FieldProblem {
        let name = self
            .by_name
            .get(canonical)
            .map(|(n, _)| *n)
            .unwrap_or(canonical);
        FieldProblem {
            field: format!("{}{name}", self.prefix),
            problem,
        }
    }

    fn wrong_type(&self, canonical: &str, expected: &'static str, v: &Value) -> FieldProblem {
        self.problem(
            canonical,
            Problem::WrongType {
                expected,
                found: type_name(v),
            },
        )
    }

    /// Text, trimmed, with CRLF line ends made LF (so the same protocol from a Windows file and
    /// a Unix file is the same record). Numbers are accepted as their decimal text.
    fn text(&self, canonical: &str) -> Result<Option<String>, FieldProblem> {
        match self.get(canonical) {
            None => Ok(None),
            Some((_, Value::String(s))) if s.len() > MAX_FIELD_BYTES => {
                Err(self.problem(canonical, Problem::TooLong { bytes: s.len() }))
            }
            Some((_, Value::String(s))) => Ok(Some(s.trim().replace("\r\n", "\n"))),
            Some((_, Value::Number(n))) => Ok(Some(n.to_string())),
            Some((_, v)) => Err(self.wrong_type(canonical, "string", v)),
        }
    }

    /// A list of texts: a JSON array of strings, or in CSV a `;`-separated cell.
    fn texts(&self, canonical: &str) -> Result<Vec<String>, FieldProblem> {
        match self.get(canonical) {
            None => Ok(Vec::new()),
            Some((_, Value::Array(items))) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.trim().to_string()),
                    other => Err(self.wrong_type(canonical, "string", other)),
                })
                .filter(|t| t.as_ref().map_or(true, |t| !t.is_empty()))
                .collect(),
            Some((_, Value::String(s))) if s.len() > MAX_FIELD_BYTES => {
                Err(self.problem(canonical, Problem::TooLong { bytes: s.len() }))
            }
            Some((_, Value::String(s))) => Ok(s
                .split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()),
            Some((_, v)) => Err(self.wrong_type(canonical, "array", v)),
        }
    }

    fn required_text(&self, canonical: &str) -> Result<String, FieldProblem> {
        self.text(canonical)?
            .ok_or_else(|| self.problem(canonical, Problem::Missing))
    }

    /// An identifier: text without control or bidi characters; a number only as a whole
    /// number with its exact digits.
    fn id(&self, canonical: &str) -> Result<Option<String>, FieldProblem> {
        if let Some((_, Value::Number(n))) = self.get(canonical) {
            if !(n.is_u64() || n.is_i64()) {
                return Err(self.problem(
                    canonical,
                    Problem::InexactNumber {
                        value: n.to_string(),
                    },
                ));
            }
        }
        let value = self.text(canonical)?;
        if let Some(v) = value.as_deref() {
            if v.chars().any(char::is_control) {
                return Err(self.problem(canonical, Problem::ControlCharacter));
            }
            if v.chars().any(is_bidi_control) {
                return Err(self.problem(canonical, Problem::BidiControl));
            }
        }
        Ok(value)
    }

    fn required_id(&self, canonical: &str) -> Result<String, FieldProblem> {
        self.id(canonical)?
            .ok_or_else(|| self.problem(canonical, Problem::Missing))
    }

    fn integer(&self, canonical: &str) -> Result<Option<i64>, FieldProblem> {
        match self.get(canonical) {
            None => Ok(None),
            Some((_, Value::Number(n))) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.wrong_type(canonical, "integer", &Value::Number(n.clone()))),
            Some((_, Value::String(s))) => s.trim().parse::<i64>().map(Some).map_err(|_| {
                self.problem(
                    canonical,
                    Problem::InvalidValue {
                        value: s.trim().to_string(),
                        allowed: "et heltall",
                    },
                )
            }),
            Some((_, v)) => Err(self.wrong_type(canonical, "integer", v)),
        }
    }

    fn boolean(&self, canonical: &str) -> Result<Option<bool>, FieldProblem> {
        match self.get(canonical) {
            None => Ok(None),
            Some((_, Value::Bool(b))) => Ok(Some(*b)),
            Some((_, Value::String(s))) => match fold_key(s).as_str() {
                "ja" | "j" | "true" | "yes" | "y" | "1" | "sant" => Ok(Some(true)),
                "nei" | "n" | "false" | "no" | "0" | "usant" => Ok(Some(false)),
                _ => Err(self.problem(
                    canonical,
                    Problem::InvalidValue {
                        value: s.trim().to_string(),
                        allowed: "ja/nei (true/false)",
                    },
                )),
            },
            Some((_, v)) => Err(self.wrong_type(canonical, "boolean", v)),
        }
    }

    fn choice<T: Copy>(
        &self,
        canonical: &str,
        table: &[(&str, T)],
        allowed: &'static str,
    ) -> Result<Option<T>, FieldProblem> {
        let Some(s) = self.text(canonical)? else {
            return Ok(None);
        };
        let key = fold_key(&s);
        table
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, v)| Some(*v))
            .ok_or_else(|| self.problem(canonical, Problem::InvalidValue { value: s, allowed }))
    }

    fn parse_time(&self, canonical: &str, s: &str) -> Result<DateTime<FixedOffset>, FieldProblem> {
        parse_datetime(s).map_err(|error| {
            self.problem(
                canonical,
                Problem::BadTime {
                    value: s.to_string(),
                    error,
                },
            )
        })
    }

    fn date_or_time(&self, canonical: &str) -> Result<Option<DateOrTime>, FieldProblem> {
        match self.get(canonical) {
            None => Ok(None),
            Some((_, Value::String(s))) => DateOrTime::parse(s).map(Some).map_err(|error| {
                self.problem(
                    canonical,
                    Problem::BadTime {
                        value: s.trim().to_string(),
                        error,
                    },
                )
            }),
            Some((_, v)) => Err(self.wrong_type(canonical, "string", v)),
        }
    }

    /// CSV: an optional `;`-list that, when given, has one entry per measure.
    fn list(&self, canonical: &str, n: usize) -> Result<Vec<Option<String>>, FieldProblem> {
        let Some(text) = self.text(canonical)? else {
            return Ok(vec![None; n]);
        };
        let parts = split_list(&text);
        if parts.len() != n {
            return Err(self.problem(
                canonical,
                Problem::ListLength {
                    expected: n,
                    found: parts.len(),
                },
            ));
        }
        Ok(parts
            .into_iter()
            .map(|p| if p.is_empty() { None } else { Some(p) })
            .collect())
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cat() -> Catalogue {
        Catalogue::built_in()
    }

    fn ok(v: Value) -> Record {
        normalise(&v, &cat(), false).unwrap().record
    }

    fn err(v: Value) -> FieldProblem {
        normalise(&v, &cat(), false).unwrap_err()
    }

    fn minimal() -> Value {
        json!({"protocol_id": "P-1", "institution": "Solbakken", "provision": "bvl § 10-7",
               "started_at": "2023-05-02 14:30"})
    }

    #[test]
    fn minimal_protocol_keeps_missing_as_missing() {
        let Record::Protocol(p, None) = ok(minimal()) else {
            panic!()
        };
        assert_eq!(p.protocol_id, "P-1");
        assert_eq!(p.measures.len(), 1);
        assert_eq!(p.measures[0].ended_at, None);
        assert_eq!(p.child_statement, None);
        assert_eq!(p.police, None);
    }

    #[test]
    fn top_level_and_array_forms_are_the_same_protocol() {
        let top = json!({"protocol_id": "P-1", "institution": "Solbakken", "provision": "bvl § 10-7",
            "kind": "Fastholding", "started_at": "2023-05-02T14:30:00+02:00",
            "ended_at": "2023-05-02T14:45:00+02:00"});
        let arr = json!({"protocol_id": "P-1", "institution": "Solbakken", "measures": [
            {"provision": "bvl § 10-7", "kind": "fastholding", "started_at": "2023-05-02 14:30",
             "ended_at": "02.05.2023 14:45"}]});
        assert_eq!(ok(top), ok(arr));
    }

    #[test]
    fn norwegian_aliases() {
        let v = json!({"protokoll_id": "7", "Institusjon": "Lia", "hjemmel": "10-7",
            "tiltak": "lagt i bakken", "start": "01.02.2023 10:00", "slutt": "01.02.2023 10:20",
            "barnets syn": "Jeg ble sint.", "politi": "alene", "skade": "barnet",
            "informert_om_klagerett": "ja", "ønsker_å_klage": "nei", "statsforvalter": "Fylkesmannen i Hordaland",
            "antall_ansatte": "3", "mottatt": "03.02.2023"});
        let Record::Protocol(p, _) = ok(v) else {
            panic!()
        };
        assert_eq!(p.measures[0].kind.as_deref(), Some("nedlegging"));
        assert_eq!(p.child_statement.as_deref(), Some("Jeg ble sint."));
        assert_eq!(p.police, Some(Police::Alone));
        assert_eq!(p.injury, Some(Injury::Child));
        assert_eq!(p.informed_of_complaint_right, Some(true));
        assert_eq!(p.wants_to_complain, Some(false));
        assert_eq!(p.region.as_deref(), Some("vestland"));
        assert_eq!(p.staff_involved, Some(3));
        assert!(matches!(p.received_at, Some(DateOrTime::Date(_))));
    }

    #[test]
    fn unknown_kind_and_region_are_kept_as_given() {
        let mut v = minimal();
        v["kind"] = json!("Holdt i armen");
        v["region"] = json!("Atlantis");
        let Record::Protocol(p, _) = ok(v) else {
            panic!()
        };
        assert_eq!(p.measures[0].kind.as_deref(), Some("Holdt i armen"));
        assert_eq!(p.region.as_deref(), Some("Atlantis"));
    }

    #[test]
    fn rejects_name_the_field() {
        let mut v = minimal();
        v.as_object_mut().unwrap().remove("protocol_id");
        assert_eq!(
            err(v),
            FieldProblem {
                field: "protocol_id".into(),
                problem: Problem::Missing
            }
        );

        let mut v = minimal();
        v["started_at"] = json!("i går");
        assert_eq!(err(v).field, "started_at");

        let mut v = minimal();
        v["ended_at"] = json!("2023-05-02 14:00");
        assert_eq!(
            err(v),
            FieldProblem {
                field: "ended_at".into(),
                problem: Problem::EndBeforeStart
            }
        );

        let mut v = minimal();
        v["staff_involved"] = json!(true);
        assert_eq!(
            err(v).problem,
            Problem::WrongType {
                expected: "integer",
                found: "boolean"
            }
        );

        let mut v = minimal();
        v["police"] = json!("kanskje");
        assert!(matches!(err(v).problem, Problem::InvalidValue { .. }));

        let v = json!({"protocol_id": "P-1", "institution": "S", "measures": [
            {"provision": "10-7", "started_at": "2023-05-02 14:30"},
            {"provision": "10-8"}]});
        assert_eq!(err(v).field, "measures[2].started_at");

        let mut v = minimal();
        v["measures"] = json!([]);
        assert_eq!(err(v).problem, Problem::BothMeasureForms);

        assert_eq!(
            normalise(&json!([1]), &cat(), false).unwrap_err().problem,
            Problem::NotAnObject { found: "array" }
        );

        let mut v = minimal();
        v["protocol_id"] = json!("P\u{0}1");
        assert_eq!(err(v).problem, Problem::ControlCharacter);
        for bad in ["Solbakken\u{1b}]0;x\u{7}", "Sol\nbakken", "Sol\u{0}bakken"] {
            let mut v = minimal();
            v["institution"] = json!(bad);
            assert_eq!(err(v).problem, Problem::ControlCharacter, "{bad:?}");
        }
        for bad in ["2024/\u{202E}1000", "\u{2066}2024/0001\u{2069}"] {
            let mut v = minimal();
            v["protocol_id"] = json!(bad);
            assert_eq!(err(v).problem, Problem::BidiControl, "{bad:?}");
        }
        // A number as an id keeps its exact digits, or is refused.
        let mut v = minimal();
        v["protocol_id"] = serde_json::from_str("12345678901234567890").unwrap();
        let Record::Protocol(p, _) = normalise(&v, &cat(), false).unwrap().record else {
            panic!()
        };
        assert_eq!(p.protocol_id, "12345678901234567890");
        for inexact in ["12345678901234567890123", "12.5"] {
            let mut v = minimal();
            v["protocol_id"] = serde_json::from_str(inexact).unwrap();
            assert!(
                matches!(err(v).problem, Problem::InexactNumber { .. }),
                "{inexact}"
            );
        }

        let mut v = minimal();
        v["hjemmel"] = json!("10-8");
        assert!(matches!(err(v).problem, Problem::Duplicate { .. }));
    }

    #[test]
    fn embedded_complaint_inherits_its_protocol() {
        let mut v = minimal();
        v["complaint"] = json!({"complaint_id": "K-1", "received_at": "2023-05-10", "complainant": "barnet",
            "text": "Jeg ble holdt for lenge.", "outcome": "stadfestet", "decided_at": "2023-06-01"});
        let Record::Protocol(p, Some(c)) = ok(v) else {
            panic!()
        };
        assert_eq!(c.protocol_id, p.protocol_id);
        assert_eq!(c.institution.as_deref(), Some("Solbakken"));
        assert_eq!(c.outcome, Some(Outcome::IkkeMedhold));
        assert_eq!(c.protocol_key(), p.key());

        let mut v = minimal();
        v["complaint"] = json!({"complaint_id": "K-1", "protocol_id": "P-2"});
        assert_eq!(err(v).field, "complaint.protocol_id");
    }

    #[test]
    fn complaint_records() {
        let Record::Complaint(c) = ok(
            json!({"klage_id": "K-9", "protokoll_id": "P-1", "institusjon": "Lia",
            "utfall": "delvis medhold", "mottatt": "2024-01-02", "avgjort": "2024-01-20"}),
        ) else {
            panic!()
        };
        assert_eq!(c.outcome, Some(Outcome::DelvisMedhold));
        let e = err(json!({"complaint_id": "K-9", "protocol_id": "P-1"}));
        assert_eq!(e.field, "institution");
        let e = err(
            json!({"complaint_id": "K-9", "protocol_id": "P-1", "institution": "Lia",
            "received_at": "2024-02-01", "decided_at": "2024-01-01"}),
        );
        assert_eq!(e.problem, Problem::DecidedBeforeReceived);
        // The decision's own fields, and the outcomes beyond the four of the statistics.
        for (said, outcome) in [
            ("opphevet og sendt tilbake", Outcome::OpphevetHjemvist),
            ("hjemvist", Outcome::OpphevetHjemvist),
            ("opphevet_hjemvist", Outcome::OpphevetHjemvist),
            ("trukket", Outcome::Trukket),
        ] {
            let Record::Complaint(c) = ok(json!({"klage_id": "K-9", "protokoll_id": "P-1",
                "institusjon": "Lia", "utfall": said, "avgjort_av": "Kari Nordmann",
                "statsforvalterens_vurdering": "Faren var over."}))
            else {
                panic!()
            };
            assert_eq!(c.outcome, Some(outcome), "{said}");
            assert_eq!(c.decided_by.as_deref(), Some("Kari Nordmann"));
            assert_eq!(c.decision_reasons.as_deref(), Some("Faren var over."));
        }
    }

    #[test]
    fn csv_lists_split_measures() {
        let v = json!({"protokoll_id": "P-3", "institusjon": "Lia", "hjemmel": "10-7; 10-8",
            "tiltak": "fastholding;ransaking", "start": "01.02.2023 10:00;01.02.2023 10:30",
            "slutt": ";01.02.2023 10:40", "barnets_syn": ""});
        let r = normalise(&v, &cat(), true).unwrap().record;
        let Record::Protocol(p, _) = r else { panic!() };
        assert_eq!(p.measures.len(), 2);
        assert_eq!(p.measures[0].ended_at, None);
        assert_eq!(p.measures[1].kind.as_deref(), Some("ransaking"));
        assert_eq!(p.child_statement, None);

        let v = json!({"protokoll_id": "P-3", "institusjon": "Lia", "hjemmel": "10-7; 10-8",
            "start": "01.02.2023 10:00"});
        let e = normalise(&v, &cat(), true).unwrap_err();
        assert_eq!(e.field, "start");
        assert_eq!(
            e.problem,
            Problem::ListLength {
                expected: 2,
                found: 1
            }
        );
    }

    #[test]
    fn unknown_fields_are_reported() {
        let mut v = minimal();
        v["startet_kl"] = json!("x");
        let n = normalise(&v, &cat(), false).unwrap();
        assert_eq!(n.unknown_fields, vec!["startet_kl".to_string()]);
    }

    #[test]
    fn crlf_in_text_is_normalised() {
        let mut a = minimal();
        a["danger"] = json!("linje 1\r\nlinje 2");
        let mut b = minimal();
        b["danger"] = json!("linje 1\nlinje 2");
        assert_eq!(ok(a), ok(b));
    }
}
