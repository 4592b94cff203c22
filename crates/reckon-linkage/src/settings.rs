//! The linkage specification: which fields are compared and how, the blocking rules, and
//! the thresholds. The defaults serve the standard list fields of the contract (name, sex,
//! age or birth date, event date, place) without any file; a TOML file describes other data
//! (the FEBRL benchmarks, with addresses, postcodes and identifiers).
//!
//! ```toml
//! threshold = 0.7          # link at or above this match probability
//! review_from = 0.3        # pairs from here up to the threshold go to review
//! one_record_per_list = false
//! seed = 1
//! text_columns = ["date_of_birth"]   # read these columns as plain text, not as dates
//!
//! [[comparison]]
//! name = "surname"
//! kind = "text"            # person_name, father, sex, birth_year, event_date, place,
//!                          # text, exact
//! column = "surname"       # text and exact compare a column (a field or any other header)
//! scale = "jaro_winkler"   # text: jaro_winkler (default) or edits (Damerau–Levenshtein)
//! term_frequency = true    # rarer values weigh more when they agree exactly
//!
//! [[blocking]]
//! name = "surname and postcode"
//! keys = ["surname", "postcode"]       # column, or column:transform
//! ```
//!
//! Blocking transforms: `exact` (the default: trimmed, lower case), `loose`, `skeleton`,
//! `phonetic` (keys of the names crate), `first:N` (the first N characters). The built-in
//! columns `name` (every own name token; also `name:pairs`, every two tokens, and
//! `name:token_initial`, a token with another's initial), `surname_stem`, `father`,
//! `birth_year`, `event_date` and `place` block on what `prepare` derived.

use serde::Deserialize;

/// At most this many comparisons (the comparison vector is a fixed-size array).
pub const MAX_COMPARISONS: usize = 12;

/// What a comparison looks at and how it grades agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The person's own name, order-free, across scripts (the names crate's keys).
    PersonName,
    /// The father's name from a patronymic or a -ұлы/-қызы surname.
    Father,
    /// Sex, stated or from the name's forms.
    Sex,
    /// Birth year, stated or from age at the event.
    BirthYear,
    /// The event's date, with its precision.
    EventDate,
    /// The place, through the gazetteer: the same place, the same region, different.
    Place,
    /// A text column, graded by similarity.
    Text,
    /// A column that agrees or not.
    Exact,
}

/// How a text comparison grades similarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Jaro–Winkler similarity (names, words).
    #[default]
    JaroWinkler,
    /// Damerau–Levenshtein edits (dates, numbers, codes).
    Edits,
}

/// One comparison of the model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComparisonSpec {
    /// Its name in explanations.
    pub name: String,
    /// What it compares.
    pub kind: Kind,
    /// The column, for `text` and `exact`.
    #[serde(default)]
    pub column: Option<String>,
    /// For `text`: the similarity scale.
    #[serde(default)]
    pub scale: Scale,
    /// Adjust exact agreement by how common the value is.
    #[serde(default)]
    pub term_frequency: bool,
}

/// One blocking rule: records sharing every key of the rule become candidate pairs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockingSpec {
    /// Its name in the report.
    pub name: String,
    /// `column` or `column:transform`, all of which must agree.
    pub keys: Vec<String>,
    /// This rule's own limit on a block's records (after splitting), instead of the
    /// settings' `max_block`: a broad rule (one name token and a date) is worth its cost on
    /// small lists and skipped on large ones, where its blocks are all namesakes.
    #[serde(default)]
    pub max_block: Option<usize>,
}

/// The whole specification.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Pairs at or above this match probability link.
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    /// Pairs from this probability up to the threshold go to review.
    #[serde(default = "default_review_from")]
    pub review_from: f64,
    /// Links at or above this probability support merging two clusters that a link at the
    /// threshold would join (half of the smaller cluster must be supported).
    #[serde(default = "default_support")]
    pub support: f64,
    /// Never put two records of one list into one person.
    #[serde(default)]
    pub one_record_per_list: bool,
    /// Blocks with more records than this are skipped: their key is too common to tell
    /// anyone apart (a block of n records costs n²/2 comparisons), and the other rules
    /// still bring true pairs together. The report says how many were skipped.
    #[serde(default = "default_max_block")]
    pub max_block: usize,
    /// Blocks with more records than this are split by place, and parts still larger by
    /// event day, before any is skipped: a namesake block of a million-record run ("Жұмабаев
    /// С.", hundreds of records) becomes a few dozen small ones. A record without a place
    /// (or without an exact day) joins every part, so that nothing it could match is lost.
    #[serde(default = "default_split_above")]
    pub split_above: usize,
    /// Seed for the random pairs that start u.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Columns to read as plain text rather than as the contract's typed fields.
    #[serde(default)]
    pub text_columns: Vec<String>,
    /// The comparisons, in vector order.
    #[serde(rename = "comparison")]
    pub comparisons: Vec<ComparisonSpec>,
    /// The blocking rules, whose candidate pairs are united.
    #[serde(rename = "blocking")]
    pub blocking: Vec<BlockingSpec>,
}

/// Probabilities are relative to the candidate pairs (EM is trained within them), so a
/// cross-script pair whose every token only sounds alike settles near 0.9: measured on the
/// synthetic lists at 10,000 records, 0.7 gives the best F1 (docs/benchmarks.md).
fn default_threshold() -> f64 {
    0.7
}

fn default_review_from() -> f64 {
    0.3
}

fn default_support() -> f64 {
    0.5
}

fn default_max_block() -> usize {
    300
}

fn default_split_above() -> usize {
    40
}

fn default_seed() -> u64 {
    1
}

/// A specification that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SettingsError {
    /// Not valid TOML, or unknown keys or values.
    #[error("linkage settings: {0}")]
    Syntax(String),
    /// Valid TOML that does not make a model.
    #[error("linkage settings: {0}")]
    Invalid(String),
}

const BUILT_IN_COLUMNS: &[&str] = &[
    "name",
    "surname_stem",
    "father",
    "birth_year",
    "event_date",
    "place",
];

impl Settings {
    /// Reads a TOML specification and checks it.
    pub fn from_toml(text: &str) -> Result<Settings, SettingsError> {
        let settings: Settings =
            toml::from_str(text).map_err(|e| SettingsError::Syntax(e.to_string()))?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), SettingsError> {
        let invalid = |message: String| Err(SettingsError::Invalid(message));
        if self.comparisons.is_empty() || self.comparisons.len() > MAX_COMPARISONS {
            return invalid(format!(
                "between 1 and {MAX_COMPARISONS} comparisons are needed, found {}",
                self.comparisons.len()
            ));
        }
        if self.blocking.is_empty() {
            return invalid("at least one blocking rule is needed".to_string());
        }
        if !(0.0..=1.0).contains(&self.threshold)
            || !(0.0..=self.threshold).contains(&self.review_from)
        {
            return invalid(format!(
                "need 0 ≤ review_from ≤ threshold ≤ 1, found review_from {} and threshold {}",
                self.review_from, self.threshold
            ));
        }
        for comparison in &self.comparisons {
            let needs_column = matches!(comparison.kind, Kind::Text | Kind::Exact);
            if needs_column != comparison.column.is_some() {
                return invalid(format!(
                    "comparison {:?}: {} column",
                    comparison.name,
                    if needs_column {
                        "text and exact comparisons need a"
                    } else {
                        "only text and exact comparisons take a"
                    }
                ));
            }
        }
        for rule in &self.blocking {
            if rule.keys.is_empty() {
                return invalid(format!("blocking rule {:?} has no keys", rule.name));
            }
            for key in &rule.keys {
                let (column, transform) = split_key(key);
                if BUILT_IN_COLUMNS.contains(&column) && transform.is_some() && column != "name" {
                    return invalid(format!(
                        "blocking rule {:?}: {column} takes no transform",
                        rule.name
                    ));
                }
                match transform {
                    None | Some("exact" | "loose" | "skeleton" | "phonetic") => {}
                    Some("pairs" | "token_initial") if column == "name" => {}
                    Some(t)
                        if t.strip_prefix("first:")
                            .is_some_and(|n| n.parse::<usize>().is_ok_and(|n| n > 0)) => {}
                    Some(t) => {
                        return invalid(format!(
                            "blocking rule {:?}: unknown transform {t:?} (exact, loose, skeleton, phonetic, first:N)",
                            rule.name
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The columns the comparisons and blocking rules read, other than the built-in ones,
    /// in first-use order.
    pub fn columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = Vec::new();
        let mut add = |column: &str| {
            if !BUILT_IN_COLUMNS.contains(&column) && !columns.iter().any(|c| c == column) {
                columns.push(column.to_string());
            }
        };
        for comparison in &self.comparisons {
            if let Some(column) = &comparison.column {
                add(column);
            }
        }
        for rule in &self.blocking {
            for key in &rule.keys {
                add(split_key(key).0);
            }
        }
        columns
    }
}

/// `column:transform` → (column, transform).
pub(crate) fn split_key(key: &str) -> (&str, Option<&str>) {
    match key.split_once(':') {
        Some((column, transform)) => (column.trim(), Some(transform.trim())),
        None => (key.trim(), None),
    }
}

impl Default for Settings {
    /// The standard list fields: the person's name across scripts, the father's name, sex,
    /// birth year, event date and place; blocking on name keys, surname stems and the
    /// father's name with birth year.
    fn default() -> Settings {
        let comparison = |name: &str, kind: Kind, term_frequency: bool| ComparisonSpec {
            name: name.to_string(),
            kind,
            column: None,
            scale: Scale::default(),
            term_frequency,
        };
        let rule = |name: &str, keys: &[&str], max_block: Option<usize>| BlockingSpec {
            name: name.to_string(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            max_block,
        };
        // One name token with the date is a broad net: worth it on small lists, skipped
        // where a token and a day hold dozens of namesakes.
        let broad = Some(30);
        Settings {
            threshold: default_threshold(),
            review_from: default_review_from(),
            support: default_support(),
            one_record_per_list: false,
            max_block: default_max_block(),
            split_above: default_split_above(),
            seed: default_seed(),
            text_columns: Vec::new(),
            comparisons: vec![
                comparison("name", Kind::PersonName, false),
                comparison("father", Kind::Father, false),
                comparison("sex", Kind::Sex, false),
                comparison("birth_year", Kind::BirthYear, false),
                comparison("event_date", Kind::EventDate, false),
                comparison("place", Kind::Place, false),
            ],
            blocking: vec![
                rule("two name tokens", &["name:pairs"], None),
                rule(
                    "name token and another's initial",
                    &["name:token_initial"],
                    None,
                ),
                rule(
                    "name token and event date",
                    &["name:loose", "event_date"],
                    broad,
                ),
                rule(
                    "name skeleton and event date",
                    &["name:skeleton", "event_date"],
                    broad,
                ),
                rule(
                    "name sound and event date",
                    &["name:phonetic", "event_date"],
                    broad,
                ),
                rule(
                    "surname stem and event date",
                    &["surname_stem", "event_date"],
                    broad,
                ),
                rule(
                    "father's name and birth year",
                    &["father", "birth_year"],
                    None,
                ),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_and_refuses_mistakes() {
        let settings = Settings::from_toml(
            r#"
            threshold = 0.95
            [[comparison]]
            name = "surname"
            kind = "text"
            column = "surname"
            term_frequency = true
            [[comparison]]
            name = "dob"
            kind = "text"
            column = "date_of_birth"
            scale = "edits"
            [[blocking]]
            name = "postcode"
            keys = ["postcode", "surname:first:2"]
            "#,
        )
        .unwrap();
        assert_eq!(settings.threshold, 0.95);
        assert_eq!(Settings::default().threshold, 0.7);
        assert_eq!(settings.review_from, 0.3);
        assert_eq!(settings.comparisons[1].scale, Scale::Edits);
        assert_eq!(settings.columns(), ["surname", "date_of_birth", "postcode"]);
        for (text, needle) in [
            (
                "[[comparison]]\nname = \"x\"\nkind = \"text\"\n[[blocking]]\nname = \"b\"\nkeys = [\"x\"]",
                "need a column",
            ),
            (
                "[[comparison]]\nname = \"x\"\nkind = \"person_name\"\n[[blocking]]\nname = \"b\"\nkeys = [\"x:soundex\"]",
                "unknown transform",
            ),
            (
                "[[comparison]]\nname = \"x\"\nkind = \"colour\"\n[[blocking]]\nname = \"b\"\nkeys = [\"x\"]",
                "unknown variant",
            ),
            (
                "trheshold = 1\n[[comparison]]\nname = \"x\"\nkind = \"sex\"\n[[blocking]]\nname = \"b\"\nkeys = [\"x\"]",
                "unknown field",
            ),
        ] {
            let error = Settings::from_toml(text).unwrap_err().to_string();
            assert!(error.contains(needle), "{error}");
        }
    }
}
