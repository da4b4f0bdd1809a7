//! Keymaps: TOML files that bind key sequences to actions, per screen.
//!
//! ```toml
//! [queue]
//! move_down = { keys = ["j", "down"], desc = "Neste rad" }
//! go_top = ["g g"]        # a sequence: g, then g
//! visual_mark = []        # unbound
//! ```
//!
//! The built-in `keymaps/default.toml` is loaded first; a user file overrides it action by
//! action (its keys replace the default keys of that action on that screen; the description is
//! kept unless given). A file with an unknown screen or action, a key tvang cannot read, or one key
//! bound to two actions on one screen is refused with its file, line and key: the TUI does not
//! start on a keymap that would silently do something else than its author meant.

use super::action::{Action, Mode};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The built-in keymap.
pub const DEFAULT: &str = include_str!("../../keymaps/default.toml");
const BUILT_IN_NAME: &str = "keymaps/default.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// One key press. Characters carry their case (`G` is shift-g), so `shift` is set only for
/// keys without one (`shift-down`, `shift-f3`; `shift-tab` is [`KeyCode::BackTab`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
            shift: false,
        }
    }

    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    /// Reads `j`, `G`, `ctrl-d`, `alt-x`, `shift-tab`, `enter`, `space`, `f5`, `<`, `-`.
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut shift = false;
        let mut rest = text;
        // A lone `-` is the minus key, not a modifier separator.
        while let Some((modifier, tail)) = rest.split_once('-').filter(|(_, t)| !t.is_empty()) {
            match modifier.to_ascii_lowercase().as_str() {
                "ctrl" | "c" => ctrl = true,
                "alt" | "a" | "m" => alt = true,
                "shift" | "s" => shift = true,
                _ => return Err(format!("ukjent modifikator «{modifier}»")),
            }
            rest = tail;
        }
        let named = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" | "cr" => Some(KeyCode::Enter),
            "esc" | "escape" => Some(KeyCode::Esc),
            "tab" if shift => Some(KeyCode::BackTab),
            "tab" => Some(KeyCode::Tab),
            "backtab" => Some(KeyCode::BackTab),
            "backspace" | "bs" => Some(KeyCode::Backspace),
            "delete" | "del" => Some(KeyCode::Delete),
            "up" => Some(KeyCode::Up),
            "down" => Some(KeyCode::Down),
            "left" => Some(KeyCode::Left),
            "right" => Some(KeyCode::Right),
            "home" => Some(KeyCode::Home),
            "end" => Some(KeyCode::End),
            "pageup" | "pgup" => Some(KeyCode::PageUp),
            "pagedown" | "pgdn" => Some(KeyCode::PageDown),
            "space" => Some(KeyCode::Char(' ')),
            "minus" => Some(KeyCode::Char('-')),
            f if f.len() > 1 && f.starts_with('f') => f[1..]
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=24).contains(n))
                .map(KeyCode::F),
            _ => None,
        };
        let (code, shift) = match named {
            Some(KeyCode::Char(c)) => (KeyCode::Char(c), false),
            Some(KeyCode::BackTab) => (KeyCode::BackTab, false),
            Some(code) => (code, shift),
            None => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_whitespace() && !c.is_control() => {
                        let c = if shift {
                            c.to_uppercase().next().unwrap_or(c)
                        } else {
                            c
                        };
                        (KeyCode::Char(c), false)
                    }
                    _ => return Err(format!("ukjent tast «{rest}»")),
                }
            }
        };
        Ok(Key {
            code,
            ctrl,
            alt,
            shift,
        })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        if self.shift {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pageup"),
            KeyCode::PageDown => f.write_str("pagedown"),
            KeyCode::F(n) => write!(f, "f{n}"),
        }
    }
}

/// A key sequence (`g g`).
pub type Sequence = Vec<Key>;

pub fn parse_sequence(text: &str) -> Result<Sequence, String> {
    let keys: Vec<Key> = text
        .split_whitespace()
        .map(Key::parse)
        .collect::<Result<_, _>>()?;
    if keys.is_empty() {
        return Err("tom tast".into());
    }
    Ok(keys)
}

pub fn show_sequence(seq: &[Key]) -> String {
    seq.iter().map(Key::to_string).collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub action: Action,
    pub keys: Vec<Sequence>,
    pub desc: String,
    /// Where the keys were set: `file:line`.
    pub origin: String,
}

/// What a key press did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Action(Action),
    /// The keys so far begin one or more sequences: wait for the next key.
    Pending,
    None,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    modes: BTreeMap<Mode, Vec<Binding>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    Io {
        file: String,
        message: String,
    },
    Syntax {
        file: String,
        message: String,
    },
    UnknownMode {
        file: String,
        line: usize,
        mode: String,
    },
    UnknownAction {
        file: String,
        line: usize,
        mode: String,
        action: String,
    },
    BadKey {
        file: String,
        line: usize,
        key: String,
        reason: String,
    },
    /// Not a list of keys nor a `{ keys, desc }` table.
    BadBinding {
        file: String,
        line: usize,
        action: String,
    },
    /// One key (sequence) bound to two actions on one screen.
    Duplicate {
        origin: String,
        mode: &'static str,
        key: String,
        first: Action,
        first_origin: String,
        second: Action,
    },
    /// A key bound alone and as the start of a sequence (`g` and `g g`) on one screen.
    Prefix {
        origin: String,
        mode: &'static str,
        key: String,
        sequence: String,
        other: Action,
    },
}

type RawFile = BTreeMap<String, BTreeMap<String, toml::Spanned<toml::Value>>>;

/// Keys and description of one binding: `["j", "down"]` or `{ keys = [...], desc = "..." }`.
fn read_binding(value: toml::Value) -> Option<(Vec<String>, Option<String>)> {
    let strings = |v: &toml::Value| -> Option<Vec<String>> {
        v.as_array()?
            .iter()
            .map(|k| k.as_str().map(str::to_string))
            .collect()
    };
    match &value {
        toml::Value::Array(_) => Some((strings(&value)?, None)),
        toml::Value::Table(t) => {
            if t.keys().any(|k| k != "keys" && k != "desc") {
                return None;
            }
            let desc = match t.get("desc") {
                Some(d) => Some(d.as_str()?.to_string()),
                None => None,
            };
            Some((strings(t.get("keys")?)?, desc))
        }
        _ => None,
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Keymap {
    /// The built-in keymap.
    pub fn built_in() -> Keymap {
        let mut k = Keymap::default();
        k.merge(DEFAULT, BUILT_IN_NAME)
            .expect("the built-in keymap is valid (tested)");
        k
    }

    /// The built-in keymap with a user file over it.
    pub fn with_file(path: &Path) -> Result<Keymap, KeymapError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| KeymapError::Io {
            file: file.clone(),
            message: crate::io_text::io_error(&e),
        })?;
        let mut k = Keymap::built_in();
        k.merge(&text, &file)?;
        Ok(k)
    }

    /// Applies a keymap file over this one, then checks the result.
    pub fn merge(&mut self, text: &str, file: &str) -> Result<(), KeymapError> {
        let raw: RawFile =
            toml::from_str(text).map_err(|e: toml::de::Error| KeymapError::Syntax {
                file: file.to_string(),
                message: crate::text::toml_error(text, e.message(), e.span()),
            })?;
        for (mode_name, bindings) in raw {
            let mut spans = bindings.values().map(|b| b.span().start);
            let Some(mode) = Mode::from_name(&mode_name) else {
                return Err(KeymapError::UnknownMode {
                    file: file.to_string(),
                    // The table header sits above its first binding.
                    line: spans
                        .next()
                        .map_or(1, |s| line_of(text, s).saturating_sub(1).max(1)),
                    mode: mode_name,
                });
            };
            // Apply in file order, so errors name the first problem a reader meets.
            let mut in_order: Vec<_> = bindings.into_iter().collect();
            in_order.sort_by_key(|(_, b)| b.span().start);
            for (action_name, spanned) in in_order {
                let line = line_of(text, spanned.span().start);
                let Some(action) = Action::from_name(&action_name) else {
                    return Err(KeymapError::UnknownAction {
                        file: file.to_string(),
                        line,
                        mode: mode_name.clone(),
                        action: action_name,
                    });
                };
                let (keys, desc) =
                    read_binding(spanned.into_inner()).ok_or_else(|| KeymapError::BadBinding {
                        file: file.to_string(),
                        line,
                        action: action_name.clone(),
                    })?;
                let keys = keys
                    .iter()
                    .map(|k| {
                        parse_sequence(k).map_err(|reason| KeymapError::BadKey {
                            file: file.to_string(),
                            line,
                            key: k.clone(),
                            reason,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let origin = format!("{file}:{line}");
                let list = self.modes.entry(mode).or_default();
                match list.iter_mut().find(|b| b.action == action) {
                    Some(b) => {
                        b.keys = keys;
                        b.origin = origin;
                        if let Some(d) = desc {
                            b.desc = d;
                        }
                    }
                    None => list.push(Binding {
                        action,
                        keys,
                        desc: desc.unwrap_or_else(|| action.name()),
                        origin,
                    }),
                }
            }
        }
        self.check()
    }

    /// No key twice on one screen, and no key that is also the start of a sequence.
    fn check(&self) -> Result<(), KeymapError> {
        for (mode, bindings) in &self.modes {
            let mut seen: BTreeMap<&[Key], &Binding> = BTreeMap::new();
            for b in bindings {
                for seq in &b.keys {
                    if let Some(first) = seen.get(seq.as_slice()) {
                        if first.action != b.action {
                            return Err(KeymapError::Duplicate {
                                origin: b.origin.clone(),
                                mode: mode.name(),
                                key: show_sequence(seq),
                                first: first.action,
                                first_origin: first.origin.clone(),
                                second: b.action,
                            });
                        }
                    }
                    seen.insert(seq, b);
                }
            }
            for (seq, b) in &seen {
                for len in 1..seq.len() {
                    if let Some(short) = seen.get(&seq[..len]) {
                        // Name the line of the user's file, not the built-in one.
                        let origin = if b.origin.starts_with(BUILT_IN_NAME) {
                            &short.origin
                        } else {
                            &b.origin
                        };
                        return Err(KeymapError::Prefix {
                            origin: origin.clone(),
                            mode: mode.name(),
                            key: show_sequence(&seq[..len]),
                            sequence: show_sequence(seq),
                            other: short.action,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The bindings of a screen, in file order.
    pub fn bindings(&self, mode: Mode) -> &[Binding] {
        self.modes.get(&mode).map(Vec::as_slice).unwrap_or(&[])
    }

    /// What `keys` (typed so far) mean on screen `mode`: the screen's own bindings first, then
    /// the global ones.
    pub fn lookup(&self, mode: Mode, keys: &[Key]) -> Lookup {
        let mut pending = false;
        for m in [mode, Mode::Global] {
            for b in self.bindings(m) {
                for seq in &b.keys {
                    if seq.as_slice() == keys {
                        return Lookup::Action(b.action);
                    }
                    if seq.len() > keys.len() && seq.starts_with(keys) {
                        pending = true;
                    }
                }
            }
            if pending {
                return Lookup::Pending;
            }
        }
        Lookup::None
    }

    /// The sequences that continue `keys` on a screen, with their bindings: the which-key hint.
    pub fn continuations(&self, mode: Mode, keys: &[Key]) -> Vec<(String, &Binding)> {
        let mut out = Vec::new();
        for m in [mode, Mode::Global] {
            for b in self.bindings(m) {
                for seq in &b.keys {
                    if seq.len() > keys.len() && seq.starts_with(keys) {
                        out.push((show_sequence(&seq[keys.len()..]), b));
                    }
                }
            }
        }
        out
    }

    /// The first key sequence bound to an action on a screen (or globally), for hints.
    pub fn key_for(&self, mode: Mode, action: Action) -> Option<String> {
        [mode, Mode::Global].into_iter().find_map(|m| {
            self.bindings(m)
                .iter()
                .find(|b| b.action == action)
                .and_then(|b| b.keys.first())
                .map(|s| show_sequence(s))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_notation() {
        assert_eq!(Key::parse("j"), Ok(Key::ch('j')));
        assert_eq!(Key::parse("G"), Ok(Key::ch('G')));
        assert_eq!(Key::parse("shift-g"), Ok(Key::ch('G')));
        assert_eq!(
            Key::parse("ctrl-d"),
            Ok(Key {
                code: KeyCode::Char('d'),
                ctrl: true,
                alt: false,
                shift: false
            })
        );
        assert_eq!(Key::parse("shift-tab"), Ok(Key::plain(KeyCode::BackTab)));
        assert_eq!(Key::parse("-"), Ok(Key::ch('-')));
        assert_eq!(Key::parse("space"), Ok(Key::ch(' ')));
        assert_eq!(Key::parse("f5"), Ok(Key::plain(KeyCode::F(5))));
        assert!(Key::parse("hyper-x").is_err());
        assert!(Key::parse("ctrl-minus").is_ok());
        assert!(Key::parse("ctrl-").is_err());
        assert!(Key::parse("jj").is_err());
        assert_ne!(Key::parse("shift-down"), Key::parse("down"));
        for text in [
            "ctrl-d",
            "alt-x",
            "shift-tab",
            "shift-f3",
            "space",
            "G",
            "pagedown",
            "f12",
        ] {
            assert_eq!(Key::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn the_built_in_keymap_binds_every_action_and_has_descriptions() {
        let k = Keymap::built_in();
        for action in Action::ALL.iter().copied() {
            let bound = Mode::ALL.iter().any(|m| {
                k.bindings(*m)
                    .iter()
                    .any(|b| b.action == action && !b.keys.is_empty())
            });
            assert!(bound, "{action:?} is not bound");
        }
        for m in Mode::ALL.iter().copied() {
            for b in k.bindings(m) {
                assert_ne!(b.desc, b.action.name(), "{:?} has no description", b.action);
            }
        }
    }

    #[test]
    fn lookup_sequences_and_screen_over_global() {
        let k = Keymap::built_in();
        assert_eq!(
            k.lookup(Mode::Queue, &[Key::ch('j')]),
            Lookup::Action(Action::MoveDown)
        );
        assert_eq!(k.lookup(Mode::Queue, &[Key::ch('g')]), Lookup::Pending);
        assert_eq!(
            k.lookup(Mode::Queue, &[Key::ch('g'), Key::ch('g')]),
            Lookup::Action(Action::GoTop)
        );
        assert_eq!(
            k.lookup(Mode::Queue, &[Key::ch('q')]),
            Lookup::Action(Action::Quit)
        );
        assert_eq!(
            k.lookup(Mode::Detail, &[Key::ch('q')]),
            Lookup::Action(Action::Back)
        );
        assert_eq!(k.lookup(Mode::Queue, &[Key::ch('§')]), Lookup::None);
        let hints = k.continuations(Mode::Queue, &[Key::ch('g')]);
        assert!(hints
            .iter()
            .any(|(rest, b)| rest == "g" && b.action == Action::GoTop));
    }

    #[test]
    fn a_user_file_overrides_per_action_and_unbinds_with_an_empty_list() {
        let mut k = Keymap::built_in();
        k.merge(
            "[queue]\nmove_down = [\"J\"]\nvisual_mark = []\n",
            "mine.toml",
        )
        .unwrap();
        assert_eq!(
            k.lookup(Mode::Queue, &[Key::ch('J')]),
            Lookup::Action(Action::MoveDown)
        );
        assert_eq!(k.lookup(Mode::Queue, &[Key::ch('j')]), Lookup::None);
        assert_eq!(k.lookup(Mode::Queue, &[Key::ch('v')]), Lookup::None);
        let b = k
            .bindings(Mode::Queue)
            .iter()
            .find(|b| b.action == Action::MoveDown)
            .unwrap();
        assert_eq!(b.origin, "mine.toml:2");
        assert_eq!(b.desc, "Neste rad", "keeps the built-in description");
    }

    #[test]
    fn the_arrows_keymap_is_valid() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/keymaps/arrows.toml");
        let k = Keymap::with_file(Path::new(path)).unwrap();
        assert_eq!(
            k.lookup(Mode::Queue, &[Key::plain(KeyCode::Down)]),
            Lookup::Action(Action::MoveDown)
        );
        assert_eq!(k.lookup(Mode::Queue, &[Key::ch('j')]), Lookup::None);
    }
}
