//! Selecting protocols by filters, for `tvang list` and `tvang stats`, and linking complaints to
//! their protocols in memory.
//! Filters run on protocol skeletons ([`crate::facts`]), which load far faster than full records.

use crate::catalogue::Catalogue;
use crate::facts::ProtocolFacts;
use crate::flags::{quality_flags, Flag};
use crate::model::{institution_matches, Complaint, Protocol};
use crate::store::{Index, Store, StoreError, StoredComplaint};
use chrono::NaiveDate;
use rustc_hash::FxHashMap;

#[derive(Debug, Clone, Default)]
pub struct ProtocolFilter {
    /// Part of the institution name (folded: `solbakken` matches `Sølbakken`), or its org.nr.
    pub institution: Option<String>,
    /// A region code, name or historic alias.
    pub region: Option<String>,
    /// A provision as cited anywhere (`10-7`, `bvl § 10-7`); matches the catalogue row.
    pub provision: Option<String>,
    /// A measure kind or alias.
    pub kind: Option<String>,
    pub child: Option<String>,
    /// Incident date (Oslo), inclusive.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub flag: Option<Flag>,
}

impl ProtocolFilter {
    /// Whether a complaint passes the parts of the filter that apply to a complaint on its own:
    /// the institution (name or org.nr) and the date it was received (`from`/`to`; a complaint
    /// with no received date fails a date bound).
    pub fn matches_complaint(&self, c: &Complaint) -> bool {
        let received = c.received_at.map(|r| r.oslo_date());
        self.institution.as_ref().is_none_or(|q| {
            institution_matches(q, c.institution.as_deref(), c.institution_id.as_deref())
        }) && self.from.is_none_or(|d| received.is_some_and(|r| r >= d))
            && self.to.is_none_or(|d| received.is_some_and(|r| r <= d))
    }

    /// The conditions set, as (key, value) pairs named like the command-line options.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let texts = [
            ("institution", &self.institution),
            ("region", &self.region),
            ("provision", &self.provision),
            ("kind", &self.kind),
            ("child", &self.child),
        ];
        for (key, value) in texts {
            if let Some(v) = value {
                out.push((key, v.clone()));
            }
        }
        if let Some(d) = self.from {
            out.push(("from", d.to_string()));
        }
        if let Some(d) = self.to {
            out.push(("to", d.to_string()));
        }
        if let Some(f) = self.flag {
            out.push(("flag", f.name().to_string()));
        }
        out
    }

    /// True when the filter can only be decided on protocols (not on a complaint alone).
    pub fn narrows_by_protocol_content(&self) -> bool {
        self.region.is_some()
            || self.provision.is_some()
            || self.kind.is_some()
            || self.child.is_some()
            || self.flag.is_some()
    }
}

/// A filter value the catalogue does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    UnknownProvision(String),
    UnknownRegion(String),
}

/// A filter with its catalogue look-ups done once.
pub struct Matcher<'a> {
    filter: &'a ProtocolFilter,
    catalogue: &'a Catalogue,
    provision: Option<String>,
    region: Option<String>,
    kind: Option<String>,
}

impl<'a> Matcher<'a> {
    pub fn new(filter: &'a ProtocolFilter, catalogue: &'a Catalogue) -> Result<Self, FilterError> {
        let provision = match &filter.provision {
            Some(p) => match catalogue.resolve_provision(p) {
                Some(prov) => Some(prov.id.clone()),
                None => return Err(FilterError::UnknownProvision(p.clone())),
            },
            None => None,
        };
        let region = match &filter.region {
            Some(r) => match catalogue.region(r) {
                Some(reg) => Some(reg.code.clone()),
                None => return Err(FilterError::UnknownRegion(r.clone())),
            },
            None => None,
        };
        let kind = filter.kind.as_ref().map(|k| {
            catalogue
                .kind(k)
                .map(|mk| mk.id.clone())
                .unwrap_or(k.clone())
        });
        Ok(Matcher {
            filter,
            catalogue,
            provision,
            region,
            kind,
        })
    }

    /// Whether a protocol (or a view of its facts) passes the filter.
    pub fn matches<P: ProtocolFacts>(&self, p: &P) -> bool {
        let f = self.filter;
        f.institution
            .as_ref()
            .is_none_or(|q| institution_matches(q, Some(p.institution()), p.institution_id()))
            && self
                .region
                .as_ref()
                .is_none_or(|r| p.region() == Some(r.as_str()))
            && self.provision.as_ref().is_none_or(|id| {
                p.measure_views().any(|m| {
                    self.catalogue
                        .resolve_provision(m.provision)
                        .is_some_and(|prov| &prov.id == id)
                })
            })
            && self
                .kind
                .as_ref()
                .is_none_or(|k| p.measure_views().any(|m| m.kind == Some(k.as_str())))
            && f.child
                .as_ref()
                .is_none_or(|c| p.child_ref() == Some(c.as_str()))
            && f.from.is_none_or(|d| p.incident_date() >= d)
            && f.to.is_none_or(|d| p.incident_date() <= d)
            && f.flag
                .is_none_or(|flag| quality_flags(p, self.catalogue).contains(&flag))
    }
}

/// The protocols matching `filter`, as (id, skeleton), newest incident first.
pub fn select(
    store: &Store,
    catalogue: &Catalogue,
    filter: &ProtocolFilter,
) -> Result<Result<Vec<(u64, Protocol)>, FilterError>, StoreError> {
    let matcher = match Matcher::new(filter, catalogue) {
        Ok(m) => m,
        Err(e) => return Ok(Err(e)),
    };
    // Start from the narrowest index the filter allows; check every condition on the protocols.
    let candidates: Option<Vec<u64>> = if let Some(child) = &filter.child {
        Some(store.protocol_ids_by(Index::Child, child)?)
    } else if let Some(prov) = &matcher.provision {
        Some(store.protocol_ids_by(Index::Provision, prov)?)
    } else if filter.from.is_some() || filter.to.is_some() {
        Some(store.protocol_ids_by_date(filter.from, filter.to)?)
    } else {
        None
    };
    let loaded = match candidates {
        Some(mut ids) => {
            // Facts are stored in chunks by id: visit each chunk once.
            ids.sort_unstable();
            ids.dedup();
            store.protocol_skeletons_by_ids(&ids)?
        }
        None => store.protocol_skeletons()?,
    };
    let mut out: Vec<(u64, Protocol)> = loaded
        .into_iter()
        .filter(|(_, p)| matcher.matches(p))
        .collect();
    newest_first(&mut out);
    Ok(Ok(out))
}

/// Sorts (id, protocol) pairs newest incident first, ties by id.
pub fn newest_first(protocols: &mut [(u64, Protocol)]) {
    protocols.sort_by(|a, b| {
        b.1.incident_at()
            .cmp(&a.1.incident_at())
            .then(a.0.cmp(&b.0))
    });
}

/// The protocol each complaint concerns (its store id), among protocols loaded in memory.
///
/// Most complaints name their protocol's institution as the protocol does: a map of borrowed
/// (institution, protocol id) pairs finds them without allocating; the store's full rule
/// ([`Store::protocol_for_complaint`]: folded names, org.nr aliases) settles the rest.
pub fn link_complaints<P: ProtocolFacts>(
    store: &Store,
    protocols: &[(u64, P)],
    complaints: &[StoredComplaint],
) -> Result<Vec<Option<u64>>, StoreError> {
    let mut by_identity: FxHashMap<(&str, &str), u64> = FxHashMap::default();
    by_identity.reserve(protocols.len() * 2);
    for (id, p) in protocols {
        by_identity.insert((p.institution(), p.protocol_id()), *id);
        if let Some(org) = p.institution_id() {
            by_identity.insert((org, p.protocol_id()), *id);
        }
    }
    complaints
        .iter()
        .map(|sc| {
            let c = &sc.complaint;
            let quick = [c.institution_id.as_deref(), c.institution.as_deref()]
                .into_iter()
                .flatten()
                .find_map(|inst| by_identity.get(&(inst, c.protocol_id.as_str())).copied());
            match quick {
                Some(id) => Ok(Some(id)),
                None => store.protocol_for_complaint(c),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::DateOrTime;

    #[test]
    fn complaint_side_of_a_filter() {
        let mut c = Complaint {
            complaint_id: "K-1".into(),
            protocol_id: "P-1".into(),
            institution: Some("Sølbakken ungdomshjem".into()),
            institution_id: Some("998877001".into()),
            received_at: Some(DateOrTime::parse("2023-05-10").unwrap()),
            complainant: None,
            text: None,
            outcome: None,
            decided_at: None,
            decided_by: None,
            decision_reasons: None,
        };
        let f = |inst: Option<&str>, from: Option<&str>, to: Option<&str>| ProtocolFilter {
            institution: inst.map(str::to_string),
            from: from.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()),
            to: to.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()),
            ..ProtocolFilter::default()
        };
        assert!(f(None, None, None).matches_complaint(&c));
        assert!(f(Some("solbakken"), None, None).matches_complaint(&c));
        assert!(f(Some("998877001"), None, None).matches_complaint(&c));
        assert!(!f(Some("lia"), None, None).matches_complaint(&c));
        assert!(f(None, Some("2023-05-10"), Some("2023-05-10")).matches_complaint(&c));
        assert!(!f(None, Some("2023-05-11"), None).matches_complaint(&c));
        assert!(!f(None, None, Some("2023-05-09")).matches_complaint(&c));
        c.received_at = None;
        assert!(!f(None, Some("2023-01-01"), None).matches_complaint(&c));
        assert!(f(Some("solbakken"), None, None).matches_complaint(&c));
    }
}
