//! `reckon search` and `reckon show`.

use std::fmt::Write as _;

use crate::commands::print_all;

use reckon_service::search::{Shown, search, show};
use reckon_store::StoredRecord;

use crate::args::{Global, OutputFormat, SearchArgs, ShowArgs};
use crate::commands::{count, open};

pub(crate) fn run_search(global: &Global, args: &SearchArgs) -> anyhow::Result<()> {
    let store = open(global)?;
    let hits = search(&store, &args.query, args.limit)?;
    let mut out = String::new();
    match args.format {
        OutputFormat::Json => {
            let rows: Vec<serde_json::Value> = hits
                .iter()
                .map(|h| {
                    serde_json::json!({
                        "score": (h.score * 1000.0).round() / 1000.0,
                        "record": format!("r{}", h.record_id),
                        "person": h.person.map(|p| format!("p{p}")),
                        "source": h.source,
                        "name": h.name,
                        "event_date": h.event_date,
                        "place": h.place,
                    })
                })
                .collect();
            let _ = writeln!(out, "{}", serde_json::to_string_pretty(&rows)?);
        }
        OutputFormat::Text => {
            if hits.is_empty() {
                let _ = writeln!(out, "no record matches {:?}", args.query);
            } else {
                let _ = writeln!(
                    out,
                    "{} for {:?} (best first):",
                    count(hits.len(), "record", "records"),
                    args.query
                );
            }
            for hit in &hits {
                let person = hit
                    .person
                    .map_or_else(|| "-".to_string(), |p| format!("p{p}"));
                let _ = writeln!(
                    out,
                    "  {:>4.0}%  r{:<6} {:<6} {}  [{}{}{}]",
                    hit.score * 100.0,
                    hit.record_id,
                    person,
                    hit.name,
                    hit.source,
                    hit.event_date
                        .as_deref()
                        .map_or_else(String::new, |d| format!(", {d}")),
                    hit.place
                        .as_deref()
                        .map_or_else(String::new, |p| format!(", {p}")),
                );
            }
        }
    }
    print_all(&out)
}

fn describe(record: &StoredRecord) -> String {
    let r = &record.record;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "r{} from {} (row {}, id {:?})",
        record.id, record.source_name, r.row, r.record_id
    );
    let fields: [(&str, Option<String>); 8] = [
        ("name", Some(r.display_name())),
        ("sex", r.sex.map(|s| format!("{s:?}").to_lowercase())),
        ("age", r.age.map(|a| a.to_string())),
        ("birth_date", r.birth_date.map(|d| d.to_string())),
        ("event_date", r.event_date.map(|d| d.to_string())),
        ("place", r.place.clone()),
        (
            "status",
            r.status.as_ref().map(|s| format!("{s:?}").to_lowercase()),
        ),
        ("source", r.source.clone()),
    ];
    for (label, value) in fields {
        if let Some(value) = value {
            let _ = writeln!(out, "  {label:<11} {value}");
        }
    }
    if let Some(place) = r
        .place
        .as_deref()
        .and_then(reckon_service::search::known_place)
    {
        let _ = writeln!(
            out,
            "  {:<11} {} / {} / {}",
            "place is", place.latin, place.kazakh, place.russian
        );
    }
    for (key, value) in &r.attributes {
        let _ = writeln!(out, "  {key:<11} {value}");
    }
    out
}

pub(crate) fn run_show(global: &Global, args: &ShowArgs) -> anyhow::Result<()> {
    let store = open(global)?;
    let mut out = String::new();
    match show(&store, &args.id)? {
        Shown::Person {
            number,
            records,
            links,
        } => {
            let _ = writeln!(
                out,
                "person p{number}: {} from {}",
                count(records.len(), "record", "records"),
                count(
                    records
                        .iter()
                        .map(|r| r.source_id)
                        .collect::<std::collections::BTreeSet<_>>()
                        .len(),
                    "list",
                    "lists"
                )
            );
            for record in &records {
                out.push_str(&describe(record));
            }
            if !links.is_empty() {
                let _ = writeln!(out, "why together:");
            }
            for link in &links {
                let pair = format!("r{} and r{}", link.record_a, link.record_b);
                if link.by_reviewer {
                    let _ = writeln!(
                        out,
                        "  {pair}: {} by {}{}",
                        if link.decision == "match" {
                            "same person"
                        } else {
                            "different persons"
                        },
                        link.reviewer.as_deref().unwrap_or("a reviewer"),
                        link.reason
                            .as_deref()
                            .map_or_else(String::new, |r| format!(" ({r})"))
                    );
                    continue;
                }
                let mut parts: Vec<(String, f64)> = link
                    .weights
                    .as_deref()
                    .and_then(|w| serde_json::from_str::<serde_json::Value>(w).ok())
                    .and_then(|v| v.as_array().cloned())
                    .unwrap_or_default()
                    .iter()
                    .filter(|c| c["field"] != "prior" && c["bits"].as_f64() != Some(0.0))
                    .map(|c| {
                        (
                            format!(
                                "{} {}",
                                c["field"].as_str().unwrap_or_default(),
                                c["level"].as_str().unwrap_or_default()
                            ),
                            c["bits"].as_f64().unwrap_or(0.0),
                        )
                    })
                    .collect();
                parts.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
                let why: Vec<String> = parts
                    .iter()
                    .take(4)
                    .map(|(label, bits)| format!("{label} {bits:+.1}"))
                    .collect();
                let _ = writeln!(
                    out,
                    "  {pair}: {} by the model, probability {:.3} ({})",
                    match link.decision.as_str() {
                        "match" => "linked",
                        "review" => "left for review",
                        _ => "kept apart",
                    },
                    link.probability.unwrap_or(0.0),
                    why.join(", ")
                );
            }
        }
        Shown::Record { record, person } => {
            out.push_str(&describe(&record));
            let _ = match person {
                Some(p) => writeln!(out, "  {:<11} p{p} (reckon show p{p})", "person"),
                None => writeln!(out, "  {:<11} not linked yet", "person"),
            };
        }
    }
    print_all(&out)
}
