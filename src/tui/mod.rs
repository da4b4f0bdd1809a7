//! The terminal UI: state + actions + rendering, on top of the core. Nothing in the core
//! modules depends on this one.
//!
//! Keys go through the keymap ([`keymap`]) to named actions ([`action`]); the reducer
//! ([`state::App`]) changes the state and writes edits to the store, flushed before the screen
//! says they are saved; the views ([`view`], [`detail`]) only read the state.

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
