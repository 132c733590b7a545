//! proptest strategies that generate every chunk type, for `parse(write(x)) == x`.

use bytes::Bytes;
use proptest::prelude::*;

use super::*;
use crate::{Ppid, Ssn, StreamId, Tsn};

pub(crate) fn bytes(max: usize) -> impl Strategy<Value = Bytes> {
    proptest::collection::vec(any::<u8>(), 0..max).prop_map(Bytes::from)
}

fn data() -> impl Strategy<Value = Data> {
    (
        any::<u32>(),
        any::<u16>(),
        any::<u16>(),
        any::<u32>(),
        any::<[bool; 4]>(),
        bytes(64),
    )
        .prop_map(|(tsn, sid, ssn, ppid, [u, b, e, i], payload)| Data {
            tsn: Tsn(tsn),
            stream: StreamId(sid),
            ssn: Ssn(ssn),
            ppid: Ppid(ppid),
            unordered: u,
            beginning: b,
            ending: e,
            immediate: i,
            payload,
        })
}

fn unknown() -> impl Strategy<Value = UnknownChunk> {
    // Types no codec entity claims: 0x3f..=0x3f, 0x41..=0x7f except 0x40 (I-DATA), etc.
    (
        prop_oneof![Just(0x3fu8), Just(0x7f), Just(0xbf), Just(0xf7)],
        any::<u8>(),
        bytes(40),
    )
        .prop_map(|(chunk_type, flags, value)| UnknownChunk {
            chunk_type,
            flags,
            value,
        })
}

/// Any chunk.
pub(crate) fn any_chunk() -> impl Strategy<Value = Chunk> {
    prop_oneof![
        data().prop_map(Chunk::Data),
        Just(Chunk::CookieAck(CookieAck)),
        unknown().prop_map(Chunk::Unknown),
    ]
}

proptest! {
    #[test]
    fn chunk_round_trip(c in any_chunk()) {
        let wire = Bytes::from(c.to_vec());
        prop_assert_eq!(wire.len(), c.padded_len());
        prop_assert_eq!(Chunk::parse_one(wire, 0), Ok(c));
    }
}
