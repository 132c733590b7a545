//! The HMAC algorithms of RFC 4895 §3.3: SHA-1 (mandatory) and SHA-256.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

/// An HMAC algorithm of the SCTP-AUTH registry (RFC 4895 §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HmacAlgorithm {
    /// HMAC-SHA-1, identifier 1: every AUTH implementation supports it (RFC 4895 §3.3).
    Sha1,
    /// HMAC-SHA-256, identifier 3.
    Sha256,
}

impl HmacAlgorithm {
    /// The HMAC Identifier on the wire.
    pub const fn id(self) -> u16 {
        match self {
            Self::Sha1 => 1,
            Self::Sha256 => 3,
        }
    }

    /// The algorithm with identifier `id`, if we implement it.
    pub const fn from_id(id: u16) -> Option<Self> {
        match id {
            1 => Some(Self::Sha1),
            3 => Some(Self::Sha256),
            _ => None,
        }
    }

    /// Bytes of its HMAC.
    pub const fn mac_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
        }
    }
}

/// An HMAC keyed once with an association shared key: each packet then starts from the
/// hashed key pads.
#[derive(Clone)]
pub(crate) enum Keyed {
    Sha1(Hmac<Sha1>),
    Sha256(Hmac<Sha256>),
}

impl Keyed {
    pub(crate) fn new(alg: HmacAlgorithm, key: &[u8]) -> Self {
        // HMAC takes keys of any length (longer ones are hashed first, RFC 2104 §2).
        match alg {
            HmacAlgorithm::Sha1 => Self::Sha1(Mac::new_from_slice(key).expect("any key length")),
            HmacAlgorithm::Sha256 => {
                Self::Sha256(Mac::new_from_slice(key).expect("any key length"))
            }
        }
    }

    /// The HMAC of the concatenation of `parts`, written to the start of `out`.
    pub(crate) fn compute(&self, parts: &[&[u8]], out: &mut [u8]) {
        fn run<M: Mac + Clone>(m: &M, parts: &[&[u8]], out: &mut [u8]) {
            let mut m = m.clone();
            for p in parts {
                m.update(p);
            }
            let tag = m.finalize().into_bytes();
            let n = tag.len().min(out.len());
            out[..n].copy_from_slice(&tag[..n]);
        }
        match self {
            Self::Sha1(m) => run(m, parts, out),
            Self::Sha256(m) => run(m, parts, out),
        }
    }

    /// Whether `tag` is the HMAC of the concatenation of `parts`, compared in constant time.
    pub(crate) fn verify(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
        fn run<M: Mac + Clone>(m: &M, parts: &[&[u8]], tag: &[u8]) -> bool {
            let mut m = m.clone();
            for p in parts {
                m.update(p);
            }
            m.verify_slice(tag).is_ok()
        }
        match self {
            Self::Sha1(m) => run(m, parts, tag),
            Self::Sha256(m) => run(m, parts, tag),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_lengths() {
        for a in [HmacAlgorithm::Sha1, HmacAlgorithm::Sha256] {
            assert_eq!(HmacAlgorithm::from_id(a.id()), Some(a));
        }
        assert_eq!(HmacAlgorithm::from_id(2), None);
        assert_eq!(HmacAlgorithm::Sha1.mac_len(), 20);
        assert_eq!(HmacAlgorithm::Sha256.mac_len(), 32);
    }

    #[test]
    fn rfc2202_and_rfc4231_vectors() {
        // RFC 2202 test case 2 (HMAC-SHA-1) and RFC 4231 test case 2 (HMAC-SHA-256).
        let mut out = [0; 32];
        Keyed::new(HmacAlgorithm::Sha1, b"Jefe")
            .compute(&[b"what do ya want ", b"for nothing?"], &mut out);
        assert_eq!(
            out[..20],
            [
                0xef, 0xfc, 0xdf, 0x6a, 0xe5, 0xeb, 0x2f, 0xa2, 0xd2, 0x74, 0x16, 0xd5, 0xf1, 0x84,
                0xdf, 0x9c, 0x25, 0x9a, 0x7c, 0x79
            ]
        );
        let k = Keyed::new(HmacAlgorithm::Sha256, b"Jefe");
        k.compute(&[b"what do ya want for nothing?"], &mut out);
        assert_eq!(out[..4], [0x5b, 0xdc, 0xc1, 0x46]);
        assert!(k.verify(&[b"what do ya want ", b"for nothing?"], &out));
        out[31] ^= 1;
        assert!(!k.verify(&[b"what do ya want for nothing?"], &out));
    }
}
