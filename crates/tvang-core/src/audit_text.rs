//! The words written into the hash-chained audit log. They are part of the data format: an entry
//! once written is hashed with them, so they never change meaning, and this module depends on
//! nothing above the model (only `time`, a leaf). Everything else the inspector reads is in
//! [`crate::text`] and [`crate::labels`].

/// The author of a change when neither the config file nor the login names one.
pub const UNKNOWN_AUTHOR: &str = "ukjent";

/// Where a reveal happened, for the audit log.
pub const REVEALED_VIA_SHOW: &str = "tvang show --reveal";

pub const REVEALED_VIA_DETAIL: &str = "detaljvisningen";

pub const REVEALED_VIA_LETTER: &str = "vedtaksbrev";

/// How an export treated the fødselsnummer and the free text, as the audit log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportedPrivacy {
    Masked,
    Revealed,
    Pseudonymised { with_text: bool },
}

/// What the audit log says an export wrote: how many (None: cut off by the reader), the format
/// and how private.
pub fn export_logged(
    counts: Option<(usize, usize)>,
    format: &str,
    privacy: ExportedPrivacy,
) -> String {
    let how = match privacy {
        ExportedPrivacy::Masked => "fødselsnummer maskert",
        ExportedPrivacy::Revealed => "fødselsnummer avslørt",
        ExportedPrivacy::Pseudonymised { with_text: false } => "pseudonymisert, uten fritekst",
        ExportedPrivacy::Pseudonymised { with_text: true } => "pseudonymisert, med fritekst",
    };
    match counts {
        Some((p, c)) => format!("{p} protokoller og {c} klager, {format}, {how}"),
        None => format!("avbrutt av mottakeren, {format}, {how}"),
    }
}

pub fn restore_logged(entries: u64, created_at: &chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "{entries} oppføringer fra sikkerhetskopi tatt {}",
        crate::time::oslo_minute(created_at)
    )
}

pub fn backup_logged(entries: u64) -> String {
    format!("{entries} oppføringer")
}

/// What the audit log says an import batch stored from a file.
pub fn import_logged(new: usize, updated: usize) -> String {
    match updated {
        0 => format!("{new} nye poster"),
        _ => format!("{new} nye, {updated} erstattet"),
    }
}

pub fn report_logged(session: &str, format: &str) -> String {
    format!("øktrapport «{session}» ({format})")
}

/// What the audit log says a decision letter wrote.
pub fn letter_logged(format: &str, privacy: ExportedPrivacy) -> String {
    let how = match privacy {
        ExportedPrivacy::Revealed => "fødselsnummer avslørt",
        _ => "fødselsnummer maskert",
    };
    format!("vedtaksbrev ({format}), {how}")
}
