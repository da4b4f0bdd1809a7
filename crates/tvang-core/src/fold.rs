//! Text folding for matching what people type against what tvang knows.

/// Lower-cases, folds æ→ae, ø→o, å→aa (and a few Latin accents), and collapses white space.
/// Used to match law names, measure kinds, regions and field names, which institutions write
/// with and without Norwegian letters.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        match c {
            'æ' | 'ä' => out.push_str("ae"),
            'ø' | 'ö' => out.push('o'),
            'å' => out.push_str("aa"),
            'é' | 'è' | 'ê' => out.push('e'),
            'ü' => out.push('u'),
            _ => out.push(c),
        }
    }
    out
}

/// `fold`, with spaces and hyphens as `_`: the form of identifiers such as field names and
/// measure kinds (`Barnets syn` → `barnets_syn`).
pub fn fold_key(s: &str) -> String {
    fold(s)
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// Lower-cases char by char (each char to one char), so that char positions in the result are
/// char positions in `s`: search finds a match in the lower-cased text and highlights it in `s`.
pub fn lower_chars(s: &str) -> String {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// The loose fold fuzzy search matches in: lower case, `å`/`aa` → `a`, `ø`/`oe` → `o`,
/// `æ` → `ae`, and a few Latin accents. People type Norwegian names without æøå in several ways
/// (`Solbakken`, `Soelbakken` for `Sølbakken`; `Braten`, `Braaten` for `Bråten`); folding both
/// sides this way makes them equal. Returns the folded text and, for each of its chars, the
/// index of the char of `s` it came from (for highlighting).
pub fn search_fold(s: &str) -> (String, Vec<usize>) {
    let mut from = Vec::with_capacity(s.len());
    let out = search_fold_into(s, Some(&mut from));
    (out, from)
}

/// [`search_fold`] without the char map: what the index stores for each word.
pub fn search_fold_text(s: &str) -> String {
    search_fold_into(s, None)
}

fn search_fold_into(s: &str, mut from: Option<&mut Vec<usize>>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s
        .chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .enumerate()
        .peekable();
    while let Some((i, c)) = chars.next() {
        let folded: &str = match c {
            'a' if chars.next_if(|(_, n)| *n == 'a').is_some() => "a",
            'o' if chars.next_if(|(_, n)| *n == 'e').is_some() => "o",
            'å' | 'á' | 'à' | 'â' => "a",
            'ø' | 'ö' | 'ó' | 'ò' | 'ô' => "o",
            'æ' | 'ä' => "ae",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'ü' | 'ú' => "u",
            _ => {
                out.push(c);
                if let Some(from) = from.as_mut() {
                    from.push(i);
                }
                continue;
            }
        };
        out.push_str(folded);
        if let Some(from) = from.as_mut() {
            from.extend(std::iter::repeat_n(i, folded.chars().count()));
        }
    }
    out
}

/// Calls `f` with each word of `text` (runs of letters and digits) lower-cased as
/// [`lower_chars`] lowers, in one pass with a fast path for ASCII: splitting the narratives is
/// most of the work of indexing them. Search and the store's narrative vocabularies
/// ([`crate::facts::encode_vocabulary`]) must split alike, so both call this.
pub fn for_each_lower_word(text: &str, word: &mut String, mut f: impl FnMut(&str)) {
    word.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if b.is_ascii_alphanumeric() {
                word.push(b.to_ascii_lowercase() as char);
            } else if !word.is_empty() {
                f(word);
                word.clear();
            }
            i += 1;
        } else {
            let c = text[i..].chars().next().expect("i is at a char boundary");
            if c.is_alphanumeric() {
                word.push(c.to_lowercase().next().unwrap_or(c));
            } else if !word.is_empty() {
                f(word);
                word.clear();
            }
            i += c.len_utf8();
        }
    }
    if !word.is_empty() {
        f(word);
        word.clear();
    }
}

/// A key that sorts text as a Norwegian reader expects: case-insensitive, æ ø å after z, and
/// numbers by their value, so `§ 10-7` comes before `§ 10-10` and `B-2` before `B-10`.
pub fn collation_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if !digits.is_empty() {
            // Its length first (zero-padded), then the digits: longer numbers are larger.
            let trimmed = digits.trim_start_matches('0');
            let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
            out.push_str(&format!("{:03}{trimmed}", trimmed.len()));
            digits.clear();
        }
    };
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        flush(&mut digits, &mut out);
        out.push(match c {
            'æ' | 'ä' => '{',
            'ø' | 'ö' => '|',
            'å' => '}',
            c => c,
        });
    }
    flush(&mut digits, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collation_puts_numbers_in_order_and_norwegian_letters_last() {
        let mut v = vec![
            "10-10", "10-7", "10-9", "Åsly", "Øya", "Ærlig", "zebra", "B-10", "B-2", "b-3",
        ];
        v.sort_by_key(|s| collation_key(s));
        assert_eq!(
            v,
            ["10-7", "10-9", "10-10", "B-2", "b-3", "B-10", "zebra", "Ærlig", "Øya", "Åsly"]
        );
        assert!(collation_key("007") == collation_key("7"));
    }

    #[test]
    fn search_fold_makes_the_ascii_spellings_equal() {
        let f = |s: &str| search_fold(s).0;
        for same in [
            ["Sølbakken", "solbakken", "SOELBAKKEN"],
            ["Bråten", "braaten", "Braten"],
            ["Ærlig", "aerlig", "AErlig"],
        ] {
            assert_eq!(f(same[0]), f(same[1]), "{same:?}");
            assert_eq!(f(same[0]), f(same[2]), "{same:?}");
        }
        assert_ne!(f("bakke"), f("bakken"));
        let (folded, from) = search_fold("Braaten Æ");
        assert_eq!(folded, "braten ae");
        assert_eq!(from, vec![0, 1, 2, 4, 5, 6, 7, 8, 8]);
        assert_eq!(lower_chars("ÅSLY İ"), "åsly i");
        assert_eq!(
            lower_chars("ÅSLY İ").chars().count(),
            "ÅSLY İ".chars().count()
        );
    }

    #[test]
    fn folds_norwegian_letters_and_space() {
        assert_eq!(fold("  Sølbakken   Ungdomshjem "), "solbakken ungdomshjem");
        assert_eq!(fold("Trøndelag"), "trondelag");
        assert_eq!(fold("Ærlig Å"), "aerlig aa");
        assert_eq!(fold_key("Barnets syn"), "barnets_syn");
        assert_eq!(fold_key("Fødselsår"), "fodselsaar");
        assert_eq!(fold_key("møre-og-romsdal"), "more_og_romsdal");
    }
}
