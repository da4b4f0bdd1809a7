//! tvang: review of tvangsprotokoller and klager from barnevernsinstitusjoner.
//!
//! The core (this library) has no terminal code: the domain model, the provision catalogue,
//! import of JSON, JSON Lines and CSV files, the sled store with its indexes, export, and the
//! synthetic data generator. The command line (`src/main.rs`, `src/cli.rs`) sits on top.

pub mod audit;
pub mod backup;
pub mod catalogue;
pub mod config;
pub mod export;
pub mod facts;
pub mod flags;
pub mod fold;
pub mod generate;
pub mod generate_documents;
pub mod generate_pdf;
pub mod import;
pub mod model;
pub mod privacy;
pub mod query;
pub mod queue;
pub mod quiet_panics;
pub mod review;
pub mod search;
pub mod session;
pub mod stats;
pub mod store;
pub mod text;
pub mod time;
pub mod triage;
pub mod tui;
