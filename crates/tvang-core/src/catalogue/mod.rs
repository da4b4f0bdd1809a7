//! The catalogue of provisions (hjemler), measure kinds and regions, shipped as a TOML data file.
//!
//! It is data, not a closed enum: the law changes (domain.md §1.1), and legacy protocols cite
//! provisions that no longer exist. Each provision row carries its confidence.

use crate::fold::{fold, fold_key};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// The catalogue compiled into the binary.
pub const BUILT_IN: &str = include_str!("catalogue.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Law {
    pub id: String,
    pub title: String,
    pub names: Vec<String>,
    /// The first day the law was in force, when the catalogue knows it.
    #[serde(default)]
    pub in_force_from: Option<chrono::NaiveDate>,
    /// The last day it was in force; none while it still is.
    #[serde(default)]
    pub in_force_to: Option<chrono::NaiveDate>,
}

impl Law {
    /// Whether the law was in force on `day`, as far as the catalogue knows.
    pub fn in_force_on(&self, day: chrono::NaiveDate) -> bool {
        self.in_force_from.is_none_or(|from| day >= from)
            && self.in_force_to.is_none_or(|to| day <= to)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Provision {
    pub id: String,
    pub law: String,
    pub section: String,
    pub title: String,
    #[serde(default)]
    pub decision_form: Option<String>,
    #[serde(default)]
    pub legacy: bool,
    /// For legacy rows: the current provisions that replaced this one.
    #[serde(default)]
    pub maps_to: Vec<String>,
    pub confidence: String,
    #[serde(default)]
    pub note: Option<String>,
    /// The longest a measure under this provision may last, in days (§ 10-9: 14 per decision;
    /// a device may be held 4 weeks from the child's arrival, which no protocol field gives, so
    /// the flag asks the inspector to check that instead of assuming it).
    #[serde(default)]
    pub time_limit_days: Option<u32>,
    /// The placement bases the provision is for, as sections (`6-2`, `4-24`); empty when it is
    /// for every child in an institution.
    #[serde(default)]
    pub placement_sections: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MeasureKind {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub provisions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// One condition (vilkår) the statsforvalter assesses: for the measures under one provision, or
/// for every protocol ([`COMMON`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Stored with each assessment (`bvl-10-7.akutt_fare`): never renamed.
    pub id: String,
    /// A provision id, or [`COMMON`].
    pub provision: String,
    pub label: String,
    pub help: String,
    /// Only when a measure under the provision is of one of these kinds (isolation's rooms).
    #[serde(default)]
    pub when_kind: Vec<String>,
    /// An assessment from before the checklist was split: shown only where one was given.
    #[serde(default)]
    pub legacy: bool,
    /// `V` read in a source, `I` inferred, `U` not verified.
    pub confidence: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The `provision` of the conditions every protocol must meet.
pub const COMMON: &str = "felles";

#[derive(Debug, Deserialize)]
struct CatalogueFile {
    law: Vec<Law>,
    provision: Vec<Provision>,
    #[serde(default)]
    condition: Vec<Condition>,
    kind: Vec<MeasureKind>,
    region: Vec<Region>,
}

/// Every condition names a provision or [`COMMON`], kinds the catalogue has, a known
/// confidence, and an id of its own.
fn check_conditions(file: &CatalogueFile) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for c in &file.condition {
        if !seen.insert(c.id.as_str()) {
            return Err(format!("condition {}: the id is used twice", c.id));
        }
        if c.provision != COMMON && !file.provision.iter().any(|p| p.id == c.provision) {
            return Err(format!(
                "condition {}: unknown provision {:?}",
                c.id, c.provision
            ));
        }
        if let Some(kind) = c
            .when_kind
            .iter()
            .find(|k| !file.kind.iter().any(|m| &m.id == *k))
        {
            return Err(format!("condition {}: unknown kind {kind:?}", c.id));
        }
        if !["V", "I", "U"].contains(&c.confidence.as_str()) {
            return Err(format!(
                "condition {}: confidence {:?} is not V, I or U",
                c.id, c.confidence
            ));
        }
    }
    Ok(())
}

/// A cited provision, parsed: `barnevernsloven § 10-9 første ledd bokstav b` →
/// law `bvl`, section `10-9`, ledd 1, bokstav `b`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hjemmel {
    pub law: String,
    pub section: String,
    pub ledd: Option<u8>,
    pub bokstav: Option<char>,
}

impl fmt::Display for Hjemmel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let law = match self.law.as_str() {
            "bvl" => "bvl",
            "bvl1992" => "bvl 1992",
            "rf2011" => "rf 2011",
            other => other,
        };
        write!(f, "{law} § {}", self.section)?;
        if let Some(ledd) = self.ledd {
            write!(f, " {ledd}. ledd")?;
        }
        if let Some(b) = self.bokstav {
            write!(f, " bokstav {b}")?;
        }
        Ok(())
    }
}

/// Why a catalogue file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Debug, Clone)]
pub struct Catalogue {
    pub laws: Vec<Law>,
    pub provisions: Vec<Provision>,
    pub kinds: Vec<MeasureKind>,
    pub regions: Vec<Region>,
    /// In the file's order, which is the checklist's.
    pub conditions: Vec<Condition>,
    /// Law names, folded, longest first, so `bvl 1992` wins over `bvl`.
    law_names: Vec<(String, usize)>,
    provision_by_ref: HashMap<(String, String), usize>,
    /// Memo of [`Catalogue::resolve_provision`]: the same few citations recur in every file.
    resolved: std::sync::Arc<std::sync::Mutex<HashMap<String, Option<usize>>>>,
    kind_by_key: HashMap<String, usize>,
    region_by_key: HashMap<String, usize>,
}

impl Catalogue {
    /// The built-in catalogue, or the file named by `TVANG_CATALOGUE` when set.
    pub fn load() -> Result<Catalogue, CatalogueError> {
        match std::env::var_os("TVANG_CATALOGUE") {
            Some(path) if !path.is_empty() => Catalogue::from_file(Path::new(&path)),
            _ => Ok(Catalogue::built_in()),
        }
    }

    /// The words of law names, measure kinds (ids, titles, aliases) and provision titles,
    /// folded: what a word in a hjemmel or tiltak is expected to be.
    pub fn vocabulary(&self) -> std::collections::HashSet<String> {
        let texts = self
            .laws
            .iter()
            .flat_map(|l| l.names.iter())
            .chain(self.kinds.iter().flat_map(|k| {
                std::iter::once(&k.id)
                    .chain(std::iter::once(&k.title))
                    .chain(k.aliases.iter())
            }))
            .chain(self.provisions.iter().map(|p| &p.title));
        texts
            .flat_map(|t| {
                t.split_whitespace()
                    .map(crate::fold::fold)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    pub fn built_in() -> Catalogue {
        Catalogue::parse(BUILT_IN, "<built-in catalogue>")
            .expect("the built-in catalogue is checked by a unit test")
    }

    pub fn from_file(path: &Path) -> Result<Catalogue, CatalogueError> {
        let text = std::fs::read_to_string(path).map_err(|source| CatalogueError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Catalogue::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<Catalogue, CatalogueError> {
        let file: CatalogueFile = toml::from_str(text).map_err(|e| CatalogueError::Invalid {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        let mut law_names: Vec<(String, usize)> = file
            .law
            .iter()
            .enumerate()
            .flat_map(|(i, law)| law.names.iter().map(move |n| (fold(n), i)))
            .collect();
        law_names.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        let mut provision_by_ref = HashMap::new();
        for (i, p) in file.provision.iter().enumerate() {
            if !file.law.iter().any(|l| l.id == p.law) {
                return Err(CatalogueError::Invalid {
                    path: origin.to_string(),
                    message: format!("provision {}: unknown law {:?}", p.id, p.law),
                });
            }
            provision_by_ref.insert((p.law.clone(), p.section.clone()), i);
        }
        check_conditions(&file).map_err(|message| CatalogueError::Invalid {
            path: origin.to_string(),
            message,
        })?;
        let mut kind_by_key = HashMap::new();
        for (i, k) in file.kind.iter().enumerate() {
            for name in std::iter::once(&k.id)
                .chain(std::iter::once(&k.title))
                .chain(k.aliases.iter())
            {
                kind_by_key.insert(fold_key(name), i);
            }
        }
        let mut region_by_key = HashMap::new();
        for (i, r) in file.region.iter().enumerate() {
            for name in std::iter::once(&r.code)
                .chain(std::iter::once(&r.name))
                .chain(r.aliases.iter())
            {
                region_by_key.insert(region_key(name), i);
            }
        }
        Ok(Catalogue {
            laws: file.law,
            provisions: file.provision,
            kinds: file.kind,
            regions: file.region,
            conditions: file.condition,
            law_names,
            provision_by_ref,
            resolved: Default::default(),
            kind_by_key,
            region_by_key,
        })
    }

    /// Parses a cited provision. `None` when no section number can be found, or the law
    /// cannot be told for a section without a chapter number.
    pub fn parse_hjemmel(&self, cited: &str) -> Option<Hjemmel> {
        let folded = fold(&cited.replace('§', " § ").replace('–', "-"));
        let mut law = None;
        let mut rest = folded.clone();
        for (name, i) in &self.law_names {
            if let Some(pos) = folded.find(name.as_str()) {
                law = Some(self.laws[*i].id.clone());
                rest = format!("{} {}", &folded[..pos], &folded[pos + name.len()..]);
                break;
            }
        }
        if law.as_deref() == Some("bvl") && rest.contains("1992") {
            law = Some("bvl1992".into());
            rest = rest.replace("1992", " ");
        }
        let (section, after) = find_section(&rest)?;
        let law = match law {
            Some(l) => l,
            None if section.contains('-') => "bvl".to_string(),
            None => return None,
        };
        let (ledd, bokstav) = ledd_and_bokstav(after);
        Some(Hjemmel {
            law,
            section,
            ledd,
            bokstav,
        })
    }

    /// The catalogue row for a parsed hjemmel.
    pub fn provision(&self, h: &Hjemmel) -> Option<&Provision> {
        self.provision_index(h).map(|i| &self.provisions[i])
    }

    fn provision_index(&self, h: &Hjemmel) -> Option<usize> {
        self.provision_by_ref
            .get(&(h.law.clone(), h.section.clone()))
            .copied()
    }

    /// The catalogue row for a cited provision, if tvang knows it.
    pub fn resolve_provision(&self, cited: &str) -> Option<&Provision> {
        const MEMO_LIMIT: usize = 10_000;
        if let Ok(memo) = self.resolved.lock() {
            if let Some(hit) = memo.get(cited) {
                return hit.map(|i| &self.provisions[i]);
            }
        }
        let index = self
            .parse_hjemmel(cited)
            .and_then(|h| self.provision_index(&h));
        if let Ok(mut memo) = self.resolved.lock() {
            if memo.len() >= MEMO_LIMIT {
                memo.clear();
            }
            memo.insert(cited.to_string(), index);
        }
        index.map(|i| &self.provisions[i])
    }

    pub fn provision_by_id(&self, id: &str) -> Option<&Provision> {
        self.provisions.iter().find(|p| p.id == id)
    }

    pub fn condition(&self, id: &str) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.id == id)
    }

    /// The canonical measure kind for a name or alias.
    pub fn kind(&self, name: &str) -> Option<&MeasureKind> {
        self.kind_by_key
            .get(&fold_key(name))
            .map(|&i| &self.kinds[i])
    }

    /// The region for a code, a name or a historic alias.
    pub fn region(&self, name: &str) -> Option<&Region> {
        self.region_by_key
            .get(&region_key(name))
            .map(|&i| &self.regions[i])
    }
}

/// Region names fold to the part after "statsforvalteren i" / "fylkesmannen i", with hyphens as
/// spaces, so `Fylkesmannen i Møre og Romsdal`, `more-og-romsdal` and `Møre og Romsdal` meet.
fn region_key(name: &str) -> String {
    let folded = fold(&name.replace('-', " "));
    for prefix in [
        "statsforvalteren i ",
        "statsforvaltaren i ",
        "fylkesmannen i ",
    ] {
        if let Some(rest) = folded.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    folded
}

/// Finds the section number: chapter-style `10-7`, or a plain number after `§`. Four-digit
/// numbers not after `§` are years and skipped. Returns the section and the text after it.
fn find_section(text: &str) -> Option<(String, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let first = &text[start..i];
        if i + 1 < bytes.len() && bytes[i] == b'-' && bytes[i + 1].is_ascii_digit() {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            return Some((format!("{first}-{}", &text[i + 1..j]), &text[j..]));
        }
        let after_paragraph_sign = text[..start].trim_end().ends_with('§');
        if after_paragraph_sign || first.len() < 4 {
            if after_paragraph_sign {
                return Some((first.to_string(), &text[i..]));
            }
            // A bare short number with no § is a section only if nothing better follows.
            if !text[i..].chars().any(|c| c.is_ascii_digit()) {
                return Some((first.to_string(), &text[i..]));
            }
        }
    }
    None
}

fn ledd_and_bokstav(after: &str) -> (Option<u8>, Option<char>) {
    let words: Vec<&str> = after
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    let mut ledd = None;
    let mut bokstav = None;
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied();
        if next == Some("ledd") {
            ledd = match *w {
                "forste" | "1." | "1" => Some(1),
                "annet" | "andre" | "2." | "2" => Some(2),
                "tredje" | "3." | "3" => Some(3),
                "fjerde" | "4." | "4" => Some(4),
                "femte" | "5." | "5" => Some(5),
                _ => ledd,
            };
        }
        if matches!(*w, "bokstav" | "litra" | "bokst." | "bokst") {
            if let Some(letter) = next.and_then(single_letter) {
                bokstav = Some(letter);
            }
        } else if i == 0 && bokstav.is_none() {
            // `10-9 a`, `10-9a`, `10-9 (a)`
            if let Some(letter) = single_letter(w) {
                bokstav = Some(letter);
            }
        }
    }
    (ledd, bokstav)
}

fn single_letter(w: &str) -> Option<char> {
    let mut chars = w.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_lowercase() => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat() -> Catalogue {
        Catalogue::built_in()
    }

    #[test]
    fn built_in_catalogue_loads_and_is_consistent() {
        let c = cat();
        assert_eq!(c.regions.len(), 10);
        for p in &c.provisions {
            for target in &p.maps_to {
                assert!(c.provision_by_id(target).is_some(), "{} -> {target}", p.id);
            }
            assert!(["V", "I", "U"].contains(&p.confidence.as_str()), "{}", p.id);
        }
        for k in &c.kinds {
            for p in &k.provisions {
                assert!(c.provision_by_id(p).is_some(), "{} -> {p}", k.id);
            }
        }
    }

    #[test]
    fn a_condition_must_name_a_known_provision_kind_and_confidence_and_an_id_of_its_own() {
        let with = |condition: &str| {
            let text = format!("{BUILT_IN}\n[[condition]]\n{condition}\n");
            Catalogue::parse(&text, "test.toml").map(|_| ())
        };
        let ok = "id = \"ny.vilkaar\"\nprovision = \"bvl-10-7\"\nlabel = \"x\"\nhelp = \"x\"\nconfidence = \"I\"";
        assert!(with(ok).is_ok());
        for (bad, says) in [
            (ok.replace("bvl-10-7", "bvl-99"), "unknown provision"),
            (format!("{ok}\nwhen_kind = [\"svømming\"]"), "unknown kind"),
            (ok.replace("\"I\"", "\"X\""), "is not V, I or U"),
            (
                ok.replace("ny.vilkaar", "bvl-10-7.akutt_fare"),
                "used twice",
            ),
            (format!("{ok}\nwhen = 1"), "unknown field"),
        ] {
            let err = with(&bad).unwrap_err().to_string();
            assert!(err.contains(says) && err.starts_with("test.toml"), "{err}");
        }
    }

    #[test]
    fn all_spellings_of_10_7_meet() {
        let c = cat();
        for cited in [
            "bvl § 10-7",
            "§10-7",
            "barnevernsloven § 10-7 første ledd",
            "10-7",
            "Barnevernloven §10–7",
            "BVL 10-7",
            "lov om barnevern § 10-7",
        ] {
            let p = c
                .resolve_provision(cited)
                .unwrap_or_else(|| panic!("{cited}"));
            assert_eq!(p.id, "bvl-10-7", "{cited}");
        }
        let h = c
            .parse_hjemmel("barnevernsloven § 10-7 første ledd")
            .unwrap();
        assert_eq!(h.ledd, Some(1));
    }

    #[test]
    fn ledd_and_bokstav() {
        let c = cat();
        let h = c.parse_hjemmel("bvl § 10-9 første ledd bokstav b").unwrap();
        assert_eq!((h.ledd, h.bokstav), (Some(1), Some('b')));
        assert_eq!(c.parse_hjemmel("§ 10-9 d").unwrap().bokstav, Some('d'));
        assert_eq!(c.parse_hjemmel("10-9 (c)").unwrap().bokstav, Some('c'));
        assert_eq!(c.parse_hjemmel("10-12 annet ledd").unwrap().ledd, Some(2));
        assert_eq!(
            c.parse_hjemmel("bvl § 10-9 første ledd bokstav b")
                .unwrap()
                .to_string(),
            "bvl § 10-9 1. ledd bokstav b"
        );
    }

    #[test]
    fn legacy_references_resolve_and_map() {
        let c = cat();
        let p = c.resolve_provision("barnevernloven 1992 § 5-9").unwrap();
        assert_eq!(p.id, "bvl1992-5-9");
        assert!(p.legacy);
        assert_eq!(
            c.resolve_provision("bvl. § 5-9 (1992)").unwrap().id,
            "bvl1992-5-9"
        );
        let p = c.resolve_provision("Rettighetsforskriften § 22").unwrap();
        assert_eq!(p.id, "rf2011-22");
        assert_eq!(p.maps_to, vec!["bvl-10-9".to_string()]);
        // "2011" in the law's name is not the section number.
        assert_eq!(c.resolve_provision("rf 2011 § 24").unwrap().id, "rf2011-24");
    }

    #[test]
    fn unknown_provisions() {
        let c = cat();
        assert!(c.resolve_provision("nødrett").is_none());
        assert!(c.resolve_provision("").is_none());
        assert!(c.resolve_provision("§ 3").is_none()); // law cannot be told
                                                       // A real section, but not one that authorises coercion.
        assert!(c.resolve_provision("bvl § 4-2").is_none());
        assert_eq!(c.parse_hjemmel("bvl § 4-2").unwrap().section, "4-2");
    }

    #[test]
    fn kinds_and_regions() {
        let c = cat();
        assert_eq!(c.kind("Fastholding").unwrap().id, "fastholding");
        assert_eq!(c.kind("lagt i bakken").unwrap().id, "nedlegging");
        assert_eq!(c.kind("Føring").unwrap().id, "foring");
        assert_eq!(c.kind("skjerming").unwrap().id, "isolasjon");
        assert_eq!(
            c.kind("Begrensning elektronisk kommunikasjon").unwrap().id,
            "begrensning_elektronisk_kommunikasjon"
        );
        assert!(c.kind("ukjent greie").is_none());
        assert_eq!(c.region("vestland").unwrap().code, "vestland");
        assert_eq!(
            c.region("Fylkesmannen i Hordaland").unwrap().code,
            "vestland"
        );
        assert_eq!(
            c.region("Statsforvalteren i Oslo og Viken").unwrap().code,
            "ostfold-buskerud-oslo-akershus"
        );
        assert_eq!(c.region("Trondelag").unwrap().code, "trondelag");
        assert_eq!(c.region("more-og-romsdal").unwrap().code, "more-og-romsdal");
        assert!(c.region("Atlantis").is_none());
    }

    #[test]
    fn a_broken_catalogue_file_is_reported() {
        let err = Catalogue::parse("[[law]]\nid = 1", "x.toml").unwrap_err();
        assert!(err.to_string().starts_with("x.toml: "), "{err}");
    }
}
