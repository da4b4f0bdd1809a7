//! End-to-end runs of the real binary in a real terminal (tmux): what an inspector does, then
//! the store checked after tvang has gone. Skipped, with the reason printed, where tmux is
//! missing (`.ci/run` installs it).

use crate::common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use tvang::review::{RecordKind, Status};

/// A tmux server of its own (one socket per test), running one tvang.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn available() -> bool {
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// Starts `tvang --db DB --config CONFIG` in a 120×35 terminal.
    fn start(name: &str, db: &Path, config: &Path) -> Tmux {
        let t = Tmux {
            socket: format!("tvang-e2e-{name}-{}", std::process::id()),
        };
        let command = format!(
            "exec env -u TVANG_DB TERM=xterm-256color '{}' --db '{}' --config '{}'",
            bin().display(),
            db.display(),
            config.display()
        );
        let out = t.tmux(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "120",
            "-y",
            "35",
            &command,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Keep the pane after tvang exits, to read its last screen and know that it ended.
        t.tmux(&["set-option", "-t", "e2e", "remain-on-exit", "on"]);
        t
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "e2e"]).stdout)
            .into_owned()
    }

    /// Waits until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |screen| screen.contains(text))
    }

    /// Waits until the screen satisfies `test`.
    fn wait_until(&self, what: &str, test: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if test(&screen) {
                return screen;
            }
            if started.elapsed() > Duration::from_secs(20) {
                panic!("waited for {what:?}; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends tmux key names (`Enter`, `C-s`, `j`) one by one.
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "e2e", k]);
        }
    }

    /// Types text literally.
    fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "e2e", "-l", text]);
    }

    fn pid(&self) -> u32 {
        let out = self.tmux(&["list-panes", "-t", "e2e", "-F", "#{pane_pid}"]);
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }

    fn wait_exit(&self) {
        let started = Instant::now();
        loop {
            let out = self.tmux(&["list-panes", "-t", "e2e", "-F", "#{pane_dead}"]);
            if String::from_utf8_lossy(&out.stdout).trim() == "1" {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "tvang did not exit"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

/// Each file of the store with its size and modification time.
fn store_files(db: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut files = Vec::new();
    let mut dirs = vec![db.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                dirs.push(entry.path());
            } else {
                files.push((entry.path(), meta.len(), meta.modified().unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// Waits until the store's files differ from `before` and then stay unchanged for longer than
/// the TUI's session save interval (1 s): every pending save has reached the disk.
fn wait_for_quiet_store(db: &Path, before: &[(PathBuf, u64, std::time::SystemTime)]) {
    let started = Instant::now();
    let mut last = store_files(db);
    let mut still_since = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(100));
        let now = store_files(db);
        if now != last {
            last = now;
            still_since = Instant::now();
        } else if last.as_slice() != before && still_since.elapsed() > Duration::from_millis(1500) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the store was not written"
        );
    }
}

fn setup(name: &str) -> Option<(tempfile::TempDir, PathBuf, PathBuf)> {
    if !Tmux::available() {
        // CI sets the switch: there a missing tmux is a failure, not a skip.
        assert!(
            std::env::var_os("TVANG_REQUIRE_TMUX").is_none_or(|v| v != "1"),
            "{name}: tmux is not installed and TVANG_REQUIRE_TMUX=1"
        );
        eprintln!("SKIPPED {name}: tmux is not installed (.ci/run installs it)");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let run = tvang(&db, &["import", &samples()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "inspector = \"Kari Inspektør\"\n").unwrap();
    Some((dir, db, config))
}

#[test]
fn filter_annotate_classify_quit_and_everything_is_there_when_reopened() {
    let Some((_dir, db, config)) = setup("session") else {
        return;
    };
    let t = Tmux::start("session", &db, &config);
    t.wait_for("Protokoller: 304");
    t.keys(&["f"]);
    t.text("status=ny provision=10-7");
    t.keys(&["Enter"]);
    t.wait_for("[hjemmel: § 10-7]");
    t.keys(&["d"]);
    t.wait_for("Lagret: status gjennomgått.");
    t.keys(&["a"]);
    t.wait_for("Notat — ctrl-s lagrer");
    t.text("Institusjonen må redegjøre for mildere tiltak.");
    t.keys(&["Enter"]);
    t.text("Frist: to uker.");
    t.keys(&["C-s"]);
    t.wait_for("Lagret: notat.");
    t.keys(&["Tab"]);
    // The protocol status is dropped from the filter; the provision stays. Both on the new
    // screen: the protocol queue showed the provision too.
    t.wait_until("the complaints with the provision's filter", |screen| {
        screen.contains("tvang · Klager: ")
            && screen.contains("[hjemmel: § 10-7]")
            && !screen.contains("[status: ny]")
    });
    t.keys(&["F"]);
    t.wait_for("Klager: 28");
    t.keys(&["f"]);
    t.text("status=mottatt");
    t.keys(&["Enter"]);
    t.wait_for("[status: mottatt]");
    t.keys(&["d"]);
    t.wait_for("Utfall av klagen");
    t.keys(&["m"]);
    t.wait_for("Lagret: utfall medhold.");
    // Search for the note just written, then back to the queue as it was.
    t.keys(&["Tab", "F", "/"]);
    t.text("redegjore");
    t.wait_for("/redegjore  1 treff");
    t.keys(&["Enter"]);
    t.wait_for("[søk: redegjore]");
    t.wait_for("notat: Institusjonen må redegjøre");
    t.keys(&["Escape"]);
    t.wait_for("Søket er avsluttet");
    t.keys(&["q"]);
    t.wait_exit();

    let store = reopen_store(&db);
    let protocols = store.reviews(RecordKind::Protocol).unwrap();
    let reviewed: Vec<_> = protocols
        .values()
        .filter(|r| r.status == Some(Status::Gjennomgatt))
        .collect();
    assert_eq!(reviewed.len(), 1);
    let noted: Vec<_> = protocols.values().flat_map(|r| &r.annotations).collect();
    assert_eq!(noted.len(), 1);
    assert_eq!(
        noted[0].text,
        "Institusjonen må redegjøre for mildere tiltak.\nFrist: to uker."
    );
    assert_eq!(noted[0].author, "Kari Inspektør");
    let complaints = store.reviews(RecordKind::Complaint).unwrap();
    let decided: Vec<_> = complaints
        .values()
        .filter(|r| r.outcome == Some(tvang::model::Outcome::Medhold))
        .collect();
    assert_eq!(decided.len(), 1);
    assert_eq!(decided[0].status, Some(Status::Avgjort));
    drop(store);

    // Reopened, the UI shows what was saved.
    let t = Tmux::start("reopened", &db, &config);
    t.wait_for("303 protokoller åpne");
    t.keys(&["q"]);
    t.wait_exit();
}

#[test]
fn kill_9_mid_session_loses_nothing_that_was_shown_as_saved() {
    let Some((_dir, db, config)) = setup("kill") else {
        return;
    };
    let t = Tmux::start("kill", &db, &config);
    t.wait_for("Protokoller: 304");
    for n in 1..=3 {
        t.keys(&["o"]);
        // Rows show the status as a column; the message line says "Lagret: status oppfølging.".
        t.wait_until(&format!("{n} rows in oppfølging"), |screen| {
            screen
                .lines()
                .filter(|l| l.contains(" oppfølging") && !l.contains("Lagret"))
                .count()
                == n
        });
    }
    t.keys(&["g", "g", "a"]);
    t.text("Lagret før kill.");
    t.keys(&["C-s"]);
    t.wait_for("Lagret: notat.");
    // A note being written is not saved: it must not appear either.
    t.keys(&["j", "a"]);
    t.text("Ikke lagret");
    t.wait_for("Ikke lagret");
    let pid = t.pid();
    let killed = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    t.wait_exit();

    let store = reopen_store(&db);
    let protocols = store.reviews(RecordKind::Protocol).unwrap();
    let followed = protocols
        .values()
        .filter(|r| r.status == Some(Status::Oppfolging))
        .count();
    assert_eq!(followed, 3);
    let notes: Vec<&str> = protocols
        .values()
        .flat_map(|r| &r.annotations)
        .map(|a| a.text.as_str())
        .collect();
    assert_eq!(notes, ["Lagret før kill."]);
    let trail: usize = protocols
        .keys()
        .map(|id| {
            store
                .audit(tvang::review::RecordRef::protocol(*id))
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(
        trail, 4,
        "three status changes and one note in the audit trail"
    );
}

#[test]
fn kill_9_in_a_review_session_resumes_it_where_the_inspector_was() {
    let Some((_dir, db, config)) = setup("review") else {
        return;
    };
    let run = tvang(
        &db,
        &[
            "session",
            "new",
            "Solbakken før tilsyn",
            "--institution",
            "Solbakken",
            "--status",
            "ny",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let t = Tmux::start("review", &db, &config);
    t.wait_for("Protokoller: 304");
    t.keys(&[":"]);
    t.text("session Solbakken før tilsyn");
    t.keys(&["Enter"]);
    t.wait_for("Økt «Solbakken før tilsyn» · 0 / 40 gjennomgått");
    t.keys(&["d"]);
    t.wait_for("1 / 40 gjennomgått");
    t.keys(&["o"]);
    t.wait_for("2 / 40 gjennomgått · 1 til oppfølging");
    let saved_before = store_files(&db);
    // Two rows down, opened and scrolled: where the inspector is when tvang dies.
    t.keys(&["j", "j", "Enter"]);
    let detail = t.wait_for("Statsforvalter:");
    let id_line = detail
        .lines()
        .find(|l| l.contains("Protokoll"))
        .unwrap_or_else(|| panic!("no protocol line in the detail:\n{detail}"))
        .trim()
        .to_string();
    assert!(!id_line.is_empty());
    t.keys(&["j"]);
    // The position is written within a second of the last key: wait until the store has
    // been written since the decisions were shown as saved, then stayed still.
    wait_for_quiet_store(&db, &saved_before);
    let pid = t.pid();
    let killed = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    t.wait_exit();
    drop(t);

    let t = Tmux::start("resumed", &db, &config);
    let screen = t.wait_for("Fortsetter økt «Solbakken før tilsyn»: 2 / 40 gjennomgått");
    assert!(screen.contains("Statsforvalter:"), "{screen}");
    assert!(
        screen.contains(&id_line),
        "not the same record: {id_line:?}\n{screen}"
    );
    t.keys(&["Escape"]);
    let queue = t.wait_for("Dato↓");
    assert!(
        queue.contains("[økt: status: ny, institusjon: Solbakken]"),
        "{queue}"
    );
    let cursor_row = queue
        .lines()
        .find(|l| l.starts_with('>'))
        .unwrap_or_else(|| panic!("no cursor row:\n{queue}"));
    assert!(!cursor_row.contains('✓'), "{queue}");
    assert_eq!(
        queue.lines().filter(|l| l.contains('✓')).count(),
        2,
        "{queue}"
    );
    t.keys(&["q"]);
    t.wait_exit();
    let list = tvang(&db, &["session", "list"]).stdout;
    assert!(
        list.contains("* Solbakken før tilsyn 2 / 40 gjennomgått · 1 til oppfølging"),
        "{list}"
    );
}

#[test]
fn a_decided_complaint_gets_its_letter_through_the_offices_template() {
    let Some((dir, db, config)) = setup("letter") else {
        return;
    };
    let template = dir.path().join("vedtaksbrev.md");
    std::fs::write(
        &template,
        "# Vedtak i klagesak {{ complaint.id }}\n\nUtfall: {{ decision.outcome_words }}.\n\n\
         {{ decision.reasons }}\n\nMed hilsen {{ decision.decided_by }}\n",
    )
    .unwrap();
    std::fs::write(
        &config,
        format!(
            "inspector = \"Kari Inspektør\"\nletter_template = \"{}\"\n",
            template.display()
        ),
    )
    .unwrap();
    let letter = dir.path().join("brev.md");
    let t = Tmux::start("letter", &db, &config);
    t.wait_for("Protokoller: 304");
    t.keys(&["Tab"]);
    t.wait_for("tvang · Klager: ");
    t.keys(&["f"]);
    t.text("status=mottatt");
    t.keys(&["Enter"]);
    t.wait_for("[status: mottatt]");
    t.keys(&["Enter"]);
    t.wait_for("ikke avgjort");
    t.keys(&[":"]);
    t.text(&format!("vedtaksbrev {}", letter.display()));
    t.keys(&["Enter"]);
    t.wait_for("er ikke avgjort: registrer utfallet");
    t.keys(&[":"]);
    t.text("outcome ikke_medhold");
    t.keys(&["Enter"]);
    t.wait_for("Lagret: utfall");
    t.keys(&[":"]);
    t.text("begrunnelse");
    t.keys(&["Enter"]);
    t.wait_for("ctrl-s lagrer");
    t.text("Faren var akutt, og holdingen opphørte straks.");
    t.keys(&["C-s"]);
    t.wait_for("Lagret: begrunnelse");
    t.keys(&[":"]);
    t.text(&format!("vedtaksbrev {}", letter.display()));
    t.keys(&["Enter"]);
    t.wait_for("Vedtaksbrevet er skrevet");
    t.keys(&["Escape"]);
    t.keys(&["q"]);
    t.wait_exit();
    let text = std::fs::read_to_string(&letter).unwrap();
    assert!(text.starts_with("# Vedtak i klagesak K-20"), "{text}");
    assert!(
        text.contains("Utfall: ikke medhold (stadfestet)."),
        "{text}"
    );
    assert!(
        text.contains("Faren var akutt, og holdingen opphørte straks."),
        "{text}"
    );
    assert!(text.contains("Med hilsen Kari Inspektør"), "{text}");

    // A template with a misspelt placeholder stops tvang before its screen, naming the line.
    std::fs::write(&template, "Vedtak\n\n{{ complaint.idd }}\n").unwrap();
    let t = Tmux::start("letter-broken", &db, &config);
    t.wait_exit();
    // The message wraps where the temporary folder's name makes it, and may have scrolled
    // into the history when the pane took its size: all of it, wrapped lines joined.
    let out = t.tmux(&["capture-pane", "-p", "-J", "-S", "-", "-t", "e2e"]);
    let screen = String::from_utf8_lossy(&out.stdout).replace('\n', "");
    assert!(
        screen.contains("linje 3: ukjent plassholder «complaint.idd»"),
        "{screen}"
    );
}
