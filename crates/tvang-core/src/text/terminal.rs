//! Text for a terminal: what the CLI prints comes from imported files, and a free-text field
//! holding `ESC ] 0 ; … BEL` retitled and cleared the inspector's terminal (`tvang show`).

use std::borrow::Cow;

/// `s` with every character a terminal would act on made visible: C0 controls but line feed
/// and tab as their control pictures (ESC as `␛`, CR as `␍`), DEL as `␡`, C1 controls and the
/// bidi characters that reorder what follows ([`crate::import::record::is_bidi_control`]) as
/// `�`. Text without them is returned as it is.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t') || crate::import::record::is_bidi_control(c)
    };
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\n' | '\t' => c,
                '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
                '\u{7f}' => '\u{2421}',
                c if unsafe_char(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_and_ordinary_text_is_untouched() {
        assert!(matches!(
            terminal_safe("Sølvberget\n\tlinje 2"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            terminal_safe("fare\u{1b}]0;hacket\u{7}\u{1b}[2J slutt"),
            "fare␛]0;hacket␇␛[2J slutt"
        );
        assert_eq!(terminal_safe("a\rb\u{0}c\u{7f}"), "a␍b␀c␡");
        assert_eq!(
            terminal_safe("\u{9b}31m \u{202E}4202"),
            "\u{FFFD}31m \u{FFFD}4202"
        );
    }
}
