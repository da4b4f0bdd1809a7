//! What every subcommand reports through: a failure (one line, maybe a hint, the exit code) and
//! standard output. A leaf of the CLI, so the subcommands do not reach back into `cli/mod.rs`.

use std::io::Write;
use tvang::store::StoreError;
use tvang::text;

/// A failure to report: one line, maybe a hint, and the exit code.
pub(crate) struct Failure {
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    pub(crate) code: u8,
}

impl Failure {
    pub(crate) fn new(message: impl Into<String>, code: u8) -> Failure {
        Failure {
            message: message.into(),
            hint: None,
            code,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        let hint = match &e {
            StoreError::Locked { .. } => Some(text::HINT_LOCKED.to_string()),
            _ => None,
        };
        Failure {
            message: e.to_string(),
            hint,
            code: 2,
        }
    }
}

/// Writes to standard output; a closed pipe (`tvang list | head`) is not an error.
pub(crate) fn emit(s: &str) {
    let _ = std::io::stdout().lock().write_all(s.as_bytes());
}
