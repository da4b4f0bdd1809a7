//! tvang-core: review of tvangsprotokoller and klager from barnevernsinstitusjoner, without a
//! terminal. The domain model, the provision catalogue, import of JSON, JSON Lines, CSV,
//! spreadsheets and Word/PDF documents, the sled store with its indexes, triage, the queue and
//! its selection, statistics, search, review sessions, export, backup, the synthetic data
//! generator, and the core's own Norwegian wording (errors, import problems, audit entries,
//! reports). The `tvang` package (the TUI and the CLI) sits on top; nothing here can name it, and
//! this crate's manifest has no terminal crate (see docs/architecture.md).

pub mod audit;
pub mod audit_text;
pub mod backup;
pub mod catalogue;
pub mod checklist;
pub mod deadline;
pub mod decision;
pub mod docx;
pub mod export;
pub mod facts;
pub mod flags;
pub mod fold;
pub mod generate;
pub mod generate_documents;
pub mod generate_pdf;
pub mod import;
pub mod io_text;
pub mod labels;
pub mod letter;
pub mod model;
pub mod output_file;
pub mod privacy;
pub mod query;
pub mod queue;
pub mod quiet_panics;
pub mod review;
pub mod search;
pub mod selection;
pub mod session;
pub mod session_report;
pub mod stats;
pub mod store;
pub mod text;
pub mod time;
pub mod triage;
