//! The public export (`reckon export --public`): only persons whose records carry consent
//! to publication, with none of the protected fields, and a manifest of SHA-256 hashes so
//! that anyone can confirm a published file is the original (`docs/security.md`).

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use reckon_store::{Store, StoredRecord};

use crate::Error;

/// How precisely places are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlacePrecision {
    /// The city, when the gazetteer knows it.
    City,
    /// The region only.
    Region,
}

/// What the public export may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicOptions {
    /// Ages as ten-year bands (20–29) rather than years.
    pub age_bands: bool,
    /// Places as cities or regions.
    pub place: PlacePrecision,
}

/// The files of a public export, and what was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicExport {
    /// `(file name, bytes)`: the persons, then the manifest.
    pub files: Vec<(String, Vec<u8>)>,
    /// Persons published.
    pub published: usize,
    /// Persons withheld (no consent to publication on a record kept at a publishable level,
    /// or a refusal on any of their records).
    pub withheld: usize,
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

fn place_of(record: &StoredRecord, precision: PlacePrecision) -> String {
    let Some(place) = record.record.place.as_deref() else {
        return String::new();
    };
    // Unknown places are withheld: a village's name can identify a family.
    let Some(known) = reckon_names::lookup_place(place) else {
        return "unknown".to_string();
    };
    let region = |id: &str| {
        reckon_names::GAZETTEER
            .iter()
            .find(|p| p.id == id)
            .map_or_else(String::new, |p| format!("{} Region", p.latin))
    };
    match (precision, known.kind) {
        (PlacePrecision::City, _) | (PlacePrecision::Region, reckon_names::PlaceKind::Region) => {
            if known.kind == reckon_names::PlaceKind::Region {
                region(known.id)
            } else {
                known.latin.to_string()
            }
        }
        // Cities of republican status are regions of their own.
        (PlacePrecision::Region, reckon_names::PlaceKind::City) => {
            known.region.map_or_else(|| known.latin.to_string(), region)
        }
    }
}

/// Builds the public export from the current link run's persons.
///
/// Whether a record kept at this level may be published at all: `public`, and `internal`
/// (the default of a team's lists) with consent; never `confidential` or `secret`, whatever
/// the consent.
fn publishable_level(level: &str) -> bool {
    matches!(level, "public" | "internal")
}

/// A person is published only if at least one of their records carries consent to
/// publication and none carries a refusal; only consented records kept at a publishable
/// level (its own, else its list's: `public` or `internal`) lend their name, sex, age, date
/// and place, and only such records count among the person's lists. Never published:
/// record and source ids, list names, notes and other columns, contacts, anything of
/// missing-person cases or witnesses.
pub fn public_export(store: &Store, options: PublicOptions) -> Result<PublicExport, Error> {
    let linked = store.current_persons()?.ok_or(Error::NotLinked)?;
    let records: HashMap<i64, StoredRecord> =
        store.records()?.into_iter().map(|r| (r.id, r)).collect();
    let consent = store.consents("publication")?;
    // The level decides for everyone alike: the role does not matter here.
    let levels = crate::accounts::Visibility::load(store, crate::accounts::Role::Administrator)?;
    let publishable = |r: &&StoredRecord| publishable_level(levels.level(r.source_id, r.id));
    let mut csv = String::from("person,name,sex,age,event_date,place,lists\n");
    let (mut published, mut withheld) = (0, 0);
    for ids in &linked.persons {
        let refused = ids.iter().any(|id| consent.get(id) == Some(&false));
        let granted: Vec<&StoredRecord> = ids
            .iter()
            .filter(|id| consent.get(id) == Some(&true))
            .filter_map(|id| records.get(id))
            .filter(publishable)
            .collect();
        if refused || granted.is_empty() {
            withheld += 1;
            continue;
        }
        published += 1;
        let first = |f: &dyn Fn(&StoredRecord) -> Option<String>| {
            granted.iter().find_map(|r| f(r)).unwrap_or_default()
        };
        let name = granted[0].record.display_name();
        let sex = first(&|r| r.record.sex.map(|s| format!("{s:?}").to_lowercase()));
        let age = first(&|r| {
            r.record.age.map(|a| {
                if options.age_bands {
                    let low = a / 10 * 10;
                    format!("{low}-{}", low + 9)
                } else {
                    a.to_string()
                }
            })
        });
        let date = first(&|r| r.record.event_date.map(|d| d.to_string()));
        let place = first(&|r| Some(place_of(r, options.place)).filter(|p| !p.is_empty()));
        let lists: BTreeSet<i64> = ids
            .iter()
            .filter_map(|id| records.get(id))
            .filter(publishable)
            .map(|r| r.source_id)
            .collect();
        let _ = writeln!(
            csv,
            "{published},{},{sex},{age},{date},{},{}",
            csv_field(&name),
            csv_field(&place),
            lists.len()
        );
    }
    let persons = csv.into_bytes();
    let manifest = serde_json::json!({
        "generated_at": reckon_store::now_utc(),
        "link_run": linked.link_run_id,
        "persons_published": published,
        "persons_withheld": withheld,
        "age_bands": options.age_bands,
        "place_precision": match options.place {
            PlacePrecision::City => "city",
            PlacePrecision::Region => "region",
        },
        "files": [{
            "name": "persons.csv",
            "bytes": persons.len(),
            "sha256": reckon_import::sha256_hex(&persons),
        }],
        "check": "sha256sum persons.csv must print the sha256 above",
    });
    let manifest = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| Error::BadInput(format!("writing the manifest: {e}")))?;
    Ok(PublicExport {
        files: vec![
            ("persons.csv".to_string(), persons),
            ("manifest.json".to_string(), manifest),
        ],
        published,
        withheld,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 7: every combination of consent (none, given, refused) and level (the list's,
    /// or the record's own) on one record of a person, with another record of the person
    /// left without consent: the person is published exactly when the record is consented
    /// and kept at a publishable level; a record that is not publishable lends nothing,
    /// not even to the count of lists.
    /// The lists of a person's records kept at a publishable level.
    fn lists(store: &Store, person: &[i64]) -> usize {
        let levels =
            crate::accounts::Visibility::load(store, crate::accounts::Role::Administrator).unwrap();
        store
            .records_by_ids(person)
            .unwrap()
            .iter()
            .filter(|r| publishable_level(levels.level(r.source_id, r.id)))
            .map(|r| r.source_id)
            .collect::<BTreeSet<_>>()
            .len()
    }

    #[test]
    fn consent_and_level_decide_together_for_every_combination() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = crate::demo::demo_store(dir.path(), 11, 120);
        let records: HashMap<i64, StoredRecord> = store
            .records()
            .unwrap()
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let person = store
            .current_persons()
            .unwrap()
            .unwrap()
            .persons
            .into_iter()
            .find(|p| p.len() >= 2 && records[&p[0]].source_id != records[&p[1]].source_id)
            .expect("a person on two lists");
        let (a, b) = (person[0], person[1]);
        let options = PublicOptions {
            age_bands: false,
            place: PlacePrecision::City,
        };
        let source_level = store
            .sources()
            .unwrap()
            .into_iter()
            .find(|s| s.id == records[&a].source_id)
            .unwrap()
            .confidentiality;
        let mut n_checked = 0;
        for consent in [None, Some(true), Some(false)] {
            for own_level in [
                None,
                Some("public"),
                Some("internal"),
                Some("confidential"),
                Some("secret"),
            ] {
                // Newest rows decide: a fresh "no decision" is not expressible, so the
                // combinations without consent come first.
                if let Some(granted) = consent {
                    store
                        .add_consent(a, "publication", granted, None, "test")
                        .unwrap();
                }
                if let Some(level) = own_level {
                    store.set_record_level(a, level, None, "test").unwrap();
                } else if consent.is_some() {
                    // Back to the list's level, set explicitly.
                    store
                        .set_record_level(a, &source_level, None, "test")
                        .unwrap();
                }
                let level = own_level.unwrap_or(&source_level);
                let export = public_export(&store, options).unwrap();
                let csv = String::from_utf8(export.files[0].1.clone()).unwrap();
                let expected = consent == Some(true) && matches!(level, "public" | "internal");
                assert_eq!(
                    export.published,
                    usize::from(expected),
                    "consent {consent:?}, level {level}: {csv}"
                );
                if expected {
                    let row = csv.lines().nth(1).unwrap();
                    assert!(
                        row.ends_with(&format!(",{}", lists(&store, &person))),
                        "{row}"
                    );
                }
                for source in store.sources().unwrap() {
                    assert!(!csv.contains(&source.name), "a list's name in {csv}");
                }
                n_checked += 1;
            }
        }
        assert_eq!(n_checked, 15);

        // With b consented too and a secret, b alone speaks for the person.
        store.set_record_level(a, "secret", None, "test").unwrap();
        store
            .add_consent(a, "publication", true, None, "test")
            .unwrap();
        store
            .add_consent(b, "publication", true, None, "test")
            .unwrap();
        let export = public_export(&store, options).unwrap();
        assert_eq!(export.published, 1);
        let csv = String::from_utf8(export.files[0].1.clone()).unwrap();
        let row = csv.lines().nth(1).unwrap();
        let n_lists = lists(&store, &person);
        assert!(
            row.ends_with(&format!(",{n_lists}")),
            "the secret record's list is not counted: {row}"
        );
        let others: BTreeSet<i64> = person[1..].iter().map(|id| records[id].source_id).collect();
        assert_eq!(n_lists, others.len());
        let b_name = records[&b].record.display_name();
        assert!(row.contains(&csv_field(&b_name)), "{row} lacks {b_name}");

        // Whoever asks, no export carries a contact or a witness: the team export for each
        // role and the public export, from a project whose key protects both.
        crate::cases::enable(
            &mut store,
            "project passphrase 1",
            reckon_vault::KdfParams::testing(),
            "test",
        )
        .unwrap();
        let vault = crate::cases::unlock(&store, "project passphrase 1").unwrap();
        let contact = "relative's phone +7 700 555 0199 (synthetic)";
        let witness = "witness Синтетический Свидетель";
        crate::cases::open_case(
            &mut store,
            Some(&vault),
            &crate::cases::CaseRequest {
                sought_name: records[&a].record.display_name(),
                contact: Some(contact.into()),
                ..Default::default()
            },
            "test",
        )
        .unwrap();
        crate::witnesses::add(
            &mut store,
            &vault,
            &crate::witnesses::WitnessRequest {
                identity: witness.into(),
                contact: Some(contact.into()),
                ..Default::default()
            },
            "test",
        )
        .unwrap();
        for role in crate::accounts::Role::ALL {
            for format in [crate::export::Format::Csv, crate::export::Format::Json] {
                let bytes = crate::export::export(&store, format, Some(role)).unwrap();
                let text = String::from_utf8(bytes).unwrap();
                assert!(!text.contains(contact) && !text.contains(witness), "{role}");
                // The secret record only for those who may see secrets.
                if format == crate::export::Format::Csv {
                    let shown = text.lines().any(|l| l.starts_with(&format!("{a},")));
                    assert_eq!(shown, role.may_see("secret"), "{role}");
                }
            }
        }
        let export = public_export(&store, options).unwrap();
        for (_, bytes) in &export.files {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains(contact) && !text.contains(witness));
        }
        assert!(store.verify().unwrap().is_ok());
    }
}
