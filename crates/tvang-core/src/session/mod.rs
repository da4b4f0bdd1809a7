//! Review sessions: named worklists an inspector works through across days and restarts.
//!
//! A session's items are fixed when it is made (records imported later are offered, never added
//! silently). What has been done to an item is not kept in the session but in the item's review
//! ([`crate::review`]): two sessions over the same record see the same decisions. The session
//! keeps only its own state: where the inspector was (filters, sort, cursor, scroll), the active
//! time spent, and whether it is closed.

use crate::review::{RecordKind, RecordRef, Status};
use crate::selection::{QueueFilter, Sort};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A pause longer than this is not counted as time spent on the session.
pub const IDLE_GAP: Duration = Duration::minutes(5);
/// The longest session name, in characters.
pub const NAME_MAX: usize = 60;

/// A session: its state and its worklist.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub state: SessionState,
    /// The worklist, in the order it was shown when the session was made.
    pub items: Vec<RecordRef>,
}

/// Everything of a session but its worklist: small, rewritten as the inspector works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// Protocols or complaints: a session's items are of one kind.
    pub kind: RecordKind,
    /// The filter the worklist was made from.
    pub filter: QueueFilter,
    /// The search that narrowed it further, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// The store's first unused record id when the session was made: records with this id or
    /// higher were imported later (and are offered, not added).
    pub first_later_id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    /// Time spent working in the session, in milliseconds, without idle gaps.
    #[serde(default)]
    pub active_ms: i64,
    /// The last key pressed in the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_activity: Option<DateTime<Utc>>,
    /// Where the inspector was: what resuming restores.
    #[serde(default)]
    pub view: SessionView,
}

/// The screen of a session as it was left.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionView {
    /// Filters applied within the worklist.
    #[serde(default)]
    pub filter: QueueFilter,
    #[serde(default)]
    pub sort: Sort,
    /// The item under the cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<RecordRef>,
    /// The first row shown (the queue's scroll position).
    #[serde(default)]
    pub offset: usize,
    /// Whether the item was open in the detail view, and how far it was scrolled.
    #[serde(default)]
    pub detail_open: bool,
    #[serde(default)]
    pub detail_scroll: u16,
}

/// A session name tvang cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    Empty,
    TooLong,
    /// Control characters (newlines, tabs) would break the key and the reports.
    ControlCharacter,
}

/// Trims a name and checks it.
pub fn check_name(name: &str) -> Result<&str, NameError> {
    let name = name.trim();
    if name.is_empty() {
        Err(NameError::Empty)
    } else if name.chars().count() > NAME_MAX {
        Err(NameError::TooLong)
    } else if name.chars().any(char::is_control) {
        Err(NameError::ControlCharacter)
    } else {
        Ok(name)
    }
}

/// Whether an item counts as handled: its status has moved on from the one it arrives with
/// (`ny`, `mottatt`). Follow-up counts as handled: the inspector has gone through it.
pub fn is_handled(status: Status) -> bool {
    !matches!(status, Status::Ny | Status::Mottatt)
}

/// Whether an item needs follow-up: a protocol set to `oppfølging`, a complaint still
/// `under behandling` (what the follow-up key sets on a complaint).
pub fn needs_follow_up(status: Status) -> bool {
    matches!(status, Status::Oppfolging | Status::UnderBehandling)
}

/// How far a session has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub items: usize,
    pub handled: usize,
    pub follow_up: usize,
}

impl Progress {
    /// Counts the statuses of a session's items (`None`: an item no longer in the store, which
    /// counts as an item but not as handled).
    pub fn of(statuses: impl IntoIterator<Item = Option<Status>>) -> Progress {
        let mut p = Progress::default();
        for status in statuses {
            p.items += 1;
            if let Some(s) = status {
                p.handled += usize::from(is_handled(s));
                p.follow_up += usize::from(needs_follow_up(s));
            }
        }
        p
    }

    pub fn is_done(self) -> bool {
        self.handled == self.items
    }
}

impl SessionState {
    pub fn new(
        name: &str,
        kind: RecordKind,
        filter: QueueFilter,
        search: Option<String>,
        first_later_id: u64,
        author: &str,
        now: DateTime<Utc>,
    ) -> SessionState {
        SessionState {
            name: name.to_string(),
            created_at: now,
            created_by: author.to_string(),
            kind,
            filter,
            search,
            first_later_id,
            closed_at: None,
            active_ms: 0,
            last_activity: None,
            view: SessionView::default(),
        }
    }

    /// Notes activity at `now`: the time since the last activity counts as spent on the
    /// session unless it was an idle gap (over [`IDLE_GAP`]) or the clock went back.
    pub fn touch(&mut self, now: DateTime<Utc>) {
        if let Some(last) = self.last_activity {
            let gap = now - last;
            if gap > Duration::zero() && gap <= IDLE_GAP {
                self.active_ms += gap.num_milliseconds();
            }
        }
        if self.last_activity.is_none_or(|last| now > last) {
            self.last_activity = Some(now);
        }
    }

    /// Active time in whole minutes.
    pub fn active_minutes(&self) -> i64 {
        self.active_ms / 60_000
    }

    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }

    /// Whether a record imported after the session was made (by its store id).
    pub fn is_later(&self, record: RecordRef) -> bool {
        record.id >= self.first_later_id
    }
}

/// The position of the next item not yet handled after `from`, going on from the top when the
/// end is reached; `None` when every other item is handled.
pub fn next_unhandled(handled: &[bool], from: usize) -> Option<usize> {
    let n = handled.len();
    (1..n).map(|step| (from + step) % n).find(|&i| !handled[i])
}

/// Encodes a worklist: one byte for the kind (`p`/`k`), eight for the id, per item.
pub fn encode_items(items: &[RecordRef]) -> Vec<u8> {
    let mut out = Vec::with_capacity(items.len() * 9);
    for r in items {
        out.push(match r.kind {
            RecordKind::Protocol => b'p',
            RecordKind::Complaint => b'k',
        });
        out.extend_from_slice(&r.id.to_be_bytes());
    }
    out
}

pub fn decode_items(bytes: &[u8]) -> Option<Vec<RecordRef>> {
    if !bytes.len().is_multiple_of(9) {
        return None;
    }
    bytes
        .chunks_exact(9)
        .map(|c| {
            let id = u64::from_be_bytes(c[1..9].try_into().ok()?);
            match c[0] {
                b'p' => Some(RecordRef::protocol(id)),
                b'k' => Some(RecordRef::complaint(id)),
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: u32, second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 12, 9, minute, second)
            .unwrap()
    }

    fn state() -> SessionState {
        SessionState::new(
            "Solbakken mars",
            RecordKind::Protocol,
            QueueFilter::default(),
            None,
            100,
            "Kari",
            at(0, 0),
        )
    }

    #[test]
    fn active_time_counts_gaps_up_to_five_minutes_only() {
        let mut s = state();
        s.touch(at(0, 0)); // the first activity starts the clock, counts nothing
        s.touch(at(0, 30));
        s.touch(at(2, 0));
        assert_eq!(s.active_ms, 120_000);
        s.touch(at(7, 0)); // exactly five minutes: counted
        assert_eq!(s.active_ms, 420_000);
        s.touch(at(12, 1)); // five minutes and a second: an idle gap
        assert_eq!(s.active_ms, 420_000);
        s.touch(at(13, 1));
        assert_eq!(s.active_ms, 480_000);
        assert_eq!(s.active_minutes(), 8);
    }

    #[test]
    fn a_clock_going_back_counts_nothing_and_keeps_the_latest_time() {
        let mut s = state();
        s.touch(at(10, 0));
        s.touch(at(9, 0));
        assert_eq!(s.active_ms, 0);
        assert_eq!(s.last_activity, Some(at(10, 0)));
        s.touch(at(11, 0));
        assert_eq!(s.active_ms, 60_000);
    }

    #[test]
    fn progress_counts_handled_and_follow_up() {
        let p = Progress::of([
            Some(Status::Ny),
            Some(Status::Gjennomgatt),
            Some(Status::Oppfolging),
            Some(Status::Mottatt),
            Some(Status::UnderBehandling),
            Some(Status::Avgjort),
            None,
        ]);
        assert_eq!(
            p,
            Progress {
                items: 7,
                handled: 4,
                follow_up: 2
            }
        );
        assert!(!p.is_done());
        assert!(Progress::of([Some(Status::Avgjort)]).is_done());
    }

    #[test]
    fn next_unhandled_goes_on_from_the_top_and_skips_the_current() {
        let handled = [true, false, true, false, true];
        assert_eq!(next_unhandled(&handled, 1), Some(3));
        assert_eq!(next_unhandled(&handled, 3), Some(1));
        assert_eq!(next_unhandled(&handled, 4), Some(1));
        assert_eq!(next_unhandled(&[true, false, true], 1), None);
        assert_eq!(next_unhandled(&[], 0), None);
    }

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(check_name("  Vestland 10-7 "), Ok("Vestland 10-7"));
        assert_eq!(check_name("   "), Err(NameError::Empty));
        assert_eq!(check_name("a\nb"), Err(NameError::ControlCharacter));
        assert_eq!(check_name(&"x".repeat(61)), Err(NameError::TooLong));
        assert_eq!(check_name(&"ø".repeat(60)).map(str::len), Ok(120));
    }

    #[test]
    fn worklists_round_trip_and_damage_is_refused() {
        let items = vec![
            RecordRef::protocol(1),
            RecordRef::complaint(u64::MAX),
            RecordRef::protocol(42),
        ];
        let bytes = encode_items(&items);
        assert_eq!(bytes.len(), 27);
        assert_eq!(decode_items(&bytes), Some(items));
        assert_eq!(decode_items(&bytes[..26]), None);
        let mut bad = bytes.clone();
        bad[9] = b'x';
        assert_eq!(decode_items(&bad), None);
    }

    #[test]
    fn state_round_trips_through_json_and_reads_without_view() {
        let mut s = state();
        s.view.cursor = Some(RecordRef::protocol(7));
        s.view.offset = 3;
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<SessionState>(&json).unwrap(), s);
        let minimal = r#"{"name":"x","created_at":"2026-03-12T09:00:00Z","created_by":"K",
            "kind":"complaint","filter":{},"first_later_id":5}"#;
        let read: SessionState = serde_json::from_str(minimal).unwrap();
        assert_eq!(read.view, SessionView::default());
        assert_eq!(read.active_ms, 0);
    }
}
