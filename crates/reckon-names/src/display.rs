//! Display transliteration: what a reader expects to see, not a matching key.

use crate::hygiene::is_cyrillic;

/// Passport-style Latin for Cyrillic text (observed Kazakhstan practice, `transliteration.md`
/// Table B column 7): Ж → Zh, Х → Kh, Қ → K, Ғ → G, initial Е → Ye, intervocalic С → ss.
/// Latin text is returned unchanged.
pub fn to_latin_display(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() * 2);
    for (index, &c) in chars.iter().enumerate() {
        if !is_cyrillic(c) {
            out.push(c);
            continue;
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        let previous = index.checked_sub(1).map(|i| chars[i]);
        let next = chars.get(index + 1).copied();
        let word_initial = previous.is_none_or(|p| !p.is_alphabetic());
        let vowel = |c: Option<char>| {
            c.and_then(|c| c.to_lowercase().next())
                .is_some_and(|c| "аәеёиіоөуұүыэюя".contains(c))
        };
        let latin: &str = match lower {
            'а' | 'ә' => "a",
            'б' => "b",
            'в' => "v",
            'г' | 'ғ' => "g",
            'д' => "d",
            'е' if word_initial => "ye",
            'е' | 'э' => "e",
            'ё' => "yo",
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
            'с' if vowel(previous) && vowel(next) => "ss",
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
            _ => "",
        };
        if c.is_uppercase() {
            let next_upper = next.is_some_and(char::is_uppercase);
            let mut letters = latin.chars();
            if let Some(first) = letters.next() {
                out.extend(first.to_uppercase());
                if next_upper {
                    out.extend(letters.flat_map(char::to_uppercase));
                } else {
                    out.extend(letters);
                }
            }
        } else {
            out.push_str(latin);
        }
    }
    out
}

/// Russian-Cyrillic rendering of a Latin name for Cyrillic readers (Zh → Ж, Kh → Х,
/// Ye → Е, Yu → Ю, Ya → Я, Shch → Щ). Cyrillic text is returned unchanged.
pub fn to_cyrillic_display(text: &str) -> String {
    const DIGRAPHS: &[(&str, &str)] = &[
        ("shch", "щ"),
        ("zh", "ж"),
        ("kh", "х"),
        ("ts", "ц"),
        ("ch", "ч"),
        ("sh", "ш"),
        ("yu", "ю"),
        ("ya", "я"),
        ("yo", "ё"),
        ("ye", "е"),
        ("iu", "ю"),
        ("ia", "я"),
    ];
    let mut out = String::with_capacity(text.len() * 2);
    let lower: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let original: Vec<char> = text.chars().collect();
    let mut index = 0;
    while index < lower.len() {
        let rest: String = lower[index..].iter().take(4).collect();
        let upper = original.get(index).is_some_and(|c| c.is_uppercase());
        let (cyrillic, used) =
            if let Some((latin, cyr)) = DIGRAPHS.iter().find(|(l, _)| rest.starts_with(l)) {
                (cyr.to_string(), latin.len())
            } else {
                let c = lower[index];
                let single = match c {
                    'a' => "а",
                    'b' => "б",
                    'v' | 'w' => "в",
                    'g' => "г",
                    'd' => "д",
                    'e' => "е",
                    'z' => "з",
                    'i' => "и",
                    'y' => "ы",
                    'k' | 'q' => "к",
                    'l' => "л",
                    'm' => "м",
                    'n' => "н",
                    'o' => "о",
                    'p' => "п",
                    'r' => "р",
                    's' => "с",
                    't' => "т",
                    'u' => "у",
                    'f' => "ф",
                    'h' | 'x' => "х",
                    'c' => "к",
                    'j' => "ж",
                    '\'' => "",
                    _ => "",
                };
                if single.is_empty() && c != '\'' {
                    (c.to_string(), 1)
                } else {
                    (single.to_string(), 1)
                }
            };
        if upper {
            out.extend(cyrillic.chars().flat_map(char::to_uppercase));
        } else {
            out.push_str(&cyrillic);
        }
        index += used;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passport_style_latin() {
        assert_eq!(
            to_latin_display("Жұбаназаров Нурсултан"),
            "Zhubanazarov Nursultan"
        );
        assert_eq!(to_latin_display("Ерлан Қасымов"), "Yerlan Kassymov");
        assert_eq!(to_latin_display("Әсел"), "Assel");
        assert_eq!(to_latin_display("Бүркітқызы Айгерім"), "Burkitkyzy Aigerim");
        assert_eq!(to_latin_display("ЖУБАНАЗАРОВ"), "ZHUBANAZAROV");
        assert_eq!(to_latin_display("Zhubanazarov"), "Zhubanazarov");
    }

    #[test]
    fn cyrillic_for_latin_names() {
        assert_eq!(
            to_cyrillic_display("Nursultan Zhubanazarov"),
            "Нурсултан Жубаназаров"
        );
        assert_eq!(to_cyrillic_display("Yerlan Kassymov"), "Ерлан Кассымов");
        assert_eq!(to_cyrillic_display("Ахметов"), "Ахметов");
    }
}
