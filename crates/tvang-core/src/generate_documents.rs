//! Synthetic protocols and complaint letters as Word documents, in the layouts institutions use
//! (a label | value table with a measures table and check boxes; `Label: value` paragraphs with
//! label headings, Word check-box controls and written-out dates), some with Bufdir's blue help
//! text left in. The children are invented, and so are their fødselsnummer: synthetic test
//! numbers (month + 80), which no real person has.

use crate::docx::{heading, package, para, run, table, Look};
use crate::generate::{Generated, Rng};
use crate::model::{Complaint, Injury, Police, Protocol};
use crate::time::DateOrTime;
use chrono::{Datelike, NaiveDate};
use std::path::{Path, PathBuf};

const FIRST_NAMES: &[&str] = &[
    "Emma", "Nora", "Sofie", "Ida", "Ingrid", "Maja", "Jakob", "Emil", "Noah", "Oliver", "Filip",
    "Lukas", "Sander", "Aksel", "Tiril", "Sigrid",
];
const LAST_NAMES: &[&str] = &[
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Berg",
    "Haugen",
    "Hagen",
    "Bakken",
    "Solheim",
    "Lunde",
];

/// An invented child: name, birth date and a synthetic fødselsnummer.
pub struct Child {
    pub name: String,
    pub birth_date: NaiveDate,
    pub national_id: String,
}

/// The child behind a generated protocol's reference, the same every time.
pub fn child_for(p: &Protocol) -> Child {
    let key = p.child_ref.as_deref().unwrap_or(&p.protocol_id);
    let mut seed = 0xcbf2_9ce4_8422_2325u64;
    for b in key.bytes() {
        seed = (seed ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut rng = Rng::new(seed);
    let year = p.child_birth_year.unwrap_or(2008);
    let birth_date =
        NaiveDate::from_ymd_opt(year, rng.range(1, 12) as u32, rng.range(1, 28) as u32)
            .expect("a day 1-28 exists in every month");
    let name = format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
    let national_id = loop {
        let individ = if year >= 2000 {
            rng.range(500, 999)
        } else {
            rng.range(0, 499)
        };
        let nine = format!(
            "{:02}{:02}{:02}{:03}",
            birth_date.day(),
            birth_date.month() + 80,
            year % 100,
            individ
        );
        if let Some(full) = crate::privacy::with_check_digits(&nine) {
            break full;
        }
    };
    Child {
        name,
        birth_date,
        national_id,
    }
}

/// Check boxes as text glyphs (`☒ Ja  ☐ Nei`).
fn boxes(options: &[&str], checked: Option<usize>) -> String {
    options
        .iter()
        .enumerate()
        .map(|(i, o)| format!("{} {o}", if Some(i) == checked { '☒' } else { '☐' }))
        .collect::<Vec<_>>()
        .join("   ")
}

/// Word 2010 check-box content controls.
fn box_controls(options: &[&str], checked: Option<usize>) -> String {
    let mut out = String::new();
    for (i, o) in options.iter().enumerate() {
        let on = Some(i) == checked;
        out.push_str(&format!(
            "<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val=\"{}\"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>{}</w:t></w:r></w:sdtContent></w:sdt>",
            u8::from(on),
            if on { '☒' } else { '☐' }
        ));
        out.push_str(&run(&format!(" {o}   "), Look::default()));
    }
    out
}

pub(crate) const POLICE: [&str; 3] = ["Nei", "Sammen med ansatte", "Politiet alene"];
pub(crate) const INJURY: [&str; 4] = ["Nei", "Barnet", "Ansatte", "Begge"];

pub(crate) fn police_index(p: Option<Police>) -> Option<usize> {
    p.map(|p| match p {
        Police::None => 0,
        Police::WithStaff => 1,
        Police::Alone => 2,
    })
}

pub(crate) fn injury_index(i: Option<Injury>) -> Option<usize> {
    i.map(|i| match i {
        Injury::None => 0,
        Injury::Child => 1,
        Injury::Staff => 2,
        Injury::Both => 3,
    })
}

pub(crate) fn yes_no(b: Option<bool>) -> Option<usize> {
    b.map(|b| if b { 0 } else { 1 })
}

/// `31. mars 2024 kl. 01.50`
pub(crate) fn written_time(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    let local = t.with_timezone(&chrono_tz::Europe::Oslo);
    format!(
        "{}. {} {} kl. {}",
        local.day(),
        crate::time::MONTHS[local.month0() as usize],
        local.year(),
        local.format("%H.%M")
    )
}

/// `14.03.2024 kl. 21.05`
pub(crate) fn short_time(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    let local = t.with_timezone(&chrono_tz::Europe::Oslo);
    local.format("%d.%m.%Y kl. %H.%M").to_string()
}

pub(crate) fn date_text(d: &DateOrTime) -> String {
    d.oslo_date().format("%d.%m.%Y").to_string()
}

/// Splits a text into two paragraphs at a sentence boundary near the middle.
pub(crate) fn two_paragraphs(text: &str) -> Vec<String> {
    let mut mid = text.len() / 2;
    while !text.is_char_boundary(mid) {
        mid += 1;
    }
    match text[mid..].find(". ").map(|i| mid + i + 1) {
        Some(cut) if cut < text.len() - 1 => {
            vec![
                text[..cut].trim().to_string(),
                text[cut..].trim().to_string(),
            ]
        }
        _ => vec![text.to_string()],
    }
}

fn cell(paragraphs: &[String], look: Look) -> String {
    if paragraphs.is_empty() {
        return para("");
    }
    paragraphs.iter().map(|p| para(&run(p, look))).collect()
}

pub(crate) fn region_name(code: &str) -> String {
    // Parsed once: the generator writes thousands of documents.
    static CATALOGUE: std::sync::OnceLock<crate::catalogue::Catalogue> = std::sync::OnceLock::new();
    CATALOGUE
        .get_or_init(crate::catalogue::Catalogue::built_in)
        .region(code)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| code.to_string())
}

/// One protocol as a Word document. `layout` 0 is the label | value table, 1 the paragraphs.
/// With `help_left`, a protocol without the child's view keeps the template's blue help text
/// there.
pub fn protocol_docx(p: &Protocol, layout: usize, help_left: bool) -> Vec<u8> {
    let child = child_for(p);
    let body = if layout.is_multiple_of(2) {
        table_layout(p, &child, help_left)
    } else {
        paragraph_layout(p, &child, help_left)
    };
    package(&body, &format!("Tvangsprotokoll · {}", p.institution))
}

fn table_layout(p: &Protocol, child: &Child, help_left: bool) -> String {
    let mut body = heading("Protokoll over bruk av tvang og begrensninger i barnevernsinstitusjon");
    let row = |label: &str, value: String| vec![cell(&[label.to_string()], Look::default()), value];
    let text_row = |label: &str, value: &Option<String>| {
        row(
            label,
            cell(&value.iter().cloned().collect::<Vec<_>>(), Look::default()),
        )
    };
    let mut rows = vec![
        text_row("Institusjon", &Some(p.institution.clone())),
        text_row("Organisasjonsnummer", &p.institution_id),
        text_row("Statsforvalter", &p.region.as_deref().map(region_name)),
        text_row("Protokollnummer", &Some(p.protocol_id.clone())),
        text_row("Barnets navn", &Some(child.name.clone())),
        text_row("Fødselsnummer", &Some(child.national_id.clone())),
        text_row("Plasseringsgrunnlag", &p.placement_basis),
    ];
    if p.measures.len() == 1 {
        let m = &p.measures[0];
        rows.push(text_row("Hjemmel for tiltaket", &Some(m.provision.clone())));
        rows.push(text_row("Type tiltak", &m.kind));
        rows.push(text_row(
            "Tiltaket startet",
            &Some(short_time(&m.started_at)),
        ));
        rows.push(text_row(
            "Tiltaket opphørte",
            &m.ended_at.as_ref().map(short_time),
        ));
    }
    body.push_str(&table(&rows, &[3000, 6000]));
    if p.measures.len() > 1 {
        body.push_str(&measures_table(p));
    }
    let statement = match (&p.child_statement, help_left) {
        (Some(s), _) => cell(std::slice::from_ref(s), Look::default()),
        (None, true) => cell(
            &["Beskriv barnets syn på tiltaket, eller hvorfor det ikke er innhentet.".to_string()],
            Look {
                help: true,
                ..Look::default()
            },
        ),
        (None, false) => cell(&[], Look::default()),
    };
    let rows = vec![
        row(
            "Beskrivelse av den akutte faresituasjonen",
            cell(
                &p.danger.as_deref().map(two_paragraphs).unwrap_or_default(),
                Look::default(),
            ),
        ),
        text_row("Begrunnelse", &p.justification),
        text_row("Vedtaket er fattet av", &p.decided_by),
        text_row(
            "Antall ansatte involvert",
            &p.staff_involved.map(|n| n.to_string()),
        ),
        row(
            "Politiet involvert",
            cell(&[boxes(&POLICE, police_index(p.police))], Look::default()),
        ),
        row(
            "Oppstod det skade",
            cell(&[boxes(&INJURY, injury_index(p.injury))], Look::default()),
        ),
        text_row("Beskrivelse av skade", &p.injury_note),
        row("Barnets syn på tiltaket", statement),
        row(
            "Barnet er informert om klageadgangen",
            cell(
                &[boxes(&["Ja", "Nei"], yes_no(p.informed_of_complaint_right))],
                Look::default(),
            ),
        ),
        row(
            "Barnet ønsker å klage",
            cell(
                &[boxes(&["Ja", "Nei"], yes_no(p.wants_to_complain))],
                Look::default(),
            ),
        ),
        text_row(
            "Dato for protokollen",
            &p.written_at.as_ref().map(date_text),
        ),
        text_row(
            "Sendt statsforvalteren",
            &p.received_at.as_ref().map(date_text),
        ),
    ];
    body.push_str(&table(&rows, &[3000, 6000]));
    body
}

fn measures_table(p: &Protocol) -> String {
    let mut rows = vec![["Hjemmel", "Tiltak", "Start", "Slutt"]
        .iter()
        .map(|h| {
            cell(
                &[h.to_string()],
                Look {
                    bold: true,
                    ..Look::default()
                },
            )
        })
        .collect::<Vec<_>>()];
    for m in &p.measures {
        rows.push(vec![
            cell(std::slice::from_ref(&m.provision), Look::default()),
            cell(&m.kind.iter().cloned().collect::<Vec<_>>(), Look::default()),
            cell(&[short_time(&m.started_at)], Look::default()),
            cell(
                &m.ended_at.iter().map(short_time).collect::<Vec<_>>(),
                Look::default(),
            ),
        ]);
    }
    table(&rows, &[1900, 3200, 1986, 1986])
}

fn paragraph_layout(p: &Protocol, child: &Child, help_left: bool) -> String {
    let plain = |s: &str| para(&run(s, Look::default()));
    let mut body = heading("Tvangsprotokoll");
    body.push_str(&plain(&format!(
        "Institusjonens navn: {}\tOrg.nr.: {}",
        p.institution,
        p.institution_id.as_deref().unwrap_or("")
    )));
    if let Some(r) = &p.region {
        body.push_str(&plain(&format!("Statsforvalter: {}", region_name(r))));
    }
    body.push_str(&plain(&format!("Protokoll nr.: {}", p.protocol_id)));
    body.push_str(&plain(&format!("Barnets navn: {}", child.name)));
    body.push_str(&plain(&format!(
        "Fødselsdato: {}",
        child.birth_date.format("%d.%m.%Y")
    )));
    if let Some(b) = &p.placement_basis {
        body.push_str(&plain(&format!("Barnet er plassert etter: {b}")));
    }
    if let [m] = p.measures.as_slice() {
        body.push_str(&plain(&format!("Hjemmel: {}", m.provision)));
        if let Some(k) = &m.kind {
            body.push_str(&plain(&format!("Tiltak: {k}")));
        }
        body.push_str(&plain(&format!("Start: {}", written_time(&m.started_at))));
        if let Some(e) = &m.ended_at {
            body.push_str(&plain(&format!("Slutt: {}", written_time(e))));
        }
    } else {
        body.push_str(&measures_table(p));
    }
    body.push_str(&heading("Beskrivelse av situasjonen"));
    for part in p.danger.as_deref().map(two_paragraphs).unwrap_or_default() {
        body.push_str(&plain(&part));
    }
    body.push_str(&plain("Begrunnelse:"));
    match &p.justification {
        Some(j) => body.push_str(&plain(j)),
        None => body.push_str(&plain(
            "[Beskriv hvilke mindre inngripende tiltak som ble vurdert]",
        )),
    }
    if let Some(d) = &p.decided_by {
        body.push_str(&plain(&format!("Beslutningen ble tatt av: {d}")));
    }
    if let Some(n) = p.staff_involved {
        body.push_str(&plain(&format!("Antall ansatte involvert: {n}")));
    }
    body.push_str(&para(&format!(
        "{}{}",
        run("Politiet involvert: ", Look::default()),
        box_controls(&POLICE, police_index(p.police))
    )));
    body.push_str(&para(&format!(
        "{}{}",
        run("Skade: ", Look::default()),
        box_controls(&INJURY, injury_index(p.injury))
    )));
    if let Some(n) = &p.injury_note {
        body.push_str(&plain(&format!("Beskrivelse av skade: {n}")));
    }
    body.push_str(&heading("Barnets syn"));
    match (&p.child_statement, help_left) {
        (Some(s), _) => body.push_str(&plain(s)),
        (None, true) => body.push_str(&para(&run(
            "Gjengi barnets syn med barnets egne ord.",
            Look {
                help: true,
                ..Look::default()
            },
        ))),
        (None, false) => {}
    }
    body.push_str(&para(&format!(
        "{}{}",
        run("Barnet er informert om klageadgangen: ", Look::default()),
        box_controls(&["Ja", "Nei"], yes_no(p.informed_of_complaint_right))
    )));
    body.push_str(&para(&format!(
        "{}{}",
        run("Barnet ønsker å klage: ", Look::default()),
        box_controls(&["Ja", "Nei"], yes_no(p.wants_to_complain))
    )));
    if let Some(w) = &p.written_at {
        body.push_str(&plain(&format!("Dato for protokollen: {}", date_text(w))));
    }
    if let Some(r) = &p.received_at {
        body.push_str(&plain(&format!("Sendt statsforvalteren: {}", date_text(r))));
    }
    body
}

/// A complaint letter as a Word document.
pub fn complaint_docx(c: &Complaint) -> Vec<u8> {
    let plain = |s: &str| para(&run(s, Look::default()));
    let mut body = heading("Klage til statsforvalteren");
    body.push_str(&plain(&format!(
        "Klagen gjelder protokoll nr.: {}",
        c.protocol_id
    )));
    if let Some(i) = &c.institution {
        body.push_str(&plain(&format!("Institusjon: {i}")));
    }
    if let Some(i) = &c.institution_id {
        body.push_str(&plain(&format!("Organisasjonsnummer: {i}")));
    }
    body.push_str(&plain(&format!("Klagesaksnummer: {}", c.complaint_id)));
    if let Some(k) = c.complainant {
        body.push_str(&plain(&format!(
            "Klager: {}",
            crate::labels::complainant_label(k)
        )));
    }
    if let Some(r) = &c.received_at {
        body.push_str(&plain(&format!("Mottatt: {}", date_text(r))));
    }
    body.push_str(&heading("Klagen"));
    body.push_str(&plain(
        c.text.as_deref().unwrap_or("Jeg klager på tvangen."),
    ));
    package(&body, "Klage")
}

/// Writes every protocol and complaint of a generated set as a Word document into `dir`:
/// `protokoll-NNNNN.docx` and `klage-NNNNN.docx`. Layouts alternate; every fifth protocol
/// without the child's view keeps the help text. Returns the files written.
pub fn write_docx(data: &Generated, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    write_documents(data, dir, "docx", protocol_docx, complaint_docx)
}

/// Writes every protocol (`protocol(p, index, help_left)`) and complaint letter of a generated
/// set as one file each, `protokoll-NNNNN.EXT` and `klage-NNNNN.EXT`.
pub(crate) fn write_documents(
    data: &Generated,
    dir: &Path,
    extension: &str,
    protocol: fn(&Protocol, usize, bool) -> Vec<u8>,
    complaint: fn(&Complaint) -> Vec<u8>,
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::new();
    for (i, p) in data.protocols.iter().enumerate() {
        let path = dir.join(format!("protokoll-{:05}.{extension}", i + 1));
        std::fs::write(&path, protocol(p, i, i % 5 == 0))?;
        files.push(path);
    }
    for (i, c) in data.complaints.iter().enumerate() {
        let path = dir.join(format!("klage-{:05}.{extension}", i + 1));
        std::fs::write(&path, complaint(c))?;
        files.push(path);
    }
    Ok(files)
}
