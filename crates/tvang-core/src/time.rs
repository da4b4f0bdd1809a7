//! Timestamps as institutions write them.
//!
//! Accepted: RFC 3339 with an offset (kept as given); `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM[:SS]`
//! and `DD.MM.YYYY HH:MM[:SS]` as local Europe/Oslo time; date-only (`YYYY-MM-DD`, `DD.MM.YYYY`) where
//! a field is a date. Local times are converted with the Oslo offset in force at that instant, so a
//! duration computed by subtracting two stored times is real elapsed time across DST changes.

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Europe::Oslo;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a text could not be read as a time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Not in any accepted format.
    Unparseable,
    /// A date where a date and a time of day are required.
    DateWithoutTime,
    /// A local time that does not exist in Europe/Oslo (the hour skipped when DST starts).
    InDstGap,
    /// A year outside [`FIRST_YEAR`]..=[`LAST_YEAR`]: a typing error (`0024`, `9999`), never a
    /// protocol or a decision.
    OutOfRange,
    /// An offset from UTC no place on earth uses (beyond ±14:00, e.g. `+15:00`).
    BadOffset,
}

/// The years a time tvang reads may fall in: the 1992 Act's coercion rules and any protocol
/// tvang will see lie between.
pub const FIRST_YEAR: i32 = 1990;
pub const LAST_YEAR: i32 = 2100;

fn in_range<T: chrono::Datelike>(t: T) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&t.year())
}

/// A time as parsed, refused when its year or offset cannot be meant.
fn plausible(t: DateTime<FixedOffset>) -> Result<DateTime<FixedOffset>, TimeError> {
    if t.offset().local_minus_utc().abs() > 14 * 3600 {
        return Err(TimeError::BadOffset);
    }
    if !in_range(t.naive_local()) {
        return Err(TimeError::OutOfRange);
    }
    Ok(t)
}

const LOCAL_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y kl. %H:%M",
    "%d.%m.%Y kl %H:%M",
];

const DATE_FORMATS: &[&str] = &["%Y-%m-%d", "%d.%m.%Y"];

/// Parses a point in time (date and time of day required).
pub fn parse_datetime(input: &str) -> Result<DateTime<FixedOffset>, TimeError> {
    parse_any_datetime(input).and_then(plausible)
}

fn parse_any_datetime(input: &str) -> Result<DateTime<FixedOffset>, TimeError> {
    let s = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    for format in LOCAL_FORMATS {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, format) {
            return oslo_local(naive);
        }
    }
    if let Some(written) = written_form(s) {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&written, "%d.%m.%Y %H:%M") {
            return oslo_local(naive);
        }
    }
    if parse_written_date(s).is_some() {
        return Err(TimeError::DateWithoutTime);
    }
    Err(TimeError::Unparseable)
}

/// Norwegian month names, January first, as documents write dates (`31. mars 2024`).
pub const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];

/// A time or date as people write it in documents, rewritten as `DD.MM.YYYY[ HH:MM]`:
/// month names (`31. mars 2024`, `31 mar. 2024`), `kl.`/`klokken` before the time, and `.`
/// between hours and minutes (`21.05`). `None` when the text is not of that kind.
fn written_form(s: &str) -> Option<String> {
    let lower = s.to_lowercase().replace(',', " ");
    let mut tokens: Vec<&str> = lower
        .split_whitespace()
        .filter(|t| !matches!(*t, "kl." | "kl" | "klokken" | "klokka"))
        .collect();
    let time = match tokens.last() {
        Some(t) if tokens.len() > 1 => {
            let parts: Vec<&str> = t.split(['.', ':']).collect();
            match parts.as_slice() {
                [h, m] if (1..=2).contains(&h.len()) && m.len() == 2 => {
                    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
                    tokens.pop();
                    Some(format!("{h:02}:{m:02}"))
                }
                _ => None,
            }
        }
        _ => None,
    };
    let date = match tokens.as_slice() {
        [d] => {
            let date = parse_date(d)?;
            date.format("%d.%m.%Y").to_string()
        }
        [day, month, year] => {
            let day: u32 = day.trim_end_matches('.').parse().ok()?;
            let month = month.trim_end_matches('.');
            let m = MONTHS
                .iter()
                .position(|name| month.len() >= 3 && name.starts_with(month))?;
            let year: i32 = year.parse().ok()?;
            NaiveDate::from_ymd_opt(year, m as u32 + 1, day)?
                .format("%d.%m.%Y")
                .to_string()
        }
        _ => return None,
    };
    Some(match time {
        Some(t) => format!("{date} {t}"),
        None => date,
    })
}

/// Interprets a wall-clock time in Europe/Oslo. In the repeated hour when DST ends, the earlier
/// (summer time) instant is chosen, which is what a clock on the wall showed first.
pub fn oslo_local(naive: NaiveDateTime) -> Result<DateTime<FixedOffset>, TimeError> {
    match Oslo.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.fixed_offset()),
        LocalResult::Ambiguous(earliest, _) => Ok(earliest.fixed_offset()),
        LocalResult::None => Err(TimeError::InDstGap),
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    DATE_FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

/// A date alone, also as written in documents (`31. mars 2024`).
pub fn parse_written_date(s: &str) -> Option<NaiveDate> {
    parse_date(s).or_else(|| {
        let written = written_form(s)?;
        if written.contains(':') {
            return None;
        }
        NaiveDate::parse_from_str(&written, "%d.%m.%Y").ok()
    })
}

/// A field that may hold a date alone or a full time (e.g. `received_at`: institutions often
/// record only the day a protocol was forelagt statsforvalteren).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DateOrTime {
    Date(NaiveDate),
    Time(DateTime<FixedOffset>),
}

impl DateOrTime {
    pub fn parse(input: &str) -> Result<Self, TimeError> {
        let s = input.trim();
        if let Some(d) = parse_written_date(s) {
            if !in_range(d) {
                return Err(TimeError::OutOfRange);
            }
            return Ok(DateOrTime::Date(d));
        }
        parse_datetime(s).map(DateOrTime::Time)
    }

    /// The calendar day in Oslo.
    pub fn oslo_date(&self) -> NaiveDate {
        match self {
            DateOrTime::Date(d) => *d,
            DateOrTime::Time(t) => oslo_date(t),
        }
    }
}

impl fmt::Display for DateOrTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateOrTime::Date(d) => write!(f, "{}", d.format("%d.%m.%Y")),
            DateOrTime::Time(t) => f.write_str(&format_oslo(t)),
        }
    }
}

/// The calendar day in Oslo of an instant.
pub fn oslo_date(t: &DateTime<FixedOffset>) -> NaiveDate {
    t.with_timezone(&Oslo).date_naive()
}

/// An instant as Oslo wall-clock time to the minute (`2024-03-05 14:30`), for headings.
pub fn oslo_minute(t: &DateTime<chrono::Utc>) -> String {
    t.with_timezone(&Oslo).format("%Y-%m-%d %H:%M").to_string()
}

/// `DD.MM.YYYY HH:MM` in Oslo time, as inspectors read it.
pub fn format_oslo(t: &DateTime<FixedOffset>) -> String {
    let local = t.with_timezone(&Oslo);
    if local.second() == 0 {
        local.format("%d.%m.%Y %H:%M").to_string()
    } else {
        local.format("%d.%m.%Y %H:%M:%S").to_string()
    }
}

/// A duration as inspectors read it: `45 min`, `2 t 05 min`, `3 d 4 t`.
pub fn format_duration(d: chrono::Duration) -> String {
    let minutes = d.num_minutes();
    if minutes < 60 {
        format!("{minutes} min")
    } else if minutes < 24 * 60 {
        format!("{} t {:02} min", minutes / 60, minutes % 60)
    } else {
        format!("{} d {} t", minutes / (24 * 60), (minutes % (24 * 60)) / 60)
    }
}

/// Now, for stamping imports.
pub fn now_utc() -> DateTime<Utc> {
    Utc::now()
}

#[cfg(test)]
mod tests {

    #[test]
    fn years_and_offsets_no_protocol_can_have_are_refused() {
        for bad in [
            "0000-01-01 10:00",
            "9999-12-31 10:00",
            "01.03.1900 10:00",
            "1989-12-31T23:00:00+00:00",
        ] {
            assert_eq!(parse_datetime(bad), Err(TimeError::OutOfRange), "{bad}");
        }
        assert_eq!(
            parse_datetime("2024-03-01T10:00:00+15:00"),
            Err(TimeError::BadOffset)
        );
        assert!(parse_datetime("2024-03-01T10:00:00+14:00").is_ok());
        assert!(parse_datetime("1990-01-01 00:00").is_ok());
        assert!(parse_datetime("2100-12-31 23:59").is_ok());
        assert_eq!(DateOrTime::parse("9999-01-01"), Err(TimeError::OutOfRange));
        assert!(DateOrTime::parse("2024-03-01").is_ok());
    }

    use super::*;

    #[test]
    fn times_as_documents_write_them() {
        let t = |s: &str| parse_datetime(s).map(|t| t.to_rfc3339());
        assert_eq!(
            t("14.03.2024 kl. 21.05").unwrap(),
            "2024-03-14T21:05:00+01:00"
        );
        assert_eq!(t("14.03.2024 21:05").unwrap(), "2024-03-14T21:05:00+01:00");
        assert_eq!(t("2024-04-02 10:00").unwrap(), "2024-04-02T10:00:00+02:00");
        assert_eq!(
            t("31. mars 2024 kl. 01.50").unwrap(),
            "2024-03-31T01:50:00+01:00"
        );
        assert_eq!(
            t("31. mars 2024 kl. 03.10").unwrap(),
            "2024-03-31T03:10:00+02:00"
        );
        assert_eq!(t("31. mars 2024 kl. 02.30"), Err(TimeError::InDstGap));
        assert_eq!(
            t("27. okt. 2024 kl. 02.30").unwrap(),
            "2024-10-27T02:30:00+02:00"
        );
        assert_eq!(
            t("5. Desember 2023, kl. 7.45").unwrap(),
            "2023-12-05T07:45:00+01:00"
        );
        assert_eq!(t("31. mars 2024"), Err(TimeError::DateWithoutTime));
        assert_eq!(t("32. mars 2024 kl. 10.00"), Err(TimeError::Unparseable));
        assert_eq!(
            t("31. marsipan 2024 kl. 10.00"),
            Err(TimeError::Unparseable)
        );
        assert_eq!(
            DateOrTime::parse("2. april 2024").unwrap(),
            DateOrTime::Date(NaiveDate::from_ymd_opt(2024, 4, 2).unwrap())
        );
    }

    #[test]
    fn rfc3339_keeps_its_offset() {
        let t = parse_datetime("2023-05-02T14:30:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2023-05-02T14:30:00+02:00");
        let z = parse_datetime("2023-05-02T12:30:00Z").unwrap();
        assert_eq!(t, z);
    }

    #[test]
    fn local_formats_use_the_oslo_offset_of_the_day() {
        let winter = parse_datetime("15.01.2023 10:00").unwrap();
        assert_eq!(winter.offset().local_minus_utc(), 3600);
        let summer = parse_datetime("2023-07-15 10:00").unwrap();
        assert_eq!(summer.offset().local_minus_utc(), 7200);
        let t = parse_datetime("2023-07-15T10:00:30").unwrap();
        assert_eq!(t.second(), 30);
        assert!(parse_datetime("15.07.2023 kl. 10:00").is_ok());
    }

    #[test]
    fn durations_across_dst_are_real_elapsed_time() {
        // Spring forward: 02:00 -> 03:00 on 26 March 2023.
        let a = parse_datetime("2023-03-26 01:30").unwrap();
        let b = parse_datetime("2023-03-26 03:30").unwrap();
        assert_eq!((b - a).num_minutes(), 60);
        // Fall back: 03:00 -> 02:00 on 29 October 2023.
        let c = parse_datetime("2023-10-29 01:30").unwrap();
        let d = parse_datetime("2023-10-29 03:30").unwrap();
        assert_eq!((d - c).num_minutes(), 180);
    }

    #[test]
    fn dst_gap_and_ambiguity() {
        assert_eq!(parse_datetime("2023-03-26 02:30"), Err(TimeError::InDstGap));
        // 02:30 happens twice on 29 October 2023; the first (summer time, +02:00) is chosen.
        let t = parse_datetime("29.10.2023 02:30").unwrap();
        assert_eq!(t.offset().local_minus_utc(), 7200);
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        assert_eq!(parse_datetime("i går"), Err(TimeError::Unparseable));
        assert_eq!(
            parse_datetime("2023-13-01 10:00"),
            Err(TimeError::Unparseable)
        );
        assert_eq!(
            parse_datetime("2023-05-02"),
            Err(TimeError::DateWithoutTime)
        );
        assert_eq!(parse_datetime(""), Err(TimeError::Unparseable));
    }

    #[test]
    fn date_or_time() {
        assert_eq!(
            DateOrTime::parse("03.02.2024").unwrap(),
            DateOrTime::Date(NaiveDate::from_ymd_opt(2024, 2, 3).unwrap())
        );
        let t = DateOrTime::parse("2024-02-03T23:30:00Z").unwrap();
        // 23:30 UTC is already the next day in Oslo.
        assert_eq!(t.oslo_date(), NaiveDate::from_ymd_opt(2024, 2, 4).unwrap());
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<DateOrTime>(&json).unwrap(), t);
        let d = DateOrTime::parse("2024-02-03").unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, "\"2024-02-03\"");
        assert_eq!(serde_json::from_str::<DateOrTime>(&json).unwrap(), d);
    }

    #[test]
    fn formats_durations() {
        assert_eq!(format_duration(chrono::Duration::minutes(45)), "45 min");
        assert_eq!(
            format_duration(chrono::Duration::minutes(125)),
            "2 t 05 min"
        );
        assert_eq!(format_duration(chrono::Duration::hours(76)), "3 d 4 t");
    }
}
