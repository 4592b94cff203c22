//! The embedded name list, parsed once.

use std::sync::OnceLock;

/// One row of `data/names.csv`.
#[derive(Debug, Clone)]
pub(crate) struct NameRow {
    pub(crate) category: String,
    pub(crate) name: String,
    pub(crate) name_ru: String,
    pub(crate) latin: String,
    pub(crate) sex: String,
    pub(crate) feminine_form: String,
    pub(crate) weight: f64,
}

const NAMES_CSV: &str = include_str!("../data/names.csv");

/// Every row, parsed on first use.
pub(crate) fn rows() -> &'static [NameRow] {
    static ROWS: OnceLock<Vec<NameRow>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let mut reader = csv::Reader::from_reader(NAMES_CSV.as_bytes());
        reader
            .records()
            .filter_map(Result::ok)
            .map(|row| {
                let field = |i: usize| row.get(i).unwrap_or("").to_string();
                let official: f64 = field(6).parse().unwrap_or(0.0);
                let corpus: f64 = field(7).parse().unwrap_or(0.0);
                // Known counts weigh more; unknown names get a flat weight (see the data README).
                let weight = if official > 0.0 {
                    1.0 + (official / 5_000.0).min(12.0)
                } else if corpus > 0.0 {
                    1.0 + (corpus / 2_000.0).min(4.0)
                } else {
                    1.0
                };
                NameRow {
                    category: field(0),
                    name: field(1),
                    name_ru: field(2),
                    latin: field(3),
                    sex: field(4),
                    feminine_form: field(5),
                    weight,
                }
            })
            .collect()
    })
}

/// Rows of one category, optionally of one sex (`B` rows serve both).
pub(crate) fn select(category: &str, sex: Option<&str>) -> Vec<&'static NameRow> {
    rows()
        .iter()
        .filter(|r| r.category == category)
        .filter(|r| sex.is_none_or(|s| r.sex == s || r.sex == "B"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_list_is_complete() {
        assert_eq!(super::rows().len(), 1252);
        assert!(!super::select("kk_given", Some("F")).is_empty());
    }
}
