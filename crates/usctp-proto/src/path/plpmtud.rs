//! PLPMTUD search state of one path (RFC 8899 §5.2): which size to probe next, what the
//! answer or loss of a probe means, and the black-hole fallback (§4.3).

/// BASE_PLPMTU (RFC 8899 §5.1.4): the size every path is assumed to carry.
pub(crate) const BASE_PLPMTU: usize = 1200;
/// The search ends when the bounds are this close, bytes.
const GRANULARITY: usize = 32;

/// Where the search is (RFC 8899 §5.2, without the BASE and ERROR states: the association's
/// HEARTBEATs already confirm the base size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// SEARCHING: probing for a larger size.
    Search,
    /// SEARCH_COMPLETE: nothing to probe until PMTU_RAISE_TIMER.
    Complete,
    /// Packets of the current size seem lost: a probe of that size confirms it (§4.3).
    Validate,
}

/// The probe in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SizeProbe {
    pub nonce: u64,
    pub size: usize,
}

/// Per-path search state.
#[derive(Debug, Clone)]
pub(crate) struct Plpmtud {
    pub phase: Phase,
    /// The PLPMTU: the largest size confirmed.
    pub low: usize,
    /// Smallest size believed too big.
    high: usize,
    /// MAX_PLPMTU.
    max: usize,
    /// The size probed last and how many probes it had.
    size: usize,
    count: u32,
    pub outstanding: Option<SizeProbe>,
    /// The outstanding probe still has to be built and sent.
    pub due: bool,
}

impl Plpmtud {
    pub(crate) fn new(max_mtu: usize) -> Self {
        let max = max_mtu.max(BASE_PLPMTU) & !3;
        Self {
            phase: Phase::Search,
            low: BASE_PLPMTU,
            high: max + 1,
            max,
            size: 0,
            count: 0,
            outstanding: None,
            due: false,
        }
    }

    /// The next size to probe; `None` when the search has nothing left. The ceiling is
    /// tried first (the usual case: the path carries the interface MTU), then a binary
    /// search between the bounds (RFC 8899 §5.3.2 leaves the method open).
    pub(crate) fn next_size(&self) -> Option<usize> {
        match self.phase {
            Phase::Complete => None,
            Phase::Validate => Some(self.low),
            Phase::Search if self.high > self.max => (self.max > self.low).then_some(self.max),
            Phase::Search => {
                let mid = ((self.low + self.high) / 2) & !3;
                (self.high - self.low > GRANULARITY && mid > self.low).then_some(mid)
            }
        }
    }

    /// A probe of `size` left; the count restarts with each new size.
    pub(crate) fn sent(&mut self, size: usize, nonce: u64) {
        if size != self.size {
            self.size = size;
            self.count = 0;
        }
        self.count += 1;
        self.outstanding = Some(SizeProbe { nonce, size });
        self.due = true;
    }

    /// PROBE_TIMER expired with the probe unanswered. After MAX_PROBES losses the size is
    /// too big; when that size was the current PLPMTU, a black hole: returns the base to
    /// fall back to (§4.3), and the search starts again below the failed size.
    pub(crate) fn on_probe_lost(&mut self, max_probes: u32) -> Option<usize> {
        let probe = self.outstanding.take()?;
        if self.count < max_probes {
            return None;
        }
        self.count = 0;
        self.size = 0;
        if self.phase == Phase::Validate {
            self.phase = Phase::Search;
            self.high = probe.size;
            self.low = BASE_PLPMTU;
            return Some(BASE_PLPMTU);
        }
        self.high = self.high.min(probe.size);
        None
    }

    /// A HEARTBEAT ACK answered the probe with `nonce`: returns the size it confirms.
    pub(crate) fn on_ack(&mut self, nonce: u64) -> Option<usize> {
        let p = self.outstanding.filter(|p| p.nonce == nonce)?;
        self.outstanding = None;
        self.count = 0;
        self.low = self.low.max(p.size);
        self.high = self.high.max(self.low + 1);
        if self.phase == Phase::Validate {
            self.phase = Phase::Search;
        }
        Some(p.size)
    }

    /// Nothing left to search.
    pub(crate) fn complete(&mut self) {
        self.phase = Phase::Complete;
    }

    /// PMTU_RAISE_TIMER (§5.1.1): search again up to the ceiling.
    pub(crate) fn raise(&mut self) {
        self.phase = Phase::Search;
        self.high = self.max + 1;
    }

    /// Packets of the current size went unacknowledged (a T3-rtx expiry): validate the
    /// PLPMTU with a probe of that size. True if validation starts.
    pub(crate) fn suspect(&mut self) -> bool {
        if self.low <= BASE_PLPMTU || self.phase == Phase::Validate {
            return false;
        }
        self.phase = Phase::Validate;
        self.outstanding = None;
        self.size = 0;
        self.count = 0;
        true
    }

    /// A verified Packet Too Big reported `mtu` (§4.6.2). Below the PLPMTU it lowers it (to
    /// no less than the base; returned) and the search resumes below `mtu`; smaller than the
    /// probe in flight, it fails that probe at once. Otherwise it is ignored.
    pub(crate) fn on_ptb(&mut self, mtu: usize) -> Option<usize> {
        if self.outstanding.is_some_and(|p| mtu < p.size) {
            self.outstanding = None;
            self.count = 0;
            self.size = 0;
            self.high = self.high.min(mtu + 1);
        }
        if mtu >= self.low {
            return None;
        }
        self.low = mtu.max(BASE_PLPMTU);
        self.high = self.high.min(mtu + 1).max(self.low + 1);
        self.phase = Phase::Search;
        Some(self.low)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_first_then_binary_search() {
        let mut s = Plpmtud::new(9000);
        assert_eq!(s.next_size(), Some(9000));
        for n in 0..3 {
            s.sent(9000, n);
            assert_eq!(s.on_probe_lost(3), None);
        }
        let mid = s.next_size().expect("a size below the ceiling");
        assert!(mid > 1200 && mid < 9000 && mid % 4 == 0);
        s.sent(mid, 7);
        assert_eq!(s.on_ack(8), None, "wrong nonce");
        assert_eq!(s.on_ack(7), Some(mid));
        assert_eq!(s.low, mid);
        // A path carrying 6000 bytes: the search converges below it, then stops.
        let mut steps = 0;
        while let Some(n) = s.next_size() {
            for k in 0..3 {
                s.sent(n, k);
                if n <= 6000 {
                    assert_eq!(s.on_ack(k), Some(n));
                    break;
                }
                assert_eq!(s.on_probe_lost(3), None);
            }
            steps += 1;
            assert!(steps < 20);
        }
        assert!(s.low <= 6000 && s.low > 6000 - GRANULARITY);
    }

    #[test]
    fn black_hole_falls_back_to_base() {
        let mut s = Plpmtud::new(9000);
        s.sent(9000, 1);
        s.on_ack(1);
        s.complete();
        assert!(s.suspect());
        assert!(!s.suspect(), "once");
        assert_eq!(s.next_size(), Some(9000));
        s.sent(9000, 2);
        assert_eq!(s.on_probe_lost(2), None);
        s.sent(9000, 3);
        assert_eq!(s.on_probe_lost(2), Some(BASE_PLPMTU));
        assert_eq!(s.phase, Phase::Search);
        assert!(s.next_size().is_some_and(|n| n < 9000));
        assert!(!Plpmtud::new(9000).suspect(), "nothing below the base");
    }

    #[test]
    fn ptb_lowers_and_fails_larger_probes() {
        let mut s = Plpmtud::new(9000);
        s.sent(9000, 1);
        s.on_ack(1);
        s.raise();
        assert_eq!(s.on_ptb(9500), None, "never up");
        assert_eq!(s.on_ptb(1400), Some(1400));
        assert_eq!(s.low, 1400);
        assert_eq!(s.next_size(), None, "1401 is too big");
        assert_eq!(s.on_ptb(100), Some(BASE_PLPMTU), "floor");
        s.raise();
        let n = s.next_size().expect("the ceiling again");
        s.sent(n, 4);
        assert_eq!(s.on_ptb(n - 8), None);
        assert_eq!(s.outstanding, None);
    }
}
