//! Data-driven tests (issue 3): the TOML files under `tests/cases/` hold the spelling
//! variation groups of `transliteration.md` §1.4 and §3.2, namesakes that must stay apart,
//! whole-name parsing and compound names; each case names the rule it comes from.

use std::collections::BTreeSet;

use reckon_names::{
    NormalizedName, Role, SexEvidence, clean, normalize, phonetic_codes, strict_key,
};
use serde::Deserialize;

fn load<T: for<'de> Deserialize<'de>>(file: &str) -> T {
    let path = format!("{}/tests/cases/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[derive(Deserialize)]
struct Groups {
    group: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    rule: String,
    key: String,
    names: Vec<String>,
}

/// The blocking keys of a single-token name: loose keys, skeleton keys, DM codes.
fn blocking_keys(name: &NormalizedName) -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = name.loose_keys().iter().map(|k| format!("l:{k}")).collect();
    keys.extend(name.skeleton_keys().iter().map(|k| format!("s:{k}")));
    keys.extend(name.phonetic_keys().iter().map(|k| format!("p:{k}")));
    keys
}

#[test]
fn variation_groups_share_a_key() {
    let groups: Groups = load("variation_groups.toml");
    assert!(groups.group.len() >= 40, "every group of §1.4 and §3.2");
    let mut failures = Vec::new();
    for group in &groups.group {
        let parsed: Vec<NormalizedName> = group.names.iter().map(|n| normalize(n).0).collect();
        for i in 0..parsed.len() {
            for j in i + 1..parsed.len() {
                let shared = match group.key.as_str() {
                    "loose" => parsed[i].shares_loose_key(&parsed[j]),
                    "blocking" => {
                        !blocking_keys(&parsed[i]).is_disjoint(&blocking_keys(&parsed[j]))
                    }
                    other => panic!("{}: unknown key kind {other}", group.rule),
                };
                if !shared {
                    failures.push(format!(
                        "{} / {} ({}: {:?} / {:?})",
                        group.names[i],
                        group.names[j],
                        group.rule,
                        blocking_keys(&parsed[i]),
                        blocking_keys(&parsed[j])
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[derive(Deserialize)]
struct Apart {
    apart: Vec<ApartCase>,
}

#[derive(Deserialize)]
struct ApartCase {
    rule: String,
    names: Vec<String>,
}

#[test]
fn namesakes_stay_apart_at_the_strict_level() {
    let cases: Apart = load("apart.toml");
    for case in &cases.apart {
        let keys: Vec<String> = case.names.iter().map(|n| strict_key(&clean(n))).collect();
        let distinct: BTreeSet<&String> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len(), "{}: {keys:?}", case.rule);
    }
}

#[derive(Deserialize)]
struct Names {
    name: Vec<NameCase>,
}

#[derive(Deserialize)]
struct NameCase {
    rule: String,
    name: String,
    father: Option<String>,
    sex: Option<String>,
    roles: Option<Vec<String>>,
    stripped: Option<bool>,
}

#[test]
fn names_parse_by_their_endings() {
    let cases: Names = load("parsing.toml");
    for case in &cases.name {
        let (parsed, warnings) = normalize(&case.name);
        let context = format!("{} ({})", case.name, case.rule);
        if let Some(father) = &case.father {
            assert_eq!(parsed.father_key(), Some(father.as_str()), "{context}");
        }
        if let Some(sex) = &case.sex {
            let expected = match sex.as_str() {
                "male" => Some(SexEvidence::Male),
                "female" => Some(SexEvidence::Female),
                "none" => None,
                other => panic!("{context}: unknown sex {other}"),
            };
            assert_eq!(parsed.sex(), expected, "{context}");
        }
        if let Some(roles) = &case.roles {
            let found: Vec<&str> = parsed
                .tokens()
                .iter()
                .map(|t| match t.role() {
                    Role::Surname => "surname",
                    Role::Patronymic => "patronymic",
                    Role::Initial => "initial",
                    Role::Unknown => "given",
                })
                .collect();
            assert_eq!(found, *roles, "{context}");
        }
        if let Some(stripped) = case.stripped {
            let any = warnings
                .iter()
                .any(|w| matches!(w, reckon_names::Warning::Stripped(_)));
            assert_eq!(any, stripped, "{context}: {warnings:?}");
        }
    }
}

#[derive(Deserialize)]
struct Compounds {
    compound: Vec<CompoundCase>,
}

#[derive(Deserialize)]
struct CompoundCase {
    rule: String,
    names: Vec<String>,
}

#[test]
fn compound_names_meet_however_written() {
    let cases: Compounds = load("compounds.toml");
    for case in &cases.compound {
        let parsed: Vec<NormalizedName> = case.names.iter().map(|n| normalize(n).0).collect();
        for i in 0..parsed.len() {
            for j in i + 1..parsed.len() {
                assert!(
                    parsed[i].shares_loose_key(&parsed[j]),
                    "{} / {} ({}): {:?} / {:?}",
                    case.names[i],
                    case.names[j],
                    case.rule,
                    parsed[i].loose_keys(),
                    parsed[j].loose_keys()
                );
            }
        }
    }
}

#[test]
fn phonetic_codes_need_a_transliteration_first() {
    // transliteration.md §3.2 point 5: DM Soundex has no Cyrillic rules; reckon codes the
    // strict key, so a Cyrillic name and its Latin spelling get codes and share one.
    let cyrillic = phonetic_codes(&strict_key(&clean("Касымов")));
    let latin = phonetic_codes(&strict_key(&clean("Kassymov")));
    assert!(!cyrillic.is_empty() && cyrillic.iter().any(|c| latin.contains(c)));
}
