//! Panics that are caught and turned into a message must not print anything: a user never sees a
//! panic. A document parser (a third-party crate) may panic on a damaged file; its thread marks
//! itself quiet, catches the panic and reports the file as unreadable.

use std::cell::Cell;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Panics on this thread print nothing from now on (the caller catches them).
pub fn silence_this_thread() {
    QUIET.with(|q| q.set(true));
}

/// Wraps the panic hook in force so that it stays silent on quiet threads. Call it after every
/// `set_hook` (the CLI's, and ratatui's terminal-restoring one): the wrapper must be outermost,
/// or a caught panic in a document reader would restore the terminal under a running TUI.
pub fn install() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if QUIET.with(Cell::get) {
            return;
        }
        previous(info);
    }));
}
