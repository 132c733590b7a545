//! The sender's part in stream reconfiguration (RFC 6525 §5.1.2, §5.1.4, §5.1.5): whether
//! a reset may go out, the Sender's Last Assigned TSN, SSN and TSN resets, more streams.

use usctp_wire::{StreamId, Tsn};

use super::outstanding::Outstanding;
use super::sender::Sender;

impl Sender {
    /// Something of `streams` (all when empty) is queued, being fragmented, or sent and not
    /// cumulatively acknowledged: their reset must wait.
    pub(crate) fn streams_busy(&self, streams: &[StreamId]) -> bool {
        if streams.is_empty() {
            return !self.is_idle();
        }
        if streams.iter().any(|s| self.queue.stream_pending(*s)) {
            return true;
        }
        (0..self.out.len())
            .filter_map(|i| self.out.get(i))
            .any(|e| streams.contains(&e.data.stream))
    }

    /// The TSN of the last DATA chunk we sent first (RFC 6525 §4.1 Sender's Last Assigned
    /// TSN): the next one minus one.
    pub(crate) fn last_assigned_tsn(&self) -> Tsn {
        Tsn(self.out.next_tsn().wrapping_sub(1) as u32)
    }

    /// The TSN the next new DATA chunk gets.
    pub(crate) fn next_new_tsn(&self) -> Tsn {
        Tsn(self.out.next_tsn() as u32)
    }

    /// Our next SSN on `streams` (all when empty) is 0 (RFC 6525 §5.1.2, §5.2.4 G5).
    pub(crate) fn reset_ssns(&mut self, streams: &[StreamId]) {
        self.queue.reset_ssns(streams);
    }

    /// RFC 6525 §5.1.4: the TSNs start again at `next` (the Receiver's Next TSN of the
    /// peer's response). Only when nothing is outstanding; false (and no change) otherwise.
    pub(crate) fn restart_tsn(&mut self, next: Tsn) -> bool {
        if !self.out.is_empty() {
            return false;
        }
        // Unwrapped one period up, as in `Sender::new`.
        self.out = Outstanding::new((1 << 32) + u64::from(next.0));
        for p in self.paths.iter_mut() {
            p.fast_recovery_exit = None;
        }
        true
    }

    /// Outbound streams `send` accepts.
    pub(crate) fn outbound_stream_count(&self) -> u16 {
        self.queue.outbound()
    }

    /// User bytes queued plus bytes held for retransmission: what the send queue limit
    /// bounds.
    pub(crate) fn committed_bytes(&self) -> usize {
        self.queue.bytes() + self.out.held_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AssociationConfig;
    use crate::path::PathId;
    use crate::tx::SendOptions;
    use bytes::Bytes;

    fn sender() -> Sender {
        let mut s = Sender::new(Tsn(100), 4, 1 << 16, &AssociationConfig::default());
        s.add_path(PathId(0), 1500);
        s
    }

    #[test]
    fn a_stream_is_busy_while_queued_or_outstanding() {
        let t = crate::test_epoch::epoch();
        let mut s = sender();
        assert!(!s.streams_busy(&[]));
        assert_eq!(s.last_assigned_tsn(), Tsn(99));
        s.push(Bytes::from_static(b"a"), &SendOptions::new(1))
            .expect("queued");
        assert!(s.streams_busy(&[StreamId(1)]));
        assert!(!s.streams_busy(&[StreamId(2)]));
        let d = s.next_chunk(t, PathId(0), 1000).expect("sent");
        assert_eq!((d.tsn, d.stream), (Tsn(100), StreamId(1)));
        assert!(s.streams_busy(&[StreamId(1)]) && s.streams_busy(&[]));
        assert_eq!(s.last_assigned_tsn(), Tsn(100));
        assert!(!s.restart_tsn(Tsn(7)), "data outstanding");
    }

    #[test]
    fn ssn_reset_and_tsn_restart() {
        let t = crate::test_epoch::epoch();
        let mut s = sender();
        for _ in 0..2 {
            s.push(Bytes::from_static(b"a"), &SendOptions::new(1))
                .expect("queued");
            s.next_chunk(t, PathId(0), 1000).expect("sent");
        }
        s.reset_ssns(&[StreamId(1)]);
        s.push(Bytes::from_static(b"b"), &SendOptions::new(1))
            .expect("queued");
        let d = s.next_chunk(t, PathId(0), 1000).expect("sent");
        assert_eq!(d.ssn, usctp_wire::Ssn(0));
        let mut idle = sender();
        assert!(idle.restart_tsn(Tsn(u32::MAX)));
        assert_eq!(idle.next_new_tsn(), Tsn(u32::MAX));
        idle.push(Bytes::from_static(b"c"), &SendOptions::new(0))
            .expect("queued");
        assert_eq!(
            idle.next_chunk(t, PathId(0), 1000).map(|d| d.tsn),
            Some(Tsn(u32::MAX))
        );
        assert_eq!(idle.next_new_tsn(), Tsn(0));
    }
}
