//! Keymap files checked by the real binary: every invalid fixture gives its exact message, and
//! the shipped keymaps are valid.

use crate::common;

use common::*;

#[test]
fn every_invalid_keymap_is_refused_with_its_message() {
    let dir = repo().join("tests/fixtures/keymaps/invalid");
    let mut checked = 0;
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let db = tempfile::tempdir().unwrap();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let relative = format!("tests/fixtures/keymaps/invalid/{name}");
        let run = tvang_in(&repo(), db.path(), &["keymap", "check", &relative]);
        let expected = std::fs::read_to_string(file.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{name} has no .expected file"));
        assert_eq!(run.code, 1, "{name}");
        assert_eq!(run.stderr, expected, "{name}");
        assert!(
            run.stderr.contains(&format!("{relative}:")),
            "{name} names its file"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} fixtures");
}

#[test]
fn the_shipped_keymaps_are_valid() {
    let db = tempfile::tempdir().unwrap();
    for file in ["keymaps/default.toml", "keymaps/arrows.toml"] {
        let run = tvang_in(&repo(), db.path(), &["keymap", "check", file]);
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
        assert!(
            run.stdout.starts_with(&format!("{file}: gyldig")),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn the_ui_refuses_to_start_with_a_broken_keymap_and_says_why() {
    let db = tempfile::tempdir().unwrap();
    let bad = "tests/fixtures/keymaps/invalid/duplicate.toml";
    let run = tvang_in(&repo(), db.path(), &["--keymap", bad]);
    assert_eq!(run.code, 2);
    let expected = std::fs::read_to_string(repo().join(bad).with_extension("expected")).unwrap();
    let first_line = expected
        .trim_start_matches("tvang: ")
        .lines()
        .next()
        .unwrap();
    assert!(run.stderr.contains(first_line), "{}", run.stderr);
    assert!(run
        .stderr
        .contains("tvang starter ikke med et ugyldig tasteoppsett"));
}

#[test]
fn without_a_terminal_the_ui_says_to_use_the_commands() {
    let db = tempfile::tempdir().unwrap();
    let run = tvang_in(&repo(), db.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bare i en terminal"), "{}", run.stderr);
}

#[test]
fn keymap_list_shows_the_keymap_the_tui_would_use() {
    let db = tempfile::tempdir().unwrap();
    let quit_line = |out: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with("quit "))
            .unwrap_or_else(|| panic!("no quit line:\n{out}"))
            .to_string()
    };
    let built_in = tvang_in(&repo(), db.path(), &["keymap", "list"]);
    assert_eq!(built_in.code, 0, "{}", built_in.stderr);
    assert!(
        quit_line(&built_in.stdout).contains("q, ctrl-c"),
        "{}",
        built_in.stdout
    );
    let arrows = tvang_in(
        &repo(),
        db.path(),
        &["--keymap", "keymaps/arrows.toml", "keymap", "list"],
    );
    assert_eq!(arrows.code, 0, "{}", arrows.stderr);
    let quit = quit_line(&arrows.stdout);
    assert!(quit.contains("ctrl-q, ctrl-c, f10"), "{quit}");
    assert!(arrows.stdout.contains("shift-f3"), "{}", arrows.stdout);
}
