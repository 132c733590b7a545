//! Dynamic address reconfiguration (RFC 5061): our requests with their serial numbers, the one
//! ASCONF outstanding and its retransmission, the peer's serial and our cached answer, and the
//! local addresses a NAT-friendly association has not announced yet.
//!
//! The association wires it in (`association/asconf*.rs`); paths live in `path`.

mod request;
mod responder;

use std::net::IpAddr;

pub(crate) use request::{Outstanding, Requests};
pub(crate) use responder::{Responder, Serial};

/// Address requests queued at most (each costs one ASCONF round trip).
pub(crate) const MAX_QUEUED: usize = 16;

/// An address change we asked the peer for (RFC 5061 §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressRequest {
    /// Add one of our addresses to the association (Add IP Address).
    Add(IpAddr),
    /// Delete one of our addresses from it (Delete IP Address).
    Delete(IpAddr),
    /// Ask the peer to send to this address of ours by preference (Set Primary Address).
    SetPeerPrimary(IpAddr),
    /// Add the address this ASCONF comes from, whatever a NAT makes of it: an Add IP Address
    /// with the wildcard address, sent from `0` (RFC 5061 §4.2.4, NAT-friendly multihoming).
    AddSource(IpAddr),
}

impl AddressRequest {
    /// The address the request is about.
    pub fn addr(self) -> IpAddr {
        match self {
            Self::Add(a) | Self::Delete(a) | Self::SetPeerPrimary(a) | Self::AddSource(a) => a,
        }
    }
}

/// All ASCONF state of one association; made at setup where ASCONF is offered.
#[derive(Debug, Clone)]
pub(crate) struct AsconfState {
    /// Our requests.
    pub requests: Requests,
    /// The peer's requests.
    pub responder: Responder,
    /// Local addresses not announced yet (NAT-friendly): no HEARTBEAT leaves from them, as
    /// the peer would take it as out of the blue until their ASCONF is acknowledged.
    pub unannounced: Vec<IpAddr>,
}

impl AsconfState {
    /// Serial numbers start at each side's initial TSN (RFC 5061 §4.1.1).
    pub(crate) fn new(local_initial_tsn: u32, peer_initial_tsn: u32) -> Self {
        Self {
            requests: Requests::new(local_initial_tsn),
            responder: Responder::new(peer_initial_tsn.wrapping_sub(1)),
            unannounced: Vec::new(),
        }
    }

    /// Whether HEARTBEATs may leave from `local`.
    pub(crate) fn announced(&self, local: Option<IpAddr>) -> bool {
        local.is_none_or(|l| !self.unannounced.contains(&l))
    }
}
