//! Data-quality flags: soft problems that do not stop a record from being stored but that an
//! inspector should see (domain.md §6, "documentation defects"). Computed from the record and the
//! catalogue, never stored, so a catalogue correction shows at once.

use crate::catalogue::Catalogue;
use crate::facts::ProtocolFacts;
use serde::Serialize;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// A measure cites a provision tvang cannot resolve.
    UnknownProvision,
    /// A measure cites a pre-2023 provision (mapped to chapter 10 by the catalogue).
    LegacyProvision,
    /// A measure has no kind.
    MissingKind,
    /// A measure kind the catalogue does not know.
    UnknownKind,
    /// A measure has no end time, so its duration is unknown.
    MissingEndTime,
    MissingChildStatement,
    MissingJustification,
    MissingChildRef,
    /// No date it was forelagt statsforvalteren.
    MissingReceivedAt,
    /// Received before the incident began: a date error in the protocol.
    ReceivedBeforeIncident,
    MissingRegion,
    UnknownRegion,
    /// The child was recorded as not informed of the right to complain.
    NotInformedOfComplaintRight,
    /// A text holds a fødselsnummer or D-nummer (shown masked; see [`crate::privacy`]).
    IdentityNumber,
    /// Read from a document, with required or important fields missing or read uncertainly:
    /// check the reading against the original (`reading_to_check` lists them).
    #[serde(rename = "til_kontroll")]
    ToCheck,
    /// Read from a document that still holds the template's help text in some field.
    HelpTextLeft,
}

impl Flag {
    /// Every variant in declaration order, derived: a new variant is in it.
    pub const ALL: &'static [Flag] = <Flag as strum::VariantArray>::VARIANTS;

    /// The snake_case name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Flag::UnknownProvision => "unknown_provision",
            Flag::LegacyProvision => "legacy_provision",
            Flag::MissingKind => "missing_kind",
            Flag::UnknownKind => "unknown_kind",
            Flag::MissingEndTime => "missing_end_time",
            Flag::MissingChildStatement => "missing_child_statement",
            Flag::MissingJustification => "missing_justification",
            Flag::MissingChildRef => "missing_child_ref",
            Flag::MissingReceivedAt => "missing_received_at",
            Flag::ReceivedBeforeIncident => "received_before_incident",
            Flag::MissingRegion => "missing_region",
            Flag::UnknownRegion => "unknown_region",
            Flag::NotInformedOfComplaintRight => "not_informed_of_complaint_right",
            Flag::IdentityNumber => "identity_number",
            Flag::ToCheck => "til_kontroll",
            Flag::HelpTextLeft => "help_text_left",
        }
    }

    pub fn from_name(name: &str) -> Option<Flag> {
        Flag::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// The data-quality flags of a protocol (or a view of its facts), in [`Flag::ALL`] order.
pub fn quality_flags<P: ProtocolFacts>(p: &P, catalogue: &Catalogue) -> Vec<Flag> {
    let mut flags = Vec::new();
    let provisions: Vec<_> = p
        .measure_views()
        .map(|m| catalogue.resolve_provision(m.provision))
        .collect();
    if provisions.iter().any(Option::is_none) {
        flags.push(Flag::UnknownProvision);
    }
    if provisions.iter().flatten().any(|prov| prov.legacy) {
        flags.push(Flag::LegacyProvision);
    }
    if p.measure_views().any(|m| m.kind.is_none()) {
        flags.push(Flag::MissingKind);
    }
    if p.measure_views()
        .filter_map(|m| m.kind)
        .any(|k| catalogue.kind(k).is_none())
    {
        flags.push(Flag::UnknownKind);
    }
    if p.measure_views().any(|m| m.ended_at.is_none()) {
        flags.push(Flag::MissingEndTime);
    }
    if !p.has_child_statement() {
        flags.push(Flag::MissingChildStatement);
    }
    if !p.has_justification() {
        flags.push(Flag::MissingJustification);
    }
    if p.child_ref().is_none() {
        flags.push(Flag::MissingChildRef);
    }
    match p.received_at() {
        None => flags.push(Flag::MissingReceivedAt),
        Some(r) if r.oslo_date() < p.incident_date() => flags.push(Flag::ReceivedBeforeIncident),
        Some(_) => {}
    }
    match p.region() {
        None => flags.push(Flag::MissingRegion),
        Some(r) if catalogue.region(r).is_none() => flags.push(Flag::UnknownRegion),
        Some(_) => {}
    }
    if p.informed_of_complaint_right() == Some(false) {
        flags.push(Flag::NotInformedOfComplaintRight);
    }
    if p.has_identity_number() {
        flags.push(Flag::IdentityNumber);
    }
    if p.has_reading_to_check() {
        flags.push(Flag::ToCheck);
    }
    if p.has_help_text_left() {
        flags.push(Flag::HelpTextLeft);
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::record::{normalise, Record};
    use serde_json::json;

    fn flags_of(v: serde_json::Value) -> Vec<Flag> {
        let c = Catalogue::built_in();
        let Record::Protocol(p, _) = normalise(&v, &c, false).unwrap().record else {
            panic!()
        };
        quality_flags(&*p, &c)
    }

    #[test]
    fn a_complete_protocol_has_no_flags() {
        let v = json!({"protocol_id": "1", "institution": "Lia", "region": "vestland",
            "child_ref": "B-1", "provision": "bvl § 10-7", "kind": "fastholding",
            "started_at": "2023-05-02 14:30", "ended_at": "2023-05-02 14:40",
            "justification": "Forsøkte å snakke.", "child_statement": "Ok.",
            "informed_of_complaint_right": true, "received_at": "2023-05-04"});
        assert_eq!(flags_of(v), vec![]);
    }

    #[test]
    fn a_minimal_protocol_gets_every_missing_flag() {
        let v = json!({"protocol_id": "1", "institution": "Lia", "provision": "nødrett",
            "started_at": "2023-05-02 14:30", "informed_of_complaint_right": false,
            "region": "Atlantis", "received_at": "2023-05-01"});
        assert_eq!(
            flags_of(v),
            vec![
                Flag::UnknownProvision,
                Flag::MissingKind,
                Flag::MissingEndTime,
                Flag::MissingChildStatement,
                Flag::MissingJustification,
                Flag::MissingChildRef,
                Flag::ReceivedBeforeIncident,
                Flag::UnknownRegion,
                Flag::NotInformedOfComplaintRight,
            ]
        );
    }

    #[test]
    fn names_round_trip() {
        for f in Flag::ALL.iter().copied() {
            assert_eq!(Flag::from_name(f.name()), Some(f));
            assert_eq!(serde_json::to_value(f).unwrap(), f.name());
        }
    }
}
