//! SCTP AUTH (RFC 4895) done by hand for the scripted peer: its RANDOM / CHUNKS / HMAC-ALGO,
//! the key vectors and association shared key of §6.1, and the HMAC of §6.2, computed here
//! with the RustCrypto crates straight from the RFC's description (not with the SUT's code).
#![allow(dead_code, clippy::unwrap_used)]

use bytes::Bytes;
use hmac::{Hmac, Mac};
use usctp_wire::chunk::{Auth, Chunk};
use usctp_wire::param::{
    ChunkList, Parameter, Random, RequestedHmacAlgorithm, SupportedExtensions,
};

use super::wire::{PPORT, SPORT};

pub const AUTH: u8 = 0x0f;
pub const SHA1: u16 = 1;
pub const SHA256: u16 = 3;

/// One side's AUTH parameters as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub random: Vec<u8>,
    pub chunks: Option<Vec<u8>>,
    pub hmacs: Vec<u16>,
}

impl Side {
    /// The tester's: RANDOM of 32 bytes of `fill`, asking for `chunks`, offering `hmacs`.
    pub fn tester(fill: u8, chunks: Option<&[u8]>, hmacs: &[u16]) -> Self {
        Self {
            random: vec![fill; 32],
            chunks: chunks.map(<[u8]>::to_vec),
            hmacs: hmacs.to_vec(),
        }
    }

    /// RANDOM, CHUNKS (if any), HMAC-ALGO, and Supported Extensions listing AUTH.
    pub fn params(&self) -> Vec<Parameter> {
        let mut v: Vec<Parameter> = vec![SupportedExtensions {
            chunk_types: vec![AUTH].into(),
        }
        .into()];
        v.push(
            Random {
                random: Bytes::from(self.random.clone()),
            }
            .into(),
        );
        if let Some(c) = &self.chunks {
            v.push(
                ChunkList {
                    chunk_types: c.clone(),
                }
                .into(),
            );
        }
        v.push(
            RequestedHmacAlgorithm {
                hmac_ids: self.hmacs.clone(),
            }
            .into(),
        );
        v
    }

    /// The SUT's, read from its INIT or INIT ACK parameters.
    pub fn of(params: &[Parameter]) -> Option<Self> {
        let mut s = Self {
            random: Vec::new(),
            chunks: None,
            hmacs: Vec::new(),
        };
        for p in params {
            match p {
                Parameter::Random(r) => s.random = r.random.to_vec(),
                Parameter::ChunkList(c) => s.chunks = Some(c.chunk_types.clone()),
                Parameter::RequestedHmacAlgorithm(h) => s.hmacs = h.hmac_ids.clone(),
                _ => {}
            }
        }
        (!s.random.is_empty()).then_some(s)
    }

    /// RFC 4895 §6.1: the key vector: the parameters as sent, type and length included,
    /// padding not.
    pub fn key_vector(&self) -> Vec<u8> {
        let mut v = Vec::new();
        let mut put = |ty: u16, value: &[u8]| {
            v.extend_from_slice(&ty.to_be_bytes());
            v.extend_from_slice(&(4 + value.len() as u16).to_be_bytes());
            v.extend_from_slice(value);
        };
        put(0x8002, &self.random);
        if let Some(c) = &self.chunks {
            put(0x8003, c);
        }
        let ids: Vec<u8> = self.hmacs.iter().flat_map(|h| h.to_be_bytes()).collect();
        put(0x8004, &ids);
        v
    }
}

/// RFC 4895 §6.1: the endpoint-pair shared key, then the two key vectors, the numerically
/// smaller first.
pub fn association_key(shared: &[u8], a: &Side, b: &Side) -> Vec<u8> {
    let (ka, kb) = (a.key_vector(), b.key_vector());
    let trim = |v: &[u8]| -> Vec<u8> { v.iter().copied().skip_while(|&x| x == 0).collect() };
    let (ta, tb) = (trim(&ka), trim(&kb));
    let a_first = (ta.len(), &ta) <= (tb.len(), &tb);
    let mut key = shared.to_vec();
    if a_first {
        key.extend_from_slice(&ka);
        key.extend_from_slice(&kb);
    } else {
        key.extend_from_slice(&kb);
        key.extend_from_slice(&ka);
    }
    key
}

/// HMAC `hmac_id` of `data` under `key`.
pub fn hmac(hmac_id: u16, key: &[u8], data: &[u8]) -> Vec<u8> {
    match hmac_id {
        SHA1 => {
            let mut m = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        _ => {
            let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
    }
}

/// The length of the HMAC `hmac_id` makes.
pub fn mac_len(hmac_id: u16) -> usize {
    if hmac_id == SHA1 {
        20
    } else {
        32
    }
}

/// A packet from the tester to the SUT: `before` chunks, an AUTH (key `key_id`, HMAC
/// `hmac_id`) signed with `key` over itself and `after` (RFC 4895 §6.2), checksummed.
pub fn signed_packet(
    vtag: u32,
    before: &[Chunk],
    (key_id, hmac_id, key): (u16, u16, &[u8]),
    after: &[Chunk],
) -> Bytes {
    let mut v = Vec::new();
    v.extend_from_slice(&PPORT.to_be_bytes());
    v.extend_from_slice(&SPORT.to_be_bytes());
    v.extend_from_slice(&vtag.to_be_bytes());
    v.extend_from_slice(&[0; 4]);
    for c in before {
        v.extend_from_slice(&c.to_vec());
    }
    let at = v.len();
    let auth = Chunk::Auth(Auth {
        shared_key_id: key_id,
        hmac_id,
        hmac: Bytes::from(vec![0; mac_len(hmac_id)]),
    });
    v.extend_from_slice(&auth.to_vec());
    for c in after {
        v.extend_from_slice(&c.to_vec());
    }
    let mac = hmac(hmac_id, key, &v[at..]);
    v[at + 8..at + 8 + mac.len()].copy_from_slice(&mac);
    usctp_wire::crc::write_checksum(&mut v);
    Bytes::from(v)
}

/// Whether the AUTH chunk at `at` in the SCTP packet `raw` carries the right HMAC under
/// `key`: the HMAC over the AUTH chunk, its HMAC field zeroed, and every chunk after it.
pub fn verifies(raw: &[u8], at: usize, key: &[u8]) -> bool {
    let hmac_id = u16::from_be_bytes([raw[at + 6], raw[at + 7]]);
    let len = mac_len(hmac_id);
    let mut copy = raw.to_vec();
    let got = copy[at + 8..at + 8 + len].to_vec();
    copy[at + 8..at + 8 + len].fill(0);
    hmac(hmac_id, key, &copy[at..]) == got
}
