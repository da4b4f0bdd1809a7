//! Where the TUI's keymap and the settings file come from.

use super::output::Failure;
use std::path::PathBuf;
use tvang::text;

/// Where the TUI's keymap and settings come from.
pub(super) struct TuiSettings {
    pub(super) keymap: Option<PathBuf>,
    pub(super) config: Option<PathBuf>,
}

pub(super) fn tui_settings(
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
pub(super) fn load_config(path: &Option<PathBuf>) -> Result<tvang::config::Config, Failure> {
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
