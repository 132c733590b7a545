//! Snapshots of an association's state.

use std::net::IpAddr;
use std::time::Duration;

use usctp_proto::path::{PathCounters, PathId};
use usctp_proto::{PathState, State, TransportAddr};

/// One path of an association.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PathStats {
    /// Its id within the association.
    pub id: PathId,
    /// The peer's transport address.
    pub remote: TransportAddr,
    /// The local source address, if one is chosen.
    pub local: Option<IpAddr>,
    /// Reachability.
    pub state: PathState,
    /// Whether it is the primary path.
    pub primary: bool,
    /// Smoothed RTT, once measured.
    pub srtt: Option<Duration>,
    /// Current retransmission timeout.
    pub rto: Duration,
    /// Congestion window, bytes.
    pub cwnd: usize,
    /// Slow-start threshold, bytes.
    pub ssthresh: usize,
    /// Consecutive errors.
    pub error_count: u32,
    /// Path MTU (IP packet size), lowered by ICMP packet-too-big reports.
    pub mtu: usize,
    /// Packets and bytes each way.
    pub counters: PathCounters,
}

/// A snapshot of one association.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AssocStats {
    /// Protocol state.
    pub state: State,
    /// Every path.
    pub paths: Vec<PathStats>,
    /// Bytes sent but not yet acknowledged.
    pub outstanding_bytes: usize,
    /// Bytes queued, not yet sent.
    pub queued_bytes: usize,
    /// The peer's receive window as last advertised.
    pub peer_rwnd: u32,
    /// Messages accepted by `send`.
    pub messages_sent: u64,
    /// Messages handed to the application (or waiting for `recv`).
    pub messages_received: u64,
}

impl AssocStats {
    pub(crate) fn of(a: &usctp_proto::Association, sent: u64, received: u64) -> Self {
        let tx = a.sender();
        let primary = a.paths().primary();
        let paths = a
            .paths()
            .iter()
            .map(|p| PathStats {
                id: p.id,
                remote: p.remote,
                local: p.local,
                state: p.state,
                primary: p.id == primary,
                srtt: p.srtt(),
                rto: p.rto.rto(),
                cwnd: tx.cwnd(p.id),
                ssthresh: tx.ssthresh(p.id),
                error_count: p.error_count,
                mtu: p.mtu,
                counters: p.counters,
            })
            .collect();
        Self {
            state: a.state(),
            paths,
            outstanding_bytes: tx.outstanding_bytes(),
            queued_bytes: tx.queued_bytes(),
            peer_rwnd: tx.peer_rwnd(),
            messages_sent: sent,
            messages_received: received,
        }
    }
}
