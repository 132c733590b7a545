//! When a SACK is owed: at once or after the delayed-ack timeout (RFC 9260 §6.2, §6.7;
//! RFC 7053).

use std::time::{Duration, Instant};

/// RFC 9260 §6.2: the delayed-SACK timeout MUST NOT exceed 500 ms.
const MAX_SACK_DELAY: Duration = Duration::from_millis(500);

/// Delayed-SACK state of one association, fed per DATA chunk and per packet.
#[derive(Debug, Clone)]
pub(crate) struct SackTiming {
    delay: Duration,
    frequency: u32,
    /// Packets with DATA since the last SACK.
    packets: u32,
    due: Option<Instant>,
    /// Within a packet: a DATA chunk has been seen since the last `on_packet_end`.
    in_packet: bool,
    /// Gaps existed when the current packet began (it fills or leaves them).
    gaps_at_start: bool,
    /// The current packet had a duplicate or a dropped chunk.
    urgent: bool,
    /// Time of the last packet, for window updates requested between packets.
    last_now: Option<Instant>,
}

impl SackTiming {
    pub(crate) fn new(delay: Duration, frequency: u32) -> Self {
        Self {
            delay: delay.min(MAX_SACK_DELAY),
            frequency: frequency.max(1),
            packets: 0,
            due: None,
            in_packet: false,
            gaps_at_start: false,
            urgent: false,
            last_now: None,
        }
    }

    /// A DATA chunk of the current packet; `has_gaps` is the tracker's state before it.
    pub(crate) fn on_chunk(&mut self, has_gaps: bool) {
        if !self.in_packet {
            self.in_packet = true;
            self.gaps_at_start = has_gaps;
        }
    }

    /// The current packet had a duplicate TSN or a chunk dropped for lack of room.
    pub(crate) fn mark_urgent(&mut self) {
        self.urgent = true;
    }

    /// The packet is over. `immediate`: its I bit (RFC 7053); `has_gaps`: gaps remain.
    pub(crate) fn on_packet_end(&mut self, now: Instant, immediate: bool, has_gaps: bool) {
        self.packets = self.packets.saturating_add(1);
        // The first packet of DATA of the association is SACKed at once, as Linux does and
        // ETSI sctp-a-v-9-1 expects (the RFC 2960 rule): the peer's slow start gains a round
        // trip. `last_now` is unset exactly until then.
        let first = self.last_now.replace(now).is_none();
        // RFC 9260 §6.7: SACK at once when a gap is seen, and after each packet that does not
        // fill it, and when one is filled; §6.2: at once for duplicates (MUST when the packet
        // had only duplicates) and when a chunk is dropped for lack of room (MUST), and at
        // least for every second packet; RFC 7053: at once when the sender asks.
        let now_due = immediate
            || first
            || self.urgent
            || self.gaps_at_start
            || has_gaps
            || self.packets >= self.frequency;
        let at = if now_due { now } else { now + self.delay };
        // The delay runs from the first unacknowledged packet; later ones never postpone it.
        self.due = Some(self.due.map_or(at, |d| d.min(at)));
        self.in_packet = false;
        self.gaps_at_start = false;
        self.urgent = false;
    }

    /// Ask for a SACK now (a window update), if any packet was ever received.
    pub(crate) fn request_now(&mut self) {
        if let Some(t) = self.last_now {
            self.due = Some(self.due.map_or(t, |d| d.min(t)));
        }
    }

    /// When the SACK is due (it may ride in any packet sent before then); `None`: nothing owed.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        self.due
    }

    /// A SACK went out: nothing owed any more.
    pub(crate) fn on_sack_sent(&mut self) {
        self.packets = 0;
        self.due = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn base() -> Instant {
        crate::test_epoch::epoch()
    }

    fn packet(s: &mut SackTiming, now: Instant, gaps_before: bool, gaps_after: bool) {
        s.on_chunk(gaps_before);
        s.on_packet_end(now, false, gaps_after);
    }

    /// A timing whose first packet (SACKed at once) came at `base()` and was acknowledged.
    fn after_first(delay: Duration, frequency: u32) -> SackTiming {
        let mut s = SackTiming::new(delay, frequency);
        packet(&mut s, base(), false, false);
        s.on_sack_sent();
        s
    }

    #[test]
    fn first_packet_of_the_association_is_sacked_at_once() {
        let t0 = base();
        let mut s = SackTiming::new(200 * MS, 2);
        assert_eq!(s.deadline(), None);
        packet(&mut s, t0, false, false);
        assert_eq!(s.deadline(), Some(t0));
        s.on_sack_sent();
        packet(&mut s, t0 + MS, false, false);
        assert_eq!(s.deadline(), Some(t0 + 201 * MS), "only the first");
    }

    #[test]
    fn in_order_packet_is_delayed_by_sack_delay() {
        let t0 = base() + Duration::from_secs(1);
        let mut s = after_first(200 * MS, 2);
        assert_eq!(s.deadline(), None);
        packet(&mut s, t0, false, false);
        assert_eq!(s.deadline(), Some(t0 + 200 * MS));
    }

    #[test]
    fn every_second_packet_is_sacked_at_once() {
        let t0 = base() + Duration::from_secs(1);
        let mut s = after_first(200 * MS, 2);
        packet(&mut s, t0, false, false);
        packet(&mut s, t0 + 10 * MS, false, false);
        assert_eq!(s.deadline(), Some(t0 + 10 * MS));
        s.on_sack_sent();
        assert_eq!(s.deadline(), None);
        packet(&mut s, t0 + 20 * MS, false, false);
        assert_eq!(s.deadline(), Some(t0 + 220 * MS));
    }

    #[test]
    fn later_packets_do_not_postpone_the_delayed_sack() {
        let t0 = base() + Duration::from_secs(1);
        let mut s = after_first(200 * MS, 3);
        packet(&mut s, t0, false, false);
        packet(&mut s, t0 + 50 * MS, false, false);
        assert_eq!(s.deadline(), Some(t0 + 200 * MS));
    }

    #[test]
    fn sack_delay_is_capped_at_500_ms() {
        let t0 = base() + Duration::from_secs(1);
        let mut s = after_first(Duration::from_secs(3), 2);
        packet(&mut s, t0, false, false);
        assert_eq!(s.deadline(), Some(t0 + 500 * MS));
    }

    #[test]
    fn gap_seen_or_filled_is_sacked_at_once() {
        let t0 = base() + Duration::from_secs(1);
        let mut s = after_first(200 * MS, 10);
        packet(&mut s, t0, false, true); // opens a gap
        assert_eq!(s.deadline(), Some(t0));
        s.on_sack_sent();
        packet(&mut s, t0 + MS, true, true); // does not fill it
        assert_eq!(s.deadline(), Some(t0 + MS));
        s.on_sack_sent();
        packet(&mut s, t0 + 2 * MS, true, false); // fills it
        assert_eq!(s.deadline(), Some(t0 + 2 * MS));
    }

    #[test]
    fn duplicate_or_dropped_chunk_is_sacked_at_once() {
        let t0 = base() + Duration::from_secs(1);
        let mut s = after_first(200 * MS, 10);
        s.on_chunk(false);
        s.mark_urgent();
        s.on_packet_end(t0, false, false);
        assert_eq!(s.deadline(), Some(t0));
        s.on_sack_sent();
        // The flag does not leak into the next packet.
        packet(&mut s, t0 + MS, false, false);
        assert_eq!(s.deadline(), Some(t0 + 201 * MS));
    }

    #[test]
    fn i_bit_is_sacked_at_once() {
        let t0 = base() + Duration::from_secs(1);
        let mut s = after_first(200 * MS, 10);
        s.on_chunk(false);
        s.on_packet_end(t0, true, false);
        assert_eq!(s.deadline(), Some(t0));
    }

    #[test]
    fn window_update_is_due_at_once_after_any_packet() {
        let t0 = base();
        let mut s = SackTiming::new(200 * MS, 10);
        s.request_now();
        assert_eq!(s.deadline(), None);
        packet(&mut s, t0, false, false);
        s.request_now();
        assert_eq!(s.deadline(), Some(t0));
    }
}
