//! Documenting by hand: the forms for sources, incidents, perpetrators, acts, official
//! figures and claims (corrections with their source and confidence), described once and
//! checked here, for the web pages and the API alike.

use std::collections::HashMap;

use reckon_store::{Cell, Store};

use crate::Error;

/// How a field is entered and checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines.
    LongText,
    /// A whole number, at least the bound.
    Integer {
        /// The smallest allowed.
        min: i64,
    },
    /// A number within bounds.
    Number {
        /// Smallest.
        min: f64,
        /// Largest.
        max: f64,
    },
    /// A date known to the year, month or day (`2022`, `2022-01`, `2022-01-06`), optionally
    /// with a time (`2022-01-06T18:30`).
    Date,
    /// One of these words.
    Choice(&'static [&'static str]),
    /// The id of a row of another documenting form (its slug).
    Reference(&'static str),
    /// The id of a record.
    Record,
}

/// One field of a form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// The column.
    pub name: &'static str,
    /// How it is entered.
    pub kind: FieldKind,
    /// Whether it must be given.
    pub required: bool,
}

/// One documenting form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Form {
    /// In URLs: `/document/{slug}`.
    pub slug: &'static str,
    /// The store's table.
    pub table: &'static str,
    /// The column that names a row in lists and references.
    pub label: &'static str,
    /// Its fields.
    pub fields: &'static [Field],
}

const fn field(name: &'static str, kind: FieldKind, required: bool) -> Field {
    Field {
        name,
        kind,
        required,
    }
}

use FieldKind::*;

/// Every documenting form.
pub const FORMS: &[Form] = &[
    Form {
        slug: "records",
        table: "records",
        label: "name",
        fields: &[
            field("source_id", Reference("sources"), true),
            field("name", Text, true),
            field("sex", Choice(&["M", "F"]), false),
            field("age", Integer { min: 0 }, false),
            field("birth_date", Date, false),
            field("event_date", Date, false),
            field("place", Text, false),
            field(
                "status",
                Choice(&["killed", "wounded", "missing", "detained", "disappeared"]),
                false,
            ),
        ],
    },
    Form {
        slug: "sources",
        table: "sources",
        label: "name",
        fields: &[
            field("name", Text, true),
            field(
                "kind",
                Choice(&[
                    "official",
                    "media",
                    "ngo",
                    "testimony",
                    "morgue",
                    "relatives",
                    "other",
                ]),
                true,
            ),
            field("publisher", Text, false),
            field("published_on", Date, false),
            field("language", Choice(&["kk", "ru", "en", "other"]), false),
            field(
                "reliability",
                Choice(&["A", "B", "C", "D", "E", "F"]),
                false,
            ),
            field(
                "confidentiality",
                Choice(&["internal", "public", "confidential", "secret"]),
                true,
            ),
        ],
    },
    Form {
        slug: "incidents",
        table: "incidents",
        label: "title",
        fields: &[
            field("title", Text, true),
            field("description", LongText, false),
            field("starts_at", Date, false),
            field("ends_at", Date, false),
            field(
                "time_precision",
                Choice(&["day", "hour", "minute", "month", "year"]),
                false,
            ),
            field("place_id", Reference("places"), false),
            field(
                "place_precision",
                Choice(&["exact", "street", "district", "city", "region", "country"]),
                false,
            ),
        ],
    },
    Form {
        slug: "perpetrators",
        table: "perpetrators",
        label: "name",
        fields: &[
            field("kind", Choice(&["unit", "office", "official"]), true),
            field("name", Text, true),
            field("parent_id", Reference("perpetrators"), false),
        ],
    },
    Form {
        slug: "acts",
        table: "acts",
        label: "kind",
        fields: &[
            field("incident_id", Reference("incidents"), true),
            field("victim_record_id", Record, true),
            field(
                "kind",
                Choice(&[
                    "killed",
                    "wounded",
                    "detained",
                    "tortured",
                    "disappeared",
                    "body_withheld",
                    "buried_without_consent",
                ]),
                true,
            ),
            field("perpetrator_id", Reference("perpetrators"), false),
        ],
    },
    Form {
        slug: "official-figures",
        table: "official_figures",
        label: "figure",
        fields: &[
            field("figure", Integer { min: 0 }, true),
            field("counts_what", Text, true),
            field("area", Text, false),
            field("period_start", Date, false),
            field("period_end", Date, false),
            field("announced_by", Text, true),
            field("announced_on", Date, true),
            field("source_id", Reference("sources"), false),
            field("source_url", Text, false),
            field("note", LongText, false),
        ],
    },
    Form {
        slug: "claims",
        table: "claims",
        label: "field",
        fields: &[
            field(
                "subject_kind",
                Choice(&[
                    "record",
                    "incident",
                    "act",
                    "place",
                    "perpetrator",
                    "missing_case",
                ]),
                true,
            ),
            field("subject_id", Integer { min: 1 }, true),
            field("field", Text, true),
            field("value", Text, true),
            field("source_id", Reference("sources"), false),
            field("confidence", Number { min: 0.0, max: 1.0 }, true),
            field("supersedes", Reference("claims"), false),
        ],
    },
];

/// The form with this slug.
pub fn form(slug: &str) -> Result<&'static Form, Error> {
    FORMS
        .iter()
        .find(|f| f.slug == slug)
        .ok_or_else(|| Error::NotFound(format!("no form {slug}")))
}

fn is_date(text: &str) -> bool {
    let (date, time) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let date_ok = date.parse::<reckon_model::PartialDate>().is_ok()
        && date.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    let time_ok = time.is_none_or(|t| {
        let parts: Vec<&str> = t.split(':').collect();
        (2..=3).contains(&parts.len())
            && parts
                .iter()
                .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
    });
    date_ok && time_ok
}

/// Checks a filled form (field → text as typed) and turns it into the store's values; every
/// problem is named with its field.
pub fn check(
    form: &Form,
    input: &HashMap<String, String>,
) -> Result<Vec<(&'static str, Cell)>, Error> {
    let mut values = Vec::new();
    let mut problems = Vec::new();
    for field in form.fields {
        let text = input
            .get(field.name)
            .map(|t| t.trim())
            .filter(|t| !t.is_empty());
        let Some(text) = text else {
            if field.required {
                problems.push(format!("{} is required", field.name));
            }
            continue;
        };
        if text.chars().count() > 10_000 {
            problems.push(format!("{} is longer than 10,000 characters", field.name));
            continue;
        }
        let cell = match field.kind {
            Text | LongText => Ok(Cell::Text(text.to_string())),
            Integer { min } => match text.parse::<i64>() {
                Ok(n) if n >= min => Ok(Cell::Integer(n)),
                _ => Err(format!("{} must be a whole number from {min}", field.name)),
            },
            Number { min, max } => match text.replace(',', ".").parse::<f64>() {
                Ok(x) if (min..=max).contains(&x) => Ok(Cell::Real(x)),
                _ => Err(format!(
                    "{} must be a number from {min} to {max}",
                    field.name
                )),
            },
            Date => {
                if is_date(text) {
                    Ok(Cell::Text(text.to_string()))
                } else {
                    Err(format!(
                        "{} {text:?} is not a date such as 2022, 2022-01, 2022-01-06 or 2022-01-06T18:30",
                        field.name
                    ))
                }
            }
            Choice(options) => {
                if options.contains(&text) {
                    Ok(Cell::Text(text.to_string()))
                } else {
                    Err(format!(
                        "{} must be one of {}",
                        field.name,
                        options.join(", ")
                    ))
                }
            }
            Reference(_) | Record => match text.trim_start_matches(['r', 'R']).parse::<i64>() {
                Ok(n) if n > 0 => Ok(Cell::Integer(n)),
                _ => Err(format!("{} must be an id", field.name)),
            },
        };
        match cell {
            Ok(cell) => values.push((field.name, cell)),
            Err(problem) => problems.push(problem),
        }
    }
    if let Some(unknown) = input
        .keys()
        .find(|k| *k != "csrf" && !form.fields.iter().any(|f| f.name == k.as_str()))
    {
        problems.push(format!("{unknown} is not a field of this form"));
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(Error::BadInput(problems.join("; ")))
    }
}

/// Checks and stores a filled form; returns the new row's id.
pub fn add(
    store: &mut Store,
    slug: &str,
    input: &HashMap<String, String>,
    actor: &str,
) -> Result<i64, Error> {
    let form = form(slug)?;
    let values = check(form, input)?;
    if form.table == "records" {
        return add_record(store, &values, actor);
    }
    let values: Vec<(&str, Cell)> = values.into_iter().collect();
    Ok(store.add_document(form.table, &values, actor)?)
}

/// A record typed by hand, as a list row would give it.
fn add_record(store: &mut Store, values: &[(&str, Cell)], actor: &str) -> Result<i64, Error> {
    let text = |name: &str| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| match v {
                Cell::Text(t) => Some(t.clone()),
                Cell::Integer(n) => Some(n.to_string()),
                _ => None,
            })
    };
    let source_id: i64 = text("source_id")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::BadInput("source_id is required".into()))?;
    let date = |name: &str| -> Result<Option<reckon_model::PartialDate>, Error> {
        text(name)
            .map(|d| {
                d.parse::<reckon_model::PartialDate>()
                    .map_err(|_| Error::BadInput(format!("{name} {d:?} is not a date")))
            })
            .transpose()
    };
    let age = text("age").and_then(|a| a.parse::<u16>().ok());
    if age.is_some_and(|a| a > 130) {
        return Err(Error::BadInput("age must be from 0 to 130".into()));
    }
    let record = reckon_model::ListRecord {
        name: text("name"),
        sex: text("sex").and_then(|s| s.parse().ok()),
        age,
        birth_date: date("birth_date")?,
        event_date: date("event_date")?,
        place: text("place"),
        status: text("status").map(|s| reckon_model::Status::parse(&s)),
        ..reckon_model::ListRecord::default()
    };
    let id = store.add_record(source_id, &record, actor)?;
    crate::search::refresh_index(store)?;
    Ok(id)
}

/// The newest rows of a form's table, as text: column names and rows.
pub fn list(
    store: &Store,
    slug: &str,
    limit: usize,
) -> Result<(Vec<String>, Vec<Vec<String>>), Error> {
    let form = form(slug)?;
    if form.table == "records" {
        let columns = ["id", "source", "name", "event_date", "place", "created_at"];
        return Ok((
            columns.iter().map(|c| c.to_string()).collect(),
            store.manual_records(limit)?,
        ));
    }
    let (columns, rows) = store.documents(form.table, limit)?;
    let rows = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|cell| match cell {
                    Cell::Null => String::new(),
                    Cell::Text(t) => t,
                    Cell::Integer(n) => n.to_string(),
                    Cell::Real(x) => x.to_string(),
                })
                .collect()
        })
        .collect();
    Ok((columns, rows))
}

/// The choices for a reference field: (id, label) of the newest rows it may point at.
pub fn choices(store: &Store, slug: &str) -> Result<Vec<(String, String)>, Error> {
    if slug == "places" {
        return Ok(store
            .places()?
            .into_iter()
            .map(|p| {
                (
                    p.id.to_string(),
                    format!("{} ({})", p.place.name, p.place.kind),
                )
            })
            .collect());
    }
    let form = form(slug)?;
    let (columns, rows) = list(store, slug, 500)?;
    let label = columns.iter().position(|c| c == form.label).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|row| (row[0].clone(), format!("{} · {}", row[0], row[label])))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn each_form_checks_its_fields_and_stores_with_an_audit_entry() {
        let mut store = Store::open_in_memory().unwrap();
        let source = add(
            &mut store,
            "sources",
            &input(&[
                ("name", "Testimony of a synthetic witness"),
                ("kind", "testimony"),
                ("confidentiality", "confidential"),
                ("published_on", "2022-01-20"),
            ]),
            "doc",
        )
        .unwrap();
        let incident = add(
            &mut store,
            "incidents",
            &input(&[
                ("title", "Shooting at a square (synthetic)"),
                ("starts_at", "2022-01-06T18:30"),
                ("time_precision", "hour"),
            ]),
            "doc",
        )
        .unwrap();
        let unit = add(
            &mut store,
            "perpetrators",
            &input(&[("kind", "unit"), ("name", "Unit X (synthetic)")]),
            "doc",
        )
        .unwrap();
        add(
            &mut store,
            "official-figures",
            &input(&[
                ("figure", "238"),
                ("counts_what", "deaths"),
                ("announced_by", "Prosecutor General's Office"),
                ("announced_on", "2022-01"),
                ("source_id", &source.to_string()),
            ]),
            "doc",
        )
        .unwrap();
        add(
            &mut store,
            "claims",
            &input(&[
                ("subject_kind", "incident"),
                ("subject_id", &incident.to_string()),
                ("field", "perpetrator"),
                ("value", &unit.to_string()),
                ("source_id", &source.to_string()),
                ("confidence", "0.6"),
            ]),
            "doc",
        )
        .unwrap();
        // Every problem is named with its field.
        let wrong = add(
            &mut store,
            "incidents",
            &input(&[
                ("starts_at", "6 Jan"),
                ("time_precision", "week"),
                ("place_id", "x"),
                ("colour", "red"),
            ]),
            "doc",
        );
        let Err(Error::BadInput(message)) = wrong else {
            panic!("{wrong:?}")
        };
        for part in [
            "title is required",
            "starts_at",
            "time_precision must be one of",
            "place_id must be an id",
            "colour is not a field",
        ] {
            assert!(message.contains(part), "{part}: {message}");
        }
        // A record typed by hand goes to a source without a file, and is found by search.
        let record = add(
            &mut store,
            "records",
            &input(&[
                ("source_id", &source.to_string()),
                ("name", "Сейтов Ерлан (synthetic)"),
                ("sex", "M"),
                ("age", "29"),
                ("event_date", "2022-01-06"),
                ("status", "killed"),
            ]),
            "doc",
        )
        .unwrap();
        let hits = crate::search::search(&store, "Seitov Erlan", 5).unwrap();
        assert_eq!(hits[0].record_id, record);
        assert_eq!(
            list(&store, "records", 5).unwrap().1[0][0],
            record.to_string()
        );
        // A reference to nothing is refused by the store.
        let dangling = add(
            &mut store,
            "acts",
            &input(&[
                ("incident_id", "99"),
                ("victim_record_id", "r5"),
                ("kind", "killed"),
            ]),
            "doc",
        );
        assert!(
            matches!(
                dangling,
                Err(Error::Store(reckon_store::Error::Conflict(_)))
            ),
            "{dangling:?}"
        );
        let (columns, rows) = list(&store, "official-figures", 10).unwrap();
        assert_eq!(columns[1], "figure");
        assert_eq!(rows[0][1], "238");
        assert_eq!(
            choices(&store, "perpetrators").unwrap()[0].0,
            unit.to_string()
        );
        assert!(store.verify().unwrap().is_ok());
    }
}
