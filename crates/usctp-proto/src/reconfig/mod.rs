//! Stream reconfiguration (RFC 6525): request and response sequence numbers, the one
//! outstanding RE-CONFIG chunk and its retransmission, the responder with its cached
//! responses, deferred resets, and the messages held back while a reset is under way.
//!
//! The association wires it in (`association/reconfig*.rs`); the stream state it changes
//! lives in `tx` and `rx` (`stream_reset.rs` there).

mod deferred;
mod held;
mod in_flight;
mod request;
mod responder;
mod validate;

use usctp_wire::StreamId;

pub(crate) use deferred::DeferredReset;
pub(crate) use held::{Held, HeldMessage};
pub(crate) use in_flight::{InFlight, Open};
pub(crate) use request::{request_seq, Request};
pub(crate) use responder::{Check, Responder};
pub(crate) use validate::known_params;

/// Streams one request lists at most: the chunk must fit one packet on any path.
pub(crate) const MAX_LISTED_STREAMS: usize = 512;

/// The kinds of re-configuration request (RFC 6525 §4.1-§4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReconfigRequest {
    /// Reset of our outgoing streams (Outgoing SSN Reset Request).
    ResetOutgoing,
    /// Reset of the peer's outgoing streams (Incoming SSN Reset Request).
    ResetIncoming,
    /// Reset of every SSN and of both TSNs (SSN/TSN Reset Request).
    ResetSsnTsn,
    /// More outgoing streams (Add Outgoing Streams Request).
    AddOutgoing,
    /// More incoming streams (Add Incoming Streams Request).
    AddIncoming,
}

/// Which side's sending direction a stream reset concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StreamDirection {
    /// Streams we send on: our next SSN on them is 0 again.
    Outgoing,
    /// Streams we receive on: the next SSN we expect on them is 0 again.
    Incoming,
}

/// The RE-CONFIG state of one association, made at its first use.
#[derive(Debug)]
pub(crate) struct Reconfig {
    /// Our next request sequence number (RFC 6525 §5.1.1: starts at our initial TSN).
    pub next_seq: u32,
    /// Requests waiting to be sent (one, or two that share a chunk).
    pub pending: Vec<Request>,
    /// The RE-CONFIG chunk with requests that are outstanding.
    pub in_flight: Option<InFlight>,
    /// The peer's request sequence numbers and our last responses.
    pub responder: Responder,
    /// A peer's reset waiting for the cumulative TSN ack.
    pub deferred: Option<DeferredReset>,
    /// Messages held back by a reset of their stream.
    pub held: Held,
    /// DATA chunks past a deferred reset's last TSN, with their unwrapped TSNs, waiting for
    /// it (RFC 6525 §5.2.2 E2). Bounded by the receive window, which counts their bytes.
    pub aside: Vec<(u64, crate::rx::AsideChunk)>,
}

impl Reconfig {
    pub(crate) fn new(local_initial_tsn: u32, peer_initial_tsn: u32) -> Self {
        Self {
            next_seq: local_initial_tsn,
            pending: Vec::new(),
            in_flight: None,
            responder: Responder::new(peer_initial_tsn),
            deferred: None,
            held: Held::default(),
            aside: Vec::new(),
        }
    }

    /// A request of ours waits or is outstanding.
    pub(crate) fn busy(&self) -> bool {
        !self.pending.is_empty() || self.in_flight.is_some()
    }

    /// A reset of `stream` waits or is outstanding: messages sent on it now are held.
    pub(crate) fn holds(&self, stream: StreamId) -> bool {
        let open = self.in_flight.iter().flat_map(|f| f.open.iter());
        self.pending.iter().any(|r| r.holds(stream))
            || open.into_iter().any(|o| o.request.holds(stream))
    }

    /// Take the next request sequence number.
    pub(crate) fn take_seq(&mut self) -> u32 {
        let s = self.next_seq;
        self.next_seq = s.wrapping_add(1);
        s
    }
}
