//! SCTP AUTH (RFC 4895): what we offer (RANDOM, CHUNKS, HMAC-ALGO), the endpoint-pair shared
//! keys, the association shared key, and the HMAC over the chunks an AUTH chunk covers.
//!
//! Negotiated like the other extensions ([`Extensions::AUTH`](crate::Extensions::AUTH)); in
//! force only when both sides sent valid parameters. The association then holds an
//! [`AuthSession`]: the packet builder places an AUTH chunk before the first chunk the peer
//! asked to be authenticated (`push_authenticated`, then `AuthSession::sign`), and the
//! receive loop drops every chunk we asked for that no verified AUTH precedes.

mod algorithm;
mod keys;
mod params;
mod session;

pub use algorithm::HmacAlgorithm;
pub use keys::{AuthKeyError, SharedKeys};
pub(crate) use params::{AuthParams, PeerAuth};
pub(crate) use session::{auth_overhead, push_authenticated, AuthSession, AuthVerdict};

/// Counters of what authentication discarded (RFC 4895 §6.3), in
/// [`AssociationStats::auth`](crate::AssociationStats::auth).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthStats {
    /// AUTH chunks that did not verify (unknown key, HMAC identifier we did not offer, wrong
    /// HMAC): each one's packet was discarded from the AUTH on.
    pub failed: u64,
    /// Chunks discarded because we require them authenticated and no verified AUTH came
    /// before them, or because they followed an AUTH that failed.
    pub discarded_chunks: u64,
}

/// A received packet as the association sees it: the bytes an AUTH chunk's HMAC is computed
/// over, and where the packet's first AUTH chunk starts (RFC 4895 §6.3).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReceivedPacket<'a> {
    /// The whole SCTP packet.
    pub bytes: &'a [u8],
    /// Offset of the first AUTH chunk in `bytes`, if any.
    pub auth_at: Option<usize>,
}
