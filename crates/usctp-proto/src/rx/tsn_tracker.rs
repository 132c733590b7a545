//! Received TSNs: cumulative ack point, out-of-order ranges, duplicates (RFC 9260 §3.3.4, §6.2).

use usctp_wire::chunk::GapBlock;
use usctp_wire::serial::Unwrapper;
use usctp_wire::Tsn;

use super::range_set::RangeSet;

/// What a received TSN is to the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TsnStatus {
    /// Not seen before and within reach; the unwrapped TSN. Not recorded until `record`.
    New(u64),
    /// At or below the cumulative ack point, or already received (noted for the next SACK).
    Duplicate,
    /// Further ahead of the cumulative ack point than the window allows.
    TooFar,
}

/// TSNs are unwrapped to u64 relative to the cumulative ack point, so the sets below have a
/// total order across the 32-bit wrap.
#[derive(Debug, Clone)]
pub(crate) struct TsnTracker {
    /// Anchored at `cum`: incoming TSNs unwrap to the nearest value around it.
    unwrapper: Unwrapper,
    cum: u64,
    /// Received TSNs above `cum`; never holds `cum + 1`.
    above: RangeSet,
    dups: Vec<Tsn>,
    max_dups: usize,
    max_ahead: u64,
}

impl TsnTracker {
    /// Nothing received yet: the cumulative ack point is the TSN before the peer's initial
    /// TSN (RFC 9260 §6.2). TSNs more than `max_ahead` beyond it are refused; at most
    /// `max_dups` duplicates are remembered between SACKs.
    pub(crate) fn new(peer_initial_tsn: Tsn, max_ahead: u64, max_dups: usize) -> Self {
        let mut unwrapper = Unwrapper::new();
        let cum = unwrapper.unwrap(peer_initial_tsn.sub(1));
        Self {
            unwrapper,
            cum,
            above: RangeSet::default(),
            dups: Vec::new(),
            max_dups,
            max_ahead,
        }
    }

    /// Classify `tsn`; a duplicate is remembered for the next SACK (RFC 9260 §6.2).
    pub(crate) fn classify(&mut self, tsn: Tsn) -> TsnStatus {
        let t = self.unwrapper.peek(tsn);
        if t <= self.cum || self.above.contains(t) {
            if self.dups.len() < self.max_dups {
                self.dups.push(tsn);
            }
            return TsnStatus::Duplicate;
        }
        // RFC 9260 §6.2: a receiver with no room for a chunk drops it. Bounding the distance
        // bounds the range set and keeps every gap offset within 16 bits (§3.3.4).
        if t - self.cum > self.max_ahead {
            return TsnStatus::TooFar;
        }
        TsnStatus::New(t)
    }

    /// Record a new TSN (from `TsnStatus::New`) as received, advancing the cumulative ack
    /// point over every TSN now received in sequence.
    pub(crate) fn record(&mut self, t: u64) {
        if t <= self.cum {
            return;
        }
        // In-sequence arrival with nothing above: the common case, no set operation.
        if t == self.cum + 1 && self.above.is_empty() {
            self.cum = t;
            self.unwrapper.unwrap(Tsn(t as u32));
            return;
        }
        if !self.above.insert(t) {
            return;
        }
        if let Some((start, end)) = self.above.first() {
            if start == self.cum + 1 {
                self.above.pop_first();
                self.cum = end;
                self.unwrapper.unwrap(Tsn(end as u32));
            }
        }
    }

    /// A FORWARD TSN moved the cumulative ack point to `tsn` (RFC 3758 §3.6): every TSN up to
    /// it counts as received, and any received in sequence after it too. Returns `tsn`
    /// unwrapped (what was skipped ends there), or `None` when it is not ahead of the
    /// cumulative ack point (an out-of-date FORWARD TSN) or further ahead than DATA may be.
    pub(crate) fn forward(&mut self, tsn: Tsn) -> Option<u64> {
        let t = self.unwrapper.peek(tsn);
        // Beyond the reach DATA has, no sender can have used the TSNs (its window bounds
        // them): a FORWARD TSN there is discarded, as Linux does, rather than acknowledging
        // TSNs the peer never sent (usrsctp sends one 2^31 ahead after an SSN/TSN reset).
        if t <= self.cum || t - self.cum > self.max_ahead {
            return None;
        }
        self.above.remove_through(t);
        self.cum = t;
        if let Some((_, end)) = self.above.first().filter(|&(s, _)| s == t + 1) {
            self.above.pop_first();
            self.cum = end;
        }
        self.unwrapper.unwrap(Tsn(self.cum as u32));
        Some(t)
    }

    /// The cumulative TSN ack point.
    pub(crate) fn cum_ack(&self) -> Tsn {
        Tsn(self.cum as u32)
    }

    /// The cumulative TSN ack point, unwrapped.
    pub(crate) fn cum_unwrapped(&self) -> u64 {
        self.cum
    }

    /// True while some TSN above the cumulative ack point has been received.
    pub(crate) fn has_gaps(&self) -> bool {
        !self.above.is_empty()
    }

    /// Gap Ack Blocks as offsets from the cumulative ack point (RFC 9260 §3.3.4), lowest
    /// first, at most `max` of them: the highest are left out.
    pub(crate) fn gap_blocks(&self, max: usize) -> Vec<GapBlock> {
        let mut out = Vec::with_capacity(self.above.len().min(max));
        for (start, end) in self.above.iter() {
            // Offsets fit 16 bits while max_ahead <= u16::MAX; past that, report no more
            // than what fits (a block may only claim TSNs really received).
            let Ok(start) = u16::try_from(start - self.cum) else {
                break;
            };
            if out.len() == max {
                break;
            }
            let end = u16::try_from(end - self.cum).unwrap_or(u16::MAX);
            out.push(GapBlock { start, end });
        }
        out
    }

    /// The duplicates noted since the last call, at most `max` (the rest are forgotten).
    pub(crate) fn take_dups(&mut self, max: usize) -> Vec<Tsn> {
        let mut dups = std::mem::take(&mut self.dups);
        dups.truncate(max);
        dups
    }

    /// Duplicates noted since the last `take_dups`.
    #[cfg(test)]
    pub(crate) fn dup_count(&self) -> usize {
        self.dups.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb(start: u16, end: u16) -> GapBlock {
        GapBlock { start, end }
    }

    fn feed(t: &mut TsnTracker, tsn: u32) -> TsnStatus {
        let s = t.classify(Tsn(tsn));
        if let TsnStatus::New(u) = s {
            t.record(u);
        }
        s
    }

    #[test]
    fn cum_ack_starts_before_initial_tsn_and_advances_in_sequence() {
        let mut t = TsnTracker::new(Tsn(100), 1000, 16);
        assert_eq!(t.cum_ack(), Tsn(99));
        assert!(matches!(feed(&mut t, 100), TsnStatus::New(_)));
        assert!(matches!(feed(&mut t, 101), TsnStatus::New(_)));
        assert_eq!(t.cum_ack(), Tsn(101));
        assert!(!t.has_gaps());
    }

    #[test]
    fn tsn_wrap_around_near_u32_max() {
        let mut t = TsnTracker::new(Tsn(u32::MAX - 1), 1000, 16);
        for tsn in [u32::MAX - 1, u32::MAX, 0, 2] {
            assert!(matches!(feed(&mut t, tsn), TsnStatus::New(_)));
        }
        assert_eq!(t.cum_ack(), Tsn(0));
        assert_eq!(t.gap_blocks(10), [gb(2, 2)]);
        feed(&mut t, 1);
        assert_eq!(t.cum_ack(), Tsn(2));
        assert_eq!(feed(&mut t, u32::MAX), TsnStatus::Duplicate);
        assert_eq!(t.take_dups(10), [Tsn(u32::MAX)]);
    }

    #[test]
    fn gaps_are_reported_as_offsets_from_cum_ack() {
        // RFC 9260 §3.3.4: blocks are offsets relative to the Cumulative TSN Ack.
        let mut t = TsnTracker::new(Tsn(1), 1000, 16);
        for tsn in [1, 2, 4, 5, 8, 10, 11, 12] {
            feed(&mut t, tsn);
        }
        assert_eq!(t.cum_ack(), Tsn(2));
        assert!(t.has_gaps());
        assert_eq!(t.gap_blocks(10), [gb(2, 3), gb(6, 6), gb(8, 10)]);
        // Filling the first hole moves the cum ack and re-bases the offsets.
        feed(&mut t, 3);
        assert_eq!(t.cum_ack(), Tsn(5));
        assert_eq!(t.gap_blocks(10), [gb(3, 3), gb(5, 7)]);
        // Truncation keeps the lowest blocks.
        assert_eq!(t.gap_blocks(1), [gb(3, 3)]);
    }

    #[test]
    fn duplicates_are_recorded_once_per_receipt_and_bounded() {
        let mut t = TsnTracker::new(Tsn(1), 1000, 3);
        feed(&mut t, 1);
        feed(&mut t, 5);
        for tsn in [1, 5, 1, 0, 5] {
            assert_eq!(feed(&mut t, tsn), TsnStatus::Duplicate);
        }
        assert_eq!(t.dup_count(), 3);
        assert_eq!(t.take_dups(2), [Tsn(1), Tsn(5)]);
        assert_eq!(t.dup_count(), 0);
        assert!(t.take_dups(10).is_empty());
    }

    #[test]
    fn tsn_beyond_reach_is_too_far_and_not_recorded() {
        let mut t = TsnTracker::new(Tsn(1), 10, 16);
        let cum = t.cum_unwrapped();
        assert_eq!(feed(&mut t, 10), TsnStatus::New(cum + 10));
        assert_eq!(feed(&mut t, 11), TsnStatus::TooFar);
        assert_eq!(t.gap_blocks(10), [gb(10, 10)]);
        // A TSN half the serial space away is "behind": a duplicate, never a huge gap.
        assert_eq!(feed(&mut t, 1 + (1 << 31)), TsnStatus::Duplicate);
    }
}
