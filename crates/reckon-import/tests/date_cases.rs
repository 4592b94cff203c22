//! Every date form, from `tests/cases/dates.toml` (issue 3): each case names its rule.

use serde::Deserialize;

#[derive(Deserialize)]
struct Cases {
    date: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    text: String,
    expect: String,
    rule: String,
}

#[test]
fn every_date_form_parses_with_its_precision() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/dates.toml");
    let cases: Cases =
        toml::from_str(&std::fs::read_to_string(path).expect("case file")).expect("valid TOML");
    assert!(cases.date.len() > 100);
    let failures: Vec<String> = cases
        .date
        .iter()
        .filter_map(|case| {
            let got = reckon_import::parse_date(&case.text)
                .map_or_else(|| "none".to_string(), |d| d.to_string());
            (got != case.expect).then(|| {
                format!(
                    "{:?} gave {got}, expected {} ({})",
                    case.text, case.expect, case.rule
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
