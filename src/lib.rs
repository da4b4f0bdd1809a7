//! tvang: the terminal UI ([`tui`]) and the configuration file ([`config`]) on top of the
//! terminal-free core, the `tvang-core` crate, whose modules are re-exported here (so
//! `tvang::store` is `tvang_core::store`). The command line (`src/main.rs`, `src/cli/`) uses both.
//! The core cannot depend on anything in this package: it is another crate.

pub use tvang_core::*;

pub mod config;
pub mod tui;
