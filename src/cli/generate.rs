//! `tvang generate`: synthetic protocols and complaints (never real people).

use super::output::{emit, Failure};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use tvang::generate::{self, GenerateOptions, OutputFormat};
use tvang::text;

#[derive(ValueEnum, Clone, Copy, Debug)]
pub(super) enum GenerateFormat {
    Jsonl,
    Json,
    Csv,
    /// One Word document per protocol and per complaint letter
    Docx,
    /// One PDF per protocol and per complaint letter, written directly (no office suite)
    Pdf,
}

#[derive(Args, Debug)]
pub(super) struct GenerateArgs {
    /// Number of protocols (split evenly over the years)
    #[arg(long, default_value_t = 1000)]
    protocols: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output folder
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Years, e.g. 2022-2023 or 2024
    #[arg(long, default_value = "2022-2024", value_parser = parse_years)]
    years: (i32, i32),
    #[arg(long, value_enum, default_value = "jsonl")]
    format: GenerateFormat,
    /// One pair of files per year
    #[arg(long)]
    split_years: bool,
}

pub(super) fn parse_years(s: &str) -> Result<(i32, i32), String> {
    let parse = |y: &str| {
        y.trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
    };
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (parse(a), parse(b)),
        None => (parse(s), parse(s)),
    };
    match (a, b) {
        (Some(a), Some(b)) if a <= b => Ok((a, b)),
        _ => Err(text::bad_years_argument(s)),
    }
}

pub(super) fn cmd_generate(args: GenerateArgs) -> Result<ExitCode, Failure> {
    let data = generate::generate(&GenerateOptions {
        protocols: args.protocols,
        seed: args.seed,
        first_year: args.years.0,
        last_year: args.years.1,
    });
    let format = match args.format {
        GenerateFormat::Jsonl => Some(OutputFormat::Jsonl),
        GenerateFormat::Json => Some(OutputFormat::Json),
        GenerateFormat::Csv => Some(OutputFormat::Csv),
        GenerateFormat::Docx | GenerateFormat::Pdf => None,
    };
    let written = match (format, args.format) {
        (Some(format), _) => generate::write(&data, &args.out, format, args.split_years),
        (None, GenerateFormat::Pdf) => tvang::generate_pdf::write_pdf(&data, &args.out),
        (None, _) => tvang::generate_documents::write_docx(&data, &args.out),
    };
    let mut files = written.map_err(|e| {
        Failure::new(
            format!("{}: {}", args.out.display(), tvang::io_text::io_error(&e)),
            2,
        )
    })?;
    if format.is_none() && files.len() > 6 {
        let n = files.len();
        files.truncate(3);
        files.push(PathBuf::from(format!("… ({n} dokumenter)")));
    }
    emit(&format!(
        "{}\n",
        text::generated(&data.per_year(), data.complaints.len(), &args.out, &files)
    ));
    Ok(ExitCode::SUCCESS)
}
