//! A peer's Outgoing SSN Reset Request waiting for our cumulative TSN ack to reach its
//! Sender's Last Assigned TSN (RFC 6525 §5.2.2 E2, "deferred reset processing").

use usctp_wire::{StreamId, Tsn};

/// The reset to perform once every TSN up to `last_tsn` has arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeferredReset {
    /// The request's sequence number (its response is sent once performed).
    pub seq: u32,
    /// The peer's last TSN before the reset.
    pub last_tsn: Tsn,
    /// Our incoming streams to reset (empty: all).
    pub streams: Vec<StreamId>,
}

impl DeferredReset {
    /// A DATA chunk that must wait for this reset: past the last TSN, on a reset stream.
    pub(crate) fn holds(&self, tsn: Tsn, stream: StreamId) -> bool {
        tsn.serial_gt(self.last_tsn) && (self.streams.is_empty() || self.streams.contains(&stream))
    }

    /// Due once the cumulative TSN ack reached the Sender's Last Assigned TSN.
    pub(crate) fn due(&self, cum_ack: Tsn) -> bool {
        cum_ack.serial_ge(self.last_tsn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_at_the_last_assigned_tsn_across_the_wrap() {
        let d = DeferredReset {
            seq: 1,
            last_tsn: Tsn(1),
            streams: vec![],
        };
        assert!(!d.due(Tsn(u32::MAX)));
        assert!(!d.due(Tsn(0)));
        assert!(d.due(Tsn(1)));
        assert!(d.due(Tsn(2)));
    }
}
