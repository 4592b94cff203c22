//! The generator's own transliterations: how different publishers write one name.

fn is_vowel(c: char) -> bool {
    "аәеёиіоөуұүыэюяaeiouy".contains(c.to_lowercase().next().unwrap_or(c))
}

fn apply(text: &str, map: impl Fn(char, Option<char>, Option<char>) -> String) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let lower = c.to_lowercase().next().unwrap_or(c);
        let latin = map(lower, prev, next);
        if c.is_uppercase() {
            let mut letters = latin.chars();
            if let Some(first) = letters.next() {
                out.extend(first.to_uppercase());
                out.extend(letters);
            }
        } else {
            out.push_str(&latin);
        }
    }
    out
}

/// Passport and English-media style, as observed in Kazakhstan (Ж zh, Х kh, Қ k, initial
/// Е ye, intervocalic С ss, Й y, Ю yu, Я ya).
pub fn passport_latin(text: &str) -> String {
    apply(text, |c, prev, next| {
        let initial = prev.is_none_or(|p| !p.is_alphabetic());
        match c {
            'а' | 'ә' => "a",
            'б' => "b",
            'в' => "v",
            'г' | 'ғ' => "g",
            'д' => "d",
            'е' if initial => "ye",
            'е' | 'э' => "e",
            'ё' => "yo",
            'ж' => "zh",
            'з' => "z",
            'и' | 'і' => "i",
            'й' => "y",
            'к' | 'қ' => "k",
            'л' => "l",
            'м' => "m",
            'н' | 'ң' => "n",
            'о' | 'ө' => "o",
            'п' => "p",
            'р' => "r",
            'с' if prev.is_some_and(is_vowel) && next.is_some_and(is_vowel) => "ss",
            'с' => "s",
            'т' => "t",
            'у' | 'ұ' | 'ү' => "u",
            'ф' => "f",
            'х' => "kh",
            'һ' => "h",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            'ъ' | 'ь' => "",
            other => return other.to_string(),
        }
        .to_string()
    })
}

/// Kazakh Latin as NGOs and Kazakh-language sites write it: Ж j, Қ q, Х h, Ш sh; with
/// `diacritics`, the 2021 letters Ä Ğ Ñ Ö Ū Ü Ş and dotless ı for І.
pub fn kazakh_latin(text: &str, diacritics: bool) -> String {
    apply(text, |c, _, _| {
        match (c, diacritics) {
            ('ә', true) => "ä",
            ('ғ', true) => "ğ",
            ('ң', true) => "ñ",
            ('ө', true) => "ö",
            ('ұ', true) => "ū",
            ('ү', true) => "ü",
            ('ш', true) => "ş",
            ('і', true) => "ı",
            ('а' | 'ә', _) => "a",
            ('б', _) => "b",
            ('в', _) => "v",
            ('г' | 'ғ', _) => "g",
            ('д', _) => "d",
            ('е' | 'э', _) => "e",
            ('ё', _) => "io",
            ('ж', _) => "j",
            ('з', _) => "z",
            ('и' | 'і' | 'й', _) => "i",
            ('к', _) => "k",
            ('қ', _) => "q",
            ('л', _) => "l",
            ('м', _) => "m",
            ('н' | 'ң', _) => "n",
            ('о' | 'ө', _) => "o",
            ('п', _) => "p",
            ('р', _) => "r",
            ('с', _) => "s",
            ('т', _) => "t",
            ('у' | 'ұ' | 'ү', _) => "u",
            ('ф', _) => "f",
            ('х' | 'һ', _) => "h",
            ('ц', _) => "ts",
            ('ч', _) => "ch",
            ('ш', _) => "sh",
            ('щ', _) => "sch",
            ('ы', _) => "y",
            ('ю', _) => "iu",
            ('я', _) => "ia",
            ('ъ' | 'ь', _) => "",
            (other, _) => return other.to_string(),
        }
        .to_string()
    })
}

/// A Kazakh-Cyrillic name as Russian-language documents write it (Kazakh letters
/// replaced, a soft sign after a final л).
pub fn to_russian_cyrillic(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| match c {
            'ә' => 'а',
            'Ә' => 'А',
            'ғ' => 'г',
            'Ғ' => 'Г',
            'қ' => 'к',
            'Қ' => 'К',
            'ң' => 'н',
            'Ң' => 'Н',
            'ө' => 'о',
            'Ө' => 'О',
            'ұ' | 'ү' => 'у',
            'Ұ' | 'Ү' => 'У',
            'һ' => 'х',
            'Һ' => 'Х',
            'і' => 'и',
            'І' => 'И',
            other => other,
        })
        .collect();
    if out.ends_with('л') && text.ends_with(['л']) && text.chars().any(|c| "әөүіұ".contains(c))
    {
        out.push('ь');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(passport_latin("Жұбаназаров Ерлан"), "Zhubanazarov Yerlan");
        assert_eq!(passport_latin("Қасымов"), "Kassymov");
        assert_eq!(kazakh_latin("Жұбаназаров", false), "Jubanazarov");
        assert_eq!(kazakh_latin("Бүркітқызы", true), "Bürkıtqyzy");
        assert_eq!(to_russian_cyrillic("Айгүл"), "Айгуль");
        assert_eq!(to_russian_cyrillic("Жұбаназаров"), "Жубаназаров");
    }
}
