//! Helpers for running the real `tvang` binary on temporary stores.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The stdout without the timing line and the automatic backup's path, which vary.
    pub fn summary(&self) -> String {
        self.stdout
            .lines()
            .filter(|l| !l.starts_with("Tid:") && !l.starts_with("Dagens sikkerhetskopi:"))
            .map(|l| format!("{l}\n"))
            .collect()
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tvang"))
}

/// Runs `tvang --db DB ARGS…` in `cwd`, without a terminal and with `CI` set (no progress bar).
pub fn tvang_in(cwd: &Path, db: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin())
        .current_dir(cwd)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("CI", "true")
        .env_remove("TVANG_DB")
        .output()
        .expect("tvang runs");
    Run::from(out)
}

pub fn tvang(db: &Path, args: &[&str]) -> Run {
    tvang_in(&repo(), db, args)
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The samples' JSON and CSV files (300 protocols, 28 complaints), relative to the package root,
/// without the sample documents: the data set the TUI tests and their snapshots are about.
pub const SAMPLE_DATA: [&str; 6] = [
    "samples/klager-2022.json",
    "samples/klager-2023.jsonl",
    "samples/klager-2024.csv",
    "samples/protokoller-2022.json",
    "samples/protokoller-2023.jsonl",
    "samples/protokoller-2024.csv",
];

/// The samples folder: the data files and the sample documents (304 protocols), as the README's
/// main job imports it.
pub fn samples() -> String {
    repo().join("samples").display().to_string()
}

/// Writes `content` to `dir/name` and returns the path as a string.
pub fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

/// The line of a summary that starts with `prefix`.
pub fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{text}"))
}

/// The store opened again, once the process or sled threads that held it have let go.
pub fn reopen_store(db: &std::path::Path) -> tvang::store::Store {
    let started = std::time::Instant::now();
    loop {
        match tvang::store::Store::open(db) {
            Ok(store) => return store,
            Err(_) if started.elapsed() < std::time::Duration::from_secs(10) => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Err(e) => panic!("{e}"),
        }
    }
}

/// The store's sled database, opened directly to edit it behind tvang's back. sled's background
/// threads may hold its lock a moment after a store is dropped, so this retries for a while.
pub fn open_raw_sled(db: &std::path::Path) -> sled::Db {
    let started = std::time::Instant::now();
    loop {
        match sled::open(db.join("sled")) {
            Ok(raw) => return raw,
            Err(_) if started.elapsed() < std::time::Duration::from_secs(10) => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Err(e) => panic!("{e}"),
        }
    }
}

/// A Word document with `from` replaced by `to` in every part.
pub fn rewrite_docx(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    edit_docx(bytes, |_, content| content.replace(from, to))
}

/// A Word document with each part's text passed through `edit`.
pub fn edit_docx(bytes: &[u8], edit: impl Fn(&str, String) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut content = String::new();
        f.read_to_string(&mut content).unwrap();
        out.start_file(name.clone(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(edit(&name, content).as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}
