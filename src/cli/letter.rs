//! `tvang letter INSTITUTION/ID`: the decision letter (vedtaksbrev) of a decided complaint, as
//! Word or Markdown, through the built-in letter template or the office's own.

use super::args::resolve_reference;
use super::output::{emit, Failure};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use tvang::catalogue::Catalogue;
use tvang::letter::words;
use tvang::letter::{self, Drafter, LetterError, LetterFormat, LetterPrivacy, Template};
use tvang::store::Store;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FormatArg {
    Docx,
    Markdown,
}

#[derive(Args, Debug)]
pub(super) struct LetterArgs {
    /// The complaint: INSTITUTION/COMPLAINT-ID (or a protocol with one complaint), e.g.
    /// "Kvernhuset ungdomshjem/K-2024-00027"
    #[arg(required_unless_present = "print_template")]
    reference: Option<String>,
    /// The file to write [default: vedtaksbrev-COMPLAINT-ID.docx in the working folder,
    /// numbered when that file exists]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// docx (Word) or markdown [default: by --out's extension, else docx]
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// The office's letter template (Markdown with placeholders) [default: the config file's
    /// letter_template, else the built-in one]
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// Write fødselsnummer found in the texts unmasked (written to the audit log)
    #[arg(long)]
    reveal: bool,
    /// Replace --out if it exists
    #[arg(long)]
    force: bool,
    /// Print the built-in template, to start an office's own from
    #[arg(long, conflicts_with_all = ["out", "format", "reveal", "force", "template"])]
    print_template: bool,
}

fn failure(e: LetterError) -> Failure {
    let hint = match &e {
        LetterError::Exists { .. } => Some(words::HINT_OVERWRITE),
        LetterError::NotDecided { .. } => Some(words::HINT_NOT_DECIDED),
        _ => None,
    };
    let code = match &e {
        LetterError::NotFound { .. } | LetterError::NotDecided { .. } => 1,
        _ => 2,
    };
    let f = Failure::new(e.to_string(), code);
    match hint {
        Some(h) => f.hint(h),
        None => f,
    }
}

/// The one complaint a reference names: a complaint, or a protocol with exactly one.
fn complaint_of(store: &Store, reference: &str) -> Result<u64, Failure> {
    let (protocols, mut complaints) = resolve_reference(store, reference)?;
    if complaints.is_empty() {
        for id in protocols {
            if let Some(sp) = store.protocol(id)? {
                complaints.extend(
                    store
                        .complaints_for_protocol(&sp.protocol)?
                        .iter()
                        .map(|c| c.id),
                );
            }
        }
    }
    match complaints.len() {
        1 => Ok(*complaints.first().expect("one")),
        0 => Err(Failure::new(words::no_complaint(reference), 1).hint(words::HINT_NO_COMPLAINT)),
        _ => {
            let mut found = Vec::new();
            for id in complaints {
                if let Some(c) = store.complaint(id)? {
                    found.push(c.complaint.complaint_id);
                }
            }
            Err(Failure::new(
                words::several_complaints(reference, &found),
                1,
            ))
        }
    }
}

pub(super) fn cmd_letter(
    store: &Store,
    catalogue: &Catalogue,
    args: LetterArgs,
    config: &tvang::config::Config,
) -> Result<ExitCode, Failure> {
    if args.print_template {
        emit(letter::BUILT_IN_TEMPLATE);
        return Ok(ExitCode::SUCCESS);
    }
    let template = office_template(args.template.as_deref(), config)?;
    let reference = args.reference.as_deref().unwrap_or_default();
    let complaint = complaint_of(store, reference)?;
    let author = config.author();
    let by = Drafter {
        author: &author,
        now: tvang::time::now_utc(),
    };
    let privacy = if args.reveal {
        LetterPrivacy::Revealed
    } else {
        LetterPrivacy::Masked
    };
    let format = match (
        args.format,
        args.out.as_deref().and_then(LetterFormat::of_path),
    ) {
        (Some(FormatArg::Docx), _) => LetterFormat::Docx,
        (Some(FormatArg::Markdown), _) => LetterFormat::Markdown,
        (None, Some(format)) => format,
        (None, None) => LetterFormat::Docx,
    };
    let draft =
        letter::draft(store, catalogue, &template, complaint, privacy, by).map_err(failure)?;
    let (path, overwrite) = match args.out {
        Some(path) => (path, args.force),
        None => (
            letter::free_path(std::path::Path::new(""), &draft, format),
            false,
        ),
    };
    letter::write(store, &draft, &path, format, overwrite, by).map_err(failure)?;
    store.flush()?;
    emit(&format!(
        "{}\n",
        words::letter_written(
            &draft.complaint_ref,
            &path.display().to_string(),
            format,
            args.reveal
        )
    ));
    if let Some(warning) = words::unassessed_warning(&draft.unassessed) {
        super::output::warn(&format!("tvang: {warning}"));
    }
    Ok(ExitCode::SUCCESS)
}

/// The letter template to write with: the one named on the command line, else the config file's
/// `letter_template`, else the built-in one. A template that cannot be read or has an unknown
/// placeholder is refused here, before anything is written.
pub fn office_template(
    explicit: Option<&std::path::Path>,
    config: &tvang::config::Config,
) -> Result<Template, Failure> {
    match explicit.or(config.letter_template.as_deref()) {
        Some(path) => Template::from_file(path).map_err(failure),
        None => Ok(Template::built_in()),
    }
}
