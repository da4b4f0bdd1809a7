//! The TUI's state and its reducer: keys map through the keymap to actions, actions change the
//! state (and, for edits, the store, flushed before the screen says "lagret").

pub mod checklist;
pub mod commands;
pub mod letter;
pub mod search;
pub mod session;

pub use super::screen::StatsTab;

use super::action::{Action, Mode};
use super::editor::{Edit, Editor};
use super::keymap::{Key, KeyCode, Keymap, Lookup};
use crate::catalogue::Catalogue;
use crate::model::{Outcome, Protocol};
use crate::queue::{Column, Queue, QueueFilter, Sort};
use crate::review::{Annotation, Change, RecordKind, RecordRef, Review, Status};
use crate::stats::GroupBy;
use crate::store::{Index, Store, StoreError, StoredComplaint, StoredProtocol};
use crate::triage::TriageRules;
use crate::tui::text as t;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::sync::mpsc::Receiver;
use std::sync::Arc;

/// Lines of the queue screen that are not rows: title, filter bar, header, message, hint bar.
pub const CHROME_LINES: u16 = 5;
/// Undo steps kept.
pub const UNDO_DEPTH: usize = 100;

/// Everything the detail view shows, loaded when it opens.
#[derive(Debug, Clone)]
pub struct Detail {
    pub record: RecordRef,
    pub scroll: u16,
    /// The last scroll position that still fills the screen, as the view last drew it (how
    /// tall the text is depends on the terminal's width); `u16::MAX` until then. Written by
    /// the view the way ratatui's stateful widgets write their offset, so that `k` after `G`
    /// (`u16::MAX`: the end) moves up from the end that is shown.
    pub scroll_end: std::cell::Cell<u16>,
    pub protocol: Option<StoredProtocol>,
    pub complaint: Option<StoredComplaint>,
    /// Complaints about the protocol.
    pub complaints: Vec<(StoredComplaint, Review)>,
    /// Protocols for the same child at the same institution, newest first (this one included).
    pub timeline: Vec<(u64, Protocol)>,
    pub review: Review,
    /// The protocol's review, when the detail is of a complaint.
    pub protocol_review: Option<Review>,
    pub audit: Vec<crate::audit::AuditEntry>,
    /// Earlier imported versions of the protocol.
    pub versions: Vec<StoredProtocol>,
    /// Fødselsnummer shown unmasked (the inspector asked; the audit log says so). Leaving the
    /// record masks them again.
    pub revealed: bool,
    /// The Word and PDF documents the record was read from, oldest first.
    pub documents: Vec<crate::model::SourceDocument>,
    /// The first document's text is shown above the record.
    pub show_original: bool,
}

/// The statistics screen: figures for what the queue's filter selects, recomputed whenever the
/// filter or a decision changes.
#[derive(Debug, Clone)]
pub struct StatsView {
    pub tab: StatsTab,
    /// Per month rather than per year (the time tab).
    pub monthly: bool,
    /// The rows of the current tab's grouping, the total last.
    pub rows: Vec<crate::stats::Row>,
    /// First table row shown (the view clamps it).
    pub scroll: usize,
    /// As it may be published: small counts and their complements hidden.
    pub suppressed: bool,
    /// Which date puts a record in a year or month.
    pub basis: crate::stats::DateBasis,
}

impl StatsView {
    pub fn grouping(&self) -> GroupBy {
        match (self.tab, self.monthly) {
            (StatsTab::Time, false) => GroupBy::Year,
            (StatsTab::Time, true) => GroupBy::Month,
            (StatsTab::Provision, _) => GroupBy::Provision,
            (StatsTab::Region, _) => GroupBy::Region,
            (StatsTab::Institution, _) => GroupBy::Institution,
        }
    }
}

/// The screen under the overlays, each with its own state. The queue's own state
/// ([`App::view`]) lives on while a record or the statistics are shown: going back finds it as
/// it was. One screen at a time: opening a record from the statistics (`:open`) replaces them.
#[derive(Debug, Clone, Default)]
pub enum Screen {
    #[default]
    Queue,
    Detail(Box<Detail>),
    Stats(StatsView),
}

impl Screen {
    pub fn detail(&self) -> Option<&Detail> {
        match self {
            Screen::Detail(d) => Some(d),
            _ => None,
        }
    }

    pub fn detail_mut(&mut self) -> Option<&mut Detail> {
        match self {
            Screen::Detail(d) => Some(d),
            _ => None,
        }
    }

    pub fn stats(&self) -> Option<&StatsView> {
        match self {
            Screen::Stats(s) => Some(s),
            _ => None,
        }
    }

    pub fn stats_mut(&mut self) -> Option<&mut StatsView> {
        match self {
            Screen::Stats(s) => Some(s),
            _ => None,
        }
    }

    /// Back to the queue if a record is shown (the statistics stay).
    pub fn close_detail(&mut self) {
        if matches!(self, Screen::Detail(_)) {
            *self = Screen::Queue;
        }
    }

    /// Back to the queue if the statistics are shown (a record stays).
    pub fn close_stats(&mut self) {
        if matches!(self, Screen::Stats(_)) {
            *self = Screen::Queue;
        }
    }
}

/// What choosing an entry of a picker does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    Status(Status),
    Outcome(Outcome),
    /// Open the outcome picker.
    OutcomeMenu,
    /// Open the checklist.
    Checklist,
    /// Prefill the command line.
    Command(String),
    /// Run a command at once.
    Run(String),
    /// Write a remark on a field.
    Remark(String),
    /// Correct a field read from a document.
    Correct(String),
    /// Write the reasons for a complaint's decision.
    Reasons,
    /// Resume a review session.
    Session(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickerItem {
    pub key: char,
    pub label: String,
    pub pick: Pick,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub title: String,
    pub items: Vec<PickerItem>,
    /// Decide and advance after the pick.
    pub advance: bool,
    pub targets: Vec<RecordRef>,
}

/// Choosing the protocol a complaint concerns.
#[derive(Debug, Clone)]
pub struct LinkPicker {
    pub complaint: RecordRef,
    /// What is typed: narrows the candidates (date, protocol id, hjemmel, tiltak).
    pub editor: Editor,
    /// The institution's protocols (store ids), newest first, each with the line shown.
    pub candidates: Vec<(u64, String)>,
    /// Index into the candidates that match what is typed.
    pub cursor: usize,
}

impl LinkPicker {
    /// The candidates that match what is typed, in order.
    pub fn matching(&self) -> Vec<&(u64, String)> {
        let needle = crate::fold::fold(&self.editor.text());
        self.candidates
            .iter()
            .filter(|(_, line)| {
                needle
                    .split_whitespace()
                    .all(|w| crate::fold::fold(line).contains(w))
            })
            .collect()
    }
}

/// What a note being written is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteTarget {
    pub records: Vec<RecordRef>,
    pub field: Option<String>,
}

/// Layers over the screen that take the keys while open.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        filter: String,
        scroll: u16,
    },
    Command(Editor),
    /// The search line.
    Search(Editor),
    Note {
        editor: Editor,
        target: NoteTarget,
        /// Esc was pressed once on a note with text.
        confirm_discard: bool,
    },
    Picker(Picker),
    /// The protocol a complaint concerns, searched among its institution's protocols.
    Link(LinkPicker),
    /// The reasons for a complaint's decision being written.
    Reasons {
        editor: Editor,
        record: RecordRef,
    },
    /// A field's corrected value being written.
    Correct {
        editor: Editor,
        record: RecordRef,
        field: String,
    },
    Confirm {
        question: String,
        changes: Vec<(RecordRef, Change)>,
        advance: bool,
    },
    /// The lawfulness checklist of a record.
    Checklist(checklist::ChecklistPane),
    /// The reason for a condition's assessment being written, over the checklist.
    ConditionReason {
        editor: Editor,
        pane: checklist::ChecklistPane,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Info,
    Saved,
    Error,
}

/// An import running on a worker thread.
pub struct ImportJob {
    pub progress: crate::import::Progress,
    pub receiver: Receiver<ImportEvent>,
}

pub enum ImportEvent {
    Progress(crate::import::Progress),
    Done(Result<Box<crate::import::ImportReport>, String>),
}

/// The queue screen's state: the kind of record listed, the filter and sort, the rows they
/// give, the cursor and scroll, and the marked records.
#[derive(Debug, Clone)]
pub struct QueueView {
    pub kind: RecordKind,
    pub filter: QueueFilter,
    pub sort: Sort,
    /// Row indices shown, in order.
    pub visible: Vec<usize>,
    pub cursor: usize,
    pub offset: usize,
    pub marks: BTreeSet<RecordRef>,
    /// Where `v` started a range.
    pub visual_anchor: Option<usize>,
}

impl Default for QueueView {
    fn default() -> QueueView {
        QueueView {
            kind: RecordKind::Protocol,
            filter: QueueFilter::default(),
            sort: Sort::default(),
            visible: Vec::new(),
            cursor: 0,
            offset: 0,
            marks: BTreeSet::new(),
            visual_anchor: None,
        }
    }
}

pub struct App {
    pub store: Arc<Store>,
    pub catalogue: Arc<Catalogue>,
    pub keymap: Keymap,
    author: String,
    rules: TriageRules,
    pub queue: Queue,
    /// Which of the queue's rows are shown, in what order, and where the inspector is.
    pub view: QueueView,
    width: u16,
    height: u16,
    /// The screen shown under the overlays: the queue, one record, or the statistics.
    pub screen: Screen,
    /// The search over the queue, while one is shown.
    pub search: Option<search::SearchView>,
    search_index: search::SearchIndexSlot,
    pub overlay: Option<Overlay>,
    pending: Vec<Key>,
    pub message: Option<(MessageKind, String)>,
    undo: Vec<Vec<(RecordRef, Change)>>,
    pub import: Option<ImportJob>,
    pub quit: bool,
    pub color: bool,
    /// Fixed time for tests; the clock otherwise.
    pub clock: Option<DateTime<Utc>>,
    /// The office's own document labels (the config file's `labels`), for `:import`.
    labels: Option<Arc<crate::import::document::labels::Labels>>,
    /// The decision letter's template (`:vedtaksbrev`): the built-in one unless the config
    /// file names the office's own.
    letter_template: Arc<crate::letter::Template>,
    /// The review session worked in, if any ([`session`]).
    pub session: Option<session::ActiveSession>,
}

impl App {
    pub fn new(
        store: Arc<Store>,
        catalogue: Arc<Catalogue>,
        keymap: Keymap,
        author: String,
        rules: TriageRules,
    ) -> Result<App, StoreError> {
        let queue = Queue::load(&store, &catalogue, &rules)?;
        let mut app = App {
            store,
            catalogue,
            keymap,
            author,
            rules,
            queue,
            view: QueueView::default(),
            width: 120,
            height: 40,
            screen: Screen::Queue,
            search: None,
            search_index: Default::default(),
            overlay: None,
            pending: Vec::new(),
            message: None,
            undo: Vec::new(),
            import: None,
            quit: false,
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            clock: None,
            labels: None,
            letter_template: Arc::new(crate::letter::Template::built_in()),
            session: None,
        };
        app.refresh();
        app.resume_session();
        Ok(app)
    }

    pub(super) fn now(&self) -> DateTime<Utc> {
        self.clock.unwrap_or_else(Utc::now)
    }

    /// Today in Oslo, what complaints' days left count from.
    pub fn today(&self) -> chrono::NaiveDate {
        crate::time::oslo_date(&self.now().fixed_offset())
    }

    pub fn mode(&self) -> Mode {
        if matches!(self.overlay, Some(Overlay::Checklist(_))) {
            return Mode::Checklist;
        }
        match self.screen {
            Screen::Queue => Mode::Queue,
            Screen::Detail(_) => Mode::Detail,
            Screen::Stats(_) => Mode::Stats,
        }
    }

    /// The triage limits the queue was built with (the config's).
    pub fn rules(&self) -> &TriageRules {
        &self.rules
    }

    /// The terminal's size, as last given to [`App::resize`].
    pub fn width(&self) -> u16 {
        self.width
    }

    pub fn height(&self) -> u16 {
        self.height
    }

    /// The keys of a sequence typed so far (`g` of `g g`), waiting for the next.
    pub fn pending(&self) -> &[Key] {
        &self.pending
    }

    /// The office's own document labels, for `:import` (the config file's `labels`).
    pub fn set_labels(&mut self, labels: Option<Arc<crate::import::document::labels::Labels>>) {
        self.labels = labels;
    }

    /// The key the keymap binds to an action on a screen (or globally), as messages name it.
    pub fn key(&self, mode: Mode, action: Action) -> String {
        self.keymap
            .key_for(mode, action)
            .unwrap_or_else(|| t::UNBOUND.to_string())
    }

    /// A record as titles name it: its institution and its id there.
    pub fn record_name(&self, record: RecordRef) -> String {
        match self.queue.row_of(record).map(|i| &self.queue.rows[i]) {
            Some(row) => format!("{} {}", self.queue.text(row.institution), row.record_id),
            None => String::new(),
        }
    }

    pub fn is_empty_store(&self) -> bool {
        self.queue.rows.is_empty()
    }

    /// Rows of the queue that fit on the screen.
    pub fn page(&self) -> usize {
        usize::from(self.height.saturating_sub(CHROME_LINES)).max(1)
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.width = width;
        self.height = height;
        self.keep_cursor_visible();
    }

    pub fn current(&self) -> Option<RecordRef> {
        self.view
            .visible
            .get(self.view.cursor)
            .map(|&i| self.queue.rows[i].record)
    }

    /// Recomputes the visible rows after a filter, sort or view change, keeping the cursor on
    /// the same record when it is still shown.
    pub fn refresh(&mut self) {
        let keep = self.current();
        let today = self.today();
        self.queue.set_today(today);
        let mut selected = self.queue.matching(self.view.kind, &self.view.filter);
        if let Some(s) = &self.session {
            selected.retain(|&i| s.members.contains(&self.queue.rows[i].record));
        }
        self.view.visible = match self.search_rows(&selected) {
            // A search orders by score: sorting the selection first would be wasted.
            Some(rows) => rows,
            None => {
                let mut rows = selected;
                self.queue.sort(&mut rows, self.view.sort);
                rows
            }
        };
        self.view.cursor = keep
            .and_then(|r| {
                self.view
                    .visible
                    .iter()
                    .position(|&i| self.queue.rows[i].record == r)
            })
            .unwrap_or(0);
        self.keep_cursor_visible();
        self.recompute_stats();
    }

    /// Recomputes the open statistics screen from the queue's rows under the current filter.
    pub fn recompute_stats(&mut self) {
        let Some((by, basis)) = self.screen.stats().map(|s| (s.grouping(), s.basis)) else {
            return;
        };
        let rows = self
            .queue
            .stats(&self.view.filter, by, basis, &self.catalogue);
        if let Some(s) = self.screen.stats_mut() {
            s.rows = rows;
        }
    }

    fn change_stats(&mut self, change: impl FnOnce(&mut StatsView)) {
        if let Some(s) = self.screen.stats_mut() {
            change(s);
        }
        self.recompute_stats();
    }

    /// Puts the cursor back on a record with the scroll it had, if the record is shown;
    /// returns whether it is.
    pub(super) fn return_to(&mut self, record: Option<RecordRef>, offset: usize) -> bool {
        let shown = record.and_then(|r| {
            self.view
                .visible
                .iter()
                .position(|&i| self.queue.rows[i].record == r)
        });
        if let Some(i) = shown {
            self.view.cursor = i;
            self.view.offset = offset;
        }
        self.keep_cursor_visible();
        shown.is_some()
    }

    pub(super) fn keep_cursor_visible(&mut self) {
        let page = self.page();
        if self.view.cursor >= self.view.visible.len() {
            self.view.cursor = self.view.visible.len().saturating_sub(1);
        }
        if self.view.cursor < self.view.offset {
            self.view.offset = self.view.cursor;
        } else if self.view.cursor >= self.view.offset + page {
            self.view.offset = self.view.cursor + 1 - page;
        }
        let max_offset = self.view.visible.len().saturating_sub(page);
        self.view.offset = self.view.offset.min(max_offset);
    }

    /// A warning for the message line, from outside the TUI (the store's permissions at start).
    pub fn warn(&mut self, text: impl Into<String>) {
        self.say(MessageKind::Error, text);
    }

    pub(super) fn say(&mut self, kind: MessageKind, text: impl Into<String>) {
        self.message = Some((kind, text.into()));
    }

    // ---- keys ----

    /// Handles one key press.
    pub fn on_key(&mut self, key: Key) {
        self.handle_key(key);
        self.session_activity();
    }

    fn handle_key(&mut self, key: Key) {
        if let Some(overlay) = self.overlay.take() {
            self.overlay_key(overlay, key);
            return;
        }
        self.message = None;
        self.pending.push(key);
        match self.keymap.lookup(self.mode(), &self.pending) {
            Lookup::Action(action) => {
                self.pending.clear();
                self.act(action);
            }
            Lookup::Pending => {}
            Lookup::None => self.pending.clear(),
        }
    }

    fn overlay_key(&mut self, overlay: Overlay, key: Key) {
        match overlay {
            Overlay::Help { mut filter, scroll } => match key.code {
                KeyCode::Esc => {}
                KeyCode::Char('?') if filter.is_empty() => {}
                KeyCode::Backspace => {
                    filter.pop();
                    self.overlay = Some(Overlay::Help { filter, scroll: 0 });
                }
                KeyCode::Down => {
                    self.overlay = Some(Overlay::Help {
                        filter,
                        scroll: scroll.saturating_add(1),
                    })
                }
                KeyCode::Up => {
                    self.overlay = Some(Overlay::Help {
                        filter,
                        scroll: scroll.saturating_sub(1),
                    })
                }
                KeyCode::Char(c) if !key.ctrl => {
                    filter.push(c);
                    self.overlay = Some(Overlay::Help { filter, scroll: 0 });
                }
                _ => self.overlay = Some(Overlay::Help { filter, scroll }),
            },
            Overlay::Search(editor) => self.search_key(editor, key),
            Overlay::Command(mut editor) => match editor.key(key) {
                Edit::Submit => self.command(&editor.text()),
                Edit::Cancel => {}
                _ => self.overlay = Some(Overlay::Command(editor)),
            },
            Overlay::Note {
                mut editor,
                target,
                confirm_discard,
            } => match editor.key(key) {
                Edit::Submit if editor.is_empty() => self.say(MessageKind::Info, t::NOTE_EMPTY),
                Edit::Submit => {
                    if !self.save_note(&target, editor.text()) {
                        // Not stored (a full disk): the text stays where it was typed.
                        self.keep_editing(Overlay::Note {
                            editor,
                            target,
                            confirm_discard: false,
                        });
                    }
                }
                Edit::Cancel if editor.is_empty() || confirm_discard => {
                    self.say(MessageKind::Info, t::NOTE_DISCARDED)
                }
                Edit::Cancel => {
                    self.say(MessageKind::Info, t::NOTE_CONFIRM_DISCARD);
                    self.overlay = Some(Overlay::Note {
                        editor,
                        target,
                        confirm_discard: true,
                    });
                }
                _ => {
                    self.overlay = Some(Overlay::Note {
                        editor,
                        target,
                        confirm_discard: false,
                    })
                }
            },
            Overlay::Link(mut picker) => match key.code {
                KeyCode::Esc => self.say(MessageKind::Info, t::CANCELLED),
                KeyCode::Down => {
                    let n = picker.matching().len();
                    picker.cursor = (picker.cursor + 1).min(n.saturating_sub(1));
                    self.overlay = Some(Overlay::Link(picker));
                }
                KeyCode::Up => {
                    picker.cursor = picker.cursor.saturating_sub(1);
                    self.overlay = Some(Overlay::Link(picker));
                }
                KeyCode::Enter => {
                    let chosen = picker.matching().get(picker.cursor).map(|(id, _)| *id);
                    match chosen.and_then(|id| self.store.protocol(id).ok().flatten()) {
                        Some(sp) => {
                            self.apply(
                                vec![(
                                    picker.complaint,
                                    Change::LinkProtocol(sp.protocol.protocol_id),
                                )],
                                false,
                            );
                        }
                        None => {
                            self.say(MessageKind::Info, t::LINK_NONE_MATCHES);
                            self.overlay = Some(Overlay::Link(picker));
                        }
                    }
                }
                _ => {
                    picker.editor.key(key);
                    picker.cursor = 0;
                    self.overlay = Some(Overlay::Link(picker));
                }
            },
            Overlay::Reasons { mut editor, record } => match editor.key(key) {
                Edit::Submit => {
                    let text = editor.text().trim().to_string();
                    let reasons = (!text.is_empty()).then_some(text);
                    if !self.apply(vec![(record, Change::Reasons(reasons))], false) {
                        self.keep_editing(Overlay::Reasons { editor, record });
                    }
                }
                Edit::Cancel => self.say(MessageKind::Info, t::CANCELLED),
                _ => self.overlay = Some(Overlay::Reasons { editor, record }),
            },
            Overlay::Correct {
                mut editor,
                record,
                field,
            } => match editor.key(key) {
                Edit::Submit => {
                    let text = editor.text().trim().to_string();
                    let as_read = self.screen.detail().and_then(|d| read_value(d, &field));
                    // Empty, or the value as read: no correction.
                    let value =
                        (!text.is_empty() && Some(&text) != as_read.as_ref()).then_some(text);
                    if !self.apply(vec![(record, Change::Correct(field.clone(), value))], false) {
                        self.keep_editing(Overlay::Correct {
                            editor,
                            record,
                            field,
                        });
                    }
                }
                Edit::Cancel => self.say(MessageKind::Info, t::CANCELLED),
                _ => {
                    self.overlay = Some(Overlay::Correct {
                        editor,
                        record,
                        field,
                    })
                }
            },
            Overlay::Checklist(pane) => self.checklist_key(pane, key),
            Overlay::ConditionReason { editor, pane } => {
                self.condition_reason_key(editor, pane, key)
            }
            Overlay::Picker(picker) => {
                if key.code == KeyCode::Esc {
                    return;
                }
                let KeyCode::Char(c) = key.code else {
                    self.overlay = Some(Overlay::Picker(picker));
                    return;
                };
                match picker.items.iter().find(|i| i.key == c).cloned() {
                    Some(item) => self.picked(picker, item.pick),
                    None => self.overlay = Some(Overlay::Picker(picker)),
                }
            }
            Overlay::Confirm {
                question,
                changes,
                advance,
            } => match key.code {
                KeyCode::Char('j' | 'J' | 'y' | 'Y') | KeyCode::Enter => {
                    self.apply(changes, advance);
                }
                KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                    self.say(MessageKind::Info, t::CANCELLED)
                }
                _ => {
                    self.overlay = Some(Overlay::Confirm {
                        question,
                        changes,
                        advance,
                    })
                }
            },
        }
    }

    // ---- actions ----

    pub fn act(&mut self, action: Action) {
        let in_detail = self.screen.detail().is_some();
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                self.overlay = Some(Overlay::Help {
                    filter: String::new(),
                    scroll: 0,
                })
            }
            Action::CommandLine => self.overlay = Some(Overlay::Command(Editor::new(false))),
            Action::Undo => self.undo(),
            Action::MoveDown
            | Action::MoveUp
            | Action::PageDown
            | Action::PageUp
            | Action::GoTop
            | Action::GoBottom
                if !in_detail && self.screen.stats().is_some() =>
            {
                // The table shows a page less its header (the tab line is in the chrome).
                let shown = self.page().saturating_sub(1).max(1);
                if let Some(s) = self.screen.stats_mut() {
                    let last = s.rows.len().saturating_sub(shown);
                    s.scroll = match action {
                        Action::MoveDown => s.scroll.saturating_add(1),
                        Action::MoveUp => s.scroll.saturating_sub(1),
                        Action::PageDown => s.scroll.saturating_add(shown),
                        Action::PageUp => s.scroll.saturating_sub(shown),
                        Action::GoTop => 0,
                        _ => last,
                    }
                    .min(last);
                }
            }
            Action::MoveDown | Action::MoveUp | Action::PageDown | Action::PageUp if in_detail => {
                let page = self.page() as i32;
                let delta = match action {
                    Action::MoveDown => 1,
                    Action::MoveUp => -1,
                    Action::PageDown => page,
                    _ => -page,
                };
                if let Some(d) = self.screen.detail_mut() {
                    let end = d.scroll_end.get();
                    let from = d.scroll.min(end);
                    d.scroll = (i32::from(from) + delta).clamp(0, i32::from(end)) as u16;
                }
            }
            Action::GoTop if in_detail => {
                if let Some(d) = self.screen.detail_mut() {
                    d.scroll = 0;
                }
            }
            Action::GoBottom if in_detail => {
                if let Some(d) = self.screen.detail_mut() {
                    // The end at whatever size it is drawn; a move starts from the end as last
                    // drawn (`scroll_end`).
                    d.scroll = u16::MAX;
                }
            }
            Action::MoveDown => self.move_cursor(1),
            Action::MoveUp => self.move_cursor(-1),
            Action::PageDown => self.move_cursor(self.page() as isize),
            Action::PageUp => self.move_cursor(-(self.page() as isize)),
            Action::GoTop => self.move_cursor(isize::MIN / 2),
            Action::GoBottom => self.move_cursor(isize::MAX / 2),
            Action::Open => self.open_detail(),
            Action::Back if in_detail => self.screen.close_detail(),
            Action::Back => self.screen.close_stats(),
            Action::OpenStats => {
                self.screen.close_detail();
                self.screen = Screen::Stats(StatsView {
                    tab: StatsTab::Time,
                    monthly: false,
                    rows: Vec::new(),
                    scroll: 0,
                    suppressed: false,
                    basis: crate::stats::DateBasis::default(),
                });
                self.recompute_stats();
            }
            Action::NextTab | Action::PrevTab => {
                let step = if action == Action::NextTab { 1 } else { 3 };
                self.change_stats(|s| {
                    let i = StatsTab::ALL.iter().position(|t| *t == s.tab).unwrap_or(0);
                    s.tab = StatsTab::ALL[(i + step) % StatsTab::ALL.len()];
                    s.scroll = 0;
                });
            }
            Action::TogglePeriod => self.change_stats(|s| {
                s.monthly = !s.monthly;
                s.tab = StatsTab::Time;
                s.scroll = 0;
            }),
            Action::ToggleSuppression => self.change_stats(|s| s.suppressed = !s.suppressed),
            Action::NextDateBasis => self.change_stats(|s| {
                let all = crate::stats::DateBasis::ALL;
                let i = all.iter().position(|b| *b == s.basis).unwrap_or(0);
                s.basis = all[(i + 1) % all.len()];
            }),
            Action::NextItem => {
                self.move_cursor(1);
                self.open_detail();
            }
            Action::PrevItem => {
                self.move_cursor(-1);
                self.open_detail();
            }
            Action::ToggleView if self.session.is_some() => {
                self.say(MessageKind::Info, crate::text::session::ONE_KIND)
            }
            Action::ToggleView => {
                self.view.kind = match self.view.kind {
                    RecordKind::Protocol => RecordKind::Complaint,
                    RecordKind::Complaint => RecordKind::Protocol,
                };
                // Statuses are per kind: a protocol status would hide every complaint.
                let kind = self.view.kind;
                self.view.filter.status.retain(|s| s.applies_to(kind));
                self.view.marks.clear();
                self.view.visual_anchor = None;
                self.view.cursor = 0;
                self.view.offset = 0;
                self.screen.close_detail();
                self.refresh();
            }
            Action::ToggleMark => {
                if let Some(r) = self.current() {
                    if !self.view.marks.remove(&r) {
                        self.view.marks.insert(r);
                    }
                }
                self.move_cursor(1);
            }
            Action::VisualMark => {
                self.view.visual_anchor = match self.view.visual_anchor {
                    Some(_) => None,
                    None => {
                        self.mark_range(self.view.cursor, self.view.cursor);
                        Some(self.view.cursor)
                    }
                }
            }
            // Esc: marks first, then the search.
            Action::ClearMarks if self.view.marks.is_empty() && self.search.is_some() => {
                self.end_search()
            }
            Action::ClearMarks => {
                self.view.marks.clear();
                self.view.visual_anchor = None;
            }
            Action::Search => self.open_search(),
            Action::SearchNext => self.step_search(true),
            Action::SearchPrev => self.step_search(false),
            Action::SortNext => {
                let i = Column::ALL
                    .iter()
                    .position(|c| *c == self.view.sort.column)
                    .unwrap_or(0);
                self.view.sort.column = Column::ALL[(i + 1) % Column::ALL.len()];
                self.refresh();
            }
            Action::SortReverse => {
                self.view.sort.descending = !self.view.sort.descending;
                self.refresh();
            }
            Action::Filter => {
                let current: Vec<String> = self
                    .view
                    .filter
                    .pairs()
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                let mut text = String::from("filter ");
                for pair in current {
                    text.push_str(&pair);
                    text.push(' ');
                }
                self.overlay = Some(Overlay::Command(Editor::with_text(&text, false)));
            }
            Action::ClearFilter => {
                self.view.filter = QueueFilter::default();
                self.refresh();
                self.say(MessageKind::Info, t::FILTER_CLEARED);
            }
            Action::Decide => self.decide(),
            Action::FollowUp => {
                let targets = self.targets();
                if targets.iter().all(|r| r.kind == RecordKind::Protocol) {
                    self.set_status(&targets, Status::Oppfolging, true);
                } else {
                    self.set_status(&targets, Status::UnderBehandling, true);
                }
            }
            Action::StatusMenu => {
                let targets = self.targets();
                if let Some(first) = targets.first() {
                    let statuses = match first.kind {
                        RecordKind::Protocol => Status::PROTOCOL,
                        RecordKind::Complaint => Status::COMPLAINT,
                    };
                    let items = statuses
                        .iter()
                        .map(|s| PickerItem {
                            key: t::status_key(*s),
                            label: t::status_label(*s).to_string(),
                            pick: Pick::Status(*s),
                        })
                        .collect();
                    self.overlay = Some(Overlay::Picker(Picker {
                        title: t::PICK_STATUS.into(),
                        items,
                        advance: false,
                        targets,
                    }));
                }
            }
            Action::Classify => self.classify_menu(),
            Action::Reveal => self.toggle_reveal(),
            Action::ShowOriginal => self.toggle_original(),
            Action::ReadingChecked => self.toggle_reading_checked(),
            Action::CorrectField => self.correct_menu(),
            Action::LinkProtocol => self.link_picker(),
            // The checklist's own keys ([`checklist`]): nothing to do outside it.
            Action::AssessMet
            | Action::AssessNotMet
            | Action::AssessUnassessable
            | Action::AssessNotApplicable
            | Action::ClearAssessment
            | Action::ConditionReason
            | Action::AcceptSuggestion => {}
            Action::Sessions => self.session_picker(),
            Action::Annotate => {
                let records = self.targets();
                if !records.is_empty() {
                    self.overlay = Some(Overlay::Note {
                        editor: Editor::new(true),
                        target: NoteTarget {
                            records,
                            field: None,
                        },
                        confirm_discard: false,
                    });
                }
            }
            Action::Remark => {
                let targets = self.targets();
                if let Some(first) = targets.first() {
                    let items = t::remark_fields(first.kind)
                        .iter()
                        .map(|(key, field, label)| PickerItem {
                            key: *key,
                            label: label.to_string(),
                            pick: Pick::Remark(field.to_string()),
                        })
                        .collect();
                    self.overlay = Some(Overlay::Picker(Picker {
                        title: t::PICK_FIELD.into(),
                        items,
                        advance: false,
                        targets,
                    }));
                }
            }
            Action::Tag => {
                self.overlay = Some(Overlay::Command(Editor::with_text("tag ", false)));
            }
        }
    }

    fn move_cursor(&mut self, delta: isize) {
        if self.view.visible.is_empty() {
            return;
        }
        let last = self.view.visible.len() as isize - 1;
        self.view.cursor = (self.view.cursor as isize)
            .saturating_add(delta)
            .clamp(0, last) as usize;
        if let Some(anchor) = self.view.visual_anchor {
            self.mark_range(anchor, self.view.cursor);
        }
        self.keep_cursor_visible();
    }

    fn mark_range(&mut self, a: usize, b: usize) {
        let (lo, hi) = (a.min(b), a.max(b));
        for &i in &self.view.visible[lo..=hi.min(self.view.visible.len().saturating_sub(1))] {
            self.view.marks.insert(self.queue.rows[i].record);
        }
    }

    /// The marked records, else the one under the cursor (or shown in the detail view).
    pub fn targets(&self) -> Vec<RecordRef> {
        if let Some(d) = self.screen.detail() {
            return vec![d.record];
        }
        if !self.view.marks.is_empty() {
            return self.view.marks.iter().copied().collect();
        }
        self.current().into_iter().collect()
    }

    fn decide(&mut self) {
        let targets = self.targets();
        let Some(first) = targets.first() else { return };
        match first.kind {
            RecordKind::Protocol => self.set_status(&targets, Status::Gjennomgatt, true),
            RecordKind::Complaint => self.outcome_picker(targets, true),
        }
    }

    fn outcome_picker(&mut self, targets: Vec<RecordRef>, advance: bool) {
        let items = Outcome::ALL
            .iter()
            .map(|o| PickerItem {
                key: t::outcome_key(*o),
                label: crate::text::outcome_label(Some(*o)).to_string(),
                pick: Pick::Outcome(*o),
            })
            .collect();
        self.overlay = Some(Overlay::Picker(Picker {
            title: t::PICK_OUTCOME.into(),
            items,
            advance,
            targets,
        }));
    }

    fn classify_menu(&mut self) {
        let targets = self.targets();
        let Some(first) = targets.first() else { return };
        let mut items = Vec::new();
        if first.kind == RecordKind::Complaint {
            items.push(PickerItem {
                key: 'u',
                label: t::CLASSIFY_OUTCOME.into(),
                pick: Pick::OutcomeMenu,
            });
            items.push(PickerItem {
                key: 'd',
                label: t::CLASSIFY_DECIDED_ON.into(),
                pick: Pick::Command(format!("{} ", t::CMD_DECIDED_ON_NAME)),
            });
            items.push(PickerItem {
                key: 'a',
                label: t::CLASSIFY_DECIDED_BY.into(),
                pick: Pick::Command(format!("{} ", t::CMD_DECIDED_BY_NAME)),
            });
            items.push(PickerItem {
                key: 'b',
                label: t::CLASSIFY_REASONS.into(),
                pick: Pick::Reasons,
            });
        }
        items.push(PickerItem {
            key: 'v',
            label: t::CLASSIFY_CHECKLIST.into(),
            pick: Pick::Checklist,
        });
        items.push(PickerItem {
            key: 'h',
            label: t::CLASSIFY_PROVISION.into(),
            pick: Pick::Command("provision ".into()),
        });
        items.push(PickerItem {
            key: 't',
            label: t::CLASSIFY_KIND.into(),
            pick: Pick::Command("kind ".into()),
        });
        items.push(PickerItem {
            key: 'e',
            label: t::CLASSIFY_TAG.into(),
            pick: Pick::Command("tag ".into()),
        });
        self.overlay = Some(Overlay::Picker(Picker {
            title: t::PICK_CLASSIFY.into(),
            items,
            advance: false,
            targets,
        }));
    }

    fn picked(&mut self, picker: Picker, pick: Pick) {
        let targets = picker.targets.clone();
        match pick {
            Pick::Status(s) => self.set_status(&targets, s, picker.advance),
            Pick::OutcomeMenu => self.outcome_picker(targets, false),
            Pick::Outcome(o) => self.decide_complaints(&targets, o, picker.advance),
            Pick::Checklist => self.open_checklist(targets),
            Pick::Command(prefix) => {
                self.overlay = Some(Overlay::Command(Editor::with_text(&prefix, false)))
            }
            Pick::Session(name) => self.switch_session(&name),
            Pick::Run(line) => self.command(&line),
            Pick::Correct(field) => {
                let Some(record) = targets.first().copied() else {
                    return;
                };
                let current = self.screen.detail().and_then(|d| {
                    d.review
                        .corrections
                        .get(&field)
                        .cloned()
                        .or_else(|| read_value(d, &field))
                });
                let multiline = is_long_text(&field);
                self.overlay = Some(Overlay::Correct {
                    editor: Editor::with_text(&current.unwrap_or_default(), multiline),
                    record,
                    field,
                });
            }
            Pick::Reasons => self.reasons_editor(),
            Pick::Remark(field) => {
                self.overlay = Some(Overlay::Note {
                    editor: Editor::new(true),
                    target: NoteTarget {
                        records: targets,
                        field: Some(field),
                    },
                    confirm_discard: false,
                })
            }
        }
    }

    /// Records the outcome of complaints, which decides them: dated today (`:vedtaksdato`
    /// changes it) and decided by the inspector, unless someone else is already named.
    pub(super) fn decide_complaints(
        &mut self,
        targets: &[RecordRef],
        outcome: Outcome,
        advance: bool,
    ) {
        let today = self.today();
        let mut changes = Vec::new();
        for r in targets.iter().filter(|r| r.kind == RecordKind::Complaint) {
            changes.push((*r, Change::Outcome(Some(outcome))));
            changes.push((*r, Change::Status(Some(Status::Avgjort))));
            changes.push((*r, Change::DecidedOn(Some(today))));
            let named = self.store.review(*r).ok().and_then(|v| v.decided_by);
            if named.is_none() {
                changes.push((*r, Change::DecidedBy(Some(self.author.clone()))));
            }
        }
        self.propose(changes, advance);
    }

    /// The reasons editor for the complaint under the cursor (or open), with its reasons so far.
    pub(super) fn reasons_editor(&mut self) {
        let Some(record) = self
            .targets()
            .into_iter()
            .find(|r| r.kind == RecordKind::Complaint)
        else {
            self.say(MessageKind::Info, t::REASONS_ONLY_COMPLAINTS);
            return;
        };
        let reasons = self
            .store
            .review(record)
            .ok()
            .and_then(|r| r.reasons)
            .unwrap_or_default();
        self.overlay = Some(Overlay::Reasons {
            editor: Editor::with_text(&reasons, true),
            record,
        });
    }

    fn set_status(&mut self, targets: &[RecordRef], status: Status, advance: bool) {
        let changes: Vec<_> = targets
            .iter()
            .filter(|r| status.applies_to(r.kind))
            .map(|r| (*r, Change::Status(Some(status))))
            .collect();
        self.propose(changes, advance);
    }

    /// Applies changes to one record at once; asks first when they touch several.
    fn propose(&mut self, changes: Vec<(RecordRef, Change)>, advance: bool) {
        let records: BTreeSet<RecordRef> = changes.iter().map(|(r, _)| *r).collect();
        if records.len() > 1 {
            let what = changes
                .first()
                .map(|(_, c)| t::change_summary(c, &self.catalogue));
            self.overlay = Some(Overlay::Confirm {
                question: t::confirm_bulk(&what.unwrap_or_default(), records.len(), self.view.kind),
                changes,
                advance: false,
            });
        } else {
            self.apply(changes, advance);
        }
    }

    /// Reopens an editor whose text could not be stored, and says that the text is kept.
    pub(super) fn keep_editing(&mut self, overlay: Overlay) {
        if let Some(message) = self.message.as_mut() {
            message.1 = t::text_kept(&message.1);
        }
        self.overlay = Some(overlay);
    }

    /// Whether the note was stored.
    fn save_note(&mut self, target: &NoteTarget, text: String) -> bool {
        let note = Annotation {
            author: self.author.clone(),
            at: self.now(),
            field: target.field.clone(),
            text,
        };
        let changes = target
            .records
            .iter()
            .map(|r| (*r, Change::Annotate(note.clone())))
            .collect();
        self.apply(changes, false)
    }

    /// Writes changes (flushed), updates the rows, keeps the inverse for undo, and advances to
    /// the next item if asked. Whether they were stored (an error has been said if not).
    pub fn apply(&mut self, changes: Vec<(RecordRef, Change)>, advance: bool) -> bool {
        if changes.is_empty() {
            return true;
        }
        let summary = t::change_summary(&changes[0].1, &self.catalogue);
        let links = changes.iter().any(|(_, c)| changes_record(c));
        let count = changes
            .iter()
            .map(|(r, _)| *r)
            .collect::<BTreeSet<_>>()
            .len();
        let now = self.now();
        match self.store_changes(now, &changes) {
            Ok(applied) => {
                let day = crate::time::oslo_date(&now.fixed_offset());
                for (record, review) in &applied.reviews {
                    self.queue.update_review(*record, review, day);
                }
                self.reindex_notes(&changes, &applied.reviews);
                if links {
                    self.reload_queue();
                }
                self.recompute_stats();
                if !applied.undo.is_empty() {
                    self.undo.push(applied.undo);
                    if self.undo.len() > UNDO_DEPTH {
                        self.undo.remove(0);
                    }
                }
                if count > 1 {
                    self.view.marks.clear();
                    self.view.visual_anchor = None;
                }
                self.say(MessageKind::Saved, t::saved(&summary, count));
                self.recount_session();
                if advance && self.session.is_some() {
                    if !self.advance_in_session() {
                        let done = crate::text::session::ALL_HANDLED;
                        self.say(
                            MessageKind::Saved,
                            format!("{} · {done}", t::saved(&summary, count)),
                        );
                    }
                } else if advance {
                    self.move_cursor(1);
                }
                if self.screen.detail().is_some() {
                    self.open_detail();
                }
                self.session_activity();
                self.persist_session(true);
                true
            }
            Err(e) => {
                self.say(MessageKind::Error, t::not_saved(&e.to_string()));
                false
            }
        }
    }

    /// Puts notes just written (or undone) into the search index.
    fn reindex_notes(
        &mut self,
        changes: &[(RecordRef, Change)],
        reviews: &std::collections::HashMap<RecordRef, Review>,
    ) {
        let notes = |c: &Change| matches!(c, Change::Annotate(_) | Change::Unannotate(_));
        for (record, review) in reviews {
            if changes.iter().any(|(r, c)| r == record && notes(c)) {
                self.index_annotations(*record, review);
            }
        }
    }

    fn undo(&mut self) {
        let Some(changes) = self.undo.pop() else {
            self.say(MessageKind::Info, t::NOTHING_TO_UNDO);
            return;
        };
        let now = self.now();
        match self.store_changes(now, &changes) {
            Ok(applied) => {
                let day = crate::time::oslo_date(&now.fixed_offset());
                for (record, review) in &applied.reviews {
                    self.queue.update_review(*record, review, day);
                }
                self.reindex_notes(&changes, &applied.reviews);
                if changes.iter().any(|(_, c)| changes_record(c)) {
                    self.reload_queue();
                }
                self.recompute_stats();
                self.recount_session();
                let n = applied.reviews.len();
                self.say(MessageKind::Saved, t::undone(n));
                if self.screen.detail().is_some() {
                    self.open_detail();
                }
            }
            Err(e) => {
                self.undo.push(changes);
                self.say(MessageKind::Error, t::not_saved(&e.to_string()));
            }
        }
    }

    // ---- detail ----

    pub fn open_detail(&mut self) {
        let Some(record) = self.current() else { return };
        // The same record reloaded (after a change) keeps where the inspector was looking.
        let (scroll, show_original) = match self.screen.detail() {
            Some(d) if d.record == record => (d.scroll, d.show_original),
            _ => (0, false),
        };
        match self.load_detail(record) {
            Ok(mut d) => {
                d.scroll = scroll;
                d.show_original = show_original && !d.documents.is_empty();
                self.screen = Screen::Detail(Box::new(d));
            }
            Err(e) => self.say(MessageKind::Error, e.to_string()),
        }
    }

    /// Shows the detail's fødselsnummer unmasked, logged, or masks them again.
    fn toggle_reveal(&mut self) {
        let Some(d) = self.screen.detail() else {
            return;
        };
        if d.revealed {
            self.open_detail();
            return self.say(MessageKind::Info, t::REVEAL_HIDDEN);
        }
        let (author, now) = (self.author.clone(), self.now());
        let store = Arc::clone(&self.store);
        let mut d = d.clone();
        let shown = d.clone();
        let result = (|| -> Result<bool, StoreError> {
            let via = crate::audit_text::REVEALED_VIA_DETAIL;
            if let Some(sp) = &d.protocol {
                d.protocol = store.reveal_protocol(sp.id, &author, now, via)?;
            }
            if let Some(sc) = &d.complaint {
                d.complaint = store.reveal_complaint(sc.id, &author, now, via)?;
            }
            for (c, _) in &mut d.complaints {
                if let Some(revealed) = store.reveal_complaint(c.id, &author, now, via)? {
                    *c = revealed;
                }
            }
            d.audit = store.audit(d.record)?;
            // Something was revealed (and logged, under whichever record held it: the protocol,
            // a complaint) exactly when the screen's masked text changed.
            Ok(d.protocol != shown.protocol
                || d.complaint != shown.complaint
                || d.complaints != shown.complaints)
        })();
        match result {
            Ok(true) => {
                d.revealed = true;
                self.screen = Screen::Detail(Box::new(d));
                self.say(MessageKind::Info, t::REVEAL_SHOWN);
            }
            Ok(false) => self.say(MessageKind::Info, t::REVEAL_NOTHING),
            Err(e) => self.say(MessageKind::Error, e.to_string()),
        }
    }

    fn toggle_original(&mut self) {
        let Some(d) = self.screen.detail_mut() else {
            return;
        };
        if d.documents.is_empty() {
            return self.say(MessageKind::Info, t::NO_DOCUMENT);
        }
        d.show_original = !d.show_original;
        d.scroll = 0;
    }

    /// Marks the reading of each target's document checked (or, when all are checked, not
    /// checked): the `til_kontroll` mark leaves the queue.
    fn toggle_reading_checked(&mut self) {
        let targets: Vec<RecordRef> = self
            .targets()
            .into_iter()
            .filter(|r| {
                self.queue
                    .row_of(*r)
                    .is_some_and(|i| self.queue.rows[i].reading_to_check)
                    || self
                        .screen
                        .detail()
                        .is_some_and(|d| d.record == *r && !d.documents.is_empty())
            })
            .collect();
        if targets.is_empty() {
            return self.say(MessageKind::Info, t::NO_DOCUMENT);
        }
        let checked = |r: &RecordRef| match self.screen.detail() {
            Some(d) if d.record == *r => Ok(d.review.reading_checked),
            _ => self.store.review(*r).map(|review| review.reading_checked),
        };
        let all_checked = targets
            .iter()
            .map(checked)
            .collect::<Result<Vec<bool>, _>>()
            .map(|v| v.into_iter().all(|b| b));
        match all_checked {
            Ok(all) => {
                let changes = targets
                    .iter()
                    .map(|r| (*r, Change::ReadingChecked(!all)))
                    .collect();
                self.apply(changes, false);
            }
            Err(e) => self.say(MessageKind::Error, e.to_string()),
        }
    }

    /// Writes changes to the store; a correction of a field read from a document also writes
    /// the protocol's corrected version, read by the import's rules.
    fn store_changes(
        &self,
        now: DateTime<Utc>,
        changes: &[(RecordRef, Change)],
    ) -> Result<crate::store::Applied, StoreError> {
        let catalogue = &self.catalogue;
        let correct = |p: &Protocol, field: &str, text: Option<&str>| {
            crate::import::corrected_protocol(p, field, text, catalogue)
        };
        self.store
            .apply_changes_correcting(&self.author, now, changes, Some((catalogue, &correct)))
    }

    /// The queue anew from the store: a complaint linked to another protocol moves its counts,
    /// a corrected protocol its flags and figures.
    fn reload_queue(&mut self) {
        match Queue::load(&self.store, &self.catalogue, &self.rules) {
            Ok(q) => {
                self.queue = q;
                self.refresh();
                self.rebuild_search_index();
            }
            Err(e) => self.say(MessageKind::Error, e.to_string()),
        }
    }

    /// The protocols at the complaint's institution, newest first, to link the complaint to.
    fn link_picker(&mut self) {
        let Some(d) = self.screen.detail() else {
            return;
        };
        let (Some(sc), RecordKind::Complaint) = (&d.complaint, d.record.kind) else {
            return self.say(MessageKind::Info, t::LINK_ONLY_COMPLAINTS);
        };
        let ids = match self.store.protocols_at_institution_of(&sc.complaint) {
            Ok(ids) => ids,
            Err(e) => return self.say(MessageKind::Error, e.to_string()),
        };
        let mut rows: Vec<&crate::queue::QueueRow> = ids
            .iter()
            .filter_map(|id| self.queue.row_of(RecordRef::protocol(*id)))
            .map(|i| &self.queue.rows[i])
            .collect();
        rows.sort_by(|a, b| b.date.cmp(&a.date).then(b.record_id.cmp(&a.record_id)));
        let candidates: Vec<(u64, String)> = rows
            .iter()
            .map(|r| (r.record.id, t::link_candidate(r, &self.queue)))
            .collect();
        if candidates.is_empty() {
            return self.say(MessageKind::Info, t::LINK_NO_PROTOCOLS);
        }
        // Start on the protocol it names now, if that is one of them.
        let current = candidates
            .iter()
            .position(|(id, _)| d.protocol.as_ref().is_some_and(|p| p.id == *id))
            .unwrap_or(0);
        self.overlay = Some(Overlay::Link(LinkPicker {
            complaint: d.record,
            editor: Editor::new(false),
            candidates,
            cursor: current,
        }));
    }

    /// The fields read from the record's document, to pick one to correct.
    fn correct_menu(&mut self) {
        let Some(d) = self.screen.detail() else {
            return;
        };
        if d.record.kind != RecordKind::Protocol && !d.documents.is_empty() {
            return self.say(MessageKind::Info, t::CORRECT_ONLY_PROTOCOLS);
        }
        let Some(document) = d.documents.first() else {
            return self.say(MessageKind::Info, t::NO_DOCUMENT);
        };
        let mut fields: Vec<String> = Vec::new();
        for f in document
            .fields
            .iter()
            .map(|f| &f.field)
            .chain(document.to_check.iter().map(|(f, _)| f))
        {
            if !fields.contains(f) && crate::import::correctable_field(f) {
                fields.push(f.clone());
            }
        }
        let keys = ('a'..='z').chain('0'..='9');
        let items = fields
            .iter()
            .zip(keys)
            .map(|(field, key)| PickerItem {
                key,
                label: crate::text::document::field_name(field).to_string(),
                pick: Pick::Correct(field.clone()),
            })
            .collect();
        self.overlay = Some(Overlay::Picker(Picker {
            title: t::PICK_CORRECTION.into(),
            items,
            advance: false,
            targets: vec![d.record],
        }));
    }

    fn load_detail(&self, record: RecordRef) -> Result<Detail, StoreError> {
        let store = &self.store;
        let mut d = Detail {
            record,
            scroll: 0,
            scroll_end: std::cell::Cell::new(u16::MAX),
            protocol: None,
            complaint: None,
            complaints: Vec::new(),
            timeline: Vec::new(),
            review: store.review(record)?,
            protocol_review: None,
            audit: store.audit(record)?,
            versions: Vec::new(),
            revealed: false,
            documents: Vec::new(),
            show_original: false,
        };
        let row = self.queue.row_of(record).map(|i| &self.queue.rows[i]);
        let protocol_id = match record.kind {
            RecordKind::Protocol => Some(record.id),
            RecordKind::Complaint => {
                // Its review and audit trail are loaded already.
                let decided = crate::decision::from_trail(&d.review, &d.audit);
                d.complaint = store
                    .complaint(record.id)?
                    .map(|sc| crate::decision::as_decided(sc, decided, Some(&d.review)));
                if let Some(sc) = &d.complaint {
                    d.documents = store.documents_for(true, &sc.complaint.key())?;
                }
                row.and_then(|r| r.protocol)
            }
        };
        if let Some(pid) = protocol_id {
            d.protocol = store.protocol(pid)?;
            if record.kind == RecordKind::Complaint {
                d.protocol_review = Some(store.review(RecordRef::protocol(pid))?);
            }
            if let (Some(sp), RecordKind::Protocol) = (&d.protocol, record.kind) {
                d.documents = store.documents_for(false, &sp.protocol.key())?;
            }
            if let Some(sp) = &d.protocol {
                for c in store.complaints_for_protocol(&sp.protocol)? {
                    let review = store.review(RecordRef::complaint(c.id))?;
                    let decided = crate::decision::of_review(store, c.id, &review)?;
                    d.complaints.push((
                        crate::decision::as_decided(c, decided, Some(&review)),
                        review,
                    ));
                }
                d.versions = store.protocol_history(pid)?;
                // The record's reference is masked; the child index is keyed by it as sent,
                // which the facts keep.
                let child = store.protocol_skeleton(pid)?.and_then(|p| p.child_ref);
                if let Some(child) = &child {
                    let key = |p: &Protocol| {
                        crate::model::institution_key(&p.institution, p.institution_id.as_deref())
                    };
                    let own = key(&sp.protocol);
                    let mut ids = store.protocol_ids_by(Index::Child, child)?;
                    ids.sort_unstable();
                    let mut timeline: Vec<(u64, Protocol)> = store
                        .protocol_skeletons_by_ids(&ids)?
                        .into_iter()
                        .filter(|(_, p)| key(p) == own)
                        .collect();
                    crate::query::newest_first(&mut timeline);
                    d.timeline = timeline;
                }
            }
        }
        Ok(d)
    }

    // ---- command line ----

    /// Runs a `:` command: an action name, or a command with arguments.
    /// Runs a `:` command line: an action by its name (without arguments), else a command of
    /// [`commands::COMMANDS`].
    pub fn command(&mut self, line: &str) {
        let line = line.trim();
        let (name, args) = line.split_once(' ').unwrap_or((line, ""));
        let args = args.trim();
        if name.is_empty() {
            return;
        }
        // `filter` and `tag` are actions (which open a prompt) and, with arguments, commands.
        if let (Some(action), true) = (Action::from_name(name), args.is_empty()) {
            self.act(action);
            return;
        }
        match commands::find(name) {
            Some(c) if c.needs_args && args.is_empty() => {
                let usage = c.help.first().map_or(c.name, |(usage, _)| usage);
                self.say(MessageKind::Error, t::command_usage(usage))
            }
            Some(c) => (c.run)(self, name, args),
            None => {
                let help = self.key(Mode::Queue, Action::Help);
                let message = t::unknown_command(line, commands::suggest(name).as_deref(), &help);
                self.say(MessageKind::Error, message)
            }
        }
    }

    fn saved_filter(&mut self, command: &str, name: &str) {
        let saved = match self.store.saved_filters() {
            Ok(s) => s,
            Err(e) => return self.say(MessageKind::Error, e.to_string()),
        };
        if command == "filters" || name.is_empty() {
            let names: Vec<&str> = saved.iter().map(|(n, _)| n.as_str()).collect();
            return self.say(MessageKind::Info, t::saved_filters(&names));
        }
        let Some((_, value)) = saved.into_iter().find(|(n, _)| n == name) else {
            return self.say(MessageKind::Error, t::no_such_filter(name));
        };
        if command == "delete_filter" {
            match self.store.save_filter(name, None) {
                Ok(()) => self.say(MessageKind::Saved, t::filter_deleted(name)),
                Err(e) => self.say(MessageKind::Error, e.to_string()),
            }
            return;
        }
        match serde_json::from_value::<QueueFilter>(value) {
            Ok(f) => {
                self.view.filter = f;
                self.refresh();
                self.say(MessageKind::Info, t::filtered(self.view.visible.len()));
            }
            Err(_) => self.say(MessageKind::Error, t::no_such_filter(name)),
        }
    }

    // ---- statistics export ----

    /// `:export-stats FILE [N]`: writes the statistics screen's figures (its grouping, or per
    /// year when it is closed) for the current filter as CSV, JSON or Markdown, by the file's
    /// extension; with N, counts below N are suppressed.
    fn export_stats(&mut self, args: &str) {
        let mut words = args.split_whitespace();
        let Some(path) = words.next() else {
            return self.say(MessageKind::Error, t::EXPORT_STATS_USAGE);
        };
        let suppress = match words.next().map(str::parse::<u64>) {
            None => None,
            Some(Ok(n)) if n >= 2 => Some(n),
            Some(_) => return self.say(MessageKind::Error, t::EXPORT_STATS_USAGE),
        };
        let path = std::path::PathBuf::from(path);
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let (by, basis) = self
            .screen
            .stats()
            .map_or((GroupBy::Year, Default::default()), |s| {
                (s.grouping(), s.basis)
            });
        let rows = self
            .queue
            .stats(&self.view.filter, by, basis, &self.catalogue);
        let content = match extension.as_deref() {
            Some("csv") => crate::stats::to_csv(&rows, suppress),
            Some("json") => crate::stats::to_json(&rows, suppress),
            Some("md" | "markdown") => crate::text::stats_markdown(
                &rows,
                by,
                suppress,
                &self.catalogue,
                &crate::text::stats_selection(&self.view.filter.pairs(), basis),
                &t::made_by(&crate::time::oslo_minute(&self.now()), &self.author),
            ),
            _ => return self.say(MessageKind::Error, t::EXPORT_STATS_USAGE),
        };
        let written = crate::export::write_file_atomically(&path, |out| {
            std::io::Write::write_all(out, content.as_bytes())
        });
        match written {
            Ok(()) => self.say(
                MessageKind::Saved,
                t::stats_exported(&path.display().to_string(), rows.len() - 1),
            ),
            Err(e) => self.say(
                MessageKind::Error,
                t::not_saved(&format!("{}: {e}", path.display())),
            ),
        }
    }

    // ---- import ----

    fn start_import(&mut self, args: &str) {
        if self.import.is_some() {
            return self.say(MessageKind::Error, t::IMPORT_RUNNING);
        }
        let paths: Vec<std::path::PathBuf> = args.split_whitespace().map(Into::into).collect();
        let (tx, rx) = std::sync::mpsc::channel();
        let store = Arc::clone(&self.store);
        let catalogue = Arc::clone(&self.catalogue);
        let author = self.author.clone();
        let labels = self.labels.clone();
        std::thread::spawn(move || {
            let progress_tx = tx.clone();
            let mut on_progress = move |p: &crate::import::Progress| {
                let _ = progress_tx.send(ImportEvent::Progress(*p));
            };
            let result = crate::import::import_paths(
                &store,
                &catalogue,
                &paths,
                crate::import::ImportOptions {
                    author,
                    labels,
                    ..crate::import::ImportOptions::default()
                },
                &mut on_progress,
            )
            .map(Box::new)
            .map_err(|e| e.to_string());
            let _ = tx.send(ImportEvent::Done(result));
        });
        self.import = Some(ImportJob {
            progress: crate::import::Progress::default(),
            receiver: rx,
        });
        self.say(MessageKind::Info, t::IMPORT_STARTED);
    }

    /// Takes what the import worker reported. Returns whether anything changed.
    pub fn poll_import(&mut self) -> bool {
        let Some(job) = &mut self.import else {
            return false;
        };
        let mut done = None;
        let mut changed = false;
        while let Ok(event) = job.receiver.try_recv() {
            changed = true;
            match event {
                ImportEvent::Progress(p) => job.progress = p,
                ImportEvent::Done(result) => done = Some(result),
            }
        }
        if let Some(result) = done {
            self.import = None;
            match result {
                Ok(report) => {
                    match Queue::load(&self.store, &self.catalogue, &self.rules) {
                        Ok(q) => {
                            self.queue = q;
                            self.refresh();
                            self.rebuild_search_index();
                            self.recount_session();
                        }
                        Err(e) => {
                            self.say(MessageKind::Error, e.to_string());
                            return true;
                        }
                    }
                    let mut message = t::import_done(&report);
                    if let Some(offer) = self.session_offer() {
                        message = format!("{message} · {offer}");
                    }
                    self.say(MessageKind::Saved, message);
                }
                Err(e) => self.say(MessageKind::Error, e),
            }
        } else if let Some(job) = &self.import {
            if changed {
                let p = job.progress;
                self.say(MessageKind::Info, t::import_progress(&p));
            }
        }
        changed
    }
}

/// A field's value as read from the record's first document.
pub fn read_value(d: &Detail, field: &str) -> Option<String> {
    d.documents
        .first()?
        .fields
        .iter()
        .find(|f| f.field == field)
        .map(|f| f.value.clone())
}

/// Fields written as running text, corrected in a box of several lines (ctrl-s saves); the
/// others are one line (Enter saves).
pub fn is_long_text(field: &str) -> bool {
    matches!(
        field,
        "danger" | "justification" | "execution" | "child_statement" | "injury_note" | "text"
    )
}

/// Changes that write a record, not only its review: the queue is loaded anew after them.
fn changes_record(c: &Change) -> bool {
    matches!(c, Change::LinkProtocol(_) | Change::Correct(..))
}
