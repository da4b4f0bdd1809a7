//! Files tvang writes for the user (exports, backups, letters, reports): whole or not at all,
//! owner-only from the first byte, and never through a name someone else prepared.
//!
//! The file is written under an unguessable name created exclusively (`O_EXCL`, mode 0600) in
//! the target's folder, synced, renamed over the target, and the folder is synced, so a crash
//! leaves either the old file or the whole new one. Another user who can write to a shared
//! folder cannot pre-create the temporary name (to own a `--reveal` export or a backup, which
//! holds the pseudonym key) nor plant a symlink there (to make tvang overwrite another file).
//! A target that is a FIFO, a device, a socket or a folder is refused: renaming over
//! `/dev/full` would replace the device with a file, and a FIFO would block.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Whether an existing target may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    Replace,
    Keep,
}

/// What an existing path is, when it is not something tvang may write over.
fn not_a_file(path: &Path) -> Option<&'static str> {
    // Follows a link: a link to a device is as bad as the device. A link to an ordinary file
    // is replaced by the new file (rename does not follow it), so nothing else is touched.
    not_ordinary(&std::fs::metadata(path).ok()?)
}

/// What a path is in words when it is not an ordinary file (a folder, a FIFO, a socket, a
/// device), for messages that refuse to write or read it; `None` for an ordinary file.
pub fn not_ordinary(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("en mappe");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("en FIFO (navngitt rør)");
        }
        if t.is_socket() {
            return Some("en socket");
        }
        if t.is_block_device() || t.is_char_device() {
            return Some("en enhet");
        }
    }
    Some("ikke en vanlig fil")
}

/// Writes a whole file through `write`, as the module says. A refusal is an I/O error in
/// words ([`crate::io_text::io_error`] shows it as it is); an existing target under
/// [`Existing::Keep`] is `ErrorKind::AlreadyExists`. The caller names the file.
pub fn write<T, E: From<std::io::Error>>(
    path: &Path,
    existing: Existing,
    write: impl FnOnce(&mut BufWriter<std::fs::File>) -> Result<T, E>,
) -> Result<T, E> {
    if let Some(what) = not_a_file(path) {
        return Err(std::io::Error::other(format!(
            "er {what}, ikke en vanlig fil; tvang skriver bare vanlige filer"
        ))
        .into());
    }
    if existing == Existing::Keep && std::fs::symlink_metadata(path).is_ok() {
        return Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists).into());
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // tempfile creates with O_CREAT | O_EXCL and mode 0600, under a random name.
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tvang-partial")
        .tempfile_in(&folder)?;
    let (file, tmp_path) = tmp.into_parts();
    let mut out = BufWriter::new(file);
    let value = write(&mut out)?;
    // Flushing here, not on drop, so that a failed last write is an error.
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    drop(file);
    match existing {
        Existing::Replace => tmp_path.persist(path).map_err(|e| e.error)?,
        // Atomic: a file that appeared since the check above is not written over.
        Existing::Keep => tmp_path.persist_noclobber(path).map_err(|e| e.error)?,
    }
    sync_folder(&folder)?;
    Ok(value)
}

/// Makes a rename in `folder` durable.
fn sync_folder(folder: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(folder)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        Ok(())
    }
}

/// Writes `bytes` as a whole file (see [`write`]).
pub fn write_bytes(path: &Path, existing: Existing, bytes: &[u8]) -> std::io::Result<()> {
    write(path, existing, |out| out.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("tvang-partial"))
            .collect()
    }

    #[test]
    fn writes_a_whole_owner_only_file_and_replaces_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("eksport.jsonl");
        std::fs::write(&path, "old").unwrap();
        write_bytes(&path, Existing::Replace, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_leftover() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("eksport.jsonl");
        std::fs::write(&path, "old").unwrap();
        let result: std::io::Result<()> = write(&path, Existing::Replace, |out| {
            out.write_all(b"half")?;
            Err(std::io::Error::other("avbrutt"))
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn the_old_predictable_name_prepared_by_someone_else_is_not_used() {
        // Another user pre-creates `<out>.tvang-partial` (0666) and a symlink beside it.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("eksport.jsonl");
        let planted = dir.path().join("eksport.tvang-partial");
        std::fs::write(&planted, "theirs").unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, dir.path().join(".eksport.jsonl.tvang-partial"))
            .unwrap();
        write_bytes(&path, Existing::Replace, b"secret").unwrap();
        assert_eq!(std::fs::read_to_string(&planted).unwrap(), "theirs");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "secret");
    }

    #[test]
    fn a_link_to_a_file_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("other");
        std::fs::write(&target, "keep me").unwrap();
        let link = dir.path().join("eksport.csv");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&target, &link).unwrap();
            write_bytes(&link, Existing::Replace, b"new").unwrap();
            assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
            assert!(!std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink());
        }
    }

    #[test]
    fn folders_fifos_and_devices_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_bytes(dir.path(), Existing::Replace, b"x").unwrap_err();
        assert!(e.to_string().contains("er en mappe"), "{e}");
        #[cfg(unix)]
        {
            let fifo = dir.path().join("rør");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                let e = write_bytes(&fifo, Existing::Replace, b"x").unwrap_err();
                assert!(e.to_string().contains("FIFO"), "{e}");
            }
            let e = write_bytes(Path::new("/dev/null"), Existing::Replace, b"x").unwrap_err();
            assert!(e.to_string().contains("er en enhet"), "{e}");
            use std::os::unix::fs::FileTypeExt;
            let still = std::fs::metadata("/dev/null").unwrap().file_type();
            assert!(still.is_char_device(), "the device is left alone");
        }
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn keep_never_writes_over_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("brev.docx");
        std::fs::write(&path, "old").unwrap();
        let e = write_bytes(&path, Existing::Keep, b"new").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        let fresh = dir.path().join("nytt.docx");
        write_bytes(&fresh, Existing::Keep, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&fresh).unwrap(), "new");
        assert!(leftovers(dir.path()).is_empty());
    }
}
