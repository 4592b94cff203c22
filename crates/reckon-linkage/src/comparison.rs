//! Comparisons: for a pair of records, one level per field (0 = strongest agreement).

use reckon_names::Role;
use strsim::jaro_winkler;

use crate::LinkRecord;

/// The fields compared, in vector order.
pub const FIELDS: [&str; 6] = ["name", "father", "sex", "birth_year", "event_date", "place"];

/// Level names per field, index = level.
pub const LEVELS: [&[&str]; 6] = [
    &[
        "all tokens agree",
        "all tokens similar",
        "token and initial",
        "one token, nothing to contradict",
        "one token, others differ",
        "different",
    ],
    &["same", "similar", "different"],
    &["same", "different"],
    &["within 1 year", "within 3 years", "different"],
    &["same day or overlapping", "within 3 days", "different"],
    &["same", "different"],
];

/// A missing value: the field says nothing about the pair.
pub const MISSING: u8 = u8::MAX;

/// One level per field of [`FIELDS`].
pub type Vector = [u8; 6];

/// Names' tokens agree fuzzily at or above this Jaro–Winkler similarity of their loose keys.
pub const SIMILAR: f64 = 0.88;

fn token_similarity(a: &reckon_names::NameToken, b: &reckon_names::NameToken) -> f64 {
    let mut best: f64 = 0.0;
    for x in a.loose() {
        for y in b.loose() {
            if x == y {
                return 1.0;
            }
            best = best.max(jaro_winkler(x, y));
        }
    }
    best
}

/// Order-free comparison of the persons' own name tokens (surname first or last,
/// patronymic present or not, initials).
fn compare_names(a: &LinkRecord, b: &LinkRecord) -> u8 {
    let full = |r: &'_ LinkRecord| -> Vec<reckon_names::NameToken> {
        r.name
            .own_tokens()
            .filter(|t| t.role() != Role::Initial)
            .cloned()
            .collect()
    };
    let initials = |r: &LinkRecord| -> Vec<char> {
        r.name
            .own_tokens()
            .filter(|t| t.role() == Role::Initial)
            .filter_map(|t| t.strict().chars().next())
            .collect()
    };
    let (full_a, full_b) = (full(a), full(b));
    if full_a.is_empty() || full_b.is_empty() {
        return MISSING;
    }
    let mut scored: Vec<(f64, usize, usize)> = Vec::with_capacity(full_a.len() * full_b.len());
    for (i, x) in full_a.iter().enumerate() {
        for (j, y) in full_b.iter().enumerate() {
            scored.push((token_similarity(x, y), i, j));
        }
    }
    scored.sort_by(|p, q| q.0.total_cmp(&p.0));
    let (mut used_a, mut used_b) = (vec![false; full_a.len()], vec![false; full_b.len()]);
    let (mut exact, mut similar) = (0, 0);
    for (similarity, i, j) in scored {
        if used_a[i] || used_b[j] || similarity < SIMILAR {
            continue;
        }
        used_a[i] = true;
        used_b[j] = true;
        similar += 1;
        if similarity == 1.0 {
            exact += 1;
        }
    }
    let shorter = full_a.len().min(full_b.len());
    // A leftover full token on one side may match an initial on the other.
    let leftover_initial =
        |tokens: &[reckon_names::NameToken], used: &[bool], initials: &[char]| {
            tokens.iter().zip(used).any(|(t, u)| {
                !u && t
                    .strict()
                    .chars()
                    .next()
                    .is_some_and(|c| initials.contains(&c))
            })
        };
    let initial_agrees = leftover_initial(&full_a, &used_a, &initials(b))
        || leftover_initial(&full_b, &used_b, &initials(a));
    // Full tokens left unmatched on both sides contradict each other (Марат Ахметбеков
    // against Марат Дамир): one shared token is then weak evidence.
    let conflict = used_a.iter().any(|u| !u) && used_b.iter().any(|u| !u);
    if shorter >= 2 && exact >= 2 {
        0
    } else if shorter >= 2 && similar >= 2 {
        1
    } else if similar >= 1 && initial_agrees {
        2
    } else if similar >= 1 && !conflict {
        3
    } else if similar >= 1 {
        4
    } else {
        5
    }
}

/// Compares two prepared records field by field.
pub fn compare(a: &LinkRecord, b: &LinkRecord) -> Vector {
    let name = compare_names(a, b);
    let father = match (a.name.father_key(), b.name.father_key()) {
        (Some(x), Some(y)) if x == y => 0,
        (Some(x), Some(y)) if jaro_winkler(x, y) >= SIMILAR => 1,
        (Some(_), Some(_)) => 2,
        _ => MISSING,
    };
    let sex = match (a.sex, b.sex) {
        (Some(x), Some(y)) => u8::from(x != y),
        _ => MISSING,
    };
    let birth_year = match (a.birth_year, b.birth_year) {
        (Some(x), Some(y)) => match (x - y).abs() {
            0..=1 => 0,
            2..=3 => 1,
            _ => 2,
        },
        _ => MISSING,
    };
    let event_date = match (a.event_days, b.event_days) {
        (Some((a0, a1)), Some((b0, b1))) => {
            let gap = (b0 - a1).max(a0 - b1);
            if gap <= 0 {
                0
            } else if gap <= 3 {
                1
            } else {
                2
            }
        }
        _ => MISSING,
    };
    let place = match (&a.place, &b.place) {
        (Some(x), Some(y)) => u8::from(x != y),
        _ => MISSING,
    };
    [name, father, sex, birth_year, event_date, place]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InputRecord, prepare};
    use reckon_model::ListRecord;

    fn level(a: &str, b: &str) -> u8 {
        let records = [a, b].map(|n| ListRecord {
            name: Some(n.to_string()),
            ..ListRecord::default()
        });
        let inputs: Vec<_> = records
            .iter()
            .enumerate()
            .map(|(i, r)| InputRecord {
                id: i as i64,
                list: "l",
                record: r,
            })
            .collect();
        let prepared = prepare(&inputs);
        compare(&prepared[0], &prepared[1])[0]
    }

    #[test]
    fn name_levels() {
        assert_eq!(level("Жұбаназаров Нурсултан", "Nursultan Zhubanazarov"), 0);
        assert_eq!(
            level("ЖУБАНАЗАРОВ Нурсултан Асетович", "Jubanazarov Nursultan"),
            0
        );
        assert_eq!(level("Жубаназаров Нурсултан", "Жубаназаров Нурсултон"), 1);
        assert_eq!(level("ЖУБАНАЗАРОВ Н.А.", "Nursultan Zhubanazarov"), 2);
        assert_eq!(level("Жубаназаров", "Nursultan Zhubanazarov"), 3);
        assert_eq!(level("Жубаназаров Ерлан", "Nursultan Zhubanazarov"), 4);
        assert_eq!(level("Иванов Иван", "Nursultan Zhubanazarov"), 5);
    }

    #[test]
    fn comparisons_are_symmetric() {
        let pairs = [
            ("Жубаназаров Н.А.", "Nursultan Zhubanazarov"),
            ("Иванова Мария", "Maria Ivanova Sergeevna"),
        ];
        for (a, b) in pairs {
            assert_eq!(level(a, b), level(b, a));
        }
    }
}
