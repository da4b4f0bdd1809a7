//! Search in the TUI: `/` opens a search line, the queue shows the matches as the inspector
//! types (best first, within the queue's kind and filter), `Enter` keeps them, `n`/`N` step
//! through them, `Esc` restores the view from before the search.
//!
//! The index ([`crate::search::SearchIndex`]) is built on a thread once the first frame is
//! drawn (and again after an import), so the first `/` rarely waits; without that thread (tests,
//! benchmarks) the first search builds it. Notes written in tvang are put into it as they are
//! saved.

use super::{App, MessageKind, Overlay};
use crate::catalogue::Catalogue;
use crate::review::{RecordRef, Review};
use crate::search::{annotation_texts, load_index, FieldMatch, Query, SearchIndex};
use crate::store::{Store, StoreError};
use crate::tui::editor::{Edit, Editor};
use crate::tui::keymap::Key;
use crate::tui::text as t;
use std::sync::Arc;
use std::thread::JoinHandle;

/// The search index: not yet asked for, being built on its thread, or ready.
#[derive(Default)]
pub enum SearchIndexSlot {
    #[default]
    None,
    Building(JoinHandle<Result<SearchIndex, StoreError>>),
    Ready(SearchIndex),
}

impl SearchIndexSlot {
    /// Starts building the index of the store's records on a thread.
    pub fn build(store: &Arc<Store>, catalogue: &Arc<Catalogue>) -> SearchIndexSlot {
        let (store, catalogue) = (Arc::clone(store), Arc::clone(catalogue));
        let spawned = std::thread::Builder::new()
            .name("tvang-search-index".into())
            .spawn(move || load_index(&store, &catalogue));
        match spawned {
            Ok(handle) => SearchIndexSlot::Building(handle),
            // No thread to be had: build when first needed.
            Err(_) => SearchIndexSlot::None,
        }
    }
}

/// A search over the queue.
#[derive(Debug, Clone)]
pub struct SearchView {
    /// What the inspector typed.
    pub text: String,
    pub query: Query,
    /// Every matching record, best first; the queue shows those of its kind that pass its filter.
    pub ranked: Vec<RecordRef>,
    /// The record under the cursor and the scroll before the search, for `Esc`.
    pub before: (Option<RecordRef>, usize),
}

impl App {
    /// Starts building the index on a thread, unless it is built or being built.
    pub fn start_search_index(&mut self) {
        if matches!(self.search_index, SearchIndexSlot::None) {
            self.search_index = SearchIndexSlot::build(&self.store, &self.catalogue);
        }
    }

    /// The index, waiting for its thread if it is still building (or building it here).
    pub fn search_index(&mut self) -> Result<&mut SearchIndex, String> {
        let slot = std::mem::take(&mut self.search_index);
        let index = match slot {
            SearchIndexSlot::Ready(index) => Ok(index),
            SearchIndexSlot::Building(handle) => match handle.join() {
                Ok(result) => result.map_err(|e| e.to_string()),
                Err(_) => Err(t::SEARCH_INDEX_FAILED.to_string()),
            },
            SearchIndexSlot::None => {
                load_index(&self.store, &self.catalogue).map_err(|e| e.to_string())
            }
        };
        match index {
            Ok(index) => {
                self.search_index = SearchIndexSlot::Ready(index);
                match &mut self.search_index {
                    SearchIndexSlot::Ready(index) => Ok(index),
                    _ => unreachable!("just set"),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Opens the search line, with the current search's text to edit.
    pub fn open_search(&mut self) {
        if let Err(e) = self.search_index() {
            self.say(MessageKind::Error, t::search_failed(&e));
            return;
        }
        let text = self
            .search
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default();
        if self.search.is_none() {
            self.search = Some(SearchView {
                text: String::new(),
                query: Query::default(),
                ranked: Vec::new(),
                before: (self.current(), self.view.offset),
            });
        }
        self.screen.close_detail();
        self.screen.close_stats();
        self.overlay = Some(Overlay::Search(Editor::with_text(&text, false)));
    }

    /// A key on the open search line.
    pub fn search_key(&mut self, mut editor: Editor, key: Key) {
        match editor.key(key) {
            Edit::Submit if editor.is_empty() => self.end_search(),
            // The title counts the matches and the line above the hints explains the current
            // one; only an empty result needs saying.
            Edit::Submit if self.view.visible.is_empty() => {
                self.say(MessageKind::Info, t::SEARCH_NO_MATCH);
            }
            Edit::Submit => {}
            Edit::Cancel => self.end_search(),
            Edit::Changed => {
                self.run_search(&editor.text());
                self.overlay = Some(Overlay::Search(editor));
            }
            _ => self.overlay = Some(Overlay::Search(editor)),
        }
    }

    /// Runs a search for `text` and shows its matches, the best first.
    pub fn run_search(&mut self, text: &str) {
        let query = Query::parse(text);
        let ranked = match self.search_index() {
            Ok(index) => index.search(&query).into_iter().map(|r| r.record).collect(),
            Err(e) => {
                self.say(MessageKind::Error, t::search_failed(&e));
                Vec::new()
            }
        };
        if let Some(s) = &mut self.search {
            s.text = text.to_string();
            s.query = query;
            s.ranked = ranked;
        }
        self.view.cursor = 0;
        self.view.offset = 0;
        self.refresh();
    }

    /// The queue's rows for the search: its matches that are of the queue's kind and pass its
    /// filter, best first. `None` without a search (or with an empty one).
    pub fn search_rows(&self, selected: &[usize]) -> Option<Vec<usize>> {
        let s = self.search.as_ref().filter(|s| !s.query.is_empty())?;
        let mut passes = vec![false; self.queue.rows.len()];
        for &i in selected {
            passes[i] = true;
        }
        Some(
            s.ranked
                .iter()
                .filter_map(|r| self.queue.row_of(*r))
                .filter(|&i| passes[i])
                .collect(),
        )
    }

    /// Ends the search and shows the queue as it was before it.
    pub fn end_search(&mut self) {
        let Some(s) = self.search.take() else { return };
        self.overlay = None;
        let (record, offset) = s.before;
        self.refresh();
        self.return_to(record, offset);
        self.say(MessageKind::Info, t::SEARCH_ENDED);
    }

    /// `n` / `N`: the next or previous match, round to the first or last.
    pub fn step_search(&mut self, forward: bool) {
        if self.search.is_none() {
            let search = self.key(
                crate::tui::action::Mode::Queue,
                crate::tui::action::Action::Search,
            );
            self.say(MessageKind::Info, t::no_search(&search));
            return;
        }
        let n = self.view.visible.len();
        if n == 0 {
            return;
        }
        self.view.cursor = if forward {
            (self.view.cursor + 1) % n
        } else {
            (self.view.cursor + n - 1) % n
        };
        self.keep_cursor_visible();
        if self.screen.detail().is_some() {
            self.open_detail();
        }
    }

    /// Why the record under the cursor matched the search.
    pub fn search_explanation(&self) -> Vec<FieldMatch> {
        let (Some(s), Some(record)) = (&self.search, self.current()) else {
            return Vec::new();
        };
        match &self.search_index {
            SearchIndexSlot::Ready(index) => index.explain(record, &s.query),
            _ => Vec::new(),
        }
    }

    /// Puts a record's notes, as just saved, into the index.
    pub fn index_annotations(&mut self, record: RecordRef, review: &Review) {
        // Not built yet: it will read the notes from the store when it is.
        if matches!(self.search_index, SearchIndexSlot::None) {
            return;
        }
        if let Ok(index) = self.search_index() {
            index.set_annotations(record, annotation_texts(review));
        }
    }

    /// After an import: a new index, and the search (if any) run again on it.
    pub fn rebuild_search_index(&mut self) {
        // Wait for a build still running: it may have read the store before the import.
        if let SearchIndexSlot::Building(handle) = std::mem::take(&mut self.search_index) {
            let _ = handle.join();
        }
        self.search_index = SearchIndexSlot::build(&self.store, &self.catalogue);
        if let Some(text) = self.search.as_ref().map(|s| s.text.clone()) {
            self.run_search(&text);
        }
    }
}
