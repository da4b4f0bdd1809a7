//! The named actions keys are bound to. Their snake_case names are what keymap files bind and
//! what the `:` command line accepts.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    CommandLine,
    Undo,
    MoveDown,
    MoveUp,
    PageDown,
    PageUp,
    GoTop,
    GoBottom,
    Open,
    Back,
    ToggleView,
    ToggleMark,
    VisualMark,
    ClearMarks,
    SortNext,
    SortReverse,
    Filter,
    ClearFilter,
    Decide,
    FollowUp,
    StatusMenu,
    Classify,
    Annotate,
    Remark,
    Tag,
    NextItem,
    PrevItem,
    OpenStats,
    NextTab,
    PrevTab,
    TogglePeriod,
    Search,
    SearchNext,
    SearchPrev,
    /// Show (or hide again) the fødselsnummer in the record shown; written to the audit log.
    Reveal,
    /// The review sessions: resume one, start one, leave.
    Sessions,
    /// Show (or hide) the text of the document the record was read from.
    ShowOriginal,
    /// The reading of a document checked against the original (again: not checked).
    ReadingChecked,
    /// Correct a field read from a document; the value as read is kept beside it.
    CorrectField,
    /// Link a complaint to the protocol it concerns, picked from its institution's protocols.
    LinkProtocol,
}

impl Action {
    pub const ALL: [Action; 42] = [
        Action::Quit,
        Action::Help,
        Action::CommandLine,
        Action::Undo,
        Action::MoveDown,
        Action::MoveUp,
        Action::PageDown,
        Action::PageUp,
        Action::GoTop,
        Action::GoBottom,
        Action::Open,
        Action::Back,
        Action::ToggleView,
        Action::ToggleMark,
        Action::VisualMark,
        Action::ClearMarks,
        Action::SortNext,
        Action::SortReverse,
        Action::Filter,
        Action::ClearFilter,
        Action::Decide,
        Action::FollowUp,
        Action::StatusMenu,
        Action::Classify,
        Action::Annotate,
        Action::Remark,
        Action::Tag,
        Action::NextItem,
        Action::PrevItem,
        Action::OpenStats,
        Action::NextTab,
        Action::PrevTab,
        Action::TogglePeriod,
        Action::Search,
        Action::SearchNext,
        Action::SearchPrev,
        Action::Reveal,
        Action::Sessions,
        Action::ShowOriginal,
        Action::ReadingChecked,
        Action::CorrectField,
        Action::LinkProtocol,
    ];

    pub fn name(self) -> String {
        crate::review::json_name(&self)
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// The screens (keymap sections) keys are bound in. `global` applies on every screen unless the
/// screen binds the same key itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Global,
    Queue,
    Detail,
    Stats,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Global, Mode::Queue, Mode::Detail, Mode::Stats];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Global => "global",
            Mode::Queue => "queue",
            Mode::Detail => "detail",
            Mode::Stats => "stats",
        }
    }

    pub fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_name_that_reads_back() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(&a.name()), Some(a));
        }
        assert_eq!(Action::CommandLine.name(), "command_line");
    }
}
