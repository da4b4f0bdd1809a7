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

/// The first failure to write standard output (other than a closed pipe), reported when the
/// command ends: `tvang list > /dev/full` must not exit 0.
static STDOUT_FAILURE: std::sync::Mutex<Option<std::io::Error>> = std::sync::Mutex::new(None);

/// Writes to standard output; a closed pipe (`tvang list | head`) is not an error, any other
/// failure is remembered for [`stdout_failure`].
/// What is printed is made safe for a terminal first ([`text::terminal_safe`]): the texts come
/// from imported files.
pub(crate) fn emit(s: &str) {
    write_out(&text::terminal_safe(s));
}

/// As [`emit`], with tvang's own highlighting: `marks` are placeholders in `s` (private-use
/// characters) that become `codes` (ANSI escapes) after the text was made safe.
pub(crate) fn emit_marked(s: &str, marks: (char, char), codes: (&str, &str)) {
    let safe = text::terminal_safe(s);
    let coloured = safe.replace(marks.0, codes.0).replace(marks.1, codes.1);
    write_out(&coloured);
}

/// A line on standard error, made safe for a terminal (it may name files and fields).
pub(crate) fn warn(s: &str) {
    eprintln!("{}", text::terminal_safe(s));
}

fn write_out(s: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        remember(e);
    }
}

fn remember(e: std::io::Error) {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return;
    }
    if let Ok(mut first) = STDOUT_FAILURE.lock() {
        first.get_or_insert(e);
    }
}

/// Whether anything written to standard output was lost (after a last flush).
pub(crate) fn stdout_failure() -> Option<Failure> {
    if let Err(e) = std::io::stdout().lock().flush() {
        remember(e);
    }
    let e = STDOUT_FAILURE.lock().ok()?.take()?;
    Some(Failure::new(text::stdout_failed(&e), 2))
}
