//! Selecting protocols by filters, for `tvang list` and (later) the triage queue.

use crate::catalogue::Catalogue;
use crate::flags::{quality_flags, Flag};
use crate::model::institution_matches;
use crate::store::{Index, Store, StoreError, StoredProtocol};
use chrono::NaiveDate;

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

/// A filter value the catalogue does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterError {
    UnknownProvision(String),
    UnknownRegion(String),
}

/// The protocols matching `filter`, newest incident first.
pub fn select(
    store: &Store,
    catalogue: &Catalogue,
    filter: &ProtocolFilter,
) -> Result<Result<Vec<StoredProtocol>, FilterError>, StoreError> {
    let provision = match &filter.provision {
        Some(p) => match catalogue.resolve_provision(p) {
            Some(prov) => Some(prov.id.clone()),
            None => return Ok(Err(FilterError::UnknownProvision(p.clone()))),
        },
        None => None,
    };
    let region = match &filter.region {
        Some(r) => match catalogue.region(r) {
            Some(reg) => Some(reg.code.clone()),
            None => return Ok(Err(FilterError::UnknownRegion(r.clone()))),
        },
        None => None,
    };
    let kind = filter.kind.as_ref().map(|k| {
        catalogue
            .kind(k)
            .map(|mk| mk.id.clone())
            .unwrap_or(k.clone())
    });

    // Start from the narrowest index the filter allows; check every condition on the records.
    let candidates: Option<Vec<u64>> = if let Some(child) = &filter.child {
        Some(store.protocol_ids_by(Index::Child, child)?)
    } else if let Some(prov) = &provision {
        Some(store.protocol_ids_by(Index::Provision, prov)?)
    } else if filter.from.is_some() || filter.to.is_some() {
        Some(store.protocol_ids_by_date(filter.from, filter.to)?)
    } else {
        None
    };
    let matches = |sp: &StoredProtocol| {
        let p = &sp.protocol;
        filter.institution.as_ref().is_none_or(|q| {
            institution_matches(q, &p.institution) || p.institution_id.as_deref() == Some(q)
        }) && region.as_ref().is_none_or(|r| p.region.as_ref() == Some(r))
            && provision.as_ref().is_none_or(|id| {
                p.measures.iter().any(|m| {
                    catalogue
                        .resolve_provision(&m.provision)
                        .is_some_and(|prov| &prov.id == id)
                })
            })
            && kind
                .as_ref()
                .is_none_or(|k| p.measures.iter().any(|m| m.kind.as_ref() == Some(k)))
            && filter
                .child
                .as_ref()
                .is_none_or(|c| p.child_ref.as_ref() == Some(c))
            && filter.from.is_none_or(|d| p.incident_date() >= d)
            && filter.to.is_none_or(|d| p.incident_date() <= d)
            && filter
                .flag
                .is_none_or(|f| quality_flags(p, catalogue).contains(&f))
    };
    let mut out = Vec::new();
    match candidates {
        Some(ids) => {
            for id in ids {
                if let Some(sp) = store.protocol(id)? {
                    if matches(&sp) {
                        out.push(sp);
                    }
                }
            }
        }
        None => {
            for sp in store.protocols() {
                let sp = sp?;
                if matches(&sp) {
                    out.push(sp);
                }
            }
        }
    }
    out.sort_by(|a, b| {
        b.protocol
            .incident_at()
            .cmp(&a.protocol.incident_at())
            .then(a.id.cmp(&b.id))
    });
    Ok(Ok(out))
}
