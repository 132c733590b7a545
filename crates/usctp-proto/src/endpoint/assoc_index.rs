//! An index from a key (our tag, a peer's address) to an association: a few entries are
//! scanned in place, more go to a hash map. A client endpoint mostly holds one association,
//! and two hash tables for it cost two allocations and a hash per lookup.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};

use crate::event::AssocId;

/// Entries kept in place before the index moves to a hash map.
const INLINE: usize = 4;

#[derive(Debug, Clone)]
pub(super) enum AssocIndex<K, S> {
    /// Distinct keys, in no order.
    Inline([Option<(K, AssocId)>; INLINE]),
    /// Once more than `INLINE` keys were held (it stays a map).
    Hashed(HashMap<K, AssocId, S>),
}

impl<K: Copy, S> Default for AssocIndex<K, S> {
    fn default() -> Self {
        Self::Inline([None; INLINE])
    }
}

impl<K: Copy + Eq + Hash, S: BuildHasher + Default> AssocIndex<K, S> {
    pub(super) fn get(&self, key: &K) -> Option<&AssocId> {
        match self {
            Self::Inline(slots) => slots.iter().flatten().find(|e| e.0 == *key).map(|e| &e.1),
            Self::Hashed(map) => map.get(key),
        }
    }

    pub(super) fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    /// Map `key` to `id`; returns the id it mapped to before.
    pub(super) fn insert(&mut self, key: K, id: AssocId) -> Option<AssocId> {
        let slots = match self {
            Self::Hashed(map) => return map.insert(key, id),
            Self::Inline(slots) => slots,
        };
        if let Some(e) = slots.iter_mut().flatten().find(|e| e.0 == key) {
            return Some(std::mem::replace(&mut e.1, id));
        }
        if let Some(free) = slots.iter_mut().find(|s| s.is_none()) {
            *free = Some((key, id));
            return None;
        }
        let mut map = HashMap::with_capacity_and_hasher(2 * INLINE, S::default());
        map.extend(slots.iter().flatten().copied());
        map.insert(key, id);
        *self = Self::Hashed(map);
        None
    }

    /// Remove `key` if it maps to `id` (and not to another association that took it over).
    pub(super) fn remove_if_maps_to(&mut self, key: &K, id: AssocId) {
        match self {
            Self::Inline(slots) => {
                if let Some(s) = slots.iter_mut().find(|s| **s == Some((*key, id))) {
                    *s = None;
                }
            }
            Self::Hashed(map) => {
                if let Entry::Occupied(e) = map.entry(*key) {
                    if *e.get() == id {
                        e.remove();
                    }
                }
            }
        }
    }

    pub(super) fn remove(&mut self, key: &K) -> Option<AssocId> {
        match self {
            Self::Inline(slots) => slots
                .iter_mut()
                .find(|s| s.is_some_and(|e| e.0 == *key))
                .and_then(Option::take)
                .map(|e| e.1),
            Self::Hashed(map) => map.remove(key),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::hash::RandomState;

    use super::{AssocIndex, INLINE};
    use crate::event::AssocId;

    #[test]
    fn behaves_as_a_map_inline_and_hashed() {
        let mut ix = AssocIndex::<u32, RandomState>::default();
        let n = 3 * INLINE as u32;
        for k in 0..n {
            assert_eq!(ix.insert(k, AssocId(u64::from(k))), None);
            // Replacing keeps one entry per key.
            assert_eq!(
                ix.insert(k, AssocId(u64::from(k) + 100)),
                Some(AssocId(u64::from(k)))
            );
            assert_eq!(ix.get(&k), Some(&AssocId(u64::from(k) + 100)));
            assert!(!ix.contains_key(&(k + 1)));
            if k + 1 == INLINE as u32 {
                assert!(matches!(ix, AssocIndex::Inline(_)));
                // A freed slot is reused.
                assert_eq!(ix.remove(&0), Some(AssocId(100)));
                assert_eq!(ix.remove(&0), None);
                assert_eq!(ix.insert(0, AssocId(100)), None);
            }
        }
        assert!(matches!(ix, AssocIndex::Hashed(_)));
        for k in 0..n {
            assert_eq!(ix.get(&k), Some(&AssocId(u64::from(k) + 100)));
            assert_eq!(ix.remove(&k), Some(AssocId(u64::from(k) + 100)));
        }
        assert!((0..n).all(|k| !ix.contains_key(&k)));
    }

    #[test]
    fn removes_a_key_only_for_its_own_association() {
        for n in [1, 3 * INLINE as u32] {
            let mut ix = AssocIndex::<u32, RandomState>::default();
            for k in 0..n {
                ix.insert(k, AssocId(u64::from(k)));
            }
            for k in 0..n {
                ix.remove_if_maps_to(&k, AssocId(u64::from(k) + 1));
                assert_eq!(
                    ix.get(&k),
                    Some(&AssocId(u64::from(k))),
                    "another id keeps it"
                );
                ix.remove_if_maps_to(&k, AssocId(u64::from(k)));
                assert!(!ix.contains_key(&k));
            }
        }
    }
}
