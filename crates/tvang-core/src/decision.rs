//! A complaint's decision as tvang knows it: the inspector's, recorded in tvang, over the one
//! imported with the complaint. Every surface reads it from here — the queue, the statistics,
//! `tvang show` and `tvang list --complaints`, the TUI's detail, session reports (through the
//! queue), `tvang export` — so they agree.

use crate::audit::AuditEntry;
use crate::model::Outcome;
use crate::review::{RecordRef, Review};
use crate::store::{Store, StoreError, StoredComplaint};
use crate::time::DateOrTime;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// The inspector's decision on a complaint: its outcome and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub outcome: Outcome,
    pub day: NaiveDate,
    /// The day was recorded with the decision (`decided_on`), not read off the audit trail.
    pub dated: bool,
}

/// A decision day the inspector may not record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DayError {
    #[error("the decision day {day} is after today, {today}")]
    Future { day: NaiveDate, today: NaiveDate },
    #[error("the decision day {day} is before the complaint was received, {received}")]
    BeforeReceived { day: NaiveDate, received: NaiveDate },
}

/// Whether `day` can be a complaint's decision day: not after `today`, not before it was
/// `received` (when that is known).
pub fn check_day(
    day: NaiveDate,
    received: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), DayError> {
    if day > today {
        return Err(DayError::Future { day, today });
    }
    match received {
        Some(received) if day < received => Err(DayError::BeforeReceived { day, received }),
        _ => Ok(()),
    }
}

/// A complaint's decision and its day: the inspector's, unless it only confirms the imported
/// outcome without a day of its own (a review from before decision days were kept, dated by
/// the audit trail), which keeps the imported day.
pub fn decision_of(
    inspector: Option<Recorded>,
    imported: Option<Outcome>,
    imported_day: Option<NaiveDate>,
) -> (Option<Outcome>, Option<NaiveDate>) {
    match inspector {
        Some(r) if !r.dated && Some(r.outcome) == imported && imported_day.is_some() => {
            (imported, imported_day)
        }
        Some(r) => (Some(r.outcome), Some(r.day)),
        None => (imported, imported_day),
    }
}

/// The inspectors' decisions on complaints, by complaint id: the outcome and the Oslo day it was
/// last set in tvang (from the audit trail), which is the decision day handling time counts to.
/// `complaint_reviews` are the store's reviews of complaints, which the caller has loaded.
pub fn decisions(
    store: &Store,
    complaint_reviews: &HashMap<u64, Review>,
) -> Result<FxHashMap<u64, Recorded>, StoreError> {
    let mut out = FxHashMap::default();
    for (&id, review) in complaint_reviews {
        if let Some(decision) = of_review(store, id, review)? {
            out.insert(id, decision);
        }
    }
    Ok(out)
}

/// The inspector's decision on one complaint whose review the caller has loaded: its outcome
/// and its recorded day, else the Oslo day it was last set (from the audit trail).
pub fn of_review(
    store: &Store,
    complaint_id: u64,
    review: &Review,
) -> Result<Option<Recorded>, StoreError> {
    let Some(outcome) = review.outcome else {
        return Ok(None);
    };
    if let Some(day) = review.decided_on {
        return Ok(Some(Recorded {
            outcome,
            day,
            dated: true,
        }));
    }
    let trail = store.audit(RecordRef::complaint(complaint_id))?;
    Ok(from_trail(review, &trail))
}

/// The inspector's decision from a complaint's review and its audit trail, both loaded.
pub fn from_trail(review: &Review, trail: &[AuditEntry]) -> Option<Recorded> {
    let outcome = review.outcome?;
    if let Some(day) = review.decided_on {
        return Some(Recorded {
            outcome,
            day,
            dated: true,
        });
    }
    let set_at = trail
        .iter()
        .filter(|e| e.field == "outcome")
        .map(|e| e.at)
        .max()?;
    Some(Recorded {
        outcome,
        day: crate::time::oslo_date(&set_at.fixed_offset()),
        dated: false,
    })
}

/// The inspector's decision on one complaint, if one is recorded.
pub fn recorded(store: &Store, complaint_id: u64) -> Result<Option<Recorded>, StoreError> {
    let review = store.review(RecordRef::complaint(complaint_id))?;
    of_review(store, complaint_id, &review)
}

/// The complaint with its decision as tvang knows it: the recorded decision's outcome and day in
/// place of the imported ones (the imported day is kept when the inspector confirmed the
/// imported outcome without a day), and who decided and why from the review over the imported
/// ones. For showing and exporting; the stored record is unchanged.
pub fn as_decided(
    mut sc: StoredComplaint,
    recorded: Option<Recorded>,
    review: Option<&Review>,
) -> StoredComplaint {
    let c = &mut sc.complaint;
    let imported_day = c.decided_at.map(|d| d.oslo_date());
    let (outcome, day) = decision_of(recorded, c.outcome, imported_day);
    if (outcome, day) != (c.outcome, imported_day) {
        c.outcome = outcome;
        c.decided_at = day.map(DateOrTime::Date);
    }
    if let Some(review) = review {
        if review.decided_by.is_some() {
            c.decided_by.clone_from(&review.decided_by);
        }
        if review.reasons.is_some() {
            c.decision_reasons.clone_from(&review.reasons);
        }
    }
    sc
}

/// [`as_decided`] with the decision read from the store.
pub fn with_decision(store: &Store, sc: StoredComplaint) -> Result<StoredComplaint, StoreError> {
    let review = store.review(RecordRef::complaint(sc.id))?;
    let recorded = of_review(store, sc.id, &review)?;
    Ok(as_decided(sc, recorded, Some(&review)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_decision_day_is_not_in_the_future_nor_before_receipt() {
        let today = day("2026-11-23");
        assert_eq!(check_day(today, Some(day("2026-11-01")), today), Ok(()));
        assert_eq!(
            check_day(day("2026-11-01"), Some(day("2026-11-01")), today),
            Ok(())
        );
        assert_eq!(check_day(day("2020-01-01"), None, today), Ok(()));
        assert_eq!(
            check_day(day("2026-11-24"), None, today),
            Err(DayError::Future {
                day: day("2026-11-24"),
                today
            })
        );
        assert_eq!(
            check_day(day("2026-10-31"), Some(day("2026-11-01")), today),
            Err(DayError::BeforeReceived {
                day: day("2026-10-31"),
                received: day("2026-11-01")
            })
        );
    }

    #[test]
    fn a_recorded_day_counts_over_the_imported_one_a_trail_day_only_for_a_new_outcome() {
        let imported = (Some(Outcome::IkkeMedhold), Some(day("2024-03-01")));
        let recorded = |outcome, dated| Recorded {
            outcome,
            day: day("2026-11-20"),
            dated,
        };
        let of = |r| decision_of(Some(r), imported.0, imported.1);
        // Confirming the imported outcome keeps its day, unless the inspector gave one.
        assert_eq!(of(recorded(Outcome::IkkeMedhold, false)), imported);
        assert_eq!(
            of(recorded(Outcome::IkkeMedhold, true)),
            (Some(Outcome::IkkeMedhold), Some(day("2026-11-20")))
        );
        assert_eq!(
            of(recorded(Outcome::Medhold, false)),
            (Some(Outcome::Medhold), Some(day("2026-11-20")))
        );
        assert_eq!(decision_of(None, imported.0, imported.1), imported);
    }
}
