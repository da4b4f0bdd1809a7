//! A complaint's decision as tvang knows it: the inspector's, recorded in tvang, over the one
//! imported with the complaint. Every surface reads it from here — the queue, the statistics,
//! `tvang show` and `tvang list --complaints`, the TUI's detail, session reports (through the
//! queue) — so they agree. `tvang export` still writes the complaint as imported.

use crate::audit::AuditEntry;
use crate::model::Outcome;
use crate::review::{RecordRef, Review};
use crate::store::{Store, StoreError, StoredComplaint};
use crate::time::DateOrTime;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// A complaint's decision and its day: the inspector's, dated by the day it was last set in
/// tvang, unless it only confirms the imported outcome, which keeps its imported day.
pub fn decision_of(
    inspector: Option<(Outcome, NaiveDate)>,
    imported: Option<Outcome>,
    imported_day: Option<NaiveDate>,
) -> (Option<Outcome>, Option<NaiveDate>) {
    match inspector {
        Some((o, _)) if Some(o) == imported && imported_day.is_some() => (imported, imported_day),
        Some((o, day)) => (Some(o), Some(day)),
        None => (imported, imported_day),
    }
}

/// The inspectors' decisions on complaints, by complaint id: the outcome and the Oslo day it was
/// last set in tvang (from the audit trail), which is the decision day handling time counts to.
/// `complaint_reviews` are the store's reviews of complaints, which the caller has loaded.
pub fn decisions(
    store: &Store,
    complaint_reviews: &HashMap<u64, Review>,
) -> Result<FxHashMap<u64, (Outcome, NaiveDate)>, StoreError> {
    let mut out = FxHashMap::default();
    for (&id, review) in complaint_reviews {
        if let Some(decision) = of_review(store, id, review)? {
            out.insert(id, decision);
        }
    }
    Ok(out)
}

/// The inspector's decision on one complaint whose review the caller has loaded: its outcome
/// and the Oslo day it was last set (from the audit trail).
pub fn of_review(
    store: &Store,
    complaint_id: u64,
    review: &Review,
) -> Result<Option<(Outcome, NaiveDate)>, StoreError> {
    if review.outcome.is_none() {
        return Ok(None);
    }
    let trail = store.audit(RecordRef::complaint(complaint_id))?;
    Ok(from_trail(review, &trail))
}

/// The inspector's decision from a complaint's review and its audit trail, both loaded.
pub fn from_trail(review: &Review, trail: &[AuditEntry]) -> Option<(Outcome, NaiveDate)> {
    let outcome = review.outcome?;
    let set_at = trail
        .iter()
        .filter(|e| e.field == "outcome")
        .map(|e| e.at)
        .max()?;
    Some((outcome, crate::time::oslo_date(&set_at.fixed_offset())))
}

/// The inspector's decision on one complaint, if one is recorded.
pub fn recorded(
    store: &Store,
    complaint_id: u64,
) -> Result<Option<(Outcome, NaiveDate)>, StoreError> {
    let review = store.review(RecordRef::complaint(complaint_id))?;
    of_review(store, complaint_id, &review)
}

/// The complaint with its decision as tvang knows it: the recorded decision's outcome and day in
/// place of the imported ones (the imported day is kept when the inspector confirmed the
/// imported outcome). For showing; the stored record is unchanged.
pub fn as_decided(
    mut sc: StoredComplaint,
    recorded: Option<(Outcome, NaiveDate)>,
) -> StoredComplaint {
    let c = &mut sc.complaint;
    let imported_day = c.decided_at.map(|d| d.oslo_date());
    let (outcome, day) = decision_of(recorded, c.outcome, imported_day);
    if (outcome, day) != (c.outcome, imported_day) {
        c.outcome = outcome;
        c.decided_at = day.map(DateOrTime::Date);
    }
    sc
}

/// [`as_decided`] with the decision read from the store.
pub fn with_decision(store: &Store, sc: StoredComplaint) -> Result<StoredComplaint, StoreError> {
    let recorded = recorded(store, sc.id)?;
    Ok(as_decided(sc, recorded))
}
