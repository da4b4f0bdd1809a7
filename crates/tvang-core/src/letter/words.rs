//! The decision letter's words (vedtaksbrev): what the built-in template is given in words, and
//! the letter's errors. The letter's own phrases are in the template
//! (`crate::letter::BUILT_IN_TEMPLATE`), where an office can change them.

use super::{LetterError, LetterFormat, TemplateFault};
use crate::model::Complainant;
use crate::review::Assessment;
use chrono::{DateTime, FixedOffset, NaiveDate};
use std::fmt;

/// How an error names the built-in template.
pub const BUILT_IN_ORIGIN: &str = "den innebygde brevmalen";

/// The start of a letter's default file name: `vedtaksbrev-2024-K-0012.docx`.
pub const FILE_PREFIX: &str = "vedtaksbrev";

/// The `result` of a condition nobody assessed, as a template compares it.
pub const NOT_ASSESSED_ID: &str = "ikke_vurdert";

/// The sender when the protocol names no region.
pub const OFFICE_UNKNOWN: &str = "Statsforvalteren";

/// The caseworker when nobody is named (the config file names no inspector, the login none):
/// for the inspector to fill in, as the addressee.
pub const CASEWORKER_UNNAMED: &str = "«saksbehandlerens navn»";

/// The child's reference when the protocol is not in the store or gives none.
pub const CHILD_UNNAMED: &str = "(barnets referanse er ikke registrert)";

pub const KIND_UNKNOWN: &str = "Tiltak (art ikke oppgitt)";

/// A letter format as the user knows it.
fn format_label(format: LetterFormat) -> &'static str {
    match format {
        LetterFormat::Docx => "Word",
        LetterFormat::Markdown => "Markdown",
    }
}

/// Said when a letter was written: where, in which format, and whether fødselsnummer were
/// revealed.
pub fn letter_written(complaint: &str, path: &str, format: LetterFormat, revealed: bool) -> String {
    format!(
        "Vedtaksbrevet i klagesak {complaint} er skrevet til {path} ({})",
        written_as(format, revealed)
    )
}

/// How a letter was written, as every message about it says: `Word, fødselsnummer maskert`.
pub fn written_as(format: LetterFormat, revealed: bool) -> String {
    let how = if revealed {
        "fødselsnummer vist"
    } else {
        "fødselsnummer maskert"
    };
    format!("{}, {how}", format_label(format))
}

/// A warning with the letter: the conditions nobody assessed, which the letter shows as
/// «Ikke vurdert».
pub fn unassessed_warning(labels: &[String]) -> Option<String> {
    match labels.len() {
        0 => None,
        1 => Some(format!("1 vilkår er ikke vurdert: {}", labels[0])),
        n => Some(format!("{n} vilkår er ikke vurdert: {}", labels.join("; "))),
    }
}

pub const HINT_OVERWRITE: &str = "velg en annen fil med --out, eller overskriv med --force";

pub const HINT_NOT_DECIDED: &str =
    "avgjør klagen i tvang (klagens detaljvisning) før brevet skrives";

pub fn several_complaints(reference: &str, found: &[String]) -> String {
    format!(
        "{reference} gjelder flere klager: {}; oppgi klagens referanse (INSTITUSJON/KLAGE-ID)",
        found.join(", ")
    )
}

pub fn no_complaint(reference: &str) -> String {
    format!("fant ingen klage for {reference}")
}

pub const HINT_NO_COMPLAINT: &str =
    "oppgi klagen som INSTITUSJON/KLAGE-ID, f.eks. \"Kvernhuset ungdomshjem/K-2024-00027\"; tvang list --complaints viser dem";

/// A condition's assessment as the letter writes it.
pub fn assessment(a: Option<Assessment>) -> &'static str {
    match a {
        Some(Assessment::Oppfylt) => "Oppfylt",
        Some(Assessment::IkkeOppfylt) => "Ikke oppfylt",
        Some(Assessment::IkkeVurderbar) => "Kan ikke vurderes (mangler dokumentasjon)",
        Some(Assessment::IkkeAktuelt) => "Ikke aktuelt",
        None => "Ikke vurdert",
    }
}

/// Who complained, as the letter's first sentence says it: «klagen fra barnet».
pub fn complainant(c: Option<Complainant>) -> &'static str {
    match c {
        Some(Complainant::Barnet) => "barnet",
        Some(Complainant::Foresatte) => "barnets foresatte",
        Some(Complainant::Annen) => "en annen klager",
        None => "klageren",
    }
}

/// The addressee, for the inspector to complete: tvang never stores names or addresses.
pub fn addressee(c: Option<Complainant>) -> &'static str {
    match c {
        Some(Complainant::Barnet) => "«barnets navn og adresse»",
        Some(Complainant::Foresatte) => "«foresattes navn og adresse»",
        Some(Complainant::Annen) | None => "«klagerens navn og adresse»",
    }
}

/// Whether the protocol says the child was told of the right to complain.
pub fn informed(i: Option<bool>) -> &'static str {
    match i {
        Some(true) => "Ja, ifølge protokollen",
        Some(false) => "Nei, ifølge protokollen",
        None => "Protokollen sier ikke om barnet ble informert",
    }
}

/// `3. desember 2026`.
pub fn long_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{}. {} {}",
        d.day(),
        crate::time::MONTHS[d.month0() as usize],
        d.year()
    )
}

/// `5. mars 2024 kl. 14.30–14.45` (the Norwegian way, a full stop between hours and minutes), or
/// across days `5. mars 2024 kl. 14.30 – 7. mars 2024 kl. 09.00`.
pub fn period(start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> String {
    let (s, e) = (
        start.with_timezone(&chrono_tz::Europe::Oslo),
        end.with_timezone(&chrono_tz::Europe::Oslo),
    );
    let s_day = long_date(s.date_naive());
    if s.date_naive() == e.date_naive() {
        format!("{s_day} kl. {}–{}", s.format("%H.%M"), e.format("%H.%M"))
    } else {
        format!(
            "{s_day} kl. {} – {} kl. {}",
            s.format("%H.%M"),
            long_date(e.date_naive()),
            e.format("%H.%M")
        )
    }
}

/// A measure with no end: `fra 5. mars 2024 kl. 14.30`.
pub fn from(start: &DateTime<FixedOffset>) -> String {
    let s = start.with_timezone(&chrono_tz::Europe::Oslo);
    format!(
        "fra {} kl. {}",
        long_date(s.date_naive()),
        s.format("%H.%M")
    )
}

/// `barnevernsloven § 10-7 og § 10-9`: the provisions in one phrase, the law named once when
/// they share it.
pub fn provisions_text(references: &[&str]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut last_law: Option<&str> = None;
    for r in references {
        let (law, section) = r.split_once(" § ").unwrap_or((r, ""));
        if last_law == Some(law) && !section.is_empty() {
            parts.push(format!("§ {section}"));
        } else {
            parts.push(r.to_string());
        }
        last_law = Some(law);
    }
    match parts.len() {
        0 => "reglene om bruk av tvang".to_string(),
        1 => parts.remove(0),
        n => format!("{} og {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

impl fmt::Display for LetterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LetterError::NotFound { complaint } => {
                write!(f, "fant ingen klage med intern nøkkel {complaint}")
            }
            LetterError::NotDecided { complaint } => write!(
                f,
                "klage {complaint} er ikke avgjort: registrer utfallet før vedtaksbrevet skrives"
            ),
            LetterError::Template {
                origin,
                line,
                fault,
                excerpt,
            } => {
                match line {
                    Some(line) => write!(f, "brevmalen {origin}, linje {line}: ")?,
                    None => write!(f, "brevmalen {origin}: ")?,
                }
                match fault {
                    TemplateFault::UnknownPlaceholder(name) => write!(
                        f,
                        "ukjent plassholder «{name}» (docs/letter.md lister dem som finnes)"
                    )?,
                    TemplateFault::UnknownFilter(name) => write!(f, "ukjent filter «{name}»")?,
                    TemplateFault::Syntax(detail) => write!(f, "malen kan ikke leses ({detail})")?,
                    TemplateFault::Other(detail) => write!(f, "{detail}")?,
                }
                match excerpt {
                    Some(text) if !text.is_empty() => write!(f, " i «{text}»"),
                    _ => Ok(()),
                }
            }
            LetterError::Read { path, source } => {
                write!(
                    f,
                    "kan ikke lese brevmalen {}: {}",
                    path.display(),
                    crate::io_text::io_error(source)
                )
            }
            LetterError::Write { path, source } => {
                write!(
                    f,
                    "kan ikke skrive brevet til {}: {}",
                    path.display(),
                    crate::io_text::io_error(source)
                )
            }
            LetterError::Exists { path } => write!(
                f,
                "{} finnes fra før og er ikke overskrevet (kanskje er brevet redigert)",
                path.display()
            ),
            LetterError::Store(e) => write!(f, "{e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_periods_as_a_letter_writes_them() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(long_date(d), "3. desember 2026");
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        assert_eq!(
            period(
                &t("2024-03-05T14:30:00+01:00"),
                &t("2024-03-05T14:45:00+01:00")
            ),
            "5. mars 2024 kl. 14.30–14.45"
        );
        // Oslo time, whatever offset the record was written with.
        assert_eq!(
            period(&t("2024-03-05T23:30:00Z"), &t("2024-03-07T08:00:00Z")),
            "6. mars 2024 kl. 00.30 – 7. mars 2024 kl. 09.00"
        );
    }

    #[test]
    fn provisions_name_their_law_once() {
        assert_eq!(provisions_text(&[]), "reglene om bruk av tvang");
        assert_eq!(
            provisions_text(&["barnevernsloven § 10-7"]),
            "barnevernsloven § 10-7"
        );
        assert_eq!(
            provisions_text(&["barnevernsloven § 10-7", "barnevernsloven § 10-9"]),
            "barnevernsloven § 10-7 og § 10-9"
        );
        assert_eq!(
            provisions_text(&[
                "barnevernsloven § 10-7",
                "rettighetsforskriften § 22",
                "rettighetsforskriften § 23"
            ]),
            "barnevernsloven § 10-7, rettighetsforskriften § 22 og § 23"
        );
    }
}
