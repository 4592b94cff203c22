//! Clustering: persons grown from the strongest links down, resisting chaining.

/// A scored candidate pair between record indexes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// One record's index.
    pub a: usize,
    /// The other's.
    pub b: usize,
    /// Match probability.
    pub probability: f64,
}

/// How to cluster.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterConfig<'a> {
    /// Only edges at or above this probability link.
    pub threshold: f64,
    /// Edges at or above this probability support a merge of two clusters (see [`cluster`]).
    pub support: f64,
    /// With a list index per record: never put two records of one list together.
    pub one_record_per_list: Option<&'a [u32]>,
}

struct Clusters {
    parent: Vec<usize>,
    members: Vec<Vec<usize>>,
}

impl Clusters {
    fn root(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn merge(&mut self, a: usize, b: usize) {
        let (big, small) = if self.members[a].len() >= self.members[b].len() {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small] = big;
        let moved = std::mem::take(&mut self.members[small]);
        self.members[big].extend(moved);
    }
}

/// Clusters `n` records.
///
/// Human "same person" decisions are applied first and always hold; "different persons"
/// decisions are never crossed. Model links at or above the threshold are then taken
/// strongest first. Two clusters that already hold several records merge only if at least
/// half of the smaller cluster's members are linked to the other cluster by an edge at or
/// above `support`: one link does not chain two people together, while the records of one
/// person, whose cross-script pairs are often only probable, still come together.
///
/// No model link puts together two records that `contradicts` says are different persons
/// (a father's name, an age, a date or a place that disagrees): a record with few fields,
/// linked to two namesakes, does not chain them.
pub fn cluster(
    n: usize,
    edges: &[Edge],
    decisions: &[(usize, usize, bool)],
    config: &ClusterConfig<'_>,
    contradicts: &dyn Fn(usize, usize) -> bool,
) -> Vec<Vec<usize>> {
    let mut clusters = Clusters {
        parent: (0..n).collect(),
        members: (0..n).map(|i| vec![i]).collect(),
    };
    let mut cannot: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b, same) in decisions {
        if !same {
            cannot[a].push(b);
            cannot[b].push(a);
        }
    }
    for &(a, b, same) in decisions {
        if same {
            let (ra, rb) = (clusters.root(a), clusters.root(b));
            if ra != rb {
                clusters.merge(ra, rb);
            }
        }
    }
    let mut strong: Vec<&Edge> = edges
        .iter()
        .filter(|e| e.probability >= config.threshold)
        .collect();
    strong.sort_by(|x, y| {
        y.probability
            .total_cmp(&x.probability)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
    for edge in edges
        .iter()
        .filter(|e| e.probability >= config.support.min(config.threshold))
    {
        neighbours[edge.a].push(edge.b);
        neighbours[edge.b].push(edge.a);
    }
    // Sorted, so that a record with many neighbours (a common name) is searched, not
    // scanned, for the few members of another cluster.
    for list in &mut neighbours {
        list.sort_unstable();
    }
    let any_cannot = cannot.iter().any(|c| !c.is_empty());
    for edge in strong {
        let (ra, rb) = (clusters.root(edge.a), clusters.root(edge.b));
        if ra == rb {
            continue;
        }
        if any_cannot {
            let members_a = clusters.members[ra].clone();
            let blocked_by_decision = members_a
                .iter()
                .any(|&x| cannot[x].iter().any(|&y| clusters.root(y) == rb));
            if blocked_by_decision {
                continue;
            }
        }
        if let Some(lists) = config.one_record_per_list {
            let shared_list = clusters.members[ra]
                .iter()
                .any(|&x| clusters.members[rb].iter().any(|&y| lists[x] == lists[y]));
            if shared_list {
                continue;
            }
        }
        let (small, other) = if clusters.members[ra].len() <= clusters.members[rb].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        if clusters.members[small].len() >= 2 {
            let small_members = clusters.members[small].clone();
            let other_members = clusters.members[other].clone();
            let linked = small_members
                .iter()
                .filter(|&&x| {
                    let near = &neighbours[x];
                    if near.len() <= other_members.len() {
                        near.iter().any(|&y| clusters.root(y) == other)
                    } else {
                        other_members.iter().any(|y| near.binary_search(y).is_ok())
                    }
                })
                .count();
            if linked * 2 < small_members.len() {
                continue;
            }
        }
        // Last, as the dearest test: no two records of the merged person may contradict.
        let contradicted = clusters.members[ra]
            .iter()
            .any(|&x| clusters.members[rb].iter().any(|&y| contradicts(x, y)));
        if contradicted {
            continue;
        }
        clusters.merge(ra, rb);
    }
    let mut out: Vec<Vec<usize>> = clusters
        .members
        .into_iter()
        .filter(|m| !m.is_empty())
        .map(|mut m| {
            m.sort_unstable();
            m
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: usize, b: usize, probability: f64) -> Edge {
        Edge { a, b, probability }
    }

    const CONFIG: ClusterConfig<'static> = ClusterConfig {
        threshold: 0.9,
        support: 0.9,
        one_record_per_list: None,
    };

    #[test]
    fn a_single_weak_bridge_does_not_chain_two_people() {
        // {0,1,2} and {3,4,5} are tight; 2–3 is one strong-enough but lone bridge.
        let edges = [
            edge(0, 1, 0.99),
            edge(1, 2, 0.99),
            edge(0, 2, 0.99),
            edge(3, 4, 0.99),
            edge(4, 5, 0.99),
            edge(3, 5, 0.99),
            edge(2, 3, 0.95),
        ];
        assert_eq!(
            cluster(6, &edges, &[], &CONFIG, &|_, _| false),
            vec![vec![0, 1, 2], vec![3, 4, 5]]
        );
    }

    #[test]
    fn probable_links_support_a_merge_that_one_strong_link_starts() {
        // {0,1,2} and {3,4,5} are one person's records in two scripts: one strong cross
        // link (2–3) and probable others (0–4, 1–5). With support at 0.5 they merge; when
        // only strong links count (support 0.9), two of three members lack support.
        let edges = [
            edge(0, 1, 0.99),
            edge(1, 2, 0.99),
            edge(0, 2, 0.99),
            edge(3, 4, 0.99),
            edge(4, 5, 0.99),
            edge(3, 5, 0.99),
            edge(2, 3, 0.95),
            edge(0, 4, 0.7),
            edge(1, 5, 0.6),
        ];
        let supported = ClusterConfig {
            support: 0.5,
            ..CONFIG
        };
        assert_eq!(
            cluster(6, &edges, &[], &supported, &|_, _| false),
            vec![vec![0, 1, 2, 3, 4, 5]]
        );
        assert_eq!(
            cluster(6, &edges, &[], &CONFIG, &|_, _| false),
            vec![vec![0, 1, 2], vec![3, 4, 5]]
        );
    }

    #[test]
    fn human_decisions_bind() {
        let edges = [edge(0, 1, 0.99), edge(1, 2, 0.2)];
        let decided = cluster(
            3,
            &edges,
            &[(0, 1, false), (1, 2, true)],
            &CONFIG,
            &|_, _| false,
        );
        assert_eq!(decided, vec![vec![0], vec![1, 2]]);
    }

    /// Issue 4: a record without an age (1) links strongly to two namesakes of different
    /// ages (0, aged 30; 2, aged 45). It joins the first; the second, whose age
    /// contradicts the first's, stays apart, while a human decision still joins them.
    #[test]
    fn a_record_with_few_fields_does_not_chain_two_namesakes() {
        let edges = [edge(0, 1, 0.99), edge(1, 2, 0.98)];
        let contradicts = |x: usize, y: usize| (x.min(y), x.max(y)) == (0, 2);
        assert_eq!(
            cluster(3, &edges, &[], &CONFIG, &contradicts),
            vec![vec![0, 1], vec![2]]
        );
        assert_eq!(
            cluster(3, &edges, &[], &CONFIG, &|_, _| false),
            vec![vec![0, 1, 2]],
            "without the contradiction the three chain"
        );
        assert_eq!(
            cluster(3, &edges, &[(0, 2, true)], &CONFIG, &contradicts),
            vec![vec![0, 1, 2]],
            "a reviewer's decision outranks the model's contradiction"
        );
    }

    #[test]
    fn one_record_per_list() {
        let lists = [0, 0, 1];
        let config = ClusterConfig {
            threshold: 0.9,
            support: 0.9,
            one_record_per_list: Some(&lists),
        };
        let edges = [edge(0, 2, 0.99), edge(1, 2, 0.98)];
        assert_eq!(
            cluster(3, &edges, &[], &config, &|_, _| false),
            vec![vec![0, 2], vec![1]]
        );
    }
}
