//! The checklist in the TUI: the conditions of a record's provisions, grouped, one per row, with
//! the assessment, its reason and what the protocol's facts suggest. Keys go through the
//! keymap's `[checklist]` screen; each assessment is a change of the review like any other
//! (saved, logged, undone with the undo key).

use super::{App, MessageKind, Overlay};
use crate::checklist::{Loaded, Suggestion};
use crate::review::{Assessment, Change, Check, RecordRef};
use crate::tui::action::{Action, Mode};
use crate::tui::editor::{Edit, Editor};
use crate::tui::keymap::{Key, Lookup};
use crate::tui::text as t;

/// One condition of the checklist, as the pane shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionRow {
    pub id: String,
    pub label: String,
    pub help: String,
    /// The catalogue's confidence in the wording (`V`, `I`, `U`) and what it says was not at hand.
    pub confidence: String,
    pub note: Option<String>,
    pub check: Option<Check>,
    pub suggestion: Option<Suggestion>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaneRow {
    Heading(String),
    Condition(Box<ConditionRow>),
}

/// The checklist overlay's state: built from the store when it opens and after each change, so
/// rendering only reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistPane {
    /// The records the assessments are set on (the marked ones, or the one shown); the rows are
    /// the first one's.
    pub targets: Vec<RecordRef>,
    /// Who the first target is, as the title names it (`Solbakken/2024-017`).
    pub record: String,
    pub rows: Vec<PaneRow>,
    /// Index into `rows`, always on a condition.
    pub cursor: usize,
    /// A complaint without its protocol: the § 10-7 conditions are offered.
    pub assumed: bool,
}

impl ChecklistPane {
    pub fn current(&self) -> Option<&ConditionRow> {
        match self.rows.get(self.cursor) {
            Some(PaneRow::Condition(c)) => Some(c),
            _ => None,
        }
    }

    fn conditions(&self) -> impl Iterator<Item = (usize, &ConditionRow)> {
        self.rows.iter().enumerate().filter_map(|(i, r)| match r {
            PaneRow::Condition(c) => Some((i, &**c)),
            PaneRow::Heading(_) => None,
        })
    }

    /// Assessed, all, and suggestions waiting.
    pub fn progress(&self) -> (usize, usize, usize) {
        let (mut done, mut total, mut waiting) = (0, 0, 0);
        for (_, c) in self.conditions() {
            total += 1;
            done += usize::from(c.check.is_some());
            waiting += usize::from(c.suggestion.is_some());
        }
        (done, total, waiting)
    }

    fn step(&mut self, forward: bool) {
        let next = if forward {
            self.conditions().map(|(i, _)| i).find(|&i| i > self.cursor)
        } else {
            self.conditions()
                .map(|(i, _)| i)
                .filter(|&i| i < self.cursor)
                .last()
        };
        if let Some(i) = next {
            self.cursor = i;
        }
    }
}

impl App {
    /// The checklist of `targets` (the first one's conditions), the cursor on `at` if it is
    /// still there, else on the first condition.
    pub(super) fn checklist_pane(
        &self,
        targets: Vec<RecordRef>,
        at: Option<&str>,
    ) -> Option<ChecklistPane> {
        let first = *targets.first()?;
        // Unreadable: the caller says so; nothing is shown that could be wrong.
        let loaded = Loaded::read(&self.store, first).ok()?;
        let list = loaded.checklist(&self.catalogue);
        let suggestions = loaded.suggestions(&self.catalogue, &list, self.rules());
        let mut rows = Vec::new();
        for group in &list.groups {
            rows.push(PaneRow::Heading(t::group_label(group.of)));
            for entry in &group.entries {
                let condition = entry.condition;
                rows.push(PaneRow::Condition(Box::new(ConditionRow {
                    id: entry.id.clone(),
                    label: entry.label().to_string(),
                    help: condition.map(|c| c.help.clone()).unwrap_or_default(),
                    confidence: condition.map(|c| c.confidence.clone()).unwrap_or_default(),
                    note: condition.and_then(|c| c.note.clone()),
                    check: loaded.review.checklist.get(&entry.id).cloned(),
                    suggestion: suggestions
                        .iter()
                        .find(|s| s.condition == entry.id)
                        .cloned(),
                })));
            }
        }
        let mut pane = ChecklistPane {
            targets,
            record: self.record_name(first),
            rows,
            cursor: 0,
            assumed: list.assumed,
        };
        let wanted = at.and_then(|id| pane.conditions().find(|(_, c)| c.id == id).map(|(i, _)| i));
        pane.cursor = wanted
            .or_else(|| pane.conditions().map(|(i, _)| i).next())
            .unwrap_or(0);
        Some(pane)
    }

    /// Opens the checklist of the records the inspector works on.
    pub(super) fn open_checklist(&mut self, targets: Vec<RecordRef>) {
        match self.checklist_pane(targets, None) {
            Some(pane) => self.overlay = Some(Overlay::Checklist(pane)),
            None => self.say(MessageKind::Error, t::CHECKLIST_UNREADABLE),
        }
    }

    /// Reopens the pane after a change, on the condition given.
    fn reopen(&mut self, targets: Vec<RecordRef>, at: Option<String>) {
        if let Some(pane) = self.checklist_pane(targets, at.as_deref()) {
            self.overlay = Some(Overlay::Checklist(pane));
        }
    }

    pub(super) fn checklist_key(&mut self, mut pane: ChecklistPane, key: Key) {
        self.pending.push(key);
        let action = match self.keymap.lookup(Mode::Checklist, &self.pending) {
            Lookup::Action(a) => a,
            Lookup::Pending => {
                self.overlay = Some(Overlay::Checklist(pane));
                return;
            }
            Lookup::None => {
                self.pending.clear();
                self.overlay = Some(Overlay::Checklist(pane));
                return;
            }
        };
        self.pending.clear();
        let assessment = match action {
            Action::AssessMet => Some(Assessment::Oppfylt),
            Action::AssessNotMet => Some(Assessment::IkkeOppfylt),
            Action::AssessUnassessable => Some(Assessment::IkkeVurderbar),
            Action::AssessNotApplicable => Some(Assessment::IkkeAktuelt),
            _ => None,
        };
        let Some(row) = pane.current().cloned() else {
            // A checklist without conditions: only closing makes sense.
            if action != Action::Back {
                self.overlay = Some(Overlay::Checklist(pane));
            }
            return;
        };
        if let Some(assessment) = assessment {
            // The reason stays with the condition: the inspector changed their mind about the
            // assessment, not necessarily about what they wrote.
            let reason = row.check.as_ref().and_then(|c| c.reason.clone());
            let check = Check { assessment, reason };
            self.set_check(&pane, &row.id, Some(check));
            pane.step(true);
            let at = pane.current().map(|c| c.id.clone());
            self.reopen(pane.targets, at);
            return;
        }
        match action {
            Action::Back => {}
            Action::MoveDown => {
                pane.step(true);
                self.overlay = Some(Overlay::Checklist(pane));
            }
            Action::MoveUp => {
                pane.step(false);
                self.overlay = Some(Overlay::Checklist(pane));
            }
            Action::ClearAssessment => {
                self.set_check(&pane, &row.id, None);
                self.reopen(pane.targets, Some(row.id));
            }
            Action::AcceptSuggestion => match &row.suggestion {
                Some(s) => {
                    self.set_check(&pane, &row.id, Some(s.check()));
                    pane.step(true);
                    let at = pane.current().map(|c| c.id.clone());
                    self.reopen(pane.targets, at);
                }
                None => {
                    self.say(MessageKind::Info, t::CHECKLIST_NO_SUGGESTION);
                    self.overlay = Some(Overlay::Checklist(pane));
                }
            },
            Action::ConditionReason => match &row.check {
                Some(check) => {
                    let text = check.reason.clone().unwrap_or_default();
                    self.overlay = Some(Overlay::ConditionReason {
                        editor: Editor::with_text(&text, true),
                        pane,
                    });
                }
                None => {
                    let keys = [
                        Action::AssessMet,
                        Action::AssessNotMet,
                        Action::AssessUnassessable,
                        Action::AssessNotApplicable,
                    ]
                    .map(|a| self.key(Mode::Checklist, a))
                    .join("/");
                    self.say(MessageKind::Info, t::checklist_assess_first(&keys));
                    self.overlay = Some(Overlay::Checklist(pane));
                }
            },
            Action::Undo => {
                let at = Some(row.id.clone());
                self.undo();
                self.reopen(pane.targets, at);
            }
            _ => self.overlay = Some(Overlay::Checklist(pane)),
        }
    }

    /// The reason editor over the checklist: saved with the condition's assessment.
    pub(super) fn condition_reason_key(
        &mut self,
        mut editor: Editor,
        pane: ChecklistPane,
        key: Key,
    ) {
        match editor.key(key) {
            Edit::Submit => {
                if let Some(row) = pane.current().cloned() {
                    if let Some(check) = &row.check {
                        let text = editor.text().trim().to_string();
                        let check = Check {
                            assessment: check.assessment,
                            reason: (!text.is_empty()).then_some(text),
                        };
                        if !self.set_check(&pane, &row.id, Some(check)) {
                            self.keep_editing(Overlay::ConditionReason { editor, pane });
                            return;
                        }
                    }
                    self.reopen(pane.targets, Some(row.id));
                }
            }
            Edit::Cancel => {
                self.say(MessageKind::Info, t::CANCELLED);
                self.overlay = Some(Overlay::Checklist(pane));
            }
            _ => self.overlay = Some(Overlay::ConditionReason { editor, pane }),
        }
    }

    /// Whether the assessment was stored.
    fn set_check(&mut self, pane: &ChecklistPane, condition: &str, check: Option<Check>) -> bool {
        let changes = pane
            .targets
            .iter()
            .map(|r| (*r, Change::Check(condition.to_string(), check.clone())))
            .collect();
        self.apply(changes, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, checked: bool) -> PaneRow {
        PaneRow::Condition(Box::new(ConditionRow {
            id: id.into(),
            label: id.into(),
            help: String::new(),
            confidence: "V".into(),
            note: None,
            check: checked.then(|| Check::new(Assessment::Oppfylt)),
            suggestion: None,
        }))
    }

    #[test]
    fn the_cursor_steps_over_headings_and_stops_at_the_ends() {
        let mut pane = ChecklistPane {
            targets: Vec::new(),
            record: "x".into(),
            rows: vec![
                PaneRow::Heading("§ 10-7".into()),
                row("a", true),
                PaneRow::Heading("Felles".into()),
                row("b", false),
            ],
            cursor: 1,
            assumed: false,
        };
        pane.step(true);
        assert_eq!(pane.cursor, 3);
        pane.step(true);
        assert_eq!(pane.cursor, 3);
        pane.step(false);
        assert_eq!(pane.cursor, 1);
        pane.step(false);
        assert_eq!(pane.cursor, 1);
        assert_eq!(pane.progress(), (1, 2, 0));
    }
}
