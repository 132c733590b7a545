//! The endpoint's timer queue: the earliest deadline of every association, in a heap that is
//! pushed only when a deadline moves earlier. Deadlines mostly move later (T3-rtx restarts on
//! every SACK, a delayed SACK is cancelled by the SACK it waited for), and such a move now
//! costs a slot write; the old heap entry is requeued when it reaches the top. Slots are
//! indexed like the association table (by the id's slot index), so no lookup hashes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

use super::assoc_table::slot_of;
use crate::event::AssocId;

#[derive(Debug, Clone, Copy)]
struct Slot {
    id: AssocId,
    /// The association's deadline (`None`: no timer, the slot goes when its entry pops).
    deadline: Option<Instant>,
    /// Time of the association's live heap entry; never later than `deadline`.
    queued: Instant,
}

/// Deadlines of many associations.
#[derive(Debug, Default)]
pub(super) struct Deadlines {
    heap: BinaryHeap<Reverse<(Instant, AssocId)>>,
    /// Heap entries whose time differs from their slot's `queued` are stale.
    slots: Vec<Option<Slot>>,
    /// Occupied slots.
    live: usize,
}

impl Deadlines {
    fn slot_mut(&mut self, id: AssocId) -> Option<&mut Slot> {
        self.slots
            .get_mut(slot_of(id))?
            .as_mut()
            .filter(|s| s.id == id)
    }

    fn insert(&mut self, slot: Slot) {
        let i = slot_of(slot.id);
        if i >= self.slots.len() {
            self.slots.resize(i + 1, None);
        }
        // A slot left by an earlier occupant of the index is replaced.
        if self.slots[i].replace(slot).is_none() {
            self.live += 1;
        }
    }

    /// Set (or clear) the deadline of `id`.
    pub(super) fn set(&mut self, id: AssocId, deadline: Option<Instant>) {
        match (self.slot_mut(id), deadline) {
            (Some(s), Some(t)) => {
                s.deadline = Some(t);
                if t < s.queued {
                    s.queued = t;
                    self.push(t, id);
                }
            }
            (Some(s), None) => s.deadline = None,
            (None, Some(t)) => {
                let slot = Slot {
                    id,
                    deadline: Some(t),
                    queued: t,
                };
                self.insert(slot);
                self.push(t, id);
            }
            (None, None) => {}
        }
    }

    /// Forget `id` (its heap entries become stale).
    pub(super) fn remove(&mut self, id: AssocId) {
        if self.slot_mut(id).is_some() {
            self.slots[slot_of(id)] = None;
            self.live -= 1;
        }
    }

    /// The earliest deadline; drops stale entries and requeues moved ones on the way.
    pub(super) fn next(&mut self) -> Option<Instant> {
        while let Some(&Reverse((at, id))) = self.heap.peek() {
            match self.slot_mut(id) {
                Some(s) if s.queued == at => match s.deadline {
                    Some(d) if d == at => return Some(at),
                    Some(d) => {
                        s.queued = d;
                        self.heap.pop();
                        self.heap.push(Reverse((d, id)));
                    }
                    None => {
                        self.remove(id);
                        self.heap.pop();
                    }
                },
                _ => {
                    self.heap.pop();
                }
            }
        }
        None
    }

    /// Take out every association due at `now`, in deadline order.
    pub(super) fn pop_due(&mut self, now: Instant) -> Vec<AssocId> {
        let mut due = Vec::new();
        while let Some(at) = self.next() {
            if at > now {
                break;
            }
            if let Some(Reverse((_, id))) = self.heap.pop() {
                self.remove(id);
                due.push(id);
            }
        }
        due
    }

    fn push(&mut self, t: Instant, id: AssocId) {
        self.heap.push(Reverse((t, id)));
        // Rebuild when stale entries dominate, so the heap stays O(associations).
        if self.heap.len() > 4 * self.live + 1024 {
            for s in &mut self.slots {
                if s.is_some_and(|s| s.deadline.is_none()) {
                    *s = None;
                    self.live -= 1;
                }
            }
            self.heap = self
                .slots
                .iter_mut()
                .flatten()
                .filter_map(|s| {
                    let d = s.deadline?;
                    s.queued = d;
                    Some(Reverse((d, s.id)))
                })
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn moved_cleared_and_removed_deadlines() {
        let t0 = crate::test_epoch::epoch();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut d = Deadlines::default();
        d.set(AssocId(1), Some(at(10)));
        d.set(AssocId(2), Some(at(20)));
        d.set(AssocId(1), Some(at(30))); // later: no push, requeued on the way
        assert_eq!(d.next(), Some(at(20)));
        d.set(AssocId(2), None);
        assert_eq!(d.next(), Some(at(30)));
        d.set(AssocId(3), Some(at(5)));
        d.set(AssocId(3), Some(at(1))); // earlier: pushed
        assert_eq!(d.pop_due(at(29)), [AssocId(3)]);
        d.set(AssocId(2), Some(at(25))); // a cleared slot set again
        assert_eq!(d.pop_due(at(40)), [AssocId(2), AssocId(1)]);
        assert_eq!(d.next(), None);
        d.set(AssocId(4), Some(at(50)));
        d.remove(AssocId(4));
        assert_eq!(d.next(), None);
    }

    #[test]
    fn heap_stays_bounded_under_churn() {
        let t0 = crate::test_epoch::epoch();
        let mut d = Deadlines::default();
        for i in 0..100_000u64 {
            // Ever earlier deadlines force a push each time.
            d.set(
                AssocId(i % 3),
                Some(t0 + Duration::from_secs(1_000_000 - i)),
            );
        }
        assert!(d.heap.len() <= 4 * 3 + 1025, "{}", d.heap.len());
        assert_eq!(d.pop_due(t0 + Duration::from_secs(2_000_000)).len(), 3);
    }
}
