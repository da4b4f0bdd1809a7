//! The integration tests, one binary (as ripgrep and bottom have it): one link instead of one per
//! file, which on two cores is most of an incremental test build. Each module is what was a
//! file of its own in `tests/`; `common` holds the helpers that run the real binary.

mod common;

mod architecture;
mod decision;
mod documents;
mod e2e_tmux;
mod fuzz_import;
mod import;
mod keymaps;
mod letter;
mod privacy;
mod reliability;
mod search;
mod session;
mod spreadsheets;
mod stats;
mod store;
mod tui;
