//! A small text editor for notes (many lines) and the command line (one line).
//!
//! tui-textarea 0.7 pins ratatui 0.29 and tui-input is single-line, so tvang keeps its own:
//! insert, delete, move by character, line, word start and end; positions count characters, so
//! æøå behave as one.

use super::keymap::{Key, KeyCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub lines: Vec<String>,
    /// Cursor line.
    pub row: usize,
    /// Cursor position in characters within the line.
    pub col: usize,
    pub multiline: bool,
}

/// What a key did to the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Changed,
    Moved,
    /// Enter on a single line, or ctrl-s: the text is done.
    Submit,
    Cancel,
    Ignored,
}

impl Editor {
    pub fn new(multiline: bool) -> Editor {
        Editor {
            lines: vec![String::new()],
            row: 0,
            col: 0,
            multiline,
        }
    }

    pub fn with_text(text: &str, multiline: bool) -> Editor {
        let mut e = Editor::new(multiline);
        e.insert_str(text);
        e
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(|l| l.trim().is_empty())
    }

    fn byte_at(line: &str, col: usize) -> usize {
        line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
    }

    fn line_len(&self) -> usize {
        self.lines[self.row].chars().count()
    }

    pub fn insert_str(&mut self, text: &str) {
        for c in text.chars() {
            if c == '\n' && self.multiline {
                self.newline();
            } else if c != '\n' && c != '\r' {
                self.insert(c);
            }
        }
    }

    fn insert(&mut self, c: char) {
        let at = Editor::byte_at(&self.lines[self.row], self.col);
        self.lines[self.row].insert(at, c);
        self.col += 1;
    }

    fn newline(&mut self) {
        let at = Editor::byte_at(&self.lines[self.row], self.col);
        let rest = self.lines[self.row].split_off(at);
        self.lines.insert(self.row + 1, rest);
        self.row += 1;
        self.col = 0;
    }

    fn backspace(&mut self) -> bool {
        if self.col > 0 {
            let line = &mut self.lines[self.row];
            let at = Editor::byte_at(line, self.col - 1);
            line.remove(at);
            self.col -= 1;
            true
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = self.line_len();
            self.lines[self.row].push_str(&line);
            true
        } else {
            false
        }
    }

    fn delete(&mut self) -> bool {
        if self.col < self.line_len() {
            let line = &mut self.lines[self.row];
            let at = Editor::byte_at(line, self.col);
            line.remove(at);
            true
        } else if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            self.lines[self.row].push_str(&next);
            true
        } else {
            false
        }
    }

    /// Handles one key press.
    pub fn key(&mut self, key: Key) -> Edit {
        if key.ctrl {
            return match key.code {
                KeyCode::Char('s') => Edit::Submit,
                KeyCode::Char('a') => {
                    self.col = 0;
                    Edit::Moved
                }
                KeyCode::Char('e') => {
                    self.col = self.line_len();
                    Edit::Moved
                }
                KeyCode::Char('u') => {
                    let at = Editor::byte_at(&self.lines[self.row], self.col);
                    self.lines[self.row].replace_range(..at, "");
                    self.col = 0;
                    Edit::Changed
                }
                _ => Edit::Ignored,
            };
        }
        match key.code {
            KeyCode::Char(c) => {
                self.insert(c);
                Edit::Changed
            }
            KeyCode::Enter if self.multiline => {
                self.newline();
                Edit::Changed
            }
            KeyCode::Enter => Edit::Submit,
            KeyCode::Esc => Edit::Cancel,
            KeyCode::Tab => {
                self.insert_str("  ");
                Edit::Changed
            }
            KeyCode::Backspace => {
                if self.backspace() {
                    Edit::Changed
                } else {
                    Edit::Ignored
                }
            }
            KeyCode::Delete => {
                if self.delete() {
                    Edit::Changed
                } else {
                    Edit::Ignored
                }
            }
            KeyCode::Left if self.col > 0 => {
                self.col -= 1;
                Edit::Moved
            }
            KeyCode::Left if self.row > 0 => {
                self.row -= 1;
                self.col = self.line_len();
                Edit::Moved
            }
            KeyCode::Right if self.col < self.line_len() => {
                self.col += 1;
                Edit::Moved
            }
            KeyCode::Right if self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = 0;
                Edit::Moved
            }
            KeyCode::Up if self.row > 0 => {
                self.row -= 1;
                self.col = self.col.min(self.line_len());
                Edit::Moved
            }
            KeyCode::Down if self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = self.col.min(self.line_len());
                Edit::Moved
            }
            KeyCode::Home => {
                self.col = 0;
                Edit::Moved
            }
            KeyCode::End => {
                self.col = self.line_len();
                Edit::Moved
            }
            _ => Edit::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(e: &mut Editor, text: &str) {
        for c in text.chars() {
            let key = if c == '\n' {
                Key::plain(KeyCode::Enter)
            } else {
                Key::ch(c)
            };
            e.key(key);
        }
    }

    #[test]
    fn types_lines_with_norwegian_letters_and_edits_them() {
        let mut e = Editor::new(true);
        typed(&mut e, "Barnet ble holdt på gulvet.\nÅ se: ærlig");
        assert_eq!(e.text(), "Barnet ble holdt på gulvet.\nÅ se: ærlig");
        assert_eq!((e.row, e.col), (1, 11));
        e.key(Key::plain(KeyCode::Backspace));
        e.key(Key::plain(KeyCode::Home));
        e.key(Key::plain(KeyCode::Delete));
        assert_eq!(e.lines[1], " se: ærli");
        e.key(Key::plain(KeyCode::Backspace)); // joins with the line above
        assert_eq!(e.lines.len(), 1);
        assert_eq!(e.text(), "Barnet ble holdt på gulvet. se: ærli");
        assert_eq!(e.key(Key::plain(KeyCode::Esc)), Edit::Cancel);
        let save = Key {
            ctrl: true,
            ..Key::ch('s')
        };
        assert_eq!(e.key(save), Edit::Submit);
    }

    #[test]
    fn a_single_line_submits_on_enter() {
        let mut e = Editor::with_text("filter status=ny", false);
        assert_eq!(e.key(Key::plain(KeyCode::Enter)), Edit::Submit);
        assert_eq!(e.lines.len(), 1);
        e.insert_str("a\nb");
        assert_eq!(e.text(), "filter status=nyab");
    }
}
