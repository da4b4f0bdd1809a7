//! Operating-system errors in words (a leaf: the output files, the store and the wording above
//! them all say the same). `IO error: Os { code: 28 … }` never reaches the user.

use std::io::ErrorKind;

/// What went wrong, in Norwegian, without the English text the OS gives.
pub fn io_error(e: &std::io::Error) -> String {
    let said = match e.kind() {
        ErrorKind::StorageFull => "disken er full",
        ErrorKind::QuotaExceeded => "diskkvoten er brukt opp",
        ErrorKind::PermissionDenied => "ingen tilgang (mangler rettigheter)",
        ErrorKind::NotFound => "finnes ikke",
        ErrorKind::AlreadyExists => "finnes fra før",
        ErrorKind::ReadOnlyFilesystem => "filsystemet er skrivebeskyttet",
        ErrorKind::IsADirectory => "er en mappe",
        ErrorKind::NotADirectory => "en del av stien er ikke en mappe",
        ErrorKind::DirectoryNotEmpty => "mappen er ikke tom",
        ErrorKind::FileTooLarge => "filen er for stor",
        ErrorKind::BrokenPipe => "mottakeren lukket utdata",
        ErrorKind::InvalidFilename => "ugyldig filnavn",
        ErrorKind::CrossesDevices => "kan ikke flyttes til et annet filsystem",
        ErrorKind::ResourceBusy => "er i bruk",
        ErrorKind::Interrupted => "ble avbrutt",
        ErrorKind::UnexpectedEof => "slutter for tidlig",
        ErrorKind::TimedOut => "tidsavbrudd",
        ErrorKind::OutOfMemory => "ikke nok minne",
        // tvang's own messages (io::Error::other("…")) are already in words.
        ErrorKind::Other if e.raw_os_error().is_none() => return e.to_string(),
        _ => {
            return match e.raw_os_error() {
                Some(code) => format!("inn-/utdatafeil (systemfeil {code})"),
                None => format!("inn-/utdatafeil ({:?})", e.kind()),
            }
        }
    };
    said.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_in_words() {
        let full = std::io::Error::from_raw_os_error(28);
        assert_eq!(io_error(&full), "disken er full");
        let denied = std::io::Error::from_raw_os_error(13);
        assert_eq!(io_error(&denied), "ingen tilgang (mangler rettigheter)");
        let odd = std::io::Error::from_raw_os_error(71);
        assert_eq!(io_error(&odd), "inn-/utdatafeil (systemfeil 71)");
        assert_eq!(
            io_error(&std::io::Error::other("brevmalen mangler")),
            "brevmalen mangler"
        );
    }
}
