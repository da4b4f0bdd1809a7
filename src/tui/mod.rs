//! The terminal UI: state + actions + rendering, on top of the core. Nothing in the core
//! modules depends on this one.

pub mod action;
pub mod keymap;
