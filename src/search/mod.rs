//! Fuzzy search across protocols and complaints.
//!
//! Inspectors look things up by half-remembered fragments: a misspelt institution name, part of
//! a child's reference, a phrase from the narrative. A query is a list of terms
//! ([`Query::parse`]); every term must match somewhere (in the fields its prefix allows), and a
//! record's score is the sum of its terms' best matches.
//!
//! How a term matches a word or a value, best first (see [`score`]):
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

pub use load::load_index;
pub use query::{Query, Scope, Term};

use crate::fold::{lower_chars, search_fold};
use crate::review::RecordRef;
use chrono::NaiveDate;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use rustc_hash::FxHashMap;
use serde::Serialize;
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
}

impl Default for SkimScorer {
    fn default() -> Self {
        SkimScorer {
            matcher: SkimMatcherV2::default().ignore_case(),
            min_share: 0.6,
        }
    }
}

impl FuzzyScorer for SkimScorer {
    fn score(&self, candidate: &str, pattern: &str) -> Option<(u32, Vec<usize>)> {
        let best = self.matcher.fuzzy_match(pattern, pattern)?.max(1) as f64;
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
            folded: search_fold(s).0,
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
#[derive(Debug, Clone)]
pub struct Document {
    pub record: RecordRef,
    /// Incident day (protocol) or day received (complaint): the tie-breaker, newest first.
    pub date: Option<NaiveDate>,
    /// Short fields: (field, value). A field may occur several times (one per measure).
    pub values: Vec<(Field, String)>,
    /// Narrative texts: (field, text).
    pub texts: Vec<(Field, String)>,
}

struct Doc {
    record: RecordRef,
    date: Option<NaiveDate>,
    values: Vec<u32>,
    texts: Range<u32>,
}

/// A distinct short-field value and the records that have it.
struct Value {
    field: Field,
    text: String,
    whole: Forms,
    /// Its words, for name fields (identifiers match whole).
    words: Vec<Forms>,
    docs: Vec<u32>,
}

struct Text {
    doc: u32,
    field: Field,
    text: String,
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
    texts: Vec<Text>,
    words: Vec<Word>,
    /// The inspectors' notes, by doc: few, and changed while the TUI runs, so they are matched
    /// directly instead of through the word index.
    annotations: FxHashMap<u32, Vec<String>>,
    scorer: Box<dyn FuzzyScorer>,
}

/// Splits text into words: runs of letters and digits, with their byte ranges.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

impl SearchIndex {
    pub fn build(documents: impl IntoIterator<Item = Document>) -> SearchIndex {
        SearchIndex::build_with(documents, Box::new(SkimScorer::default()))
    }

    pub fn build_with(
        documents: impl IntoIterator<Item = Document>,
        scorer: Box<dyn FuzzyScorer>,
    ) -> SearchIndex {
        let mut index = SearchIndex {
            docs: Vec::new(),
            by_record: FxHashMap::default(),
            values: Vec::new(),
            texts: Vec::new(),
            words: Vec::new(),
            annotations: FxHashMap::default(),
            scorer,
        };
        let mut value_ids: FxHashMap<(Field, String), u32> = FxHashMap::default();
        let mut word_ids: FxHashMap<String, u32> = FxHashMap::default();
        let mut lower = String::new();
        for d in documents {
            let doc = index.docs.len() as u32;
            let mut values = Vec::with_capacity(d.values.len());
            for (field, text) in d.values {
                if text.trim().is_empty() {
                    continue;
                }
                if field == Field::Annotation {
                    index.annotations.entry(doc).or_default().push(text);
                    continue;
                }
                let id = *value_ids.entry((field, text)).or_insert_with_key(|(f, t)| {
                    index.values.push(Value {
                        field: *f,
                        whole: Forms::of(t),
                        words: if f.is_identifier() {
                            Vec::new()
                        } else {
                            words(t).map(|(_, w)| Forms::of(w)).collect()
                        },
                        text: t.clone(),
                        docs: Vec::new(),
                    });
                    index.values.len() as u32 - 1
                });
                let v = &mut index.values[id as usize];
                if v.docs.last() != Some(&doc) {
                    v.docs.push(doc);
                    values.push(id);
                }
            }
            let first_text = index.texts.len() as u32;
            for (field, text) in d.texts {
                if field == Field::Annotation {
                    index.annotations.entry(doc).or_default().push(text);
                    continue;
                }
                let t = index.texts.len() as u32;
                lower.clear();
                lower.extend(text.chars().map(|c| c.to_lowercase().next().unwrap_or(c)));
                for (_, w) in words(&lower) {
                    let id = match word_ids.get(w) {
                        Some(id) => *id,
                        None => {
                            index.words.push(Word {
                                forms: Forms {
                                    lower: w.to_string(),
                                    folded: search_fold(w).0,
                                },
                                texts: Vec::new(),
                            });
                            let id = index.words.len() as u32 - 1;
                            word_ids.insert(w.to_string(), id);
                            id
                        }
                    };
                    let postings = &mut index.words[id as usize].texts;
                    if postings.last() != Some(&t) {
                        postings.push(t);
                    }
                }
                index.texts.push(Text { doc, field, text });
            }
            index.by_record.insert(d.record, doc);
            index.docs.push(Doc {
                record: d.record,
                date: d.date,
                values,
                texts: first_text..index.texts.len() as u32,
            });
        }
        index
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
        let narrative = [
            Field::Danger,
            Field::Justification,
            Field::InjuryNote,
            Field::ChildStatement,
            Field::ComplaintText,
        ]
        .iter()
        .any(|f| f.in_scope(term.scope));
        if narrative {
            if term.phrase {
                for t in self.phrase_candidates(term) {
                    let text = &self.texts[t as usize];
                    if text.field.in_scope(term.scope)
                        && lower_chars(&text.text).contains(&term.lower)
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

    /// The texts that may contain a phrase: those holding a word that contains the phrase's
    /// rarest word (all texts when the phrase has no word).
    fn phrase_candidates(&self, term: &Term) -> Vec<u32> {
        let mut rarest: Option<Vec<u32>> = None;
        for (_, pw) in words(&term.lower) {
            let mut texts: Vec<u32> = self
                .words
                .iter()
                .filter(|w| w.forms.lower.contains(pw))
                .flat_map(|w| w.texts.iter().copied())
                .collect();
            if rarest.as_ref().is_none_or(|r| texts.len() < r.len()) {
                texts.sort_unstable();
                texts.dedup();
                rarest = Some(texts);
            }
        }
        rarest.unwrap_or_else(|| (0..self.texts.len() as u32).collect())
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
            for &vid in &d.values {
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
                            text: v.text.clone(),
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
            for (field, text) in texts.map(|t| (t.field, t.text.as_str())).chain(notes) {
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

/// A window of `text` around the first highlight, with `…` where it was cut.
fn snippet(field: Field, text: &str, ranges: &[Range<usize>]) -> FieldMatch {
    let single_line = |s: &str| s.replace(['\n', '\r', '\t'], " ");
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
