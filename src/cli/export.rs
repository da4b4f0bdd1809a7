//! `tvang export`: every record in the import format, logged.

use super::output::{emit, Failure};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use tvang::export::{export, ExportError, ExportFormat};
use tvang::store::Store;
use tvang::text;

#[derive(ValueEnum, Clone, Copy, Debug)]
pub(super) enum ExportFormatArg {
    Jsonl,
    Json,
    Csv,
}

#[derive(Args, Debug)]
pub(super) struct ExportArgs {
    #[arg(long, value_enum, default_value = "jsonl")]
    format: ExportFormatArg,
    /// Write fødselsnummer found in the texts unmasked (written to the audit log)
    #[arg(long, conflicts_with = "pseudonymise")]
    reveal: bool,
    /// Replace child_ref with a keyed pseudonym (the same child gets the same one in every
    /// export from this store) and leave out free text and who decided
    #[arg(long)]
    pseudonymise: bool,
    /// With --pseudonymise: keep the free text (fødselsnummer still masked)
    #[arg(long, requires = "pseudonymise")]
    with_text: bool,
    /// Write to FILE instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub(super) fn cmd_export(
    store: &Store,
    args: ExportArgs,
    author: &str,
) -> Result<ExitCode, Failure> {
    use tvang::export::ExportPrivacy;
    let format = match args.format {
        ExportFormatArg::Jsonl => ExportFormat::Jsonl,
        ExportFormatArg::Json => ExportFormat::Json,
        ExportFormatArg::Csv => ExportFormat::Csv,
    };
    let privacy = if args.reveal {
        ExportPrivacy::Revealed
    } else if args.pseudonymise {
        ExportPrivacy::Pseudonymised {
            pseudonyms: store.pseudonymiser()?,
            with_text: args.with_text,
        }
    } else {
        ExportPrivacy::Masked
    };
    let result = match &args.out {
        Some(path) => {
            tvang::export::write_file_atomically(path, |out| export(store, format, &privacy, out))
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            export(store, format, &privacy, &mut out)
        }
    };
    // Logged when anything may have left the store: a whole export, or one cut off by the
    // reader (`| head`).
    let format_name = args
        .format
        .to_possible_value()
        .expect("every format has a name")
        .get_name()
        .to_string();
    let logged = match &result {
        Ok(counts) => Some(tvang::audit_text::export_logged(
            Some((counts.protocols, counts.complaints)),
            &format_name,
            privacy.logged(),
        )),
        Err(ExportError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Some(
            tvang::audit_text::export_logged(None, &format_name, privacy.logged()),
        ),
        Err(_) => None,
    };
    if let Some(what) = logged {
        let target = args.out.as_ref().map_or_else(
            || text::STANDARD_OUTPUT.to_string(),
            |p| p.display().to_string(),
        );
        store.log(vec![tvang::audit::Event::new(
            tvang::time::now_utc(),
            author,
            tvang::audit::Action::Export,
        )
        .field(target)
        .change("", what)])?;
    }
    match result {
        Ok(counts) => {
            if args.out.is_some() {
                emit(&format!(
                    "{}\n",
                    text::exported(counts.protocols, counts.complaints)
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ExportError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(ExitCode::SUCCESS)
        }
        Err(ExportError::Io(e)) => Err(Failure::new(
            match &args.out {
                Some(path) => format!("{}: {}", path.display(), tvang::io_text::io_error(&e)),
                None => tvang::io_text::io_error(&e),
            },
            2,
        )),
        Err(ExportError::Store(e)) => Err(e.into()),
        Err(ExportError::NotCsvSafe { record, field }) => {
            Err(Failure::new(text::not_csv_safe(&record, field), 2).hint(text::HINT_USE_JSONL))
        }
    }
}
