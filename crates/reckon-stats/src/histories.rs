//! The capture-history table.

use crate::Error;

/// Counts of persons by the set of lists they appear on.
///
/// A history is a bit mask: bit `j` is set when the person is on list `j`. The
/// all-zero history (never observed) has no count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureHistories {
    lists: Vec<String>,
    counts: Vec<u64>,
}

impl CaptureHistories {
    /// The most lists a table may have (histories are 64-bit masks; exhaustive
    /// methods limit this further).
    pub const MAX_LISTS: usize = 63;

    /// A table from list names and `(history mask, count)` cells; repeated histories add up.
    pub fn new(lists: Vec<String>, cells: Vec<(u64, u64)>) -> Result<CaptureHistories, Error> {
        if lists.is_empty() {
            return Err(Error::InvalidTable("no lists".to_string()));
        }
        if lists.len() > 20 {
            // Dense storage of 2^J cells; sparse tables with more lists come with the LCMCR work.
            return Err(Error::InvalidTable(format!(
                "{} lists; at most 20 are supported for now",
                lists.len()
            )));
        }
        let n_cells = 1usize << lists.len();
        let mut counts = vec![0; n_cells];
        for (mask, count) in cells {
            if mask == 0 {
                return Err(Error::InvalidTable(
                    "the all-zero history cannot be observed".to_string(),
                ));
            }
            if mask as usize >= n_cells {
                return Err(Error::InvalidTable(format!(
                    "history {mask:b} names a list beyond the {} given",
                    lists.len()
                )));
            }
            counts[mask as usize] += count;
        }
        Ok(CaptureHistories { lists, counts })
    }

    /// The lists' names.
    pub fn lists(&self) -> &[String] {
        &self.lists
    }

    /// The count of one history (0 for the unobserved all-zero history).
    pub fn count(&self, mask: u64) -> u64 {
        self.counts.get(mask as usize).copied().unwrap_or(0)
    }

    /// Every observable history with its count, zero counts included, in mask order.
    pub fn cells(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .skip(1)
            .map(|(mask, &count)| (mask as u64, count))
    }

    /// Persons observed on at least one list.
    pub fn observed(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Persons on list `j`.
    pub fn list_total(&self, j: usize) -> u64 {
        self.cells()
            .filter(|(mask, _)| mask & (1 << j) != 0)
            .map(|(_, c)| c)
            .sum()
    }

    /// The table restricted to two lists (persons on neither are dropped).
    pub fn pair(&self, i: usize, j: usize) -> CaptureHistories {
        let mut counts = vec![0; 4];
        for (mask, count) in self.cells() {
            let bits = u64::from(mask & (1 << i) != 0) | (u64::from(mask & (1 << j) != 0) << 1);
            counts[bits as usize] += count;
        }
        counts[0] = 0;
        CaptureHistories {
            lists: vec![self.lists[i].clone(), self.lists[j].clone()],
            counts,
        }
    }
}
