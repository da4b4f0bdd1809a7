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
