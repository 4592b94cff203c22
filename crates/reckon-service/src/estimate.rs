//! Estimation: from a capture-history file, or from the project's linked persons.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::str::FromStr;

use reckon_stats::{
    CaptureHistories, Criterion, Estimate, LcmcrConfig, chapman, dga, independence, lcmcr,
    loglinear,
};
use reckon_store::{NewEstimate, Store};

use crate::Error;

/// An estimation method, as the contract names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Chosen from the data; the output always names the method used.
    Auto,
    /// Chapman's two-list estimator.
    Chapman,
    /// The log-linear model with main effects only (independent lists).
    Independence,
    /// Every hierarchical log-linear model (J ≤ 5), selected by BIC, profile-likelihood interval.
    Loglinear,
    /// Bayesian model averaging over decomposable graphs, as the dga package (3 to 5 lists).
    Dga,
    /// The Bayesian latent-class model LCMCR (Manrique-Vallier 2016), K = 10, 4 chains.
    Lcmcr,
}

impl FromStr for Method {
    type Err = Error;

    fn from_str(text: &str) -> Result<Method, Error> {
        Ok(match text.trim().to_lowercase().as_str() {
            "auto" => Method::Auto,
            "chapman" => Method::Chapman,
            "independence" => Method::Independence,
            "loglinear" => Method::Loglinear,
            "dga" => Method::Dga,
            "lcmcr" => Method::Lcmcr,
            other => {
                return Err(Error::BadInput(format!(
                    "unknown method `{other}` (expected auto, chapman, independence, loglinear, dga or lcmcr)"
                )));
            }
        })
    }
}

/// How to estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EstimateRequest {
    /// The method.
    pub method: Method,
    /// The interval's level, between 0 and 1.
    pub level: f64,
    /// Seed for sampling methods (lcmcr).
    pub seed: u64,
}

/// A capture-history file: one table, or one per stratum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureFile {
    /// `(stratum, table)`; the stratum is `None` in an unstratified file.
    pub strata: Vec<(Option<String>, CaptureHistories)>,
}

/// Parses the contract's capture-history CSV: list columns of 0/1, then `count`, with an
/// optional first column `stratum`.
pub fn parse_capture_histories(text: &str, name: &str) -> Result<CaptureFile, Error> {
    let bad =
        |line: usize, message: String| Error::BadInput(format!("{name}: line {line}: {message}"));
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines
        .next()
        .ok_or_else(|| bad(1, "the file is empty".to_string()))?;
    let columns: Vec<String> = header
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|c| c.trim().to_string())
        .collect();
    if columns.last().map(|c| c.to_lowercase()) != Some("count".to_string()) {
        return Err(bad(1, "the last column must be `count`".to_string()));
    }
    let stratified = columns[0].eq_ignore_ascii_case("stratum");
    let lists: Vec<String> = columns[usize::from(stratified)..columns.len() - 1].to_vec();
    if lists.is_empty() {
        return Err(bad(1, "no list columns".to_string()));
    }
    let mut strata: BTreeMap<Option<String>, Vec<(u64, u64)>> = BTreeMap::new();
    let mut order: Vec<Option<String>> = Vec::new();
    for (index, line) in lines {
        let line_number = index + 1;
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != columns.len() {
            return Err(bad(
                line_number,
                format!("{} values for {} columns", cells.len(), columns.len()),
            ));
        }
        let stratum = stratified.then(|| cells[0].to_string());
        let mut mask = 0u64;
        for (j, cell) in cells[usize::from(stratified)..cells.len() - 1]
            .iter()
            .enumerate()
        {
            match *cell {
                "1" => mask |= 1 << j,
                "0" => {}
                other => {
                    return Err(bad(
                        line_number,
                        format!("column {}: expected 0 or 1, found `{other}`", lists[j]),
                    ));
                }
            }
        }
        let count: u64 = cells[cells.len() - 1].parse().map_err(|_| {
            bad(
                line_number,
                format!(
                    "count: expected a whole number, found `{}`",
                    cells[cells.len() - 1]
                ),
            )
        })?;
        if mask == 0 {
            if count == 0 {
                continue;
            }
            return Err(bad(
                line_number,
                "the all-zero history cannot be observed".to_string(),
            ));
        }
        if !strata.contains_key(&stratum) {
            order.push(stratum.clone());
        }
        strata.entry(stratum).or_default().push((mask, count));
    }
    let strata = order
        .into_iter()
        .map(|stratum| {
            let cells = strata.remove(&stratum).unwrap_or_default();
            CaptureHistories::new(lists.clone(), cells).map(|table| (stratum, table))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if strata.is_empty() {
        return Err(bad(2, "no capture histories".to_string()));
    }
    Ok(CaptureFile { strata })
}

/// Estimates the total of one table.
pub fn estimate_table(
    table: &CaptureHistories,
    request: &EstimateRequest,
) -> Result<Estimate, Error> {
    if !(0.0 < request.level && request.level < 1.0) {
        return Err(Error::BadInput(format!(
            "--level must be between 0 and 1, not {}",
            request.level
        )));
    }
    let n_lists = table.lists().len();
    match request.method {
        Method::Chapman => Ok(chapman(table, request.level)?),
        Method::Independence => Ok(independence(table, request.level)?),
        Method::Auto => {
            // See docs/design/auto-method.md.
            let (mut estimate, why) = match n_lists {
                2 => (
                    chapman(table, request.level)?,
                    "two lists: only Chapman's estimator is possible",
                ),
                3 => (
                    dga(table, request.level)?,
                    "three lists: dga averages over the possible dependences between lists; LCMCR is weakly identified with so few lists",
                ),
                _ => (
                    lcmcr(
                        table,
                        &LcmcrConfig {
                            seed: request.seed,
                            ..LcmcrConfig::default()
                        },
                        request.level,
                    )?,
                    "four or more lists: LCMCR models people's differing chances of being listed, the main bias of victim lists",
                ),
            };
            estimate
                .warnings
                .push(format!("auto chose {}: {why}", estimate.method));
            Ok(estimate)
        }
        Method::Loglinear => Ok(loglinear(table, Criterion::Bic, request.level)?),
        Method::Dga => Ok(dga(table, request.level)?),
        Method::Lcmcr => Ok(lcmcr(
            table,
            &LcmcrConfig {
                seed: request.seed,
                ..LcmcrConfig::default()
            },
            request.level,
        )?),
    }
}

/// Estimates every stratum and their total. The total's interval adds the strata's
/// half-widths in quadrature on each side, an approximation that treats strata as independent.
pub fn estimate_strata(
    file: &CaptureFile,
    request: &EstimateRequest,
) -> Result<(Estimate, Vec<(String, Estimate)>), Error> {
    if let [(None, table)] = file.strata.as_slice() {
        return Ok((estimate_table(table, request)?, Vec::new()));
    }
    let mut strata = Vec::new();
    for (stratum, table) in &file.strata {
        let name = stratum.clone().unwrap_or_default();
        let estimate = estimate_table(table, request)
            .map_err(|error| Error::BadInput(format!("stratum `{name}`: {error}")))?;
        strata.push((name, estimate));
    }
    let estimate: f64 = strata.iter().map(|(_, e)| e.estimate).sum();
    let observed: u64 = strata.iter().map(|(_, e)| e.observed).sum();
    let below: f64 = strata
        .iter()
        .map(|(_, e)| (e.estimate - e.interval.0).powi(2))
        .sum::<f64>()
        .sqrt();
    let above: f64 = strata
        .iter()
        .map(|(_, e)| (e.interval.1 - e.estimate).powi(2))
        .sum::<f64>()
        .sqrt();
    let first = &strata[0].1;
    let small: Vec<&str> = strata
        .iter()
        .filter(|(_, e)| e.observed < 50)
        .map(|(n, _)| n.as_str())
        .collect();
    let mut warnings = vec!["the total's interval combines the strata's intervals as if strata were independent (an approximation)".to_string()];
    if !small.is_empty() {
        warnings.push(format!(
            "strata with fewer than 50 observed persons give unstable estimates: {}",
            small.join(", ")
        ));
    }
    let total = Estimate {
        method: first.method,
        lists: first.lists.clone(),
        observed,
        estimate,
        interval: ((estimate - below).max(observed as f64), estimate + above),
        level: request.level,
        warnings,
        diagnostics: vec![("strata".to_string(), strata.len() as f64)],
        model: None,
        posterior: Vec::new(),
    };
    Ok((total, strata))
}

/// The contract's JSON object for an estimate.
pub fn to_json(estimate: &Estimate, strata: &[(String, Estimate)]) -> serde_json::Value {
    let one = |e: &Estimate| {
        let diagnostics: serde_json::Map<String, serde_json::Value> = e
            .diagnostics
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::json!(v)))
            .collect();
        serde_json::json!({
            "method": e.method,
            "lists": e.lists,
            "observed": e.observed,
            "estimate": e.estimate,
            "interval": [e.interval.0, e.interval.1],
            "level": e.level,
            "strata": null,
            "model": e.model,
            "posterior": if e.posterior.is_empty() { serde_json::Value::Null } else {
                serde_json::json!(e.posterior.iter().map(|(n, p)| [*n, *p]).collect::<Vec<_>>())
            },
            "diagnostics": diagnostics,
            "warnings": e.warnings,
        })
    };
    let mut value = one(estimate);
    if !strata.is_empty() {
        value["strata"] = serde_json::Value::Array(
            strata
                .iter()
                .map(|(name, e)| {
                    let mut v = one(e);
                    v["stratum"] = serde_json::json!(name);
                    v
                })
                .collect(),
        );
    }
    value
}

/// The estimate as text for a person.
pub fn to_text(estimate: &Estimate, strata: &[(String, Estimate)]) -> String {
    let mut out = String::new();
    let line = |out: &mut String, e: &Estimate, indent: &str| {
        let _ = writeln!(
            out,
            "{indent}method    {} ({} lists: {})",
            e.method,
            e.lists.len(),
            e.lists.join(", ")
        );
        let _ = writeln!(out, "{indent}observed  {}", e.observed);
        let _ = writeln!(out, "{indent}estimate  {:.1}", e.estimate);
        let _ = writeln!(
            out,
            "{indent}interval  [{:.1}, {:.1}] at {}%",
            e.interval.0,
            e.interval.1,
            (e.level * 100.0).round()
        );
    };
    line(&mut out, estimate, "");
    if !strata.is_empty() {
        let _ = writeln!(
            out,
            "\n{:<24} {:>9} {:>10}  interval",
            "stratum", "observed", "estimate"
        );
        for (name, e) in strata {
            let _ = writeln!(
                out,
                "{name:<24} {:>9} {:>10.1}  [{:.1}, {:.1}]",
                e.observed, e.estimate, e.interval.0, e.interval.1
            );
        }
    }
    if !estimate.warnings.is_empty() {
        out.push_str("\nwarnings\n");
        for warning in &estimate.warnings {
            let _ = writeln!(out, "  - {warning}");
        }
    }
    out
}

/// Fields a project estimate can be stratified by.
pub const STRATA_FIELDS: [&str; 3] = ["place", "sex", "event_date"];

/// The project's linked persons as capture histories, one list per source, in one table or
/// one per value of `by` (a person's value is the one most of its records give; persons
/// whose records give none fall in `unknown`).
pub fn project_table(store: &Store, by: Option<&str>) -> Result<(i64, CaptureFile), Error> {
    if let Some(field) = by
        && !STRATA_FIELDS.contains(&field)
    {
        return Err(Error::BadInput(format!(
            "--by {field}: expected one of {}",
            STRATA_FIELDS.join(", ")
        )));
    }
    let linked = store.current_persons()?.ok_or(Error::NotLinked)?;
    let sources = store.sources()?;
    if sources.len() > 20 {
        return Err(Error::BadInput(format!(
            "{} sources; estimation supports at most 20 lists",
            sources.len()
        )));
    }
    let source_index: BTreeMap<i64, usize> =
        sources.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let records: BTreeMap<i64, reckon_store::StoredRecord> =
        store.records()?.into_iter().map(|r| (r.id, r)).collect();
    let mut strata: BTreeMap<Option<String>, Vec<(u64, u64)>> = BTreeMap::new();
    let mut spellings: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for members in &linked.persons {
        let mut mask = 0u64;
        let mut values: BTreeMap<String, (usize, String)> = BTreeMap::new();
        for id in members {
            let Some(record) = records.get(id) else {
                continue;
            };
            if let Some(&j) = source_index.get(&record.source_id) {
                mask |= 1 << j;
            }
            let value = match by {
                Some("place") => record
                    .record
                    .place
                    .as_ref()
                    .and_then(|p| Some((reckon_names::place_key(p)?, p.clone()))),
                Some("sex") => record
                    .record
                    .sex
                    .or_else(|| {
                        match reckon_names::normalize(&record.record.display_name())
                            .0
                            .sex()
                        {
                            Some(reckon_names::SexEvidence::Male) => Some(reckon_model::Sex::Male),
                            Some(reckon_names::SexEvidence::Female) => {
                                Some(reckon_model::Sex::Female)
                            }
                            None => None,
                        }
                    })
                    .map(|s| (s.as_str().to_string(), s.as_str().to_string())),
                Some("event_date") => record
                    .record
                    .event_date
                    .filter(|d| d.precision() == reckon_model::DatePrecision::Day)
                    .map(|d| (d.to_string(), d.to_string())),
                _ => None,
            };
            if let Some((key, shown)) = value {
                values.entry(key.clone()).or_insert((0, String::new())).0 += 1;
                *spellings.entry(key).or_default().entry(shown).or_default() += 1;
            }
        }
        if mask == 0 {
            continue;
        }
        let stratum = by.map(|_| {
            values
                .into_iter()
                .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.0.cmp(&a.0)))
                .map_or_else(|| "unknown".to_string(), |(key, _)| key)
        });
        strata.entry(stratum).or_default().push((mask, 1));
    }
    // Each stratum is shown by the spelling most records use for it.
    let display = |key: &str| -> String {
        spellings
            .get(key)
            .and_then(|counts| {
                counts
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                    .map(|(s, _)| s.clone())
            })
            .unwrap_or_else(|| key.to_string())
    };
    let strata: BTreeMap<Option<String>, Vec<(u64, u64)>> = strata
        .into_iter()
        .map(|(key, cells)| (key.map(|k| display(&k)), cells))
        .collect();
    let lists: Vec<String> = sources.iter().map(|s| s.name.clone()).collect();
    let strata = strata
        .into_iter()
        .map(|(stratum, cells)| CaptureHistories::new(lists.clone(), cells).map(|t| (stratum, t)))
        .collect::<Result<Vec<_>, _>>()?;
    if strata.is_empty() {
        return Err(Error::NotLinked);
    }
    Ok((linked.link_run_id, CaptureFile { strata }))
}

/// A project estimate as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectEstimate {
    /// The stored estimate's id.
    pub id: i64,
    /// The total.
    pub estimate: Estimate,
    /// Each stratum's estimate, when stratified.
    pub strata: Vec<(String, Estimate)>,
}

/// Estimates the total over the project's persons, optionally by stratum, and keeps the result.
pub fn estimate_project(
    store: &mut Store,
    request: &EstimateRequest,
    by: Option<&str>,
    actor: &str,
) -> Result<ProjectEstimate, Error> {
    let (run_id, file) = project_table(store, by)?;
    let (estimate, strata) = estimate_strata(&file, request)?;
    let input = serde_json::json!({
        "lists": file.strata[0].1.lists(),
        "strata": file
            .strata
            .iter()
            .map(|(name, table)| serde_json::json!({
                "stratum": name,
                "cells": table.cells().filter(|(_, c)| *c > 0).map(|(m, c)| [m, c]).collect::<Vec<_>>(),
            }))
            .collect::<Vec<_>>(),
    })
    .to_string();
    let id = store.save_estimate(
        &NewEstimate {
            link_run_id: Some(run_id),
            method: estimate.method.to_string(),
            stratum_by: by.map(str::to_string),
            input,
            result: to_json(&estimate, &strata).to_string(),
        },
        actor,
    )?;
    Ok(ProjectEstimate {
        id,
        estimate,
        strata,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shared_format() {
        let file =
            parse_capture_histories("EXH,ABA,count\n0,1,306\n1,0,936\n1,1,10\n", "t").unwrap();
        let table = &file.strata[0].1;
        assert_eq!(table.lists(), ["EXH", "ABA"]);
        assert_eq!(table.count(0b10), 306, "ABA is the second list, bit 1");
        assert_eq!(table.observed(), 1252);
    }

    #[test]
    fn stratified_files() {
        let text = "stratum,A,B,count\nx,1,0,10\nx,0,1,10\nx,1,1,5\ny,1,0,20\ny,0,1,20\ny,1,1,10\n";
        let file = parse_capture_histories(text, "t").unwrap();
        assert_eq!(file.strata.len(), 2);
        let request = EstimateRequest {
            method: Method::Chapman,
            level: 0.95,
            seed: 1,
        };
        let (total, strata) = estimate_strata(&file, &request).unwrap();
        assert_eq!(strata.len(), 2);
        assert!(
            (total.estimate - strata.iter().map(|(_, e)| e.estimate).sum::<f64>()).abs() < 1e-9
        );
    }

    #[test]
    fn bad_files_name_line_and_value() {
        let error = parse_capture_histories("A,B,count\n1,2,5\n", "h.csv").unwrap_err();
        assert_eq!(
            error.to_string(),
            "h.csv: line 2: column B: expected 0 or 1, found `2`"
        );
        assert!(parse_capture_histories("A,B\n1,0\n", "h.csv").is_err());
    }
}
