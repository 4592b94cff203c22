//! A small dense linear-programming solver (two-phase simplex with Bland's rule), enough for
//! the existence check of a log-linear maximum-likelihood estimate: a few dozen constraints
//! over at most a few hundred variables.

const EPSILON: f64 = 1e-10;

/// Maximises `objective · x` subject to `equalities · x = rhs` and `x ≥ 0`.
///
/// `equalities` is row-major with `objective.len()` columns. Returns the optimal value, or
/// `None` when the constraints have no non-negative solution or the objective is unbounded.
pub(crate) fn maximize(objective: &[f64], equalities: &[Vec<f64>], rhs: &[f64]) -> Option<f64> {
    let n = objective.len();
    let m = equalities.len();
    // Columns: the n variables, m artificials, then the right-hand side.
    let width = n + m + 1;
    let mut tableau: Vec<Vec<f64>> = equalities
        .iter()
        .zip(rhs)
        .enumerate()
        .map(|(r, (row, &b))| {
            let sign = if b < 0.0 { -1.0 } else { 1.0 };
            let mut line = vec![0.0; width];
            for (value, &a) in line.iter_mut().zip(row) {
                *value = sign * a;
            }
            line[n + r] = 1.0;
            line[width - 1] = sign * b;
            line
        })
        .collect();
    let mut basis: Vec<usize> = (n..n + m).collect();
    // Phase I: minimise the sum of the artificials (maximise its negative).
    let mut phase_one = vec![0.0; n + m];
    phase_one[n..].iter_mut().for_each(|c| *c = -1.0);
    simplex(&mut tableau, &mut basis, &phase_one, n + m)?;
    let infeasibility: f64 = basis
        .iter()
        .zip(&tableau)
        .filter(|(b, _)| **b >= n)
        .map(|(_, row)| row[width - 1])
        .sum();
    let scale = rhs.iter().fold(1.0f64, |a, b| a.max(b.abs()));
    if infeasibility > 1e-9 * scale {
        return None;
    }
    // Drive artificials left in the basis (at zero) out, or drop their rows as redundant.
    let mut r = 0;
    while r < tableau.len() {
        if basis[r] >= n {
            match (0..n).find(|&c| tableau[r][c].abs() > 1e-9) {
                Some(c) => pivot(&mut tableau, &mut basis, r, c),
                None => {
                    tableau.remove(r);
                    basis.remove(r);
                    continue;
                }
            }
        }
        r += 1;
    }
    // Phase II over the real variables only.
    let mut phase_two = objective.to_vec();
    phase_two.extend(std::iter::repeat_n(0.0, m));
    simplex(&mut tableau, &mut basis, &phase_two, n)?;
    Some(
        basis
            .iter()
            .zip(&tableau)
            .map(|(&b, row)| phase_two[b] * row[width - 1])
            .sum(),
    )
}

/// Primal simplex from a feasible basis, entering only columns below `allowed`; Bland's
/// rule (lowest index enters and leaves) so that degenerate problems cannot cycle.
/// `None` when unbounded.
fn simplex(
    tableau: &mut [Vec<f64>],
    basis: &mut [usize],
    cost: &[f64],
    allowed: usize,
) -> Option<()> {
    let width = tableau.first().map_or(0, Vec::len);
    loop {
        // Reduced cost of column c: cost[c] − Σ_r cost[basis r] · tableau[r][c].
        let entering = (0..allowed).find(|&c| {
            if basis.contains(&c) {
                return false;
            }
            let reduced = cost[c]
                - basis
                    .iter()
                    .zip(tableau.iter())
                    .map(|(&b, row)| cost[b] * row[c])
                    .sum::<f64>();
            reduced > EPSILON
        });
        let Some(c) = entering else {
            return Some(());
        };
        let mut leaving: Option<(usize, f64)> = None;
        for (r, row) in tableau.iter().enumerate() {
            if row[c] > EPSILON {
                let ratio = row[width - 1] / row[c];
                let better = match leaving {
                    None => true,
                    Some((best, best_ratio)) => {
                        ratio < best_ratio - EPSILON
                            || (ratio <= best_ratio + EPSILON && basis[r] < basis[best])
                    }
                };
                if better {
                    leaving = Some((r, ratio));
                }
            }
        }
        let (r, _) = leaving?;
        pivot(tableau, basis, r, c);
    }
}

fn pivot(tableau: &mut [Vec<f64>], basis: &mut [usize], r: usize, c: usize) {
    let value = tableau[r][c];
    tableau[r].iter_mut().for_each(|v| *v /= value);
    let pivot_row = tableau[r].clone();
    for (i, row) in tableau.iter_mut().enumerate() {
        if i != r && row[c] != 0.0 {
            let factor = row[c];
            for (v, p) in row.iter_mut().zip(&pivot_row) {
                *v -= factor * p;
            }
        }
    }
    basis[r] = c;
}

/// The column rank of a dense matrix (rows of equal length), by Gaussian elimination with
/// partial pivoting.
pub(crate) fn rank(rows: &[Vec<f64>]) -> usize {
    let mut a: Vec<Vec<f64>> = rows.to_vec();
    let columns = a.first().map_or(0, Vec::len);
    let mut rank = 0;
    for c in 0..columns {
        let Some(p) = (rank..a.len()).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
        else {
            break;
        };
        if a[p][c].abs() < 1e-9 {
            continue;
        }
        a.swap(rank, p);
        let pivot_row = a[rank].clone();
        for row in a.iter_mut().skip(rank + 1) {
            let factor = row[c] / pivot_row[c];
            if factor != 0.0 {
                for (v, q) in row.iter_mut().zip(&pivot_row) {
                    *v -= factor * q;
                }
            }
        }
        rank += 1;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_textbook_problem() {
        // max 3x + 2y s.t. x + y + s1 = 4, x + 3y + s2 = 6: optimum 12 at x = 4.
        let value = maximize(
            &[3.0, 2.0, 0.0, 0.0],
            &[vec![1.0, 1.0, 1.0, 0.0], vec![1.0, 3.0, 0.0, 1.0]],
            &[4.0, 6.0],
        );
        assert!((value.unwrap() - 12.0).abs() < 1e-9);
    }

    #[test]
    fn reports_infeasible_and_unbounded() {
        // x + y = −1 with x, y ≥ 0 has no solution.
        assert_eq!(maximize(&[1.0, 0.0], &[vec![1.0, 1.0]], &[-1.0]), None);
        // max x s.t. x − y = 1: unbounded.
        assert_eq!(maximize(&[1.0, 0.0], &[vec![1.0, -1.0]], &[1.0]), None);
    }

    #[test]
    fn handles_redundant_and_degenerate_rows() {
        // The same constraint twice, and a zero right-hand side.
        let value = maximize(
            &[1.0, 1.0],
            &[vec![1.0, 1.0], vec![2.0, 2.0], vec![1.0, -1.0]],
            &[2.0, 4.0, 0.0],
        );
        assert!((value.unwrap() - 2.0).abs() < 1e-9);
    }

    #[test]
    fn ranks() {
        assert_eq!(rank(&[vec![1.0, 0.0], vec![0.0, 1.0], vec![1.0, 1.0]]), 2);
        assert_eq!(rank(&[vec![1.0, 1.0], vec![2.0, 2.0]]), 1);
    }
}
