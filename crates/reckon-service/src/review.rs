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
    pending_first(store, usize::MAX)
}

/// The first `limit` pairs of [`pending`] (the web queue shows one at a time).
pub fn pending_first(store: &Store, limit: usize) -> Result<Vec<Pending>, Error> {
    let pairs = store.review_pairs_first(limit)?;
    let mut ids: Vec<i64> = pairs
        .iter()
        .flat_map(|p| [p.record_a, p.record_b])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let records: HashMap<i64, StoredRecord> = store
        .records_by_ids(&ids)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut out = Vec::new();
    for pair in pairs {
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

/// The reviewers' decisions among these, the newest per pair only (a later decision on a
/// pair replaces the earlier one).
fn newest_human(among: &[reckon_store::PairDecision]) -> Vec<&reckon_store::PairDecision> {
    // `decisions_among` gives reviewers' decisions oldest first.
    let mut newest: HashMap<(i64, i64), &reckon_store::PairDecision> = HashMap::new();
    for d in among.iter().filter(|d| d.by_reviewer) {
        newest.insert((d.record_a, d.record_b), d);
    }
    let mut decisions: Vec<_> = newest.into_values().collect();
    decisions.sort_by_key(|d| (d.record_a, d.record_b));
    decisions
}

/// A reviewer's decision that two records are different persons, between a record of
/// `first` and one outside it, among these decisions; the pair `except` (being decided
/// anew) does not count.
fn kept_apart(
    among: &[reckon_store::PairDecision],
    first: &[i64],
    except: (i64, i64),
) -> Option<(i64, i64)> {
    newest_human(among)
        .into_iter()
        .filter(|d| d.decision != "match" && (d.record_a, d.record_b) != except)
        .find(|d| first.contains(&d.record_a) != first.contains(&d.record_b))
        .map(|d| (d.record_a, d.record_b))
}

/// Stores a reviewer's decision and applies it to the persons at once ([`apply_decisions`]).
/// A "same person" that would join two persons an earlier decision keeps apart is refused
/// before anything is stored, naming that decision: decide that pair again first.
pub fn decide_and_apply(
    store: &mut Store,
    a: i64,
    b: i64,
    same_person: bool,
    reviewer: &str,
    reason: Option<&str>,
) -> Result<Option<Applied>, Error> {
    if same_person && let Some(current) = store.current_persons()? {
        let of = |record: i64| current.persons.iter().find(|p| p.contains(&record));
        if let (Some(first), Some(second)) = (of(a), of(b))
            && first != second
        {
            let mut both: Vec<i64> = first.iter().chain(second.iter()).copied().collect();
            both.sort_unstable();
            if let Some((x, y)) =
                kept_apart(&store.decisions_among(&both)?, first, (a.min(b), a.max(b)))
            {
                return Err(Error::BadInput(format!(
                    "r{a} and r{b} cannot be the same person while r{x} and r{y} are decided to be different persons: decide that pair again first"
                )));
            }
        }
    }
    decide(store, a, b, same_person, reviewer, reason)?;
    apply_decisions(store, a, b, same_person, reviewer)
}

/// What applying the decisions changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// The new link run holding the persons.
    pub link_run_id: i64,
    /// Persons before.
    pub n_persons_before: usize,
    /// Persons after.
    pub n_persons_after: usize,
}

/// Applies a reviewer's decision on records `a` and `b` to the persons at once, without
/// scoring again. "Same person" joins the two persons whole, unless an earlier decision
/// keeps two of their records apart; "different persons" splits their person by clustering
/// its records anew from the newest scored run's pairs among them, with every reviewer's
/// decision among them as must-link and cannot-link constraints. Every other person stays
/// as it is. A change is stored as a new link run (method `review`, keeping no pairs of its
/// own); `reckon link` later scores every pair afresh and honours the same decisions.
/// `None` before any run.
pub fn apply_decisions(
    store: &mut Store,
    a: i64,
    b: i64,
    same_person: bool,
    actor: &str,
) -> Result<Option<Applied>, Error> {
    let Some((_, settings_json, threshold)) = store.newest_scored_run()? else {
        return Ok(None);
    };
    let Some(current) = store.current_persons()? else {
        return Ok(None);
    };
    let settings: serde_json::Value = serde_json::from_str(&settings_json).unwrap_or_default();
    let one_record_per_list = settings["one_record_per_list"].as_bool().unwrap_or(false);
    let n_persons_before = current.persons.len();
    let touched: Vec<usize> = current
        .persons
        .iter()
        .enumerate()
        .filter(|(_, members)| members.contains(&a) || members.contains(&b))
        .map(|(index, _)| index)
        .collect();
    let mut affected: Vec<i64> = touched
        .iter()
        .flat_map(|&index| current.persons[index].iter().copied())
        .collect();
    affected.sort_unstable();
    affected.dedup();
    let unchanged = Applied {
        link_run_id: current.link_run_id,
        n_persons_before,
        n_persons_after: n_persons_before,
    };
    // Already together, or already apart: nothing changes.
    if touched.len() == if same_person { 1 } else { 2 } || touched.is_empty() {
        return Ok(Some(unchanged));
    }
    let among = store.decisions_among(&affected)?;
    if same_person {
        let first = &current.persons[touched[0]];
        if kept_apart(&among, first, (a.min(b), a.max(b))).is_none() {
            let persons = replacing(current.persons, &touched, vec![affected]);
            return save_review_run(
                store,
                persons,
                settings_json,
                threshold,
                n_persons_before,
                actor,
            );
        }
    }
    let index: HashMap<i64, usize> = affected
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let sources: HashMap<i64, u32> = store
        .records_by_ids(&affected)?
        .into_iter()
        .map(|r| (r.id, r.source_id as u32))
        .collect();
    let lists: Vec<u32> = affected
        .iter()
        .map(|id| sources.get(id).copied().unwrap_or(0))
        .collect();
    let edges: Vec<reckon_linkage::cluster::Edge> = among
        .iter()
        .filter(|d| !d.by_reviewer)
        .filter_map(|d| {
            Some(reckon_linkage::cluster::Edge {
                a: *index.get(&d.record_a)?,
                b: *index.get(&d.record_b)?,
                probability: d.probability?,
            })
        })
        .collect();
    let decisions: Vec<(usize, usize, bool)> = newest_human(&among)
        .into_iter()
        .filter_map(|d| {
            Some((
                *index.get(&d.record_a)?,
                *index.get(&d.record_b)?,
                d.decision == "match",
            ))
        })
        .collect();
    let clusters = reckon_linkage::cluster::cluster(
        affected.len(),
        &edges,
        &decisions,
        &reckon_linkage::cluster::ClusterConfig {
            threshold,
            support: reckon_linkage::Settings::default().support,
            one_record_per_list: one_record_per_list.then_some(lists.as_slice()),
        },
        // The run's model is not stored, so its contradictions are not re-checked here:
        // only the stored links and the reviewers' decisions regroup these records.
        &|_, _| false,
    );
    let new_persons = clusters
        .into_iter()
        .map(|members| {
            let mut ids: Vec<i64> = members.into_iter().map(|i| affected[i]).collect();
            ids.sort_unstable();
            ids
        })
        .collect();
    let persons = replacing(current.persons, &touched, new_persons);
    save_review_run(
        store,
        persons,
        settings_json,
        threshold,
        n_persons_before,
        actor,
    )
}

/// The persons with those at `touched` replaced by `new_persons`, in the order link runs
/// keep (by their smallest record id).
fn replacing(
    persons: Vec<Vec<i64>>,
    touched: &[usize],
    new_persons: Vec<Vec<i64>>,
) -> Vec<Vec<i64>> {
    let mut out: Vec<Vec<i64>> = persons
        .into_iter()
        .enumerate()
        .filter(|(index, _)| !touched.contains(index))
        .map(|(_, members)| members)
        .chain(new_persons)
        .collect();
    out.sort_unstable();
    out
}

fn save_review_run(
    store: &mut Store,
    persons: Vec<Vec<i64>>,
    settings_json: String,
    threshold: f64,
    n_persons_before: usize,
    actor: &str,
) -> Result<Option<Applied>, Error> {
    let n_persons_after = persons.len();
    let run = reckon_store::NewLinkRun {
        method: "review".to_string(),
        settings: settings_json,
        threshold,
        n_pairs: 0,
        persons,
        decisions: Vec::new(),
    };
    let link_run_id = store.save_link_run(&run, actor)?;
    Ok(Some(Applied {
        link_run_id,
        n_persons_before,
        n_persons_after,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person_of(store: &Store, record: i64) -> Vec<i64> {
        store
            .current_persons()
            .unwrap()
            .unwrap()
            .persons
            .into_iter()
            .find(|p| p.contains(&record))
            .unwrap()
    }

    /// Issue 6: a reviewer's decision changes the persons at once, and only those concerned.
    #[test]
    fn decisions_join_and_split_persons_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = crate::demo::demo_store(dir.path(), 8, 200);
        let persons = store.current_persons().unwrap().unwrap().persons;
        let pair = persons.iter().find(|p| p.len() >= 2).unwrap().clone();
        let single = persons.iter().find(|p| p.len() == 1).unwrap()[0];
        let (r1, r2) = (pair[0], pair[1]);
        let n_before = persons.len();

        // Same person: the two persons join whole.
        decide(&mut store, r1, single, true, "reviewer", Some("synthetic")).unwrap();
        let applied = apply_decisions(&mut store, r1, single, true, "reviewer")
            .unwrap()
            .unwrap();
        assert_eq!(applied.n_persons_after, n_before - 1);
        let joined = person_of(&store, r1);
        assert!(joined.contains(&single) && joined.contains(&r2));

        // Different persons: r1 and r2 part; everyone else stays.
        decide(&mut store, r1, r2, false, "reviewer", None).unwrap();
        apply_decisions(&mut store, r1, r2, false, "reviewer").unwrap();
        assert!(!person_of(&store, r1).contains(&r2));
        let untouched = persons
            .iter()
            .find(|p| !p.contains(&r1) && !p.contains(&single))
            .unwrap();
        assert_eq!(&person_of(&store, untouched[0]), untouched);

        // Joining across a decision that keeps two records apart is refused, and nothing
        // is stored.
        let n_decisions = store.human_decisions().unwrap().len();
        let refused = decide_and_apply(&mut store, r2, single, true, "reviewer", None);
        assert!(
            matches!(refused, Err(Error::BadInput(ref m)) if m.contains("decide that pair again"))
        );
        assert_eq!(store.human_decisions().unwrap().len(), n_decisions);
        assert!(
            !person_of(&store, r1).contains(&r2),
            "r1 and r2 were kept apart"
        );
        // Changing one's mind on the same pair is allowed: the newest decision holds.
        decide_and_apply(&mut store, r1, r2, true, "reviewer", Some("same after all")).unwrap();
        assert!(person_of(&store, r1).contains(&r2));
        decide_and_apply(&mut store, r1, r2, false, "reviewer", None).unwrap();
        assert!(!person_of(&store, r1).contains(&r2));
        // The review runs keep the review queue of the scored run.
        assert!(!store.review_pairs().unwrap().is_empty());
        assert!(store.verify().unwrap().is_ok());
    }
}
