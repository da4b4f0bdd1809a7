//! `:vedtaksbrev [FIL]`: the decision letter of the complaint under the cursor (or in the detail
//! view), written as Word, or Markdown when the file ends in `.md`; by default
//! `vedtaksbrev-KLAGE-ID.docx` in the working folder, numbered when that file exists. As
//! revealing as the detail view: masked unless the inspector revealed the record there.

use super::{App, MessageKind};
use crate::letter::{self, Drafter, LetterFormat, LetterPrivacy, Template};
use crate::review::{RecordKind, RecordRef};
use crate::tui::text as t;
use std::path::{Path, PathBuf};
use std::sync::Arc;

impl App {
    /// The office's letter template (the config file's `letter_template`).
    pub fn set_letter_template(&mut self, template: Arc<Template>) {
        self.letter_template = template;
    }

    pub(super) fn command_letter(&mut self, path: &str) {
        let detail = self.screen.detail();
        let Some(record) = detail.map(|d| d.record).or_else(|| self.current()) else {
            return self.say(MessageKind::Info, t::LETTER_NO_RECORD);
        };
        let revealed = detail.is_some_and(|d| d.revealed);
        let complaint = match self.complaint_of(record) {
            Ok(Some(id)) => id,
            Ok(None) => return,
            Err(e) => return self.say(MessageKind::Error, t::not_saved(&e.to_string())),
        };
        let chosen = (!path.is_empty()).then(|| PathBuf::from(path));
        let format = match &chosen {
            None => LetterFormat::Docx,
            Some(p) => match LetterFormat::of_path(p) {
                Some(format) => format,
                None => return self.say(MessageKind::Error, t::LETTER_USAGE),
            },
        };
        let by = Drafter {
            author: &self.author,
            now: self.now(),
        };
        let privacy = if revealed {
            LetterPrivacy::Revealed
        } else {
            LetterPrivacy::Masked
        };
        let written = letter::draft(
            &self.store,
            &self.catalogue,
            &self.letter_template,
            complaint,
            privacy,
            by,
        )
        .and_then(|draft| {
            let path = chosen
                .clone()
                .unwrap_or_else(|| letter::free_path(Path::new(""), &draft, format));
            letter::write(&self.store, &draft, &path, format, false, by)?;
            self.store.flush()?;
            Ok((draft, path))
        });
        match written {
            Ok((draft, path)) => {
                let said = t::letter_written(
                    &path.display().to_string(),
                    format,
                    revealed,
                    draft.unassessed.len(),
                );
                self.say(MessageKind::Saved, said);
            }
            Err(e) => self.say(MessageKind::Error, t::not_saved(&e.to_string())),
        }
    }

    /// The complaint a letter is for: the record itself, or the protocol's one complaint.
    /// `None` when there is nothing to write, having said why.
    fn complaint_of(&mut self, record: RecordRef) -> Result<Option<u64>, crate::store::StoreError> {
        if record.kind == RecordKind::Complaint {
            return Ok(Some(record.id));
        }
        let Some(sp) = self.store.protocol(record.id)? else {
            return Ok(None);
        };
        let complaints = self.store.complaints_for_protocol(&sp.protocol)?;
        match complaints.as_slice() {
            [one] => Ok(Some(one.id)),
            [] => {
                self.say(MessageKind::Info, t::LETTER_NO_COMPLAINT);
                Ok(None)
            }
            several => {
                let ids: Vec<&str> = several
                    .iter()
                    .map(|c| c.complaint.complaint_id.as_str())
                    .collect();
                self.say(MessageKind::Info, t::letter_several(&ids));
                Ok(None)
            }
        }
    }
}
