//! The key of the endpoint's peer-address index: a peer's IP address and SCTP port.
//!
//! Peers choose these keys, so they keep the keyed SipHash of `RandomState`; hashing them as
//! two integers feeds SipHash two words instead of the five small writes of the derived
//! `Hash` for `(IpAddr, u16)`.

use std::hash::{Hash, Hasher};
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PeerKey(pub IpAddr, pub u16);

impl Hash for PeerKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (bits, v6) = match self.0 {
            IpAddr::V4(a) => (u128::from(a.to_bits()), 0),
            IpAddr::V6(a) => (a.to_bits(), 1u64 << 16),
        };
        // Equal keys hash equally; an IPv4 address and its IPv4-mapped IPv6 form differ.
        state.write_u128(bits);
        state.write_u64(u64::from(self.1) | v6);
    }
}
