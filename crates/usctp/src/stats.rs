//! Snapshots of an association's state.

use usctp_proto::State;
use usctp_proto::{PathId, PathStats};

/// A snapshot of one association.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssocStats {
    /// Protocol state.
    pub state: State,
    /// Every path, by id.
    pub paths: Vec<PathStats>,
    /// The primary path (the user's choice, or the failover target without switch-back).
    pub primary: PathId,
    /// Bytes sent but not yet acknowledged.
    pub outstanding_bytes: usize,
    /// Bytes queued, not yet sent.
    pub queued_bytes: usize,
    /// The peer's receive window as last advertised.
    pub peer_rwnd: u32,
    /// The extensions in force: ours that the peer offered too (RFC 5061 §4.2.7).
    pub extensions: usctp_proto::Extensions,
    /// Messages PR-SCTP abandoned, by policy, sent or not (RFC 7496 §4).
    pub abandoned: usctp_proto::PrStats,
    /// What failed authentication discarded (RFC 4895 §6.3).
    pub auth: usctp_proto::AuthStats,
    /// Messages `send` queued that the protocol took (not those still in the submission
    /// queue).
    pub messages_sent: u64,
    /// Messages handed to the application (or waiting for `recv`).
    pub messages_received: u64,
    /// The worker that owns the association (0 unless
    /// [`EndpointConfig::workers`](crate::EndpointConfig::workers) > 1).
    pub worker: usize,
}

impl AssocStats {
    pub(crate) fn of(a: &usctp_proto::Association, sent: u64, received: u64) -> Self {
        let core = a.stats();
        Self {
            state: a.state(),
            paths: core.paths,
            primary: core.primary,
            outstanding_bytes: core.outstanding_bytes,
            queued_bytes: core.queued_bytes,
            peer_rwnd: core.peer_rwnd,
            extensions: core.extensions,
            abandoned: core.abandoned,
            auth: core.auth,
            messages_sent: sent,
            messages_received: received,
            worker: 0,
        }
    }
}
