//! Strict and loose keys of one name token (`transliteration.md` §2.2 steps 8 and 9).

use unicode_normalization::UnicodeNormalization;

use crate::hygiene::is_cyrillic;

/// Folds Kazakh letters to their Russian equivalents, ё to е, and drops ъ and ь.
fn fold_cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'а' | 'ә' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ғ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' => "i",
        'й' => "i",
        'к' | 'қ' => "k",
        'л' => "l",
        'м' => "m",
        'н' | 'ң' => "n",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ұ' | 'ү' | 'ў' => "u",
        'ф' => "f",
        'х' | 'һ' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ы' => "y",
        'ю' => "iu",
        'я' => "ia",
        'ъ' | 'ь' => "",
        _ => return None,
    })
}

/// Resolves letters of the Kazakh Latin alphabets (2017 apostrophes, 2018 acutes,
/// 2021 diacritics) and GOST/ISO letters before any diacritic is stripped, so that
/// 2018 `ý` (у) does not collide with `y` (ы).
fn resolve_latin(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let chars: Vec<char> = token.chars().collect();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        let next = chars.get(index + 1).copied();
        if next == Some('\'') && matches!(c, 'y' | 'c' | 's' | 'g' | 'n' | 'a' | 'o' | 'u' | 'i') {
            // Kazakh Latin 2017: y' = у, c' = ч, s' = ш, g' = ғ, n' = ң, a' = ә …
            match c {
                'y' => out.push('u'),
                'c' => out.push_str("ch"),
                's' => out.push_str("sh"),
                other => out.push(other),
            }
            index += 2;
            continue;
        }
        let replacement = match c {
            'ý' => "u",
            'ä' | 'á' | 'à' | 'â' => "a",
            'ö' | 'ó' | 'ò' | 'ô' => "o",
            'ü' | 'ū' | 'ú' | 'ù' => "u",
            'ğ' | 'ǵ' => "g",
            'ñ' | 'ń' => "n",
            'ş' | 'š' | 'ŝ' => "sh",
            'ç' | 'č' => "ch",
            'ž' => "zh",
            'ı' | 'í' | 'ì' | 'ĭ' => "i",
            'ë' | 'è' | 'é' | 'ė' | 'ê' => "e",
            _ => "",
        };
        if replacement.is_empty() {
            out.push(c);
        } else {
            out.push_str(replacement);
        }
        index += 1;
    }
    // Anything left with a mark loses it.
    out.nfkd().filter(|c| c.is_ascii()).collect()
}

/// The strict key of one cleaned token: Kazakh folded to Russian, one fixed
/// transliteration, Latin letters resolved; only ASCII letters remain.
///
/// Spellings from different Latin systems keep different strict keys (Zhubanazarov,
/// Jubanazarov); the loose key brings them together.
pub fn strict_key(token: &str) -> String {
    let mut latin = String::with_capacity(token.len() * 2);
    let mut pending = String::new();
    for c in token.chars() {
        if is_cyrillic(c) {
            latin.push_str(&resolve_latin(&pending));
            pending.clear();
            latin.push_str(fold_cyrillic(c).unwrap_or(""));
        } else {
            pending.push(c);
        }
    }
    latin.push_str(&resolve_latin(&pending));
    latin.retain(|c| c.is_ascii_alphabetic());
    latin
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// The loose keys of one cleaned token: one, or two when a word-initial `j` may be
/// Ж (Jubanazarov) or Й/Ю/Я (Julia, Yana).
pub fn loose_keys(token: &str) -> Vec<String> {
    loose_keys_of_strict(&strict_key(token))
}

/// A blocking-only key: the loose key's first letter and its consonants, doubled letters
/// single, ch as sh (Төлеген, Тулеген and Tolegen give `tlgn`; Әбдірахман and Абдрахман
/// `abdrkmn`; Шыңғыс and Чингис `shngs`).
/// It catches the vowel changes of Russified Kazakh names (transliteration.md §1.4) and
/// over-merges more than the loose key, so it must never decide a match. `None` for
/// skeletons under four letters, which would merge too many names.
pub fn skeleton_key(loose: &str) -> Option<String> {
    // Russian renderings swap ш and ч in some Kazakh names (Шыңғыс, Чингис): one letter here
    // (in the loose key ш and ч read `sk` and `ck`, every h having become k).
    let loose = loose.replace("ck", "sk");
    let mut skeleton = String::with_capacity(loose.len());
    for (index, c) in loose.chars().enumerate() {
        if index > 0 && matches!(c, 'a' | 'e' | 'i' | 'o' | 'u') {
            continue;
        }
        if !skeleton.ends_with(c) {
            skeleton.push(c);
        }
    }
    (skeleton.chars().count() >= 3).then_some(skeleton)
}

/// [`loose_keys`] from an already computed strict key.
///
/// J is ambiguous in Latin spellings: Ж in Kazakh Latin (Jubanazarov, Nurjan), Й in
/// others (Julia, Marija, Sergej). A word-initial J and a J between vowels therefore give a
/// second key each, one per reading.
pub(crate) fn loose_keys_of_strict(strict: &str) -> Vec<String> {
    if strict.is_empty() {
        return Vec::new();
    }
    let mut readings: Vec<Vec<u8>> = Vec::with_capacity(2);
    if let Some(rest) = strict.strip_prefix('j') {
        let mut zh = Vec::with_capacity(strict.len() + 1);
        zh.extend_from_slice(b"zh");
        zh.extend_from_slice(rest.as_bytes());
        readings.push(zh);
    }
    readings.push(strict.as_bytes().to_vec());
    let bytes = strict.as_bytes();
    let medial_j = (1..bytes.len().saturating_sub(1))
        .any(|i| bytes[i] == b'j' && is_vowel(bytes[i - 1]) && is_vowel(bytes[i + 1]));
    if medial_j {
        let with_y: Vec<Vec<u8>> = readings
            .iter()
            .map(|reading| {
                let mut changed = reading.clone();
                for i in 1..reading.len().saturating_sub(1) {
                    if reading[i] == b'j' && is_vowel(reading[i - 1]) && is_vowel(reading[i + 1]) {
                        changed[i] = b'y';
                    }
                }
                changed
            })
            .collect();
        readings.extend(with_y);
    }
    let mut scratch = Vec::with_capacity(strict.len() + 8);
    let mut keys: Vec<String> = Vec::with_capacity(readings.len());
    for reading in readings {
        let key = fold_loose(reading, &mut scratch);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// Replaces every occurrence of `from` by `to` in `text`, left to right, as `str::replace`
/// does, using `scratch` instead of allocating.
fn replace(text: &mut Vec<u8>, from: &[u8], to: &[u8], scratch: &mut Vec<u8>) {
    // Byte loops: these strings are a few bytes long, too short for memcmp to pay.
    let matches_at = |text: &[u8], i: usize| {
        i + from.len() <= text.len() && from.iter().enumerate().all(|(k, &b)| text[i + k] == b)
    };
    if !(0..text.len()).any(|i| matches_at(text, i)) {
        return;
    }
    scratch.clear();
    let mut i = 0;
    while i < text.len() {
        if matches_at(text, i) {
            scratch.extend_from_slice(to);
            i += from.len();
        } else {
            scratch.push(text[i]);
            i += 1;
        }
    }
    std::mem::swap(text, scratch);
}

/// Applies the digraph equivalences of §2.2 step 9 in a fixed order to ASCII letters.
fn fold_loose(mut s: Vec<u8>, scratch: &mut Vec<u8>) -> String {
    for (from, to) in [
        (&b"shch"[..], &b"sh"[..]),
        (b"sch", b"sh"),
        (b"shh", b"sh"),
        (b"dzh", b"zh"),
        (b"tch", b"ch"),
        // BGN/PCGN ғ and ң: gh, ng.
        (b"gh", b"g"),
        (b"ng", b"n"),
        // у as /w/ (Tawekel), before the MRZ's ue below reads it.
        (b"w", b"u"),
    ] {
        replace(&mut s, from, to, scratch);
    }
    // j: before a vowel it is Ж in Kazakh Latin (Nurjan, Aijan); elsewhere й (Sergej).
    if s.contains(&b'j') {
        scratch.clear();
        for (index, &byte) in s.iter().enumerate() {
            if byte == b'j' {
                let next = s.get(index + 1).copied();
                if index == 0 && next.is_some_and(|b| matches!(b, b'a' | b'u' | b'o' | b'e')) {
                    // Initial Ja/Ju/Jo/Je reach here only in the й-reading (Yana, Yulia,
                    // Jerlan): read as y, so that ye/yo/ya/yu fold below.
                    scratch.push(b'y');
                } else if next.is_some_and(is_vowel) {
                    scratch.extend_from_slice(b"zh");
                } else {
                    scratch.push(b'i');
                }
            } else {
                scratch.push(byte);
            }
        }
        std::mem::swap(&mut s, scratch);
    }
    for (from, to) in [
        (&b"tc"[..], &b"ts"[..]),
        (b"cz", b"ts"),
        (b"tz", b"ts"),
        (b"x", b"kh"),
        // ICAO machine-readable zone: ä ö ü written ae oe ue.
        (b"ae", b"a"),
        (b"oe", b"o"),
        (b"ue", b"u"),
    ] {
        replace(&mut s, from, to, scratch);
    }
    if s.starts_with(b"ye") {
        s.remove(0);
    }
    for (from, to) in [
        (&b"ye"[..], &b"e"[..]),
        (b"ya", b"ia"),
        (b"yu", b"iu"),
        (b"yo", b"e"),
        (b"io", b"e"),
    ] {
        replace(&mut s, from, to, scratch);
    }
    for ending in [&b"iy"[..], b"ii", b"yi", b"ij"] {
        if s.ends_with(ending) {
            s.truncate(s.len() - 2);
            s.push(b'i');
            break;
        }
    }
    // The loose skeleton: y → i (w → u came first), zh → z, then kh/q/h → k, doubled
    // letters single.
    for byte in s.iter_mut().filter(|b| **b == b'y') {
        *byte = b'i';
    }
    replace(&mut s, b"zh", b"z", scratch);
    replace(&mut s, b"kh", b"k", scratch);
    let mut skeleton = String::with_capacity(s.len());
    for &byte in &s {
        let c = char::from(if matches!(byte, b'q' | b'h') {
            b'k'
        } else {
            byte
        });
        if skeleton.ends_with(c) {
            continue;
        }
        skeleton.push(c);
    }
    skeleton
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean;

    fn keys(name: &str) -> Vec<String> {
        loose_keys(&clean(name))
    }

    #[track_caller]
    fn check_group(group: &[&str]) {
        let first = keys(group[0]);
        for other in &group[1..] {
            let other_keys = keys(other);
            assert!(
                first.iter().any(|k| other_keys.contains(k)),
                "{} {first:?} and {other} {other_keys:?} share no loose key",
                group[0]
            );
        }
    }

    #[test]
    fn strict_keys() {
        assert_eq!(strict_key("жұбаназаров"), "zhubanazarov");
        assert_eq!(strict_key("жубаназаров"), "zhubanazarov");
        assert_eq!(strict_key("бүркітқызы"), "burkitkyzy");
        assert_eq!(strict_key("il'in"), "ilin");
        assert_eq!(strict_key("jaınagül"), "jainagul");
        assert_eq!(strict_key("ay'el"), "auel");
    }

    #[test]
    fn spelling_groups_of_section_3_2_share_a_loose_key() {
        check_group(&[
            "Жубаназаров",
            "Жұбаназаров",
            "Zhubanazarov",
            "Dzhubanazarov",
            "Jubanazarov",
            "Джубаназаров",
        ]);
        check_group(&["Жайнагүл", "Zhainagul", "Zhaynagul", "Jainagul", "Jaınagül"]);
        check_group(&[
            "Бүркітқызы",
            "Буркиткызы",
            "Burkitkyzy",
            "Burkitqyzy",
            "Burkitkizi",
            "Bürkıtqyzy",
        ]);
        check_group(&["Ерлан", "Yerlan", "Erlan"]);
        check_group(&["Нұрсұлтан", "Nursultan"]);
        check_group(&["Ахметов", "Akhmetov", "Ahmetov", "Axmetov"]);
        check_group(&["Хасенов", "Khassenov", "Khasenov", "Kasenov", "Hasenov"]);
        check_group(&["Қасымов", "Kasymov", "Qasymov", "Kassymov"]);
        check_group(&["Сергей", "Sergei", "Sergey", "Sergej"]);
        check_group(&["Юлия", "Yulia", "Julia", "Iuliia", "Yuliya"]);
        check_group(&["Щербаков", "Shcherbakov", "Scherbakov"]);
        check_group(&["Ёлкин", "Yolkin", "Elkin"]);
        check_group(&["Әсел", "Асель", "Assel", "Äsel"]);
        check_group(&["Ильин", "Ilin", "Ilyin", "Il'in"]);
        check_group(&["Юрий", "Iurii", "Yuriy", "Yury"]);
        check_group(&["Айгүл", "Айгуль", "Aigul", "Aygul"]);
        check_group(&["Цой", "Tsoi", "Tsoy", "Tcoi"]);
        check_group(&["Нұржан", "Nurjan", "Nurzhan"]);
    }

    #[test]
    fn skeletons_meet_across_vowel_changes() {
        let skeleton = |name: &str| skeleton_key(&keys(name)[0]);
        assert_eq!(skeleton("Төлеген"), skeleton("Тулеген"));
        assert_eq!(skeleton("Tolegen"), skeleton("Тулеген"));
        assert_eq!(skeleton("Әбдірахман"), skeleton("Абдрахман"));
        assert_eq!(skeleton("Жанболат"), skeleton("Жанбулат"));
        assert_eq!(skeleton("Шыңғыс"), skeleton("Чингис"));
        assert_eq!(skeleton("Али"), None);
    }

    #[test]
    fn different_names_keep_different_keys() {
        assert_ne!(keys("Ерлан"), keys("Ерболат"));
        assert_ne!(keys("Иванов"), keys("Иванова"));
    }
}
