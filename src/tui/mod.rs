//! The terminal UI: state + actions + rendering, on top of the core. The core is another crate
//! (tvang-core) and cannot depend on this one; the views form a tree (docs/architecture.md).
//!
//! Keys go through the keymap ([`keymap`]) to named actions ([`action`]); the reducer
//! ([`state::App`]) changes the state and writes edits to the store, flushed before the screen
//! says they are saved; the views ([`view`], [`detail`], [`stats_view`]) only read the state.
//! The TUI's own words are in [`text`].

pub mod action;
pub mod detail;
pub mod editor;
pub mod keymap;
pub mod run;
pub mod screen;
pub mod state;
pub mod stats_view;
pub mod text;
pub mod theme;
pub mod view;
