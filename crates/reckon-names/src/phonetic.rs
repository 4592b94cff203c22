//! Phonetic codes as a second net beside the loose key: Daitch–Mokotoff Soundex from the
//! maintained `rphonetic` crate (its embedded rules, nothing copied here), computed on the
//! token's strict key. The rules know no Cyrillic (every Cyrillic name codes as 000000), so
//! they only ever see our own transliteration.
//!
//! Daitch–Mokotoff ignores vowels after the first letter and codes ambiguous letters both
//! ways (J as Ж or Й), which catches what the loose key's folding cannot: vowel changes
//! between the Kazakh and Russian forms of a name (Өтеміс ~ Утемис), and J read both ways.

use std::sync::LazyLock;

use rphonetic::{DaitchMokotoffSoundex, DaitchMokotoffSoundexBuilder};

static DAITCH_MOKOTOFF: LazyLock<Option<DaitchMokotoffSoundex>> =
    LazyLock::new(|| DaitchMokotoffSoundexBuilder::default().build().ok());

/// The Daitch–Mokotoff codes of a strict key (six digits each, one or more), sorted and
/// without repeats; none for keys under two letters (initials), which code too broadly.
pub fn phonetic_codes(strict: &str) -> Vec<String> {
    if strict.chars().count() < 2 {
        return Vec::new();
    }
    let Some(encoder) = DAITCH_MOKOTOFF.as_ref() else {
        return Vec::new();
    };
    let mut codes: Vec<String> = encoder
        .soundex(strict)
        .split('|')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clean, strict_key};

    fn shares(a: &str, b: &str) -> bool {
        let (a, b) = (
            phonetic_codes(&strict_key(&clean(a))),
            phonetic_codes(&strict_key(&clean(b))),
        );
        a.iter().any(|c| b.contains(c))
    }

    #[test]
    fn codes_the_transliteration_of_cyrillic() {
        // transliteration.md §3.2: DM Soundex shares a code for these after transliteration.
        for (a, b) in [
            ("Жубаназаров", "Zhubanazarov"),
            ("Жубаназаров", "Jubanazarov"),
            ("Өтеміс", "Утемис"),
            ("Хасенов", "Kasenov"),
            ("Юлия", "Julia"),
        ] {
            assert!(shares(a, b), "{a} / {b}");
        }
        assert!(phonetic_codes(&strict_key(&clean("А"))).is_empty());
    }
}
