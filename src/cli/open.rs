//! `tvang [open [PATH…]]`: the terminal UI, after importing PATHs.

use super::import::{cmd_import, office_labels, ImportArgs};
use super::output::Failure;
use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use tvang::catalogue::Catalogue;
use tvang::store::Store;
use tvang::text;

#[derive(Args, Debug)]
pub(super) struct OpenArgs {
    /// Files and folders to import before opening (already stored records are skipped)
    #[arg(value_name = "PATH")]
    pub(super) paths: Vec<PathBuf>,
}

pub(super) fn cmd_open(
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
    let rotation = config.rotation(store.path());
    let author = config.author();
    let labels = office_labels(None, &config)?;
    let letter_template = super::letter::office_template(None, &config)?;
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
    app.set_letter_template(std::sync::Arc::new(letter_template));
    let result = tvang::tui::run::run(&mut app);
    drop(app);
    store.flush()?;
    // After the terminal is back: the day's automatic backup, if none yet.
    super::backup::daily_backup(&store, &rotation, &author);
    result.map_err(|e| Failure::new(tvang::tui::text::terminal_error(&e.to_string()), 2))?;
    Ok(ExitCode::SUCCESS)
}
