//! The named actions keys are bound to. Their snake_case names are what keymap files bind and
//! what the `:` command line accepts.

use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::VariantArray,
)]
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
    /// The statistics as they may be published: small counts hidden, and what would let them
    /// be worked out ([`crate::stats::suppression`]).
    ToggleSuppression,
    /// Which date counts: each record's own, the incident, the day received, the day decided.
    NextDateBasis,
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
    /// The checklist: the condition under the cursor is met (oppfylt).
    AssessMet,
    /// … not met (ikke oppfylt).
    AssessNotMet,
    /// … cannot be assessed for want of documentation (ikke vurderbar).
    AssessUnassessable,
    /// … does not apply (ikke aktuelt).
    AssessNotApplicable,
    /// … back to not assessed.
    ClearAssessment,
    /// Write the reason for the condition's assessment.
    ConditionReason,
    /// Take the suggestion from the protocol's facts for the condition, with its reason.
    AcceptSuggestion,
}

impl Action {
    /// Every variant in declaration order, derived: a new variant is in it.
    pub const ALL: &'static [Action] = <Action as strum::VariantArray>::VARIANTS;

    pub fn name(self) -> String {
        crate::review::json_name(&self)
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }
}

/// The screens (keymap sections) keys are bound in. `global` applies on every screen unless the
/// screen binds the same key itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, strum::VariantArray)]
pub enum Mode {
    Global,
    Queue,
    Detail,
    Stats,
    /// The checklist of a record's conditions.
    Checklist,
}

impl Mode {
    /// Every variant in declaration order, derived: a new variant is in it.
    pub const ALL: &'static [Mode] = <Mode as strum::VariantArray>::VARIANTS;

    pub fn name(self) -> &'static str {
        match self {
            Mode::Global => "global",
            Mode::Queue => "queue",
            Mode::Detail => "detail",
            Mode::Stats => "stats",
            Mode::Checklist => "checklist",
        }
    }

    pub fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.iter().copied().find(|m| m.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_name_that_reads_back() {
        for a in Action::ALL.iter().copied() {
            assert_eq!(Action::from_name(&a.name()), Some(a));
        }
        assert_eq!(Action::CommandLine.name(), "command_line");
    }
}
