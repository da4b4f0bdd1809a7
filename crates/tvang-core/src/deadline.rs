//! The statsforvalter's own deadline for a complaint (issue 16 §4): due a target time after it
//! was received — one month by default, the embetsoppdrag's target that at least 90 % of
//! complaints about coercion in institutions are decided within a month (domain.md §3) — and
//! what is left of it, or how far it is exceeded.

use chrono::{Months, NaiveDate};

/// The day a complaint received on `received` is due, `target_months` later (the same day of
/// the month, or the month's last day when it has none: 31 January → 28/29 February).
pub fn due_date(received: NaiveDate, target_months: u32) -> Option<NaiveDate> {
    received.checked_add_months(Months::new(target_months))
}

/// Where a complaint stands against its due day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// Still open: days left until the due day (0 on the day itself).
    Open { days_left: i64 },
    /// Still open after its due day.
    Overdue { days_over: i64 },
    /// Decided on or before the due day.
    DecidedWithin,
    /// Decided after the due day.
    DecidedLate { days_over: i64 },
}

impl Deadline {
    /// `due` is the complaint's due day, `decided` the day it was decided (if it is), `today`
    /// the Oslo day to count open ones from.
    pub fn of(due: NaiveDate, decided: Option<NaiveDate>, today: NaiveDate) -> Deadline {
        match decided {
            Some(d) if d <= due => Deadline::DecidedWithin,
            Some(d) => Deadline::DecidedLate {
                days_over: (d - due).num_days(),
            },
            None if today <= due => Deadline::Open {
                days_left: (due - today).num_days(),
            },
            None => Deadline::Overdue {
                days_over: (today - due).num_days(),
            },
        }
    }

    /// A complaint's standing, if it can be told: none without a due day, nor for one decided
    /// on an unknown day (`decided` without `decided_day`).
    pub fn standing(
        due: Option<NaiveDate>,
        decided: bool,
        decided_day: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Option<Deadline> {
        let decided_day = if decided { Some(decided_day?) } else { None };
        Some(Deadline::of(due?, decided_day, today))
    }

    /// Still open and past its due day: what the queue flags.
    pub fn is_overdue(self) -> bool {
        matches!(self, Deadline::Overdue { .. })
    }

    /// Days until due (negative: overdue) for open complaints; what the queue sorts by, decided
    /// ones after every open one.
    pub fn sort_key(self) -> i64 {
        match self {
            Deadline::Open { days_left } => days_left,
            Deadline::Overdue { days_over } => -days_over,
            Deadline::DecidedLate { .. } => i64::MAX / 4,
            Deadline::DecidedWithin => i64::MAX / 4 + 1,
        }
    }
}

/// A complaint's standing as the record (with its decision, [`crate::decision::as_decided`])
/// says: due `target_months` after it was received, decided when it has an outcome or a day.
pub fn complaint_standing(
    c: &crate::model::Complaint,
    target_months: u32,
    today: NaiveDate,
) -> Option<Deadline> {
    let decided_day = c.decided_at.map(|d| d.oslo_date());
    Deadline::standing(
        due_date(c.received_at?.oslo_date(), target_months),
        c.outcome.is_some() || decided_day.is_some(),
        decided_day,
        today,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn due_a_month_after_receipt_clamped_to_the_month() {
        assert_eq!(due_date(day("2024-03-14"), 1), Some(day("2024-04-14")));
        assert_eq!(due_date(day("2024-01-31"), 1), Some(day("2024-02-29")));
        assert_eq!(due_date(day("2023-01-31"), 1), Some(day("2023-02-28")));
        assert_eq!(due_date(day("2024-12-10"), 2), Some(day("2025-02-10")));
        assert_eq!(due_date(day("2024-05-02"), 0), Some(day("2024-05-02")));
    }

    #[test]
    fn open_overdue_and_decided() {
        let due = day("2024-04-14");
        assert_eq!(
            Deadline::of(due, None, day("2024-04-04")),
            Deadline::Open { days_left: 10 }
        );
        assert_eq!(
            Deadline::of(due, None, due),
            Deadline::Open { days_left: 0 }
        );
        let late = Deadline::of(due, None, day("2024-04-17"));
        assert_eq!(late, Deadline::Overdue { days_over: 3 });
        assert!(late.is_overdue());
        assert_eq!(
            Deadline::of(due, Some(due), day("2025-01-01")),
            Deadline::DecidedWithin
        );
        assert_eq!(
            Deadline::of(due, Some(day("2024-04-20")), day("2024-04-01")),
            Deadline::DecidedLate { days_over: 6 }
        );
        assert!(!Deadline::DecidedLate { days_over: 6 }.is_overdue());
        let today = day("2024-04-17");
        assert_eq!(Deadline::standing(None, false, None, today), None);
        assert_eq!(Deadline::standing(Some(due), true, None, today), None);
        assert_eq!(
            Deadline::standing(Some(due), false, None, today),
            Some(Deadline::Overdue { days_over: 3 })
        );
        assert_eq!(
            Deadline::standing(Some(due), true, Some(due), today),
            Some(Deadline::DecidedWithin)
        );
    }

    #[test]
    fn the_most_urgent_sorts_first_and_decided_last() {
        let due = day("2024-04-14");
        let today = day("2024-04-10");
        let mut keys = [
            Deadline::of(due, Some(due), today),
            Deadline::of(day("2024-04-30"), None, today),
            Deadline::of(day("2024-04-01"), None, today),
            Deadline::of(due, None, today),
        ]
        .map(Deadline::sort_key);
        keys.sort();
        assert_eq!(&keys[..3], &[-9, 4, 20]);
        assert!(keys[3] > 1_000_000);
    }
}
