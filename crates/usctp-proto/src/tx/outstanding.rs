//! Sent DATA chunks not yet cumulatively acknowledged, and the byte accounting over them.
//!
//! Entries are keyed by unwrapped TSN and kept in a `VecDeque` in TSN order: TSNs are assigned
//! in order and only the front is ever removed (cumulative ack), so the entry for TSN `t` is at
//! index `t - base`. Every change to an entry's acked / marked / path state goes through this
//! type so the flight counts stay exact: a chunk is *in flight* when it is neither acked by a
//! gap block nor marked for retransmission (RFC 9260 §6.2.1 C: marking returns its bytes).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use usctp_wire::chunk::Data;

use super::abandon::PrMessage;
use crate::path::PathId;

/// One sent DATA chunk.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The chunk as last sent.
    pub data: Data,
    /// Unwrapped TSN.
    pub tsn: u64,
    /// When it was last sent (RTT measurement).
    pub sent_at: Instant,
    /// Times sent; RTT is measured only from chunks sent once (RFC 9260 §6.3.1 C5).
    pub transmit_count: u32,
    /// Miss indications since the last fast retransmit (RFC 9260 §7.2.4).
    pub misses: u32,
    /// Already fast retransmitted: not eligible again (RFC 9260 §7.2.4 step 5).
    pub fast_retransmitted: bool,
    /// The peer reneged on it in the SACK being processed (one miss, RFC 9260 §6.2.1 iii).
    pub reneged: bool,
    /// Its message's PR-SCTP policy (RFC 7496); `None` for a reliable message.
    pub pr: Option<Arc<PrMessage>>,
    /// Message identifier and fragment sequence number, sent when I-DATA is in force
    /// (RFC 8260 §2.1).
    pub mid: u32,
    pub fsn: u32,
    path: PathId,
    acked: bool,
    marked: bool,
    /// Given up (RFC 3758 §3.5): never resent, held until the peer's cumulative ack passes it.
    abandoned: bool,
}

impl Entry {
    pub(super) fn len(&self) -> usize {
        self.data.payload.len()
    }
    /// The path it was last sent on.
    pub(super) fn path(&self) -> PathId {
        self.path
    }
    /// Acknowledged by a gap block of the latest SACK.
    pub(super) fn acked(&self) -> bool {
        self.acked
    }
    /// Waiting for retransmission.
    pub(super) fn marked(&self) -> bool {
        self.marked
    }
    /// Abandoned by PR-SCTP.
    pub(super) fn abandoned(&self) -> bool {
        self.abandoned
    }
    pub(super) fn in_flight(&self) -> bool {
        !self.acked && !self.marked && !self.abandoned
    }
}

#[derive(Debug)]
pub(crate) struct Outstanding {
    entries: VecDeque<Entry>,
    /// TSN of `entries[0]`; equals the next TSN when empty. Cum ack = base - 1.
    base: u64,
    in_flight: usize,
    held: usize,
    marked: usize,
    gap_acked: usize,
    abandoned: usize,
    /// Entries with a PR-SCTP policy.
    pr: usize,
    /// Bytes in flight per path (a handful of paths: linear search).
    flight: Vec<(PathId, usize)>,
}

impl Outstanding {
    pub(super) fn new(base: u64) -> Self {
        Self {
            entries: VecDeque::new(),
            base,
            in_flight: 0,
            held: 0,
            marked: 0,
            gap_acked: 0,
            abandoned: 0,
            pr: 0,
            flight: Vec::new(),
        }
    }

    pub(super) fn base(&self) -> u64 {
        self.base
    }
    pub(super) fn cum_ack(&self) -> u64 {
        self.base - 1
    }
    pub(super) fn next_tsn(&self) -> u64 {
        self.base + self.entries.len() as u64
    }
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }
    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// Payload bytes held (in flight, gap-acked or marked).
    pub(super) fn held_bytes(&self) -> usize {
        self.held
    }
    pub(super) fn in_flight_bytes(&self) -> usize {
        self.in_flight
    }
    pub(super) fn marked_count(&self) -> usize {
        self.marked
    }
    pub(super) fn gap_acked_count(&self) -> usize {
        self.gap_acked
    }
    pub(super) fn abandoned_count(&self) -> usize {
        self.abandoned
    }
    /// Entries with a PR-SCTP policy.
    pub(super) fn pr_count(&self) -> usize {
        self.pr
    }
    pub(super) fn flight_on(&self, path: PathId) -> usize {
        self.flight
            .iter()
            .find(|(p, _)| *p == path)
            .map_or(0, |&(_, n)| n)
    }

    pub(super) fn get(&self, idx: usize) -> Option<&Entry> {
        self.entries.get(idx)
    }
    /// Mutable access for the fields that do not affect accounting.
    /// The entry of unwrapped TSN `tsn`.
    pub(super) fn by_tsn(&self, tsn: u64) -> Option<&Entry> {
        self.entries
            .get(usize::try_from(tsn.checked_sub(self.base)?).ok()?)
    }

    /// The newest entry.
    pub(super) fn last_mut(&mut self) -> Option<&mut Entry> {
        self.entries.back_mut()
    }

    pub(super) fn get_mut(&mut self, idx: usize) -> Option<&mut Entry> {
        self.entries.get_mut(idx)
    }
    #[cfg(test)]
    pub(super) fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }
    pub(super) fn first_marked(&self) -> Option<usize> {
        if self.marked == 0 {
            return None;
        }
        self.entries.iter().position(|e| e.marked)
    }

    /// Record a first transmission; `data.tsn` must be `next_tsn()`.
    pub(super) fn push(
        &mut self,
        data: Data,
        pr: Option<Arc<PrMessage>>,
        path: PathId,
        now: Instant,
    ) {
        self.pr += usize::from(pr.is_some());
        let e = Entry {
            pr,
            tsn: self.next_tsn(),
            sent_at: now,
            transmit_count: 1,
            misses: 0,
            fast_retransmitted: false,
            reneged: false,
            path,
            acked: false,
            marked: false,
            abandoned: false,
            mid: 0,
            fsn: 0,
            data,
        };
        self.held += e.len();
        self.add_flight(path, e.len());
        self.entries.push_back(e);
    }

    /// Record a chunk abandoned before it was ever sent (the end of a message cut short):
    /// it takes the next TSN for a FORWARD TSN to cover, and no room or flight.
    pub(super) fn push_abandoned(&mut self, data: Data, pr: Option<Arc<PrMessage>>, at: Instant) {
        self.pr += usize::from(pr.is_some());
        self.abandoned += 1;
        let e = Entry {
            pr,
            tsn: self.next_tsn(),
            sent_at: at,
            transmit_count: 0,
            misses: 0,
            fast_retransmitted: false,
            reneged: false,
            path: PathId(0),
            acked: false,
            marked: false,
            abandoned: true,
            mid: 0,
            fsn: 0,
            data,
        };
        self.held += e.len();
        self.entries.push_back(e);
    }

    /// Remove every entry up to and including `cum`, oldest first, passing each to `f`.
    pub(super) fn pop_through(&mut self, cum: u64, mut f: impl FnMut(&Entry)) {
        while self.base <= cum {
            let Some(e) = self.entries.pop_front() else {
                break;
            };
            self.base += 1;
            if e.in_flight() {
                self.sub_flight(e.path, e.len());
            }
            if e.marked {
                self.marked -= 1;
            }
            if e.acked {
                self.gap_acked -= 1;
            }
            if e.abandoned {
                self.abandoned -= 1;
            }
            self.pr -= usize::from(e.pr.is_some());
            self.held -= e.len();
            f(&e);
        }
    }

    /// Acked by a gap block; true when newly acked. A marked chunk no longer needs resending.
    pub(super) fn set_gap_acked(&mut self, idx: usize) -> bool {
        let Some(e) = self.entries.get_mut(idx) else {
            return false;
        };
        if e.acked || e.abandoned {
            return false;
        }
        let (path, len, was_in_flight, was_marked) = (e.path, e.len(), e.in_flight(), e.marked);
        e.acked = true;
        e.marked = false;
        self.gap_acked += 1;
        if was_in_flight {
            self.sub_flight(path, len);
        }
        if was_marked {
            self.marked -= 1;
        }
        true
    }

    /// The peer dropped a chunk it had gap-acked (RFC 9260 §6.2.1 iii): back in flight.
    pub(super) fn renege(&mut self, idx: usize) -> bool {
        let Some(e) = self.entries.get_mut(idx) else {
            return false;
        };
        if !e.acked {
            return false;
        }
        e.acked = false;
        e.reneged = true;
        let (path, len) = (e.path, e.len());
        self.gap_acked -= 1;
        self.add_flight(path, len);
        true
    }

    /// Mark for retransmission; returns the bytes taken out of flight (0 when not marked).
    pub(super) fn mark(&mut self, idx: usize) -> usize {
        let Some(e) = self.entries.get_mut(idx) else {
            return 0;
        };
        if !e.in_flight() {
            return 0;
        }
        e.marked = true;
        let (path, len) = (e.path, e.len());
        self.marked += 1;
        self.sub_flight(path, len);
        len
    }

    /// Give a chunk up (RFC 3758 §3.5): out of flight, never resent. Returns whether it was
    /// not abandoned before.
    pub(super) fn abandon(&mut self, idx: usize) -> bool {
        let Some(e) = self.entries.get_mut(idx) else {
            return false;
        };
        if e.abandoned {
            return false;
        }
        let (path, len, was_in_flight) = (e.path, e.len(), e.in_flight());
        if e.marked {
            self.marked -= 1;
        }
        if e.acked {
            self.gap_acked -= 1;
        }
        e.acked = false;
        e.marked = false;
        e.abandoned = true;
        self.abandoned += 1;
        if was_in_flight {
            self.sub_flight(path, len);
        }
        true
    }

    /// Resend a marked chunk on `path`: it counts in flight once, on its new path.
    pub(super) fn retransmit(&mut self, idx: usize, path: PathId, now: Instant) -> Option<Data> {
        let e = self.entries.get_mut(idx).filter(|e| e.marked)?;
        e.marked = false;
        e.path = path;
        e.sent_at = now;
        e.transmit_count = e.transmit_count.saturating_add(1);
        e.misses = 0;
        let (len, data) = (e.len(), e.data.clone());
        self.marked -= 1;
        self.add_flight(path, len);
        Some(data)
    }

    fn add_flight(&mut self, path: PathId, n: usize) {
        self.in_flight += n;
        match self.flight.iter_mut().find(|(p, _)| *p == path) {
            Some((_, f)) => *f += n,
            None => self.flight.push((path, n)),
        }
    }

    fn sub_flight(&mut self, path: PathId, n: usize) {
        debug_assert!(self.in_flight >= n && self.flight_on(path) >= n);
        self.in_flight = self.in_flight.saturating_sub(n);
        if let Some((_, f)) = self.flight.iter_mut().find(|(p, _)| *p == path) {
            *f = f.saturating_sub(n);
        }
    }

    /// Recompute every counter from the entries and compare (tests).
    #[cfg(test)]
    pub(super) fn check_invariants(&self) {
        let in_flight: usize = self.iter().filter(|e| e.in_flight()).map(Entry::len).sum();
        assert_eq!(self.in_flight, in_flight, "in-flight bytes");
        assert_eq!(self.held, self.iter().map(Entry::len).sum::<usize>());
        assert_eq!(self.marked, self.iter().filter(|e| e.marked).count());
        assert_eq!(self.gap_acked, self.iter().filter(|e| e.acked).count());
        assert_eq!(self.abandoned, self.iter().filter(|e| e.abandoned).count());
        assert_eq!(self.pr, self.iter().filter(|e| e.pr.is_some()).count());
        for &(p, n) in &self.flight {
            let sum: usize = self
                .iter()
                .filter(|e| e.in_flight() && e.path == p)
                .map(Entry::len)
                .sum();
            assert_eq!(n, sum, "flight on {p:?}");
        }
        for (i, e) in self.iter().enumerate() {
            assert_eq!(e.tsn, self.base + i as u64);
            assert!(usize::from(e.acked) + usize::from(e.marked) + usize::from(e.abandoned) <= 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn now() -> Instant {
        crate::test_epoch::epoch()
    }

    fn data(len: usize) -> Data {
        Data {
            payload: Bytes::from(vec![0; len]),
            ..Data::default()
        }
    }

    #[test]
    fn a_chunk_counts_in_flight_once_through_mark_retransmit_gap_ack_and_renege() {
        let t = now();
        let (a, b) = (PathId(0), PathId(1));
        let mut o = Outstanding::new(100);
        o.push(data(10), None, a, t);
        o.push(data(20), None, a, t);
        assert_eq!((o.in_flight_bytes(), o.flight_on(a)), (30, 30));
        assert_eq!(o.mark(0), 10);
        assert_eq!(o.mark(0), 0);
        assert_eq!(
            (o.in_flight_bytes(), o.flight_on(a), o.marked_count()),
            (20, 20, 1)
        );
        assert!(o.retransmit(0, b, t).is_some());
        assert_eq!((o.flight_on(a), o.flight_on(b)), (20, 10));
        assert_eq!(o.get(0).map(|e| e.transmit_count), Some(2));
        assert!(o.set_gap_acked(1));
        assert!(!o.set_gap_acked(1));
        assert_eq!(o.flight_on(a), 0);
        assert!(o.renege(1));
        assert_eq!(o.flight_on(a), 20);
        o.check_invariants();
        let mut popped = Vec::new();
        o.pop_through(100, |e| popped.push(e.tsn));
        assert_eq!(
            (popped, o.base(), o.in_flight_bytes(), o.held_bytes()),
            (vec![100], 101, 20, 20)
        );
        o.check_invariants();
    }
}
