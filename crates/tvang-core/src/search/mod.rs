//! Fuzzy search across protocols and complaints.
//!
//! Inspectors look things up by half-remembered fragments: a misspelt institution name, part of
//! a child's reference, a phrase from the narrative. A query is a list of terms
//! ([`Query::parse`]); every term must match somewhere (in the fields its prefix allows), and a
//! record's score is the sum of its terms' best matches.
//!
//! How a term matches a word or a value, best first (see `score`):
//! exact, prefix, substring, then fuzzy (the [`FuzzyScorer`], fuzzy-matcher's skim algorithm,
//! or one or two typing errors). Both sides are compared lower-cased and loosely folded
//! ([`crate::fold::search_fold`]: `solbakken` = `Sølbakken`); a match that also holds without
//! folding ranks higher. Quoted phrases match exactly, case aside.
//!
//! Speed: the index holds each distinct value of the short fields once with the records that
//! have it, and the narrative texts as a vocabulary of distinct words with the texts they occur
//! in. A term is compared with each distinct value and word, not with each record, so a
//! keystroke costs about the same at 100,000 protocols as at 1,000 (figures in the README).

mod load;
mod query;

pub use load::{annotation_texts, load_index};
pub use query::{Query, Scope, Term};

use crate::fold::{for_each_lower_word, lower_chars, search_fold, search_fold_text};
use crate::review::RecordRef;
use chrono::NaiveDate;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::borrow::Cow;
use std::ops::Range;

/// The fields search looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The protocol's or complaint's own id, or (on a complaint) the protocol it concerns.
    Id,
    Institution,
    InstitutionId,
    Region,
    ChildRef,
    Provision,
    Kind,
    Danger,
    Justification,
    InjuryNote,
    ChildStatement,
    ComplaintText,
    /// The inspectors' notes and field remarks.
    Annotation,
}

impl Field {
    /// Whether a term with this scope may match this field.
    pub fn in_scope(self, scope: Scope) -> bool {
        match scope {
            Scope::All => true,
            Scope::Institution => matches!(self, Field::Institution | Field::InstitutionId),
            Scope::Child => self == Field::ChildRef,
            Scope::Provision => self == Field::Provision,
            Scope::Kind => self == Field::Kind,
            Scope::Region => self == Field::Region,
            Scope::Id => self == Field::Id,
            Scope::Text => self.is_narrative(),
        }
    }

    /// Long free text: matched word by word and shown as a snippet.
    pub fn is_narrative(self) -> bool {
        matches!(
            self,
            Field::Danger
                | Field::Justification
                | Field::InjuryNote
                | Field::ChildStatement
                | Field::ComplaintText
                | Field::Annotation
        )
    }

    /// Identifiers: matched as a whole (exact, prefix or part), never fuzzily — `B-10` should
    /// not find `B-01`.
    fn is_identifier(self) -> bool {
        matches!(self, Field::Id | Field::InstitutionId | Field::ChildRef)
    }

    pub fn name(self) -> String {
        crate::review::json_name(&self)
    }
}

/// The fuzzy comparison of a (folded) term with a (folded) word: our own seam, so that another
/// matcher can replace fuzzy-matcher if measurements call for it.
pub trait FuzzyScorer: Send + Sync {
    /// How well `pattern` matches `candidate`, 0–1000 (1000: as well as `pattern` matches
    /// itself), with the char positions in `candidate` it matched; `None` when it does not match
    /// well enough to show.
    fn score(&self, candidate: &str, pattern: &str) -> Option<(u32, Vec<usize>)>;
}

/// fuzzy-matcher's skim algorithm (V2). Skim's score depends on the pattern's length, so it is
/// scaled by the pattern's score against itself; matches below `min_share` of that are noise
/// (a short pattern scattered over a long word).
pub struct SkimScorer {
    matcher: SkimMatcherV2,
    min_share: f64,
    /// The last pattern and its score against itself: a term is compared with every word of
    /// the vocabulary in a row, and scoring a long pattern against itself is not free.
    last: std::sync::Mutex<(String, i64)>,
}

impl Default for SkimScorer {
    fn default() -> Self {
        SkimScorer {
            matcher: SkimMatcherV2::default().ignore_case(),
            min_share: 0.6,
            last: std::sync::Mutex::new((String::new(), 0)),
        }
    }
}

impl SkimScorer {
    fn self_score(&self, pattern: &str) -> Option<i64> {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.0 != pattern {
            *last = (
                pattern.to_string(),
                self.matcher.fuzzy_match(pattern, pattern)?,
            );
        }
        Some(last.1)
    }
}

impl FuzzyScorer for SkimScorer {
    fn score(&self, candidate: &str, pattern: &str) -> Option<(u32, Vec<usize>)> {
        // Skim matches a subsequence: never in a shorter word.
        if pattern.chars().count() > candidate.chars().count() {
            return None;
        }
        let best = self.self_score(pattern)?.max(1) as f64;
        let (score, indices) = self.matcher.fuzzy_indices(candidate, pattern)?;
        let share = score as f64 / best;
        (share >= self.min_share).then(|| ((share.min(1.0) * 1000.0) as u32, indices))
    }
}

/// Match tiers: each tier outranks every match of the tiers below, whatever the bonuses.
const EXACT: u32 = 4000;
const PREFIX: u32 = 3000;
const PART: u32 = 2000;
const FUZZY: u32 = 1000;
/// Within a tier: a match in a short field (institution, child, provision...) before one in free
/// text; then a match that holds without folding (`Solbakken` typed, `Solbakken` found) before
/// one that needs it (`Sølbakken`); then how much of the word the term covers. The three add up
/// to less than a tier.
const SHORT_FIELD: u32 = 500;
const UNFOLDED: u32 = 250;
/// At most this much for coverage (prefix and part matches).
const COVERAGE: u32 = 200;

/// Terms shorter than this (in chars) match only exactly or as a prefix: `a` is part of every
/// other word.
const MIN_PART_CHARS: usize = 3;
/// Terms shorter than this are not matched fuzzily.
const MIN_FUZZY_CHARS: usize = 5;

/// A word or value in both compared forms.
#[derive(Debug, Clone)]
struct Forms {
    lower: String,
    folded: String,
}

impl Forms {
    fn of(s: &str) -> Forms {
        Forms {
            lower: lower_chars(s),
            folded: search_fold_text(s),
        }
    }
}

impl Value {
    fn new(field: Field, text: &str) -> Value {
        Value {
            field,
            text: text.into(),
            whole: Forms::of(text),
            words: if field.is_identifier() {
                Vec::new()
            } else {
                words(text).map(|(_, w)| Forms::of(w)).collect()
            },
            docs: Vec::new(),
        }
    }
}

/// How a term matched a word or value: the score and, for highlighting, the matched char
/// positions in the folded form (`None`: all of it).
struct Match {
    score: u32,
    folded_chars: Option<Vec<usize>>,
    /// Positions are in the lower-cased (unfolded) form instead.
    unfolded: bool,
}

fn coverage(term_chars: usize, word_chars: usize) -> u32 {
    (COVERAGE as usize * term_chars / word_chars.max(1)).min(COVERAGE as usize) as u32
}

/// How `term` matches `word` (a word of a text or name, or a whole identifier).
fn score(
    term: &Term,
    word: &Forms,
    fuzzy: bool,
    scorer: &dyn FuzzyScorer,
    detail: bool,
) -> Option<Match> {
    let (t, w) = (&term.lower, &word.lower);
    let t_chars = t.chars().count();
    let whole = |score, unfolded| Match {
        score,
        folded_chars: None,
        unfolded,
    };
    if w == t {
        return Some(whole(EXACT + UNFOLDED, true));
    }
    if word.folded == term.folded {
        return Some(whole(EXACT, false));
    }
    let at = |text: &str, pattern: &str, pos: usize| -> Option<Vec<usize>> {
        detail.then(|| {
            let start = text[..pos].chars().count();
            (start..start + pattern.chars().count()).collect()
        })
    };
    let w_chars = w.chars().count();
    if w.starts_with(t.as_str()) {
        return Some(Match {
            score: PREFIX + UNFOLDED + coverage(t_chars, w_chars),
            folded_chars: at(w, t, 0),
            unfolded: true,
        });
    }
    let (tf, wf) = (&term.folded, &word.folded);
    if wf.starts_with(tf.as_str()) {
        return Some(Match {
            score: PREFIX + coverage(t_chars, w_chars),
            folded_chars: at(wf, tf, 0),
            unfolded: false,
        });
    }
    if t_chars < MIN_PART_CHARS {
        return None;
    }
    if let Some(pos) = w.find(t.as_str()) {
        return Some(Match {
            score: PART + UNFOLDED + coverage(t_chars, w_chars),
            folded_chars: at(w, t, pos),
            unfolded: true,
        });
    }
    if let Some(pos) = wf.find(tf.as_str()) {
        return Some(Match {
            score: PART + coverage(t_chars, w_chars),
            folded_chars: at(wf, tf, pos),
            unfolded: false,
        });
    }
    if !fuzzy || t_chars < MIN_FUZZY_CHARS {
        return None;
    }
    let typos = typo_distance(tf, wf, if t_chars >= 8 { 2 } else { 1 })
        .map(|d| FUZZY + 900 - 300 * d as u32);
    let skim = scorer
        .score(wf, tf)
        .map(|(s, chars)| (FUZZY + s * 6 / 10, chars));
    // Folding changed neither side, so the match holds without it.
    let unfolded = if *w == word.folded && *t == term.folded {
        UNFOLDED
    } else {
        0
    };
    match (typos, skim) {
        (Some(t), Some((s, _))) if t >= s => Some(whole(t + unfolded, false)),
        (Some(t), None) => Some(whole(t + unfolded, false)),
        (_, Some((s, chars))) => Some(Match {
            score: s + unfolded,
            folded_chars: Some(chars),
            unfolded: false,
        }),
        (None, None) => None,
    }
}

/// The number of typing errors (a letter wrong, missing, extra, or two swapped) between `a` and
/// `b`, if at most `max`; `None` beyond.
fn typo_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max || a.len() > 64 || b.len() > 64 {
        return None;
    }
    // Optimal string alignment distance, three rows.
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[b.len()] <= max).then_some(prev[b.len()])
}

/// What a record contributes to the index.
/// Its texts may borrow (from the store's chunks) or be owned.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    pub record: RecordRef,
    /// Incident day (protocol) or day received (complaint): the tie-breaker, newest first.
    pub date: Option<NaiveDate>,
    /// Short fields: (field, value). A field may occur several times (one per measure).
    pub values: Vec<(Field, Cow<'a, str>)>,
    /// Narrative texts: (field, text).
    pub texts: Vec<(Field, Cow<'a, str>)>,
}

struct Doc {
    record: RecordRef,
    date: Option<NaiveDate>,
    /// Its values: a range of `SearchIndex::doc_values`.
    values: Range<u32>,
    texts: Range<u32>,
}

/// A distinct short-field value and the records that have it.
struct Value {
    field: Field,
    text: Box<str>,
    whole: Forms,
    /// Its words, for name fields (identifiers match whole).
    words: Vec<Forms>,
    docs: Vec<u32>,
}

/// A narrative text: its place in `SearchIndex::arena` (one allocation for all of them).
struct Text {
    doc: u32,
    field: Field,
    range: Range<u32>,
}

/// A distinct word (lower-cased) of the narrative texts and the texts it occurs in.
struct Word {
    forms: Forms,
    texts: Vec<u32>,
}

/// The search index over a set of records. Build it with [`SearchIndex::build`] or
/// [`load_index`]; annotations can be replaced record by record as inspectors write them.
pub struct SearchIndex {
    docs: Vec<Doc>,
    by_record: FxHashMap<RecordRef, u32>,
    values: Vec<Value>,
    doc_values: Vec<u32>,
    texts: Vec<Text>,
    arena: String,
    words: Vec<Word>,
    /// The inspectors' notes, by doc: few, and changed while the TUI runs, so they are matched
    /// directly instead of through the word index.
    annotations: FxHashMap<u32, Vec<String>>,
    scorer: Box<dyn FuzzyScorer>,
}

/// The short fields of `docs`, each distinct value once: the values, each doc's value ids (a
/// range of the second) in doc order.
#[allow(clippy::type_complexity)]
fn index_values(docs: &[Document]) -> (Vec<Value>, Vec<u32>, Vec<Range<u32>>) {
    let mut values: Vec<Value> = Vec::new();
    let mut doc_values = Vec::new();
    let mut ranges = Vec::with_capacity(docs.len());
    // Per field, so that a value is looked up by `&str` without allocating.
    let mut value_ids: FxHashMap<Field, FxHashMap<Box<str>, u32>> = FxHashMap::default();
    for (doc, d) in docs.iter().enumerate() {
        let doc = doc as u32;
        let first = doc_values.len() as u32;
        for (field, text) in &d.values {
            if text.trim().is_empty() || *field == Field::Annotation {
                continue;
            }
            let ids = value_ids.entry(*field).or_default();
            let id = match ids.get(text.as_ref()) {
                Some(id) => *id,
                None => {
                    let id = values.len() as u32;
                    values.push(Value::new(*field, text));
                    ids.insert(text.as_ref().into(), id);
                    id
                }
            };
            let v = &mut values[id as usize];
            if v.docs.last() != Some(&doc) {
                v.docs.push(doc);
                doc_values.push(id);
            }
        }
        ranges.push(first..doc_values.len() as u32);
    }
    (values, doc_values, ranges)
}

fn text_bytes(docs: &[Document]) -> usize {
    docs.iter()
        .flat_map(|d| d.texts.iter())
        .map(|(_, t)| t.len())
        .sum()
}

/// The narrative fields in the order of the store's vocabulary slots
/// ([`crate::facts::encode_vocabulary`]).
const NARRATIVE_FIELDS: [Field; crate::facts::NARRATIVE_FIELDS] = [
    Field::Danger,
    Field::Justification,
    Field::InjuryNote,
    Field::ChildStatement,
];

/// One chunk of the store's narrative vocabularies: the doc at each position of the chunk, and
/// each word with its slots.
pub struct SplitChunk<'a> {
    pub docs: Vec<u32>,
    pub words: Vec<(&'a str, Vec<u16>)>,
}

/// The narratives of a run of docs: texts, their words, and the annotations.
struct TextPart {
    texts: Vec<Text>,
    arena: String,
    words: Vec<Word>,
    word_ids: FxHashMap<Box<str>, u32>,
    /// Each doc's texts (a range of `texts`), in doc order.
    doc_texts: Vec<Range<u32>>,
    annotations: FxHashMap<u32, Vec<String>>,
}

impl TextPart {
    /// Indexes the narratives of `docs`, the first of which is doc number `first_doc`, with
    /// room for `more_bytes` of text.
    fn index(docs: &[Document], first_doc: u32, more_bytes: usize, split: bool) -> TextPart {
        let mut part = TextPart {
            texts: Vec::with_capacity(docs.iter().map(|d| d.texts.len()).sum()),
            arena: String::with_capacity(text_bytes(docs) + more_bytes),
            words: Vec::new(),
            word_ids: FxHashMap::default(),
            doc_texts: Vec::with_capacity(docs.len()),
            annotations: FxHashMap::default(),
        };
        let mut word = String::new();
        for (i, d) in docs.iter().enumerate() {
            let doc = first_doc + i as u32;
            let first_text = part.texts.len() as u32;
            let annotations = d.values.iter().filter(|(f, _)| *f == Field::Annotation);
            for (field, text) in d.texts.iter().chain(annotations) {
                if *field == Field::Annotation {
                    if !text.trim().is_empty() {
                        part.annotations
                            .entry(doc)
                            .or_default()
                            .push(text.to_string());
                    }
                    continue;
                }
                let t = part.texts.len() as u32;
                if split {
                    for_each_lower_word(text, &mut word, |w| part.post(w, t));
                }
                let start = part.arena.len() as u32;
                part.arena.push_str(text);
                part.texts.push(Text {
                    doc,
                    field: *field,
                    range: start..part.arena.len() as u32,
                });
            }
            part.doc_texts.push(first_text..part.texts.len() as u32);
        }
        part
    }

    /// The id of a word, added if new.
    fn word_id(&mut self, w: &str) -> u32 {
        if let Some(id) = self.word_ids.get(w) {
            return *id;
        }
        let id = self.words.len() as u32;
        self.words.push(Word {
            forms: Forms {
                lower: w.to_string(),
                folded: search_fold_text(w),
            },
            texts: Vec::new(),
        });
        self.word_ids.insert(w.into(), id);
        id
    }

    /// Records that word `w` occurs in text `t` (texts come in ascending order).
    fn post(&mut self, w: &str, t: u32) {
        let id = self.word_id(w);
        let postings = &mut self.words[id as usize].texts;
        if postings.last() != Some(&t) {
            postings.push(t);
        }
    }

    /// Posts the words of the store's chunk vocabularies for this part's docs (indexed with
    /// `split` off): each slot (position × 4 + field) is the text of that field of that doc.
    fn add_split(&mut self, chunks: &[SplitChunk]) {
        let doc_texts = std::mem::take(&mut self.doc_texts);
        for chunk in chunks {
            for (w, slots) in &chunk.words {
                for &slot in slots {
                    let pos = usize::from(slot) / crate::facts::NARRATIVE_FIELDS;
                    let field =
                        NARRATIVE_FIELDS[usize::from(slot) % crate::facts::NARRATIVE_FIELDS];
                    let Some(&doc) = chunk.docs.get(pos) else {
                        continue;
                    };
                    let Some(range) = doc_texts.get(doc as usize) else {
                        continue;
                    };
                    let text =
                        (range.start..range.end).find(|&t| self.texts[t as usize].field == field);
                    if let Some(t) = text {
                        self.post(w, t);
                    }
                }
            }
        }
        self.doc_texts = doc_texts;
    }

    /// Appends the part for the docs that follow this part's.
    fn append(&mut self, next: TextPart) {
        let text_offset = self.texts.len() as u32;
        let arena_offset = self.arena.len() as u32;
        let shift = |r: Range<u32>, by: u32| r.start + by..r.end + by;
        for w in next.words {
            let id = self.word_id(&w.forms.lower);
            self.words[id as usize]
                .texts
                .extend(w.texts.iter().map(|t| t + text_offset));
        }
        self.texts.extend(next.texts.into_iter().map(|t| Text {
            range: shift(t.range, arena_offset),
            ..t
        }));
        self.arena.push_str(&next.arena);
        self.doc_texts
            .extend(next.doc_texts.into_iter().map(|r| shift(r, text_offset)));
        self.annotations.extend(next.annotations);
    }
}

/// Splits text into words: runs of letters and digits, with their byte ranges.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

impl SearchIndex {
    pub fn build<'a>(documents: impl IntoIterator<Item = Document<'a>>) -> SearchIndex {
        SearchIndex::build_with(documents, Box::new(SkimScorer::default()))
    }

    /// Builds the index on two threads: one indexes the short fields of every record and the
    /// narratives of the first records, the other the narratives of the rest (narratives are
    /// most of the work); the two narrative parts are then joined.
    pub fn build_with<'a>(
        documents: impl IntoIterator<Item = Document<'a>>,
        scorer: Box<dyn FuzzyScorer>,
    ) -> SearchIndex {
        let docs: Vec<Document> = documents.into_iter().collect();
        // Short fields cost about a third of the narratives.
        let split = docs.len() * 2 / 5;
        let ((values, mut first), second) = std::thread::scope(|scope| {
            let other = scope.spawn(|| TextPart::index(&docs[split..], split as u32, 0, true));
            let values = index_values(&docs);
            // Room for the second part too: growing big buffers costs more than filling them
            // (fresh pages are zeroed by the kernel).
            let first = TextPart::index(&docs[..split], 0, text_bytes(&docs[split..]), true);
            let second = other
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            ((values, first), second)
        });
        first.append(second);
        SearchIndex::assemble(docs, values, first, scorer)
    }

    /// Like [`SearchIndex::build`], for documents whose first `split_docs` have their narrative
    /// words already split: the store's chunk vocabularies, so that loading an index does not
    /// split 100,000 narratives again. The index is the same as `build` makes (a test checks).
    pub fn build_presplit<'a>(
        documents: impl IntoIterator<Item = Document<'a>>,
        split_docs: usize,
        chunks: &[SplitChunk],
    ) -> SearchIndex {
        let docs: Vec<Document> = documents.into_iter().collect();
        let split_docs = split_docs.min(docs.len());
        let ((values, rest), mut first) = std::thread::scope(|scope| {
            let other = scope.spawn(|| {
                let mut part = TextPart::index(
                    &docs[..split_docs],
                    0,
                    text_bytes(&docs[split_docs..]),
                    false,
                );
                part.add_split(chunks);
                part
            });
            let values = index_values(&docs);
            let rest = TextPart::index(&docs[split_docs..], split_docs as u32, 0, true);
            let first = other
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            ((values, rest), first)
        });
        first.append(rest);
        SearchIndex::assemble(docs, values, first, Box::new(SkimScorer::default()))
    }

    fn assemble(
        docs: Vec<Document>,
        (values, doc_values, value_ranges): (Vec<Value>, Vec<u32>, Vec<Range<u32>>),
        first: TextPart,
        scorer: Box<dyn FuzzyScorer>,
    ) -> SearchIndex {
        let TextPart {
            texts,
            arena,
            words,
            word_ids: _,
            doc_texts,
            annotations,
        } = first;
        let by_record = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.record, i as u32))
            .collect();
        let docs = docs
            .iter()
            .zip(value_ranges)
            .zip(doc_texts)
            .map(|((d, values), texts)| Doc {
                record: d.record,
                date: d.date,
                values,
                texts,
            })
            .collect();
        SearchIndex {
            docs,
            by_record,
            values,
            doc_values,
            texts,
            arena,
            words,
            annotations,
            scorer,
        }
    }

    fn text(&self, t: &Text) -> &str {
        &self.arena[t.range.start as usize..t.range.end as usize]
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Replaces a record's annotations (notes and remarks) as the inspector edits them.
    pub fn set_annotations(&mut self, record: RecordRef, texts: Vec<String>) {
        let Some(&doc) = self.by_record.get(&record) else {
            return;
        };
        let texts: Vec<String> = texts.into_iter().filter(|t| !t.trim().is_empty()).collect();
        if texts.is_empty() {
            self.annotations.remove(&doc);
        } else {
            self.annotations.insert(doc, texts);
        }
    }

    /// Every record matching all terms, best first (score, then newest date, then record).
    /// An empty query matches nothing.
    pub fn search(&self, query: &Query) -> Vec<Ranked> {
        if query.is_empty() {
            return Vec::new();
        }
        let mut total: Vec<u32> = Vec::new();
        for (i, term) in query.terms.iter().enumerate() {
            let scores = self.term_scores(term);
            if i == 0 {
                total = scores;
            } else {
                for (t, s) in total.iter_mut().zip(scores) {
                    *t = if *t == 0 || s == 0 { 0 } else { *t + s };
                }
            }
        }
        let mut ranked: Vec<Ranked> = total
            .iter()
            .enumerate()
            .filter(|(_, s)| **s > 0)
            .map(|(doc, s)| Ranked {
                record: self.docs[doc].record,
                score: *s,
                date: self.docs[doc].date,
            })
            .collect();
        ranked.sort_unstable_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(b.date.cmp(&a.date))
                .then(a.record.cmp(&b.record))
        });
        ranked
    }

    /// Each doc's best score for one term (0: no match).
    fn term_scores(&self, term: &Term) -> Vec<u32> {
        let mut best = vec![0u32; self.docs.len()];
        let mut raise = |doc: u32, s: u32| {
            let b = &mut best[doc as usize];
            *b = (*b).max(s);
        };
        for v in self.values.iter().filter(|v| v.field.in_scope(term.scope)) {
            if let Some(s) = self.value_match(term, v, false).map(|m| m.score) {
                for &doc in &v.docs {
                    raise(doc, s);
                }
            }
        }
        // The texts in the word index: protocols' narratives and complaints' texts.
        let narrative = NARRATIVE_FIELDS
            .iter()
            .chain([&Field::ComplaintText])
            .any(|f| f.in_scope(term.scope));
        if narrative {
            if term.phrase {
                for t in self.phrase_candidates(term) {
                    let text = &self.texts[t as usize];
                    if text.field.in_scope(term.scope)
                        && contains_lower(self.text(text), &term.lower)
                    {
                        raise(text.doc, EXACT + UNFOLDED);
                    }
                }
            } else {
                for w in &self.words {
                    if let Some(m) = score(term, &w.forms, true, self.scorer.as_ref(), false) {
                        for &t in &w.texts {
                            let text = &self.texts[t as usize];
                            if text.field.in_scope(term.scope) {
                                raise(text.doc, m.score);
                            }
                        }
                    }
                }
            }
        }
        if Field::Annotation.in_scope(term.scope) {
            for (&doc, notes) in &self.annotations {
                if let Some(m) = notes
                    .iter()
                    .filter_map(|n| self.text_match(term, n, false))
                    .max_by_key(|m| m.0)
                {
                    raise(doc, m.0);
                }
            }
        }
        best
    }

    /// The texts that may contain a phrase: those that, for each of its words, hold a word
    /// containing it (all texts when the phrase has no word). Words of one or two letters are
    /// left out when there are longer ones: `i` is in nearly every text.
    fn phrase_candidates(&self, term: &Term) -> Vec<u32> {
        let phrase_words: Vec<&str> = words(&term.lower).map(|(_, w)| w).collect();
        let long: Vec<&str> = phrase_words
            .iter()
            .copied()
            .filter(|w| w.chars().count() >= MIN_PART_CHARS)
            .collect();
        let wanted = if long.is_empty() { phrase_words } else { long };
        let mut lists: Vec<Vec<u32>> = wanted
            .iter()
            .map(|pw| {
                let mut texts: Vec<u32> = self
                    .words
                    .iter()
                    .filter(|w| w.forms.lower.contains(pw))
                    .flat_map(|w| w.texts.iter().copied())
                    .collect();
                texts.sort_unstable();
                texts.dedup();
                texts
            })
            .collect();
        lists.sort_by_key(Vec::len);
        let mut lists = lists.into_iter();
        let Some(mut candidates) = lists.next() else {
            return (0..self.texts.len() as u32).collect();
        };
        for other in lists {
            candidates.retain(|t| other.binary_search(t).is_ok());
        }
        candidates
    }

    /// How a term matches a short-field value: the whole value, or (names) one of its words.
    fn value_match(&self, term: &Term, v: &Value, detail: bool) -> Option<Match> {
        let m = if term.phrase {
            v.whole
                .lower
                .find(&term.lower)
                .map(|pos| phrase_match(&v.whole.lower, pos, &term.lower))
        } else if v.field.is_identifier() {
            score(term, &v.whole, false, self.scorer.as_ref(), detail)
        } else {
            // The whole name (`10-7` in `bvl § 10-7`, an exact `Solbakken ungdomshjem`) or its
            // best word, whichever scores higher.
            let mut best = score(term, &v.whole, false, self.scorer.as_ref(), detail);
            for (i, w) in v.words.iter().enumerate() {
                if let Some(m) = score(term, w, true, self.scorer.as_ref(), detail) {
                    if best.as_ref().is_none_or(|b| m.score > b.score) {
                        best = Some(word_match_in_value(v, i, m, detail));
                    }
                }
            }
            best
        };
        m.map(|mut m| {
            m.score += SHORT_FIELD;
            m
        })
    }

    /// How a term matches a free text (used for annotations and for explaining a result):
    /// the score and the matched byte range(s) in `text`.
    fn text_match(
        &self,
        term: &Term,
        text: &str,
        detail: bool,
    ) -> Option<(u32, Vec<Range<usize>>)> {
        let lower = lower_chars(text);
        if term.phrase {
            let pos = lower.find(&term.lower)?;
            let start = lower[..pos].chars().count();
            let chars: Vec<usize> = (start..start + term.lower.chars().count()).collect();
            return Some((EXACT + UNFOLDED, char_ranges(text, &chars)));
        }
        let mut best: Option<(u32, usize, Match)> = None;
        for (at, w) in words(&lower) {
            if let Some(m) = score(term, &Forms::of(w), true, self.scorer.as_ref(), detail) {
                if best.as_ref().is_none_or(|(s, _, _)| m.score > *s) {
                    best = Some((m.score, at, m));
                }
            }
        }
        let (s, at, m) = best?;
        if !detail {
            return Some((s, Vec::new()));
        }
        let first_char = lower[..at].chars().count();
        let word = words(&lower).find(|(a, _)| *a == at).map(|(_, w)| w)?;
        let chars: Vec<usize> = match_chars(word, &m)
            .into_iter()
            .map(|c| first_char + c)
            .collect();
        Some((s, char_ranges(text, &chars)))
    }

    /// Why a record matched: each term's best field, with the matched characters. Narrative
    /// fields come as a snippet around the match.
    pub fn explain(&self, record: RecordRef, query: &Query) -> Vec<FieldMatch> {
        let Some(&doc) = self.by_record.get(&record) else {
            return Vec::new();
        };
        let d = &self.docs[doc as usize];
        let mut out = Vec::new();
        for term in &query.terms {
            let mut best: Option<(u32, FieldMatch)> = None;
            let mut consider = |s: u32, m: FieldMatch| {
                if best.as_ref().is_none_or(|(b, _)| s > *b) {
                    best = Some((s, m));
                }
            };
            for &vid in &self.doc_values[d.values.start as usize..d.values.end as usize] {
                let v = &self.values[vid as usize];
                if !v.field.in_scope(term.scope) {
                    continue;
                }
                if let Some(m) = self.value_match(term, v, true) {
                    let chars = match_chars(&v.whole.lower, &m);
                    consider(
                        m.score,
                        FieldMatch {
                            field: v.field,
                            text: single_line(&v.text),
                            highlights: char_ranges(&v.text, &chars),
                        },
                    );
                }
            }
            let texts = d.texts.clone().map(|t| &self.texts[t as usize]);
            let notes = self
                .annotations
                .get(&doc)
                .into_iter()
                .flatten()
                .map(|n| (Field::Annotation, n.as_str()));
            for (field, text) in texts.map(|t| (t.field, self.text(t))).chain(notes) {
                if !field.in_scope(term.scope) {
                    continue;
                }
                if let Some((s, ranges)) = self.text_match(term, text, true) {
                    consider(s, snippet(field, text, &ranges));
                }
            }
            if let Some((_, m)) = best {
                if !out.contains(&m) {
                    out.push(m);
                }
            }
        }
        out
    }
}

/// Whether `text`, lower-cased as [`lower_chars`] does, contains `lower`. An ASCII phrase (the
/// common case) is compared byte by byte without lower-casing the text: phrases are checked
/// against thousands of candidate texts on every keystroke.
fn contains_lower(text: &str, lower: &str) -> bool {
    if !lower.is_ascii() {
        return lower_chars(text).contains(lower);
    }
    let (text, pattern) = (text.as_bytes(), lower.as_bytes());
    let Some(&first) = pattern.first() else {
        return true;
    };
    text.len() >= pattern.len()
        && (0..=text.len() - pattern.len()).any(|i| {
            text[i].to_ascii_lowercase() == first
                && text[i..i + pattern.len()].eq_ignore_ascii_case(pattern)
        })
}

/// A phrase found at byte `pos` of `lower`: an exact match of its chars.
fn phrase_match(lower: &str, pos: usize, phrase: &str) -> Match {
    let start = lower[..pos].chars().count();
    Match {
        score: EXACT + UNFOLDED,
        folded_chars: Some((start..start + phrase.chars().count()).collect()),
        unfolded: true,
    }
}

/// A word's match as a match in its whole value: positions shifted to the word's place.
fn word_match_in_value(v: &Value, word: usize, m: Match, detail: bool) -> Match {
    if !detail {
        return m;
    }
    let (at, w) = words(&v.whole.lower)
        .nth(word)
        .expect("a value's words are the words of its text");
    let first = v.whole.lower[..at].chars().count();
    let chars = match_chars(w, &m);
    Match {
        score: m.score,
        folded_chars: Some(chars.into_iter().map(|c| first + c).collect()),
        unfolded: true,
    }
}

/// The chars of `word` (lower-cased, unfolded) a match covers.
fn match_chars(word: &str, m: &Match) -> Vec<usize> {
    match &m.folded_chars {
        None => (0..word.chars().count()).collect(),
        Some(chars) if m.unfolded => chars.clone(),
        Some(chars) => {
            let (_, from) = search_fold(word);
            let mut out: Vec<usize> = chars.iter().filter_map(|c| from.get(*c).copied()).collect();
            out.dedup();
            out
        }
    }
}

/// Char positions as merged byte ranges of `text`.
fn char_ranges(text: &str, chars: &[usize]) -> Vec<Range<usize>> {
    let mut wanted: Vec<usize> = chars.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut next = wanted.iter().peekable();
    for (i, (byte, c)) in text.char_indices().enumerate() {
        if next.peek() == Some(&&i) {
            next.next();
            let end = byte + c.len_utf8();
            match out.last_mut() {
                Some(r) if r.end == byte => r.end = end,
                _ => out.push(byte..end),
            }
        }
    }
    out
}

/// Chars of narrative shown before and after a match.
const SNIPPET_BEFORE: usize = 30;
const SNIPPET_AFTER: usize = 50;

/// `s` on one line without control characters, each replaced by as many spaces as it has bytes
/// (so that highlight ranges stay valid): results are printed to terminals.
fn single_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// A window of `text` around the first highlight, with `…` where it was cut.
fn snippet(field: Field, text: &str, ranges: &[Range<usize>]) -> FieldMatch {
    let Some(first) = ranges.first() else {
        return FieldMatch {
            field,
            text: single_line(text),
            highlights: Vec::new(),
        };
    };
    let last_end = ranges.last().map_or(first.end, |r| r.end);
    let mut start = text[..first.start]
        .char_indices()
        .rev()
        .nth(SNIPPET_BEFORE - 1)
        .map_or(0, |(b, _)| b);
    // Begin and end at word boundaries, not inside a word.
    if start > 0 {
        if let Some(space) = text[start..first.start].find(char::is_whitespace) {
            start += space + 1;
        }
    }
    let mut end = text[last_end..]
        .char_indices()
        .nth(SNIPPET_AFTER)
        .map_or(text.len(), |(b, _)| last_end + b);
    if end < text.len() {
        if let Some(space) = text[last_end..end].rfind(char::is_whitespace) {
            end = last_end + space;
        }
    }
    let lead = if start > 0 { "…" } else { "" };
    let tail = if end < text.len() { "…" } else { "" };
    let shift = lead.len();
    FieldMatch {
        field,
        text: format!("{lead}{}{tail}", single_line(&text[start..end])),
        highlights: ranges
            .iter()
            .filter(|r| r.end <= end)
            .map(|r| r.start - start + shift..r.end - start + shift)
            .collect(),
    }
}

/// A record in the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    pub record: RecordRef,
    pub score: u32,
    pub date: Option<NaiveDate>,
}

/// Where a term matched: the field, its text (a snippet for narrative fields, on one line) and
/// the byte ranges of the matched characters in that text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldMatch {
    pub field: Field,
    pub text: String,
    pub highlights: Vec<Range<usize>>,
}

#[cfg(test)]
mod tests;
