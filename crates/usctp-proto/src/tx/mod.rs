//! The send side of an association: send queue and stream scheduler, fragmentation, outstanding
//! data, SACK processing, retransmission marking (T3, fast retransmit) and congestion control per
//! path (RFC 9260 §6, §7).
//!
//! Byte counts (flight size, outstanding bytes, the peer's rwnd, cwnd) are DATA payload bytes,
//! the unit the peer's a_rwnd is counted in.

mod abandon;
mod congestion;
mod i_forward;
mod outstanding;
mod sack_processing;
mod scheduler;
mod send_options;
mod send_queue;
mod sender;
mod stream_reset;
#[cfg(test)]
mod tests;
mod transmit;

use std::time::Duration;

use usctp_wire::StreamId;

use crate::path::PathId;

pub use abandon::{AbandonReason, AbandonedMessage, PrStats};
#[cfg(test)]
use congestion::{AckEvent, CongestionControl};
pub use scheduler::StreamScheduler;
pub use send_options::SendOptions;
pub(crate) use sender::Sender;

/// Why `Association::send` refused a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// Back-pressure: `send_queue_limit` reached; retry after data is acked.
    #[error("send queue full")]
    QueueFull,
    /// Larger than `max_message_size` (or `send_queue_limit`, whichever is smaller).
    #[error("message of {size} bytes exceeds the maximum of {max}")]
    TooLarge {
        /// Message size.
        size: usize,
        /// Largest accepted.
        max: usize,
    },
    /// The stream is not below the outbound stream count.
    #[error("stream {stream} is not below the {streams} outbound streams")]
    InvalidStream {
        /// Stream asked for.
        stream: StreamId,
        /// Outbound streams.
        streams: u16,
    },
    /// Zero-length messages are not allowed (RFC 9260 §6.2, No User Data).
    #[error("empty message")]
    Empty,
}

/// What a SACK (or the cumulative ack of a SHUTDOWN) did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct SackOutcome {
    /// The Cumulative TSN Ack Point advanced.
    pub cum_advanced: bool,
    /// Payload bytes newly acknowledged (cumulative ack and gap blocks).
    pub newly_acked_bytes: usize,
    /// RTT sample: only from a chunk sent once (Karn, RFC 9260 §6.3.1 C5), at most one per SACK.
    pub rtt: Option<(PathId, Duration)>,
    /// Paths that had data newly acked (their error counters reset, RFC 9260 §8.3).
    pub acked_paths: Vec<PathId>,
    /// Chunks were marked for fast retransmit (RFC 9260 §7.2.4).
    pub fast_retransmit: bool,
    /// The SACK was older than the current cumulative ack and was ignored (RFC 9260 §6.2.1 D i).
    pub out_of_order: bool,
    /// The cumulative ack is beyond the highest TSN sent: nothing was changed; the association
    /// should ABORT with a Protocol Violation cause.
    pub protocol_violation: bool,
}
