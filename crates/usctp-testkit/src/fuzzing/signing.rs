//! The fuzzed peer's side of AUTH (RFC 4895), done here from the RFC so that its ASCONF and
//! ASCONF-ACK chunks can verify and reach the SUT's handlers: its fixed RANDOM, CHUNKS and
//! HMAC-ALGO, the association key of §6.1 from the SUT's INIT or INIT ACK, and the HMAC-SHA-1
//! of §6.2 over a packet.

use bytes::Bytes;
use hmac::{Hmac, Mac};
use usctp_wire::chunk::{Auth, Chunk};
use usctp_wire::crc;
use usctp_wire::param::{ChunkList, Parameter, Random, RequestedHmacAlgorithm};

use super::association::header;

/// HMAC-SHA-1 (RFC 4895 §3.3), the one the peer offers.
const SHA1: u16 = 1;
const SHA1_LEN: usize = 20;

/// The peer's RANDOM, CHUNKS (none) and HMAC-ALGO (SHA-1), as its INIT and INIT ACK offer.
pub(super) fn peer_params() -> [Parameter; 3] {
    [
        Random {
            random: Bytes::from_static(&[0x5a; 32]),
        }
        .into(),
        ChunkList {
            chunk_types: Vec::new(),
        }
        .into(),
        RequestedHmacAlgorithm {
            hmac_ids: vec![SHA1],
        }
        .into(),
    ]
}

/// §6.1: a key vector is the RANDOM, CHUNKS and HMAC-ALGO parameters as sent, unpadded.
fn key_vector(params: &[Parameter]) -> Vec<u8> {
    let mut v = Vec::new();
    let mut put = |ty: u16, value: &[u8]| {
        v.extend_from_slice(&ty.to_be_bytes());
        v.extend_from_slice(&u16::try_from(4 + value.len()).unwrap_or(0).to_be_bytes());
        v.extend_from_slice(value);
    };
    for p in params {
        match p {
            Parameter::Random(r) => put(0x8002, &r.random),
            Parameter::ChunkList(c) => put(0x8003, &c.chunk_types),
            Parameter::RequestedHmacAlgorithm(h) => {
                let ids: Vec<u8> = h.hmac_ids.iter().flat_map(|i| i.to_be_bytes()).collect();
                put(0x8004, &ids);
            }
            _ => {}
        }
    }
    v
}

/// The association key for the empty shared key 0, given the SUT's INIT or INIT ACK
/// parameters; `None` when they carry no RANDOM (AUTH is not in force).
pub(super) fn association_key(sut: &[Parameter]) -> Option<Vec<u8>> {
    if !sut.iter().any(|p| matches!(p, Parameter::Random(_))) {
        return None;
    }
    let (a, b) = (key_vector(sut), key_vector(&peer_params()));
    let trim = |v: &[u8]| -> Vec<u8> { v.iter().copied().skip_while(|&x| x == 0).collect() };
    let (ta, tb) = (trim(&a), trim(&b));
    let (first, second) = if (ta.len(), &ta) <= (tb.len(), &tb) {
        (a, b)
    } else {
        (b, a)
    };
    Some([first, second].concat())
}

/// The packet of `chunks` with an AUTH chunk (key 0, SHA-1, signed with `key`) before the
/// chunk at `at`.
pub(super) fn signed_packet(vtag: u32, chunks: &[Chunk], at: usize, key: &[u8]) -> Bytes {
    let mut v = Vec::new();
    header(vtag).write(&mut v);
    let (before, after) = chunks.split_at(at.min(chunks.len()));
    for c in before {
        v.extend_from_slice(&c.to_vec());
    }
    let start = v.len();
    let auth = Chunk::Auth(Auth {
        shared_key_id: 0,
        hmac_id: SHA1,
        hmac: Bytes::from(vec![0; SHA1_LEN]),
    });
    v.extend_from_slice(&auth.to_vec());
    for c in after {
        v.extend_from_slice(&c.to_vec());
    }
    if let Ok(mut m) = Hmac::<sha1::Sha1>::new_from_slice(key) {
        m.update(&v[start..]);
        let mac = m.finalize().into_bytes();
        if let Some(field) = v.get_mut(start + 8..start + 8 + SHA1_LEN) {
            field.copy_from_slice(&mac);
        }
    }
    crc::write_checksum(&mut v);
    Bytes::from(v)
}
