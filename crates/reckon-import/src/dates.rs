//! Dates as lists write them: ISO, dotted, and with month names in English, Russian or Kazakh.

use reckon_model::PartialDate;

/// Month-name stems: a word names month `m` when it starts with one of its stems.
/// Russian and Kazakh stems cover every grammatical case (января, январе, қаңтарда, қаңтардың).
const MONTH_STEMS: [&[&str]; 12] = [
    &[
        "jan",
        "январ",
        "янв",
        "қаңтар",
        "кантар",
        "қантар",
        "каңтар",
    ],
    &["feb", "феврал", "фев", "ақпан", "акпан"],
    &["mar", "март", "мар", "наурыз"],
    &["apr", "апрел", "апр", "сәуір", "сауир", "сәуiр"],
    &["may", "мая", "май", "мае", "маем", "мамыр"],
    &["jun", "июн", "маусым"],
    &["jul", "июл", "шілде", "шилде"],
    &["aug", "август", "авг", "тамыз"],
    &["sep", "сентябр", "сен", "қыркүйек", "кыркуйек", "қыркуйек"],
    &["oct", "октябр", "окт", "қазан", "казан"],
    &["nov", "ноябр", "ноя", "қараша", "караша"],
    &["dec", "декабр", "дек", "желтоқсан", "желтоксан"],
];

/// The month a word names, if any.
fn month_of_word(word: &str) -> Option<u8> {
    let lower = word.to_lowercase();
    // "мар" would also match "март" and "мамыр" starts with "ма": longest stem wins.
    let mut best: Option<(usize, u8)> = None;
    for (index, stems) in MONTH_STEMS.iter().enumerate() {
        for stem in *stems {
            if lower.starts_with(stem) && best.is_none_or(|(len, _)| stem.len() > len) {
                best = Some((stem.len(), index as u8 + 1));
            }
        }
    }
    // English abbreviations must not swallow unrelated words ("march" is fine, "mark" is not).
    best.filter(|(len, _)| *len >= 3 || lower.len() <= 4)
        .map(|(_, month)| month)
}

/// Parses a date in any of the contract's forms, keeping its precision.
///
/// Accepted: `2022-01-06`, `2022-01`, `2022`, `06.01.2022`, `6.1.2022`, `01.2022`,
/// `06/01/2022` (day first), `6 January 2022`, `January 6, 2022`, `6 января 2022`,
/// `январь 2022`, `6 қаңтар 2022`, `2022 жылғы 6 қаңтар`, `6-Jan-2022`.
/// Returns `None` for anything else; never guesses a month-first order.
pub fn parse_date(text: &str) -> Option<PartialDate> {
    let text = text.trim().trim_end_matches(['.', ',']).trim();
    let text = text
        .trim_end_matches("ж.")
        .trim_end_matches("г.")
        .trim_end_matches(" года")
        .trim_end_matches(" год")
        .trim();
    if text.is_empty() {
        return None;
    }
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '.' | '-' | '/' | ','))
        .filter(|t| !t.is_empty())
        .collect();
    let mut numbers = Vec::new();
    let mut month_word = None;
    for token in &tokens {
        let digits: String = token.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let rest = &token[digits.len()..];
            // Allow ordinal suffixes: 6th, 6-го, 6-шы (split on '-' already leaves "го").
            if !rest.is_empty() && !matches!(rest, "st" | "nd" | "rd" | "th") {
                return None;
            }
            numbers.push((digits.len(), digits.parse::<u32>().ok()?));
        } else if let Some(month) = month_of_word(token) {
            if month_word.replace(month).is_some() {
                return None;
            }
        } else if !is_filler(token) {
            return None;
        }
    }
    let year_position = numbers.iter().position(|(len, _)| *len == 4)?;
    let year = numbers[year_position].1 as i32;
    let others: Vec<u32> = numbers
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != year_position)
        .map(|(_, (_, n))| *n)
        .collect();
    let narrow = |n: u32| u8::try_from(n).ok();
    let (month, day) = match (month_word, others.as_slice()) {
        (Some(month), []) => (Some(month), None),
        (Some(month), [day]) => (Some(month), Some(narrow(*day)?)),
        (None, []) => (None, None),
        // 2022-01 or 01.2022
        (None, [month]) => (Some(narrow(*month)?), None),
        (None, [a, b]) => {
            if year_position == 0 {
                // ISO order: year, month, day.
                (Some(narrow(*a)?), Some(narrow(*b)?))
            } else {
                // Day first, as written in Kazakhstan and Russia.
                (Some(narrow(*b)?), Some(narrow(*a)?))
            }
        }
        _ => return None,
    };
    PartialDate::new(year, month, day).ok()
}

/// Words that may surround a date without changing it.
fn is_filler(token: &str) -> bool {
    matches!(
        token.to_lowercase().as_str(),
        "г" | "год"
            | "года"
            | "году"
            | "жыл"
            | "жылы"
            | "жылғы"
            | "жылгы"
            | "ж"
            | "of"
            | "the"
            | "го"
            | "шы"
            | "ші"
            | "сы"
            | "сі"
            | "st"
            | "nd"
            | "rd"
            | "th"
            // Prepositions before a month: «в мае 2022», «in May 2022».
            | "в"
            | "во"
            | "in"
    )
}

/// The date of an Excel serial day number (1900 date system), if in range.
pub fn from_excel_serial(serial: f64) -> Option<PartialDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Serial 25569 is 1970-01-01; Excel's fictitious 1900-02-29 lies before our range of use.
    PartialDate::from_day_number(serial.floor() as i64 - 25_569).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(input: &str, expect: Option<&str>) {
        let got = parse_date(input).map(|d| d.to_string());
        assert_eq!(got.as_deref(), expect, "parsing {input:?}");
    }

    #[test]
    fn contract_forms() {
        check("2022-01-06", Some("2022-01-06"));
        check("06.01.2022", Some("2022-01-06"));
        check("6 January 2022", Some("2022-01-06"));
        check("6 января 2022", Some("2022-01-06"));
        check("6 қаңтар 2022", Some("2022-01-06"));
        check("2022-01", Some("2022-01"));
        check("январь 2022", Some("2022-01"));
    }

    #[test]
    fn more_forms_seen_in_lists() {
        check("6.1.2022", Some("2022-01-06"));
        check("06/01/2022", Some("2022-01-06"));
        check("January 6, 2022", Some("2022-01-06"));
        check("6-Jan-2022", Some("2022-01-06"));
        check("6th January 2022", Some("2022-01-06"));
        check("6 января 2022 г.", Some("2022-01-06"));
        check("6 января 2022 года", Some("2022-01-06"));
        check("2022 жылғы 6 қаңтар", Some("2022-01-06"));
        check("6 қаңтарда 2022", Some("2022-01-06"));
        check("в мае 2022", Some("2022-05"));
        check("in May 2022", Some("2022-05"));
        check("в 2022", Some("2022"));
        check("мая 2022", Some("2022-05"));
        check("март 2022", Some("2022-03"));
        check("мамыр 2022", Some("2022-05"));
        check("01.2022", Some("2022-01"));
        check("2022", Some("2022"));
        check("  7 желтоқсан 2021 ", Some("2021-12-07"));
    }

    #[test]
    fn rejects_non_dates() {
        check("32.01.2022", None);
        check("29.02.2022", None);
        check("yesterday", None);
        check("6 января", None);
        check("", None);
        check("12.13.2022", None);
    }

    #[test]
    fn excel_serials() {
        assert_eq!(
            from_excel_serial(44567.0).unwrap().to_string(),
            "2022-01-06"
        );
        assert_eq!(
            from_excel_serial(44567.75).unwrap().to_string(),
            "2022-01-06"
        );
    }
}
