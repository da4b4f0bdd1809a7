//! The `:` commands as one table (the shape of helix's `TypableCommand`): its entries are what
//! the command line dispatches, what the help screen lists, and what "unknown command, did you
//! mean …" suggests from. An action of the keymap is a command too (`:decide`), by its name.

use super::{App, MessageKind};
use crate::model::Outcome;
use crate::queue::{Column, Sort};
use crate::review::{Change, RecordKind, Status};
use crate::tui::action::Action;
use crate::tui::text as t;

pub struct TypableCommand {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// Lines of the help screen: how it is written, what it does (from the wording module).
    pub help: &'static [(&'static str, &'static str)],
    /// Refused without arguments (with its usage), unless an action of the same name runs.
    pub needs_args: bool,
    /// Runs it: the app, the name it was called by, its arguments (trimmed).
    pub run: fn(&mut App, &str, &str),
}

pub const COMMANDS: &[TypableCommand] = &[
    TypableCommand {
        name: "filter",
        aliases: &[],
        help: &[t::CMD_FILTER],
        needs_args: false,
        run: |app, _, args| app.command_filter(args),
    },
    TypableCommand {
        name: "save_filter",
        aliases: &[],
        help: &[t::CMD_SAVE_FILTER],
        needs_args: true,
        run: |app, _, args| app.command_save_filter(args),
    },
    TypableCommand {
        name: "load_filter",
        aliases: &[],
        help: &[t::CMD_LOAD_FILTER],
        needs_args: false,
        run: |app, name, args| app.saved_filter(name, args),
    },
    TypableCommand {
        name: "filters",
        aliases: &[],
        help: &[t::CMD_FILTERS],
        needs_args: false,
        run: |app, name, args| app.saved_filter(name, args),
    },
    TypableCommand {
        name: "delete_filter",
        aliases: &[],
        help: &[t::CMD_DELETE_FILTER],
        needs_args: false,
        run: |app, name, args| app.saved_filter(name, args),
    },
    TypableCommand {
        name: "sort",
        aliases: &[],
        help: &[t::CMD_SORT],
        needs_args: false,
        run: |app, _, args| app.command_sort(args),
    },
    TypableCommand {
        name: "status",
        aliases: &[],
        help: &[t::CMD_STATUS],
        needs_args: false,
        run: |app, _, args| app.command_status(args),
    },
    TypableCommand {
        name: "outcome",
        aliases: &[],
        help: &[t::CMD_OUTCOME],
        needs_args: false,
        run: |app, _, args| app.command_outcome(args),
    },
    TypableCommand {
        name: t::CMD_DECIDED_ON_NAME,
        aliases: &["decided-on", "decided_on"],
        help: &[t::CMD_DECIDED_ON],
        needs_args: true,
        run: |app, _, args| app.command_decided_on(args),
    },
    TypableCommand {
        name: t::CMD_DECIDED_BY_NAME,
        aliases: &["decided-by", "decided_by", "avgjort_av"],
        help: &[t::CMD_DECIDED_BY],
        needs_args: false,
        run: |app, _, args| app.command_decided_by(args),
    },
    TypableCommand {
        name: "begrunnelse",
        aliases: &["reasons"],
        help: &[t::CMD_REASONS],
        needs_args: false,
        run: |app, _, _| app.reasons_editor(),
    },
    TypableCommand {
        name: "vedtaksbrev",
        aliases: &["brev", "letter"],
        help: &[t::CMD_LETTER],
        needs_args: false,
        run: |app, _, args| app.command_letter(args),
    },
    TypableCommand {
        name: "provision",
        aliases: &[],
        help: &[t::CMD_PROVISION],
        needs_args: false,
        run: |app, name, args| app.command_correct(name, args),
    },
    TypableCommand {
        name: "kind",
        aliases: &[],
        help: &[t::CMD_KIND],
        needs_args: false,
        run: |app, name, args| app.command_correct(name, args),
    },
    TypableCommand {
        name: "tag",
        aliases: &[],
        help: &[t::CMD_TAG],
        needs_args: true,
        run: |app, _, args| app.command_tag(Change::AddTag(args.to_string())),
    },
    TypableCommand {
        name: "untag",
        aliases: &[],
        help: &[t::CMD_UNTAG],
        needs_args: true,
        run: |app, _, args| app.command_tag(Change::RemoveTag(args.to_string())),
    },
    TypableCommand {
        name: "export-stats",
        aliases: &["export_stats"],
        help: &[t::CMD_EXPORT_STATS],
        needs_args: false,
        run: |app, _, args| app.export_stats(args),
    },
    TypableCommand {
        name: "import",
        aliases: &[],
        help: &[t::CMD_IMPORT],
        needs_args: true,
        run: |app, _, args| app.start_import(args),
    },
    TypableCommand {
        name: "session",
        aliases: &[],
        help: t::CMD_SESSION,
        needs_args: false,
        run: |app, _, args| app.session_command(args),
    },
    TypableCommand {
        name: "q",
        aliases: &["quit"],
        help: &[t::CMD_QUIT],
        needs_args: false,
        run: |app, _, _| app.quit = true,
    },
];

/// The command a name (or alias) calls.
pub fn find(name: &str) -> Option<&'static TypableCommand> {
    COMMANDS
        .iter()
        .find(|c| c.name == name || c.aliases.contains(&name))
}

/// The command or action name closest to a mistyped one (at most two edits away), if any.
pub fn suggest(typed: &str) -> Option<String> {
    let names = COMMANDS
        .iter()
        .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()))
        .map(str::to_string)
        .chain(Action::ALL.iter().map(|a| a.name()));
    names
        .map(|n| (edit_distance(typed, &n), n))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, n)| n)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

impl App {
    fn command_filter(&mut self, args: &str) {
        let mut f = self.view.filter.clone();
        match f.apply_text(args) {
            Ok(()) => {
                self.view.filter = f;
                self.refresh();
                self.say(MessageKind::Info, t::filtered(self.view.visible.len()));
            }
            Err(e) => self.say(MessageKind::Error, t::filter_error(&e)),
        }
    }

    fn command_save_filter(&mut self, name: &str) {
        let value = serde_json::to_value(&self.view.filter).unwrap_or_default();
        match self.store.save_filter(name, Some(&value)) {
            Ok(()) => self.say(MessageKind::Saved, t::filter_saved(name)),
            Err(e) => self.say(MessageKind::Error, t::not_saved(&e.to_string())),
        }
    }

    fn command_sort(&mut self, args: &str) {
        let mut words = args.split_whitespace();
        match words.next().and_then(Column::from_name) {
            Some(column) => {
                let descending = words.next() == Some("desc");
                self.view.sort = Sort { column, descending };
                self.refresh();
            }
            None => self.say(MessageKind::Error, t::sort_usage()),
        }
    }

    fn command_status(&mut self, args: &str) {
        match Status::from_name(args) {
            Some(s) => {
                let targets = self.targets();
                self.set_status(&targets, s, false)
            }
            None => self.say(MessageKind::Error, t::unknown_value("status", args)),
        }
    }

    fn command_outcome(&mut self, args: &str) {
        match serde_json::from_value::<Outcome>(serde_json::Value::String(args.into())) {
            Ok(o) => {
                let targets = self.targets();
                self.decide_complaints(&targets, o, false);
            }
            Err(_) => self.say(MessageKind::Error, t::unknown_value("outcome", args)),
        }
    }

    /// `:vedtaksdato DATO`: the decision day of the targeted complaints, each checked against
    /// today and the day it was received; refused (nothing changed) if one of them fails.
    fn command_decided_on(&mut self, args: &str) {
        let Some(day) = crate::time::parse_written_date(args.trim()) else {
            self.say(MessageKind::Error, t::not_a_date(args));
            return;
        };
        let targets: Vec<_> = self
            .targets()
            .into_iter()
            .filter(|r| r.kind == RecordKind::Complaint)
            .collect();
        if targets.is_empty() {
            self.say(MessageKind::Info, t::DECIDED_ON_ONLY_COMPLAINTS);
            return;
        }
        let today = self.today();
        let mut changes = Vec::new();
        for r in targets {
            let Some(row) = self.queue.row_of(r).map(|i| &self.queue.rows[i]) else {
                continue;
            };
            if row.outcome.is_none() {
                self.say(MessageKind::Error, t::DECIDED_ON_NEEDS_OUTCOME);
                return;
            }
            if let Err(e) = crate::decision::check_day(day, row.received, today) {
                self.say(MessageKind::Error, t::decided_on_refused(&e));
                return;
            }
            // A decision imported without the inspector's outcome becomes the inspector's.
            if self.store.review(r).ok().and_then(|v| v.outcome).is_none() {
                changes.push((r, Change::Outcome(row.outcome)));
            }
            changes.push((r, Change::DecidedOn(Some(day))));
        }
        self.propose(changes, false);
    }

    /// `:avgjort-av NAVN`: who decided the targeted complaints (empty: no one named).
    fn command_decided_by(&mut self, args: &str) {
        let name = (!args.trim().is_empty()).then(|| args.trim().to_string());
        let changes: Vec<_> = self
            .targets()
            .into_iter()
            .filter(|r| r.kind == RecordKind::Complaint)
            .map(|r| (r, Change::DecidedBy(name.clone())))
            .collect();
        self.propose(changes, false);
    }

    /// `:provision` and `:kind`: the corrected value of the targeted protocols (empty: none).
    fn command_correct(&mut self, name: &str, args: &str) {
        let value = (!args.is_empty()).then(|| args.to_string());
        if let (Some(v), "provision") = (&value, name) {
            if self.catalogue.resolve_provision(v).is_none() {
                self.say(MessageKind::Error, t::unknown_provision(v));
                return;
            }
        }
        let changes = self
            .targets()
            .iter()
            .filter(|r| r.kind == RecordKind::Protocol)
            .map(|r| {
                let c = if name == "provision" {
                    Change::CorrectedProvision(value.clone())
                } else {
                    Change::CorrectedKind(value.clone())
                };
                (*r, c)
            })
            .collect();
        self.propose(changes, false);
    }

    fn command_tag(&mut self, change: Change) {
        let changes = self
            .targets()
            .iter()
            .map(|r| (*r, change.clone()))
            .collect();
        self.propose(changes, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique_and_every_command_has_help() {
        let mut seen = std::collections::BTreeSet::new();
        for c in COMMANDS {
            for name in std::iter::once(c.name).chain(c.aliases.iter().copied()) {
                assert!(seen.insert(name), "{name} twice");
            }
            assert!(!c.help.is_empty(), "{} has no help", c.name);
        }
    }

    #[test]
    fn mistyped_names_get_the_nearest() {
        assert_eq!(suggest("fitler").as_deref(), Some("filter"));
        assert_eq!(suggest("sesion").as_deref(), Some("session"));
        assert_eq!(suggest("decde").as_deref(), Some("decide"));
        assert_eq!(suggest("xyzzy"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
