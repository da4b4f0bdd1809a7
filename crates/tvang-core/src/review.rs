//! The inspector's work on a record: review status, classification, tags and annotations.
//!
//! Imported fields are never edited: everything an inspector decides lives here, beside the
//! record, as a [`Review`]. Every edit is a [`Change`]; applying one returns its inverse, which is
//! what undo applies. The store writes each change to the audit log ([`crate::audit`]: who, when, old → new)
//! in one atomic, flushed batch.

use crate::model::Outcome;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Protocol,
    Complaint,
}

/// A stored record: its kind and store id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordRef {
    pub kind: RecordKind,
    pub id: u64,
}

impl RecordRef {
    pub fn protocol(id: u64) -> RecordRef {
        RecordRef {
            kind: RecordKind::Protocol,
            id,
        }
    }

    pub fn complaint(id: u64) -> RecordRef {
        RecordRef {
            kind: RecordKind::Complaint,
            id,
        }
    }
}

/// Review status. Protocols: `ny` → `gjennomgått` | `oppfølging`; complaints: `mottatt` →
/// `under_behandling` → `avgjort`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ny,
    Gjennomgatt,
    Oppfolging,
    Mottatt,
    UnderBehandling,
    Avgjort,
}

impl Status {
    pub const PROTOCOL: [Status; 3] = [Status::Ny, Status::Gjennomgatt, Status::Oppfolging];
    pub const COMPLAINT: [Status; 3] = [Status::Mottatt, Status::UnderBehandling, Status::Avgjort];

    pub fn applies_to(self, kind: RecordKind) -> bool {
        match kind {
            RecordKind::Protocol => Status::PROTOCOL.contains(&self),
            RecordKind::Complaint => Status::COMPLAINT.contains(&self),
        }
    }

    /// Whether the record still needs work: what "open" counts mean.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Ny | Status::Oppfolging | Status::Mottatt | Status::UnderBehandling
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Ny => "ny",
            Status::Gjennomgatt => "gjennomgatt",
            Status::Oppfolging => "oppfolging",
            Status::Mottatt => "mottatt",
            Status::UnderBehandling => "under_behandling",
            Status::Avgjort => "avgjort",
        }
    }

    pub fn from_name(name: &str) -> Option<Status> {
        Status::PROTOCOL
            .into_iter()
            .chain(Status::COMPLAINT)
            .find(|s| s.name() == name)
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    Oppfylt,
    IkkeOppfylt,
    /// Mangler dokumentasjon.
    IkkeVurderbar,
    /// The condition does not apply to this measure (an isolation requirement for a search, a
    /// § 10-7 condition for a § 10-9 confiscation).
    IkkeAktuelt,
}

impl Assessment {
    /// Every variant in declaration order, derived: a new variant is in it.
    pub const ALL: &'static [Assessment] = <Assessment as strum::VariantArray>::VARIANTS;
}

/// The inspector's assessment of one condition of the checklist ([`crate::checklist`]), with
/// the reason for it in the inspector's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub assessment: Assessment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Check {
    pub fn new(assessment: Assessment) -> Check {
        Check {
            assessment,
            reason: None,
        }
    }

    pub fn because(assessment: Assessment, reason: impl Into<String>) -> Check {
        Check {
            assessment,
            reason: Some(reason.into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    pub author: String,
    pub at: DateTime<Utc>,
    /// The field remarked on (`justification`), or none for a note on the whole record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub text: String,
}

/// Everything the inspectors decided about one record. The default is an untouched record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// None until an inspector sets one: the record then has its initial status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The statsforvalter's decision on a complaint, recorded here (not in the imported record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The decision's date as recorded: the day the outcome was set, unless the inspector gave
    /// another ([`crate::decision::check_day`]). Reviews from before it was kept have none: their
    /// decision is dated by the audit trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<NaiveDate>,
    /// Who decided (the inspector who set the outcome, unless someone else is named).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    /// The statsforvalter's reasons for the decision, in the inspector's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<String>,
    /// Condition id (the catalogue's, `bvl-10-7.akutt_fare`) → the inspector's assessment.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checklist: BTreeMap<String, Check>,
    /// The provision the institution should have cited, when it got it wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_provision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_kind: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
    /// A protocol read from a document: the inspector has checked the reading against the
    /// original, which clears its `til_kontroll` mark in the queue.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reading_checked: bool,
    /// Fields the inspector corrected after checking a document's reading: field → the value
    /// the document holds. The value as read stays on the record beside it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub corrections: BTreeMap<String, String>,
}

/// One edit of a review. Applying it returns its inverse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Status(Option<Status>),
    Outcome(Option<Outcome>),
    DecidedOn(Option<NaiveDate>),
    DecidedBy(Option<String>),
    Reasons(Option<String>),
    /// A condition's assessment (by condition id), or none: not assessed.
    Check(String, Option<Check>),
    CorrectedProvision(Option<String>),
    CorrectedKind(Option<String>),
    AddTag(String),
    RemoveTag(String),
    Annotate(Annotation),
    /// Removes the last annotation if it equals this one (the inverse of `Annotate`).
    Unannotate(Annotation),
    ReadingChecked(bool),
    /// A field's corrected value (`None`: back to the value as read).
    Correct(String, Option<String>),
    /// A complaint linked to the protocol it concerns (by protocol id, at its institution): not
    /// a review field but a new version of the complaint record ([`crate::store::Store::apply_changes`]),
    /// so every count and view that follows a complaint to its protocol follows the link.
    LinkProtocol(String),
}

impl Change {
    /// The name of the field it changes, as the audit trail records it.
    pub fn field(&self) -> String {
        match self {
            Change::Status(_) => "status".into(),
            Change::Outcome(_) => "outcome".into(),
            Change::DecidedOn(_) => "decided_on".into(),
            Change::DecidedBy(_) => "decided_by".into(),
            Change::Reasons(_) => "reasons".into(),
            Change::Check(condition, _) => format!("checklist.{condition}"),
            Change::CorrectedProvision(_) => "corrected_provision".into(),
            Change::CorrectedKind(_) => "corrected_kind".into(),
            Change::AddTag(_) | Change::RemoveTag(_) => "tags".into(),
            Change::Annotate(_) | Change::Unannotate(_) => "annotations".into(),
            Change::ReadingChecked(_) => "reading_checked".into(),
            Change::Correct(field, _) => format!("corrections.{field}"),
            Change::LinkProtocol(_) => "protocol_id".into(),
        }
    }
}

/// The snake_case JSON name of a unit enum value.
pub fn json_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn shown<T: Serialize>(value: &Option<T>) -> String {
    value.as_ref().map(json_name).unwrap_or_default()
}

/// An assessment as the audit trail records it: `ikke_oppfylt`, with its reason after a colon.
fn shown_check(check: &Option<Check>) -> String {
    match check {
        None => String::new(),
        Some(Check {
            assessment,
            reason: None,
        }) => json_name(assessment),
        Some(Check {
            assessment,
            reason: Some(reason),
        }) => format!("{}: {reason}", json_name(assessment)),
    }
}

/// Sets an optional text field; the inverse change (made by `inverse` from the old value) and
/// the old and new texts, or None when nothing changed.
fn replace_text(
    slot: &mut Option<String>,
    new: &Option<String>,
    inverse: fn(Option<String>) -> Change,
) -> Option<(Change, String, String)> {
    let old = std::mem::replace(slot, new.clone());
    (old != *new).then(|| {
        let (o, n) = (
            old.clone().unwrap_or_default(),
            new.clone().unwrap_or_default(),
        );
        (inverse(old), o, n)
    })
}

impl Review {
    /// Applies a change. Returns its inverse and the old and new values for the audit trail, or
    /// None when the change would change nothing.
    pub fn apply(&mut self, change: &Change) -> Option<(Change, String, String)> {
        match change {
            Change::Status(new) => {
                let old = std::mem::replace(&mut self.status, *new);
                (old != *new).then(|| (Change::Status(old), shown(&old), shown(new)))
            }
            Change::Outcome(new) => {
                let old = std::mem::replace(&mut self.outcome, *new);
                (old != *new).then(|| (Change::Outcome(old), shown(&old), shown(new)))
            }
            Change::DecidedOn(new) => {
                let old = std::mem::replace(&mut self.decided_on, *new);
                let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
                (old != *new).then(|| (Change::DecidedOn(old), day(old), day(*new)))
            }
            Change::DecidedBy(new) => replace_text(&mut self.decided_by, new, Change::DecidedBy),
            Change::Reasons(new) => replace_text(&mut self.reasons, new, Change::Reasons),
            Change::Check(condition, new) => {
                let old = match new {
                    Some(check) => self.checklist.insert(condition.clone(), check.clone()),
                    None => self.checklist.remove(condition),
                };
                (old != *new).then(|| {
                    let (o, n) = (shown_check(&old), shown_check(new));
                    (Change::Check(condition.clone(), old), o, n)
                })
            }
            Change::CorrectedProvision(new) => replace_text(
                &mut self.corrected_provision,
                new,
                Change::CorrectedProvision,
            ),
            Change::CorrectedKind(new) => {
                replace_text(&mut self.corrected_kind, new, Change::CorrectedKind)
            }
            Change::AddTag(tag) => self
                .tags
                .insert(tag.clone())
                .then(|| (Change::RemoveTag(tag.clone()), String::new(), tag.clone())),
            Change::RemoveTag(tag) => self
                .tags
                .remove(tag)
                .then(|| (Change::AddTag(tag.clone()), tag.clone(), String::new())),
            Change::ReadingChecked(new) => {
                let old = std::mem::replace(&mut self.reading_checked, *new);
                let yes_no = |b: bool| if b { "ja" } else { "nei" }.to_string();
                (old != *new).then(|| (Change::ReadingChecked(old), yes_no(old), yes_no(*new)))
            }
            Change::Correct(field, new) => {
                let old = self.corrections.get(field).cloned();
                if old == *new {
                    return None;
                }
                match new {
                    Some(v) => self.corrections.insert(field.clone(), v.clone()),
                    None => self.corrections.remove(field),
                };
                Some((
                    Change::Correct(field.clone(), old.clone()),
                    old.unwrap_or_default(),
                    new.clone().unwrap_or_default(),
                ))
            }
            // The store applies it to the complaint itself.
            Change::LinkProtocol(_) => None,
            Change::Annotate(a) => {
                self.annotations.push(a.clone());
                Some((Change::Unannotate(a.clone()), String::new(), a.text.clone()))
            }
            Change::Unannotate(a) => {
                if self.annotations.last() == Some(a) {
                    self.annotations.pop();
                    Some((Change::Annotate(a.clone()), a.text.clone(), String::new()))
                } else {
                    None
                }
            }
        }
    }

    /// The status in force: the inspector's, else the initial one (a complaint imported with an
    /// outcome is already decided).
    pub fn status_for(&self, kind: RecordKind, imported_outcome: Option<Outcome>) -> Status {
        match (self.status, kind) {
            (Some(s), _) => s,
            (None, RecordKind::Protocol) => Status::Ny,
            (None, RecordKind::Complaint) if imported_outcome.is_some() => Status::Avgjort,
            (None, RecordKind::Complaint) => Status::Mottatt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_belongs_to_exactly_one_kind() {
        use strum::VariantArray;
        for s in Status::VARIANTS {
            let kinds = [Status::PROTOCOL.contains(s), Status::COMPLAINT.contains(s)];
            assert_eq!(kinds.iter().filter(|k| **k).count(), 1, "{s:?}");
        }
        assert_eq!(
            Status::PROTOCOL.len() + Status::COMPLAINT.len(),
            Status::VARIANTS.len()
        );
    }

    fn note(text: &str) -> Annotation {
        Annotation {
            author: "inspektør".into(),
            at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            field: Some("justification".into()),
            text: text.into(),
        }
    }

    #[test]
    fn every_change_is_undone_by_its_inverse() {
        let changes = [
            Change::Status(Some(Status::Gjennomgatt)),
            Change::Outcome(Some(Outcome::DelvisMedhold)),
            Change::DecidedOn(Some("2026-11-20".parse().unwrap())),
            Change::DecidedBy(Some("Kari Nordmann".into())),
            Change::Reasons(Some("Faren var over da holdingen fortsatte.".into())),
            Change::Check(
                "bvl-10-7.strengt_nodvendig".into(),
                Some(Check::because(
                    Assessment::IkkeOppfylt,
                    "Ingen mildere tiltak forsøkt.",
                )),
            ),
            Change::CorrectedProvision(Some("bvl § 10-8".into())),
            Change::CorrectedKind(Some("isolasjon".into())),
            Change::AddTag("gjentatt".into()),
            Change::Annotate(note("Begrunnelsen mangler milder tiltak.")),
            Change::ReadingChecked(true),
            Change::Correct("police".into(), Some("sammen med ansatte".into())),
        ];
        let mut review = Review::default();
        review.tags.insert("eldre".into());
        for change in &changes {
            let before = review.clone();
            let (inverse, _, _) = review.apply(change).expect("changes something");
            assert_ne!(review, before);
            review.apply(&inverse).expect("inverse changes something");
            assert_eq!(review, before, "{change:?}");
        }
    }

    #[test]
    fn a_change_to_the_same_value_is_no_change() {
        let mut review = Review::default();
        assert!(review.apply(&Change::Status(None)).is_none());
        assert!(review.apply(&Change::RemoveTag("x".into())).is_none());
        review.apply(&Change::AddTag("x".into())).unwrap();
        assert!(review.apply(&Change::AddTag("x".into())).is_none());
    }

    #[test]
    fn audit_values_name_the_old_and_new() {
        let mut review = Review::default();
        let (_, old, new) = review
            .apply(&Change::Outcome(Some(Outcome::IkkeMedhold)))
            .unwrap();
        assert_eq!((old.as_str(), new.as_str()), ("", "ikke_medhold"));
        let c = Change::Check(
            "bvl-10-7.opphort_straks".into(),
            Some(Check::new(Assessment::IkkeVurderbar)),
        );
        assert_eq!(c.field(), "checklist.bvl-10-7.opphort_straks");
        let (_, _, new) = review.apply(&c).unwrap();
        assert_eq!(new, "ikke_vurderbar");
        let c = Change::Check(
            "bvl-10-7.opphort_straks".into(),
            Some(Check::because(Assessment::IkkeOppfylt, "45 min")),
        );
        let (_, old, new) = review.apply(&c).unwrap();
        assert_eq!(
            (old.as_str(), new.as_str()),
            ("ikke_vurderbar", "ikke_oppfylt: 45 min")
        );
    }

    #[test]
    fn initial_status_depends_on_kind_and_imported_outcome() {
        let r = Review::default();
        assert_eq!(r.status_for(RecordKind::Protocol, None), Status::Ny);
        assert_eq!(r.status_for(RecordKind::Complaint, None), Status::Mottatt);
        assert_eq!(
            r.status_for(RecordKind::Complaint, Some(Outcome::Avvist)),
            Status::Avgjort
        );
        assert!(Status::Gjennomgatt.applies_to(RecordKind::Protocol));
        assert!(!Status::Gjennomgatt.applies_to(RecordKind::Complaint));
        assert_eq!(
            Status::from_name("under_behandling"),
            Some(Status::UnderBehandling)
        );
    }
}
