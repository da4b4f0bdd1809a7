//! `tvang session …`: review sessions from the shell. The logic is in `tvang::session`.

use super::output::{emit, Failure};
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use tvang::catalogue::Catalogue;
use tvang::queue::{Queue, QueueFilter, Sort};
use tvang::review::RecordKind;
use tvang::session::{check_name, Session, SessionState};
use tvang::session_report::{self as report, ReportFormat};
use tvang::store::Store;
use tvang::text::session as t;
use tvang::triage::TriageRules;

#[derive(Subcommand, Debug)]
pub enum SessionCommand {
    /// Make a session of the protocols (or complaints) matching the filters; its worklist is
    /// fixed now (records imported later are offered by `session add`, not added)
    New(Box<NewArgs>),
    /// List the open sessions with their progress (--all: closed ones too)
    List {
        #[arg(long)]
        all: bool,
    },
    /// Show a session: progress, time spent, its filter and its items
    Show { name: String },
    /// Close a session (its report can still be written)
    Close { name: String },
    /// Open a closed session again
    Reopen { name: String },
    /// Add to a session the records imported after it was made that match its filter
    Add { name: String },
    /// Write a session's report: what was reviewed and found (identifiers masked)
    Report(ReportArgs),
}

#[derive(Args, Debug)]
pub struct NewArgs {
    name: String,
    /// A session of complaints instead of protocols
    #[arg(long)]
    complaints: bool,
    /// Review status, one or more separated by commas: ny, gjennomgatt, oppfolging; mottatt,
    /// under_behandling, avgjort
    #[arg(long)]
    status: Option<String>,
    /// Provision (hjemmel), e.g. 10-7
    #[arg(long)]
    provision: Option<String>,
    /// Measure kind, e.g. fastholding
    #[arg(long)]
    kind: Option<String>,
    /// Institution: part of the name (æøå optional) or org.nr
    #[arg(long)]
    institution: Option<String>,
    /// Statsforvalter region: code, name or historic alias
    #[arg(long)]
    region: Option<String>,
    /// Triage flags, all of them, separated by commas (injury, isolation, late, …)
    #[arg(long)]
    flag: Option<String>,
    /// First date (YYYY-MM-DD), inclusive
    #[arg(long)]
    from: Option<String>,
    /// Last date (YYYY-MM-DD), inclusive
    #[arg(long)]
    to: Option<String>,
    /// Only protocols with (yes) or without (no) complaints
    #[arg(long)]
    complaint: Option<String>,
    /// An inspector's tag
    #[arg(long)]
    tag: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ReportFormatArg {
    Md,
    Json,
    Csv,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    name: String,
    /// Markdown (a working note), JSON or CSV (one line per item) [default: by --out's
    /// extension, else md]
    #[arg(long, value_enum)]
    format: Option<ReportFormatArg>,
    /// Write to FILE (created readable by you only) instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

impl NewArgs {
    fn filter(&self) -> Result<QueueFilter, Failure> {
        let mut filter = QueueFilter::default();
        let conditions = [
            ("status", &self.status),
            ("provision", &self.provision),
            ("kind", &self.kind),
            ("institution", &self.institution),
            ("region", &self.region),
            ("flag", &self.flag),
            ("from", &self.from),
            ("to", &self.to),
            ("complaint", &self.complaint),
            ("tag", &self.tag),
        ];
        for (key, value) in conditions {
            if let Some(v) = value {
                filter
                    .set(key, v)
                    .map_err(|e| Failure::new(tvang::labels::filter_error(&e), 2))?;
            }
        }
        Ok(filter)
    }
}

pub fn cmd_session(
    store: &Store,
    catalogue: &Catalogue,
    rules: &TriageRules,
    command: SessionCommand,
    author: &str,
) -> Result<ExitCode, Failure> {
    let now = tvang::time::now_utc();
    let find = |name: &str| -> Result<Session, Failure> {
        store
            .session(name.trim())?
            .ok_or_else(|| Failure::new(t::no_such(name.trim()), 1))
    };
    let queue = || Queue::load(store, catalogue, rules);
    match command {
        SessionCommand::New(args) => {
            let name = check_name(&args.name).map_err(|e| Failure::new(t::name_error(&e), 2))?;
            let filter = args.filter()?;
            let kind = if args.complaints {
                RecordKind::Complaint
            } else {
                RecordKind::Protocol
            };
            let queue = queue()?;
            let items: Vec<_> = queue
                .select(kind, &filter, Sort::default())
                .into_iter()
                .map(|i| queue.rows[i].record)
                .collect();
            if items.is_empty() {
                return Err(Failure::new(t::empty_worklist(kind), 1));
            }
            let first_later = store.next_record_id()?;
            let state = SessionState::new(name, kind, filter, None, first_later, author, now);
            let session = Session {
                state,
                items: items.clone(),
            };
            if !store.create_session(&session, false)? {
                return Err(Failure::new(t::exists(name), 1));
            }
            emit(&format!("{}\n", t::created_cli(name, items.len(), kind)));
        }
        SessionCommand::List { all } => {
            let active = store.active_session()?;
            let sessions: Vec<Session> = store
                .sessions()?
                .into_iter()
                .filter(|s| all || !s.state.is_closed())
                .collect();
            if sessions.is_empty() {
                emit(&format!("{}\n", t::NO_SESSIONS_CLI));
                return Ok(ExitCode::SUCCESS);
            }
            let queue = queue()?;
            let width = sessions
                .iter()
                .map(|s| s.state.name.chars().count())
                .max()
                .unwrap_or(0);
            for Session { state: s, items } in sessions {
                let p = report::progress(&queue, &items);
                let mark = if active.as_deref() == Some(s.name.as_str()) {
                    "*"
                } else {
                    " "
                };
                emit(&format!("{mark} {}\n", t::summary_line(&s, p, width)));
            }
        }
        SessionCommand::Show { name } => {
            let session = find(&name)?;
            let queue = queue()?;
            let offered = report::offered(&queue, &session).len();
            emit(&t::show(&session, &queue, offered));
        }
        SessionCommand::Close { name } => {
            let mut state = find(&name)?.state;
            if !state.is_closed() {
                state.closed_at = Some(now);
                store.save_session_state(&state)?;
            }
            if store.active_session()?.as_deref() == Some(state.name.as_str()) {
                store.set_active_session(None)?;
            }
            emit(&format!("{}\n", t::closed(&state.name)));
        }
        SessionCommand::Reopen { name } => {
            let mut state = find(&name)?.state;
            state.closed_at = None;
            store.save_session_state(&state)?;
            emit(&format!("{}\n", t::reopened(&state.name)));
        }
        SessionCommand::Add { name } => {
            let session = find(&name)?;
            if session.state.is_closed() {
                return Err(Failure::new(t::is_closed(&session.state.name), 1));
            }
            let queue = queue()?;
            let offered = report::offered(&queue, &session);
            if offered.is_empty() {
                emit(&format!("{}\n", t::NOTHING_OFFERED));
            } else {
                store.add_session_items(&session.state.name, &offered)?;
                emit(&format!("{}\n", t::added(offered.len())));
            }
        }
        SessionCommand::Report(args) => {
            let session = find(&args.name)?;
            let format = match (args.format, &args.out) {
                (Some(ReportFormatArg::Md), _) => ReportFormat::Markdown,
                (Some(ReportFormatArg::Json), _) => ReportFormat::Json,
                (Some(ReportFormatArg::Csv), _) => ReportFormat::Csv,
                (None, Some(path)) => ReportFormat::of_path(path).unwrap_or(ReportFormat::Markdown),
                (None, None) => ReportFormat::Markdown,
            };
            let queue = queue()?;
            let built = report::build(store, catalogue, &queue, &session, author, now)?;
            let content = tvang::text::session::render_report(&built, format);
            let target = match &args.out {
                Some(path) => {
                    tvang::export::write_file_atomically(path, |out| {
                        std::io::Write::write_all(out, content.as_bytes())
                    })
                    .map_err(|e| {
                        Failure::new(
                            format!("{}: {}", path.display(), tvang::io_text::io_error(&e)),
                            2,
                        )
                    })?;
                    path.display().to_string()
                }
                None => {
                    emit(&content);
                    tvang::text::STANDARD_OUTPUT.to_string()
                }
            };
            report::log_written(store, author, now, &session.state.name, format, &target)?;
            if args.out.is_some() {
                emit(&format!(
                    "{}\n",
                    t::report_written(&target, built.items.len())
                ));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
