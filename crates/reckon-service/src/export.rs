//! The full export of records, for the team only (the public export is `publish`).

use reckon_store::Store;

use crate::Error;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One CSV row per record.
    Csv,
    /// A JSON array of record objects.
    Json,
}

const COLUMNS: [&str; 17] = [
    "record_id",
    "source",
    "source_record_id",
    "row",
    "person_id",
    "name",
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "age",
    "birth_date",
    "event_date",
    "place",
    "status",
    "attributes",
    "full_name",
];

/// Every record with its source and current person, in the chosen format; with a role,
/// only the records that role may see (each at its own level, else its list's).
pub fn export(
    store: &Store,
    format: Format,
    role: Option<crate::accounts::Role>,
) -> Result<Vec<u8>, Error> {
    let mut records = store.records()?;
    if let Some(role) = role {
        let visible = crate::accounts::Visibility::load(store, role)?;
        records.retain(|r| visible.may_see(r.source_id, r.id));
        for record in &mut records {
            visible.redact(record);
        }
    }
    let person_of: std::collections::HashMap<i64, usize> = store
        .current_persons()?
        .map(|linked| {
            linked
                .persons
                .into_iter()
                .enumerate()
                .flat_map(|(p, members)| members.into_iter().map(move |id| (id, p + 1)))
                .collect()
        })
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = records
        .iter()
        .map(|stored| {
            let r = &stored.record;
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            vec![
                stored.id.to_string(),
                stored.source_name.clone(),
                r.record_id.clone(),
                r.row.to_string(),
                person_of
                    .get(&stored.id)
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
                r.display_name(),
                text(&r.surname),
                text(&r.given_name),
                text(&r.patronymic),
                r.sex.map(|s| s.as_str().to_string()).unwrap_or_default(),
                r.age.map(|a| a.to_string()).unwrap_or_default(),
                r.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                r.event_date.map(|d| d.to_string()).unwrap_or_default(),
                text(&r.place),
                r.status
                    .as_ref()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                serde_json::to_string(&r.attributes).expect("string pairs serialize"),
                text(&r.name),
            ]
        })
        .collect();
    match format {
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            let fail = |e: csv::Error| Error::BadInput(format!("writing CSV: {e}"));
            writer.write_record(COLUMNS).map_err(fail)?;
            for row in &rows {
                writer.write_record(row).map_err(fail)?;
            }
            writer
                .into_inner()
                .map_err(|e| Error::BadInput(format!("writing CSV: {e}")))
        }
        Format::Json => {
            let objects: Vec<serde_json::Value> = rows
                .iter()
                .map(|row| {
                    let map: serde_json::Map<String, serde_json::Value> = COLUMNS
                        .iter()
                        .zip(row)
                        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
                        .collect();
                    serde_json::Value::Object(map)
                })
                .collect();
            let mut bytes = serde_json::to_vec_pretty(&objects).expect("JSON values serialize");
            bytes.push(b'\n');
            Ok(bytes)
        }
    }
}
