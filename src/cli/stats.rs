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

#[derive(Args, Debug)]
pub(super) struct StatsArgs {
    /// What to group by
    #[arg(long, value_enum, default_value = "year")]
    by: GroupArg,
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
    let mut rows =
        tvang::stats::from_store(store, catalogue, &filter, by, rules.complaint_target_months)?
            .map_err(filter_failure)?;
    if store.protocol_count()? == 0 {
        eprintln!("{}", text::empty_store(store.path()));
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
            &text::selection(&filter.pairs()),
            &tvang::time::oslo_minute(&chrono::Utc::now()),
        ),
    };
    emit(&rendered);
    Ok(ExitCode::SUCCESS)
}
