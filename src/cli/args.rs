//! Arguments shared by several subcommands: the filters, dates and flags, record references.

use super::output::Failure;
use clap::{Args, ValueEnum};
use tvang::flags::Flag;
use tvang::query::{FilterError, ProtocolFilter};
use tvang::store::Store;
use tvang::text;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ListFormat {
    Table,
    Json,
}

/// The filters shared by `list` and `stats`.
#[derive(Args, Debug, Clone)]
pub(super) struct FilterArgs {
    /// Institution: part of the name (æøå optional) or org.nr
    #[arg(long)]
    institution: Option<String>,
    /// Statsforvalter region: code, name or historic alias
    #[arg(long)]
    region: Option<String>,
    /// Provision (hjemmel), e.g. 10-7 or "bvl § 10-9"
    #[arg(long)]
    provision: Option<String>,
    /// Measure kind, e.g. fastholding, isolasjon
    #[arg(long)]
    kind: Option<String>,
    /// Child reference (exact)
    #[arg(long)]
    child: Option<String>,
    /// First incident date (YYYY-MM-DD or DD.MM.YYYY), inclusive
    #[arg(long, value_parser = parse_date)]
    from: Option<chrono::NaiveDate>,
    /// Last incident date, inclusive
    #[arg(long, value_parser = parse_date)]
    to: Option<chrono::NaiveDate>,
    /// Only protocols with this data-quality flag (e.g. missing_child_statement)
    #[arg(long, value_parser = parse_flag)]
    flag: Option<Flag>,
}

impl FilterArgs {
    pub(super) fn filter(&self) -> ProtocolFilter {
        ProtocolFilter {
            institution: self.institution.clone(),
            region: self.region.clone(),
            provision: self.provision.clone(),
            kind: self.kind.clone(),
            child: self.child.clone(),
            from: self.from,
            to: self.to,
            flag: self.flag,
        }
    }
}

pub(super) fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    match tvang::time::DateOrTime::parse(s) {
        Ok(tvang::time::DateOrTime::Date(d)) => Ok(d),
        _ => Err(text::bad_date_argument(s)),
    }
}

pub(super) fn parse_flag(s: &str) -> Result<Flag, String> {
    Flag::from_name(s).ok_or_else(|| {
        text::bad_flag_argument(
            s,
            &Flag::ALL
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", "),
        )
    })
}

/// The protocols and complaints a reference names: INSTITUTION/ID, institution by name or
/// org.nr; protocol ids may themselves contain '/', so every split point is tried.
pub(super) fn resolve_reference(
    store: &Store,
    reference: &str,
) -> Result<
    (
        std::collections::BTreeSet<u64>,
        std::collections::BTreeSet<u64>,
    ),
    Failure,
> {
    let reference = reference.trim();
    let mut protocols = std::collections::BTreeSet::new();
    let mut complaints = std::collections::BTreeSet::new();
    for (i, _) in reference.match_indices('/') {
        let (inst, id) = (&reference[..i], &reference[i + 1..]);
        if inst.trim().is_empty() || id.is_empty() {
            continue;
        }
        protocols.extend(store.find_protocols(inst.trim(), id)?);
        complaints.extend(store.find_complaints(inst.trim(), id)?);
    }
    if protocols.is_empty() && complaints.is_empty() {
        for (i, _) in reference.match_indices('/') {
            let (inst, id) = (reference[..i].trim(), &reference[i + 1..]);
            if !inst.is_empty() && !id.is_empty() {
                protocols.extend(store.find_protocols_loose(inst, id)?);
                complaints.extend(store.find_complaints_loose(inst, id)?);
            }
        }
    }
    Ok((protocols, complaints))
}

pub(super) fn filter_failure(e: FilterError) -> Failure {
    match e {
        FilterError::UnknownProvision(p) => Failure::new(text::unknown_provision_filter(&p), 2),
        FilterError::UnknownRegion(r) => Failure::new(text::unknown_region_filter(&r), 2),
    }
}
