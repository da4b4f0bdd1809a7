//! The user's settings: `config.toml` in tvang's config directory (or `--config FILE`).
//!
//! ```toml
//! inspector = "Kari Nordmann"   # author of notes and changes; default: $USER
//! labels = "/home/kari/ledetekster.toml"  # the office's own document labels
//! letter_template = "/home/kari/vedtaksbrev.md"  # the office's own decision-letter template
//!
//! [triage]
//! duration_limit_minutes = 30   # § 10-7 measures longer than this are flagged
//! repeat_count = 3              # this many protocols for one child …
//! repeat_window_days = 30       # … within this many days are flagged
//! late_days = 7                 # received more than this many days after the incident
//! complaint_target_months = 1   # a complaint is due this many months after it was received
//! complaint_wait_weeks = 4      # the child wanted to complain: flagged when none came in this
//!                               # many weeks after the incident
//!
//! [backup]
//! folder = "/mnt/backup/tvang"  # automatic daily backups; default: sikkerhetskopier/ in the store
//! keep = 7                      # how many to keep; 0 turns them off
//! ```

use crate::triage::TriageRules;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub inspector: Option<String>,
    /// The office's own document labels (`tvang import --labels FILE` overrides it).
    pub labels: Option<PathBuf>,
    /// The office's own decision-letter template (`tvang letter --template FILE` overrides it).
    pub letter_template: Option<PathBuf>,
    pub triage: TriageRules,
    pub backup: BackupSettings,
}

/// `[backup]`: where the automatic daily backups go and how many are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackupSettings {
    pub folder: Option<PathBuf>,
    pub keep: Option<usize>,
}

impl Config {
    /// The automatic backups of the store in `store_dir`.
    pub fn rotation(&self, store_dir: &Path) -> crate::backup::Rotation {
        let default = crate::backup::Rotation::in_store(store_dir);
        crate::backup::Rotation {
            folder: self.backup.folder.clone().unwrap_or(default.folder),
            keep: self.backup.keep.unwrap_or(default.keep),
        }
    }
}

impl Config {
    /// Reads a config file; a missing default file is an empty config, a missing named one an
    /// error.
    pub fn load(path: &Path, must_exist: bool) -> Result<Config, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e: toml::de::Error| {
                let words = crate::text::toml_error(&text, e.message(), e.span());
                format!("{}, {words}", path.display())
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                Ok(Config::default())
            }
            Err(e) => Err(format!(
                "{}: {}",
                path.display(),
                crate::io_text::io_error(&e)
            )),
        }
    }

    /// Who the notes and changes are by: the configured name, else the login name.
    pub fn author(&self) -> String {
        self.inspector
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("USERNAME").ok())
            .unwrap_or_else(|| crate::audit_text::UNKNOWN_AUTHOR.into())
    }
}

/// tvang's config directory (`~/.config/tvang` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("no", "statsforvalteren", "tvang")
        .map(|d| d.config_dir().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_inspector_and_triage_limits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "inspector = \"Kari\"\n[triage]\nduration_limit_minutes = 15\n",
        )
        .unwrap();
        let c = Config::load(&path, true).unwrap();
        assert_eq!(c.author(), "Kari");
        assert_eq!(c.triage.duration_limit_minutes, 15);
        assert_eq!(c.triage.repeat_count, 3);
        std::fs::write(&path, "[triage]\nlimit = 1\n").unwrap();
        let e = Config::load(&path, true).unwrap_err();
        assert!(
            e.contains("linje 2, kolonne 1: ukjent innstilling «limit» (gyldige: "),
            "{e}"
        );
        let e = Config::load(&dir.path().join("none.toml"), true).unwrap_err();
        assert!(e.ends_with("none.toml: finnes ikke"), "{e}");
        assert_eq!(
            Config::load(&dir.path().join("none.toml"), false).unwrap(),
            Config::default()
        );
        assert!(Config::load(&dir.path().join("none.toml"), true).is_err());
    }
}
