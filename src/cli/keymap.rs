//! `tvang keymap check FILE` and `tvang keymap list`.

use super::output::{emit, Failure};
use super::settings::{tui_settings, TuiSettings};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub(super) enum KeymapCommand {
    /// Check a keymap file (over the built-in keymap) and report its first error
    Check {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// List every action with its keys, per screen, as the TUI would bind them (with
    /// --keymap FILE or the config directory's keymap.toml over the built-in one)
    List,
}

pub(super) fn cmd_keymap(command: KeymapCommand, tui: TuiSettings) -> Result<ExitCode, Failure> {
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
