//! SACK processing (RFC 9260 §6.2.1), RTT sampling (§6.3.1) and fast retransmit with Fast
//! Recovery (§7.2.4).

use std::time::Instant;

use usctp_wire::chunk::{GapBlock, Sack};
use usctp_wire::Tsn;

use super::congestion::AckEvent;
use super::outstanding::Entry;
use super::sender::{PathSendState, Sender};
use super::SackOutcome;
use crate::inline_first::InlineFirst;
use crate::path::PathId;

/// IPv4 header plus SCTP common header: what a packet carries besides its chunks.
const PACKET_OVERHEAD: usize = 20 + 12;

/// Chunks newly acknowledged by one SACK.
#[derive(Default)]
struct Tally {
    bytes: usize,
    /// Highest TSN newly acknowledged (HTNA, RFC 9260 §7.2.4).
    htna: Option<u64>,
    /// Send time of the highest newly acked chunk that was sent once (Karn).
    rtt: Option<(PathId, Instant)>,
}

impl Tally {
    /// Entries arrive in increasing TSN order, so the last one recorded is the highest.
    fn record(&mut self, e: &Entry, paths: &mut InlineFirst<PathSendState>) {
        self.bytes += e.len();
        self.htna = Some(e.tsn);
        // RFC 9260 §6.3.1 C5: no RTT from a retransmitted chunk.
        if e.transmit_count == 1 {
            self.rtt = Some((e.path(), e.sent_at));
        }
        if let Some(p) = paths.iter_mut().find(|p| p.id == e.path()) {
            p.acked_now += e.len();
        }
    }
}

impl Sender {
    /// Process a SACK (RFC 9260 §6.2.1): cumulative ack, gap blocks, reneging, the peer's rwnd,
    /// congestion windows, miss indications and fast retransmit.
    pub(crate) fn on_sack(&mut self, now: Instant, sack: &Sack) -> SackOutcome {
        self.process_ack(
            now,
            sack.cum_tsn_ack,
            Some(&sack.gap_blocks),
            Some(sack.a_rwnd),
        )
    }

    /// SHUTDOWN carries a cumulative TSN ack (RFC 9260 §9.2): handled like a SACK that says
    /// nothing about gaps (no reneging, no miss indications) and leaves the peer's rwnd alone.
    pub(crate) fn on_shutdown_cum_ack(&mut self, now: Instant, cum: Tsn) -> SackOutcome {
        self.process_ack(now, cum, None, None)
    }

    /// A peer TSN as a u64 near the current cumulative ack (RFC 1982 distance).
    fn unwrap_tsn(&self, tsn: Tsn) -> u64 {
        let cum = self.out.cum_ack();
        let d = Tsn(cum as u32).distance_to(tsn);
        // cum >= 2^32 - 1, so a distance of at most -2^31 cannot underflow.
        cum.wrapping_add_signed(i64::from(d))
    }

    fn process_ack(
        &mut self,
        now: Instant,
        cum: Tsn,
        gaps: Option<&[GapBlock]>,
        a_rwnd: Option<u32>,
    ) -> SackOutcome {
        let mut outcome = SackOutcome::default();
        let old_cum = self.out.cum_ack();
        let cum = self.unwrap_tsn(cum);
        if cum < old_cum {
            // RFC 9260 §6.2.1 D i: the cumulative ack never goes back; an older SACK arrived
            // out of order and is dropped.
            outcome.out_of_order = true;
            return outcome;
        }
        if cum >= self.out.next_tsn() {
            // Acknowledges a TSN never sent: change nothing, let the association abort.
            outcome.protocol_violation = true;
            return outcome;
        }
        for p in self.paths.iter_mut() {
            p.flight_before = self.out.flight_on(p.id);
            p.acked_now = 0;
            p.fast_rtx_now = false;
        }
        let mut tally = Tally::default();
        let paths = &mut self.paths;
        self.out.pop_through(cum, |e| {
            if !e.acked() {
                tally.record(e, paths);
            }
        });
        outcome.cum_advanced = cum > old_cum;
        let (highest_reported, reneged) = match gaps {
            Some(g) => self.apply_gap_blocks(g, &mut tally),
            None => (None, false),
        };
        for p in self.paths.iter_mut() {
            // RFC 9260 §6.2.1 iv, §7.2.4: Fast Recovery ends when the exit point is acked.
            if p.fast_recovery_exit.is_some_and(|x| x <= cum) {
                p.fast_recovery_exit = None;
            }
            p.cc.on_ack(&AckEvent {
                bytes_acked: p.acked_now,
                flight_before: p.flight_before,
                flight_after: self.out.flight_on(p.id),
                cum_advanced: outcome.cum_advanced,
                in_fast_recovery: p.fast_recovery_exit.is_some(),
            });
        }
        if tally.htna.is_some() || reneged {
            let (htna, cum_advanced) = (tally.htna, outcome.cum_advanced);
            outcome.fast_retransmit =
                self.count_misses(htna, highest_reported, cum_advanced, reneged);
        }
        if let Some(a_rwnd) = a_rwnd {
            self.set_peer_window(a_rwnd);
        }
        outcome.newly_acked_bytes = tally.bytes;
        outcome.rtt = tally
            .rtt
            .map(|(p, sent)| (p, now.saturating_duration_since(sent)));
        outcome.acked_paths = self
            .paths
            .iter()
            .filter(|p| p.acked_now > 0)
            .map(|p| p.id)
            .collect();
        outcome
    }

    /// Mark chunks acked by the gap blocks, un-mark those the peer reneged on. Returns the
    /// highest TSN the blocks report and whether anything was reneged.
    fn apply_gap_blocks(&mut self, gaps: &[GapBlock], tally: &mut Tally) -> (Option<u64>, bool) {
        let cum = self.out.cum_ack();
        let highest_sent = self.out.next_tsn() - 1;
        // RFC 9260 §3.3.4: offsets count from cum ack + 1. An inverted block or one that
        // claims TSNs never sent is bogus. A SACK that reports the impossible is no reliable
        // account of what the peer lacks: its bogus blocks are ignored, and chunks it leaves
        // out are not taken as reneged, so nothing already acknowledged is undone (§6.2.1).
        let valid = move |g: &GapBlock| {
            let (start, end) = (cum + u64::from(g.start), cum + u64::from(g.end));
            (g.start != 0 && g.start <= g.end && end <= highest_sent).then_some((start, end))
        };
        let trusted = gaps.iter().all(|g| valid(g).is_some());
        let blocks = gaps.iter().filter_map(valid);
        if blocks.clone().next().is_none() && (self.out.gap_acked_count() == 0 || !trusted) {
            return (None, false);
        }
        // Peers list the blocks in order: walked where they are, no copy held per
        // association; only blocks out of order are sorted, in a copy made for that SACK.
        if blocks.clone().is_sorted() {
            self.walk_gap_blocks(blocks.peekable(), trusted, tally)
        } else {
            let mut sorted: Vec<_> = blocks.collect();
            sorted.sort_unstable();
            self.walk_gap_blocks(sorted.into_iter().peekable(), trusted, tally)
        }
    }

    /// [`Self::apply_gap_blocks`] over valid blocks in TSN order.
    fn walk_gap_blocks(
        &mut self,
        mut blocks: std::iter::Peekable<impl Iterator<Item = (u64, u64)>>,
        trusted: bool,
        tally: &mut Tally,
    ) -> (Option<u64>, bool) {
        let (mut highest, mut reneged) = (None, false);
        let base = self.out.base();
        for idx in 0..self.out.len() {
            let tsn = base + idx as u64;
            while blocks.next_if(|&(_, end)| end < tsn).is_some() {}
            if blocks.peek().is_some_and(|&(start, _)| start <= tsn) {
                highest = Some(tsn);
                if self.out.set_gap_acked(idx) {
                    if let Some(e) = self.out.get(idx) {
                        tally.record(e, &mut self.paths);
                    }
                }
            } else if trusted {
                // RFC 9260 §6.2.1 iii: gap-acked before, missing now: the peer reneged.
                reneged |= self.out.renege(idx);
            }
        }
        (highest, reneged)
    }

    /// RFC 9260 §7.2.4: one miss indication per SACK for each chunk in flight below the HTNA (in
    /// Fast Recovery with an advancing cum ack: below the highest TSN reported), and for each
    /// reneged chunk; the third marks it for fast retransmit. Returns whether any was marked.
    fn count_misses(
        &mut self,
        htna: Option<u64>,
        highest_reported: Option<u64>,
        cum_advanced: bool,
        reneged_any: bool,
    ) -> bool {
        let mut any = false;
        // The queue is in TSN order: past the highest TSN either limit can be, nothing more is
        // missing unless a renege flagged it. Without gap reports that is at once.
        let bound = htna.max(highest_reported);
        for idx in 0..self.out.len() {
            let Some(e) = self.out.get_mut(idx) else {
                break;
            };
            if !reneged_any && bound.is_none_or(|b| e.tsn >= b) {
                break;
            }
            let reneged = std::mem::take(&mut e.reneged);
            // Marked or acked chunks are not missing; a chunk is fast retransmitted once.
            if !e.in_flight() || e.fast_retransmitted {
                continue;
            }
            let path = e.path();
            let in_fr = self
                .paths
                .iter()
                .any(|p| p.id == path && p.fast_recovery_exit.is_some());
            let limit = if in_fr && cum_advanced {
                highest_reported
            } else {
                htna
            };
            if !(reneged || limit.is_some_and(|l| e.tsn < l)) {
                continue;
            }
            e.misses += 1;
            if e.misses < 3 {
                continue;
            }
            e.misses = 0;
            e.fast_retransmitted = true;
            self.mark(idx);
            if let Some(p) = self.paths.iter_mut().find(|p| p.id == path) {
                p.fast_rtx_now = true;
            }
            any = true;
        }
        if any {
            self.enter_fast_recovery();
        }
        any
    }

    /// RFC 9260 §7.2.4 steps 2-3 for every path that just fast retransmitted and was not in
    /// Fast Recovery: cut its window once, record the exit point, and let one packet of
    /// retransmissions go regardless of cwnd.
    fn enter_fast_recovery(&mut self) {
        let exit = self.out.next_tsn() - 1;
        for p in self.paths.iter_mut() {
            if p.fast_rtx_now && p.fast_recovery_exit.is_none() {
                p.cc.on_fast_retransmit();
                p.fast_recovery_exit = Some(exit);
                self.fast_rtx_budget = p.mtu.saturating_sub(PACKET_OVERHEAD);
            }
        }
    }
}
