//! The decision letter (vedtaksbrev) for a decided complaint: drafted from the complaint, its
//! protocol, the checklist and the decision, through a letter template, and written as Word
//! (`.docx`) or Markdown.
//!
//! The template is Markdown with minijinja placeholders (`{{ protocol.danger }}`, `{% if %}`,
//! `{% for %}`): an office replaces the built-in bokmål one ([`BUILT_IN_TEMPLATE`]) with its
//! own letterhead and phrases, and a misspelt placeholder is an error naming its line rather
//! than a silent gap. What the records say is escaped on the way in ([`markdown::escape`]), so
//! a child's words cannot turn into markup. The Word document is made from the rendered
//! Markdown ([`markdown::to_docx`]), so both formats say the same.
//!
//! Privacy: the child is named by the protocol's reference (tvang never stores a child's name);
//! fødselsnummer in the texts are masked unless the inspector asked to reveal them, which the
//! audit log records, as it records every letter written (an export of personal data).

pub mod markdown;
pub mod words;

use crate::catalogue::{Catalogue, Condition, Provision};
use crate::checklist::{GroupOf, Loaded};
use crate::model::{Measure, Outcome, Protocol};
use crate::review::{Assessment, RecordRef};
use crate::store::{Store, StoreError, StoredComplaint};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The built-in letter template, in bokmål.
pub const BUILT_IN_TEMPLATE: &str = include_str!("vedtaksbrev.md");

/// A letter template: its text and where it came from (for error messages).
#[derive(Debug, Clone)]
pub struct Template {
    source: String,
    origin: String,
}

impl Template {
    pub fn built_in() -> Template {
        Template {
            source: BUILT_IN_TEMPLATE.to_string(),
            origin: words::BUILT_IN_ORIGIN.to_string(),
        }
    }

    /// An office's template, read and checked: a template that does not parse is refused
    /// here, with its line, not when the first letter is written.
    pub fn from_file(path: &Path) -> Result<Template, LetterError> {
        let source = std::fs::read_to_string(path).map_err(|source| LetterError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Template::from_text(source, path.display().to_string())
    }

    /// A template from its text, checked: it must parse, and every placeholder it names must
    /// exist, whether or not the branch it is in is taken for the first letter.
    pub fn from_text(source: String, origin: String) -> Result<Template, LetterError> {
        let template = Template { source, origin };
        let env = template.environment()?;
        let parsed = env.get_template("letter").map_err(|e| template.error(&e))?;
        let known = known_placeholders();
        let mut unknown: Vec<(Option<usize>, String)> = parsed
            .undeclared_variables(true)
            .into_iter()
            .filter(|name| {
                let root = name.split('.').next().unwrap_or_default();
                !TEMPLATE_GLOBALS.contains(&root) && !known.contains(name.as_str())
            })
            .map(|name| (template.first_line_naming(&name), name))
            .collect();
        // The first in the text, so the message points where the inspector starts reading.
        unknown.sort_by_key(|(line, name)| (line.unwrap_or(usize::MAX), name.clone()));
        if let Some((line, name)) = unknown.into_iter().next() {
            return Err(LetterError::Template {
                origin: template.origin.clone(),
                line,
                excerpt: line.map(|n| template.excerpt(n)),
                fault: TemplateFault::UnknownPlaceholder(name),
            });
        }
        Ok(template)
    }

    /// The line (from 1) that first names `placeholder` inside a tag.
    fn first_line_naming(&self, placeholder: &str) -> Option<usize> {
        self.source
            .lines()
            .position(|l| l.contains(placeholder) && (l.contains("{{") || l.contains("{%")))
            .map(|i| i + 1)
    }

    /// Line `n` (from 1) as an error quotes it.
    fn excerpt(&self, n: usize) -> String {
        self.source
            .lines()
            .nth(n.saturating_sub(1))
            .map(|l| l.trim().chars().take(80).collect())
            .unwrap_or_default()
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    fn environment(&self) -> Result<minijinja::Environment<'_>, LetterError> {
        let mut env = minijinja::Environment::new();
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("the default delimiters are valid"),
        );
        // Every placeholder the template may use exists (empty when unknown), so an unknown
        // one is a misspelling.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_formatter(|out, state, value| {
            if value.is_safe() {
                return minijinja::escape_formatter(out, state, value);
            }
            let text = match value.as_str() {
                Some(s) => Cow::Borrowed(s),
                None => Cow::Owned(value.to_string()),
            };
            out.write_str(&markdown::escape(&text))
                .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write"))
        });
        env.add_filter("quote", |text: String| {
            minijinja::Value::from_safe_string(markdown::quote(&text))
        });
        env.add_template("letter", &self.source)
            .map_err(|e| self.error(&e))?;
        Ok(env)
    }

    fn error(&self, e: &minijinja::Error) -> LetterError {
        use minijinja::ErrorKind;
        let detail = e
            .detail()
            .map_or_else(|| e.kind().to_string(), str::to_string);
        // minijinja names the culprit between backticks ("`complaint.idd` is undefined") or
        // after the word "filter" ("filter shout is unknown").
        let named = || match detail.split('`').nth(1) {
            Some(name) => name.to_string(),
            None => detail
                .split_whitespace()
                .nth(1)
                .map_or_else(|| detail.clone(), str::to_string),
        };
        let fault = match e.kind() {
            ErrorKind::UndefinedError => TemplateFault::UnknownPlaceholder(named()),
            ErrorKind::UnknownFilter => TemplateFault::UnknownFilter(named()),
            ErrorKind::SyntaxError => TemplateFault::Syntax(detail.clone()),
            _ => TemplateFault::Other(detail.clone()),
        };
        let excerpt = e.line().map(|n| self.excerpt(n));
        LetterError::Template {
            origin: self.origin.clone(),
            line: e.line(),
            fault,
            excerpt,
        }
    }

    /// The letter as Markdown.
    pub fn render(&self, context: &Context) -> Result<String, LetterError> {
        let env = self.environment()?;
        let template = env.get_template("letter").map_err(|e| self.error(&e))?;
        let rendered = template
            .render(minijinja::Value::from(minijinja::value::Serde(context)))
            .map_err(|e| self.error(&e))?;
        Ok(tidy(&rendered))
    }
}

/// What a template may name besides the context: minijinja's own globals.
const TEMPLATE_GLOBALS: [&str; 4] = ["loop", "range", "dict", "namespace"];

/// Every placeholder a template may name, as the paths through the context's objects
/// (`complaint`, `complaint.id`); a list ends its path, its items are reached through a `for`.
fn known_placeholders() -> std::collections::BTreeSet<String> {
    fn walk(value: &serde_json::Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
        if !prefix.is_empty() {
            out.insert(prefix.to_string());
        }
        if let serde_json::Value::Object(fields) = value {
            for (name, v) in fields {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                walk(v, &path, out);
            }
        }
    }
    let mut out = std::collections::BTreeSet::new();
    let context = serde_json::to_value(Context::default()).expect("the context serialises");
    walk(&context, "", &mut out);
    out
}

/// Runs of blank lines (left by sections without content) as one, and one newline at the end.
fn tidy(rendered: &str) -> String {
    let mut out = String::with_capacity(rendered.len());
    let mut blank = 0;
    for line in rendered.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
        } else {
            blank = 0;
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim_start_matches('\n').trim_end().to_string() + "\n"
}

#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// No complaint with that id in the store.
    NotFound {
        complaint: u64,
    },
    /// The complaint has no outcome yet: there is nothing to conclude.
    NotDecided {
        complaint: String,
    },
    /// The template does not parse, or names a placeholder that does not exist.
    Template {
        origin: String,
        line: Option<usize>,
        fault: TemplateFault,
        /// The line as written, to find it by.
        excerpt: Option<String>,
    },
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is there already (perhaps a letter edited in Word) and overwriting was not asked.
    Exists {
        path: PathBuf,
    },
    Store(#[from] StoreError),
}

/// What is wrong with a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateFault {
    /// A placeholder the context does not have (a misspelling, mostly).
    UnknownPlaceholder(String),
    UnknownFilter(String),
    /// The template engine's own words for what does not parse.
    Syntax(String),
    Other(String),
}

/// What the letter may show of the personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterPrivacy {
    /// Fødselsnummer masked, as every screen shows them (the default).
    Masked,
    /// As stored: the inspector asked, and the audit log records the reveal.
    Revealed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterFormat {
    Docx,
    Markdown,
}

impl LetterFormat {
    /// By the file's extension: `.md` or `.markdown` is Markdown, `.docx` Word, other none.
    pub fn of_path(path: &Path) -> Option<LetterFormat> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("docx") => Some(LetterFormat::Docx),
            Some("md" | "markdown") => Some(LetterFormat::Markdown),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            LetterFormat::Docx => "docx",
            LetterFormat::Markdown => "markdown",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            LetterFormat::Docx => "docx",
            LetterFormat::Markdown => "md",
        }
    }
}

/// Everything a template can use. Every field is always there; what is not known is empty
/// (an empty text or list is false in `{% if %}`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Context {
    /// `Statsforvalteren i Vestland`, from the protocol's region.
    pub office: String,
    /// The day the letter is drafted, written out: `3. desember 2026`.
    pub letter_date: String,
    pub institution: String,
    /// The child's reference on the protocol.
    pub child: String,
    pub child_birth_year: String,
    pub complaint: ComplaintFacts,
    pub protocol: ProtocolFacts,
    /// The provisions the protocol's measures fall under, with their conditions.
    pub provisions: Vec<ProvisionFacts>,
    /// The conditions every protocol must meet.
    pub common_conditions: Vec<ConditionFacts>,
    /// `barnevernsloven § 10-7 og § 10-9`.
    pub provisions_text: String,
    /// The checklist, group by group, every condition with its assessment.
    pub assessment: Vec<AssessedGroup>,
    /// How many conditions are not assessed.
    pub unassessed: usize,
    pub decision: DecisionFacts,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ComplaintFacts {
    pub id: String,
    pub received: String,
    /// `barnet`, `foresatte`.
    pub complainant: String,
    /// Who the letter goes to, for the inspector to complete.
    pub complainant_addressee: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ProtocolFacts {
    /// The protocol is in the store (else only its number, from the complaint, is known).
    pub known: bool,
    pub id: String,
    pub unit: String,
    pub placement_basis: String,
    /// The day of the first measure, written out.
    pub incident_date: String,
    pub written: String,
    pub received: String,
    pub measures: Vec<MeasureFacts>,
    pub danger: String,
    pub justification: String,
    pub execution: String,
    pub decided_by: String,
    pub staff_involved: String,
    pub police: String,
    pub injury: String,
    pub child_statement: String,
    pub informed_of_complaint_right: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeasureFacts {
    pub kind: String,
    pub provision: String,
    pub period: String,
    pub duration: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvisionFacts {
    /// `barnevernsloven § 10-7`.
    pub reference: String,
    pub title: String,
    pub conditions: Vec<ConditionFacts>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConditionFacts {
    pub label: String,
    pub help: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssessedGroup {
    pub title: String,
    pub conditions: Vec<AssessedCondition>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssessedCondition {
    pub label: String,
    /// In words: `Oppfylt`, `Ikke vurdert`.
    pub assessment: String,
    /// `oppfylt`, `ikke_oppfylt`, `ikke_vurderbar`, `ikke_aktuelt` or `ikke_vurdert`.
    pub result: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DecisionFacts {
    /// `medhold`, `delvis_medhold`, `ikke_medhold`, `avvist`, `opphevet_hjemvist`, `trukket`.
    pub outcome: String,
    pub outcome_words: String,
    pub day: String,
    pub decided_by: String,
    pub reasons: String,
    /// The conditions assessed as not met.
    pub failed: Vec<String>,
}

/// A drafted letter.
#[derive(Debug, Clone)]
pub struct Draft {
    pub complaint_id: u64,
    /// The complaint's own id (`2024/K-0012`), for messages and the file name.
    pub complaint_ref: String,
    pub markdown: String,
    /// The page header of the Word document: the office.
    pub header: String,
    /// The conditions not assessed: a decision should show that every one was (Sivilombudet).
    pub unassessed: Vec<String>,
    pub privacy: LetterPrivacy,
}

impl Draft {
    pub fn bytes(&self, format: LetterFormat) -> Vec<u8> {
        match format {
            LetterFormat::Markdown => self.markdown.clone().into_bytes(),
            LetterFormat::Docx => markdown::to_docx(&self.markdown, &self.header),
        }
    }

    /// `vedtaksbrev-2024-K-0012.docx`.
    pub fn default_file(&self, format: LetterFormat) -> PathBuf {
        let safe: String = self
            .complaint_ref
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        PathBuf::from(format!(
            "{}-{}.{}",
            words::FILE_PREFIX,
            safe.trim_matches('-'),
            format.extension()
        ))
    }
}

/// Where a letter goes when no file is named: its default name in `dir`, numbered (`-2`,
/// `-3`, …) when a file of that name is there already, so no letter an inspector may have
/// edited is overwritten.
pub fn free_path(dir: &Path, draft: &Draft, format: LetterFormat) -> PathBuf {
    let first = dir.join(draft.default_file(format));
    if !first.exists() {
        return first;
    }
    let stem = first
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}.{}", format.extension())))
        .find(|p| !p.exists())
        .expect("some number is free")
}

/// Who drafts the letter, and when.
#[derive(Debug, Clone, Copy)]
pub struct Drafter<'a> {
    pub author: &'a str,
    pub now: DateTime<Utc>,
}

/// Drafts the letter for complaint `complaint_id`. With [`LetterPrivacy::Revealed`] the
/// records are read unmasked, and the reveal is written to the audit log first.
pub fn draft(
    store: &Store,
    catalogue: &Catalogue,
    template: &Template,
    complaint_id: u64,
    privacy: LetterPrivacy,
    by: Drafter,
) -> Result<Draft, LetterError> {
    let context = context_of(store, catalogue, complaint_id, privacy, by)?;
    let markdown = template.render(&context)?;
    let unassessed = context
        .assessment
        .iter()
        .flat_map(|g| &g.conditions)
        .filter(|c| c.result == words::NOT_ASSESSED_ID)
        .map(|c| c.label.clone())
        .collect();
    Ok(Draft {
        complaint_id,
        complaint_ref: context.complaint.id.clone(),
        markdown,
        header: context.office,
        unassessed,
        privacy,
    })
}

/// What the template is given for complaint `complaint_id`, read from the store: the
/// complaint with its recorded decision, its protocol, and its checklist.
pub fn context_of(
    store: &Store,
    catalogue: &Catalogue,
    complaint_id: u64,
    privacy: LetterPrivacy,
    by: Drafter,
) -> Result<Context, LetterError> {
    let via = crate::audit_text::REVEALED_VIA_LETTER;
    let complaint = match privacy {
        LetterPrivacy::Masked => store.complaint(complaint_id)?,
        LetterPrivacy::Revealed => store.reveal_complaint(complaint_id, by.author, by.now, via)?,
    }
    .ok_or(LetterError::NotFound {
        complaint: complaint_id,
    })?;
    let record = RecordRef::complaint(complaint_id);
    let review = store.review(record)?;
    let recorded = crate::decision::of_review(store, complaint_id, &review)?;
    let complaint = crate::decision::as_decided(complaint, recorded, Some(&review));
    let protocol = match store.protocol_for_complaint(&complaint.complaint)? {
        Some(id) => match privacy {
            LetterPrivacy::Masked => store.protocol(id)?,
            LetterPrivacy::Revealed => store.reveal_protocol(id, by.author, by.now, via)?,
        },
        None => None,
    }
    .map(|sp| sp.protocol);
    let loaded = Loaded::read(store, record)?;
    context(
        catalogue,
        &complaint,
        protocol.as_ref(),
        &loaded,
        privacy,
        crate::time::oslo_date(&by.now.fixed_offset()),
        by.author,
    )
}

/// The template's context for one complaint. `today` is the letter's date; `author` signs it
/// when the decision does not say who decided.
pub fn context(
    catalogue: &Catalogue,
    sc: &StoredComplaint,
    protocol: Option<&Protocol>,
    loaded: &Loaded,
    privacy: LetterPrivacy,
    today: NaiveDate,
    author: &str,
) -> Result<Context, LetterError> {
    let c = &sc.complaint;
    let Some(outcome) = c.outcome else {
        return Err(LetterError::NotDecided {
            complaint: c.complaint_id.clone(),
        });
    };
    let text = |t: &Option<String>| -> String {
        match (t, privacy) {
            (None, _) => String::new(),
            (Some(t), LetterPrivacy::Revealed) => t.clone(),
            (Some(t), LetterPrivacy::Masked) => crate::privacy::mask(t).into_owned(),
        }
    };
    let region = protocol.and_then(|p| p.region.as_deref());
    let office = region
        .and_then(|r| catalogue.region(r))
        .map_or_else(|| words::OFFICE_UNKNOWN.to_string(), |r| r.name.clone());
    let institution = protocol
        .map(|p| p.institution.clone())
        .or_else(|| c.institution.clone())
        .unwrap_or_default();
    let checklist = loaded.checklist(catalogue);
    let assessed = &loaded.review.checklist;
    let mut provisions = Vec::new();
    let mut common_conditions = Vec::new();
    let mut assessment = Vec::new();
    for group in &checklist.groups {
        let facts: Vec<ConditionFacts> = group
            .entries
            .iter()
            .filter_map(|e| e.condition)
            .filter(|c| !c.legacy)
            .map(condition_facts)
            .collect();
        match group.of {
            GroupOf::Provision(p) => provisions.push(ProvisionFacts {
                reference: reference(catalogue, p),
                title: p.title.clone(),
                conditions: facts,
            }),
            GroupOf::Common => common_conditions = facts,
            GroupOf::Other => {}
        }
        assessment.push(AssessedGroup {
            title: match group.of {
                GroupOf::Provision(p) => format!("{} – {}", reference(catalogue, p), p.title),
                other => crate::labels::group_label(other),
            },
            conditions: group
                .entries
                .iter()
                .map(|e| {
                    let check = assessed.get(&e.id);
                    AssessedCondition {
                        label: e.label().to_string(),
                        assessment: words::assessment(check.map(|c| c.assessment)).to_string(),
                        result: result_id(check.map(|c| c.assessment)).to_string(),
                        reason: text(&check.and_then(|c| c.reason.clone())),
                    }
                })
                .collect(),
        });
    }
    let unassessed = assessment
        .iter()
        .flat_map(|g| &g.conditions)
        .filter(|c| c.result == words::NOT_ASSESSED_ID)
        .count();
    let provisions_text = words::provisions_text(
        &provisions
            .iter()
            .map(|p| p.reference.as_str())
            .collect::<Vec<_>>(),
    );
    let decided_by = text(&c.decided_by);
    let signed_by = [decided_by.as_str(), author]
        .into_iter()
        .map(str::trim)
        .find(|name| !name.is_empty() && *name != crate::audit_text::UNKNOWN_AUTHOR)
        .unwrap_or(words::CASEWORKER_UNNAMED)
        .to_string();
    Ok(Context {
        office,
        letter_date: words::long_date(today),
        institution,
        // Masked too: an institution may have written a fødselsnummer as the reference.
        child: protocol
            .map(|p| text(&p.child_ref))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| words::CHILD_UNNAMED.to_string()),
        child_birth_year: protocol
            .and_then(|p| p.child_birth_year)
            .map(|y| y.to_string())
            .unwrap_or_default(),
        complaint: ComplaintFacts {
            id: c.complaint_id.clone(),
            received: c
                .received_at
                .map(|d| words::long_date(d.oslo_date()))
                .unwrap_or_default(),
            complainant: words::complainant(c.complainant).to_string(),
            complainant_addressee: words::addressee(c.complainant).to_string(),
            text: text(&c.text),
        },
        protocol: match protocol {
            Some(p) => protocol_facts(catalogue, p, &text),
            None => ProtocolFacts::unknown(&c.protocol_id),
        },
        provisions,
        common_conditions,
        provisions_text,
        assessment,
        unassessed,
        decision: DecisionFacts {
            outcome: outcome_id(outcome).to_string(),
            outcome_words: crate::labels::outcome_label(Some(outcome)).to_string(),
            day: c
                .decided_at
                .map(|d| words::long_date(d.oslo_date()))
                .unwrap_or_else(|| words::long_date(today)),
            decided_by: signed_by,
            reasons: text(&c.decision_reasons),
            failed: checklist.failed_labels(assessed),
        },
    })
}

fn condition_facts(c: &Condition) -> ConditionFacts {
    ConditionFacts {
        label: c.label.clone(),
        help: c.help.clone(),
    }
}

/// `barnevernsloven § 10-7`: the law by the name it is cited by.
fn reference(catalogue: &Catalogue, p: &Provision) -> String {
    let law = catalogue
        .laws
        .iter()
        .find(|l| l.id == p.law)
        .and_then(|l| l.names.first())
        .map_or(p.law.as_str(), String::as_str);
    format!("{law} § {}", p.section)
}

fn protocol_facts(
    catalogue: &Catalogue,
    p: &Protocol,
    text: &dyn Fn(&Option<String>) -> String,
) -> ProtocolFacts {
    let day = |d: Option<crate::time::DateOrTime>| {
        d.map(|d| words::long_date(d.oslo_date()))
            .unwrap_or_default()
    };
    ProtocolFacts {
        known: true,
        id: p.protocol_id.clone(),
        unit: text(&p.unit),
        placement_basis: text(&p.placement_basis),
        incident_date: p
            .measures
            .iter()
            .map(|m| m.started_at)
            .min()
            .map(|t| words::long_date(crate::time::oslo_date(&t)))
            .unwrap_or_default(),
        written: day(p.written_at),
        received: day(p.received_at),
        measures: p
            .measures
            .iter()
            .map(|m| measure_facts(catalogue, m))
            .collect(),
        danger: text(&p.danger),
        justification: text(&p.justification),
        execution: text(&p.execution),
        decided_by: text(&p.decided_by),
        staff_involved: p.staff_involved.map(|n| n.to_string()).unwrap_or_default(),
        police: p
            .police
            .map(|x| crate::labels::police_label(x).to_string())
            .unwrap_or_default(),
        injury: match (p.injury, text(&p.injury_note)) {
            (Some(i), note) if !note.is_empty() => {
                format!("{} – {note}", crate::labels::injury_label(i))
            }
            (Some(i), _) => crate::labels::injury_label(i).to_string(),
            (None, _) => String::new(),
        },
        child_statement: text(&p.child_statement),
        informed_of_complaint_right: words::informed(p.informed_of_complaint_right).to_string(),
    }
}

impl ProtocolFacts {
    fn unknown(id: &str) -> ProtocolFacts {
        ProtocolFacts {
            known: false,
            id: id.to_string(),
            ..ProtocolFacts::default()
        }
    }
}

fn measure_facts(catalogue: &Catalogue, m: &Measure) -> MeasureFacts {
    let provision = catalogue
        .resolve_provision(&m.provision)
        .map_or_else(|| m.provision.clone(), |p| reference(catalogue, p));
    let kind = m
        .kind
        .as_deref()
        .map(|k| catalogue.kind(k).map_or(k, |kind| kind.title.as_str()))
        .unwrap_or(words::KIND_UNKNOWN)
        .to_string();
    let period = match m.ended_at {
        Some(end) => words::period(&m.started_at, &end),
        None => words::from(&m.started_at),
    };
    MeasureFacts {
        kind,
        provision,
        period,
        duration: m
            .duration()
            .map(crate::time::format_duration)
            .unwrap_or_default(),
    }
}

fn result_id(a: Option<Assessment>) -> &'static str {
    match a {
        Some(Assessment::Oppfylt) => "oppfylt",
        Some(Assessment::IkkeOppfylt) => "ikke_oppfylt",
        Some(Assessment::IkkeVurderbar) => "ikke_vurderbar",
        Some(Assessment::IkkeAktuelt) => "ikke_aktuelt",
        None => words::NOT_ASSESSED_ID,
    }
}

fn outcome_id(o: Outcome) -> &'static str {
    match o {
        Outcome::Medhold => "medhold",
        Outcome::DelvisMedhold => "delvis_medhold",
        Outcome::IkkeMedhold => "ikke_medhold",
        Outcome::Avvist => "avvist",
        Outcome::OpphevetHjemvist => "opphevet_hjemvist",
        Outcome::Trukket => "trukket",
    }
}

/// Writes a drafted letter to `path` (0600, whole or not at all) and records it in the audit
/// log as an export of the complaint. An existing file is replaced only when `overwrite`.
pub fn write(
    store: &Store,
    draft: &Draft,
    path: &Path,
    format: LetterFormat,
    overwrite: bool,
    by: Drafter,
) -> Result<(), LetterError> {
    if !overwrite && path.exists() {
        return Err(LetterError::Exists {
            path: path.to_path_buf(),
        });
    }
    let bytes = draft.bytes(format);
    let existing = if overwrite {
        crate::output_file::Existing::Replace
    } else {
        crate::output_file::Existing::Keep
    };
    crate::output_file::write_bytes(path, existing, &bytes).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            LetterError::Exists {
                path: path.to_path_buf(),
            }
        } else {
            LetterError::Write {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;
    let privacy = match draft.privacy {
        LetterPrivacy::Masked => crate::audit_text::ExportedPrivacy::Masked,
        LetterPrivacy::Revealed => crate::audit_text::ExportedPrivacy::Revealed,
    };
    store.log(vec![crate::audit::Event::new(
        by.now,
        by.author,
        crate::audit::Action::Export,
    )
    .record(RecordRef::complaint(draft.complaint_id))
    .field(path.display().to_string())
    .change("", crate::audit_text::letter_logged(format.name(), privacy))])?;
    Ok(())
}
