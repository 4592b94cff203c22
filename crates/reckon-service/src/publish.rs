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
    /// Persons withheld (no consent to publication, or a refusal on any of their records).
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
/// A person is published only if at least one of their records carries consent to
/// publication and none carries a refusal; only consented records lend their name, sex,
/// age, date and place. Never published: record and source ids, list names, notes and other
/// columns, contacts, anything of missing-person cases.
pub fn public_export(store: &Store, options: PublicOptions) -> Result<PublicExport, Error> {
    let linked = store.current_persons()?.ok_or(Error::NotLinked)?;
    let records: HashMap<i64, StoredRecord> =
        store.records()?.into_iter().map(|r| (r.id, r)).collect();
    let consent = store.consents("publication")?;
    let mut csv = String::from("person,name,sex,age,event_date,place,lists\n");
    let (mut published, mut withheld) = (0, 0);
    for ids in &linked.persons {
        let refused = ids.iter().any(|id| consent.get(id) == Some(&false));
        let granted: Vec<&StoredRecord> = ids
            .iter()
            .filter(|id| consent.get(id) == Some(&true))
            .filter_map(|id| records.get(id))
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
