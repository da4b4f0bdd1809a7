//! `tvang backup FILE` and `tvang restore FILE`.

use super::output::{emit, Failure};
use std::process::ExitCode;
use tvang::store::Store;
use tvang::text;

pub(super) fn cmd_backup(
    store: &Store,
    file: &std::path::Path,
    author: &str,
) -> Result<ExitCode, Failure> {
    let summary =
        tvang::export::write_file_atomically(file, |out| tvang::backup::write(store, out))
            .map_err(|e| Failure::new(text::backup_error(file, &e), 2))?;
    store.log(vec![tvang::audit::Event::new(
        tvang::time::now_utc(),
        author,
        tvang::audit::Action::Backup,
    )
    .field(file.display().to_string())
    .change("", tvang::audit_text::backup_logged(summary.entries))])?;
    emit(&text::backup_written(file, &summary));
    Ok(ExitCode::SUCCESS)
}

pub(super) fn cmd_restore(
    store: &Store,
    file: &std::path::Path,
    author: &str,
) -> Result<ExitCode, Failure> {
    let open =
        || -> std::io::Result<Box<dyn std::io::Read>> { Ok(Box::new(std::fs::File::open(file)?)) };
    let summary = tvang::backup::restore(store, &open, author, &file.display().to_string())
        .map_err(|e| Failure::new(text::backup_error(file, &e), 2))?;
    emit(&text::restored(file, &summary));
    Ok(ExitCode::SUCCESS)
}

/// Today's automatic backup, after a command that changed the store (see
/// [`tvang::backup::automatic`]): written and logged once a day, the oldest beyond the
/// configured number removed. A failure is a warning: what the command stored is kept.
pub(super) fn daily_backup(store: &Store, rotation: &tvang::backup::Rotation, author: &str) {
    let now = tvang::time::now_utc();
    let today = tvang::time::oslo_date(&now.fixed_offset());
    match tvang::backup::automatic(store, rotation, today) {
        Ok(tvang::backup::Automatic::NotNeeded) => {}
        Ok(tvang::backup::Automatic::Written {
            path,
            summary,
            removed,
        }) => {
            let logged = store.log(vec![tvang::audit::Event::new(
                now,
                author,
                tvang::audit::Action::Backup,
            )
            .field(path.display().to_string())
            .change("", tvang::audit_text::backup_logged(summary.entries))]);
            if let Err(e) = logged {
                super::output::warn(&format!("tvang: {e}"));
            }
            emit(&text::automatic_backup_written(&path, &summary, removed));
        }
        Err(e) => super::output::warn(&format!(
            "tvang: {}",
            text::automatic_backup_failed(&rotation.folder, &e)
        )),
    }
}

/// Opens the store; when it is damaged or its data are gone, the hint names the newest
/// automatic backup and how to restore it.
pub(super) fn open_store(
    dir: &std::path::Path,
    config: &tvang::config::Config,
) -> Result<Store, Failure> {
    Store::open(dir).map_err(|e| {
        let damaged = matches!(
            e,
            tvang::store::StoreError::Corrupt { .. } | tvang::store::StoreError::DataMissing { .. }
        ) || matches!(
            e.engine_fault(),
            Some(tvang::store::EngineFault::Corruption)
        );
        let newest = config.rotation(dir).newest();
        let failure = Failure::from(e);
        match (damaged, newest) {
            (true, Some((day, path))) => failure.hint(text::newest_backup_hint(&path, day)),
            (true, None) => failure.hint(text::NO_AUTOMATIC_BACKUP),
            (false, _) => failure,
        }
    })
}
