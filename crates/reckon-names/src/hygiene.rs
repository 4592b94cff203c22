//! Unicode hygiene: NFC, invisible characters, apostrophes, dashes, homoglyphs, case.

use unicode_normalization::UnicodeNormalization;

/// Whether a character is Cyrillic (including the Kazakh letters).
pub(crate) fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

/// Cleans a whole name: NFC, no invisible or control characters, one apostrophe, one
/// dash, single spaces, homoglyphs resolved per token, lowercase (İ, I, ı → i).
pub fn clean(text: &str) -> String {
    let mut unified = String::with_capacity(text.len());
    // Most names are already NFC; composing them again costs more than the check.
    let composed: Box<dyn Iterator<Item = char>> =
        if unicode_normalization::is_nfc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes
        {
            Box::new(text.chars())
        } else {
            Box::new(text.nfc())
        };
    for c in composed {
        match c {
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {}
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{02BB}' | '`' | '\u{00B4}' | '\u{2032}' => {
                unified.push('\'')
            }
            '\u{2010}'..='\u{2015}' | '\u{2212}' => unified.push('-'),
            c if c.is_control() || c.is_whitespace() => unified.push(' '),
            c => unified.push(c),
        }
    }
    unified
        .split_whitespace()
        .map(|token| lowercase(&resolve_homoglyphs(token)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lowercases with the Kazakh/Turkish dotted and dotless I mapped to plain `i`.
fn lowercase(token: &str) -> String {
    token
        .chars()
        .flat_map(|c| match c {
            'İ' | 'I' | 'ı' => vec!['i'],
            c => c.to_lowercase().collect(),
        })
        .collect()
}

/// Replaces Latin look-alikes in a mostly Cyrillic token, and Cyrillic ones in a mostly Latin token.
fn resolve_homoglyphs(token: &str) -> String {
    let cyrillic = token.chars().filter(|&c| is_cyrillic(c)).count();
    let latin = token.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if cyrillic > 0 && latin > 0 {
        if cyrillic >= latin {
            token.chars().map(latin_to_cyrillic).collect()
        } else {
            token.chars().map(cyrillic_to_latin).collect()
        }
    } else {
        token.to_string()
    }
}

const HOMOGLYPHS: &[(char, char)] = &[
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('o', 'о'),
    ('p', 'р'),
    ('x', 'х'),
    ('y', 'у'),
    ('i', 'і'),
    ('k', 'к'),
    ('A', 'А'),
    ('B', 'В'),
    ('C', 'С'),
    ('E', 'Е'),
    ('H', 'Н'),
    ('K', 'К'),
    ('M', 'М'),
    ('O', 'О'),
    ('P', 'Р'),
    ('T', 'Т'),
    ('X', 'Х'),
    ('Y', 'У'),
    ('I', 'І'),
];

fn latin_to_cyrillic(c: char) -> char {
    HOMOGLYPHS
        .iter()
        .find(|(l, _)| *l == c)
        .map_or(c, |(_, k)| *k)
}

fn cyrillic_to_latin(c: char) -> char {
    HOMOGLYPHS
        .iter()
        .find(|(_, k)| *k == c)
        .map_or(c, |(l, _)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hygiene() {
        assert_eq!(
            clean("  ЖУБАНАЗАРОВ\u{200B}  Нурсултан "),
            "жубаназаров нурсултан"
        );
        // Latin i inside a Cyrillic word (typed on a Kazakh keyboard).
        assert_eq!(clean("Айгерiм"), "айгерім");
        // Cyrillic а inside a Latin word.
        assert_eq!(clean("Nurl\u{0430}n"), "nurlan");
        assert_eq!(clean("İlyas IBRAYEV"), "ilyas ibrayev");
        assert_eq!(
            clean("Il\u{2019}in Qasym\u{2013}Jomart"),
            "il'in qasym-jomart"
        );
    }
}
