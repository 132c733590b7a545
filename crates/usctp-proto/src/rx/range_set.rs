//! A set of u64 values (unwrapped TSNs) held as disjoint inclusive ranges.

use std::collections::BTreeMap;

/// Disjoint, non-adjacent inclusive ranges keyed by their start: O(log n) insert and lookup,
/// memory proportional to the number of holes, not of values.
#[derive(Debug, Clone, Default)]
pub(crate) struct RangeSet {
    ranges: BTreeMap<u64, u64>,
}

impl RangeSet {
    /// The range that holds `v`.
    pub(crate) fn range_of(&self, v: u64) -> Option<(u64, u64)> {
        let (&start, &end) = self.ranges.range(..=v).next_back()?;
        (end >= v).then_some((start, end))
    }

    pub(crate) fn contains(&self, v: u64) -> bool {
        self.range_of(v).is_some()
    }

    /// Add `v`, merging with its neighbours; false when it was already there.
    pub(crate) fn insert(&mut self, v: u64) -> bool {
        let mut start = v;
        if let Some((&s, &e)) = self.ranges.range(..=v).next_back() {
            if e >= v {
                return false;
            }
            if e + 1 == v {
                start = s;
            }
        }
        let end = v
            .checked_add(1)
            .and_then(|next| self.ranges.remove(&next))
            .unwrap_or(v);
        self.ranges.insert(start, end);
        true
    }

    /// Remove `a..=b`, which lies inside one range (anything else is left alone).
    pub(crate) fn remove_within(&mut self, a: u64, b: u64) {
        let Some((s, e)) = self.range_of(a) else {
            return;
        };
        if e < b {
            return;
        }
        self.ranges.remove(&s);
        if s < a {
            self.ranges.insert(s, a - 1);
        }
        if b < e {
            self.ranges.insert(b + 1, e);
        }
    }

    /// Remove every value up to and including `v`.
    pub(crate) fn remove_through(&mut self, v: u64) {
        while let Some((s, e)) = self.first().filter(|&(s, _)| s <= v) {
            self.ranges.remove(&s);
            if e > v {
                self.ranges.insert(v + 1, e);
                break;
            }
        }
    }

    /// The lowest range.
    pub(crate) fn first(&self) -> Option<(u64, u64)> {
        self.ranges.first_key_value().map(|(&s, &e)| (s, e))
    }

    /// Remove and return the lowest range.
    pub(crate) fn pop_first(&mut self) -> Option<(u64, u64)> {
        self.ranges.pop_first()
    }

    /// Ranges in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.ranges.iter().map(|(&s, &e)| (s, e))
    }

    pub(crate) fn len(&self) -> usize {
        self.ranges.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(s: &RangeSet) -> Vec<(u64, u64)> {
        s.iter().collect()
    }

    #[test]
    fn insert_merges_neighbours_and_rejects_duplicates() {
        let mut s = RangeSet::default();
        assert!(s.insert(5));
        assert!(s.insert(7));
        assert_eq!(ranges(&s), [(5, 5), (7, 7)]);
        assert!(s.insert(6));
        assert_eq!(ranges(&s), [(5, 7)]);
        assert!(!s.insert(6));
        assert!(s.insert(4));
        assert!(s.insert(8));
        assert_eq!(ranges(&s), [(4, 8)]);
        assert!(s.insert(u64::MAX));
        assert!(s.contains(u64::MAX));
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn remove_within_splits_a_range() {
        let mut s = RangeSet::default();
        for v in 10..=20 {
            s.insert(v);
        }
        s.remove_within(13, 15);
        assert_eq!(ranges(&s), [(10, 12), (16, 20)]);
        s.remove_within(10, 12);
        assert_eq!(ranges(&s), [(16, 20)]);
        // Spanning a hole: ignored.
        s.remove_within(15, 17);
        assert_eq!(ranges(&s), [(16, 20)]);
        s.remove_within(16, 20);
        assert!(s.is_empty());
    }
}
