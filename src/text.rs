//! Untrusted text: names, notes and comments come from other people and other programs.
//! Everything read from the database passes through [`clean`] before it reaches a terminal,
//! a report or an export.

use std::borrow::Cow;

/// True for characters that must never reach a terminal: C0/C1 controls (ESC, CSI, BEL…),
/// DEL, and the bidirectional overrides and isolates that can reorder what is shown.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Removes every unsafe character; tabs and line breaks become a space so that words
/// stay apart on one line.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' => Some(' '),
                c if is_unsafe(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// Owned variant for values read from the database.
pub fn clean_owned(s: String) -> String {
    match clean(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(o) => o,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_lose_their_escape() {
        assert_eq!(clean("Ivan\x1b[2JPetrov"), "Ivan[2JPetrov");
        assert_eq!(clean("x\x1b]52;c;ZXZpbA==\x07y"), "x]52;c;ZXZpbA==y");
        assert_eq!(clean("a\u{202E}b\u{2066}c"), "abc");
        assert_eq!(clean("line\nnext\ttab"), "line next tab");
        assert_eq!(clean("\u{9b}31m"), "31m");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for s in ["Иван Петров", "محمد رضا", "王小明", "O'Brien & Co."] {
            assert!(matches!(clean(s), Cow::Borrowed(_)));
        }
    }
}
