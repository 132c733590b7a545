//! A snapshot of every path's state and counters, for monitoring and tests.

use std::net::IpAddr;
use std::time::Duration;

use super::{PathCounters, PathId};
use crate::event::PathState;
use crate::TransportAddr;

/// One path at the time of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PathStats {
    /// Its id.
    pub id: PathId,
    /// The peer's transport address.
    pub remote: TransportAddr,
    /// The local address its packets leave from.
    pub local: Option<IpAddr>,
    /// Reachability.
    pub state: PathState,
    /// Smoothed RTT, once measured.
    pub srtt: Option<Duration>,
    /// RTT variation.
    pub rttvar: Duration,
    /// Current RTO (backed off after timeouts).
    pub rto: Duration,
    /// Congestion window, bytes.
    pub cwnd: usize,
    /// Slow-start threshold, bytes.
    pub ssthresh: usize,
    /// Bytes of DATA in flight on it.
    pub flight_size: usize,
    /// Consecutive errors (RFC 9260 §8.2).
    pub error_count: u32,
    /// Path MTU.
    pub mtu: usize,
    /// Packets and bytes each way.
    pub counters: PathCounters,
    /// Where the peer's address came from.
    pub origin: PathOrigin,
}

/// Where a path's peer address came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PathOrigin {
    /// The handshake: the source of the INIT / INIT ACK, or an address it listed.
    Handshake,
    /// An ASCONF of the peer's added it (RFC 5061 §4.2.1).
    Asconf,
}

/// Every path of an association, plus which one is primary and which carries new data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssociationStats {
    /// The primary path (the user's choice, or the failover target without switch-back).
    pub primary: PathId,
    /// Where new data goes now.
    pub data_path: PathId,
    /// Consecutive timeouts across all paths (RFC 9260 §8.1).
    pub error_count: u32,
    /// Bytes of DATA sent and not yet cumulatively acknowledged.
    pub outstanding_bytes: usize,
    /// User bytes queued, not yet sent.
    pub queued_bytes: usize,
    /// The peer's receive window as the sender tracks it: its last a_rwnd less the bytes in
    /// flight since (RFC 9260 §6.2.1).
    pub peer_rwnd: u32,
    /// The extensions in force: ours that the peer offered too (RFC 5061 §4.2.7).
    pub extensions: crate::Extensions,
    /// Messages PR-SCTP abandoned, by policy (RFC 7496 §4).
    pub abandoned: crate::PrStats,
    /// What failed authentication discarded (RFC 4895 §6.3).
    pub auth: crate::AuthStats,
    /// Every path, by id.
    pub paths: Vec<PathStats>,
}

impl AssociationStats {
    /// One path's stats.
    pub fn path(&self, id: PathId) -> Option<&PathStats> {
        self.paths.iter().find(|p| p.id == id)
    }
}
