//! One path: a peer transport address with its own state, RTO and error counter
//! (RFC 9260 §6.3, §8.2; RFC 7829).

use std::net::IpAddr;
use std::time::Instant;

use super::{PathId, PathOrigin, RtoEstimator};
use crate::event::PathState;
use crate::{AssociationConfig, TransportAddr};

/// Traffic counters of one path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PathCounters {
    /// Packets sent to the path.
    pub packets_sent: u64,
    /// Bytes sent (SCTP packet bytes).
    pub bytes_sent: u64,
    /// Packets received from the path.
    pub packets_received: u64,
    /// Bytes received.
    pub bytes_received: u64,
    /// Verified ICMP destination-unreachable reports about packets sent to the path.
    pub icmp_unreachable: u64,
    /// Verified ICMP packet-too-big / fragmentation-needed reports.
    pub icmp_too_big: u64,
}

/// An outstanding HEARTBEAT on a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Probe {
    pub nonce: u64,
    pub sent: Instant,
}

/// One destination of the association.
#[derive(Debug, Clone)]
pub(crate) struct Path {
    /// Its id.
    pub id: PathId,
    /// The peer's transport address.
    pub remote: TransportAddr,
    /// The local address packets to it leave from (`None`: the transport chooses).
    pub local: Option<IpAddr>,
    /// Reachability.
    pub state: PathState,
    /// RTO estimator.
    pub rto: RtoEstimator,
    /// Consecutive unacknowledged retransmissions and heartbeats.
    pub error_count: u32,
    /// Path MTU (IP packet size).
    pub mtu: usize,
    /// Traffic counters.
    pub counters: PathCounters,
    /// When the path was last confirmed or made active again (for failover choice).
    pub last_confirmed: Option<Instant>,
    /// When DATA last went to it (an idle path gets heartbeats, RFC 9260 §8.3).
    pub last_data_sent: Option<Instant>,
    pub(crate) probe: Option<Probe>,
    /// When an ICMP unreachable last counted as an error (at most one per RTO).
    pub(crate) last_icmp_error: Option<Instant>,
    /// Where the address came from.
    pub origin: PathOrigin,
    /// The peer deleted the address (RFC 5061): the slot waits for reuse.
    pub(crate) removed: bool,
    /// PLPMTUD search state (RFC 8899), when on; boxed, as it is off by default and every
    /// path of every association carries the field.
    pub(crate) plpmtud: Option<Box<super::Plpmtud>>,
}

impl Path {
    pub(crate) fn new(
        id: PathId,
        remote: TransportAddr,
        local: Option<IpAddr>,
        confirmed: bool,
        now: Instant,
        cfg: &AssociationConfig,
    ) -> Self {
        Self {
            id,
            remote,
            local,
            state: if confirmed {
                PathState::Active
            } else {
                PathState::Unconfirmed
            },
            rto: RtoEstimator::new(cfg.rto_initial, cfg.rto_min, cfg.rto_max),
            error_count: 0,
            mtu: cfg.start_mtu(),
            counters: PathCounters::default(),
            last_confirmed: confirmed.then_some(now),
            last_data_sent: None,
            probe: None,
            last_icmp_error: None,
            origin: PathOrigin::Handshake,
            removed: false,
            plpmtud: cfg
                .plpmtud
                .map(|c| Box::new(super::Plpmtud::new(c.max_mtu))),
        }
    }

    /// Start the RTO afresh at RTO.Initial, forgetting back-off and samples.
    pub(crate) fn reset_rto(&mut self, cfg: &AssociationConfig) {
        self.rto = RtoEstimator::new(cfg.rto_initial, cfg.rto_min, cfg.rto_max);
    }

    /// Largest SCTP packet that fits the path MTU.
    pub(crate) fn max_packet(&self) -> usize {
        self.mtu
            .saturating_sub(self.remote.header_overhead())
            .max(256)
    }

    /// Whether DATA may be sent to it (RFC 9260 §5.4: never to an unconfirmed address).
    pub(crate) fn is_confirmed(&self) -> bool {
        self.state != PathState::Unconfirmed
    }
}
