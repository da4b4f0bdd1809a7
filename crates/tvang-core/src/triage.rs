//! Triage flags: what makes a protocol serious enough to read first (domain.md §6).
//!
//! Unlike the data-quality flags ([`crate::flags`]), some rules look across protocols (repeated
//! coercion of the same child), so they are computed for the whole set at once. The limits are
//! configurable ([`TriageRules`]); the TUI only shows the result.

use crate::catalogue::Catalogue;
use crate::facts::ProtocolFacts;
use crate::model::{institution_key, Injury, Police};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

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
pub enum TriageFlag {
    /// The child or staff were injured.
    Injury,
    Isolation,
    Police,
    /// A § 10-7 measure lasted longer than the configured limit.
    LongDuration,
    SeveralMeasures,
    /// The same child was coerced at least N times within M days.
    Repeated,
    /// Received by the statsforvalter more than N days after the incident.
    Late,
    MissingChildStatement,
    NotInformedOfComplaintRight,
    UnknownProvision,
    /// The narrative is near-identical to an earlier protocol's for the same child.
    SimilarNarrative,
    /// Read from a document with fields missing or uncertain, and not yet checked against it.
    ToCheck,
    /// The consistency checks of [`crate::flags`], in the queue too: written after it was
    /// forelagt; a measure over its time limit; § 10-9 for a placement it is not for; a law not
    /// in force on the day.
    WrittenAfterReceived,
    OverTimeLimit,
    PlacementBasisMismatch,
    ProvisionNotInForce,
    /// The protocol says the child wanted to complain, and no complaint has come within the
    /// configured number of weeks of the incident.
    ComplaintExpected,
    /// The same child (by reference) in isolation at two institutions on the same day: one of
    /// the protocols names the wrong child or date, or the child was moved and isolated again.
    IsolatedTwiceSameDay,
}

impl TriageFlag {
    /// Every variant in declaration order, derived: a new variant is in it.
    pub const ALL: &'static [TriageFlag] = <TriageFlag as strum::VariantArray>::VARIANTS;

    fn bit(self) -> u32 {
        1 << (self as u32)
    }

    pub fn name(self) -> String {
        crate::review::json_name(&self)
    }

    pub fn from_name(name: &str) -> Option<TriageFlag> {
        // The import's flag name for the same thing (`tvang list --flag til_kontroll`).
        if name == "til_kontroll" {
            return Some(TriageFlag::ToCheck);
        }
        TriageFlag::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// A set of triage flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Flags(u32);

impl Flags {
    pub fn insert(&mut self, f: TriageFlag) {
        self.0 |= f.bit();
    }

    pub fn contains(self, f: TriageFlag) -> bool {
        self.0 & f.bit() != 0
    }

    pub fn contains_all(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn remove(&mut self, f: TriageFlag) {
        self.0 &= !f.bit();
    }

    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    pub fn iter(self) -> impl Iterator<Item = TriageFlag> {
        TriageFlag::ALL
            .iter()
            .copied()
            .filter(move |f| self.contains(*f))
    }
}

impl FromIterator<TriageFlag> for Flags {
    fn from_iter<I: IntoIterator<Item = TriageFlag>>(iter: I) -> Flags {
        let mut flags = Flags::default();
        for f in iter {
            flags.insert(f);
        }
        flags
    }
}

/// The configurable limits of the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TriageRules {
    /// A § 10-7 measure longer than this is flagged.
    pub duration_limit_minutes: i64,
    /// At least this many protocols for the same child …
    pub repeat_count: usize,
    /// … within this many days.
    pub repeat_window_days: i64,
    /// Received more than this many days after the incident.
    pub late_days: i64,
    /// A complaint is due this many months after it was received (the statsforvalter's own
    /// target; [`crate::deadline`]).
    pub complaint_target_months: u32,
    /// A protocol whose child wanted to complain is flagged when no complaint has come this
    /// many weeks after the incident.
    pub complaint_wait_weeks: u32,
}

impl Default for TriageRules {
    fn default() -> TriageRules {
        TriageRules {
            duration_limit_minutes: 30,
            repeat_count: 3,
            repeat_window_days: 30,
            late_days: 7,
            complaint_target_months: 1,
            complaint_wait_weeks: 4,
        }
    }
}

/// Whether a provision is (or, for a legacy one, maps only to) § 10-7.
fn is_acute_danger(p: &crate::catalogue::Provision) -> bool {
    p.id == "bvl-10-7" || (p.legacy && p.maps_to.len() == 1 && p.maps_to[0] == "bvl-10-7")
}

/// Days from the incident to its receipt, if both are known.
pub fn days_to_receipt<P: ProtocolFacts>(p: &P) -> Option<i64> {
    Some((p.received_at()?.oslo_date() - p.incident_date()).num_days())
}

/// The flags of one protocol that need no other protocol (all but [`TriageFlag::Repeated`] and
/// [`TriageFlag::SimilarNarrative`]).
pub fn own_flags<P: ProtocolFacts>(p: &P, catalogue: &Catalogue, rules: &TriageRules) -> Flags {
    let mut flags = Flags::default();
    if matches!(
        p.injury(),
        Some(Injury::Child | Injury::Staff | Injury::Both)
    ) {
        flags.insert(TriageFlag::Injury);
    }
    if matches!(p.police(), Some(Police::WithStaff | Police::Alone)) {
        flags.insert(TriageFlag::Police);
    }
    let limit = chrono::Duration::minutes(rules.duration_limit_minutes);
    // Resolved once here for every check that reads them.
    let provisions: Vec<_> = p
        .measure_views()
        .map(|m| catalogue.resolve_provision(m.provision))
        .collect();
    let mut measures = 0;
    for (m, &provision) in p.measure_views().zip(&provisions) {
        measures += 1;
        if m.kind == Some("isolasjon") {
            flags.insert(TriageFlag::Isolation);
        }
        if provision.is_none() {
            flags.insert(TriageFlag::UnknownProvision);
        }
        let long = m.ended_at.is_some_and(|end| end - m.started_at > limit);
        if long && provision.is_some_and(is_acute_danger) {
            flags.insert(TriageFlag::LongDuration);
        }
    }
    if measures > 1 {
        flags.insert(TriageFlag::SeveralMeasures);
    }
    if days_to_receipt(p).is_some_and(|d| d > rules.late_days) {
        flags.insert(TriageFlag::Late);
    }
    if !p.has_child_statement() {
        flags.insert(TriageFlag::MissingChildStatement);
    }
    if p.informed_of_complaint_right() == Some(false) {
        flags.insert(TriageFlag::NotInformedOfComplaintRight);
    }
    // Cleared in the queue once the inspector has checked the reading (a review, not a fact).
    if p.has_reading_to_check() {
        flags.insert(TriageFlag::ToCheck);
    }
    if crate::flags::written_after_received(p) {
        flags.insert(TriageFlag::WrittenAfterReceived);
    }
    if crate::flags::over_time_limit(p, &provisions) {
        flags.insert(TriageFlag::OverTimeLimit);
    }
    if crate::flags::placement_basis_mismatch(p, &provisions) {
        flags.insert(TriageFlag::PlacementBasisMismatch);
    }
    if crate::flags::provision_not_in_force(p, &provisions, catalogue) {
        flags.insert(TriageFlag::ProvisionNotInForce);
    }
    flags
}

/// Whether a protocol whose child wanted to complain, with `complaints` complaints on it,
/// waits for a complaint that has not come: none, and `today` is past the configured weeks
/// after the incident.
pub fn complaint_expected<P: ProtocolFacts>(
    p: &P,
    complaints: usize,
    today: chrono::NaiveDate,
    rules: &TriageRules,
) -> bool {
    // The cheap conditions first: the incident's day is a time-zone conversion.
    p.wants_to_complain() == Some(true)
        && complaints == 0
        && today - p.incident_date()
            > chrono::Duration::weeks(i64::from(rules.complaint_wait_weeks))
}

/// Narratives whose fingerprints differ in at most this many of 64 bits are near-identical.
pub const SIMILAR_BITS: u32 = 3;

/// The flags of every protocol, in the order given. `narratives` holds each protocol's
/// narrative fingerprint ([`crate::facts::narrative_fingerprint`]), if known.
pub fn triage<P: ProtocolFacts>(
    protocols: &[&P],
    narratives: &[Option<u64>],
    catalogue: &Catalogue,
    rules: &TriageRules,
) -> Vec<Flags> {
    let mut flags: Vec<Flags> = protocols
        .iter()
        .map(|p| own_flags(*p, catalogue, rules))
        .collect();
    for group in by_child(protocols) {
        for i in repeated(&group, rules) {
            flags[i].insert(TriageFlag::Repeated);
        }
        for i in similar(&group, narratives) {
            flags[i].insert(TriageFlag::SimilarNarrative);
        }
    }
    for i in isolated_twice_same_day(protocols) {
        flags[i].insert(TriageFlag::IsolatedTwiceSameDay);
    }
    flags
}

/// The protocols with an isolation of a child that another institution's protocol also
/// isolated on the same (Oslo) day. A child is known by its reference: references read from
/// documents are keyed pseudonyms of the child's number, the same at every institution.
fn isolated_twice_same_day<P: ProtocolFacts>(protocols: &[&P]) -> Vec<usize> {
    let mut by_day: FxHashMap<(&str, chrono::NaiveDate), Vec<usize>> = FxHashMap::default();
    for (i, p) in protocols.iter().enumerate() {
        let Some(child) = p.child_ref() else {
            continue;
        };
        for m in p.measure_views().filter(|m| m.kind == Some("isolasjon")) {
            let day = crate::time::oslo_date(&m.started_at);
            by_day.entry((child, day)).or_default().push(i);
        }
    }
    // The institutions' identities only where a child has two isolations that day.
    let inst =
        |i: usize| institution_key(protocols[i].institution(), protocols[i].institution_id());
    let mut out: Vec<usize> = by_day
        .into_values()
        .filter(|g| g.len() > 1 && g.iter().any(|&i| inst(i) != inst(g[0])))
        .flatten()
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Protocols grouped by child (institution and child reference), each group sorted by time:
/// (incident time, index).
fn by_child<P: ProtocolFacts>(protocols: &[&P]) -> Vec<Vec<(i64, usize)>> {
    // The institution's identity (org.nr, else its folded name), with each distinct name folded
    // once rather than once per protocol.
    let mut folded: FxHashMap<&str, String> = FxHashMap::default();
    for p in protocols.iter().filter(|p| p.institution_id().is_none()) {
        folded
            .entry(p.institution())
            .or_insert_with(|| institution_key(p.institution(), None));
    }
    let mut groups: FxHashMap<(&str, &str), Vec<(i64, usize)>> = FxHashMap::default();
    for (i, p) in protocols.iter().enumerate() {
        if let Some(child) = p.child_ref() {
            let inst = match p.institution_id() {
                Some(org) => org,
                None => folded[p.institution()].as_str(),
            };
            groups
                .entry((inst, child))
                .or_default()
                .push((p.incident_at().timestamp(), i));
        }
    }
    groups
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort_unstable();
            g
        })
        .collect()
}

/// Indices of a child's protocols that lie in a window of `repeat_window_days` holding at least
/// `repeat_count` protocols.
fn repeated(times: &[(i64, usize)], rules: &TriageRules) -> Vec<usize> {
    let window = rules.repeat_window_days * 86_400;
    let need = rules.repeat_count.max(1);
    if times.len() < need {
        return Vec::new();
    }
    // Two pointers: for each start, the furthest protocol within the window; every protocol of a
    // window that holds enough is flagged.
    let mut flagged = vec![false; times.len()];
    let mut end = 0;
    for start in 0..times.len() {
        end = end.max(start);
        while end + 1 < times.len() && times[end + 1].0 - times[start].0 <= window {
            end += 1;
        }
        if end + 1 - start >= need {
            flagged[start..=end].iter_mut().for_each(|f| *f = true);
        }
    }
    times
        .iter()
        .zip(flagged)
        .filter(|(_, f)| *f)
        .map(|((_, i), _)| *i)
        .collect()
}

/// Indices of a child's protocols whose narrative is near-identical to one of the (at most 20)
/// protocols before it.
fn similar(times: &[(i64, usize)], narratives: &[Option<u64>]) -> Vec<usize> {
    let print = |i: usize| narratives.get(i).copied().flatten();
    let mut out = Vec::new();
    for (n, (_, i)) in times.iter().enumerate() {
        let Some(mine) = print(*i) else { continue };
        let earlier = &times[n.saturating_sub(20)..n];
        if earlier.iter().any(|(_, j)| {
            print(*j).is_some_and(|theirs| (mine ^ theirs).count_ones() <= SIMILAR_BITS)
        }) {
            out.push(*i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Measure, Protocol};
    use crate::time::DateOrTime;
    use chrono::{DateTime, Duration};

    fn protocol(id: &str, child: &str, start: &str, minutes: i64) -> Protocol {
        let started_at = DateTime::parse_from_rfc3339(start).unwrap();
        let mut p = Protocol::new(
            id,
            "Fjordly ungdomshjem",
            vec![Measure {
                provision: "bvl § 10-7".into(),
                kind: Some("fastholding".into()),
                started_at,
                ended_at: Some(started_at + Duration::minutes(minutes)),
            }],
        );
        p.child_ref = Some(child.into());
        p.child_statement = Some("Barnet sier …".into());
        p.received_at = Some(DateOrTime::Date(started_at.date_naive()));
        p
    }

    fn flags_of(ps: &[Protocol]) -> Vec<Flags> {
        let refs: Vec<&Protocol> = ps.iter().collect();
        let prints: Vec<Option<u64>> = ps.iter().map(crate::facts::narrative_fingerprint).collect();
        triage(
            &refs,
            &prints,
            &Catalogue::built_in(),
            &TriageRules::default(),
        )
    }

    #[test]
    fn a_narrative_copied_from_an_earlier_protocol_for_the_child_is_flagged() {
        let text = "Gutten slo etter personalet og kastet en stol mot vinduet i stua.";
        let mut ps = [
            protocol("1", "A", "2024-01-01T10:00:00+01:00", 5),
            protocol("2", "A", "2024-03-01T10:00:00+01:00", 5),
            protocol("3", "B", "2024-03-02T10:00:00+01:00", 5),
            protocol("4", "A", "2024-06-01T10:00:00+02:00", 5),
        ];
        for p in &mut ps[..3] {
            p.danger = Some(text.into());
        }
        ps[3].danger = Some("Jenta rømte fra avdelingen og ble hentet sent på kvelden.".into());
        let f = flags_of(&ps);
        let similar: Vec<bool> = f
            .iter()
            .map(|f| f.contains(TriageFlag::SimilarNarrative))
            .collect();
        // The first is the original; another child's copy is not this child's repetition.
        assert_eq!(similar, [false, true, false, false]);
    }

    #[test]
    fn a_child_who_wanted_to_complain_and_did_not_is_flagged_after_the_wait() {
        let rules = TriageRules::default();
        let mut p = protocol("1", "A", "2024-03-01T10:00:00+01:00", 5);
        let day = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        // Not said: nothing is expected.
        assert!(!complaint_expected(&p, 0, day("2024-06-01"), &rules));
        p.wants_to_complain = Some(true);
        // Four weeks after the incident is still waiting; a day more is not.
        assert!(!complaint_expected(&p, 0, day("2024-03-29"), &rules));
        assert!(complaint_expected(&p, 0, day("2024-03-30"), &rules));
        // A complaint came: nothing to flag.
        assert!(!complaint_expected(&p, 1, day("2024-06-01"), &rules));
        let patient = TriageRules {
            complaint_wait_weeks: 12,
            ..rules
        };
        assert!(!complaint_expected(&p, 0, day("2024-05-01"), &patient));
    }

    #[test]
    fn the_same_child_isolated_at_two_institutions_on_one_day() {
        let isolation = |id: &str, inst: &str, start: &str| {
            let mut p = protocol(id, "A", start, 5);
            p.institution = inst.into();
            p.measures[0].kind = Some("isolasjon".into());
            p
        };
        let ps = [
            isolation("1", "Lia", "2024-03-01T10:00:00+01:00"),
            isolation("2", "Berg", "2024-03-01T22:00:00+01:00"),
            // The next day, and the same institution twice the same day: not this check.
            isolation("3", "Berg", "2024-03-02T10:00:00+01:00"),
            isolation("4", "Berg", "2024-03-02T12:00:00+01:00"),
        ];
        let f = flags_of(&ps);
        let twice: Vec<bool> = f
            .iter()
            .map(|f| f.contains(TriageFlag::IsolatedTwiceSameDay))
            .collect();
        assert_eq!(twice, [true, true, false, false]);
        // A holding is not an isolation.
        let mut holding = ps.clone();
        holding[1].measures[0].kind = Some("fastholding".into());
        assert!(!flags_of(&holding)[0].contains(TriageFlag::IsolatedTwiceSameDay));
    }

    #[test]
    fn the_consistency_checks_show_in_the_queue_too() {
        let mut p = protocol("1", "A", "2022-06-01T10:00:00+02:00", 5);
        p.written_at = Some(DateOrTime::Date(
            chrono::NaiveDate::from_ymd_opt(2022, 6, 3).unwrap(),
        ));
        let f = flags_of(&[p]);
        // «bvl § 10-7» in 2022 (the Act came into force in 2023), written after it was forelagt.
        assert!(f[0].contains(TriageFlag::ProvisionNotInForce));
        assert!(f[0].contains(TriageFlag::WrittenAfterReceived));
        assert!(!f[0].contains(TriageFlag::OverTimeLimit));
        assert!(
            TriageFlag::ALL.len() <= 32,
            "the set of flags fits its bits"
        );
    }

    #[test]
    fn a_short_documented_holding_has_no_flags() {
        let f = flags_of(&[protocol("1", "A", "2024-03-01T10:00:00+01:00", 10)]);
        assert!(f[0].is_empty(), "{:?}", f[0].iter().collect::<Vec<_>>());
    }

    #[test]
    fn duration_over_the_limit_only_for_acute_danger() {
        let mut long = protocol("1", "A", "2024-03-01T10:00:00+01:00", 31);
        let f = flags_of(std::slice::from_ref(&long));
        assert!(f[0].contains(TriageFlag::LongDuration));
        long.measures[0].provision = "bvl § 10-8".into();
        assert!(!flags_of(&[long])[0].contains(TriageFlag::LongDuration));
        let exactly = protocol("1", "A", "2024-03-01T10:00:00+01:00", 30);
        assert!(!flags_of(&[exactly])[0].contains(TriageFlag::LongDuration));
    }

    #[test]
    fn three_in_thirty_days_for_the_same_child_are_repeated() {
        let ps = [
            protocol("1", "A", "2024-03-01T10:00:00+01:00", 5),
            protocol("2", "A", "2024-03-15T10:00:00+01:00", 5),
            protocol("3", "A", "2024-03-31T09:00:00+02:00", 5),
            protocol("4", "A", "2024-06-01T10:00:00+02:00", 5),
            protocol("5", "B", "2024-03-02T10:00:00+01:00", 5),
        ];
        let f = flags_of(&ps);
        let repeated: Vec<bool> = f.iter().map(|f| f.contains(TriageFlag::Repeated)).collect();
        assert_eq!(repeated, [true, true, true, false, false]);
        // 31 days between the first and third: no window holds three.
        let ps = [
            protocol("1", "A", "2024-03-01T10:00:00+01:00", 5),
            protocol("2", "A", "2024-03-15T10:00:00+01:00", 5),
            protocol("3", "A", "2024-04-01T10:00:00+02:00", 5),
        ];
        assert!(flags_of(&ps)
            .iter()
            .all(|f| !f.contains(TriageFlag::Repeated)));
    }

    #[test]
    fn late_missing_statement_isolation_police_injury() {
        let mut p = protocol("1", "A", "2024-03-01T10:00:00+01:00", 5);
        p.received_at = Some(DateOrTime::Date(
            chrono::NaiveDate::from_ymd_opt(2024, 3, 9).unwrap(),
        ));
        p.child_statement = None;
        p.measures[0].kind = Some("isolasjon".into());
        p.police = Some(Police::Alone);
        p.injury = Some(Injury::Child);
        p.informed_of_complaint_right = Some(false);
        p.measures.push(p.measures[0].clone());
        p.measures[1].provision = "paragraf 99".into();
        let f = flags_of(&[p]);
        let names: Vec<String> = f[0].iter().map(|f| f.name()).collect();
        assert_eq!(
            names,
            [
                "injury",
                "isolation",
                "police",
                "several_measures",
                "late",
                "missing_child_statement",
                "not_informed_of_complaint_right",
                "unknown_provision"
            ]
        );
    }
}
