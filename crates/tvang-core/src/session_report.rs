//! The session report: what a session reviewed and found, as a tilsyn working note (Markdown,
//! [`crate::text::session::render_report`]), JSON or CSV.
//!
//! Built from the queue's rows (statuses, flags, outcomes as they are now) and the items'
//! reviews. Every text an inspector or an institution wrote passes through
//! [`crate::privacy::mask`]: a report is a file that leaves tvang.

use crate::catalogue::Catalogue;
use crate::model::Outcome;
use crate::privacy::mask;
use crate::queue::{Queue, QueueRow};
use crate::review::{Assessment, RecordKind, RecordRef, Review, Status};
use crate::session::{is_handled, needs_follow_up, Progress, Session};
use crate::stats::{complaints_per_100, OutcomeCounts};
use crate::store::{Store, StoreError};
use crate::triage::TriageFlag;
use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionReport {
    pub session: String,
    pub kind: RecordKind,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub generated_at: DateTime<Utc>,
    pub generated_by: String,
    /// The filter the worklist was made from, as `key=value` conditions.
    pub selection: BTreeMap<String, String>,
    pub search: Option<String>,
    pub active_minutes: i64,
    pub progress: Progress,
    /// Items no longer in the store.
    pub missing: usize,
    /// Records imported after the session was made that match its filter but are not in it.
    pub offered_later: usize,
    /// Decisions on the complaints: the session's own, or those about its protocols.
    pub outcomes: OutcomeFigures,
    /// Per lawfulness condition, how the session's items were assessed (only conditions
    /// assessed at least once).
    pub conditions: Vec<ConditionCount>,
    /// Per triage flag found, how many items carry it and which.
    pub flags: Vec<FlagCount>,
    /// Items needing follow-up, by record id.
    pub follow_up: Vec<String>,
    pub by_institution: Vec<GroupSummary>,
    pub by_provision: Vec<GroupSummary>,
    /// All items: the session's protocol-to-complaint figures.
    pub total: GroupSummary,
    pub items: Vec<ReportItem>,
}

/// Complaint decisions with the upheld share, as statistics count and define them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct OutcomeFigures {
    #[serde(flatten)]
    pub counts: OutcomeCounts,
    pub upheld_share: Option<f64>,
}

impl From<OutcomeCounts> for OutcomeFigures {
    fn from(counts: OutcomeCounts) -> Self {
        OutcomeFigures {
            counts,
            upheld_share: counts.upheld_share(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionCount {
    /// The catalogue's id (`bvl-10-7.akutt_fare`) and wording.
    pub condition: String,
    pub label: String,
    pub met: u64,
    pub not_met: u64,
    pub not_assessable: u64,
    pub not_applicable: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlagCount {
    pub flag: TriageFlag,
    pub count: usize,
    pub records: Vec<String>,
}

/// Figures for a group of the session's items (an institution, a provision, or all).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GroupSummary {
    pub group: String,
    pub items: usize,
    pub handled: usize,
    pub follow_up: usize,
    /// Items with at least one triage flag.
    pub flagged: usize,
    pub protocols: u64,
    pub complaints: u64,
    pub complaints_per_100_protocols: Option<f64>,
    #[serde(flatten)]
    pub outcomes: OutcomeFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportItem {
    pub kind: RecordKind,
    /// `protocol_id` or `complaint_id` as the institution sent it.
    pub id: String,
    pub institution: String,
    pub date: Option<NaiveDate>,
    /// Masked.
    pub child: Option<String>,
    pub provisions: Vec<String>,
    pub kinds: Vec<String>,
    pub duration_minutes: Option<i64>,
    pub status: Status,
    pub handled: bool,
    pub follow_up: bool,
    /// Complaints: the decision (the inspector's, else as imported).
    pub outcome: Option<Outcome>,
    /// Complaints: the protocol it concerns, if in the store.
    pub protocol: Option<String>,
    /// Protocols: complaints about it.
    pub complaints: u16,
    pub flags: Vec<TriageFlag>,
    /// The item's assessments, in the catalogue's order.
    pub checklist: Vec<ItemCheck>,
    pub corrected_provision: Option<String>,
    pub corrected_kind: Option<String>,
    pub tags: BTreeSet<String>,
    pub notes: Vec<ReportNote>,
}

/// One condition as an item's checklist assessed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemCheck {
    pub condition: String,
    pub label: String,
    pub assessment: Assessment,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportNote {
    pub author: String,
    pub at: DateTime<Utc>,
    /// The field a remark is about; none for a note on the whole record.
    pub field: Option<String>,
    /// Masked.
    pub text: String,
}

/// Records imported after the session was made that pass its filter and are not in it.
pub fn offered(queue: &Queue, session: &Session) -> Vec<RecordRef> {
    let known: FxHashSet<RecordRef> = session.items.iter().copied().collect();
    queue
        .select(
            session.state.kind,
            &session.state.filter,
            crate::queue::Sort::default(),
        )
        .into_iter()
        .map(|i| queue.rows[i].record)
        .filter(|r| session.state.is_later(*r) && !known.contains(r))
        .collect()
}

/// The progress of a session's items as the queue has them now.
pub fn progress(queue: &Queue, items: &[RecordRef]) -> Progress {
    Progress::of(
        items
            .iter()
            .map(|r| queue.row_of(*r).map(|i| queue.rows[i].status)),
    )
}

/// A group's figures as items are added.
struct Tally {
    summary: GroupSummary,
    /// Store ids: a complaint session's complaints may share a protocol.
    protocols: FxHashSet<u64>,
    outcomes: OutcomeCounts,
}

impl Tally {
    fn new(group: String) -> Self {
        Tally {
            summary: GroupSummary {
                group,
                ..GroupSummary::default()
            },
            protocols: FxHashSet::default(),
            outcomes: OutcomeCounts::default(),
        }
    }

    /// Adds one item. `complaints` are the rows of the complaints counted with it: a
    /// protocol's complaints, or the complaint itself.
    fn add(&mut self, row: &QueueRow, complaints: &[&QueueRow]) {
        let s = &mut self.summary;
        s.items += 1;
        s.handled += usize::from(is_handled(row.status));
        s.follow_up += usize::from(needs_follow_up(row.status));
        s.flagged += usize::from(!row.flags.is_empty());
        if row.record.kind == RecordKind::Protocol {
            self.protocols.insert(row.record.id);
        } else if let Some(p) = row.protocol {
            self.protocols.insert(p);
        }
        for c in complaints {
            s.complaints += 1;
            self.outcomes.add(c.outcome);
        }
    }

    fn finish(self) -> GroupSummary {
        let mut s = self.summary;
        s.protocols = self.protocols.len() as u64;
        s.complaints_per_100_protocols = complaints_per_100(s.complaints, s.protocols);
        s.outcomes = self.outcomes.into();
        s
    }
}

/// Builds the report of a session from the queue (as it is now) and the items' reviews.
pub fn build(
    store: &Store,
    catalogue: &Catalogue,
    queue: &Queue,
    session: &Session,
    author: &str,
    now: DateTime<Utc>,
) -> Result<SessionReport, StoreError> {
    let state = &session.state;
    // A protocol's complaints, by the protocol's store id.
    let mut complaints_of: FxHashMap<u64, Vec<&QueueRow>> = FxHashMap::default();
    for r in &queue.rows {
        if let (RecordKind::Complaint, Some(p)) = (r.record.kind, r.protocol) {
            complaints_of.entry(p).or_default().push(r);
        }
    }
    let mut total = Tally::new(crate::labels::TOTAL.to_string());
    let mut institutions: BTreeMap<String, Tally> = BTreeMap::new();
    let mut provisions: BTreeMap<String, Tally> = BTreeMap::new();
    let mut flags: BTreeMap<TriageFlag, Vec<String>> = BTreeMap::new();
    // By the condition's place in the catalogue (then its id), which is the checklist's order.
    let order = |id: &str| {
        let place = catalogue.conditions.iter().position(|c| c.id == id);
        (place.unwrap_or(usize::MAX), id.to_string())
    };
    let mut conditions: BTreeMap<(usize, String), ConditionCount> = BTreeMap::new();
    let mut follow_up = Vec::new();
    let mut items = Vec::new();
    let mut missing = 0;
    for record in &session.items {
        let Some(row) = queue.row_of(*record).map(|i| &queue.rows[i]) else {
            missing += 1;
            continue;
        };
        let own = [row];
        let complaints: &[&QueueRow] = match record.kind {
            RecordKind::Protocol => complaints_of.get(&record.id).map_or(&[], Vec::as_slice),
            RecordKind::Complaint => &own,
        };
        total.add(row, complaints);
        let institution = queue.text(row.institution).to_string();
        institutions
            .entry(institution.clone())
            .or_insert_with(|| Tally::new(institution.clone()))
            .add(row, complaints);
        let mut labels: Vec<String> = row
            .provisions
            .iter()
            .map(|p| queue.text(*p).to_string())
            .collect();
        // Measures in order may cite a provision, another, then the first again: once each.
        labels.sort_unstable_by_key(|l| crate::fold::collation_key(l));
        labels.dedup();
        if labels.is_empty() {
            labels.push(crate::labels::NO_PROVISION.to_string());
        }
        for label in &labels {
            provisions
                .entry(label.clone())
                .or_insert_with(|| Tally::new(label.clone()))
                .add(row, complaints);
        }
        let id = row.record_id.to_string();
        for f in row.flags.iter() {
            flags.entry(f).or_default().push(id.clone());
        }
        if needs_follow_up(row.status) {
            follow_up.push(id.clone());
        }
        let review: Review = store.review(*record)?;
        for (id, check) in &review.checklist {
            let c = conditions
                .entry(order(id))
                .or_insert_with(|| ConditionCount {
                    condition: id.clone(),
                    label: crate::labels::condition_label(catalogue, id),
                    met: 0,
                    not_met: 0,
                    not_assessable: 0,
                    not_applicable: 0,
                });
            match check.assessment {
                Assessment::Oppfylt => c.met += 1,
                Assessment::IkkeOppfylt => c.not_met += 1,
                Assessment::IkkeVurderbar => c.not_assessable += 1,
                Assessment::IkkeAktuelt => c.not_applicable += 1,
            }
        }
        let protocol = match record.kind {
            RecordKind::Complaint => row
                .protocol
                .and_then(|p| queue.row_of(RecordRef::protocol(p)))
                .map(|i| queue.rows[i].record_id.to_string()),
            RecordKind::Protocol => None,
        };
        items.push(ReportItem {
            kind: record.kind,
            id,
            institution,
            date: row.date,
            child: row.child.map(|c| mask(queue.text(c)).into_owned()),
            provisions: row
                .provisions
                .iter()
                .map(|p| queue.text(*p).to_string())
                .collect(),
            kinds: row
                .kinds
                .iter()
                .map(|k| queue.text(*k).to_string())
                .collect(),
            duration_minutes: row.minutes,
            status: row.status,
            handled: is_handled(row.status),
            follow_up: needs_follow_up(row.status),
            outcome: (record.kind == RecordKind::Complaint)
                .then_some(row.outcome)
                .flatten(),
            protocol,
            complaints: if record.kind == RecordKind::Protocol {
                row.complaints
            } else {
                0
            },
            flags: row.flags.iter().collect(),
            checklist: {
                let mut checks: Vec<ItemCheck> = review
                    .checklist
                    .iter()
                    .map(|(id, check)| ItemCheck {
                        condition: id.clone(),
                        label: crate::labels::condition_label(catalogue, id),
                        assessment: check.assessment,
                        reason: check
                            .reason
                            .as_deref()
                            .map(|r| crate::privacy::mask(r).into_owned()),
                    })
                    .collect();
                checks.sort_by_key(|c| order(&c.condition));
                checks
            },
            corrected_provision: review.corrected_provision.clone(),
            corrected_kind: review.corrected_kind.clone(),
            tags: review.tags.clone(),
            notes: review
                .annotations
                .iter()
                .map(|a| ReportNote {
                    author: a.author.clone(),
                    at: a.at,
                    field: a.field.clone(),
                    text: mask(&a.text).into_owned(),
                })
                .collect(),
        });
    }
    let total = total.finish();
    Ok(SessionReport {
        session: state.name.clone(),
        kind: state.kind,
        created_at: state.created_at,
        created_by: state.created_by.clone(),
        closed_at: state.closed_at,
        generated_at: now,
        generated_by: author.to_string(),
        selection: state
            .filter
            .pairs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        search: state.search.clone(),
        active_minutes: state.active_minutes(),
        progress: progress(queue, &session.items),
        missing,
        offered_later: offered(queue, session).len(),
        outcomes: total.outcomes,
        conditions: conditions.into_values().collect(),
        flags: flags
            .into_iter()
            .map(|(flag, records)| FlagCount {
                flag,
                count: records.len(),
                records,
            })
            .collect(),
        follow_up,
        by_institution: institutions.into_values().map(Tally::finish).collect(),
        // As numbers: § 10-7 before § 10-10.
        by_provision: {
            let mut tallies: Vec<Tally> = provisions.into_values().collect();
            tallies.sort_by_cached_key(|t| crate::fold::collation_key(&t.summary.group));
            tallies.into_iter().map(Tally::finish).collect()
        },
        total,
        items,
    })
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Json,
    Csv,
}

impl ReportFormat {
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "md",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
        }
    }

    /// By a file name's extension.
    pub fn of_path(path: &std::path::Path) -> Option<ReportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(ReportFormat::Markdown),
            "json" => Some(ReportFormat::Json),
            "csv" => Some(ReportFormat::Csv),
            _ => None,
        }
    }
}

/// One line per item.
pub fn to_csv(report: &SessionReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    use crate::review::json_name as name;
    let _ = w.write_record([
        "kind",
        "id",
        "institution",
        "date",
        "child",
        "provisions",
        "kinds",
        "duration_minutes",
        "status",
        "handled",
        "follow_up",
        "outcome",
        "protocol",
        "complaints",
        "flags",
        "conditions_not_met",
        "conditions_not_assessable",
        "conditions_not_applicable",
        "corrected_provision",
        "corrected_kind",
        "tags",
        "notes",
    ]);
    for i in &report.items {
        let with = |wanted: Assessment| {
            i.checklist
                .iter()
                .filter(|c| c.assessment == wanted)
                .map(|c| c.condition.as_str())
                .collect::<Vec<_>>()
                .join(";")
        };
        let notes: Vec<String> = i
            .notes
            .iter()
            .map(|n| {
                let field = n
                    .field
                    .as_deref()
                    .map(|f| format!(" [{f}]"))
                    .unwrap_or_default();
                format!(
                    "{} {}{field}: {}",
                    crate::time::oslo_minute(&n.at),
                    n.author,
                    n.text
                )
            })
            .collect();
        let _ = w.write_record([
            name(&i.kind),
            i.id.clone(),
            i.institution.clone(),
            i.date.map(|d| d.to_string()).unwrap_or_default(),
            i.child.clone().unwrap_or_default(),
            i.provisions.join(";"),
            i.kinds.join(";"),
            i.duration_minutes
                .map(|m| m.to_string())
                .unwrap_or_default(),
            name(&i.status),
            i.handled.to_string(),
            i.follow_up.to_string(),
            i.outcome.as_ref().map(name).unwrap_or_default(),
            i.protocol.clone().unwrap_or_default(),
            i.complaints.to_string(),
            i.flags
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(";"),
            with(Assessment::IkkeOppfylt),
            with(Assessment::IkkeVurderbar),
            with(Assessment::IkkeAktuelt),
            i.corrected_provision.clone().unwrap_or_default(),
            i.corrected_kind.clone().unwrap_or_default(),
            i.tags.iter().cloned().collect::<Vec<_>>().join(";"),
            notes.join(" | "),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Writes a report to the audit log: it is an export of personal data (masked).
pub fn log_written(
    store: &Store,
    author: &str,
    now: DateTime<Utc>,
    session: &str,
    format: ReportFormat,
    target: &str,
) -> Result<(), StoreError> {
    store
        .log(vec![crate::audit::Event::new(
            now,
            author,
            crate::audit::Action::Export,
        )
        .field(target)
        .change(
            "",
            crate::audit_text::report_logged(session, format.name()),
        )])
        .map(|_| ())
}
