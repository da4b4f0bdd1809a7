//! `tvang stats`: protocol-to-complaint figures, grouped.

use super::args::{filter_failure, FilterArgs};
use super::output::{emit, Failure};
use clap::{Args, ValueEnum};
use std::process::ExitCode;
use tvang::catalogue::Catalogue;
use tvang::store::Store;
use tvang::text;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum GroupArg {
    Year,
    Month,
    Institution,
    Region,
    Provision,
    Kind,
    Child,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StatsFormat {
    Table,
    Json,
    Csv,
    /// A Markdown note (heading, selection, table, notes)
    #[value(alias = "md")]
    Markdown,
}

/// Which date puts a record in a year or month, and in --from/--to.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DateArg {
    /// Each by its own: protocols by the incident, complaints by the day received, outcomes and
    /// handling time by the day decided
    Own,
    /// Everything by the incident: complaints under their protocol's year
    Incident,
    /// Everything by the day received: protocols by the day forelagt
    Received,
    /// Complaints and outcomes by the day decided (undecided by the day received)
    Decided,
}

#[derive(Args, Debug)]
pub(super) struct StatsArgs {
    /// What to group by
    #[arg(long, value_enum, default_value = "year")]
    by: GroupArg,
    /// Which date counts (docs/statistics.md says what each answers)
    #[arg(long, value_enum, default_value = "own")]
    date: DateArg,
    #[command(flatten)]
    filters: FilterArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: StatsFormat,
    /// Show counts from 1 to N-1 as "<N", and hide the figures derived from them
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(2..))]
    suppress_below: Option<u64>,
    /// For sharing: children named by pseudonym (--by child), and counts below 5 suppressed
    /// unless --suppress-below says otherwise
    #[arg(long)]
    pseudonymise: bool,
}

/// Small-cell suppression for pseudonymised statistics: counts of 1–4 are not shown (the usual
/// threshold in Norwegian official statistics on individuals).
pub(super) const DEFAULT_SUPPRESSION: u64 = tvang::stats::PUBLICATION_THRESHOLD;

pub(super) fn cmd_stats(
    store: &Store,
    catalogue: &Catalogue,
    args: StatsArgs,
    rules: &tvang::triage::TriageRules,
) -> Result<ExitCode, Failure> {
    use tvang::stats::GroupBy;
    let filter = args.filters.filter();
    let by = match args.by {
        GroupArg::Year => GroupBy::Year,
        GroupArg::Month => GroupBy::Month,
        GroupArg::Institution => GroupBy::Institution,
        GroupArg::Region => GroupBy::Region,
        GroupArg::Provision => GroupBy::Provision,
        GroupArg::Kind => GroupBy::Kind,
        GroupArg::Child => GroupBy::Child,
    };
    let basis = match args.date {
        DateArg::Own => tvang::stats::DateBasis::Own,
        DateArg::Incident => tvang::stats::DateBasis::Incident,
        DateArg::Received => tvang::stats::DateBasis::Received,
        DateArg::Decided => tvang::stats::DateBasis::Decided,
    };
    let mut rows = tvang::stats::from_store(
        store,
        catalogue,
        &filter,
        by,
        basis,
        rules.complaint_target_months,
    )?
    .map_err(filter_failure)?;
    if store.protocol_count()? == 0 {
        super::output::warn(&text::empty_store(store.path()));
    }
    let mut args = args;
    if args.pseudonymise {
        if by == GroupBy::Child {
            tvang::stats::pseudonymise_children(&mut rows, &store.pseudonymiser()?);
        }
        args.suppress_below = args.suppress_below.or(Some(DEFAULT_SUPPRESSION));
    }
    let rendered = match args.format {
        StatsFormat::Table => text::stats_table(&rows, by, args.suppress_below, catalogue),
        StatsFormat::Json => tvang::stats::to_json(&rows, args.suppress_below),
        StatsFormat::Csv => tvang::stats::to_csv(&rows, args.suppress_below),
        StatsFormat::Markdown => text::stats_markdown(
            &rows,
            by,
            args.suppress_below,
            catalogue,
            &text::stats_selection(&filter.pairs(), basis),
            &tvang::time::oslo_minute(&chrono::Utc::now()),
        ),
    };
    emit(&rendered);
    Ok(ExitCode::SUCCESS)
}
