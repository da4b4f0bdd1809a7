//! Data-quality flags: soft problems that do not stop a record from being stored but that an
//! inspector should see (domain.md §6, "documentation defects"). Computed from the record and the
//! catalogue, never stored, so a catalogue correction shows at once.

use crate::catalogue::{Catalogue, Provision};
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
    /// Written after the day it was forelagt statsforvalteren: one of the dates is wrong, or
    /// the protocol was written afterwards.
    WrittenAfterReceived,
    /// A measure lasted longer than its provision allows: § 10-9 over 14 days (devices may be
    /// held 4 weeks from the child's arrival: to check).
    OverTimeLimit,
    /// A measure under a provision for particular placements (§ 10-9) for a child whose
    /// placement basis is not one of them (voluntary, § 5-1, …).
    PlacementBasisMismatch,
    /// A measure cites a law that was not in force on the day of the measure (the 2021 Act
    /// before 2023, the 1992 Act or the 2011 regulation after 2022).
    ProvisionNotInForce,
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
            Flag::WrittenAfterReceived => "written_after_received",
            Flag::OverTimeLimit => "over_time_limit",
            Flag::PlacementBasisMismatch => "placement_basis_mismatch",
            Flag::ProvisionNotInForce => "provision_not_in_force",
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
    if written_after_received(p) {
        flags.push(Flag::WrittenAfterReceived);
    }
    if over_time_limit(p, &provisions) {
        flags.push(Flag::OverTimeLimit);
    }
    if placement_basis_mismatch(p, &provisions) {
        flags.push(Flag::PlacementBasisMismatch);
    }
    if provision_not_in_force(p, &provisions, catalogue) {
        flags.push(Flag::ProvisionNotInForce);
    }
    flags
}

/// Written on a later day (Oslo) than it was forelagt statsforvalteren.
pub fn written_after_received<P: ProtocolFacts>(p: &P) -> bool {
    match (p.written_at(), p.received_at()) {
        (Some(w), Some(r)) => w.oslo_date() > r.oslo_date(),
        _ => false,
    }
}

/// A measure with an end that lasted longer than its provision's `time_limit_days`.
/// `provisions` are the measures' provisions as resolved, in measure order (the callers have
/// them already: resolving is the costly part on the queue's 100,000 protocols).
pub fn over_time_limit<P: ProtocolFacts>(p: &P, provisions: &[Option<&Provision>]) -> bool {
    p.measure_views().zip(provisions).any(|(m, prov)| {
        let limit = prov.and_then(|prov| prov.time_limit_days);
        match (limit, m.ended_at) {
            (Some(days), Some(end)) => end - m.started_at > chrono::Duration::days(i64::from(days)),
            _ => false,
        }
    })
}

/// A measure under a provision that is only for some placements, and a placement basis that
/// is known and not one of them: it says «frivillig», or it cites sections of which none is
/// listed. A basis that cites no section and is not voluntary is not judged.
pub fn placement_basis_mismatch<P: ProtocolFacts>(
    p: &P,
    provisions: &[Option<&Provision>],
) -> bool {
    let Some(basis) = p.placement_basis() else {
        return false;
    };
    let allowed: Vec<&str> = provisions
        .iter()
        .flatten()
        .flat_map(|prov| prov.placement_sections.iter().map(String::as_str))
        .collect();
    if allowed.is_empty() {
        return false;
    }
    let cited = sections_in(basis);
    if crate::fold::fold(basis).contains("frivillig") {
        return !cited.iter().any(|s| allowed.contains(s));
    }
    !cited.is_empty() && !cited.iter().any(|s| allowed.contains(s))
}

/// The chapter-style sections a text cites: `bvl § 6-2 og § 4-24` → `6-2`, `4-24`.
fn sections_in(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < bytes.len() && bytes[i] == b'-' && bytes[i + 1].is_ascii_digit() {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            out.push(&text[start..i]);
        }
    }
    out
}

/// A measure citing a law the catalogue says was not in force on the day the measure began.
pub fn provision_not_in_force<P: ProtocolFacts>(
    p: &P,
    provisions: &[Option<&Provision>],
    catalogue: &Catalogue,
) -> bool {
    p.measure_views().zip(provisions).any(|(m, prov)| {
        prov.and_then(|prov| catalogue.laws.iter().find(|l| l.id == prov.law))
            .is_some_and(|law| !law.in_force_on(crate::time::oslo_date(&m.started_at)))
    })
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

    /// A complete § 10-7 protocol of 2023, with `extra` fields over it.
    fn protocol(extra: serde_json::Value) -> serde_json::Value {
        let mut v = json!({"protocol_id": "1", "institution": "Lia", "region": "vestland",
            "child_ref": "B-1", "provision": "bvl § 10-7", "kind": "fastholding",
            "started_at": "2023-05-02 14:30", "ended_at": "2023-05-02 14:40",
            "justification": "Forsøkte å snakke.", "child_statement": "Ok.",
            "informed_of_complaint_right": true, "received_at": "2023-05-04"});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    }

    #[test]
    fn written_after_it_was_forelagt() {
        let on = |written: &str| {
            flags_of(protocol(json!({"written_at": written}))).contains(&Flag::WrittenAfterReceived)
        };
        assert!(on("2023-05-05"));
        assert!(!on("2023-05-04 23:50"), "the same day is not later");
        assert!(!on("2023-05-03"));
        assert!(!flags_of(protocol(json!({}))).contains(&Flag::WrittenAfterReceived));
    }

    #[test]
    fn a_section_10_9_measure_beyond_its_limit() {
        let restriction = |kind: &str, end: &str| {
            flags_of(protocol(json!({"provision": "bvl § 10-9", "kind": kind,
                "placement_basis": "bvl § 6-2",
                "started_at": "2023-05-01 12:00", "ended_at": end, "received_at": "2023-06-20"})))
            .contains(&Flag::OverTimeLimit)
        };
        assert!(
            !restriction("besoksbegrensning", "2023-05-15 12:00"),
            "14 days exactly"
        );
        assert!(restriction("besoksbegrensning", "2023-05-15 12:01"));
        // Devices too: their 4 weeks run from the child's arrival, which the protocol does not
        // give, so the inspector is asked to check.
        assert!(restriction(
            "inndragning_kommunikasjonsmiddel",
            "2023-05-22 12:00"
        ));
        // § 10-7 has no limit in days (its own rule is «straks», a triage flag).
        let holding = flags_of(protocol(json!({"ended_at": "2023-05-20 14:40",
            "received_at": "2023-05-21"})));
        assert!(!holding.contains(&Flag::OverTimeLimit));
    }

    #[test]
    fn section_10_9_for_a_placement_it_is_not_for() {
        let basis = |b: &str| {
            flags_of(protocol(
                json!({"provision": "bvl § 10-9", "kind": "besoksbegrensning",
                "placement_basis": b, "ended_at": "2023-05-09 12:00", "received_at": "2023-05-10"}),
            ))
            .contains(&Flag::PlacementBasisMismatch)
        };
        assert!(basis("frivillig plassering"));
        assert!(basis("bvl § 5-1"));
        assert!(basis("Frivillig, bvl § 5-1"));
        assert!(!basis("bvl § 6-2"));
        assert!(!basis("barnevernloven 1992 § 4-24"));
        assert!(!basis("atferd"), "no section and not voluntary: not judged");
        // § 10-7 is for every child.
        let acute = flags_of(protocol(json!({"placement_basis": "frivillig plassering"})));
        assert!(!acute.contains(&Flag::PlacementBasisMismatch));
        assert_eq!(sections_in("§§ 6-2 og 4-24, jf. 1992"), ["6-2", "4-24"]);
    }

    #[test]
    fn a_law_cited_on_a_day_it_was_not_in_force() {
        let cited = |provision: &str, day: &str| {
            flags_of(protocol(json!({"provision": provision,
                "started_at": format!("{day} 14:30"), "ended_at": format!("{day} 14:40"),
                "received_at": day})))
            .contains(&Flag::ProvisionNotInForce)
        };
        assert!(cited("bvl § 10-7", "2022-12-31"));
        assert!(!cited("bvl § 10-7", "2023-01-01"));
        assert!(!cited("rettighetsforskriften § 22", "2022-12-31"));
        assert!(cited("rettighetsforskriften § 22", "2023-01-01"));
    }

    #[test]
    fn names_round_trip() {
        for f in Flag::ALL.iter().copied() {
            assert_eq!(Flag::from_name(f.name()), Some(f));
            assert_eq!(serde_json::to_value(f).unwrap(), f.name());
        }
    }
}
