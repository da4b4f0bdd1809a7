//! The search line as typed: terms, field prefixes and quoted phrases.

use crate::fold::{lower_chars, search_fold};
use serde::Serialize;

/// The fields a term can be narrowed to with a prefix (`inst:solbakk`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every field.
    All,
    /// `inst:` — institution name and org.nr.
    Institution,
    /// `child:` / `barn:` — the child's reference.
    Child,
    /// `hjemmel:` — the provision as cited, and the catalogue's title for it.
    Provision,
    /// `tiltak:` / `kind:` — the measure kind.
    Kind,
    /// `region:`
    Region,
    /// `id:` — protocol and complaint ids.
    Id,
    /// `text:` / `tekst:` — the narrative: danger, justification, injury note, child's
    /// statement, complaint text and the inspectors' notes.
    Text,
}

impl Scope {
    /// The prefixes a query may use (before the colon), each with its scope.
    pub const PREFIXES: [(&'static str, Scope); 12] = [
        ("inst", Scope::Institution),
        ("institusjon", Scope::Institution),
        ("child", Scope::Child),
        ("barn", Scope::Child),
        ("hjemmel", Scope::Provision),
        ("tiltak", Scope::Kind),
        ("kind", Scope::Kind),
        ("region", Scope::Region),
        ("id", Scope::Id),
        ("text", Scope::Text),
        ("tekst", Scope::Text),
        ("all", Scope::All),
    ];

    fn from_prefix(prefix: &str) -> Option<Scope> {
        let prefix = prefix.to_lowercase();
        Scope::PREFIXES
            .iter()
            .find(|(p, _)| *p == prefix)
            .map(|(_, s)| *s)
    }
}

/// One term: a word matched loosely, or a quoted phrase matched exactly (case aside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub scope: Scope,
    /// As typed (without prefix and quotes).
    pub text: String,
    pub phrase: bool,
    /// Lower-cased char by char ([`lower_chars`]).
    pub(crate) lower: String,
    /// Loosely folded ([`search_fold`]).
    pub(crate) folded: String,
}

impl Term {
    fn new(scope: Scope, text: &str, phrase: bool) -> Term {
        Term {
            scope,
            text: text.to_string(),
            phrase,
            lower: lower_chars(text),
            folded: search_fold(text).0,
        }
    }
}

/// A parsed query: all its terms must match (each somewhere in its scope).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
}

/// Longer terms are cut here: nothing tvang searches has words this long, and fuzzy matching
/// costs grow with the term.
const MAX_TERM_CHARS: usize = 200;

impl Query {
    /// Parses what the inspector typed. Never fails: control characters count as spaces, an
    /// unknown prefix (`kl:14`) is part of the word, an unclosed quote runs to the end, and
    /// empty terms (`inst:`, `""`) are dropped.
    pub fn parse(input: &str) -> Query {
        let clean: String = input
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let mut terms = Vec::new();
        let mut rest = clean.as_str();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            let mut scope = Scope::All;
            if let Some(colon) = rest.find(':') {
                let prefix = &rest[..colon];
                if !prefix.contains(char::is_whitespace) && !prefix.contains('"') {
                    if let Some(s) = Scope::from_prefix(prefix) {
                        scope = s;
                        rest = &rest[colon + 1..];
                    }
                }
            }
            let (text, phrase, after) = if let Some(quoted) = rest.strip_prefix('"') {
                match quoted.find('"') {
                    Some(end) => (&quoted[..end], true, &quoted[end + 1..]),
                    None => (quoted, true, ""),
                }
            } else {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..end], false, &rest[end..])
            };
            rest = after;
            let text = text.trim();
            let text: String = text.chars().take(MAX_TERM_CHARS).collect();
            if !text.is_empty() {
                terms.push(Term::new(scope, &text, phrase));
            }
        }
        Query { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(q: &str) -> Vec<(Scope, String, bool)> {
        Query::parse(q)
            .terms
            .into_iter()
            .map(|t| (t.scope, t.text, t.phrase))
            .collect()
    }

    #[test]
    fn prefixes_phrases_and_plain_words() {
        assert_eq!(
            shape(r#"inst:solbakk  child:B-10 hjemmel:10-7 text:"lagt i bakken" låste"#),
            vec![
                (Scope::Institution, "solbakk".into(), false),
                (Scope::Child, "B-10".into(), false),
                (Scope::Provision, "10-7".into(), false),
                (Scope::Text, "lagt i bakken".into(), true),
                (Scope::All, "låste".into(), false),
            ]
        );
        assert_eq!(
            shape(r#""låste døren" INST:Åsly"#),
            vec![
                (Scope::All, "låste døren".into(), true),
                (Scope::Institution, "Åsly".into(), false)
            ]
        );
    }

    #[test]
    fn odd_input_parses_without_surprises() {
        assert!(Query::parse("").is_empty());
        assert!(Query::parse("   \t ").is_empty());
        assert!(Query::parse(r#"inst: "" text:"#).is_empty());
        assert_eq!(shape("kl:14"), vec![(Scope::All, "kl:14".into(), false)]);
        assert_eq!(
            shape("text:\"uavsluttet frase"),
            vec![(Scope::Text, "uavsluttet frase".into(), true)]
        );
        assert_eq!(
            shape("a\u{0}b\u{1b}[2Jc\nd"),
            vec![
                (Scope::All, "a".into(), false),
                (Scope::All, "b".into(), false),
                (Scope::All, "[2Jc".into(), false),
                (Scope::All, "d".into(), false),
            ]
        );
        let long = "x".repeat(10_000);
        assert_eq!(Query::parse(&long).terms[0].text.len(), MAX_TERM_CHARS);
    }
}
