//! Review sessions in the TUI: while one is active, the queue shows its worklist (handled items
//! dimmed), the title its progress, and decide-and-advance goes to the next unhandled item. The
//! position (filters, sort, cursor, scroll, open detail) and the active time are written to the
//! store as the inspector works, so that reopening tvang resumes where they left off.

use super::{App, MessageKind, Overlay, Pick, Picker, PickerItem};
use crate::review::RecordRef;
use crate::session::{check_name, is_handled, next_unhandled, Progress, Session, SessionState};
use crate::session_report::{self as report, ReportFormat};
use crate::text::session as t;
use rustc_hash::FxHashSet;
use std::time::{Duration, Instant};

/// Position and time are written at most this often while keys come in (each write is a
/// flush); decisions are written at once.
const SAVE_EVERY: Duration = Duration::from_secs(1);

/// The session the TUI works in.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub session: Session,
    /// The worklist as a set, for the queue's filter.
    pub members: FxHashSet<RecordRef>,
    /// Counted when the session is entered and after every change of a review.
    pub progress: Progress,
    /// State changed since it was last written.
    pub dirty: bool,
    pub saved: Option<Instant>,
}

impl ActiveSession {
    fn new(session: Session) -> ActiveSession {
        ActiveSession {
            members: session.items.iter().copied().collect(),
            session,
            progress: Progress::default(),
            dirty: false,
            saved: None,
        }
    }

    pub fn state(&self) -> &SessionState {
        &self.session.state
    }
}

impl App {
    /// Resumes the session that was active when tvang was last closed, if it is still open.
    pub fn resume_session(&mut self) {
        let name = match self.store.active_session() {
            Ok(Some(name)) => name,
            Ok(None) => return,
            Err(e) => return self.say(MessageKind::Error, e.to_string()),
        };
        match self.store.session(&name) {
            Ok(Some(s)) if !s.state.is_closed() => self.enter_session(s),
            // Closed or gone since: start without one.
            Ok(_) => {
                let _ = self.store.set_active_session(None);
            }
            Err(e) => self.say(MessageKind::Error, e.to_string()),
        }
    }

    /// Shows a session's worklist where the inspector left it.
    fn enter_session(&mut self, session: Session) {
        self.persist_session(true);
        let view = session.state.view.clone();
        let name = session.state.name.clone();
        self.view.kind = session.state.kind;
        self.session = Some(ActiveSession::new(session));
        self.view.filter = view.filter;
        self.view.sort = view.sort;
        self.search = None;
        self.screen.close_stats();
        self.screen.close_detail();
        self.view.marks.clear();
        self.view.visual_anchor = None;
        self.view.cursor = 0;
        self.view.offset = 0;
        self.refresh();
        // The detail reopens only on the record it showed.
        if self.return_to(view.cursor, view.offset) && view.detail_open {
            self.open_detail();
            if let Some(d) = self.screen.detail_mut() {
                d.scroll = view.detail_scroll;
            }
        }
        self.recount_session();
        if let Err(e) = self.store.set_active_session(Some(&name)) {
            return self.say(MessageKind::Error, e.to_string());
        }
        let mut message = t::resumed(&name, self.session_progress().unwrap_or_default());
        let offered = self.offered_count();
        if offered > 0 {
            message = format!("{message} · {}", t::offered(&name, offered));
        }
        self.say(MessageKind::Info, message);
    }

    /// Leaves the session (it stays open) and shows the whole queue again.
    fn leave_session(&mut self) -> Option<String> {
        self.persist_session(true);
        let s = self.session.take()?;
        if let Err(e) = self.store.set_active_session(None) {
            self.say(MessageKind::Error, e.to_string());
        }
        self.view.filter = Default::default();
        self.view.sort = Default::default();
        self.search = None;
        self.screen.close_detail();
        self.view.marks.clear();
        self.refresh();
        Some(s.session.state.name)
    }

    pub fn session_progress(&self) -> Option<Progress> {
        self.session.as_ref().map(|s| s.progress)
    }

    /// Counts the session's progress again (after a review changed, an import, an undo).
    pub(super) fn recount_session(&mut self) {
        if let Some(s) = &mut self.session {
            s.progress = report::progress(&self.queue, &s.session.items);
        }
    }

    fn offered_count(&self) -> usize {
        self.session
            .as_ref()
            .map_or(0, |s| report::offered(&self.queue, &s.session).len())
    }

    /// What to say of records imported after the session was made that match its filter.
    pub(super) fn session_offer(&self) -> Option<String> {
        let s = self.session.as_ref()?;
        let n = self.offered_count();
        (n > 0).then(|| t::offered(&s.state().name, n))
    }

    /// Whether a row of the queue is shown dimmed: handled, in the active session.
    pub fn is_dimmed(&self, row: usize) -> bool {
        self.session.is_some() && is_handled(self.queue.rows[row].status)
    }

    /// Notes a key pressed in the session: time spent, and where the inspector is now.
    pub(super) fn session_activity(&mut self) {
        let now = self.now();
        let (cursor, offset, sort) = (self.current(), self.view.offset, self.view.sort);
        let filter = self.view.filter.clone();
        let detail = self.screen.detail().map(|d| d.scroll);
        let Some(s) = &mut self.session else { return };
        s.session.state.touch(now);
        let view = &mut s.session.state.view;
        view.filter = filter;
        view.sort = sort;
        view.cursor = cursor;
        view.offset = offset;
        view.detail_open = detail.is_some();
        view.detail_scroll = detail.unwrap_or(0);
        s.dirty = true;
    }

    /// Writes the session's state if it changed: at once when `force`, else at most once a
    /// second (the input loop calls this after every event).
    pub fn persist_session(&mut self, force: bool) {
        let Some(s) = &mut self.session else { return };
        if !s.dirty || (!force && s.saved.is_some_and(|at| at.elapsed() < SAVE_EVERY)) {
            return;
        }
        match self.store.save_session_state(&s.session.state) {
            Ok(()) => {
                s.dirty = false;
                s.saved = Some(Instant::now());
            }
            Err(e) => self.say(MessageKind::Error, e.to_string()),
        }
    }

    /// Decide-and-advance in a session: the next unhandled item of the worklist as shown,
    /// going on from the top. Returns false when every item shown is handled.
    pub(super) fn advance_in_session(&mut self) -> bool {
        let handled: Vec<bool> = self
            .view
            .visible
            .iter()
            .map(|&i| is_handled(self.queue.rows[i].status))
            .collect();
        match next_unhandled(&handled, self.view.cursor) {
            Some(i) => {
                self.view.cursor = i;
                self.keep_cursor_visible();
                true
            }
            None => handled.get(self.view.cursor).is_some_and(|h| !h),
        }
    }

    /// The session picker: open sessions with their progress, a new one, leaving.
    pub(super) fn session_picker(&mut self) {
        let sessions = match self.store.sessions() {
            Ok(s) => s,
            Err(e) => return self.say(MessageKind::Error, e.to_string()),
        };
        let open: Vec<Session> = sessions
            .into_iter()
            .filter(|s| !s.state.is_closed())
            .collect();
        let width = open
            .iter()
            .map(|s| s.state.name.chars().count())
            .max()
            .unwrap_or(0);
        let keys = ('1'..='9')
            .chain('a'..='z')
            .filter(|c| !matches!(c, 'n' | 'x'));
        let mut items: Vec<PickerItem> = Vec::new();
        for (
            key,
            Session {
                state: s,
                items: worklist,
            },
        ) in keys.zip(&open)
        {
            let progress = report::progress(&self.queue, worklist);
            let active = self
                .session
                .as_ref()
                .is_some_and(|a| a.state().name == s.name);
            let mark = if active { t::ACTIVE_MARK } else { "  " };
            items.push(PickerItem {
                key,
                label: format!("{mark}{}", t::summary_line(s, progress, width)),
                pick: Pick::Session(s.name.clone()),
            });
        }
        items.push(PickerItem {
            key: 'n',
            label: t::PICK_NEW.into(),
            pick: Pick::Command("session new ".into()),
        });
        if self.session.is_some() {
            items.push(PickerItem {
                key: 'x',
                label: t::PICK_LEAVE.into(),
                pick: Pick::Run("session leave".into()),
            });
        }
        self.overlay = Some(Overlay::Picker(Picker {
            title: if open.is_empty() {
                t::NO_SESSIONS.into()
            } else {
                t::PICK_SESSION.into()
            },
            items,
            advance: false,
            targets: Vec::new(),
        }));
    }

    /// Resumes a session by name.
    pub(super) fn switch_session(&mut self, name: &str) {
        match self.store.session(name.trim()) {
            Ok(Some(s)) if s.state.is_closed() => {
                self.say(MessageKind::Error, t::is_closed(&s.state.name))
            }
            Ok(Some(s)) => self.enter_session(s),
            Ok(None) => self.say(MessageKind::Error, t::no_such(name.trim())),
            Err(e) => self.say(MessageKind::Error, e.to_string()),
        }
    }

    /// `:session …`
    pub(super) fn session_command(&mut self, args: &str) {
        let (word, rest) = args.split_once(' ').unwrap_or((args, ""));
        let rest = rest.trim();
        match word {
            "" => self.session_picker(),
            "new" => self.new_session(rest),
            "report" => self.session_report(rest),
            "add" => self.add_offered(),
            "leave" => match self.leave_session() {
                Some(name) => self.say(MessageKind::Info, t::left(&name)),
                None => self.say(MessageKind::Info, t::NO_ACTIVE),
            },
            "close" => {
                let now = self.now();
                let Some(s) = &mut self.session else {
                    return self.say(MessageKind::Info, t::NO_ACTIVE);
                };
                s.session.state.closed_at = Some(now);
                s.dirty = true;
                if let Some(name) = self.leave_session() {
                    self.say(MessageKind::Saved, t::closed(&name));
                }
            }
            _ => self.switch_session(args),
        }
    }

    /// `:session new NAME`: a session of the rows shown now (the filter, and a search if one
    /// narrows the queue), in the order shown.
    fn new_session(&mut self, name: &str) {
        let name = match check_name(name) {
            Ok(n) => n.to_string(),
            Err(e) => return self.say(MessageKind::Error, t::name_error(&e)),
        };
        let items: Vec<RecordRef> = self
            .view
            .visible
            .iter()
            .map(|&i| self.queue.rows[i].record)
            .collect();
        if items.is_empty() {
            return self.say(MessageKind::Error, t::empty_worklist(self.view.kind));
        }
        let first_later = match self.store.next_record_id() {
            Ok(id) => id,
            Err(e) => return self.say(MessageKind::Error, e.to_string()),
        };
        let search = self
            .search
            .as_ref()
            .map(|s| s.text.trim().to_string())
            .filter(|s| !s.is_empty());
        // Within an active session, the new worklist's filter is the one it was made from.
        let filter = match &self.session {
            Some(s) => s.state().filter.clone(),
            None => self.view.filter.clone(),
        };
        let mut state = SessionState::new(
            &name,
            self.view.kind,
            filter,
            search,
            first_later,
            &self.author,
            self.now(),
        );
        // Start at the top of the worklist, unfiltered, in the order it was made.
        state.view.sort = self.view.sort;
        let session = Session { state, items };
        let count = session.items.len();
        match self.store.create_session(&session, true) {
            Ok(true) => {
                self.enter_session(session);
                self.say(MessageKind::Saved, t::created(&name, count, self.view.kind));
            }
            Ok(false) => self.say(MessageKind::Error, t::exists(&name)),
            Err(e) => self.say(
                MessageKind::Error,
                crate::tui::text::not_saved(&e.to_string()),
            ),
        }
    }

    fn add_offered(&mut self) {
        let Some(s) = &self.session else {
            return self.say(MessageKind::Info, t::NO_ACTIVE);
        };
        let name = s.state().name.clone();
        let offered = report::offered(&self.queue, &s.session);
        if offered.is_empty() {
            return self.say(MessageKind::Info, t::NOTHING_OFFERED);
        }
        match self.store.add_session_items(&name, &offered) {
            Ok(Some(updated)) => {
                if let Some(s) = &mut self.session {
                    s.members.extend(offered.iter().copied());
                    s.session.items = updated.items;
                }
                self.refresh();
                self.recount_session();
                self.say(MessageKind::Saved, t::added(offered.len()));
            }
            Ok(None) => self.say(MessageKind::Error, t::no_such(&name)),
            Err(e) => self.say(
                MessageKind::Error,
                crate::tui::text::not_saved(&e.to_string()),
            ),
        }
    }

    /// `:session report [FILE]`: the active session's report, Markdown unless the file's
    /// extension says JSON or CSV; by default `NAME.md` in the working folder.
    fn session_report(&mut self, path: &str) {
        self.persist_session(true);
        let Some(active) = &self.session else {
            return self.say(MessageKind::Info, t::NO_ACTIVE);
        };
        let s = &active.session;
        let path = if path.is_empty() {
            std::path::PathBuf::from(t::default_report_file(&s.state.name))
        } else {
            std::path::PathBuf::from(path)
        };
        let Some(format) = ReportFormat::of_path(&path) else {
            return self.say(MessageKind::Error, t::REPORT_USAGE);
        };
        let now = self.now();
        let target = path.display().to_string();
        let written = report::build(
            &self.store,
            &self.catalogue,
            &self.queue,
            s,
            &self.author,
            now,
        )
        .map_err(|e| e.to_string())
        .and_then(|built| {
            let content = crate::text::session::render_report(&built, format);
            crate::export::write_file_atomically(&path, |out| {
                std::io::Write::write_all(out, content.as_bytes())
            })
            .map_err(|e| format!("{target}: {e}"))?;
            report::log_written(
                &self.store,
                &self.author,
                now,
                &s.state.name,
                format,
                &target,
            )
            .map_err(|e| e.to_string())?;
            Ok(built.items.len())
        });
        match written {
            Ok(items) => self.say(MessageKind::Saved, t::report_written(&target, items)),
            Err(e) => self.say(MessageKind::Error, crate::tui::text::not_saved(&e)),
        }
    }
}
