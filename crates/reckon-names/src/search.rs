//! Matching a search query against names, across scripts: the same keys that link records
//! answer a person typing a name in any script, in any order, in part, or with a typo.

use crate::parse::{NameToken, NormalizedName, Role};

/// How well one query token is found among a name's tokens (0 when not at all).
fn token_score(query: &NameToken, name: &NormalizedName) -> f64 {
    let mut best: f64 = 0.0;
    for token in name.tokens() {
        let score = if query.role() == Role::Initial || token.role() == Role::Initial {
            // An initial matches a token starting with the same letter, weakly.
            let first = |t: &NameToken| t.loose().first().and_then(|k| k.chars().next());
            if first(query).is_some() && first(query) == first(token) {
                0.6
            } else {
                0.0
            }
        } else if query.loose().iter().any(|k| token.loose().contains(k))
            || (query.stem().is_some() && query.stem() == token.stem())
        {
            // Same name in any script and spelling; or the same stem (Ахметова for Ахметов).
            if query.strict() == token.strict() {
                1.0
            } else {
                0.95
            }
        } else if query
            .loose()
            .iter()
            .any(|q| q.len() >= 3 && token.loose().iter().any(|k| k.starts_with(q.as_str())))
        {
            // The beginning of a name (Жуба… for Жубаназаров).
            0.85
        } else {
            let (a, b) = (query.strict(), token.strict());
            let similarity = strsim::jaro_winkler(a, b);
            // Similar and of about the same length: a shorter name is not a typo of a
            // longer one (Жума is not Жумабаев).
            if similarity >= 0.9 && a.len().abs_diff(b.len()) <= 2 {
                // A typo.
                0.8 * similarity
            } else if query
                .phonetic()
                .iter()
                .any(|c| token.phonetic().contains(c))
            {
                0.7
            } else {
                0.0
            }
        };
        best = best.max(score);
    }
    best
}

/// How well a query matches a name, from 0 to 1: every token of the query must be found
/// in the name (in any order, script or spelling, as the beginning of a name, with a typo
/// or sounding alike); the score is the mean of how well each was found, and 0 when one is
/// missing.
pub fn match_score(query: &NormalizedName, name: &NormalizedName) -> f64 {
    let tokens = query.tokens();
    if tokens.is_empty() {
        return 0.0;
    }
    let mut total = 0.0;
    let mut strongest: f64 = 0.0;
    for token in tokens {
        let score = token_score(token, name);
        if score == 0.0 {
            return 0.0;
        }
        total += score;
        strongest = strongest.max(score);
    }
    // Initials and sound-alikes only support a match that some full name carries.
    if strongest < 0.75 {
        return 0.0;
    }
    total / tokens.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize;

    fn score(query: &str, name: &str) -> f64 {
        match_score(&normalize(query).0, &normalize(name).0)
    }

    #[test]
    fn queries_find_names_across_scripts_and_orders() {
        let name = "ЖУБАНАЗАРОВ Нурсултан Асетович";
        for query in [
            "Жубаназаров",
            "Zhubanazarov",
            "jubanazarov nursultan",
            "Nursultan Zhubanazarov",
            "Жұбаназаров Нұрсұлтан",
            "Жубана",
            "Zhubanazarv",
        ] {
            assert!(score(query, name) > 0.7, "{query}: {}", score(query, name));
        }
        assert_eq!(score("Ахметов", name), 0.0);
        assert_eq!(score("Нурсултан Ахметов", name), 0.0);
        // A shorter name is not a typo of a longer one; an initial alone proves nothing.
        assert_eq!(score("Жубаназаровтар", "Жубан"), 0.0);
        assert_eq!(score("Жубаназаров", "Ахметов Ж.А."), 0.0);
        assert!(score("Ахметов Жубаназар", "Ахметов Ж.А.") > 0.7);
        // Latin records are found from Cyrillic queries too.
        assert!(score("Жубаназаров", "Nursultan Jubanazarov") > 0.9);
        // An exact spelling ranks above a cross-script one.
        assert!(score("Жубаназаров", name) > score("Жубаназаров", "Jubanazarov N."));
    }
}
