//! Command-line interface: argument parsing and output. All logic lives in the core
//! (tvang-core). This file parses and dispatches; each subcommand is a file of its own with its
//! arguments and its `cmd_*` (as atuin's `command/client/`), reporting through [`output`];
//! `args` holds what several share (filters, dates, record references), `settings` the TUI's
//! keymap and the settings file.

mod args;
mod audit;
mod backup;
mod export;
mod generate;
mod import;
mod keymap;
mod letter;
mod list;
mod open;
mod output;
mod search;
mod session;
mod settings;
mod show;
mod stats;
mod usage_text;

use audit::AuditArgs;
use export::ExportArgs;
use generate::GenerateArgs;
use import::ImportArgs;
use keymap::KeymapCommand;
use list::ListArgs;
use open::OpenArgs;
use output::Failure;
use search::SearchArgs;
use settings::{load_config, tui_settings, TuiSettings};
use show::ShowArgs;
use stats::StatsArgs;

use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use tvang::catalogue::Catalogue;
use tvang::text;

/// tvang — tvangsprotokoller og klager fra barnevernsinstitusjoner, for statsforvalterens
/// saksbehandlere.
#[derive(Parser, Debug)]
#[command(name = "tvang", version, about, long_about = None)]
struct Cli {
    /// Store directory [default: the per-user data directory, e.g. ~/.local/share/tvang]
    #[arg(long, global = true, env = "TVANG_DB", value_name = "DIR")]
    db: Option<PathBuf>,

    /// Keymap file over the built-in keys [default: keymap.toml in the config directory, if any]
    #[arg(long, global = true, env = "TVANG_KEYMAP", value_name = "FILE")]
    keymap: Option<PathBuf>,

    /// Settings file (inspector name, triage limits) [default: config.toml in the config
    /// directory, if any]
    #[arg(long, global = true, env = "TVANG_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Open the terminal UI (the default), after importing PATHs if given (idempotently)
    Open(OpenArgs),
    /// Import protocol and complaint files (.json, .jsonl/.ndjson, .csv, .xlsx, .ods, .docx, .pdf) and folders
    Import(ImportArgs),
    /// Export every protocol and complaint in the import format
    Export(ExportArgs),
    /// Show one protocol (or complaint): INSTITUTION/ID, institution by name or org.nr
    Show(ShowArgs),
    /// List protocols (or complaints) matching filters, newest first
    List(ListArgs),
    /// Write the decision letter (vedtaksbrev) of a decided complaint, as Word or Markdown
    Letter(letter::LetterArgs),
    /// Protocol-to-complaint figures, outcomes and handling times, grouped
    Stats(StatsArgs),
    /// Search protocols and complaints, fuzzily: inst:NAME child:REF hjemmel:10-7 text:"phrase"
    Search(SearchArgs),
    /// The audit log: imports, changes, reveals, exports; --verify checks its hash chain
    Audit(AuditArgs),
    /// Write the whole store (records, reviews, notes, audit log) to FILE: gzip JSON Lines with
    /// a checksum
    Backup {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Restore a backup FILE into an empty store (checked before anything is written)
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Write deterministic synthetic protocols and complaints (never real people)
    Generate(GenerateArgs),
    /// Review sessions: named worklists with progress, and their reports
    #[command(subcommand)]
    Session(session::SessionCommand),
    /// Keymap files of the terminal UI
    #[command(subcommand)]
    Keymap(KeymapCommand),
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Usage errors in words; clap prints help and version itself.
            let args: Vec<String> = std::env::args().collect();
            return match usage_text::usage_error(&e, &Cli::command(), &args) {
                Some(message) => {
                    output::warn(&message);
                    ExitCode::from(2)
                }
                None => {
                    let _ = e.print();
                    ExitCode::from(if e.use_stderr() { 2 } else { 0 })
                }
            };
        }
    };
    let tui = TuiSettings {
        keymap: cli.keymap,
        config: cli.config,
    };
    let result = match cli.command {
        None => with_store(cli.db, Command::Open(OpenArgs { paths: Vec::new() }), tui),
        Some(Command::Generate(args)) => generate::cmd_generate(args),
        Some(Command::Keymap(command)) => keymap::cmd_keymap(command, tui),
        Some(command) => with_store(cli.db, command, tui),
    };
    // A command that could not write its output failed, whatever it did before.
    let result = match (result, output::stdout_failure()) {
        (Ok(_), Some(lost)) => Err(lost),
        (result, _) => result,
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            output::warn(&format!("tvang: {}", f.message));
            if let Some(h) = f.hint {
                output::warn(&format!("  {h}"));
            }
            ExitCode::from(f.code)
        }
    }
}

fn store_dir(db: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(dir) = db {
        return Ok(dir);
    }
    directories::ProjectDirs::from("no", "statsforvalteren", "tvang")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| Failure::new(text::NO_DATA_DIR, 2))
}

fn with_store(
    db: Option<PathBuf>,
    command: Command,
    tui: TuiSettings,
) -> Result<ExitCode, Failure> {
    let catalogue =
        Catalogue::load().map_err(|e| Failure::new(text::catalogue_error(&e.to_string()), 2))?;
    if let Command::Open(args) = command {
        // Check the keymap and settings before touching the store or the terminal.
        let (keymap, config) = tui_settings(tui)?;
        let store = backup::open_store(&store_dir(db)?, &config)?;
        return open::cmd_open(store, catalogue, keymap, config, args);
    }
    // Who the audit log names for imports, reveals and exports.
    let config = load_config(&tui.config)?;
    let author = config.author();
    let store = backup::open_store(&store_dir(db)?, &config)?;
    if let Some(warning) = text::store_was_open(store.opened_too_wide()) {
        output::warn(&format!("tvang: {warning}"));
    }
    match command {
        Command::Open(_) => unreachable!("handled above"),
        Command::Import(args) => import::cmd_import(&store, &catalogue, args, &config),
        Command::Export(args) => export::cmd_export(&store, args, &author),
        Command::Show(args) => show::cmd_show(&store, &catalogue, args, &author),
        Command::Letter(args) => letter::cmd_letter(&store, &catalogue, args, &config),
        Command::List(args) => list::cmd_list(&store, &catalogue, args, &config.triage),
        Command::Stats(args) => stats::cmd_stats(&store, &catalogue, args, &config.triage),
        Command::Search(args) => search::cmd_search(&store, &catalogue, args),
        Command::Audit(args) => audit::cmd_audit(&store, args),
        Command::Backup { file } => backup::cmd_backup(&store, &file, &author),
        Command::Restore { file } => backup::cmd_restore(&store, &file, &author),
        Command::Session(command) => {
            session::cmd_session(&store, &catalogue, &config.triage, command, &author)
        }
        Command::Generate(_) | Command::Keymap(_) => unreachable!("needs no store"),
    }
}
