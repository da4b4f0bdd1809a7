//! `tvang import PATH…`: files and folders into the store, with the summary.

use super::output::{emit, Failure};
use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use tvang::catalogue::Catalogue;
use tvang::import::{import_paths, ImportError, ImportOptions};
use tvang::store::Store;
use tvang::text;

#[derive(Args, Debug)]
pub(super) struct ImportArgs {
    /// Files and folders (folders are searched recursively)
    #[arg(required = true, value_name = "PATH")]
    pub(super) paths: Vec<PathBuf>,
    /// Store changed records as a new version (the old one is kept as history) instead of
    /// reporting them as conflicts
    #[arg(long)]
    pub(super) update: bool,
    /// Replace every fødselsnummer or D-nummer found in the texts with «[fødselsnummer fjernet]»
    /// instead of storing it (masked when shown)
    #[arg(long)]
    pub(super) redact: bool,
    /// List every rejected record and conflict, not only the first 20
    #[arg(long, short)]
    pub(super) verbose: bool,
    /// Also write the full report as JSON to FILE
    #[arg(long, value_name = "FILE")]
    pub(super) report: Option<PathBuf>,
    /// The office's own document labels, on top of the built-in ones (TOML: a [labels] table
    /// of field = ["Label", …]); default: `labels` in the config file
    #[arg(long, value_name = "FILE")]
    pub(super) labels: Option<PathBuf>,
}

pub(super) fn progress_wanted() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// The built-in document labels with the office's own: `--labels FILE`, else the config's.
pub(super) fn office_labels(
    given: Option<&PathBuf>,
    config: &tvang::config::Config,
) -> Result<Option<std::sync::Arc<tvang::import::document::labels::Labels>>, Failure> {
    match given.or(config.labels.as_ref()) {
        Some(path) => Ok(Some(std::sync::Arc::new(
            tvang::import::document::labels::Labels::with_file(path)
                .map_err(|e| Failure::new(text::document::label_file_error(&e), 2))?,
        ))),
        None => Ok(None),
    }
}

pub(super) fn cmd_import(
    store: &Store,
    catalogue: &Catalogue,
    args: ImportArgs,
    config: &tvang::config::Config,
) -> Result<ExitCode, Failure> {
    let author = config.author();
    let labels = office_labels(args.labels.as_ref(), config)?;
    let bar = progress_wanted().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(text::PROGRESS_TEMPLATE)
                .expect("valid template")
                .progress_chars("█▉▊▋▌▍▎▏ "),
        );
        bar
    });
    let mut on_progress = |p: &tvang::import::Progress| {
        if let Some(bar) = &bar {
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_done);
            bar.set_message(text::progress_message(
                p.files_done,
                p.files_total,
                p.records,
            ));
        }
    };
    let started = std::time::Instant::now();
    let report = import_paths(
        store,
        catalogue,
        &args.paths,
        ImportOptions {
            author: author.to_string(),
            update: args.update,
            redact: args.redact,
            labels,
        },
        &mut on_progress,
    );
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = report.map_err(|e| match e {
        ImportError::NoSuchPath(_) => Failure::new(e.to_string(), 2),
        ImportError::Store(se) => Failure::from(se),
        ImportError::Interrupted { ref stored, .. } => {
            // What was stored before the store failed, then why it stopped.
            emit(&text::import_summary(stored, args.verbose));
            Failure::new(e.to_string(), 2)
        }
    })?;
    emit(&text::import_summary(&report, args.verbose));
    emit(&format!(
        "{}\n",
        text::import_timing(report.records_seen(), started.elapsed().as_secs_f64())
    ));
    if let Some(path) = &args.report {
        let json = serde_json::to_string_pretty(&report).expect("report serialises");
        // Through the private output file: the report names fields and files of personal data.
        tvang::export::write_file_atomically(path, |out| {
            std::io::Write::write_all(out, (json + "\n").as_bytes())
        })
        .map_err(|e| {
            Failure::new(
                format!("{}: {}", path.display(), tvang::io_text::io_error(&e)),
                2,
            )
        })?;
    }
    if report.protocols.new
        + report.protocols.updated
        + report.complaints.new
        + report.complaints.updated
        > 0
    {
        super::backup::daily_backup(store, &config.rotation(store.path()), &config.author());
    }
    Ok(
        // Nothing found to read is not a success: the path was likely wrong.
        if report.rejected.is_empty() && report.files_skipped.is_empty() && report.files_read > 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}
