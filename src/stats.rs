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
//!   avvist and undecided (pending) complaints are outside the denominator and reported apart.
//! - Handling time: days from `received_at` to `decided_at` (Oslo dates) of decided complaints:
//!   median, 90th percentile (nearest rank), and the share decided within 30 days.
//! - Concentration (total row): distinct children, protocols per child (mean, max), and the share
//!   of protocols on the 10 % most-coerced children (rounded up); protocols without a child
//!   reference are left out of these three.
//! - Funnel limits (by institution): the complaint count of an institution with n protocols is
//!   compared with Poisson(n × overall rate); its upheld count with Binomial(decided, overall
//!   upheld share). Limits are the exact 2.5/97.5 % and 0.1/99.9 % quantiles.

use crate::catalogue::Catalogue;
use crate::model::{institution_key, Complaint, Outcome, Protocol};
use chrono::Datelike;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

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

/// One row of statistics: a group, or the total (`group == "total"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub group: String,
    pub protocols: u64,
    pub measures: u64,
    pub complaints: u64,
    pub complaints_per_100_protocols: Option<f64>,
    pub protocols_per_complaint: Option<f64>,
    pub medhold: u64,
    pub delvis_medhold: u64,
    pub ikke_medhold: u64,
    pub avvist: u64,
    pub pending: u64,
    pub upheld_share: Option<f64>,
    pub children: u64,
    /// Total row only.
    pub unlinked_complaints: Option<u64>,
    pub median_handling_days: Option<f64>,
    pub p90_handling_days: Option<f64>,
    pub decided_within_30_days_share: Option<f64>,
    /// Total row only.
    pub protocols_per_child_mean: Option<f64>,
    pub protocols_per_child_max: Option<u64>,
    pub top_decile_children_share: Option<f64>,
    /// By institution only.
    pub complaint_rate_funnel: Option<Funnel>,
    pub upheld_share_funnel: Option<Funnel>,
}

/// A complaint and the protocol it concerns, if that is in the store.
pub struct LinkedComplaint<'a> {
    pub complaint: &'a Complaint,
    /// Index into the protocols given to [`compute`]; `None` when the protocol is not there.
    pub protocol: Option<usize>,
    /// True when the protocol is in the store but was left out by the filters.
    pub filtered_out: bool,
}

#[derive(Default)]
struct Acc<'p> {
    /// A protocol is in a group at most once, so a count suffices.
    protocols: u64,
    measures: u64,
    complaints: Vec<usize>,
    children: HashSet<&'p str>,
}

/// Computes one row per group (in a natural order) followed by the total row.
pub fn compute(
    protocols: &[&Protocol],
    complaints: &[LinkedComplaint],
    by: GroupBy,
    catalogue: &Catalogue,
) -> Vec<Row> {
    // Groups by key; `slot` maps a key to its accumulator.
    let mut slot: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<(String, Acc)> = Vec::new();
    let mut display: HashMap<String, String> = HashMap::new();
    let mut total = Acc::default();
    // Which groups each protocol is in: `membership[offsets[i]..offsets[i + 1]]`.
    let mut membership: Vec<usize> = Vec::with_capacity(protocols.len());
    let mut offsets: Vec<usize> = Vec::with_capacity(protocols.len() + 1);
    offsets.push(0);
    let mut keys: Vec<(String, u64)> = Vec::new();
    for p in protocols {
        keys.clear();
        let all = p.measures.len() as u64;
        let mut add = |key: String, measures: u64| match keys.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += measures,
            None => keys.push((key, measures)),
        };
        match by {
            GroupBy::Year => add(p.incident_date().year().to_string(), all),
            GroupBy::Month => add(p.incident_date().format("%Y-%m").to_string(), all),
            GroupBy::Institution => {
                let key = institution_key(&p.institution, p.institution_id.as_deref());
                if !display.contains_key(&key) {
                    display.insert(key.clone(), p.institution.clone());
                }
                add(key, all)
            }
            GroupBy::Region => add(p.region.clone().unwrap_or_else(|| "?".into()), all),
            GroupBy::Provision => {
                for m in &p.measures {
                    let id = catalogue
                        .resolve_provision(&m.provision)
                        .map(|x| x.id.clone())
                        .unwrap_or_else(|| "?".into());
                    add(id, 1);
                }
            }
            GroupBy::Kind => {
                for m in &p.measures {
                    add(m.kind.clone().unwrap_or_else(|| "?".into()), 1);
                }
            }
            GroupBy::Child => add(p.child_ref.clone().unwrap_or_else(|| "?".into()), all),
        }
        for (key, measures) in keys.drain(..) {
            let g = match slot.get(&key) {
                Some(&g) => g,
                None => {
                    slot.insert(key.clone(), groups.len());
                    groups.push((key, Acc::default()));
                    groups.len() - 1
                }
            };
            let acc = &mut groups[g].1;
            acc.protocols += 1;
            acc.measures += measures;
            if let Some(c) = &p.child_ref {
                acc.children.insert(c);
            }
            membership.push(g);
        }
        offsets.push(membership.len());
        total.protocols += 1;
        total.measures += all;
        if let Some(c) = &p.child_ref {
            total.children.insert(c);
        }
    }
    let mut unlinked = 0;
    for (ci, lc) in complaints.iter().enumerate() {
        match lc.protocol {
            Some(pi) => {
                for &g in &membership[offsets[pi]..offsets[pi + 1]] {
                    groups[g].1.complaints.push(ci);
                }
                total.complaints.push(ci);
            }
            None if !lc.filtered_out => unlinked += 1,
            None => {}
        }
    }

    let overall_rate = ratio(total.complaints.len() as f64, total.protocols as f64);
    let total_row_outcomes = outcomes(complaints, &total.complaints);
    let overall_upheld = total_row_outcomes.upheld_share();

    let mut rows: Vec<Row> = groups
        .iter()
        .map(|(key, acc)| {
            let mut row = row(
                display.get(key).cloned().unwrap_or_else(|| key.clone()),
                acc,
                complaints,
            );
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
    total_row.unlinked_complaints = Some(unlinked);
    let mut per_child: HashMap<&str, u64> = HashMap::new();
    for p in protocols {
        if let Some(c) = &p.child_ref {
            *per_child.entry(c.as_str()).or_default() += 1;
        }
    }
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

#[derive(Default)]
struct Outcomes {
    medhold: u64,
    delvis: u64,
    ikke: u64,
    avvist: u64,
    pending: u64,
    handling_days: Vec<i64>,
}

impl Outcomes {
    fn upheld_share(&self) -> Option<f64> {
        ratio(
            (self.medhold + self.delvis) as f64,
            (self.medhold + self.delvis + self.ikke) as f64,
        )
    }
}

fn outcomes(complaints: &[LinkedComplaint], which: &[usize]) -> Outcomes {
    let mut o = Outcomes::default();
    for &ci in which {
        let c = complaints[ci].complaint;
        match c.outcome {
            Some(Outcome::Medhold) => o.medhold += 1,
            Some(Outcome::DelvisMedhold) => o.delvis += 1,
            Some(Outcome::IkkeMedhold) => o.ikke += 1,
            Some(Outcome::Avvist) => o.avvist += 1,
            None => o.pending += 1,
        }
        if let (Some(_), Some(r), Some(d)) = (c.outcome, c.received_at, c.decided_at) {
            o.handling_days
                .push((d.oslo_date() - r.oslo_date()).num_days());
        }
    }
    o.handling_days.sort_unstable();
    o
}

fn row(group: String, acc: &Acc, complaints: &[LinkedComplaint]) -> Row {
    let o = outcomes(complaints, &acc.complaints);
    let (protocols, n_complaints) = (acc.protocols, acc.complaints.len() as u64);
    let days = &o.handling_days;
    Row {
        group,
        protocols,
        measures: acc.measures,
        complaints: n_complaints,
        complaints_per_100_protocols: ratio(100.0 * n_complaints as f64, protocols as f64),
        protocols_per_complaint: ratio(protocols as f64, n_complaints as f64),
        medhold: o.medhold,
        delvis_medhold: o.delvis,
        ikke_medhold: o.ikke,
        avvist: o.avvist,
        pending: o.pending,
        upheld_share: o.upheld_share(),
        children: acc.children.len() as u64,
        unlinked_complaints: None,
        median_handling_days: median(days),
        p90_handling_days: (!days.is_empty())
            .then(|| days[(days.len() * 9).div_ceil(10) - 1] as f64),
        decided_within_30_days_share: ratio(
            days.iter().filter(|d| **d <= 30).count() as f64,
            days.len() as f64,
        ),
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
    if mean <= 0.0 {
        return 0;
    }
    let mut log_pmf = -mean; // k = 0
    let mut cdf = 0.0;
    let mut k = 0u64;
    loop {
        cdf += log_pmf.exp();
        if cdf >= q || k > (mean * 10.0 + 1000.0) as u64 {
            return k;
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
        let refs: Vec<&Protocol> = ps.iter().collect();
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
        let linked: Vec<LinkedComplaint> = cs
            .iter()
            .map(|c| LinkedComplaint {
                complaint: c,
                protocol: refs.iter().position(|p| p.protocol_id == c.protocol_id),
                filtered_out: false,
            })
            .collect();

        let by_year = compute(&refs, &linked, GroupBy::Year, &c);
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
        assert_eq!(total.decided_within_30_days_share, Some(2.0 / 3.0));
        // Concentration: A has 2 protocols, B 1; the top decile (1 child) holds 2 of 3.
        assert_eq!(total.protocols_per_child_mean, Some(1.5));
        assert_eq!(total.protocols_per_child_max, Some(2));
        assert_eq!(total.top_decile_children_share, Some(2.0 / 3.0));

        // 2024 has no decided-on-merits complaints besides one medhold; 2024's second protocol none.
        let by_provision = compute(&refs, &linked, GroupBy::Provision, &c);
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
        let linked = [LinkedComplaint {
            complaint: &cs[0],
            protocol: None,
            filtered_out: true,
        }];
        let rows = compute(&[], &linked, GroupBy::Year, &c);
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
        let refs: Vec<&Protocol> = ps.iter().collect();
        let linked: Vec<LinkedComplaint> = cs
            .iter()
            .map(|(pi, c)| LinkedComplaint {
                complaint: c,
                protocol: Some(*pi),
                filtered_out: false,
            })
            .collect();
        let rows = compute(&refs, &linked, GroupBy::Institution, &c);
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
    "pending",
    "upheld_share",
    "children",
    "unlinked_complaints",
    "median_handling_days",
    "p90_handling_days",
    "decided_within_30_days_share",
    "protocols_per_child_mean",
    "protocols_per_child_max",
    "top_decile_children_share",
    "complaint_rate_funnel",
    "upheld_share_funnel",
];

/// Counts, and the figures derived from each: when a count is suppressed, so is every figure
/// computed from it, or it could be worked back out.
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
    (
        "medhold",
        &[
            "upheld_share",
            "upheld_share_funnel",
            "median_handling_days",
            "p90_handling_days",
            "decided_within_30_days_share",
        ],
    ),
    (
        "delvis_medhold",
        &[
            "upheld_share",
            "upheld_share_funnel",
            "median_handling_days",
            "p90_handling_days",
            "decided_within_30_days_share",
        ],
    ),
    (
        "ikke_medhold",
        &[
            "upheld_share",
            "upheld_share_funnel",
            "median_handling_days",
            "p90_handling_days",
            "decided_within_30_days_share",
        ],
    ),
    (
        "avvist",
        &[
            "median_handling_days",
            "p90_handling_days",
            "decided_within_30_days_share",
        ],
    ),
    ("pending", &[]),
    (
        "children",
        &["protocols_per_child_mean", "top_decile_children_share"],
    ),
    ("unlinked_complaints", &[]),
    ("protocols_per_child_max", &[]),
];

/// A row as output values, keyed by [`COLUMNS`]. With `suppress_below = Some(n)`, counts from 1
/// to n−1 become the text `<n` and the figures derived from them null (small-cell suppression
/// for publication; zero stays zero, since it discloses no one).
pub fn output_values(
    row: &Row,
    suppress_below: Option<u64>,
) -> serde_json::Map<String, serde_json::Value> {
    let serde_json::Value::Object(mut map) = serde_json::to_value(row).expect("rows serialise")
    else {
        unreachable!("a struct serialises to an object")
    };
    if let Some(n) = suppress_below {
        for (count, derived) in DERIVED_FROM {
            let small = map
                .get(*count)
                .and_then(|v| v.as_u64())
                .is_some_and(|v| v > 0 && v < n);
            if small {
                map.insert(
                    count.to_string(),
                    serde_json::Value::String(format!("<{n}")),
                );
                for d in *derived {
                    map.insert(d.to_string(), serde_json::Value::Null);
                }
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
}

#[cfg(test)]
mod output_tests {
    use super::*;

    #[test]
    fn every_column_is_a_row_field_and_suppression_hides_derived_figures() {
        let row = Row {
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
            pending: 0,
            upheld_share: Some(1.0 / 3.0),
            children: 12,
            unlinked_complaints: None,
            median_handling_days: Some(20.0),
            p90_handling_days: Some(30.0),
            decided_within_30_days_share: Some(1.0),
            protocols_per_child_mean: None,
            protocols_per_child_max: None,
            top_decile_children_share: None,
            complaint_rate_funnel: Some(Funnel::Within),
            upheld_share_funnel: Some(Funnel::Within),
        };
        let plain = output_values(&row, None);
        assert_eq!(
            plain.keys().map(String::as_str).collect::<Vec<_>>(),
            COLUMNS
        );
        assert_eq!(plain["complaints"], 3);
        assert_eq!(plain["complaint_rate_funnel"], "within");

        let s = output_values(&row, Some(5));
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
