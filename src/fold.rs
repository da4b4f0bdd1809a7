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

#[cfg(test)]
mod tests {
    use super::*;

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
