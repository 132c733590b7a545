//! The send queue's part in stream reconfiguration (RFC 6525): which streams still have
//! messages to send, SSNs back to 0, and the outbound stream count.

use usctp_wire::{Ssn, StreamId};

use super::SendQueue;

impl SendQueue {
    /// Messages of `stream` are queued, or one is being fragmented.
    pub(in crate::tx) fn stream_pending(&self, stream: StreamId) -> bool {
        self.in_turn(stream.0)
            || self
                .streams
                .get(&stream.0)
                .is_some_and(|s| s.candidate().is_some())
    }

    /// RFC 6525 §5.1.2: after a performed reset, the streams' next SSN is 0 (every stream
    /// when `streams` is empty).
    pub(in crate::tx) fn reset_ssns(&mut self, streams: &[StreamId]) {
        for (id, s) in &mut self.streams {
            if streams.is_empty() || streams.contains(&StreamId(*id)) {
                s.next_ssn = Ssn(0);
                s.next_mid = 0;
                s.next_unordered_mid = 0;
            }
        }
    }

    /// Outbound streams accepted.
    pub(in crate::tx) fn outbound(&self) -> u16 {
        self.outbound_streams
    }
}
