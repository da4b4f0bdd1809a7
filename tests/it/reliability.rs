//! Issue 18: what a hostile or broken environment does to tvang's outputs and files.

use crate::common::{bin, samples, tvang};
use std::path::Path;
use std::process::{Command, Stdio};
use tempfile::tempdir;

fn imported(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("db");
    assert_eq!(tvang(&db, &["import", &samples()]).code, 0);
    db
}

/// Runs tvang with its standard output on `/dev/full`.
fn to_full_disk(db: &Path, args: &[&str]) -> Option<(i32, String)> {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .ok()?;
    let out = Command::new(bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .env("CI", "true")
        .stdout(Stdio::from(full))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[test]
fn a_command_whose_output_cannot_be_written_fails_in_words() {
    let dir = tempdir().unwrap();
    let db = imported(dir.path());
    let commands: [&[&str]; 8] = [
        &["list"],
        &["list", "--complaints"],
        &["search", "solbakken"],
        &["stats"],
        &["show", "Solbakken ungdomshjem/2024/0001"],
        &["export"],
        &["export", "--format", "csv"],
        &["audit"],
    ];
    for args in commands {
        let Some((code, stderr)) = to_full_disk(&db, args) else {
            eprintln!("SKIPPED: no /dev/full on this machine");
            return;
        };
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("disken er full"), "{args:?}: {stderr}");
        assert!(!stderr.contains("os error"), "{args:?}: {stderr}");
    }
    // A reader that stops early (`| head`) is not a failure.
    let mut child = Command::new(bin())
        .arg("--db")
        .arg(&db)
        .arg("export")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[cfg(unix)]
#[test]
fn exports_refuse_devices_fifos_and_folders_and_leave_them_as_they_were() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempdir().unwrap();
    let db = imported(dir.path());
    let run = tvang(&db, &["export", "--out", "/dev/full"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("er en enhet"), "{}", run.stderr);
    let device = std::fs::metadata("/dev/full").unwrap().file_type();
    assert!(device.is_char_device(), "the device is still a device");

    let fifo = dir.path().join("rør");
    if !Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("SKIPPED: mkfifo not available");
        return;
    }
    let fifo_arg = fifo.display().to_string();
    for args in [
        vec!["export", "--out", &fifo_arg],
        vec!["backup", &fifo_arg],
    ] {
        // Would block for ever if it opened the FIFO.
        let run = tvang(&db, &args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("FIFO"), "{}", run.stderr);
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }
    let folder = dir.path().display().to_string();
    let run = tvang(&db, &["export", "--out", &folder]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("er en mappe"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_revealed_export_in_a_shared_folder_cannot_be_hijacked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir().unwrap();
    let db = imported(dir.path());
    let shared = dir.path().join("delt");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let out = shared.join("eksport.jsonl");
    // Another user prepares the name tvang used to write through, world-writable, and a
    // symlink to a file of the victim's under the name with the old extension.
    let planted = shared.join("eksport.tvang-partial");
    std::fs::write(&planted, "").unwrap();
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o666)).unwrap();
    let victim = dir.path().join("viktig.txt");
    std::fs::write(&victim, "mine").unwrap();
    std::os::unix::fs::symlink(&victim, shared.join("eksport.jsonl.tvang-partial")).unwrap();

    let out_arg = out.display().to_string();
    let run = tvang(&db, &["export", "--reveal", "--out", &out_arg]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&planted).unwrap(), "");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine");
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(std::fs::read_to_string(&out).unwrap().lines().count() > 300);
    let leftovers: Vec<_> = std::fs::read_dir(&shared)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".eksport.jsonl.") && n != ".eksport.jsonl.tvang-partial")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The import report names files and fields: owner-only too.
    let report = shared.join("rapport.json");
    let run = tvang(
        &db,
        &[
            "import",
            &samples(),
            "--report",
            &report.display().to_string(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mode = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[cfg(unix)]
#[test]
fn the_store_folder_is_examined_before_anything_is_written_or_made_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempdir().unwrap();

    // A folder of other things is not a store: refused, and nothing in it changes.
    let somedir = dir.path().join("skript");
    std::fs::create_dir(&somedir).unwrap();
    std::fs::set_permissions(&somedir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let script = somedir.join("kjør.sh");
    std::fs::write(&script, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = tvang(&somedir, &["list"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("er ikke et tvang-lager"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("kjør.sh"), "{}", run.stderr);
    assert_eq!((mode(&somedir), mode(&script)), (0o755, 0o755));
    assert!(!somedir.join("sled").exists() && !somedir.join("tvang.lock").exists());

    // A new, empty 0755 folder: a store, private, and no warning (nothing was there to read).
    let empty = dir.path().join("tom");
    std::fs::create_dir(&empty).unwrap();
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = tvang(&empty, &["import", &samples()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("åpent for andre"), "{}", run.stderr);
    assert_eq!(mode(&empty), 0o700);

    // A store named through a link: the link's target is the store; what the store's own
    // files link to elsewhere is never touched.
    let outside = dir.path().join("utenfor");
    std::fs::write(&outside, "x").unwrap();
    std::fs::set_permissions(&outside, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::symlink(&outside, empty.join("sled").join("lenke")).unwrap();
    let link = dir.path().join("lenke-til-lager");
    std::os::unix::fs::symlink(&empty, &link).unwrap();
    let run = tvang(&link, &["list", "--limit", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        mode(&outside),
        0o644,
        "a link inside the store is not followed"
    );
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(mode(&empty), 0o700);

    // A store whose data folder was deleted does not silently become a new, empty store.
    std::fs::remove_dir_all(empty.join("sled")).unwrap();
    let run = tvang(&empty, &["list"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("mangler dataene sine"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("restore"), "{}", run.stderr);
    assert!(!empty.join("sled").exists());
}

#[test]
fn control_and_bidi_characters_never_reach_the_terminal() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    // OSC 0 (set the title), CSI 2J (clear the screen), a C1 CSI, a right-to-left override.
    let hostile =
        "Ungdommen\u{1b}]0;hacket\u{7}\u{1b}[2J sparket \u{9b}31m etter \u{202E}personalet";
    let good = serde_json::json!({
        "protocol_id": "2024/0001", "institution": "Solbakken ungdomshjem", "region": "vestland",
        "child_ref": "B-1", "provision": "10-7", "kind": "fastholding",
        "started_at": "2024-03-01 10:00", "ended_at": "2024-03-01 10:10",
        "danger": hostile, "received_at": "2024-03-02",
        "felt\u{1b}[31m": "ukjent felt med escape i navnet"
    });
    let bad_institution = serde_json::json!({
        "protocol_id": "2024/0002", "institution": "Solbakken\u{1b}]0;x\u{7}",
        "provision": "10-7", "started_at": "2024-03-01 10:00"
    });
    let bidi_id = serde_json::json!({
        "protocol_id": "2024/\u{202E}1000", "institution": "Solbakken ungdomshjem",
        "provision": "10-7", "started_at": "2024-03-01 10:00"
    });
    let file = crate::common::write(
        dir.path(),
        "fiendtlig.jsonl",
        &format!("{good}\n{bad_institution}\n{bidi_id}\n"),
    );
    let run = tvang(&db, &["import", &file]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("Avviste poster: 2"), "{}", run.stdout);
    assert!(
        run.stdout.contains("institution: inneholder kontrolltegn"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("protocol_id: inneholder tegn som snur leseretningen"),
        "{}",
        run.stdout
    );
    let mut outputs = vec![run.stdout, run.stderr];
    for args in [
        vec!["show", "Solbakken ungdomshjem/2024/0001"],
        vec!["list"],
        vec!["list", "--format", "json"],
        vec!["search", "sparket"],
        vec!["stats", "--by", "institution"],
        vec!["import", &file],
    ] {
        let run = tvang(&db, &args);
        assert!(run.code <= 1, "{args:?}: {}", run.stderr);
        outputs.push(run.stdout);
        outputs.push(run.stderr);
    }
    assert!(
        outputs[2].contains("␛]0;hacket␇␛[2J sparket"),
        "{}",
        outputs[2]
    );
    for out in &outputs {
        for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202E}'] {
            assert!(!out.contains(bad), "{bad:?} reached the terminal: {out}");
        }
    }
    // The stored text is as imported: an export (a file, not a terminal) keeps it.
    let export = dir.path().join("eksport.jsonl");
    let run = tvang(
        &db,
        &["export", "--reveal", "--out", &export.display().to_string()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let exported = std::fs::read_to_string(&export).unwrap();
    let first: serde_json::Value = serde_json::from_str(exported.lines().next().unwrap()).unwrap();
    assert_eq!(first["danger"], hostile);
}

#[test]
fn a_long_number_as_an_id_keeps_its_digits_or_is_refused() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let record = |id: &str| {
        format!(
            r#"{{"protocol_id": {id}, "institution": "Solbakken ungdomshjem", "provision": "10-7", "started_at": "2024-03-01 10:00"}}"#
        )
    };
    let file = crate::common::write(
        dir.path(),
        "tall.jsonl",
        &[
            record("12345678901234567890123"),
            record("12345678901234567890124"),
            record("18446744073709551615"),
            record("18446744073709551614"),
        ]
        .join("\n"),
    );
    let run = tvang(&db, &["import", &file]);
    assert!(run.stdout.contains("Protokoller: 2 nye"), "{}", run.stdout);
    assert!(run.stdout.contains("Avviste poster: 2"), "{}", run.stdout);
    assert!(
        run.stdout.contains("kan ikke leses nøyaktig"),
        "{}",
        run.stdout
    );
    let list = tvang(&db, &["list", "--format", "json"]).stdout;
    assert!(list.contains("\"18446744073709551615\""), "{list}");
    assert!(list.contains("\"18446744073709551614\""), "{list}");
}

/// A valid synthetic fødselsnummer (checksums right, no real person): its last five digits must
/// never be shown; masked it reads `150308 *****`.
const NUMBER: &str = "15030850189";
const HIDDEN: &str = "50189";

#[test]
fn a_number_planted_in_every_field_and_field_name_is_masked_in_every_output() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let n = NUMBER;
    let protocol = serde_json::json!({
        "protocol_id": "2024/0001", "institution": "Solbakken ungdomshjem",
        "region": format!("vestland {n}"), "unit": format!("avdeling {n}"),
        "child_ref": format!("barn {n}"), "placement_basis": format!("bvl § 6-2 ({n})"),
        "provision": format!("bvl § 10-7 {n}"), "kind": format!("fastholding {n}"),
        "started_at": "2024-03-01 10:00", "ended_at": "2024-03-01 10:10",
        "danger": format!("fare {n}"), "justification": format!("begrunnelse {n}"),
        "execution": format!("gjennomføring {n}"), "decided_by": format!("leder {n}"),
        "injury": "child", "injury_note": format!("skade {n}"),
        "child_statement": format!("barnet {n}"), "received_at": "2024-03-02",
        format!("felt {n}"): "ukjent felt",
        "complaint": {
            "complaint_id": "K-2024-1", "received_at": "2024-03-05", "complainant": "barnet",
            "text": format!("klage {n}"), "decided_by": format!("saksbehandler {n}"),
            "decision_reasons": format!("grunner {n}"), "outcome": "ikke_medhold",
            "decided_at": "2024-03-20"
        }
    });
    let file = crate::common::write(dir.path(), "planted.jsonl", &format!("{protocol}\n"));
    let report = dir.path().join("rapport.json");
    let import = tvang(
        &db,
        &["import", &file, "--report", &report.display().to_string()],
    );
    assert!(import.code <= 1, "{}", import.stderr);
    assert!(
        import.stdout.contains("Protokoller: 1 nye"),
        "{}",
        import.stdout
    );
    let session = tvang(&db, &["session", "new", "Kontroll"]);
    assert_eq!(session.code, 0, "{}", session.stderr);

    let mut outputs = vec![
        ("import".to_string(), import.stdout + &import.stderr),
        ("--report".into(), std::fs::read_to_string(&report).unwrap()),
    ];
    let reference = "Solbakken ungdomshjem/2024/0001";
    let commands: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec!["list", "--format", "json"],
        vec!["list", "--complaints"],
        vec!["list", "--complaints", "--format", "json"],
        vec!["show", reference],
        vec!["show", reference, "--format", "json"],
        vec!["show", "Solbakken ungdomshjem/K-2024-1"],
        vec!["search", n],
        vec!["search", "fare"],
        vec!["search", "fare", "--format", "json"],
        vec!["stats", "--by", "region"],
        vec!["stats", "--by", "kind"],
        vec!["stats", "--by", "provision", "--format", "json"],
        vec!["stats", "--by", "provision", "--format", "csv"],
        vec!["stats", "--by", "child", "--format", "markdown"],
        vec!["export"],
        vec!["export", "--format", "csv"],
        vec!["export", "--pseudonymise", "--with-text"],
        vec!["session", "show", "Kontroll"],
        vec!["session", "report", "Kontroll"],
        vec!["audit"],
    ];
    for args in &commands {
        let run = tvang(&db, args);
        assert!(run.code <= 1, "{args:?}: {}", run.stderr);
        outputs.push((args.join(" "), run.stdout + &run.stderr));
    }
    // The fields are there, masked: the test reads what it means to.
    let show = &outputs
        .iter()
        .find(|(c, _)| c.starts_with("show Solbakken ungdomshjem/2024"))
        .unwrap()
        .1;
    assert!(show.contains("fare 150308 *****"), "{show}");
    for (command, out) in &outputs {
        assert!(!out.contains(HIDDEN), "{command} shows the number: {out}");
    }
    // Redacted at import: nothing of it is stored, in any field.
    let redacted_db = dir.path().join("redacted");
    let run = tvang(&redacted_db, &["import", "--redact", &file]);
    assert!(run.code <= 1, "{}", run.stderr);
    let export = tvang(&redacted_db, &["export", "--reveal"]);
    assert!(!export.stdout.contains("150308"), "{}", export.stdout);
    assert!(
        export.stdout.contains("fødselsnummer fjernet"),
        "{}",
        export.stdout
    );
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_given_as_input_are_skipped_not_read_for_ever() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let folder = dir.path().join("innboks");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(
        crate::common::repo().join("samples/klager-2023.jsonl"),
        folder.join("klager.jsonl"),
    )
    .unwrap();
    let fifo_in_folder = folder.join("protokoller.csv");
    let fifo = dir.path().join("rør.jsonl");
    for f in [&fifo_in_folder, &fifo] {
        if !Command::new("mkfifo")
            .arg(f)
            .status()
            .is_ok_and(|s| s.success())
        {
            eprintln!("SKIPPED: mkfifo not available");
            return;
        }
    }
    // tvang would block for ever opening a FIFO; the test would hang, not fail.
    let run = tvang(
        &db,
        &[
            "import",
            &folder.display().to_string(),
            &fifo.display().to_string(),
            "/dev/zero",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("Filer lest: 1, hoppet over: 3"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("protokoller.csv: er en FIFO"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("rør.jsonl: er en FIFO"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("/dev/zero: er en enhet"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Klager: 11 nye"), "{}", run.stdout);
}

#[test]
fn a_field_too_long_is_refused_and_a_file_of_many_columns_is_summed_up() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    let long = "a".repeat(tvang::import::record::MAX_FIELD_BYTES + 1);
    let record = serde_json::json!({
        "protocol_id": "2024/0001", "institution": "Solbakken ungdomshjem",
        "provision": "10-7", "started_at": "2024-03-01 10:00", "danger": long
    });
    let ok = serde_json::json!({
        "protocol_id": "2024/0002", "institution": "Solbakken ungdomshjem",
        "provision": "10-7", "started_at": "2024-03-01 10:00", "danger": "kort"
    });
    let file = crate::common::write(dir.path(), "lang.jsonl", &format!("{record}\n{ok}\n"));
    let run = tvang(&db, &["import", &file]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("lang.jsonl:1: danger: er for lang (257 kB; grensen er 256 kB)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Protokoller: 1 nye"), "{}", run.stdout);

    // 10,000 unknown columns: the summary names 20 and counts the rest.
    let mut header = vec!["protokoll_id", "institusjon", "hjemmel", "start"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    header.extend((0..10_000).map(|i| format!("kolonne{i}")));
    let mut row = vec![
        "2024/0003",
        "Solbakken ungdomshjem",
        "10-7",
        "01.03.2024 10:00",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    row.extend((0..10_000).map(|_| String::new()));
    let csv = format!("{}\n{}\n", header.join(","), row.join(","));
    let file = crate::common::write(dir.path(), "bred.csv", &csv);
    let run = tvang(&db, &["import", &file]);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Ukjente felt"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(line.ends_with("… og 9980 til"), "{line}");
    assert!(line.len() < 400, "{line}");
}

#[test]
fn a_record_too_large_is_refused_in_every_format_and_the_rest_is_imported() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("db");
    // Nine fields, each within the field limit, together beyond the record limit.
    let chunk = "a".repeat(tvang::import::record::MAX_FIELD_BYTES - 1000);
    let fields = ["danger", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"];
    let mut big = serde_json::json!({
        "protocol_id": "2024/0101", "institution": "Solbakken ungdomshjem",
        "provision": "10-7", "started_at": "2024-03-01 10:00",
    });
    for (i, name) in fields.iter().enumerate() {
        big[name] = serde_json::Value::String(format!("{i}{chunk}"));
    }
    let small = |id: &str| {
        serde_json::json!({
            "protocol_id": id, "institution": "Solbakken ungdomshjem",
            "provision": "10-7", "started_at": "2024-03-01 10:00", "danger": "kort"
        })
    };
    let jsonl = crate::common::write(
        dir.path(),
        "stor.jsonl",
        &format!("{big}\n{}\n", small("2024/0102")),
    );
    let json = crate::common::write(
        dir.path(),
        "stor.json",
        &serde_json::json!([small("2024/0103"), big]).to_string(),
    );
    let header = ["protocol_id", "institution", "provision", "started_at"]
        .iter()
        .map(|s| s.to_string())
        .chain(fields.iter().map(|f| f.to_string()))
        .collect::<Vec<_>>()
        .join(",");
    let row = [
        "2024/0104",
        "Solbakken ungdomshjem",
        "10-7",
        "2024-03-01 10:00",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain((0..fields.len()).map(|i| format!("{i}{chunk}")))
    .collect::<Vec<_>>()
    .join(",");
    let csv = crate::common::write(dir.path(), "stor.csv", &format!("{header}\n{row}\n"));
    let run = tvang(&db, &["import", &jsonl, &json, &csv]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    for place in ["stor.jsonl:1:", "stor.json:", "stor.csv:2:"] {
        let line = run
            .stdout
            .lines()
            .find(|l| l.contains(place) && l.contains("posten er for stor"))
            .unwrap_or_else(|| panic!("{place}: {}", run.stdout));
        assert!(line.contains("grensen er 2048 kB per post"), "{line}");
    }
    assert!(run.stdout.contains("Protokoller: 2 nye"), "{}", run.stdout);
}

/// A small tmpfs, unmounted when dropped; `None` where the test may not mount one (not root,
/// no mount command, a container without the right), and the test then says SKIPPED.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Runs tvang, failing the test if it has not ended within `seconds` (a hang, not slowness).
fn tvang_within(seconds: u64, db: &Path, args: &[&str]) -> crate::common::Run {
    let child = Command::new(bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .env("CI", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // The output is read while waiting (a full pipe would block the child).
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(out) = rx.recv_timeout(std::time::Duration::from_secs(seconds)) else {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        panic!("tvang {args:?} hung (no end after {seconds} s)");
    };
    let out = out.unwrap();
    crate::common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn count_after(line_start: &str, text: &str) -> usize {
    text.lines()
        .find_map(|l| l.strip_prefix(line_start))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no «{line_start}» in {text}"))
}

#[test]
fn a_full_disk_stops_an_import_in_words_and_leaves_a_store_that_opens_with_what_was_stored() {
    let Some(disk) = SmallDisk::mount(60) else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (needs root)");
        return;
    };
    let data = tempdir().unwrap();
    let generated = data.path().join("data");
    let run = crate::common::tvang(
        &data.path().join("unused"),
        &[
            "generate",
            "--protocols",
            "12000",
            "--seed",
            "7",
            "--out",
            &generated.display().to_string(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let db = disk.path().join("lager");
    for attempt in 0..3 {
        // Room for a part of the import only.
        let filler = disk.path().join("fyll");
        std::fs::write(&filler, vec![0u8; 25 * 1024 * 1024]).unwrap();
        let run = tvang_within(120, &db, &["import", &generated.display().to_string()]);
        assert_eq!(
            run.code, 2,
            "attempt {attempt}: {}{}",
            run.stdout, run.stderr
        );
        // Stopped before sled met the full disk, in words, with what was stored; or, once
        // the store itself fills the room, not even opened.
        assert!(run.stderr.contains("er nesten full"), "{}", run.stderr);
        assert!(!run.stderr.contains("os error"), "{}", run.stderr);
        let stored = if run.stdout.contains("Protokoller: ") {
            assert!(run.stderr.contains("importen stoppet"), "{}", run.stderr);
            count_after("Protokoller: ", &run.stdout)
        } else {
            assert!(
                run.stderr.contains("Ingenting er skrevet"),
                "{}",
                run.stderr
            );
            0
        };
        // A read-only command on the full disk: whatever it says, it must not break the store.
        let _ = tvang_within(60, &db, &["list", "--limit", "1"]);
        let _ = tvang_within(60, &db, &["list", "--limit", "1"]);
        std::fs::remove_file(&filler).unwrap();
        // With room again: the store opens and holds what the summary said was stored.
        let list = tvang_within(60, &db, &["list", "--limit", "0", "--format", "json"]);
        assert_eq!(list.code, 0, "{}", list.stderr);
        let listed: Vec<serde_json::Value> = serde_json::from_str(&list.stdout).unwrap();
        let verify = tvang_within(60, &db, &["audit", "--verify"]);
        assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
        if attempt == 0 {
            assert!(stored > 0, "{}", run.stdout);
            assert_eq!(listed.len(), stored);
        }
    }
    // Everything in the end, the earlier batches counted unchanged.
    let run = tvang_within(120, &db, &["import", &generated.display().to_string()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let list = tvang_within(60, &db, &["list", "--limit", "0", "--format", "json"]);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(listed.len(), 12_000);
}

/// Fills the disk holding `dir` to the last byte with a file there.
fn fill_disk(dir: &Path) -> std::path::PathBuf {
    use std::io::Write;
    let filler = dir.join("fyll");
    let mut file = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 1024 * 1024];
    while file.write_all(&block).is_ok() {}
    let mut byte = [0u8; 1];
    while file.write_all(&byte).is_ok() {
        byte[0] = 1;
    }
    filler
}

#[test]
fn a_full_disk_in_a_tui_session_keeps_the_typed_text_and_loses_nothing_stored() {
    use tvang::tui::keymap::{Key, Keymap};
    use tvang::tui::state::{App, Overlay};
    let Some(disk) = SmallDisk::mount(40) else {
        eprintln!("SKIPPED: cannot mount a tmpfs here (needs root)");
        return;
    };
    let db = disk.path().join("lager");
    let run = tvang(&db, &["import", &samples()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let store = std::sync::Arc::new(tvang::store::Store::open(&db).unwrap());
    let mut app = App::new(
        store.clone(),
        std::sync::Arc::new(tvang::catalogue::Catalogue::built_in()),
        Keymap::built_in(),
        "kari".into(),
        tvang::triage::TriageRules::default(),
    )
    .unwrap();
    app.resize(120, 40);
    let press = |app: &mut App, keys: &str| {
        for k in keys.split_whitespace() {
            app.on_key(Key::parse(k).unwrap());
        }
    };
    let typed = |app: &mut App, text: &str| text.chars().for_each(|c| app.on_key(Key::ch(c)));
    let record = app.current().unwrap();
    let before = store.review(record).unwrap();
    let filler = fill_disk(disk.path());

    // A status change on the full disk: refused in words, the row unchanged, nothing stored.
    let status = app.queue.rows[app.view.visible[app.view.cursor]].status;
    press(&mut app, "d");
    let (_, message) = app.message.clone().expect("a message");
    assert!(message.starts_with("IKKE LAGRET: "), "{message}");
    assert!(message.contains("nesten full"), "{message}");
    assert_eq!(
        app.queue.rows[app.view.visible[app.view.cursor]].status,
        status
    );
    assert_eq!(store.review(record).unwrap(), before);

    // A note typed and saved on the full disk: refused, and the editor keeps the text.
    press(&mut app, "a");
    typed(&mut app, "Skaden er ikke dokumentert.");
    press(&mut app, "ctrl-s");
    let (_, message) = app.message.clone().expect("a message");
    assert!(message.starts_with("IKKE LAGRET: "), "{message}");
    assert!(
        message.contains("Teksten står fortsatt i feltet"),
        "{message}"
    );
    match &app.overlay {
        Some(Overlay::Note { editor, .. }) => {
            assert_eq!(editor.text(), "Skaden er ikke dokumentert.")
        }
        other => panic!("the note editor closed: {other:?}"),
    }
    assert_eq!(store.review(record).unwrap(), before);

    // Room again: the same editor saves the same text.
    std::fs::remove_file(&filler).unwrap();
    press(&mut app, "ctrl-s");
    assert!(app.overlay.is_none(), "{:?}", app.message);
    drop(app);
    drop(store);

    // The store opens with exactly what was saved, and its audit chain holds.
    let run = tvang(&db, &["audit", "--verify"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let store = tvang::store::Store::open(&db).unwrap();
    let notes = store.review(record).unwrap().annotations;
    let texts: Vec<&str> = notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(texts, ["Skaden er ikke dokumentert."]);
}

#[test]
fn a_damaged_store_names_its_newest_automatic_backup_which_restores_it() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("lager");
    let run = tvang(&db, &["import", &samples()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The day's automatic backup, owner-only, in the store's folder; one a day.
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Dagens sikkerhetskopi: "))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(line.contains("(304 protokoller, 28 klager)"), "{line}");
    let backups: Vec<_> = std::fs::read_dir(db.join("sikkerhetskopier"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let backup = backups[0].display().to_string();
    let again = tvang(&db, &["import", &samples()]);
    assert!(
        !again.stdout.contains("Dagens sikkerhetskopi"),
        "{}",
        again.stdout
    );
    let audit = tvang(&db, &["audit"]).stdout;
    assert!(audit.contains(&backup), "the backup is logged: {audit}");

    // Damage: sled's log and its snapshot overwritten (a disk that lost them).
    for entry in std::fs::read_dir(db.join("sled")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "db" || name.starts_with("snap.") {
            let len = std::fs::metadata(&path).unwrap().len() as usize;
            std::fs::write(&path, vec![0xffu8; len]).unwrap();
        }
    }
    let run = tvang(&db, &["list"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("er skadet og kan ikke leses"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("restore {backup}")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("backtrace"), "{}", run.stderr);

    // What the message says works.
    let fresh = dir.path().join("nytt");
    let run = tvang(&fresh, &["restore", &backup]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let listed = tvang(&fresh, &["list", "--limit", "0"]).stdout;
    assert!(listed.ends_with("304 protokoller.\n"), "{listed}");
    assert_eq!(tvang(&fresh, &["audit", "--verify"]).code, 0);

    // A store whose data folder is gone points at the same backup.
    std::fs::remove_dir_all(db.join("sled")).unwrap();
    let run = tvang(&db, &["list"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("mangler dataene sine"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("restore {backup}")),
        "{}",
        run.stderr
    );
}

#[test]
fn automatic_backups_follow_the_config() {
    let dir = tempdir().unwrap();
    let elsewhere = dir.path().join("annen disk");
    let config = crate::common::write(
        dir.path(),
        "config.toml",
        &format!(
            "[backup]\nfolder = {:?}\nkeep = 2\n",
            elsewhere.display().to_string()
        ),
    );
    let db = dir.path().join("lager");
    let run = tvang(&db, &["--config", &config, "import", &samples()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 1);
    assert!(!db.join("sikkerhetskopier").exists());

    let off = crate::common::write(dir.path(), "av.toml", "[backup]\nkeep = 0\n");
    let db = dir.path().join("uten");
    let run = tvang(&db, &["--config", &off, "import", &samples()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("sikkerhetskopi"), "{}", run.stdout);
    assert!(!db.join("sikkerhetskopier").exists());
}

#[test]
fn an_import_that_finds_nothing_to_read_says_so() {
    let dir = tempdir().unwrap();
    let empty = dir.path().join("tom mappe");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("les-meg.txt"), "ikke en protokoll").unwrap();
    let run = tvang(
        &dir.path().join("db"),
        &["import", &empty.display().to_string()],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("Fant ingen filer å importere"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_file_that_is_no_backup_or_is_cut_short_is_refused_in_words() {
    let dir = tempdir().unwrap();
    let db = dir.path().join("lager");
    assert_eq!(tvang(&db, &["import", &samples()]).code, 0);
    let backup = dir.path().join("kopi.jsonl.gz");
    assert_eq!(
        tvang(&db, &["backup", &backup.display().to_string()]).code,
        0
    );
    let whole = std::fs::read(&backup).unwrap();
    let cut = dir.path().join("avkortet.gz");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let text = dir.path().join("tekst.gz");
    std::fs::write(&text, "ikke komprimert\n").unwrap();
    for (file, says) in [(&cut, "avkortet"), (&text, "tvang-sikkerhetskopi")] {
        let fresh = dir.path().join(format!(
            "ny-{}",
            file.file_name().unwrap().to_string_lossy()
        ));
        let run = tvang(&fresh, &["restore", &file.display().to_string()]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(says), "{}", run.stderr);
        assert!(
            run.stderr.contains("ingenting er skrevet"),
            "{}",
            run.stderr
        );
        for english in ["deflate", "gzip header", "EOF", "unexpected end"] {
            assert!(!run.stderr.contains(english), "{}", run.stderr);
        }
    }
}
