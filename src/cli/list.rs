//! `tvang list`: protocols (or complaints) matching filters.

use super::args::{filter_failure, FilterArgs, ListFormat};
use super::output::{emit, Failure};
use clap::Args;
use std::process::ExitCode;
use tvang::catalogue::Catalogue;
use tvang::query::select;
use tvang::store::Store;
use tvang::text;

#[derive(Args, Debug)]
pub(super) struct ListArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// List complaints instead of protocols
    #[arg(long)]
    complaints: bool,
    /// With --complaints: only complaints whose protocol is not in the store
    #[arg(long, requires = "complaints")]
    waiting: bool,
    /// With --complaints: only open complaints past their due day (received + the config's
    /// complaint_target_months)
    #[arg(long, requires = "complaints")]
    overdue: bool,
    /// At most N rows (0: all) [default: 100 for table, all for json]
    #[arg(long)]
    limit: Option<usize>,
    #[arg(long, value_enum, default_value = "table")]
    format: ListFormat,
}

pub(super) fn cmd_list(
    store: &Store,
    catalogue: &Catalogue,
    args: ListArgs,
    rules: &tvang::triage::TriageRules,
) -> Result<ExitCode, Failure> {
    let limit = match (args.limit, args.format) {
        (Some(0), _) | (None, ListFormat::Json) => usize::MAX,
        (Some(n), _) => n,
        (None, ListFormat::Table) => 100,
    };
    if args.complaints {
        return list_complaints(store, &args, limit, rules.complaint_target_months);
    }
    let protocols = select(store, catalogue, &args.filters.filter())?.map_err(filter_failure)?;
    let total = protocols.len();
    if total == 0 && store.protocol_count()? == 0 {
        super::output::warn(&text::empty_store(store.path()));
    }
    // Full records only for the rows shown.
    let mut shown = Vec::with_capacity(total.min(limit));
    for (id, _) in protocols.iter().take(limit) {
        if let Some(sp) = store.protocol(*id)? {
            let complaints = store.complaints_for_protocol(&sp.protocol)?.len();
            shown.push((sp, complaints));
        }
    }
    let rows: Vec<(&tvang::store::StoredProtocol, usize)> =
        shown.iter().map(|(sp, n)| (sp, *n)).collect();
    let rendered = match args.format {
        ListFormat::Table => text::protocol_table(&rows, total, catalogue),
        ListFormat::Json => text::protocol_list_json(&rows, catalogue),
    };
    emit(&rendered);
    Ok(ExitCode::SUCCESS)
}

pub(super) fn list_complaints(
    store: &Store,
    args: &ListArgs,
    limit: usize,
    target_months: u32,
) -> Result<ExitCode, Failure> {
    let filter = args.filters.filter();
    let reviews = store.reviews(tvang::review::RecordKind::Complaint)?;
    let decisions = tvang::decision::decisions(store, &reviews)?;
    let today = tvang::time::oslo_date(&tvang::time::now_utc().fixed_offset());
    let mut rows = Vec::new();
    for sc in store.complaints() {
        let sc = sc?;
        let decided = decisions.get(&sc.id).copied();
        let review = reviews.get(&sc.id);
        let sc = tvang::decision::as_decided(sc, decided, review);
        let c = &sc.complaint;
        if !filter.matches_complaint(c) {
            continue;
        }
        let linked = store.protocol_for_complaint(c)?.is_some();
        if args.waiting && linked {
            continue;
        }
        if args.overdue
            && !tvang::deadline::complaint_standing(c, target_months, today)
                .is_some_and(|d| d.is_overdue())
        {
            continue;
        }
        rows.push((sc, linked));
    }
    rows.sort_by(|a, b| {
        let key = |r: &(tvang::store::StoredComplaint, bool)| {
            r.0.complaint.received_at.map(|d| d.oslo_date())
        };
        key(b).cmp(&key(a)).then(a.0.id.cmp(&b.0.id))
    });
    let total = rows.len();
    rows.truncate(limit);
    let rendered = match args.format {
        ListFormat::Table => text::complaint_table(&rows, total, target_months, today),
        ListFormat::Json => {
            let items: Vec<_> = rows
                .iter()
                .map(|(sc, linked)| {
                    let due = text::complaint_due(&sc.complaint, target_months);
                    serde_json::json!({"complaint": sc.complaint, "linked": linked, "due": due, "source": sc.source})
                })
                .collect();
            serde_json::to_string_pretty(&items).expect("serialisable") + "\n"
        }
    };
    emit(&rendered);
    Ok(ExitCode::SUCCESS)
}
