//! The lawfulness checklist of a protocol: which of the catalogue's conditions apply to it,
//! grouped by the provision of its measures, and what its facts suggest about them.
//!
//! The conditions are data ([`crate::catalogue::Condition`]); this module only decides which
//! ones a protocol's measures call for. Suggestions are never stored by themselves: the
//! inspector confirms each, and only then is it an assessment ([`crate::review::Change::Check`]).

use crate::catalogue::{Catalogue, Condition, Provision, COMMON};
use crate::facts::ProtocolFacts;
use crate::fold::fold;
use crate::model::Protocol;
use crate::review::{Assessment, Check, RecordKind, RecordRef, Review};
use crate::store::{Store, StoreError};
use crate::triage::TriageRules;
use std::collections::BTreeMap;

/// The § 10-9 limit per decision (domain.md §1.4).
const RESTRICTION_LIMIT_DAYS: i64 = 14;
/// Electronic devices: up to 4 weeks from the child's arrival.
const DEVICE_LIMIT_DAYS: i64 = 28;
/// The kinds § 10-9's device rule is about (bokstav d and e).
const DEVICE_KINDS: [&str; 2] = [
    "begrensning_elektronisk_kommunikasjon",
    "inndragning_kommunikasjonsmiddel",
];

/// What a group of the checklist is about.
#[derive(Debug, Clone, Copy)]
pub enum GroupOf<'c> {
    /// The conditions of the provision the protocol's measures fall under.
    Provision(&'c Provision),
    /// What every protocol must meet.
    Common,
    /// Assessments of conditions the protocol no longer calls for (its provision was corrected)
    /// or the catalogue no longer has: kept and shown, never dropped.
    Other,
}

/// One condition in the checklist: the catalogue's, or only its id when the catalogue has none.
#[derive(Debug, Clone)]
pub struct Entry<'c> {
    pub id: String,
    pub condition: Option<&'c Condition>,
}

impl Entry<'_> {
    /// The condition's wording, or its id when the catalogue does not know it.
    pub fn label(&self) -> &str {
        self.condition
            .map_or(self.id.as_str(), |c| c.label.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Group<'c> {
    pub of: GroupOf<'c>,
    pub entries: Vec<Entry<'c>>,
}

/// The checklist of one record: its groups in order.
#[derive(Debug, Clone)]
pub struct Checklist<'c> {
    pub groups: Vec<Group<'c>>,
    /// No protocol to read the provisions from (a complaint not linked to one): the § 10-7
    /// conditions are offered, as the most frequent.
    pub assumed: bool,
}

impl<'c> Checklist<'c> {
    /// Every entry, in order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry<'c>> {
        self.groups.iter().flat_map(|g| g.entries.iter())
    }

    /// How many of its conditions `assessed` assesses, of how many.
    pub fn progress(&self, assessed: &BTreeMap<String, Check>) -> (usize, usize) {
        let done = self
            .entries()
            .filter(|e| assessed.contains_key(&e.id))
            .count();
        (done, self.entries().count())
    }

    /// The groups with an assessed condition, each with its assessed conditions in order: what
    /// `show` and the detail view list.
    pub fn assessed<'a>(
        &'a self,
        assessed: &'a BTreeMap<String, Check>,
    ) -> Vec<(GroupOf<'c>, Vec<(&'a Entry<'c>, &'a Check)>)> {
        self.groups
            .iter()
            .map(|g| {
                let checks: Vec<_> = g
                    .entries
                    .iter()
                    .filter_map(|e| assessed.get(&e.id).map(|c| (e, c)))
                    .collect();
                (g.of, checks)
            })
            .filter(|(_, checks)| !checks.is_empty())
            .collect()
    }

    /// The wordings of the conditions assessed as not met, in order: what a decision rests on.
    pub fn failed_labels(&self, assessed: &BTreeMap<String, Check>) -> Vec<String> {
        failed(self, assessed)
            .iter()
            .map(|e| e.label().to_string())
            .collect()
    }
}

/// A measure as the checklist sees it: the current provision it falls under and its kind.
#[derive(Debug, Clone)]
pub struct Covered<'c> {
    pub provision: Option<&'c Provision>,
    pub kind: Option<String>,
}

/// The current provision of a cited one: itself, or for a legacy citation the one it maps to
/// (when it maps to several, the one the measure's kind usually falls under). An unrecognised
/// citation falls under the kind's usual provision, which is what the inspector checks against.
fn current_provision<'c>(
    catalogue: &'c Catalogue,
    cited: &str,
    kind: Option<&str>,
) -> Option<&'c Provision> {
    let usual: Vec<&str> = kind
        .and_then(|k| catalogue.kind(k))
        .map(|k| k.provisions.iter().map(String::as_str).collect())
        .unwrap_or_default();
    match catalogue.resolve_provision(cited) {
        Some(p) if !p.legacy => Some(p),
        Some(p) => match p.maps_to.as_slice() {
            [one] => catalogue.provision_by_id(one),
            many => many
                .iter()
                .find(|id| usual.contains(&id.as_str()))
                .and_then(|id| catalogue.provision_by_id(id)),
        },
        None => usual.first().and_then(|id| catalogue.provision_by_id(id)),
    }
}

/// The provisions and kinds of a protocol's measures, with the inspector's corrections (of the
/// provision or kind, in the protocol's review) over what the institution wrote.
pub fn covered<'c>(
    catalogue: &'c Catalogue,
    protocol: &Protocol,
    review: Option<&Review>,
) -> Vec<Covered<'c>> {
    let corrected_provision = review.and_then(|r| r.corrected_provision.as_deref());
    let corrected_kind = review.and_then(|r| r.corrected_kind.as_deref());
    protocol
        .measures
        .iter()
        .map(|m| {
            let kind = corrected_kind
                .or(m.kind.as_deref())
                .map(|k| catalogue.kind(k).map_or(k, |known| known.id.as_str()));
            let cited = corrected_provision.unwrap_or(&m.provision);
            Covered {
                provision: current_provision(catalogue, cited, kind),
                kind: kind.map(str::to_string),
            }
        })
        .collect()
}

fn applies(c: &Condition, kinds: &[&str], assessed: &BTreeMap<String, Check>) -> bool {
    let kind_ok = c.when_kind.is_empty() || c.when_kind.iter().any(|k| kinds.contains(&&**k));
    (kind_ok && !c.legacy) || assessed.contains_key(&c.id)
}

/// The checklist of a record: each provision its measures fall under, in the catalogue's order,
/// with its conditions (those for a kind only when a measure is of it), then the common ones,
/// then any assessment the record has of a condition not otherwise shown. `protocol` is the
/// record's protocol (a complaint's: the one it concerns) and `protocol_review` its review;
/// `assessed` the record's own checklist.
pub fn checklist<'c>(
    catalogue: &'c Catalogue,
    protocol: Option<&Protocol>,
    protocol_review: Option<&Review>,
    assessed: &BTreeMap<String, Check>,
) -> Checklist<'c> {
    let measures = match protocol {
        Some(p) => covered(catalogue, p, protocol_review),
        None => vec![Covered {
            provision: catalogue.provision_by_id("bvl-10-7"),
            kind: None,
        }],
    };
    let mut groups = Vec::new();
    let of_condition = |c: &'c Condition| Entry {
        id: c.id.clone(),
        condition: Some(c),
    };
    for provision in &catalogue.provisions {
        let kinds: Vec<&str> = measures
            .iter()
            .filter(|m| m.provision.is_some_and(|p| p.id == provision.id))
            .map(|m| m.kind.as_deref().unwrap_or(""))
            .collect();
        if kinds.is_empty() {
            continue;
        }
        let entries: Vec<Entry> = catalogue
            .conditions
            .iter()
            .filter(|c| c.provision == provision.id && applies(c, &kinds, assessed))
            .map(of_condition)
            .collect();
        if !entries.is_empty() {
            groups.push(Group {
                of: GroupOf::Provision(provision),
                entries,
            });
        }
    }
    groups.push(Group {
        of: GroupOf::Common,
        entries: catalogue
            .conditions
            .iter()
            .filter(|c| c.provision == COMMON && applies(c, &[], assessed))
            .map(of_condition)
            .collect(),
    });
    let shown: Vec<String> = groups
        .iter()
        .flat_map(|g| g.entries.iter().map(|e| e.id.clone()))
        .collect();
    let others: Vec<Entry> = assessed
        .keys()
        .filter(|id| !shown.contains(id))
        .map(|id| Entry {
            id: id.clone(),
            condition: catalogue.condition(id),
        })
        .collect();
    if !others.is_empty() {
        groups.push(Group {
            of: GroupOf::Other,
            entries: others,
        });
    }
    Checklist {
        groups,
        assumed: protocol.is_none(),
    }
}

/// What the facts of a protocol suggest about one condition, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub condition: String,
    pub assessment: Assessment,
    pub reason: String,
}

impl Suggestion {
    /// The assessment the inspector confirms, with the suggestion's reason as its reason.
    pub fn check(&self) -> Check {
        Check::because(self.assessment, self.reason.clone())
    }
}

fn words_of(protocol: &Protocol) -> String {
    [
        &protocol.danger,
        &protocol.justification,
        &protocol.execution,
    ]
    .into_iter()
    .flatten()
    .map(|t| fold(t))
    .collect::<Vec<_>>()
    .join(" ")
}

fn mentions(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// Roles that may decide isolation, as protocols write them (folded).
const LEADER_WORDS: [&str; 6] = [
    "leder",
    "fullmakt",
    "delegert",
    "bestyrer",
    "direktor",
    "vakthavende",
];
/// Roles that may not, unless they have the leader's authority.
const STAFF_WORDS: [&str; 6] = [
    "miljoterapeut",
    "miljoarbeider",
    "assistent",
    "vikar",
    "ansatt",
    "pedagog",
];

/// The suggestions for a protocol's checklist: for each condition in it that is not assessed
/// yet, what its facts say. The reasons are the inspector's to keep or rewrite.
pub fn suggestions(
    catalogue: &Catalogue,
    protocol: &Protocol,
    protocol_review: Option<&Review>,
    checklist: &Checklist,
    assessed: &BTreeMap<String, Check>,
    rules: &TriageRules,
) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = Vec::new();
    let open = |id: &str| !assessed.contains_key(id) && checklist.entries().any(|e| e.id == id);
    let mut suggest = |id: &str, assessment: Assessment, reason: String| {
        if open(id) && !out.iter().any(|s| s.condition == id) {
            out.push(Suggestion {
                condition: id.to_string(),
                assessment,
                reason,
            });
        }
    };
    let words = words_of(protocol);
    let covered = covered(catalogue, protocol, protocol_review);
    for (measure, c) in protocol.measures.iter().zip(&covered) {
        let provision = c.provision.map(|p| p.id.as_str());
        let kind = c.kind.as_deref();
        let duration = measure.duration();
        let shown = duration
            .map(crate::time::format_duration)
            .unwrap_or_default();
        let kind_name = kind
            .and_then(|k| catalogue.kind(k))
            .map_or("Tiltaket", |k| k.title.as_str());
        match provision {
            Some("bvl-10-9") => {
                let Some(days) = duration.map(|d| d.num_minutes() as f64 / (24.0 * 60.0)) else {
                    continue;
                };
                let device = kind.is_some_and(|k| DEVICE_KINDS.contains(&k));
                if days > DEVICE_LIMIT_DAYS as f64
                    || (!device && days > RESTRICTION_LIMIT_DAYS as f64)
                {
                    let limit = if device {
                        "høyst 4 uker fra ankomst, deretter 14 dager om gangen"
                    } else {
                        "høyst 14 dager per vedtak"
                    };
                    suggest(
                        "bvl-10-9.tidsbegrensning",
                        Assessment::IkkeOppfylt,
                        format!("{kind_name} varte {shown}; § 10-9 tillater {limit}."),
                    );
                } else if device && days > RESTRICTION_LIMIT_DAYS as f64 {
                    suggest(
                        "bvl-10-9.tidsbegrensning",
                        Assessment::IkkeVurderbar,
                        format!(
                            "{kind_name} varte {shown}: innenfor bare i de første 4 ukene etter \
                             ankomst, som protokollen ikke viser."
                        ),
                    );
                }
            }
            Some("bvl-10-7") => {
                let long = duration.is_some_and(|d| d.num_minutes() > rules.duration_limit_minutes);
                if long && kind != Some("isolasjon") {
                    suggest(
                        "bvl-10-7.opphort_straks",
                        Assessment::IkkeOppfylt,
                        format!(
                            "{kind_name} i {shown}, mer enn {} min: protokollen må vise at den \
                             akutte faren varte like lenge.",
                            rules.duration_limit_minutes
                        ),
                    );
                }
                if kind == Some("isolasjon") {
                    isolation_suggestions(protocol, &words, &mut suggest);
                }
            }
            _ => {}
        }
    }
    match protocol.informed_of_complaint_right {
        Some(false) => suggest(
            "felles.klageadgang",
            Assessment::IkkeOppfylt,
            "Protokollen sier at barnet ikke ble informert om klageadgangen.".into(),
        ),
        None => suggest(
            "felles.klageadgang",
            Assessment::IkkeVurderbar,
            "Protokollen sier ikke om barnet ble informert om klageadgangen.".into(),
        ),
        Some(true) => {}
    }
    // The same rule as the flag «mangler barnets syn» (import stores a blank text as none).
    if !protocol.has_child_statement() {
        suggest(
            "felles.barnets_syn",
            Assessment::IkkeOppfylt,
            "Protokollen gjengir ikke barnets syn.".into(),
        );
    }
    out
}

fn isolation_suggestions(
    protocol: &Protocol,
    words: &str,
    suggest: &mut impl FnMut(&str, Assessment, String),
) {
    let missing = |what: &str| format!("Protokollen nevner ikke {what}.");
    if !mentions(words, &["vindu"]) {
        suggest(
            "bvl-10-7.isolasjon_vindu",
            Assessment::IkkeVurderbar,
            missing("at rommet har vindu"),
        );
    }
    if !mentions(words, &["8 m", "kvadratmeter", "m2", "m²", "8m"]) {
        suggest(
            "bvl-10-7.isolasjon_areal",
            Assessment::IkkeVurderbar,
            missing("hvor stort rommet er"),
        );
    }
    if !mentions(
        words,
        &[
            "til stede",
            "tilstede",
            "ulast",
            "ulaast",
            "dora aapen",
            "doren aapen",
            "i rommet",
        ],
    ) {
        suggest(
            "bvl-10-7.isolasjon_ansatt_til_stede",
            Assessment::IkkeVurderbar,
            missing("at en ansatt var til stede, eller i naborommet med ulåst dør"),
        );
    }
    match protocol.decided_by.as_deref().map(fold) {
        None => suggest(
            "bvl-10-7.isolasjon_besluttet_av_leder",
            Assessment::IkkeVurderbar,
            "Protokollen sier ikke hvem som besluttet isolasjonen.".into(),
        ),
        Some(by) if mentions(&by, &LEADER_WORDS) => {}
        Some(by) if mentions(&by, &STAFF_WORDS) => suggest(
            "bvl-10-7.isolasjon_besluttet_av_leder",
            Assessment::IkkeOppfylt,
            format!(
                "Besluttet av «{}»: isolasjon kan bare besluttes av leder eller den leder har \
                 gitt fullmakt.",
                protocol.decided_by.as_deref().unwrap_or_default()
            ),
        ),
        Some(_) => suggest(
            "bvl-10-7.isolasjon_besluttet_av_leder",
            Assessment::IkkeVurderbar,
            format!(
                "Besluttet av «{}»: protokollen sier ikke om vedkommende er leder eller har \
                 leders fullmakt.",
                protocol.decided_by.as_deref().unwrap_or_default()
            ),
        ),
    }
}

/// The conditions a decision rests on: those assessed as not met, in the checklist's order
/// (the record's other assessments are in its last group).
pub fn failed<'c>(checklist: &Checklist<'c>, assessed: &BTreeMap<String, Check>) -> Vec<Entry<'c>> {
    checklist
        .entries()
        .filter(|e| assessed.get(&e.id).map(|c| c.assessment) == Some(Assessment::IkkeOppfylt))
        .cloned()
        .collect()
}

/// What a record's checklist is made from, read from the store: its protocol (a complaint's:
/// the one it concerns, when it is in the store), that protocol's review, and the record's own.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub protocol: Option<Protocol>,
    pub protocol_review: Option<Review>,
    pub review: Review,
}

impl Loaded {
    pub fn read(store: &Store, record: RecordRef) -> Result<Loaded, StoreError> {
        let review = store.review(record)?;
        let protocol_id = match record.kind {
            RecordKind::Protocol => Some(record.id),
            RecordKind::Complaint => match store.complaint(record.id)? {
                Some(sc) => store.protocol_for_complaint(&sc.complaint)?,
                None => None,
            },
        };
        let protocol = match protocol_id {
            Some(id) => store.protocol(id)?.map(|sp| sp.protocol),
            None => None,
        };
        let protocol_review = match (protocol_id, record.kind) {
            (Some(_), RecordKind::Protocol) => Some(review.clone()),
            (Some(id), RecordKind::Complaint) => Some(store.review(RecordRef::protocol(id))?),
            (None, _) => None,
        };
        Ok(Loaded {
            protocol,
            protocol_review,
            review,
        })
    }

    pub fn checklist<'c>(&self, catalogue: &'c Catalogue) -> Checklist<'c> {
        checklist(
            catalogue,
            self.protocol.as_ref(),
            self.protocol_review.as_ref(),
            &self.review.checklist,
        )
    }

    /// What the protocol's facts suggest for the conditions of `list` (its [`Loaded::checklist`])
    /// not assessed yet (none without a protocol).
    pub fn suggestions(
        &self,
        catalogue: &Catalogue,
        list: &Checklist,
        rules: &TriageRules,
    ) -> Vec<Suggestion> {
        let Some(protocol) = &self.protocol else {
            return Vec::new();
        };
        suggestions(
            catalogue,
            protocol,
            self.protocol_review.as_ref(),
            list,
            &self.review.checklist,
            rules,
        )
    }

    /// The wordings of the conditions assessed as not met, in the checklist's order.
    pub fn failed_labels(&self, catalogue: &Catalogue) -> Vec<String> {
        self.checklist(catalogue)
            .failed_labels(&self.review.checklist)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Measure;
    use chrono::{DateTime, Duration};

    fn at(s: &str) -> DateTime<chrono::FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn measure(provision: &str, kind: &str, minutes: i64) -> Measure {
        let start = at("2026-03-02T14:00:00+01:00");
        Measure {
            provision: provision.into(),
            kind: Some(kind.into()),
            started_at: start,
            ended_at: Some(start + Duration::minutes(minutes)),
        }
    }

    /// A protocol that gives no suggestion of its own: the child's view, informed of klageadgang.
    fn protocol(measures: Vec<Measure>) -> Protocol {
        let mut p = Protocol::new("P-1", "Solbakken", measures);
        p.child_statement = Some("Jeg ville gå.".into());
        p.informed_of_complaint_right = Some(true);
        p.decided_by = Some("Avdelingsleder".into());
        p
    }

    fn ids(c: &Checklist) -> Vec<(String, Vec<String>)> {
        c.groups
            .iter()
            .map(|g| {
                let name = match g.of {
                    GroupOf::Provision(p) => p.id.clone(),
                    GroupOf::Common => "felles".into(),
                    GroupOf::Other => "andre".into(),
                };
                (name, g.entries.iter().map(|e| e.id.clone()).collect())
            })
            .collect()
    }

    fn suggested(p: &Protocol) -> Vec<(String, Assessment)> {
        let cat = Catalogue::built_in();
        let none = BTreeMap::new();
        let list = checklist(&cat, Some(p), None, &none);
        suggestions(&cat, p, None, &list, &none, &TriageRules::default())
            .into_iter()
            .map(|s| (s.condition, s.assessment))
            .collect()
    }

    #[test]
    fn every_current_provision_has_conditions_and_the_common_ones_exist() {
        let cat = Catalogue::built_in();
        for p in cat.provisions.iter().filter(|p| !p.legacy) {
            assert!(
                cat.conditions
                    .iter()
                    .any(|c| c.provision == p.id && !c.legacy),
                "{}",
                p.id
            );
        }
        for id in [
            "felles.barnets_syn",
            "felles.klageadgang",
            "felles.ettersamtale",
            "felles.sendt_barnevernstjenesten",
            "felles.kopi_foreldre",
            "felles.forelagt",
        ] {
            assert!(cat.condition(id).is_some(), "{id}");
        }
        for (_, new) in crate::store::CHECKLIST_RENAMED_IN_SCHEMA_8 {
            assert!(cat.condition(new).is_some(), "{new}");
        }
    }

    #[test]
    fn a_confiscation_under_10_9_is_asked_about_10_9_not_10_7() {
        let cat = Catalogue::built_in();
        let p = protocol(vec![measure(
            "bvl § 10-9 første ledd bokstav e",
            "inndragning_kommunikasjonsmiddel",
            22 * 24 * 60,
        )]);
        let list = checklist(&cat, Some(&p), None, &BTreeMap::new());
        let groups = ids(&list);
        assert_eq!(groups[0].0, "bvl-10-9");
        assert!(groups[0]
            .1
            .contains(&"bvl-10-9.tidsbegrensning".to_string()));
        assert_eq!(groups[1].0, "felles");
        assert_eq!(groups.len(), 2);
        assert!(!list.entries().any(|e| e.id.starts_with("bvl-10-7")));
    }

    #[test]
    fn the_isolation_requirements_only_for_isolation() {
        let cat = Catalogue::built_in();
        let isolation = |c: &Checklist| {
            c.entries()
                .filter(|e| e.id.contains("isolasjon"))
                .map(|e| e.id.clone())
                .collect::<Vec<_>>()
        };
        let holding = protocol(vec![measure("bvl § 10-7", "fastholding", 10)]);
        let none = BTreeMap::new();
        assert!(isolation(&checklist(&cat, Some(&holding), None, &none)).is_empty());
        let isolated = protocol(vec![
            measure("bvl § 10-7", "fastholding", 10),
            measure("bvl § 10-7", "isolasjon", 20),
        ]);
        assert_eq!(
            isolation(&checklist(&cat, Some(&isolated), None, &none)),
            [
                "bvl-10-7.isolasjon_besluttet_av_leder",
                "bvl-10-7.isolasjon_ansatt_til_stede",
                "bvl-10-7.isolasjon_vindu",
                "bvl-10-7.isolasjon_areal",
            ]
        );
        // The old, undivided item only where it was assessed.
        let mut old = BTreeMap::new();
        old.insert(
            "bvl-10-7.isolasjon_krav".to_string(),
            Check::new(Assessment::Oppfylt),
        );
        assert!(isolation(&checklist(&cat, Some(&isolated), None, &old))
            .contains(&"bvl-10-7.isolasjon_krav".to_string()));
    }

    #[test]
    fn several_provisions_are_grouped_each_once_in_the_catalogues_order() {
        let cat = Catalogue::built_in();
        let p = protocol(vec![
            measure("bvl § 10-8", "ransaking", 15),
            measure("bvl § 10-7", "fastholding", 5),
            measure("§ 10-7", "nedlegging", 5),
            measure("bvl § 10-11", "beslag", 1),
        ]);
        let groups: Vec<String> = ids(&checklist(&cat, Some(&p), None, &BTreeMap::new()))
            .into_iter()
            .map(|(g, _)| g)
            .collect();
        assert_eq!(groups, ["bvl-10-7", "bvl-10-8", "bvl-10-11", "felles"]);
    }

    #[test]
    fn a_legacy_citation_and_a_correction_lead_to_the_current_provision() {
        let cat = Catalogue::built_in();
        let p = protocol(vec![measure(
            "rettighetsforskriften § 24",
            "begrensning_elektronisk_kommunikasjon",
            60,
        )]);
        let none = BTreeMap::new();
        assert_eq!(
            ids(&checklist(&cat, Some(&p), None, &none))[0].0,
            "bvl-10-9"
        );
        let broad = protocol(vec![measure("barnevernloven 1992 § 5-9", "fastholding", 5)]);
        assert_eq!(
            ids(&checklist(&cat, Some(&broad), None, &none))[0].0,
            "bvl-10-7"
        );
        let review = Review {
            corrected_provision: Some("bvl § 10-8".into()),
            corrected_kind: Some("kroppsvisitasjon".into()),
            ..Review::default()
        };
        assert_eq!(
            ids(&checklist(&cat, Some(&broad), Some(&review), &none))[0].0,
            "bvl-10-8"
        );
    }

    #[test]
    fn an_assessment_the_checklist_no_longer_calls_for_is_kept_among_the_others() {
        let cat = Catalogue::built_in();
        let p = protocol(vec![measure("bvl § 10-10", "rusmiddeltesting", 5)]);
        let mut assessed = BTreeMap::new();
        assessed.insert(
            "bvl-10-7.akutt_fare".to_string(),
            Check::new(Assessment::IkkeOppfylt),
        );
        assessed.insert(
            "ukjent.vilkaar".to_string(),
            Check::new(Assessment::Oppfylt),
        );
        let groups = ids(&checklist(&cat, Some(&p), None, &assessed));
        assert_eq!(
            groups.last().unwrap(),
            &(
                "andre".to_string(),
                vec![
                    "bvl-10-7.akutt_fare".to_string(),
                    "ukjent.vilkaar".to_string()
                ]
            )
        );
    }

    #[test]
    fn without_a_protocol_the_10_7_conditions_are_assumed() {
        let cat = Catalogue::built_in();
        let list = checklist(&cat, None, None, &BTreeMap::new());
        assert!(list.assumed);
        assert_eq!(ids(&list)[0].0, "bvl-10-7");
    }

    #[test]
    fn a_10_9_restriction_beyond_14_days_is_suggested_not_met() {
        let over = protocol(vec![measure(
            "bvl § 10-9",
            "bevegelsesbegrensning",
            15 * 24 * 60,
        )]);
        assert_eq!(
            suggested(&over),
            [(
                "bvl-10-9.tidsbegrensning".to_string(),
                Assessment::IkkeOppfylt
            )]
        );
        let within = protocol(vec![measure(
            "bvl § 10-9",
            "bevegelsesbegrensning",
            14 * 24 * 60,
        )]);
        assert!(suggested(&within).is_empty());
        // A device: 4 weeks from arrival, which the protocol does not show.
        let device = protocol(vec![measure(
            "bvl § 10-9",
            "inndragning_kommunikasjonsmiddel",
            22 * 24 * 60,
        )]);
        assert_eq!(
            suggested(&device),
            [(
                "bvl-10-9.tidsbegrensning".to_string(),
                Assessment::IkkeVurderbar
            )]
        );
        let long_device = protocol(vec![measure(
            "bvl § 10-9",
            "inndragning_kommunikasjonsmiddel",
            29 * 24 * 60,
        )]);
        assert_eq!(suggested(&long_device)[0].1, Assessment::IkkeOppfylt);
    }

    #[test]
    fn a_long_holding_is_suggested_as_not_stopped_at_once() {
        let long = protocol(vec![measure("bvl § 10-7", "fastholding", 45)]);
        let s = suggested(&long);
        assert_eq!(
            s,
            [(
                "bvl-10-7.opphort_straks".to_string(),
                Assessment::IkkeOppfylt
            )]
        );
        let short = protocol(vec![measure("bvl § 10-7", "fastholding", 30)]);
        assert!(suggested(&short).is_empty());
    }

    #[test]
    fn isolation_without_the_words_of_its_requirements_is_suggested_unassessable() {
        let mut bare = protocol(vec![measure("bvl § 10-7", "isolasjon", 20)]);
        bare.decided_by = None;
        let s: Vec<String> = suggested(&bare).into_iter().map(|(id, _)| id).collect();
        assert_eq!(
            s,
            [
                "bvl-10-7.isolasjon_vindu",
                "bvl-10-7.isolasjon_areal",
                "bvl-10-7.isolasjon_ansatt_til_stede",
                "bvl-10-7.isolasjon_besluttet_av_leder",
            ]
        );
        let mut told = protocol(vec![measure("bvl § 10-7", "isolasjon", 20)]);
        told.execution = Some(
            "Skjermet på rom 2 (10 m², vindu mot hagen). Ansatt satt i naborommet med døren ulåst."
                .into(),
        );
        assert!(suggested(&told).is_empty(), "{:?}", suggested(&told));
    }

    #[test]
    fn isolation_decided_by_staff_without_authority_is_suggested_not_met() {
        let mut p = protocol(vec![measure("bvl § 10-7", "isolasjon", 20)]);
        p.execution = Some("Rom med vindu, 9 m2, ansatt til stede.".into());
        p.decided_by = Some("Miljøterapeut Ola".into());
        assert_eq!(
            suggested(&p),
            [(
                "bvl-10-7.isolasjon_besluttet_av_leder".to_string(),
                Assessment::IkkeOppfylt
            )]
        );
        p.decided_by = Some("Ola Hansen".into());
        assert_eq!(suggested(&p)[0].1, Assessment::IkkeVurderbar);
        p.decided_by = Some("Miljøterapeut Ola, med fullmakt fra leder".into());
        assert!(suggested(&p).is_empty());
    }

    #[test]
    fn klageadgang_and_the_childs_view_are_suggested_from_the_protocol() {
        let mut p = protocol(vec![measure("bvl § 10-7", "fastholding", 5)]);
        assert!(suggested(&p).is_empty());
        p.informed_of_complaint_right = Some(false);
        p.child_statement = None;
        assert_eq!(
            suggested(&p),
            [
                ("felles.klageadgang".to_string(), Assessment::IkkeOppfylt),
                ("felles.barnets_syn".to_string(), Assessment::IkkeOppfylt),
            ]
        );
        p.informed_of_complaint_right = None;
        assert_eq!(suggested(&p)[0].1, Assessment::IkkeVurderbar);
    }

    #[test]
    fn nothing_is_suggested_for_a_condition_already_assessed() {
        let cat = Catalogue::built_in();
        let mut p = protocol(vec![measure("bvl § 10-7", "fastholding", 45)]);
        p.child_statement = None;
        let mut assessed = BTreeMap::new();
        assessed.insert(
            "bvl-10-7.opphort_straks".to_string(),
            Check::new(Assessment::Oppfylt),
        );
        let list = checklist(&cat, Some(&p), None, &assessed);
        let s = suggestions(&cat, &p, None, &list, &assessed, &TriageRules::default());
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].condition, "felles.barnets_syn");
        assert_eq!(
            s[0].check().reason.as_deref(),
            Some("Protokollen gjengir ikke barnets syn.")
        );
    }

    #[test]
    fn the_failed_conditions_are_those_not_met_in_the_checklists_order() {
        let cat = Catalogue::built_in();
        let p = protocol(vec![measure("bvl § 10-7", "fastholding", 5)]);
        let mut assessed = BTreeMap::new();
        for (id, a) in [
            ("felles.barnets_syn", Assessment::IkkeOppfylt),
            ("bvl-10-7.opphort_straks", Assessment::IkkeOppfylt),
            ("bvl-10-7.akutt_fare", Assessment::Oppfylt),
            ("bvl-10-7.forholdsmessig", Assessment::IkkeVurderbar),
        ] {
            assessed.insert(id.to_string(), Check::new(a));
        }
        let list = checklist(&cat, Some(&p), None, &assessed);
        let failed: Vec<String> = failed(&list, &assessed).into_iter().map(|e| e.id).collect();
        assert_eq!(failed, ["bvl-10-7.opphort_straks", "felles.barnets_syn"]);
    }
}
