//! The endpoint's associations by id, in a slab: an id holds its slot's index (low 32 bits)
//! and the slot's generation (high 32 bits), so a lookup is an index and a compare instead of
//! a hash probe, and the id of a removed association never finds the slot's next occupant.

use crate::association::Association;
use crate::event::AssocId;

#[derive(Debug, Default)]
struct Slot {
    /// Bumped when the slot is emptied (wrapping: an id would have to be held across 2^32
    /// reuses of one slot to meet its successor).
    generation: u32,
    /// Boxed: the slab grows by moving its slots, and an empty slot stays pointer-sized.
    assoc: Option<Box<Association>>,
}

/// Associations indexed by [`AssocId`].
#[derive(Debug, Default)]
pub(super) struct AssocTable {
    slots: Vec<Slot>,
    /// Empty slots, the most recently emptied last (reused first: its memory is warm).
    free: Vec<u32>,
    len: usize,
}

/// Slot index of an id.
pub(super) fn slot_of(id: AssocId) -> usize {
    id.0 as u32 as usize
}

fn make_id(index: usize, generation: u32) -> AssocId {
    AssocId(u64::from(generation) << 32 | index as u64)
}

impl AssocTable {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The id the next [`AssocTable::insert`] will use.
    pub(super) fn next_id(&self) -> AssocId {
        match self.free.last() {
            Some(&i) => make_id(i as usize, self.slots[i as usize].generation),
            None => make_id(self.slots.len(), 0),
        }
    }

    /// Store `a`, which must carry the id [`AssocTable::next_id`] gave.
    pub(super) fn insert(&mut self, a: Box<Association>) {
        debug_assert_eq!(a.id(), self.next_id());
        match self.free.pop() {
            Some(i) => self.slots[i as usize].assoc = Some(a),
            None => self.slots.push(Slot {
                generation: 0,
                assoc: Some(a),
            }),
        }
        self.len += 1;
    }

    /// The slot `id` names, if it still holds that association.
    fn slot(&self, id: AssocId) -> Option<&Slot> {
        let i = slot_of(id);
        self.slots.get(i).filter(|s| make_id(i, s.generation) == id)
    }

    fn slot_mut(&mut self, id: AssocId) -> Option<&mut Slot> {
        let i = slot_of(id);
        self.slots
            .get_mut(i)
            .filter(|s| make_id(i, s.generation) == id)
    }

    pub(super) fn get(&self, id: AssocId) -> Option<&Association> {
        self.slot(id)?.assoc.as_deref()
    }

    pub(super) fn get_mut(&mut self, id: AssocId) -> Option<&mut Association> {
        self.slot_mut(id)?.assoc.as_deref_mut()
    }

    pub(super) fn remove(&mut self, id: AssocId) -> Option<Box<Association>> {
        let s = self.slot_mut(id)?;
        let a = s.assoc.take()?;
        s.generation = s.generation.wrapping_add(1);
        self.free.push(slot_of(id) as u32);
        self.len -= 1;
        Some(a)
    }

    /// Every id, in slot order.
    pub(super) fn ids(&self) -> impl Iterator<Item = AssocId> + '_ {
        self.slots
            .iter()
            .filter_map(|s| Some(s.assoc.as_ref()?.id()))
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use super::slot_of;
    use crate::{Endpoint, EndpointConfig, TransportAddr};

    #[test]
    fn a_reused_slot_gets_a_new_id() {
        let now = crate::test_epoch::epoch();
        let cfg = EndpointConfig {
            rng_seed: Some(7),
            ..EndpointConfig::default()
        };
        let local = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        let mut ep = Endpoint::new(cfg, 5000, vec![local], now);
        let peer = [TransportAddr::udp(
            IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
            9899,
        )];
        let first = ep.connect(now, &peer, 5001, None).expect("connect");
        let other = ep.connect(now, &peer, 5002, None).expect("connect");
        ep.with_association(first, |a| a.abort(None));
        assert!(ep.association(first).is_none(), "aborted: removed");
        let again = ep.connect(now, &peer, 5003, None).expect("connect");
        assert_eq!(slot_of(again), slot_of(first), "the emptied slot is reused");
        assert_ne!(again, first);
        assert!(
            ep.association(first).is_none(),
            "the old id does not find the new one"
        );
        assert_eq!(ep.association(again).map(|a| a.ports().1), Some(5003));
        assert_eq!(ep.association(other).map(|a| a.ports().1), Some(5002));
        let mut ids: Vec<_> = ep.association_ids().collect();
        ids.sort();
        let mut want = vec![other, again];
        want.sort();
        assert_eq!(ids, want);
        assert_eq!(ep.association_count(), 2);
    }
}
