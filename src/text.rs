//! Untrusted text: names, notes and comments come from other people and other programs.
//! Everything read from the database passes through [`clean`] before it reaches a terminal,
//! a report or an export.

use std::borrow::Cow;

/// True for characters that must never reach a terminal: C0/C1 controls (ESC, CSI, BEL…),
/// DEL, the bidirectional overrides and isolates that can reorder what is shown, and the
/// Unicode line and paragraph separators (U+2028, U+2029), which tmux treats as a line
/// break, shifting the rest of the row.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{2028}' | '\u{2029}')
}

/// Removes terminal escape sequences whole (CSI such as `ESC[2J`, OSC such as a window
/// title or a clipboard write, DCS/APC/PM/SOS strings, two-character escapes) and every
/// other unsafe character; tabs and line breaks become a space so that words stay apart on
/// one line. An unterminated OSC or DCS string is dropped to the end, as a terminal would
/// swallow it.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\t' | '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push(' '),
            '\u{1b}' => match it.peek().copied() {
                Some('[') => {
                    it.next();
                    skip_csi(&mut it);
                }
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    it.next();
                    skip_string(&mut it);
                }
                Some(' '..='/') => {
                    // Intermediates, then one final character (e.g. `ESC ( B`).
                    while matches!(it.peek(), Some(' '..='/')) {
                        it.next();
                    }
                    if matches!(it.peek(), Some('0'..='~')) {
                        it.next();
                    }
                }
                Some('0'..='~') => {
                    it.next();
                }
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut it),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut it),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Skips a CSI sequence's parameters and intermediates up to and including its final
/// character. Stops early (keeping the character) at anything a CSI cannot contain.
fn skip_csi(it: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = it.peek() {
        match c {
            '0'..='?' | ' '..='/' => {
                it.next();
            }
            '@'..='~' => {
                it.next();
                return;
            }
            _ => return,
        }
    }
}

/// Skips an OSC/DCS/APC/PM/SOS payload up to and including its terminator (BEL, `ESC \`
/// or the C1 string terminator).
fn skip_string(it: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = it.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if it.peek() == Some(&'\\') {
                    it.next();
                }
                return;
            }
            _ => {}
        }
    }
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
        assert_eq!(clean("Ivan\x1b[2JPetrov"), "IvanPetrov");
        assert_eq!(clean("x\x1b]52;c;ZXZpbA==\x07y"), "xy");
        assert_eq!(clean("x\x1b]0;owned\x1b\\y"), "xy");
        assert_eq!(
            clean("x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\"),
            "xlink"
        );
        assert_eq!(clean("a\x1bPq#0;2;0;0;0\x1b\\b"), "ab");
        assert_eq!(clean("a\x1b(Bb\x1b7c\x1bcd"), "abcd");
        assert_eq!(clean("a\u{202E}b\u{2066}c"), "abc");
        assert_eq!(clean("line\nnext\ttab"), "line next tab");
        // Line and paragraph separators break a tmux row like a newline.
        assert_eq!(clean("13\u{2028}13 days\u{2029}x\u{85}y"), "13 13 days x y");
        assert_eq!(clean("\u{9b}31mred"), "red");
        assert_eq!(clean("\u{9d}2;title\u{9c}ok"), "ok");
        assert_eq!(clean("\x1b[38;5;196mИван\x1b[0m"), "Иван");
        // A CSI cut short keeps what follows; an unterminated title swallows the rest.
        assert_eq!(clean("a\x1b[12Иван"), "aИван");
        assert_eq!(clean("a\x1b]0;never ends"), "a");
        assert_eq!(clean("tail\x1b"), "tail");
    }

    proptest::proptest! {
        #[test]
        fn nothing_unsafe_survives(s in "(\\PC|[\\x00-\\x1f\\x7f-\\x9f\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}\\u{2028}\\u{2029}]){0,40}") {
            let c = clean(&s);
            proptest::prop_assert!(!c.chars().any(is_unsafe), "{:?} -> {:?}", s, c);
            proptest::prop_assert!(c.len() <= s.len());
            // Cleaning is idempotent.
            let again = clean(&c).into_owned();
            proptest::prop_assert_eq!(again.as_str(), c.as_ref());
        }
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for s in ["Иван Петров", "محمد رضا", "王小明", "O'Brien & Co."] {
            assert!(matches!(clean(s), Cow::Borrowed(_)));
        }
    }
}
