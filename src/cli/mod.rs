//! Command-line interface: argument parsing and output. All logic lives in the core
//! (tvang-core); each subcommand with arguments of its own may have a file here (`session.rs`),
//! reporting through [`output`].

mod output;
mod session;

use output::{emit, Failure};

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tvang::catalogue::Catalogue;
use tvang::export::{export, ExportError, ExportFormat};
use tvang::flags::Flag;
use tvang::generate::{self, GenerateOptions, OutputFormat};
use tvang::import::{import_paths, ImportError, ImportOptions};
use tvang::query::{select, FilterError, ProtocolFilter};
use tvang::store::Store;
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

#[derive(Args, Debug)]
struct OpenArgs {
    /// Files and folders to import before opening (already stored records are skipped)
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum KeymapCommand {
    /// Check a keymap file (over the built-in keymap) and report its first error
    Check {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// List every action with its keys, per screen, as the TUI would bind them (with
    /// --keymap FILE or the config directory's keymap.toml over the built-in one)
    List,
}

#[derive(Args, Debug)]
struct ImportArgs {
    /// Files and folders (folders are searched recursively)
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Store changed records as a new version (the old one is kept as history) instead of
    /// reporting them as conflicts
    #[arg(long)]
    update: bool,
    /// Replace every fødselsnummer or D-nummer found in the texts with «[fødselsnummer fjernet]»
    /// instead of storing it (masked when shown)
    #[arg(long)]
    redact: bool,
    /// List every rejected record and conflict, not only the first 20
    #[arg(long, short)]
    verbose: bool,
    /// Also write the full report as JSON to FILE
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// The office's own document labels, on top of the built-in ones (TOML: a [labels] table
    /// of field = ["Label", …]); default: `labels` in the config file
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ExportFormatArg {
    Jsonl,
    Json,
    Csv,
}

#[derive(Args, Debug)]
struct ExportArgs {
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

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ShowFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
struct ShowArgs {
    /// INSTITUTION/ID, e.g. "Solbakken ungdomshjem/2023/0145" or 998877001/2023/0145
    reference: String,
    #[arg(long, value_enum, default_value = "text")]
    format: ShowFormat,
    /// Show fødselsnummer found in the texts unmasked (written to the audit log)
    #[arg(long)]
    reveal: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ListFormat {
    Table,
    Json,
}

/// The filters shared by `list` and `stats`.
#[derive(Args, Debug, Clone)]
struct FilterArgs {
    /// Institution: part of the name (æøå optional) or org.nr
    #[arg(long)]
    institution: Option<String>,
    /// Statsforvalter region: code, name or historic alias
    #[arg(long)]
    region: Option<String>,
    /// Provision (hjemmel), e.g. 10-7 or "bvl § 10-9"
    #[arg(long)]
    provision: Option<String>,
    /// Measure kind, e.g. fastholding, isolasjon
    #[arg(long)]
    kind: Option<String>,
    /// Child reference (exact)
    #[arg(long)]
    child: Option<String>,
    /// First incident date (YYYY-MM-DD or DD.MM.YYYY), inclusive
    #[arg(long, value_parser = parse_date)]
    from: Option<chrono::NaiveDate>,
    /// Last incident date, inclusive
    #[arg(long, value_parser = parse_date)]
    to: Option<chrono::NaiveDate>,
    /// Only protocols with this data-quality flag (e.g. missing_child_statement)
    #[arg(long, value_parser = parse_flag)]
    flag: Option<Flag>,
}

impl FilterArgs {
    fn filter(&self) -> ProtocolFilter {
        ProtocolFilter {
            institution: self.institution.clone(),
            region: self.region.clone(),
            provision: self.provision.clone(),
            kind: self.kind.clone(),
            child: self.child.clone(),
            from: self.from,
            to: self.to,
            flag: self.flag,
        }
    }
}

#[derive(Args, Debug)]
struct ListArgs {
    #[command(flatten)]
    filters: FilterArgs,
    /// List complaints instead of protocols
    #[arg(long)]
    complaints: bool,
    /// With --complaints: only complaints whose protocol is not in the store
    #[arg(long, requires = "complaints")]
    waiting: bool,
    /// At most N rows (0: all) [default: 100 for table, all for json]
    #[arg(long)]
    limit: Option<usize>,
    #[arg(long, value_enum, default_value = "table")]
    format: ListFormat,
}

#[derive(Args, Debug)]
struct AuditArgs {
    /// Recompute the hash chain and name the first broken entry (exit code 1 if broken)
    #[arg(long)]
    verify: bool,
    /// Only entries from this day (Oslo time) on
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    since: Option<chrono::NaiveDate>,
    /// Only entries about this record: INSTITUTION/ID as `show` takes it
    #[arg(long, value_name = "REFERENCE")]
    record: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: ListFormat,
}

#[derive(Args, Debug)]
struct SearchArgs {
    /// Words, each matched loosely (solbakken finds Sølbakken); "quoted phrases" exactly;
    /// prefixes narrow a term: inst: child: hjemmel: tiltak: region: id: text:
    #[arg(required = true, value_name = "QUERY")]
    query: Vec<String>,
    /// At most N results (0: all)
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long, value_enum, default_value = "table")]
    format: ListFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum GroupArg {
    Year,
    Month,
    Institution,
    Region,
    Provision,
    Kind,
    Child,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum StatsFormat {
    Table,
    Json,
    Csv,
    /// A Markdown note (heading, selection, table, notes)
    #[value(alias = "md")]
    Markdown,
}

#[derive(Args, Debug)]
struct StatsArgs {
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

#[derive(ValueEnum, Clone, Copy, Debug)]
enum GenerateFormat {
    Jsonl,
    Json,
    Csv,
    /// One Word document per protocol and per complaint letter
    Docx,
    /// One PDF per protocol and per complaint letter, written directly (no office suite)
    Pdf,
}

#[derive(Args, Debug)]
struct GenerateArgs {
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

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    match tvang::time::DateOrTime::parse(s) {
        Ok(tvang::time::DateOrTime::Date(d)) => Ok(d),
        _ => Err(text::bad_date_argument(s)),
    }
}

fn parse_flag(s: &str) -> Result<Flag, String> {
    Flag::from_name(s).ok_or_else(|| {
        text::bad_flag_argument(
            s,
            &Flag::ALL
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", "),
        )
    })
}

fn parse_years(s: &str) -> Result<(i32, i32), String> {
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

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help, version and usage errors itself, with its own exit codes.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let tui = TuiSettings {
        keymap: cli.keymap,
        config: cli.config,
    };
    let result = match cli.command {
        None => with_store(cli.db, Command::Open(OpenArgs { paths: Vec::new() }), tui),
        Some(Command::Generate(args)) => cmd_generate(args),
        Some(Command::Keymap(command)) => cmd_keymap(command, tui),
        Some(command) => with_store(cli.db, command, tui),
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            eprintln!("tvang: {}", f.message);
            if let Some(h) = f.hint {
                eprintln!("  {h}");
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

/// Where the TUI's keymap and settings come from.
struct TuiSettings {
    keymap: Option<PathBuf>,
    config: Option<PathBuf>,
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
        let store = Store::open(&store_dir(db)?)?;
        return cmd_open(store, catalogue, keymap, config, args);
    }
    // Who the audit log names for imports, reveals and exports.
    let config = load_config(&tui.config)?;
    let author = config.author();
    let store = Store::open(&store_dir(db)?)?;
    if let Some(warning) = text::store_was_open(store.opened_too_wide()) {
        eprintln!("tvang: {warning}");
    }
    match command {
        Command::Open(_) => unreachable!("handled above"),
        Command::Import(args) => cmd_import(&store, &catalogue, args, &config),
        Command::Export(args) => cmd_export(&store, args, &author),
        Command::Show(args) => cmd_show(&store, &catalogue, args, &author),
        Command::List(args) => cmd_list(&store, &catalogue, args),
        Command::Stats(args) => cmd_stats(&store, &catalogue, args),
        Command::Search(args) => cmd_search(&store, &catalogue, args),
        Command::Audit(args) => cmd_audit(&store, args),
        Command::Backup { file } => cmd_backup(&store, &file, &author),
        Command::Restore { file } => cmd_restore(&store, &file, &author),
        Command::Session(command) => {
            session::cmd_session(&store, &catalogue, &config.triage, command, &author)
        }
        Command::Generate(_) | Command::Keymap(_) => unreachable!("needs no store"),
    }
}

fn tui_settings(
    tui: TuiSettings,
) -> Result<(tvang::tui::keymap::Keymap, tvang::config::Config), Failure> {
    use tvang::config::config_dir;
    use tvang::tui::keymap::Keymap;
    let config = load_config(&tui.config)?;
    let keymap_file = tui.keymap.or_else(|| {
        config_dir()
            .map(|d| d.join("keymap.toml"))
            .filter(|p| p.exists())
    });
    let keymap = match keymap_file {
        Some(path) => Keymap::with_file(&path)
            .map_err(|e| Failure::new(tvang::tui::text::keymap_refused(&e), 2))?,
        None => Keymap::built_in(),
    };
    Ok((keymap, config))
}

/// `--config FILE`, else `config.toml` in tvang's config directory if there is one.
fn load_config(path: &Option<PathBuf>) -> Result<tvang::config::Config, Failure> {
    use tvang::config::{config_dir, Config};
    match path {
        Some(path) => Config::load(path, true),
        None => match config_dir() {
            Some(dir) => Config::load(&dir.join("config.toml"), false),
            None => Ok(Config::default()),
        },
    }
    .map_err(|e| Failure::new(text::config_error(&e), 2))
}

fn cmd_open(
    store: Store,
    catalogue: Catalogue,
    keymap: tvang::tui::keymap::Keymap,
    config: tvang::config::Config,
    args: OpenArgs,
) -> Result<ExitCode, Failure> {
    if !args.paths.is_empty() {
        let code = cmd_import(
            &store,
            &catalogue,
            ImportArgs {
                paths: args.paths,
                update: false,
                redact: false,
                verbose: false,
                report: None,
                labels: None,
            },
            &config,
        )?;
        if code == ExitCode::from(2) {
            return Ok(code);
        }
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Failure::new(tvang::tui::text::NOT_A_TERMINAL, 2));
    }
    let labels = office_labels(None, &config)?;
    let store = std::sync::Arc::new(store);
    let mut app = tvang::tui::state::App::new(
        std::sync::Arc::clone(&store),
        std::sync::Arc::new(catalogue),
        keymap,
        config.author(),
        config.triage,
    )?;
    if let Some(warning) = text::store_was_open(store.opened_too_wide()) {
        app.warn(warning);
    }
    app.set_labels(labels);
    let result = tvang::tui::run::run(&mut app);
    drop(app);
    store.flush()?;
    result.map_err(|e| Failure::new(tvang::tui::text::terminal_error(&e.to_string()), 2))?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_keymap(command: KeymapCommand, tui: TuiSettings) -> Result<ExitCode, Failure> {
    use tvang::tui::action::Mode;
    use tvang::tui::keymap::{show_sequence, Keymap};
    match command {
        KeymapCommand::Check { file } => {
            let keymap = Keymap::with_file(&file).map_err(|e| Failure::new(e.to_string(), 1))?;
            let bound = Mode::ALL
                .iter()
                .map(|m| {
                    keymap
                        .bindings(*m)
                        .iter()
                        .filter(|b| !b.keys.is_empty())
                        .count()
                })
                .sum();
            emit(&format!(
                "{}\n",
                tvang::tui::text::keymap_ok(&file.display().to_string(), bound)
            ));
        }
        KeymapCommand::List => {
            // The keymap the TUI would start with: --keymap, else the config directory's.
            let (keymap, _) = tui_settings(tui)?;
            let mut out = String::new();
            for mode in Mode::ALL.iter().copied() {
                out.push_str(&format!("[{}]\n", mode.name()));
                for b in keymap.bindings(mode) {
                    let keys: Vec<String> = b.keys.iter().map(|k| show_sequence(k)).collect();
                    out.push_str(&format!(
                        "  {:<16} {:<24} {}\n",
                        b.action.name(),
                        keys.join(", "),
                        b.desc
                    ));
                }
            }
            emit(&out);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn progress_wanted() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// The built-in document labels with the office's own: `--labels FILE`, else the config's.
fn office_labels(
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

fn cmd_import(
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
    })?;
    emit(&text::import_summary(&report, args.verbose));
    emit(&format!(
        "{}\n",
        text::import_timing(report.records_seen(), started.elapsed().as_secs_f64())
    ));
    if let Some(path) = &args.report {
        let json = serde_json::to_string_pretty(&report).expect("report serialises");
        std::fs::write(path, json + "\n")
            .map_err(|e| Failure::new(format!("{}: {e}", path.display()), 2))?;
    }
    Ok(
        if report.rejected.is_empty() && report.files_skipped.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}

fn cmd_export(store: &Store, args: ExportArgs, author: &str) -> Result<ExitCode, Failure> {
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
                Some(path) => format!("{}: {e}", path.display()),
                None => e.to_string(),
            },
            2,
        )),
        Err(ExportError::Store(e)) => Err(e.into()),
        Err(ExportError::NotCsvSafe { record, field }) => {
            Err(Failure::new(text::not_csv_safe(&record, field), 2).hint(text::HINT_USE_JSONL))
        }
    }
}

/// The protocols and complaints a reference names: INSTITUTION/ID, institution by name or
/// org.nr; protocol ids may themselves contain '/', so every split point is tried.
fn resolve_reference(
    store: &Store,
    reference: &str,
) -> Result<
    (
        std::collections::BTreeSet<u64>,
        std::collections::BTreeSet<u64>,
    ),
    Failure,
> {
    let reference = reference.trim();
    let mut protocols = std::collections::BTreeSet::new();
    let mut complaints = std::collections::BTreeSet::new();
    for (i, _) in reference.match_indices('/') {
        let (inst, id) = (&reference[..i], &reference[i + 1..]);
        if inst.trim().is_empty() || id.is_empty() {
            continue;
        }
        protocols.extend(store.find_protocols(inst.trim(), id)?);
        for key in [
            tvang::model::institution_key(inst.trim(), Some(inst.trim())),
            tvang::model::institution_key(inst.trim(), None),
        ] {
            if let Some(cid) = store.complaint_id_by_key(&tvang::model::RecordKey::new(key, id))? {
                complaints.insert(cid);
            }
        }
    }
    if protocols.is_empty() && complaints.is_empty() {
        for (i, _) in reference.match_indices('/') {
            let (inst, id) = (reference[..i].trim(), &reference[i + 1..]);
            if !inst.is_empty() && !id.is_empty() {
                protocols.extend(store.find_protocols_loose(inst, id)?);
            }
        }
    }
    Ok((protocols, complaints))
}

fn cmd_backup(store: &Store, file: &std::path::Path, author: &str) -> Result<ExitCode, Failure> {
    let summary =
        tvang::export::write_file_atomically(file, |out| tvang::backup::write(store, out))
            .map_err(|e| Failure::new(text::backup_error(file, &e), 2))?;
    store.log(vec![tvang::audit::Event::new(
        tvang::time::now_utc(),
        author,
        tvang::audit::Action::Backup,
    )
    .field(file.display().to_string())
    .change("", tvang::audit_text::backup_logged(summary.entries))])?;
    emit(&text::backup_written(file, &summary));
    Ok(ExitCode::SUCCESS)
}

fn cmd_restore(store: &Store, file: &std::path::Path, author: &str) -> Result<ExitCode, Failure> {
    let open =
        || -> std::io::Result<Box<dyn std::io::Read>> { Ok(Box::new(std::fs::File::open(file)?)) };
    let summary = tvang::backup::restore(store, &open, author, &file.display().to_string())
        .map_err(|e| Failure::new(text::backup_error(file, &e), 2))?;
    emit(&text::restored(file, &summary));
    Ok(ExitCode::SUCCESS)
}

fn cmd_audit(store: &Store, args: AuditArgs) -> Result<ExitCode, Failure> {
    use tvang::review::RecordRef;
    if args.verify {
        let v = store.verify_audit()?;
        return Ok(match &v.broken {
            None => {
                emit(&text::audit_intact(v.entries, &v.head));
                ExitCode::SUCCESS
            }
            Some(b) => {
                eprintln!("tvang: {}", text::audit_broken(b, v.entries));
                ExitCode::from(1)
            }
        });
    }
    let records: Option<Vec<RecordRef>> = match &args.record {
        Some(reference) => {
            let (p, k) = resolve_reference(store, reference)?;
            if p.is_empty() && k.is_empty() {
                return Err(Failure::new(text::not_found(reference), 1));
            }
            Some(
                p.into_iter()
                    .map(RecordRef::protocol)
                    .chain(k.into_iter().map(RecordRef::complaint))
                    .collect(),
            )
        }
        None => None,
    };
    let mut entries = Vec::new();
    match records {
        Some(records) => {
            for r in records {
                entries.extend(store.audit(r)?);
            }
            entries.sort_by_key(|e| e.seq);
        }
        None => {
            for e in store.audit_log() {
                // An unreadable entry is for --verify to name; the listing skips it.
                if let Ok(e) = e? {
                    entries.push(e);
                }
            }
        }
    }
    if let Some(day) = args.since {
        entries.retain(|e| tvang::time::oslo_date(&e.at.fixed_offset()) >= day);
    }
    // Records named as the inspector knows them, read once each.
    let mut names: std::collections::HashMap<RecordRef, String> = Default::default();
    for e in &entries {
        if let Some(r) = e.record {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(r) {
                slot.insert(record_name(store, r)?);
            }
        }
    }
    let rendered = match args.format {
        ListFormat::Table => text::audit_table(&entries, &names),
        ListFormat::Json => text::audit_json(&entries, &names),
    };
    emit(&rendered);
    Ok(ExitCode::SUCCESS)
}

/// INSTITUTION/ID of a stored record (its store id if it is gone).
fn record_name(store: &Store, r: tvang::review::RecordRef) -> Result<String, Failure> {
    use tvang::review::RecordKind;
    Ok(match r.kind {
        RecordKind::Protocol => store
            .protocol_skeleton(r.id)?
            .map(|p| format!("{}/{}", p.institution, p.protocol_id)),
        RecordKind::Complaint => store.complaint(r.id)?.map(|c| {
            let c = c.complaint;
            format!(
                "{}/{}",
                c.institution.or(c.institution_id).unwrap_or_default(),
                c.complaint_id
            )
        }),
    }
    .unwrap_or_else(|| format!("#{}", r.id)))
}

fn cmd_show(
    store: &Store,
    catalogue: &Catalogue,
    args: ShowArgs,
    author: &str,
) -> Result<ExitCode, Failure> {
    let now = tvang::time::now_utc();
    let protocol = |id: u64| match args.reveal {
        true => store.reveal_protocol(id, author, now, tvang::audit_text::REVEALED_VIA_SHOW),
        false => store.protocol(id),
    };
    let complaint = |id: u64| match args.reveal {
        true => store.reveal_complaint(id, author, now, tvang::audit_text::REVEALED_VIA_SHOW),
        false => store.complaint(id),
    };
    let (protocols, complaints) = resolve_reference(store, &args.reference)?;
    let mut out = std::io::stdout().lock();
    let mut shown = 0;
    for id in protocols {
        let Some(sp) = protocol(id)? else {
            continue;
        };
        let mut linked = store.complaints_for_protocol(&sp.protocol)?;
        if args.reveal {
            for c in &mut linked {
                if let Some(revealed) = complaint(c.id)? {
                    *c = revealed;
                }
            }
        }
        // Each complaint as decided: the inspector's decision over the imported one.
        let linked = linked
            .into_iter()
            .map(|c| tvang::decision::with_decision(store, c))
            .collect::<Result<Vec<_>, _>>()?;
        let history = store.protocol_history(id)?;
        let rendered = match args.format {
            ShowFormat::Text => {
                text::protocol_detail(&sp, &linked, history.len(), catalogue, text::SHOW_WIDTH)
            }
            ShowFormat::Json => text::protocol_json(&sp, &linked, catalogue),
        };
        let _ = writeln!(out, "{rendered}");
        shown += 1;
    }
    for id in complaints {
        let Some(sc) = complaint(id)? else {
            continue;
        };
        let sc = tvang::decision::with_decision(store, sc)?;
        let protocol = store
            .protocol_for_complaint(&sc.complaint)?
            .map(protocol)
            .transpose()?
            .flatten();
        let rendered = match args.format {
            ShowFormat::Text => text::complaint_detail(&sc, protocol.as_ref(), text::SHOW_WIDTH),
            ShowFormat::Json => serde_json::to_string_pretty(&sc).expect("serialisable"),
        };
        let _ = writeln!(out, "{rendered}");
        shown += 1;
    }
    if shown == 0 {
        return Err(Failure::new(text::not_found(&args.reference), 1).hint(text::HINT_SHOW));
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_list(store: &Store, catalogue: &Catalogue, args: ListArgs) -> Result<ExitCode, Failure> {
    let limit = match (args.limit, args.format) {
        (Some(0), _) | (None, ListFormat::Json) => usize::MAX,
        (Some(n), _) => n,
        (None, ListFormat::Table) => 100,
    };
    if args.complaints {
        return list_complaints(store, &args, limit);
    }
    let protocols = select(store, catalogue, &args.filters.filter())?.map_err(filter_failure)?;
    let total = protocols.len();
    if total == 0 && store.protocol_count()? == 0 {
        eprintln!("{}", text::empty_store(store.path()));
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
    let mut out = std::io::stdout().lock();
    let rendered = match args.format {
        ListFormat::Table => text::protocol_table(&rows, total, catalogue),
        ListFormat::Json => text::protocol_list_json(&rows, catalogue),
    };
    let _ = write!(out, "{rendered}");
    Ok(ExitCode::SUCCESS)
}

fn cmd_search(store: &Store, catalogue: &Catalogue, args: SearchArgs) -> Result<ExitCode, Failure> {
    use tvang::review::RecordKind;
    use tvang::search::{load_index, Query};
    let typed = args.query.join(" ");
    let query = Query::parse(&typed);
    let index = load_index(store, catalogue)?;
    if index.is_empty() {
        eprintln!("{}", text::empty_store(store.path()));
    }
    let ranked = index.search(&query);
    let limit = if args.limit == 0 {
        usize::MAX
    } else {
        args.limit
    };
    let shown = &ranked[..ranked.len().min(limit)];
    // The protocols shown, read chunk by chunk in id order (in rank order every one could
    // mean reading its chunk again).
    let mut protocol_ids: Vec<u64> = shown
        .iter()
        .filter(|r| r.record.kind == RecordKind::Protocol)
        .map(|r| r.record.id)
        .collect();
    protocol_ids.sort_unstable();
    let mut protocols: std::collections::HashMap<u64, tvang::model::Protocol> = store
        .protocol_skeletons_by_ids(&protocol_ids)?
        .into_iter()
        .collect();
    let mut hits = Vec::new();
    for r in shown {
        let (record_id, protocol_id, institution) = match r.record.kind {
            RecordKind::Protocol => match protocols.remove(&r.record.id) {
                Some(p) => (p.protocol_id, None, p.institution),
                None => continue,
            },
            RecordKind::Complaint => match store.complaint(r.record.id)? {
                Some(sc) => {
                    let c = sc.complaint;
                    let institution = c.institution.or(c.institution_id).unwrap_or_default();
                    (c.complaint_id, Some(c.protocol_id), institution)
                }
                None => continue,
            },
        };
        hits.push(text::SearchHit {
            kind: r.record.kind,
            record_id,
            protocol_id,
            institution,
            date: r.date,
            score: r.score,
            matches: index.explain(r.record, &query),
        });
    }
    let rendered = match args.format {
        ListFormat::Table => {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let marks = if colour {
                ("\x1b[1;4m", "\x1b[0m")
            } else {
                ("[", "]")
            };
            text::search_table(&typed, &hits, ranked.len(), marks)
        }
        ListFormat::Json => text::search_json(&typed, &hits, ranked.len()),
    };
    let _ = write!(std::io::stdout().lock(), "{rendered}");
    // The process ends here: freeing the index's many small allocations one by one would only
    // delay the exit.
    std::mem::forget(index);
    Ok(ExitCode::SUCCESS)
}

fn filter_failure(e: FilterError) -> Failure {
    match e {
        FilterError::UnknownProvision(p) => Failure::new(text::unknown_provision_filter(&p), 2),
        FilterError::UnknownRegion(r) => Failure::new(text::unknown_region_filter(&r), 2),
    }
}

/// Small-cell suppression for pseudonymised statistics: counts of 1–4 are not shown (the usual
/// threshold in Norwegian official statistics on individuals).
const DEFAULT_SUPPRESSION: u64 = 5;

fn cmd_stats(store: &Store, catalogue: &Catalogue, args: StatsArgs) -> Result<ExitCode, Failure> {
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
        tvang::stats::from_store(store, catalogue, &filter, by)?.map_err(filter_failure)?;
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

fn list_complaints(store: &Store, args: &ListArgs, limit: usize) -> Result<ExitCode, Failure> {
    let filter = args.filters.filter();
    let decisions =
        tvang::decision::decisions(store, &store.reviews(tvang::review::RecordKind::Complaint)?)?;
    let mut rows = Vec::new();
    for sc in store.complaints() {
        let sc = sc?;
        let decided = decisions.get(&sc.id).copied();
        let sc = tvang::decision::as_decided(sc, decided);
        let c = &sc.complaint;
        if !filter.matches_complaint(c) {
            continue;
        }
        let linked = store.protocol_for_complaint(c)?.is_some();
        if args.waiting && linked {
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
        ListFormat::Table => text::complaint_table(&rows, total),
        ListFormat::Json => {
            let items: Vec<_> = rows
                .iter()
                .map(|(sc, linked)| serde_json::json!({"complaint": sc.complaint, "linked": linked, "source": sc.source}))
                .collect();
            serde_json::to_string_pretty(&items).expect("serialisable") + "\n"
        }
    };
    let _ = write!(std::io::stdout().lock(), "{rendered}");
    Ok(ExitCode::SUCCESS)
}

fn cmd_generate(args: GenerateArgs) -> Result<ExitCode, Failure> {
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
    let mut files = written.map_err(|e| Failure::new(format!("{}: {e}", args.out.display()), 2))?;
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
