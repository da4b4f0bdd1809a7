//! The decision letter (vedtaksbrev), end to end with the real binary: every section read back
//! from the Word file, the Markdown the same letter, masking and a logged reveal, files 0600 and
//! logged as exports, the office's own template and its errors, and what is refused.

use crate::common::*;
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::Value;
use std::path::{Path, PathBuf};
use tvang::import::document::Block;
use tvang::model::Outcome;
use tvang::review::{Assessment, Change, Check, RecordRef, Status};

const FIXTURE: &str = "tests/fixtures/letter/records.jsonl";
const COMPLAINT: &str = "Solbakken ungdomshjem/K-2024-0417";

struct Case {
    _dir: tempfile::TempDir,
    db: PathBuf,
    cwd: PathBuf,
}

fn case() -> Case {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let cwd = dir.path().join("brev");
    std::fs::create_dir(&cwd).unwrap();
    let run = tvang(&db, &["import", FIXTURE]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    Case { _dir: dir, db, cwd }
}

fn complaint_id(db: &Path, complaint: &str) -> u64 {
    let store = reopen_store(db);
    let id = store
        .complaints()
        .map(Result::unwrap)
        .find(|c| c.complaint.complaint_id == complaint)
        .unwrap()
        .id;
    id
}

/// Decides K-2024-0417 as the inspector would in the TUI: the outcome, its day, who, the
/// reasons, and some of the checklist (one condition failed, with its reason).
fn decide(db: &Path, outcome: Outcome) {
    let record = RecordRef::complaint(complaint_id(db, "K-2024-0417"));
    let check = |id: &str, a: Assessment, reason: Option<&str>| {
        (
            record,
            Change::Check(
                id.to_string(),
                Some(Check {
                    assessment: a,
                    reason: reason.map(str::to_string),
                }),
            ),
        )
    };
    let changes = vec![
        (record, Change::Outcome(Some(outcome))),
        (record, Change::Status(Some(Status::Avgjort))),
        (
            record,
            Change::DecidedOn(Some(NaiveDate::from_ymd_opt(2024, 4, 2).unwrap())),
        ),
        (record, Change::DecidedBy(Some("Kari Nordmann".into()))),
        (
            record,
            Change::Reasons(Some(
                "Faren var over da gutten satt i sofaen.\nHoldingen varte for lenge.".into(),
            )),
        ),
        check(
            "bvl-10-7.akutt_fare",
            Assessment::IkkeOppfylt,
            Some("Stolen var kastet; faren var over."),
        ),
        check("bvl-10-7.strengt_nodvendig", Assessment::IkkeOppfylt, None),
        check("bvl-10-9.bokstav", Assessment::IkkeVurderbar, None),
        check("felles.barnets_syn", Assessment::Oppfylt, None),
        check(
            "felles.ettersamtale",
            Assessment::IkkeAktuelt,
            Some("Gutten ble flyttet."),
        ),
    ];
    let store = reopen_store(db);
    store
        .apply_changes(
            "kari",
            Utc.with_ymd_and_hms(2024, 4, 2, 9, 0, 0).unwrap(),
            &changes,
        )
        .unwrap();
    store.flush().unwrap();
}

/// The letter's Word paragraphs as (heading, text), read back with the import's own reader.
fn paragraphs(docx: &Path) -> Vec<(bool, String)> {
    let doc = tvang::import::document::docx::read(&std::fs::read(docx).unwrap()).unwrap();
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Para(p) => Some((p.heading, p.text().replace('\t', " "))),
            _ => None,
        })
        .collect()
}

/// The text under each heading, in order.
fn sections(paragraphs: &[(bool, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![(String::new(), String::new())];
    for (heading, text) in paragraphs {
        if *heading {
            out.push((text.clone(), String::new()));
        } else {
            let body = &mut out.last_mut().unwrap().1;
            body.push_str(text);
            body.push('\n');
        }
    }
    out
}

fn section<'a>(sections: &'a [(String, String)], heading: &str) -> &'a str {
    &sections
        .iter()
        .find(|(h, _)| h == heading)
        .unwrap_or_else(|| panic!("no section {heading:?} in {sections:#?}"))
        .1
}

fn audit(db: &Path) -> Vec<Value> {
    let run = tvang(db, &["audit", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_decided_complaint_gets_a_word_letter_with_every_section() {
    let c = case();
    decide(&c.db, Outcome::Medhold);
    let run = tvang_in(&c.cwd, &c.db, &["letter", COMPLAINT]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = c.cwd.join("vedtaksbrev-K-2024-0417.docx");
    assert!(
        run.stdout
            .contains("vedtaksbrev-K-2024-0417.docx (Word, fødselsnummer maskert)"),
        "{}",
        run.stdout
    );
    // The conditions nobody assessed are named, so the inspector can finish the checklist.
    assert!(
        run.stderr.contains("vilkår er ikke vurdert"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Opphørte straks"), "{}", run.stderr);
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);

    let paras = paragraphs(&file);
    let headings: Vec<&str> = paras
        .iter()
        .filter(|(h, _)| *h)
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        headings,
        [
            // A paragraph all in bold reads as a heading to the import's reader.
            "Statsforvalteren i Vestland",
            "Vedtak i klagesak om bruk av tvang ved Solbakken ungdomshjem",
            "Saken gjelder",
            "Bakgrunn",
            "Klagen",
            "Rettslig grunnlag",
            "Statsforvalterens vurdering",
            "barnevernsloven § 10-7 – Bruk av tvang i akutte faresituasjoner",
            "barnevernsloven § 10-9 – Begrensninger for barn plassert på særlig grunnlag",
            "Felles for alle tiltak",
            "Konklusjon",
            "Vedtaket er endelig",
            "Kopi til:",
        ]
    );
    let s = sections(&paras);
    let letterhead = section(&s, "Statsforvalteren i Vestland");
    assert!(
        letterhead.contains("Vår referanse: klagesak K-2024-0417"),
        "{letterhead}"
    );
    assert!(
        letterhead.contains("Saksbehandler: Kari Nordmann"),
        "{letterhead}"
    );

    let saken = section(&s, "Saken gjelder");
    assert!(saken.contains("klagen fra barnet"), "{saken}");
    assert!(saken.contains("Avdeling Lia, 2. mars 2024"), "{saken}");
    assert!(
        saken.contains("referansen B-SOL-0099 (født 2009)"),
        "{saken}"
    );
    assert!(saken.contains("10. mars 2024"), "{saken}");

    let bakgrunn = section(&s, "Bakgrunn");
    for part in [
        "tvangsprotokoll nr. 2024/0417, skrevet 3. mars 2024 og forelagt statsforvalteren 4. mars 2024",
        "Fastholding etter barnevernsloven § 10-7: 2. mars 2024 kl. 14.30–14.55 (25 min)",
        "etter barnevernsloven § 10-9: 2. mars 2024 kl. 15.00 – 20. mars 2024 kl. 15.00 (18 d 0 t)",
        "Plasseringsgrunnlag: bvl § 6-2",
        // Masked, and the record's Markdown characters kept as text.
        "Gutten (fnr 148808 *****) kastet en stol",
        "Samtale ble forsøkt først. *Ingen* andre tiltak hjalp.",
        "Gjennomføringen: To ansatte holdt armene hans i sofaen.",
        "Besluttet av: avdelingsleder. Antall ansatte involvert: 2.",
        "Barnets syn: Jeg ville bare være i fred.",
    ] {
        assert!(bakgrunn.contains(part), "{part:?} in:\n{bakgrunn}");
    }
    let klagen = section(&s, "Klagen");
    // The child's words, a heading and a list marker included, are a quote and nothing else.
    assert!(
        klagen.contains("Jeg, 148808 *****, klager på holdingen."),
        "{klagen}"
    );
    assert!(klagen.contains("# Det var ikke farlig"), "{klagen}");
    assert!(klagen.contains("- de holdt for lenge"), "{klagen}");

    let grunnlag = section(&s, "Rettslig grunnlag");
    assert!(
        grunnlag.contains("vurdert etter barnevernsloven § 10-7"),
        "{grunnlag}"
    );
    assert!(
        grunnlag.contains("vurdert etter barnevernsloven § 10-9"),
        "{grunnlag}"
    );
    assert!(grunnlag.contains("Akutt fare"), "{grunnlag}");
    assert!(
        grunnlag.contains("For all bruk av tvang gjelder i tillegg"),
        "{grunnlag}"
    );

    let vurdering_10_7 = section(
        &s,
        "barnevernsloven § 10-7 – Bruk av tvang i akutte faresituasjoner",
    );
    assert!(
        vurdering_10_7.contains("Akutt fare – Ikke oppfylt. Stolen var kastet; faren var over."),
        "{vurdering_10_7}"
    );
    assert!(
        vurdering_10_7.contains("Strengt nødvendig – Ikke oppfylt."),
        "{vurdering_10_7}"
    );
    assert!(
        vurdering_10_7.contains("– Ikke vurdert."),
        "{vurdering_10_7}"
    );
    // No isolation: the isolation requirements are not asked about.
    assert!(!vurdering_10_7.contains("isolasjon"), "{vurdering_10_7}");
    let felles = section(&s, "Felles for alle tiltak");
    assert!(
        felles.contains("Ettersamtale med barnet – Ikke aktuelt. Gutten ble flyttet."),
        "{felles}"
    );
    // The inspector's reasons close the assessment, their line break kept.
    assert!(
        felles.contains("Faren var over da gutten satt i sofaen.\nHoldingen varte for lenge."),
        "{felles}"
    );

    let konklusjon = section(&s, "Konklusjon");
    assert!(
        konklusjon.contains("Statsforvalteren gir klagen medhold."),
        "{konklusjon}"
    );
    assert!(
        konklusjon.contains("ikke i samsvar med barnevernsloven § 10-7 og § 10-9"),
        "{konklusjon}"
    );
    assert!(
        konklusjon.contains("Akutt fare; Strengt nødvendig"),
        "{konklusjon}"
    );
    assert!(
        konklusjon.contains("Vedtaket er truffet 2. april 2024."),
        "{konklusjon}"
    );
    let endelig = section(&s, "Vedtaket er endelig");
    assert!(endelig.contains("Sivilombudet"), "{endelig}");
    assert!(endelig.contains("Med hilsen\nKari Nordmann"), "{endelig}");
    let kopi = section(&s, "Kopi til:");
    assert!(kopi.contains("Solbakken ungdomshjem"), "{kopi}");
    assert!(kopi.contains("Barnevernstjenesten"), "{kopi}");

    // Never the number's hidden digits, anywhere in the package.
    let bytes = std::fs::read(&file).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for i in 0..zip.len() {
        let mut part = String::new();
        std::io::Read::read_to_string(&mut zip.by_index(i).unwrap(), &mut part).unwrap();
        assert!(!part.contains("12387"), "part {i} shows the number");
    }

    // Logged as an export of the complaint, masked.
    let entries = audit(&c.db);
    let last = entries.last().unwrap();
    assert_eq!(last["action"], "export", "{last}");
    assert!(
        last["field"]
            .as_str()
            .unwrap()
            .ends_with("vedtaksbrev-K-2024-0417.docx"),
        "{last}"
    );
    assert_eq!(
        last["new"], "vedtaksbrev (docx), fødselsnummer maskert",
        "{last}"
    );

    // Again: a second file, numbered; the first (perhaps edited in Word) is kept.
    let again = tvang_in(&c.cwd, &c.db, &["letter", COMPLAINT]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(c.cwd.join("vedtaksbrev-K-2024-0417-2.docx").exists());
}

#[test]
fn the_markdown_letter_says_what_the_word_letter_says() {
    let c = case();
    decide(&c.db, Outcome::Medhold);
    for args in [
        ["letter", COMPLAINT, "--out", "brev.md"],
        ["letter", COMPLAINT, "--out", "brev.docx"],
    ] {
        let run = tvang_in(&c.cwd, &c.db, &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let markdown = std::fs::read_to_string(c.cwd.join("brev.md")).unwrap();
    // The Markdown read as Word reads it, paragraph by paragraph, is the Word letter.
    let from_markdown = paragraphs_of_markdown(&markdown);
    assert_eq!(from_markdown, paragraphs(&c.cwd.join("brev.docx")));
    // A record's characters are escaped in the Markdown, plain text is left as it reads.
    assert!(markdown.contains("\\*Ingen\\*"), "{markdown}");
    assert!(markdown.contains("> \\# Det var ikke farlig"), "{markdown}");
    assert!(markdown.contains("Vår dato: "), "{markdown}");
    assert!(
        markdown.contains("2. mars 2024 kl. 14.30–14.55"),
        "{markdown}"
    );
    #[cfg(unix)]
    assert_eq!(mode(&c.cwd.join("brev.md")), 0o600);
}

fn paragraphs_of_markdown(markdown: &str) -> Vec<(bool, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fra-markdown.docx");
    std::fs::write(&path, tvang::letter::markdown::to_docx(markdown, "x")).unwrap();
    paragraphs(&path)
}

#[test]
fn a_revealed_letter_shows_the_number_and_the_audit_log_says_so() {
    let c = case();
    decide(&c.db, Outcome::Medhold);
    let run = tvang_in(
        &c.cwd,
        &c.db,
        &["letter", COMPLAINT, "--reveal", "--out", "brev.md"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("fødselsnummer vist"), "{}", run.stdout);
    let markdown = std::fs::read_to_string(c.cwd.join("brev.md")).unwrap();
    assert!(markdown.contains("Jeg, 148808 12387, klager"), "{markdown}");
    assert!(markdown.contains("fnr 14880812387"), "{markdown}");
    let entries = audit(&c.db);
    let reveals: Vec<&Value> = entries.iter().filter(|e| e["action"] == "reveal").collect();
    assert_eq!(
        reveals.len(),
        2,
        "the complaint and its protocol: {entries:#?}"
    );
    assert!(
        reveals
            .iter()
            .all(|e| e.to_string().contains("vedtaksbrev")),
        "{reveals:#?}"
    );
    let last = entries.last().unwrap();
    assert_eq!(
        last["new"], "vedtaksbrev (markdown), fødselsnummer avslørt",
        "{last}"
    );
}

#[test]
fn each_outcome_concludes_in_its_own_words_and_says_where_to_turn() {
    let cases = [
        (
            Outcome::IkkeMedhold,
            "stadfestes",
            Some("Vedtaket er endelig"),
        ),
        (
            Outcome::DelvisMedhold,
            "delvis medhold",
            Some("Vedtaket er endelig"),
        ),
        (Outcome::Avvist, "avviser klagen", Some("Klageadgang")),
        (
            Outcome::OpphevetHjemvist,
            "sender saken tilbake",
            Some("Vedtaket er endelig"),
        ),
        (Outcome::Trukket, "Klagen er trukket", None),
    ];
    for (outcome, conclusion, turn_to) in cases {
        let c = case();
        decide(&c.db, outcome);
        let run = tvang_in(&c.cwd, &c.db, &["letter", COMPLAINT, "--out", "brev.md"]);
        assert_eq!(run.code, 0, "{outcome:?}: {}", run.stderr);
        let md = std::fs::read_to_string(c.cwd.join("brev.md")).unwrap();
        assert!(md.contains(conclusion), "{outcome:?}:\n{md}");
        match turn_to {
            Some(heading) => assert!(md.contains(&format!("## {heading}")), "{outcome:?}:\n{md}"),
            None => assert!(
                !md.contains("## Vedtaket er endelig") && !md.contains("## Klageadgang"),
                "{outcome:?}:\n{md}"
            ),
        }
        if outcome == Outcome::Avvist {
            assert!(
                md.contains("Statens helsetilsyn") && md.contains("tre uker"),
                "{md}"
            );
        }
    }
}

#[test]
fn an_undecided_complaint_gets_no_letter() {
    let c = case();
    let run = tvang_in(
        &c.cwd,
        &c.db,
        &["letter", "Solbakken ungdomshjem/K-2024-0418"],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("klage K-2024-0418 er ikke avgjort"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_dir(&c.cwd).unwrap().count(), 0, "no file");
    // A protocol with two complaints names both rather than guessing.
    let run = tvang_in(&c.cwd, &c.db, &["letter", "998877001/2024/0417"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("K-2024-0417") && run.stderr.contains("K-2024-0418"),
        "{}",
        run.stderr
    );
    let run = tvang_in(&c.cwd, &c.db, &["letter", "Solbakken ungdomshjem/K-9"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("fant ingen klage"), "{}", run.stderr);
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let c = case();
    decide(&c.db, Outcome::Medhold);
    std::fs::write(c.cwd.join("brev.docx"), b"redigert i Word").unwrap();
    let run = tvang_in(&c.cwd, &c.db, &["letter", COMPLAINT, "--out", "brev.docx"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("finnes fra før"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(
        std::fs::read(c.cwd.join("brev.docx")).unwrap(),
        b"redigert i Word"
    );
    let run = tvang_in(
        &c.cwd,
        &c.db,
        &["letter", COMPLAINT, "--out", "brev.docx", "--force"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(paragraphs(&c.cwd.join("brev.docx")).len() > 20);
}

#[test]
fn an_office_template_is_used_and_its_errors_name_the_line() {
    let c = case();
    decide(&c.db, Outcome::Medhold);
    // The built-in template, printed, is a template: the same letter comes out of it.
    let printed = tvang_in(&c.cwd, &c.db, &["letter", "--print-template"]);
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    assert!(printed.stdout.contains("## Statsforvalterens vurdering"));
    let own = write(&c.cwd, "mal.md", &printed.stdout);
    for (args, out) in [
        (vec!["--out", "innebygd.md"], "innebygd.md"),
        (
            vec!["--out", "egen.md", "--template", own.as_str()],
            "egen.md",
        ),
    ] {
        let mut all = vec!["letter", COMPLAINT];
        all.extend(args);
        let run = tvang_in(&c.cwd, &c.db, &all);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(c.cwd.join(out).exists());
    }
    assert_eq!(
        std::fs::read_to_string(c.cwd.join("innebygd.md")).unwrap(),
        std::fs::read_to_string(c.cwd.join("egen.md")).unwrap()
    );

    // An office's letterhead, through the config file.
    let office = write(
        &c.cwd,
        "kontor.md",
        "**Statsforvalteren i Vestland – Oppvekst**\n\nSak {{ complaint.id }}: {{ decision.outcome_words }}\n",
    );
    let config = write(
        &c.cwd,
        "config.toml",
        &format!("inspector = \"Kari\"\nletter_template = {office:?}\n"),
    );
    let run = tvang_in(
        &c.cwd,
        &c.db,
        &[
            "--config",
            &config,
            "letter",
            COMPLAINT,
            "--out",
            "kontor-brev.md",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(c.cwd.join("kontor-brev.md")).unwrap(),
        "**Statsforvalteren i Vestland – Oppvekst**\n\nSak K-2024-0417: medhold\n"
    );

    // A misspelt placeholder, and a block left open: refused, naming the file and line.
    let misspelt = write(
        &c.cwd,
        "feil.md",
        "# Vedtak\n\nSak {{ complaint.id }}\n{{ complaint.idd }}\n",
    );
    let run = tvang_in(
        &c.cwd,
        &c.db,
        &[
            "letter",
            COMPLAINT,
            "--template",
            &misspelt,
            "--out",
            "x.md",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("feil.md, linje 4: ukjent plassholder «complaint.idd»"),
        "{}",
        run.stderr
    );
    let open = write(
        &c.cwd,
        "åpen.md",
        "# Vedtak\n\n{% if decision.reasons %}\nGrunner\n",
    );
    let run = tvang_in(
        &c.cwd,
        &c.db,
        &["letter", COMPLAINT, "--template", &open, "--out", "x.md"],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("åpen.md, linje"), "{}", run.stderr);
    assert!(!c.cwd.join("x.md").exists());
}

/// The placeholders a template can use, as `a.b` and `list[].field`.
fn placeholder_paths(value: &Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(fields) => {
            for (name, v) in fields {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                placeholder_paths(v, &path, out);
            }
        }
        Value::Array(items) => {
            let path = format!("{prefix}[]");
            match items.first() {
                Some(first @ Value::Object(_)) => placeholder_paths(first, &path, out),
                _ => {
                    out.insert(path);
                }
            }
        }
        _ => {
            out.insert(prefix.to_string());
        }
    }
}

#[test]
fn docs_letter_lists_every_placeholder_and_no_other() {
    let case = case();
    decide(&case.db, Outcome::Medhold);
    let id = complaint_id(&case.db, "K-2024-0417");
    let store = reopen_store(&case.db);
    let catalogue = tvang::catalogue::Catalogue::built_in();
    let by = tvang::letter::Drafter {
        author: "kari",
        now: Utc.with_ymd_and_hms(2024, 4, 3, 9, 0, 0).unwrap(),
    };
    let context = tvang::letter::context_of(
        &store,
        &catalogue,
        id,
        tvang::letter::LetterPrivacy::Masked,
        by,
    )
    .unwrap();
    let mut in_context = std::collections::BTreeSet::new();
    placeholder_paths(
        &serde_json::to_value(&context).unwrap(),
        "",
        &mut in_context,
    );
    assert!(
        in_context.contains("protocol.measures[].kind"),
        "{in_context:?}"
    );
    assert!(in_context.contains("decision.failed[]"), "{in_context:?}");

    let docs = std::fs::read_to_string("docs/letter.md").unwrap();
    let table = docs
        .split("### Placeholders")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("docs/letter.md has a Placeholders section");
    let in_docs: std::collections::BTreeSet<String> = table
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let undocumented: Vec<_> = in_context.difference(&in_docs).collect();
    let unknown: Vec<_> = in_docs.difference(&in_context).collect();
    assert!(
        undocumented.is_empty(),
        "not in docs/letter.md: {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "docs/letter.md lists what is not there: {unknown:?}"
    );
}

#[test]
fn a_letter_with_nobody_named_leaves_the_caseworker_for_the_inspector_to_fill_in() {
    // The decision names nobody, and the config file and the login name nobody («ukjent»):
    // the letter must not be signed «ukjent».
    let case = case();
    let id = complaint_id(&case.db, "K-2024-0417");
    let store = reopen_store(&case.db);
    let record = RecordRef::complaint(id);
    let at = Utc.with_ymd_and_hms(2024, 4, 2, 9, 0, 0).unwrap();
    store
        .apply_changes(
            "ukjent",
            at,
            &[(record, Change::Outcome(Some(Outcome::IkkeMedhold)))],
        )
        .unwrap();
    let context_by = |author: &str| {
        let by = tvang::letter::Drafter { author, now: at };
        let catalogue = tvang::catalogue::Catalogue::built_in();
        let masked = tvang::letter::LetterPrivacy::Masked;
        tvang::letter::context_of(&store, &catalogue, id, masked, by).unwrap()
    };
    assert_eq!(
        context_by("ukjent").decision.decided_by,
        tvang::letter::words::CASEWORKER_UNNAMED
    );
    assert_eq!(
        context_by("Kari Nordmann").decision.decided_by,
        "Kari Nordmann"
    );
}

#[test]
fn a_template_is_checked_when_read_even_in_branches_the_first_letter_would_not_take() {
    use tvang::letter::Template;
    let check = |text: &str| Template::from_text(text.to_string(), "mal.md".into());
    // The built-in one, loops and minijinja's globals pass.
    Template::from_text(tvang::letter::BUILT_IN_TEMPLATE.into(), "innebygd".into()).unwrap();
    check("{% for m in protocol.measures %}{{ loop.index }}. {{ m.kind }}\n{% endfor %}").unwrap();
    check("{% if complaint %}{{ complaint.text | quote }}{% endif %}").unwrap();
    // A misspelling in a branch the letter takes only for an avvisning is found at once.
    let error = check(
        "Vedtak\n{% if decision.outcome == \"avvist\" %}\nKlag til {{ decison.day }}\n{% endif %}\n",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        error,
        "brevmalen mal.md, linje 3: ukjent plassholder «decison.day» (docs/letter.md lister dem \
         som finnes) i «Klag til {{ decison.day }}»"
    );
    // A field the context's object does not have, too.
    let error = check("{{ protocol.childs_view }}").unwrap_err().to_string();
    assert!(error.contains("«protocol.childs_view»"), "{error}");
}

#[test]
fn libreoffice_opens_the_word_letter_and_reads_what_tvang_wrote() {
    // The import's reader is tvang's own; an office opens the letter in Word or LibreOffice.
    let soffice = std::process::Command::new("soffice")
        .arg("--version")
        .output();
    if !soffice.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "SKIPPED libreoffice_opens_the_word_letter: soffice is not installed \
             (apt-get install libreoffice-writer-nogui)"
        );
        return;
    }
    let c = case();
    decide(&c.db, Outcome::Medhold);
    let run = tvang_in(&c.cwd, &c.db, &["letter", COMPLAINT]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let profile = c.cwd.join("lo-profile");
    let out = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "txt:Text", "--outdir"])
        .arg(&c.cwd)
        .arg(c.cwd.join("vedtaksbrev-K-2024-0417.docx"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(c.cwd.join("vedtaksbrev-K-2024-0417.txt")).unwrap();
    for expected in [
        "Vår referanse: klagesak K-2024-0417",
        "Saken gjelder",
        "Statsforvalterens vurdering",
        "Stolen var kastet; faren var over.",
        "Faren var over da gutten satt i sofaen.",
        "Statsforvalteren gir klagen medhold.",
        "Vedtaket er endelig",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
}
