//! What a State Cookie carries (RFC 9260 §5.1.3): made by the endpoint from an INIT, taken
//! up by the association at COOKIE ECHO.

use usctp_wire::{Tsn, VerificationTag};

use super::Extensions;
use crate::auth::AuthParams;
use crate::AddrList;

/// What a cookie carries: the negotiated parameters of the association-to-be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CookieContents {
    /// When the cookie was made, ms since the endpoint's epoch.
    pub created_ms: u64,
    /// How long it stays valid, ms (Valid.Cookie.Life plus any honoured preservative).
    pub lifetime_ms: u32,
    /// Our Initiate Tag from the INIT ACK: the tag the peer puts on its packets.
    pub local_tag: VerificationTag,
    /// The peer's Initiate Tag from the INIT.
    pub peer_tag: VerificationTag,
    /// Our initial TSN.
    pub local_initial_tsn: Tsn,
    /// The peer's initial TSN.
    pub peer_initial_tsn: Tsn,
    /// The peer's advertised receive window.
    pub peer_rwnd: u32,
    /// Streams we send on (negotiated).
    pub outbound_streams: u16,
    /// Streams the peer sends on (negotiated).
    pub inbound_streams: u16,
    /// Our SCTP port.
    pub local_port: u16,
    /// The peer's SCTP port.
    pub peer_port: u16,
    /// Tie-tags for the §5.2 collision cases (zero when there was no association).
    pub local_tie_tag: VerificationTag,
    /// The peer's tie-tag.
    pub peer_tie_tag: VerificationTag,
    /// The extensions in force: ours that the peer offered too (RFC 5061 §4.2.7).
    pub features: Extensions,
    /// The peer's transport addresses: the INIT's source first, then those it listed.
    pub peer_addresses: AddrList,
    /// With AUTH in force: both sides' RANDOM, CHUNKS and HMAC-ALGO (RFC 4895 §6.1), so
    /// that the association made from the cookie knows the keys.
    pub auth: Option<Box<CookieAuth>>,
    /// The peer's Adaptation Layer Indication from its INIT (RFC 5061 §4.2.6).
    pub adaptation: Option<u32>,
}

/// The AUTH parameters a cookie carries: ours (from the INIT ACK) and the peer's (from its
/// INIT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CookieAuth {
    /// Ours, as the INIT ACK sent them.
    pub local: AuthParams,
    /// The peer's, as its INIT sent them.
    pub peer: AuthParams,
}

impl CookieContents {
    /// When the cookie stops being valid, ms since the endpoint's epoch.
    pub(crate) fn expires_ms(&self) -> u64 {
        self.created_ms.saturating_add(u64::from(self.lifetime_ms))
    }
}
