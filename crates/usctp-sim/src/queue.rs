//! The event queue: earliest time first, insertion order among equal times, so a run is a
//! pure function of the seed and the nodes.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::time::Duration;

use crate::{Datagram, Direction, HostId, LinkId, PacketId};

/// Something due at a virtual time.
#[derive(Debug)]
pub(crate) enum Action {
    /// A datagram reaches the far end of a link.
    Deliver {
        link: LinkId,
        dir: Direction,
        id: PacketId,
        datagram: Datagram,
    },
    /// Drain a new node's first transmits and read its first deadline.
    Start { host: HostId },
    /// A node's deadline; stale if `generation` is not the host's current one.
    Timer { host: HostId, generation: u64 },
}

#[derive(Debug)]
struct Entry {
    at: Duration,
    seq: u64,
    action: Action,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Reverse<Entry>>,
    next_seq: u64,
}

impl EventQueue {
    pub(crate) fn push(&mut self, at: Duration, action: Action) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Entry { at, seq, action }));
    }

    pub(crate) fn peek(&self) -> Option<(Duration, &Action)> {
        self.heap.peek().map(|Reverse(e)| (e.at, &e.action))
    }

    pub(crate) fn pop(&mut self) -> Option<(Duration, Action)> {
        self.heap.pop().map(|Reverse(e)| (e.at, e.action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_then_insertion_order() {
        let mut q = EventQueue::default();
        let timer = |g| Action::Timer {
            host: HostId(0),
            generation: g,
        };
        q.push(Duration::from_millis(5), timer(0));
        q.push(Duration::from_millis(1), timer(1));
        q.push(Duration::from_millis(5), timer(2));
        q.push(Duration::from_millis(1), timer(3));
        let mut order = Vec::new();
        while let Some((_, Action::Timer { generation, .. })) = q.pop() {
            order.push(generation);
        }
        assert_eq!(order, [1, 3, 0, 2]);
    }
}
