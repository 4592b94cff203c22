//! The review queue: pairs the model was unsure about, decided by people. Decisions bind
//! every later link run (`reckon link` honours them) and enter the audit chain.

use std::collections::HashMap;

use reckon_store::{HumanDecision, Store, StoredRecord};

use crate::Error;

/// One comparison's part in a pair's match weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The comparison (or `prior`).
    pub field: String,
    /// Its level for this pair.
    pub level: String,
    /// Bits of evidence, + for the same person.
    pub bits: f64,
}

/// A pair waiting for a decision, with both records and why the model was unsure.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// One record.
    pub a: StoredRecord,
    /// The other.
    pub b: StoredRecord,
    /// The model's match probability.
    pub probability: f64,
    /// The waterfall: the prior, then each comparison.
    pub contributions: Vec<Contribution>,
}

/// The pairs of the newest link run that wait for a decision, most probable first.
pub fn pending(store: &Store) -> Result<Vec<Pending>, Error> {
    let records: HashMap<i64, StoredRecord> =
        store.records()?.into_iter().map(|r| (r.id, r)).collect();
    let mut out = Vec::new();
    for pair in store.review_pairs()? {
        let (Some(a), Some(b)) = (
            records.get(&pair.record_a).cloned(),
            records.get(&pair.record_b).cloned(),
        ) else {
            continue;
        };
        let contributions = pair
            .weights
            .as_deref()
            .and_then(|w| serde_json::from_str::<serde_json::Value>(w).ok())
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|c| Contribution {
                field: c["field"].as_str().unwrap_or_default().to_string(),
                level: c["level"].as_str().unwrap_or_default().to_string(),
                bits: c["bits"].as_f64().unwrap_or(0.0),
            })
            .collect();
        out.push(Pending {
            a,
            b,
            probability: pair.probability,
            contributions,
        });
    }
    Ok(out)
}

/// Stores a reviewer's decision on a pair.
pub fn decide(
    store: &mut Store,
    a: i64,
    b: i64,
    same_person: bool,
    reviewer: &str,
    reason: Option<&str>,
) -> Result<i64, Error> {
    Ok(store.add_human_decision(&HumanDecision {
        record_a: a.min(b),
        record_b: a.max(b),
        same_person,
        reviewer: reviewer.to_string(),
        reason: reason.map(str::to_string),
    })?)
}
