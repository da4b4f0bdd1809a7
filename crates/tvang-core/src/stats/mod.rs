//! Statistics: how often coercion is used, challenged and found unlawful.
//!
//! Definitions (also in docs/statistics.md):
//! - A protocol belongs to the year/month of its first measure's start, as an Oslo calendar date.
//! - A complaint is attributed to the groups of the protocol it concerns; a complaint whose
//!   protocol is not in the store is counted apart (`unlinked_complaints`, total row).
//! - By provision or measure kind, a protocol counts once in every group it touches (and its
//!   complaints with it); the total counts each protocol once. `measures` counts the measures
//!   that fall in the group.
//! - `complaints_per_100_protocols` = 100 × complaints / protocols; `protocols_per_complaint` =
//!   protocols / complaints; null when the divisor is 0.
//! - `upheld_share` = (medhold + delvis_medhold) / (medhold + delvis_medhold + ikke_medhold);
//!   avvist, opphevet (hjemvist), trukket and undecided (pending) complaints are outside the
//!   denominator and reported apart.
//! - Handling time: days from `received_at` to `decided_at` (Oslo dates) of decided complaints:
//!   median, 90th percentile (nearest rank), and the share decided by the due day
//!   ([`crate::deadline`]).
//! - Concentration (total row): distinct children, protocols per child (mean, max), and the share
//!   of protocols on the 10 % most-coerced children (rounded up); protocols without a child
//!   reference are left out of these three.
//! - Funnel limits (by institution): the complaint count of an institution with n protocols is
//!   compared with Poisson(n × overall rate); its upheld count with Binomial(decided, overall
//!   upheld share). Limits are the exact 2.5/97.5 % and 0.1/99.9 % quantiles.

use crate::catalogue::Catalogue;
use crate::facts::{decode_view, ProtocolFacts, View};
use crate::model::{institution_key, Complaint, Outcome};
use crate::query::{link_complaints, FilterError, Matcher, ProtocolFilter};
use crate::review::RecordKind;
use crate::store::{Store, StoreError, StoredComplaint};
use chrono::{Datelike, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::HashMap;

pub mod suppression;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Year,
    Month,
    Institution,
    Region,
    Provision,
    Kind,
    Child,
}

/// Where an institution's figure lies against the funnel limits around the overall rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Funnel {
    Within,
    #[serde(rename = "above_95")]
    Above95,
    #[serde(rename = "above_99_8")]
    Above998,
    #[serde(rename = "below_95")]
    Below95,
    #[serde(rename = "below_99_8")]
    Below998,
}

/// Which date puts a record in a year or month, and in a date range (docs/statistics.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateBasis {
    /// Each record by its own date: a protocol by its incident, a complaint by the day it was
    /// received, an outcome and its handling time by the day it was decided (an undecided
    /// complaint, pending, by the day it was received). What came in and what was decided in
    /// the year: the annual report's count.
    #[default]
    Own,
    /// Everything by the incident: a complaint and its outcome under its protocol's period
    /// (how the statistics counted before; a complaint whose protocol is not in the store is
    /// counted apart, by the day it was received within a date range).
    Incident,
    /// Everything by the day the statsforvalter received it: a protocol by the day it was
    /// forelagt, a complaint and its outcome by the day the complaint was received.
    Received,
    /// Complaints and their outcomes by the day they were decided (undecided ones, pending, by
    /// the day received); protocols by the incident.
    Decided,
}

impl DateBasis {
    pub const ALL: [DateBasis; 4] = [
        DateBasis::Own,
        DateBasis::Incident,
        DateBasis::Received,
        DateBasis::Decided,
    ];

    /// As `--date` and the JSON name it.
    pub fn name(self) -> &'static str {
        match self {
            DateBasis::Own => "own",
            DateBasis::Incident => "incident",
            DateBasis::Received => "received",
            DateBasis::Decided => "decided",
        }
    }
}

/// A date range: from and to, both included; either open.
pub type DateRange = (Option<NaiveDate>, Option<NaiveDate>);

fn in_range(day: Option<NaiveDate>, (from, to): DateRange) -> bool {
    match day {
        Some(d) => from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t),
        None => from.is_none() && to.is_none(),
    }
}

/// One row of statistics: a group, or the total (`group == "total"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub group: String,
    /// The group as grouped (a child's reference as stored, where `group` shows it masked):
    /// what [`pseudonymise_children`] derives pseudonyms from. Never written out.
    #[serde(skip)]
    pub key: String,
    pub protocols: u64,
    pub measures: u64,
    pub complaints: u64,
    pub complaints_per_100_protocols: Option<f64>,
    pub protocols_per_complaint: Option<f64>,
    pub medhold: u64,
    pub delvis_medhold: u64,
    pub ikke_medhold: u64,
    pub avvist: u64,
    /// Opphevet og sendt tilbake.
    pub opphevet_hjemvist: u64,
    /// Withdrawn by the complainant: not a decision, so outside handling time and the share
    /// decided within the target.
    pub trukket: u64,
    pub pending: u64,
    pub upheld_share: Option<f64>,
    pub children: u64,
    /// Total row only.
    pub unlinked_complaints: Option<u64>,
    pub median_handling_days: Option<f64>,
    pub p90_handling_days: Option<f64>,
    /// Of the decided complaints: the share decided by their due day (received + the config's
    /// `complaint_target_months`, one month by default).
    pub decided_within_target_share: Option<f64>,
    /// Total row only.
    pub protocols_per_child_mean: Option<f64>,
    pub protocols_per_child_max: Option<u64>,
    pub top_decile_children_share: Option<f64>,
    /// By institution only.
    pub complaint_rate_funnel: Option<Funnel>,
    pub upheld_share_funnel: Option<Funnel>,
}

/// What statistics read of a protocol. A full protocol and a view of its facts answer through
/// [`ProtocolFacts`]; the TUI's queue rows answer for themselves, so that the figures follow
/// the queue's filters without going back to the store.
pub trait StatsSubject {
    /// The Oslo calendar day of the first measure's start.
    fn day(&self) -> NaiveDate;
    fn institution(&self) -> &str;
    fn institution_id(&self) -> Option<&str>;
    fn region(&self) -> Option<&str>;
    /// What tells one child from another: the reference, or anything standing for it one to
    /// one (the queue's interned number, which hashes faster than the text).
    type Child<'a>: std::hash::Hash + Eq + Copy
    where
        Self: 'a;
    fn child(&self) -> Option<Self::Child<'_>>;
    /// The child reference as text (the group when grouping by child).
    fn child_ref_text(&self) -> Option<&str>;
    fn measure_count(&self) -> u64;
    /// The catalogue id of each measure's provision (`bvl-10-7`), `None` when it is unknown.
    fn provision_ids<'c>(
        &'c self,
        catalogue: &'c Catalogue,
    ) -> impl Iterator<Item = Option<&'c str>>;
    /// Each measure's kind.
    fn kinds(&self) -> impl Iterator<Item = Option<&str>>;
    /// The Oslo calendar day it was forelagt statsforvalteren, if known.
    fn received_day(&self) -> Option<NaiveDate>;
}

impl<T: ProtocolFacts> StatsSubject for T {
    fn day(&self) -> NaiveDate {
        self.incident_date()
    }
    fn institution(&self) -> &str {
        ProtocolFacts::institution(self)
    }
    fn institution_id(&self) -> Option<&str> {
        ProtocolFacts::institution_id(self)
    }
    fn region(&self) -> Option<&str> {
        ProtocolFacts::region(self)
    }
    type Child<'a>
        = &'a str
    where
        Self: 'a;
    fn child(&self) -> Option<&str> {
        self.child_ref()
    }
    fn child_ref_text(&self) -> Option<&str> {
        self.child_ref()
    }
    fn measure_count(&self) -> u64 {
        self.measure_views().count() as u64
    }
    fn provision_ids<'c>(
        &'c self,
        catalogue: &'c Catalogue,
    ) -> impl Iterator<Item = Option<&'c str>> {
        self.measure_views().map(move |m| {
            catalogue
                .resolve_provision(m.provision)
                .map(|p| p.id.as_str())
        })
    }
    fn kinds(&self) -> impl Iterator<Item = Option<&str>> {
        self.measure_views().map(|m| m.kind)
    }
    fn received_day(&self) -> Option<NaiveDate> {
        self.received_at().map(|r| r.oslo_date())
    }
}

/// What statistics read of a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComplaintStat {
    /// Index of its protocol among the protocols given to [`compute`]; `None` when the
    /// protocol is not there.
    pub protocol: Option<usize>,
    /// True when the protocol is in the store but was left out by the filters, or the
    /// complaint itself did not pass them: it is then not counted as unlinked either.
    pub filtered_out: bool,
    /// The statsforvalter's decision: the inspector's in tvang, else as imported.
    pub outcome: Option<Outcome>,
    /// Days from received to decided (Oslo dates), for a decided complaint with both dates.
    pub handling_days: Option<i64>,
    /// Decided on or before its due day ([`crate::deadline`]), for a decided complaint with
    /// both dates.
    pub within_target: Option<bool>,
    /// The day it was received, and the day it was decided (or withdrawn): its own dates.
    pub received: Option<NaiveDate>,
    pub decided: Option<NaiveDate>,
}

impl ComplaintStat {
    pub fn new(
        protocol: Option<usize>,
        filtered_out: bool,
        outcome: Option<Outcome>,
        received: Option<NaiveDate>,
        decided: Option<NaiveDate>,
        due: Option<NaiveDate>,
    ) -> ComplaintStat {
        let closed_on = decided.filter(|_| outcome.is_some());
        // A withdrawal ends the case without a decision: no handling time to count.
        let decided = decided.filter(|_| outcome.is_some_and(|o| o != Outcome::Trukket));
        let handling_days = match (received, decided) {
            (Some(r), Some(d)) => Some((d - r).num_days()),
            _ => None,
        };
        let within_target = match (received, decided, due) {
            (Some(_), Some(d), Some(due)) => Some(d <= due),
            _ => None,
        };
        ComplaintStat {
            protocol,
            filtered_out,
            outcome,
            handling_days,
            within_target,
            received,
            decided: closed_on,
        }
    }

    /// A complaint as imported, with the inspector's decision (and the day it was made) when
    /// there is one; due `target_months` after it was received.
    pub fn of(
        c: &Complaint,
        protocol: Option<usize>,
        filtered_out: bool,
        decision: Option<crate::decision::Recorded>,
        target_months: u32,
    ) -> ComplaintStat {
        let (outcome, decided) =
            crate::decision::decision_of(decision, c.outcome, c.decided_at.map(|d| d.oslo_date()));
        let received = c.received_at.map(|r| r.oslo_date());
        ComplaintStat::new(
            protocol,
            filtered_out,
            outcome,
            received,
            decided,
            received.and_then(|r| crate::deadline::due_date(r, target_months)),
        )
    }
}

/// A group as first met: borrowed, so that a protocol costs no allocation unless its group is
/// new.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum RawKey<'p> {
    Year(i32),
    Month(i32, u32),
    Text(&'p str),
    /// Grouped by the reference as stored, shown masked ([`crate::privacy`]).
    Child(&'p str),
    Institution(Option<&'p str>, &'p str),
    Missing,
}

struct Acc<K> {
    /// A protocol is in a group at most once, so a count suffices.
    protocols: u64,
    measures: u64,
    /// The complaints counted in the group.
    complaints: Vec<usize>,
    /// The complaints whose outcome and handling time count in the group: the same as
    /// `complaints` but by year or month with a basis that counts a decision by its own day.
    decisions: Vec<usize>,
    children: FxHashSet<K>,
}

impl<K> Default for Acc<K> {
    fn default() -> Self {
        Acc {
            protocols: 0,
            measures: 0,
            complaints: Vec::new(),
            decisions: Vec::new(),
            children: FxHashSet::default(),
        }
    }
}

/// The groups met so far: a raw key finds its group without allocating; a new raw key is
/// resolved to its canonical key (two spellings of one institution, two citations of one
/// provision share a group).
struct Groups<'p, K> {
    raw: FxHashMap<RawKey<'p>, usize>,
    canonical: HashMap<String, usize>,
    list: Vec<(String, String, Acc<K>)>,
}

impl<'p, K> Groups<'p, K> {
    fn slot(&mut self, raw: RawKey<'p>) -> usize {
        if let Some(&g) = self.raw.get(&raw) {
            return g;
        }
        let (key, display) = match raw {
            RawKey::Year(y) => (y.to_string(), None),
            RawKey::Month(y, m) => (format!("{y:04}-{m:02}"), None),
            // A region, provision or kind the catalogue does not know is its text as written:
            // shown masked like every text.
            RawKey::Text(t) => (t.to_string(), Some(crate::privacy::mask(t))),
            RawKey::Child(t) => (t.to_string(), Some(crate::privacy::mask(t))),
            RawKey::Institution(org, name) => (institution_key(name, org), Some(name.into())),
            RawKey::Missing => ("?".to_string(), None),
        };
        let g = match self.canonical.get(&key) {
            Some(&g) => g,
            None => {
                let shown = display.map_or_else(|| key.clone(), |d| d.into_owned());
                self.canonical.insert(key.clone(), self.list.len());
                self.list.push((key, shown, Acc::default()));
                self.list.len() - 1
            }
        };
        self.raw.insert(raw, g);
        g
    }
}

/// Rows grouped by child: each child's group named by its pseudonym (as `tvang export
/// --pseudonymise` names it) instead of its masked reference.
pub fn pseudonymise_children(rows: &mut [Row], pseudonyms: &crate::privacy::Pseudonymiser) {
    for row in rows
        .iter_mut()
        .filter(|r| r.group != "total" && r.key != "?")
    {
        row.group = pseudonyms.of(&row.key);
    }
}

/// Computes one row per group (in a natural order) followed by the total row, every
/// complaint under its protocol ([`DateBasis::Incident`], no date range). `complaints` refer to
/// protocols by their position in `protocols`.
pub fn compute<'p, P: StatsSubject + 'p>(
    protocols: impl IntoIterator<Item = &'p P>,
    complaints: &[ComplaintStat],
    by: GroupBy,
    catalogue: &'p Catalogue,
) -> Vec<Row> {
    compute_dated(
        protocols,
        complaints,
        by,
        DateBasis::Incident,
        (None, None),
        catalogue,
    )
}

/// [`compute`] with each record placed, and kept within `range`, by the date `basis` gives it.
/// With [`DateBasis::Incident`] the callers have applied the range already (a protocol by its
/// incident, its complaints with it); with the others `protocols` and `complaints` are those
/// that pass every other condition, and the range is applied here, to each record's own date.
pub fn compute_dated<'p, P: StatsSubject + 'p>(
    protocols: impl IntoIterator<Item = &'p P>,
    complaints: &[ComplaintStat],
    by: GroupBy,
    basis: DateBasis,
    range: DateRange,
    catalogue: &'p Catalogue,
) -> Vec<Row> {
    let periods = matches!(by, GroupBy::Year | GroupBy::Month);
    let period_key = |day: Option<NaiveDate>| match (by, day) {
        (GroupBy::Month, Some(d)) => RawKey::Month(d.year(), d.month()),
        (_, Some(d)) => RawKey::Year(d.year()),
        (_, None) => RawKey::Missing,
    };
    let dated = basis != DateBasis::Incident;
    let mut groups = Groups {
        raw: FxHashMap::default(),
        canonical: HashMap::new(),
        list: Vec::new(),
    };
    // The total's children are the keys of `per_child`.
    let mut total: Acc<P::Child<'p>> = Acc::default();
    // Which groups each protocol is in: `membership[offsets[i]..offsets[i + 1]]`.
    let mut membership: Vec<u32> = Vec::new();
    let mut offsets: Vec<usize> = vec![0];
    let mut per_child: FxHashMap<P::Child<'p>, u64> = FxHashMap::default();
    let mut keys: Vec<(usize, u64)> = Vec::new();
    for p in protocols {
        let day = match basis {
            DateBasis::Received => p.received_day(),
            _ => Some(p.day()),
        };
        // Out of the range, a protocol is not counted; by period it has no place either (its
        // complaints count by their own dates), otherwise its groups are kept for its
        // complaints that are in the range.
        let counted = !dated || in_range(day, range);
        if !counted && periods {
            offsets.push(membership.len());
            continue;
        }
        keys.clear();
        let all = p.measure_count();
        let mut add = |g: usize, measures: u64| match keys.iter_mut().find(|(k, _)| *k == g) {
            Some((_, n)) => *n += measures,
            None => keys.push((g, measures)),
        };
        let text = |t: Option<&'p str>| t.map_or(RawKey::Missing, RawKey::Text);
        match by {
            GroupBy::Year | GroupBy::Month => add(groups.slot(period_key(day)), all),
            GroupBy::Institution => {
                let raw = RawKey::Institution(p.institution_id(), p.institution());
                add(groups.slot(raw), all)
            }
            GroupBy::Region => add(groups.slot(text(p.region())), all),
            GroupBy::Provision => {
                for id in p.provision_ids(catalogue) {
                    add(groups.slot(text(id)), 1);
                }
            }
            GroupBy::Kind => {
                for kind in p.kinds() {
                    add(groups.slot(text(kind)), 1);
                }
            }
            GroupBy::Child => {
                let raw = p.child_ref_text().map_or(RawKey::Missing, RawKey::Child);
                add(groups.slot(raw), all)
            }
        }
        let child = p.child();
        for &(g, measures) in &keys {
            membership.push(g as u32);
            if !counted {
                continue;
            }
            let acc = &mut groups.list[g].2;
            acc.protocols += 1;
            acc.measures += measures;
            if let Some(c) = child {
                acc.children.insert(c);
            }
        }
        offsets.push(membership.len());
        if !counted {
            continue;
        }
        total.protocols += 1;
        total.measures += all;
        if let Some(c) = child {
            *per_child.entry(c).or_default() += 1;
        }
    }
    let mut unlinked = 0;
    for (ci, c) in complaints.iter().enumerate() {
        if dated {
            // Its own dates: when it is counted, and when its outcome is.
            let (counted, decided) = match basis {
                DateBasis::Own => (c.received, c.decided.or(c.received)),
                DateBasis::Received => (c.received, c.received),
                _ => (c.decided.or(c.received), c.decided.or(c.received)),
            };
            let (count_in, decide_in) = (in_range(counted, range), in_range(decided, range));
            if c.filtered_out || !(count_in || decide_in) {
                continue;
            }
            if c.protocol.is_none() && count_in {
                unlinked += 1;
            }
            if periods {
                // By period every complaint counts by its own day, linked or not, so that the
                // periods add up to the total.
                if count_in {
                    let g = groups.slot(period_key(counted));
                    groups.list[g].2.complaints.push(ci);
                    total.complaints.push(ci);
                }
                if decide_in {
                    let g = groups.slot(period_key(decided));
                    groups.list[g].2.decisions.push(ci);
                    total.decisions.push(ci);
                }
            } else if let Some(pi) = c.protocol {
                for &g in &membership[offsets[pi]..offsets[pi + 1]] {
                    let acc = &mut groups.list[g as usize].2;
                    if count_in {
                        acc.complaints.push(ci);
                    }
                    if decide_in {
                        acc.decisions.push(ci);
                    }
                }
                if count_in {
                    total.complaints.push(ci);
                }
                if decide_in {
                    total.decisions.push(ci);
                }
            }
            continue;
        }
        match c.protocol {
            Some(pi) => {
                for &g in &membership[offsets[pi]..offsets[pi + 1]] {
                    let acc = &mut groups.list[g as usize].2;
                    acc.complaints.push(ci);
                    acc.decisions.push(ci);
                }
                total.complaints.push(ci);
                total.decisions.push(ci);
            }
            None if !c.filtered_out => unlinked += 1,
            None => {}
        }
    }

    let overall_rate = ratio(total.complaints.len() as f64, total.protocols as f64);
    let total_row_outcomes = outcomes(complaints, &total.complaints);
    let overall_upheld = total_row_outcomes.counts.upheld_share();

    let mut rows: Vec<Row> = groups
        .list
        .iter()
        // A group met only through protocols out of the range, with nothing in it.
        .filter(|(_, _, acc)| {
            acc.protocols > 0 || !acc.complaints.is_empty() || !acc.decisions.is_empty()
        })
        .map(|(key, shown, acc)| {
            let mut row = row(shown.clone(), acc, complaints);
            row.key = key.clone();
            if by == GroupBy::Institution {
                let n = acc.protocols;
                row.complaint_rate_funnel = overall_rate
                    .map(|rate| funnel(row.complaints, |q| poisson_quantile(n as f64 * rate, q)));
                let decided = row.medhold + row.delvis_medhold + row.ikke_medhold;
                row.upheld_share_funnel = match overall_upheld {
                    Some(p0) if decided > 0 => {
                        Some(funnel(row.medhold + row.delvis_medhold, |q| {
                            binomial_quantile(decided, p0, q)
                        }))
                    }
                    _ => None,
                };
            }
            row
        })
        .collect();
    if matches!(by, GroupBy::Year | GroupBy::Month) {
        rows.sort_by(|a, b| a.group.cmp(&b.group));
    } else {
        rows.sort_by(|a, b| b.protocols.cmp(&a.protocols).then(a.group.cmp(&b.group)));
    }

    let mut total_row = row("total".into(), &total, complaints);
    total_row.children = per_child.len() as u64;
    total_row.unlinked_complaints = Some(unlinked);
    if !per_child.is_empty() {
        let mut counts: Vec<u64> = per_child.into_values().collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let with_child: u64 = counts.iter().sum();
        let top = counts.len().div_ceil(10);
        total_row.protocols_per_child_mean = Some(with_child as f64 / counts.len() as f64);
        total_row.protocols_per_child_max = counts.first().copied();
        total_row.top_decile_children_share =
            Some(counts[..top].iter().sum::<u64>() as f64 / with_child as f64);
    }
    rows.push(total_row);
    rows
}

/// Statistics of the protocols in the store that pass `filter` (its dates applied by `basis`),
/// from the protocols' facts
/// (views borrowed from the stored chunks: no protocol is copied out), with the inspectors'
/// decisions on complaints; complaints are due `target_months` after they were received.
pub fn from_store(
    store: &Store,
    catalogue: &Catalogue,
    filter: &ProtocolFilter,
    by: GroupBy,
    basis: DateBasis,
    target_months: u32,
) -> Result<Result<Vec<Row>, FilterError>, StoreError> {
    // With a basis of their own dates, the records' dates are checked in compute_dated: here
    // the other conditions only.
    let range = (filter.from, filter.to);
    let undated;
    let filter = if basis == DateBasis::Incident {
        filter
    } else {
        undated = ProtocolFilter {
            from: None,
            to: None,
            ..filter.clone()
        };
        &undated
    };
    let matcher = match Matcher::new(filter, catalogue) {
        Ok(m) => m,
        Err(e) => return Ok(Err(e)),
    };
    let chunks = store.facts_chunks()?;
    let views = store.decode_facts(&chunks, decode_view)?;
    let complaints: Vec<StoredComplaint> = store.complaints().collect::<Result<_, _>>()?;
    let links = link_complaints(store, &views, &complaints)?;
    let mut index: FxHashMap<u64, usize> = FxHashMap::default();
    let mut selected: Vec<&View> = Vec::new();
    for (id, v) in &views {
        if matcher.matches(v) {
            index.insert(*id, selected.len());
            selected.push(v);
        }
    }
    let decisions = crate::decision::decisions(store, &store.reviews(RecordKind::Complaint)?)?;
    let stats: Vec<ComplaintStat> = complaints
        .iter()
        .zip(&links)
        .map(|(sc, link)| {
            let c = &sc.complaint;
            let (protocol, filtered_out) = match link {
                Some(id) => (index.get(id).copied(), !index.contains_key(id)),
                // A complaint without its protocol counts as unlinked only if the filters
                // that can apply to it (institution, dates received) let it through.
                None => (
                    None,
                    !filter.matches_complaint(c) || filter.narrows_by_protocol_content(),
                ),
            };
            ComplaintStat::of(
                c,
                protocol,
                filtered_out,
                decisions.get(&sc.id).copied(),
                target_months,
            )
        })
        .collect();
    Ok(Ok(compute_dated(
        selected.iter().copied(),
        &stats,
        by,
        basis,
        range,
        catalogue,
    )))
}

/// Complaints counted by the statsforvalter's decision (statistics and session reports).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutcomeCounts {
    pub medhold: u64,
    pub delvis_medhold: u64,
    pub ikke_medhold: u64,
    pub avvist: u64,
    pub opphevet_hjemvist: u64,
    pub trukket: u64,
    /// Not decided yet.
    pub pending: u64,
}

impl OutcomeCounts {
    pub fn add(&mut self, outcome: Option<Outcome>) {
        match outcome {
            Some(Outcome::Medhold) => self.medhold += 1,
            Some(Outcome::DelvisMedhold) => self.delvis_medhold += 1,
            Some(Outcome::IkkeMedhold) => self.ikke_medhold += 1,
            Some(Outcome::Avvist) => self.avvist += 1,
            Some(Outcome::OpphevetHjemvist) => self.opphevet_hjemvist += 1,
            Some(Outcome::Trukket) => self.trukket += 1,
            None => self.pending += 1,
        }
    }

    /// (medhold + delvis medhold) / (medhold + delvis medhold + ikke medhold): avvist,
    /// opphevet, trukket and pending complaints are outside the denominator.
    pub fn upheld_share(&self) -> Option<f64> {
        let upheld = self.medhold + self.delvis_medhold;
        ratio(upheld as f64, (upheld + self.ikke_medhold) as f64)
    }
}

/// 100 × complaints / protocols; none without protocols.
pub fn complaints_per_100(complaints: u64, protocols: u64) -> Option<f64> {
    ratio(100.0 * complaints as f64, protocols as f64)
}

#[derive(Default)]
struct Outcomes {
    counts: OutcomeCounts,
    handling_days: Vec<i64>,
    /// Of the decided complaints with a due day: how many were decided by it, of how many.
    within_target: (u64, u64),
}

fn outcomes(complaints: &[ComplaintStat], which: &[usize]) -> Outcomes {
    let mut o = Outcomes::default();
    for &ci in which {
        let c = &complaints[ci];
        o.counts.add(c.outcome);
        if let Some(days) = c.handling_days {
            o.handling_days.push(days);
        }
        if let Some(within) = c.within_target {
            o.within_target.0 += u64::from(within);
            o.within_target.1 += 1;
        }
    }
    o.handling_days.sort_unstable();
    o
}

fn row<K>(group: String, acc: &Acc<K>, complaints: &[ComplaintStat]) -> Row {
    let o = outcomes(complaints, &acc.decisions);
    let (protocols, n_complaints) = (acc.protocols, acc.complaints.len() as u64);
    let days = &o.handling_days;
    Row {
        key: group.clone(),
        group,
        protocols,
        measures: acc.measures,
        complaints: n_complaints,
        complaints_per_100_protocols: complaints_per_100(n_complaints, protocols),
        protocols_per_complaint: ratio(protocols as f64, n_complaints as f64),
        medhold: o.counts.medhold,
        delvis_medhold: o.counts.delvis_medhold,
        ikke_medhold: o.counts.ikke_medhold,
        avvist: o.counts.avvist,
        opphevet_hjemvist: o.counts.opphevet_hjemvist,
        trukket: o.counts.trukket,
        pending: o.counts.pending,
        upheld_share: o.counts.upheld_share(),
        children: acc.children.len() as u64,
        unlinked_complaints: None,
        median_handling_days: median(days),
        p90_handling_days: (!days.is_empty())
            .then(|| days[(days.len() * 9).div_ceil(10) - 1] as f64),
        decided_within_target_share: ratio(o.within_target.0 as f64, o.within_target.1 as f64),
        protocols_per_child_mean: None,
        protocols_per_child_max: None,
        top_decile_children_share: None,
        complaint_rate_funnel: None,
        upheld_share_funnel: None,
    }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0),
    }
}

/// The funnel limits to draw for an institution with `n` protocols when the overall rate is
/// `rate` complaints per protocol, in complaints per 100 protocols: the lower 99.8 % and 95 %
/// limits, then the upper 95 % and 99.8 % limits. The exact limits are whole counts and jump as
/// `n` grows; these are interpolated between the counts (Spiegelhalter's method) so the curves
/// are smooth. [`compute`] classifies by the exact counts, so a point lying exactly on a drawn
/// limit can still be within.
pub fn complaint_rate_limits(n: u64, rate: f64) -> [f64; 4] {
    let n = n.max(1);
    let mean = n as f64 * rate;
    [0.001, 0.025, 0.975, 0.999].map(|q| 100.0 * poisson_limit(mean, q) / n as f64)
}

/// The q-quantile of Poisson(mean), interpolated between whole counts.
fn poisson_limit(mean: f64, q: f64) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    let (k, below, at_k) = poisson_quantile_cdf(mean, q);
    let alpha = if at_k > below {
        ((at_k - q) / (at_k - below)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (k as f64 - alpha).max(0.0)
}

/// Classifies an observed count against the quantiles `quantile(q)` of its null distribution.
fn funnel(observed: u64, quantile: impl Fn(f64) -> u64) -> Funnel {
    if observed > quantile(0.999) {
        Funnel::Above998
    } else if observed > quantile(0.975) {
        Funnel::Above95
    } else if observed < quantile(0.001) {
        Funnel::Below998
    } else if observed < quantile(0.025) {
        Funnel::Below95
    } else {
        Funnel::Within
    }
}

/// The smallest k with P(X ≤ k) ≥ q for X ~ Poisson(mean), summed exactly in log space.
pub fn poisson_quantile(mean: f64, q: f64) -> u64 {
    poisson_quantile_cdf(mean, q).0
}

/// The quantile k of [`poisson_quantile`] with P(X ≤ k − 1) and P(X ≤ k), from the same sum.
fn poisson_quantile_cdf(mean: f64, q: f64) -> (u64, f64, f64) {
    if mean <= 0.0 {
        return (0, 0.0, 1.0);
    }
    let mut log_pmf = -mean; // k = 0
    let mut cdf = 0.0;
    let mut k = 0u64;
    loop {
        let below = cdf;
        cdf += log_pmf.exp();
        if cdf >= q || k > (mean * 10.0 + 1000.0) as u64 {
            return (k, below, cdf);
        }
        k += 1;
        log_pmf += mean.ln() - (k as f64).ln();
    }
}

/// The smallest k with P(X ≤ k) ≥ q for X ~ Binomial(n, p), summed exactly in log space.
pub fn binomial_quantile(n: u64, p: f64, q: f64) -> u64 {
    if p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let mut log_pmf = n as f64 * (1.0 - p).ln(); // k = 0
    let mut cdf = 0.0;
    for k in 0..=n {
        cdf += log_pmf.exp();
        if cdf >= q {
            return k;
        }
        log_pmf += ((n - k) as f64).ln() - ((k + 1) as f64).ln() + p.ln() - (1.0 - p).ln();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Protocol;
    use crate::time::{parse_datetime, DateOrTime};

    fn protocol(
        id: &str,
        inst: &str,
        start: &str,
        provisions: &[&str],
        child: Option<&str>,
    ) -> Protocol {
        let measures = provisions
            .iter()
            .map(|p| crate::model::Measure {
                provision: p.to_string(),
                kind: Some("fastholding".into()),
                started_at: parse_datetime(start).unwrap(),
                ended_at: None,
            })
            .collect();
        Protocol {
            region: Some("vestland".into()),
            child_ref: child.map(str::to_string),
            ..Protocol::new(id, inst, measures)
        }
    }

    fn complaint(
        pid: &str,
        outcome: Option<Outcome>,
        received: &str,
        decided: Option<&str>,
    ) -> Complaint {
        Complaint {
            complaint_id: format!("K-{pid}-{received}"),
            protocol_id: pid.into(),
            institution: Some("Lia".into()),
            institution_id: None,
            received_at: Some(DateOrTime::parse(received).unwrap()),
            complainant: None,
            text: None,
            outcome,
            decided_at: decided.map(|d| DateOrTime::parse(d).unwrap()),
            decided_by: None,
            decision_reasons: None,
        }
    }

    #[test]
    fn poisson_and_binomial_quantiles() {
        // Poisson(10): P(X≤3)=0.0103, P(X≤4)=0.0293; P(X≤16)=0.9730, P(X≤17)=0.9857.
        assert_eq!(poisson_quantile(10.0, 0.025), 4);
        assert_eq!(poisson_quantile(10.0, 0.975), 17);
        // Binomial(20, 0.5): P(X≤5)=0.0207, P(X≤6)=0.0577; P(X≤13)=0.9423, P(X≤14)=0.9793.
        assert_eq!(binomial_quantile(20, 0.5, 0.025), 6);
        assert_eq!(binomial_quantile(20, 0.5, 0.975), 14);
        // Large means do not underflow.
        let q = poisson_quantile(5000.0, 0.5);
        assert!((4990..=5010).contains(&q), "{q}");
        assert_eq!(binomial_quantile(10, 0.0, 0.5), 0);
    }

    #[test]
    fn drawn_funnel_limits_are_smooth_and_bracket_the_rate() {
        let rate = 0.1;
        let mut last_upper = f64::MAX;
        for n in [10u64, 20, 50, 100, 200, 500, 1000, 5000] {
            let [lo998, lo95, hi95, hi998] = complaint_rate_limits(n, rate);
            assert!(
                lo998 <= lo95 && lo95 <= 10.0 && 10.0 <= hi95 && hi95 <= hi998,
                "{n}"
            );
            // The funnel narrows as institutions grow.
            assert!(hi95 < last_upper, "{n}: {hi95} ≥ {last_upper}");
            last_upper = hi95;
            // Within one count of the exact limit.
            let exact = poisson_quantile(n as f64 * rate, 0.975) as f64;
            assert!((hi95 * n as f64 / 100.0 - exact).abs() <= 1.0, "{n}");
        }
        assert_eq!(complaint_rate_limits(50, 0.0), [0.0; 4]);
    }

    /// Issue 17 §1: each record by its own date (Oslo), or every record by one basis.
    #[test]
    fn each_record_counts_by_its_own_date_or_by_the_basis_chosen() {
        let c = Catalogue::built_in();
        // 23:30 UTC on 31 December 2023 is 1 January 2024 in Oslo.
        let mut p1 = protocol("1", "Lia", "2023-12-31T23:30:00Z", &["bvl § 10-7"], None);
        p1.received_at = Some(DateOrTime::parse("2024-01-10").unwrap());
        let mut p2 = protocol(
            "2",
            "Lia",
            "2024-12-20T10:00:00+01:00",
            &["bvl § 10-7"],
            None,
        );
        p2.received_at = Some(DateOrTime::parse("2025-01-02").unwrap());
        let ps = [p1, p2];
        let cs = [
            // About the 2024 protocol, received in 2024, decided in 2025.
            complaint(
                "1",
                Some(Outcome::Medhold),
                "2024-03-01",
                Some("2025-02-10"),
            ),
            // About the December protocol, received at 00:30 on 1 January 2025 in Oslo.
            complaint("2", None, "2024-12-31T23:30:00Z", None),
        ];
        let stats: Vec<ComplaintStat> = cs
            .iter()
            .enumerate()
            .map(|(i, k)| ComplaintStat::of(k, Some(i), false, None, 1))
            .collect();
        let by = |basis, range| -> Vec<(String, u64, u64, u64, u64)> {
            compute_dated(&ps, &stats, GroupBy::Year, basis, range, &c)
                .into_iter()
                .map(|r| (r.group, r.protocols, r.complaints, r.medhold, r.pending))
                .collect()
        };
        let all = (None, None);
        let row = |g: &str, p, k, m, pending| (g.to_string(), p, k, m, pending);
        assert_eq!(
            by(DateBasis::Own, all),
            [
                row("2024", 2, 1, 0, 0),
                row("2025", 0, 1, 1, 1),
                row("total", 2, 2, 1, 1)
            ]
        );
        assert_eq!(
            by(DateBasis::Incident, all),
            [row("2024", 2, 2, 1, 1), row("total", 2, 2, 1, 1)]
        );
        // Protocols by the day forelagt; complaints and outcomes by the day received.
        assert_eq!(
            by(DateBasis::Received, all),
            [
                row("2024", 1, 1, 1, 0),
                row("2025", 1, 1, 0, 1),
                row("total", 2, 2, 1, 1)
            ]
        );
        assert_eq!(
            by(DateBasis::Decided, all),
            [
                row("2024", 2, 0, 0, 0),
                row("2025", 0, 2, 1, 1),
                row("total", 2, 2, 1, 1)
            ]
        );
        // A range applies to each record's own date: 2025 has no protocol, one complaint
        // received and one decision.
        let from_2025 = (NaiveDate::from_ymd_opt(2025, 1, 1), None);
        assert_eq!(
            by(DateBasis::Own, from_2025),
            [row("2025", 0, 1, 1, 1), row("total", 0, 1, 1, 1)]
        );
        // By institution the same: the complaints keep their protocol's institution though
        // the protocols are out of the range, and the groups add up to the total.
        let lia: Vec<(String, u64, u64, u64, u64)> = compute_dated(
            &ps,
            &stats,
            GroupBy::Institution,
            DateBasis::Own,
            from_2025,
            &c,
        )
        .into_iter()
        .map(|r| (r.group, r.protocols, r.complaints, r.medhold, r.pending))
        .collect();
        assert_eq!(lia, [row("Lia", 0, 1, 1, 1), row("total", 0, 1, 1, 1)]);
        // And a group with nothing in the range is not a row.
        let to_2022 = (None, NaiveDate::from_ymd_opt(2022, 12, 31));
        let empty = compute_dated(
            &ps,
            &stats,
            GroupBy::Institution,
            DateBasis::Own,
            to_2022,
            &c,
        );
        assert_eq!(empty.len(), 1, "only the total");
    }

    /// The total row of complaints `cs` about one protocol, due `months` after receipt.
    fn total_of_one_protocol(cs: &[Complaint], months: u32) -> Row {
        let c = Catalogue::built_in();
        let ps = [protocol(
            "1",
            "Lia",
            "2023-01-20T10:00:00+01:00",
            &["bvl § 10-7"],
            None,
        )];
        let linked: Vec<ComplaintStat> = cs
            .iter()
            .map(|k| ComplaintStat::of(k, Some(0), false, None, months))
            .collect();
        compute(&ps, &linked, GroupBy::Year, &c).pop().unwrap()
    }

    #[test]
    fn the_share_within_target_counts_to_each_complaints_due_day() {
        let decided =
            |received, decided| complaint("1", Some(Outcome::IkkeMedhold), received, Some(decided));
        let cs = [
            // Received on the 31st: due on February's last day (one calendar month).
            decided("2023-01-31", "2023-02-28"),
            decided("2023-01-31", "2023-03-01"),
            // 31 days, within January's month: a fixed 30 days would have called it late.
            decided("2023-01-01", "2023-02-01"),
            // Open complaints and a decision without its day are outside the share.
            complaint("1", None, "2023-01-02", None),
            complaint("1", Some(Outcome::Medhold), "2023-01-03", None),
        ];
        let share = |months| total_of_one_protocol(&cs, months).decided_within_target_share;
        assert_eq!(share(1), Some(2.0 / 3.0));
        assert_eq!(share(2), Some(1.0));
        assert_eq!(share(0), Some(0.0));
        // The inspector's decision and its day count over the imported ones.
        let open = complaint("1", None, "2023-01-02", None);
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        let late = ComplaintStat::of(
            &open,
            Some(0),
            false,
            Some(crate::decision::Recorded {
                outcome: Outcome::Medhold,
                day: day("2023-03-10"),
                dated: true,
            }),
            1,
        );
        assert_eq!(late.within_target, Some(false));
        let in_time = ComplaintStat::of(
            &open,
            Some(0),
            false,
            Some(crate::decision::Recorded {
                outcome: Outcome::Medhold,
                day: day("2023-02-02"),
                dated: true,
            }),
            1,
        );
        assert_eq!(in_time.within_target, Some(true));
    }

    #[test]
    fn opphevet_and_trukket_are_counted_apart_and_a_withdrawal_has_no_handling_time() {
        let cs = [
            complaint(
                "1",
                Some(Outcome::Medhold),
                "2023-02-01",
                Some("2023-02-11"),
            ),
            complaint(
                "1",
                Some(Outcome::IkkeMedhold),
                "2023-02-01",
                Some("2023-02-21"),
            ),
            complaint(
                "1",
                Some(Outcome::OpphevetHjemvist),
                "2023-02-01",
                Some("2023-03-15"),
            ),
            complaint(
                "1",
                Some(Outcome::Trukket),
                "2023-02-01",
                Some("2023-02-02"),
            ),
        ];
        let total = &total_of_one_protocol(&cs, 1);
        assert_eq!(
            (
                total.medhold,
                total.ikke_medhold,
                total.opphevet_hjemvist,
                total.trukket
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(total.pending, 0);
        // Upheld among those decided on the merits: medhold of medhold + ikke medhold.
        assert_eq!(total.upheld_share, Some(0.5));
        // Handling days 10, 20, 42 (the withdrawal's 1 day is no decision): median 20; two of
        // the three by their due day, 1 March.
        assert_eq!(total.median_handling_days, Some(20.0));
        assert_eq!(total.decided_within_target_share, Some(2.0 / 3.0));
    }

    #[test]
    fn hand_built_figures() {
        let c = Catalogue::built_in();
        // 23:30 UTC on New Year's Eve is 00:30 on 1 January in Oslo: a 2024 protocol.
        let ps = [
            protocol(
                "1",
                "Lia",
                "2023-12-31T23:30:00Z",
                &["10-7", "10-7"],
                Some("A"),
            ),
            protocol(
                "2",
                "Lia",
                "2023-06-01 12:00",
                &["10-7", "bvl § 10-8"],
                Some("A"),
            ),
            protocol("3", "Lia", "2023-03-26 03:30", &["10-9"], Some("B")),
            protocol("4", "Lia", "2024-02-01 12:00", &["nødrett"], None),
        ];
        let cs = [
            complaint(
                "1",
                Some(Outcome::Medhold),
                "2024-01-05",
                Some("2024-01-25"),
            ),
            complaint(
                "2",
                Some(Outcome::IkkeMedhold),
                "2023-06-10",
                Some("2023-08-01"),
            ),
            complaint("2", Some(Outcome::Avvist), "2023-06-11", Some("2023-06-12")),
            complaint("2", None, "2023-06-12", None),
            complaint(
                "9",
                Some(Outcome::Medhold),
                "2023-01-01",
                Some("2023-01-02"),
            ),
        ];
        let linked: Vec<ComplaintStat> = cs
            .iter()
            .map(|c| {
                let protocol = ps.iter().position(|p| p.protocol_id == c.protocol_id);
                ComplaintStat::of(c, protocol, false, None, 1)
            })
            .collect();

        let by_year = compute(&ps, &linked, GroupBy::Year, &c);
        let groups: Vec<_> = by_year
            .iter()
            .map(|r| (r.group.as_str(), r.protocols, r.complaints))
            .collect();
        assert_eq!(
            groups,
            vec![("2023", 2, 3), ("2024", 2, 1), ("total", 4, 4)]
        );
        let y2023 = &by_year[0];
        assert_eq!((y2023.measures, y2023.children), (3, 2));
        assert_eq!((y2023.ikke_medhold, y2023.avvist, y2023.pending), (1, 1, 1));
        assert_eq!(y2023.upheld_share, Some(0.0));
        assert_eq!(y2023.complaints_per_100_protocols, Some(150.0));
        let total = by_year.last().unwrap();
        assert_eq!(total.unlinked_complaints, Some(1));
        assert_eq!(total.upheld_share, Some(0.5)); // 1 medhold of 2 decided on the merits
        assert_eq!(total.protocols_per_complaint, Some(1.0));
        // Handling days of decided complaints: 20, 52, 1 → sorted 1, 20, 52.
        assert_eq!(total.median_handling_days, Some(20.0));
        assert_eq!(total.p90_handling_days, Some(52.0));
        assert_eq!(total.decided_within_target_share, Some(2.0 / 3.0));
        // Concentration: A has 2 protocols, B 1; the top decile (1 child) holds 2 of 3.
        assert_eq!(total.protocols_per_child_mean, Some(1.5));
        assert_eq!(total.protocols_per_child_max, Some(2));
        assert_eq!(total.top_decile_children_share, Some(2.0 / 3.0));

        // 2024 has no decided-on-merits complaints besides one medhold; 2024's second protocol none.
        let by_provision = compute(&ps, &linked, GroupBy::Provision, &c);
        let p107 = by_provision.iter().find(|r| r.group == "bvl-10-7").unwrap();
        assert_eq!((p107.protocols, p107.measures, p107.complaints), (2, 3, 4));
        let p108 = by_provision.iter().find(|r| r.group == "bvl-10-8").unwrap();
        assert_eq!((p108.protocols, p108.measures, p108.complaints), (1, 1, 3));
        let unknown = by_provision.iter().find(|r| r.group == "?").unwrap();
        assert_eq!((unknown.protocols, unknown.complaints), (1, 0));
        assert_eq!(
            unknown.protocols_per_complaint, None,
            "no complaints: null, not a division error"
        );
        assert_eq!(unknown.upheld_share, None);
        assert_eq!(
            by_provision.last().unwrap().protocols,
            4,
            "the total counts each protocol once"
        );
        assert_eq!(by_provision.last().unwrap().measures, 6);
    }

    #[test]
    fn filtered_out_protocols_are_not_unlinked() {
        let c = Catalogue::built_in();
        let cs = [complaint("1", None, "2023-01-01", None)];
        let linked = [ComplaintStat::of(&cs[0], None, true, None, 1)];
        let rows = compute::<Protocol>(&[], &linked, GroupBy::Year, &c);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].unlinked_complaints, Some(0));
        assert_eq!(rows[0].complaints_per_100_protocols, None);
    }

    #[test]
    fn funnel_flags_outlying_institutions() {
        let c = Catalogue::built_in();
        let mut ps = Vec::new();
        let mut cs = Vec::new();
        // Ten institutions with 50 protocols and 2 complaints each, one with 50 and 20.
        for inst in 0..11 {
            for i in 0..50 {
                ps.push(protocol(
                    &format!("{inst}-{i}"),
                    &format!("I{inst}"),
                    "2023-05-01 12:00",
                    &["10-7"],
                    None,
                ));
            }
            for i in 0..(if inst == 10 { 20 } else { 2 }) {
                cs.push((
                    ps.len() - 50 + i,
                    complaint(
                        &format!("{inst}-{i}"),
                        Some(Outcome::IkkeMedhold),
                        "2023-05-02",
                        Some("2023-05-10"),
                    ),
                ));
            }
        }
        let linked: Vec<ComplaintStat> = cs
            .iter()
            .map(|(pi, c)| ComplaintStat::of(c, Some(*pi), false, None, 1))
            .collect();
        let rows = compute(&ps, &linked, GroupBy::Institution, &c);
        let outlier = rows.iter().find(|r| r.group == "I10").unwrap();
        assert_eq!(outlier.complaint_rate_funnel, Some(Funnel::Above998));
        let ordinary = rows.iter().find(|r| r.group == "I3").unwrap();
        assert_eq!(ordinary.complaint_rate_funnel, Some(Funnel::Within));
        assert_eq!(rows.last().unwrap().complaint_rate_funnel, None);
    }
}

/// The output columns, in order: JSON keys and CSV header alike.
pub const COLUMNS: &[&str] = &[
    "group",
    "protocols",
    "measures",
    "complaints",
    "complaints_per_100_protocols",
    "protocols_per_complaint",
    "medhold",
    "delvis_medhold",
    "ikke_medhold",
    "avvist",
    "opphevet_hjemvist",
    "trukket",
    "pending",
    "upheld_share",
    "children",
    "unlinked_complaints",
    "median_handling_days",
    "p90_handling_days",
    "decided_within_target_share",
    "protocols_per_child_mean",
    "protocols_per_child_max",
    "top_decile_children_share",
    "complaint_rate_funnel",
    "upheld_share_funnel",
];

/// The counts of [`suppression::COUNTS`], and the figures derived from each: when a count is
/// hidden, so is every figure computed from it, or it could be worked back out.
const DERIVED_FROM: &[(&str, &[&str])] = &[
    (
        "protocols",
        &[
            "complaints_per_100_protocols",
            "protocols_per_complaint",
            "complaint_rate_funnel",
            "protocols_per_child_mean",
            "top_decile_children_share",
        ],
    ),
    ("measures", &[]),
    (
        "complaints",
        &[
            "complaints_per_100_protocols",
            "protocols_per_complaint",
            "complaint_rate_funnel",
        ],
    ),
    ("medhold", &["upheld_share", "upheld_share_funnel"]),
    ("delvis_medhold", &["upheld_share", "upheld_share_funnel"]),
    ("ikke_medhold", &["upheld_share", "upheld_share_funnel"]),
    ("avvist", &[]),
    ("opphevet_hjemvist", &[]),
    ("trukket", &[]),
    ("pending", &[]),
    (
        "children",
        &["protocols_per_child_mean", "top_decile_children_share"],
    ),
];

/// The threshold of publication: counts from 1 to 4 are hidden (`tvang stats --pseudonymise`,
/// the statistics screen's publication view).
pub const PUBLICATION_THRESHOLD: u64 = 5;

/// The figures about handling time, shown only when the decided complaints they are computed
/// from are not so few that they would single out a case.
const HANDLING: [&str; 3] = [
    "median_handling_days",
    "p90_handling_days",
    "decided_within_target_share",
];

/// The rows as output values, keyed by [`COLUMNS`]. With `suppress_below = Some(n)`: counts
/// from 1 to n−1 become the text `<n`, the counts hidden so that those cannot be worked out
/// from the rows and columns become `:` ([`suppression`]), the figures derived from a hidden
/// count are null, and handling times are null where from 1 to n−1 complaints were decided.
/// Zero stays zero, since it discloses no one.
pub fn output_table(
    rows: &[Row],
    suppress_below: Option<u64>,
) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let hidden = suppress_below.map(|n| (n, suppression::suppress(rows, n)));
    rows.iter()
        .enumerate()
        .map(|(r, row)| {
            let serde_json::Value::Object(mut map) =
                serde_json::to_value(row).expect("rows serialise")
            else {
                unreachable!("a struct serialises to an object")
            };
            if let Some((n, hidden)) = &hidden {
                for (c, name) in suppression::COUNTS.iter().enumerate() {
                    let Some(why) = hidden.get(&(r, c)) else {
                        continue;
                    };
                    let shown = match why {
                        suppression::Hidden::Small => format!("<{n}"),
                        suppression::Hidden::Complement => ":".to_string(),
                    };
                    map.insert(name.to_string(), serde_json::Value::String(shown));
                    let derived = DERIVED_FROM.iter().find(|(count, _)| count == name);
                    for d in derived.map_or(&[][..], |(_, d)| *d) {
                        map.insert(d.to_string(), serde_json::Value::Null);
                    }
                }
                // The total-only counts are not in the relations: small ones are just hidden.
                for name in ["unlinked_complaints", "protocols_per_child_max"] {
                    let small = map
                        .get(name)
                        .and_then(|v| v.as_u64())
                        .is_some_and(|v| v > 0 && v < *n);
                    if small {
                        map.insert(name.to_string(), serde_json::Value::String(format!("<{n}")));
                    }
                }
                let decided = row.medhold
                    + row.delvis_medhold
                    + row.ikke_medhold
                    + row.avvist
                    + row.opphevet_hjemvist;
                if decided > 0 && decided < *n {
                    for h in HANDLING {
                        map.insert(h.to_string(), serde_json::Value::Null);
                    }
                }
            }
            COLUMNS
                .iter()
                .map(|c| {
                    (
                        c.to_string(),
                        map.remove(*c).unwrap_or(serde_json::Value::Null),
                    )
                })
                .collect()
        })
        .collect()
}

/// The rows as a JSON array (one object per group, then the total), ending in a newline.
pub fn to_json(rows: &[Row], suppress_below: Option<u64>) -> String {
    let values = output_table(rows, suppress_below);
    serde_json::to_string_pretty(&values).expect("rows serialise") + "\n"
}

/// The rows as CSV with the [`COLUMNS`] as header; null is an empty cell.
pub fn to_csv(rows: &[Row], suppress_below: Option<u64>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    for values in output_table(rows, suppress_below) {
        let _ = w.write_record(values.values().map(|v| match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod output_tests {
    use super::*;

    #[test]
    fn every_column_is_a_row_field_and_suppression_hides_derived_figures() {
        let row = Row {
            key: "Lia".into(),
            group: "Lia".into(),
            protocols: 40,
            measures: 44,
            complaints: 3,
            complaints_per_100_protocols: Some(7.5),
            protocols_per_complaint: Some(13.3),
            medhold: 1,
            delvis_medhold: 0,
            ikke_medhold: 2,
            avvist: 0,
            opphevet_hjemvist: 0,
            trukket: 0,
            pending: 0,
            upheld_share: Some(1.0 / 3.0),
            children: 12,
            unlinked_complaints: None,
            median_handling_days: Some(20.0),
            p90_handling_days: Some(30.0),
            decided_within_target_share: Some(1.0),
            protocols_per_child_mean: None,
            protocols_per_child_max: None,
            top_decile_children_share: None,
            complaint_rate_funnel: Some(Funnel::Within),
            upheld_share_funnel: Some(Funnel::Within),
        };
        let plain = output_table(std::slice::from_ref(&row), None).remove(0);
        assert_eq!(
            plain.keys().map(String::as_str).collect::<Vec<_>>(),
            COLUMNS
        );
        assert_eq!(plain["complaints"], 3);
        assert_eq!(plain["complaint_rate_funnel"], "within");

        let s = output_table(std::slice::from_ref(&row), Some(5)).remove(0);
        assert_eq!(s["protocols"], 40);
        assert_eq!(s["complaints"], "<5");
        assert_eq!(s["medhold"], "<5");
        assert_eq!(s["ikke_medhold"], "<5");
        assert_eq!(s["delvis_medhold"], 0, "zero stays zero");
        for hidden in [
            "complaints_per_100_protocols",
            "protocols_per_complaint",
            "upheld_share",
            "median_handling_days",
            "complaint_rate_funnel",
            "upheld_share_funnel",
        ] {
            assert!(s[hidden].is_null(), "{hidden}");
        }
        assert_eq!(s["children"], 12);
    }
}
