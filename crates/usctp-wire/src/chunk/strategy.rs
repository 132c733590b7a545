//! proptest strategies that generate every chunk type, for `parse(write(x)) == x`.

use bytes::Bytes;
use proptest::prelude::*;

use super::*;
use crate::cause::strategy::cause_list;
use crate::param::strategy::parameter_list;
use crate::{Fsn, Mid, Ppid, Ssn, StreamId, Tsn, VerificationTag};

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

fn init<const T: u8>() -> impl Strategy<Value = InitChunk<T>> {
    (any::<[u32; 3]>(), any::<[u16; 2]>(), parameter_list(5)).prop_map(
        |([tag, a_rwnd, tsn], [os, is], params)| InitChunk {
            initiate_tag: VerificationTag(tag),
            a_rwnd,
            outbound_streams: os,
            inbound_streams: is,
            initial_tsn: Tsn(tsn),
            params,
        },
    )
}

fn sack() -> impl Strategy<Value = Sack> {
    (
        any::<[u32; 2]>(),
        proptest::collection::vec(any::<[u16; 2]>(), 0..8),
        proptest::collection::vec(any::<u32>(), 0..8),
    )
        .prop_map(|([cum, a_rwnd], gaps, dups)| Sack {
            cum_tsn_ack: Tsn(cum),
            a_rwnd,
            gap_blocks: gaps
                .into_iter()
                .map(|[start, end]| GapBlock { start, end })
                .collect(),
            dup_tsns: dups.into_iter().map(Tsn).collect(),
        })
}

fn i_data() -> impl Strategy<Value = IData> {
    (
        any::<u32>(),
        any::<u16>(),
        any::<u32>(),
        any::<u32>(),
        any::<[bool; 4]>(),
        bytes(64),
    )
        .prop_map(|(tsn, sid, mid, word, [u, b, e, i], payload)| IData {
            tsn: Tsn(tsn),
            stream: StreamId(sid),
            mid: Mid(mid),
            // Only the field the B bit selects is on the wire; the other stays 0.
            ppid: Ppid(if b { word } else { 0 }),
            fsn: Fsn(if b { 0 } else { word }),
            unordered: u,
            beginning: b,
            ending: e,
            immediate: i,
            payload,
        })
}

fn asconf<const T: u8>() -> impl Strategy<Value = AsconfChunk<T>> {
    (any::<u32>(), parameter_list(4)).prop_map(|(serial, params)| AsconfChunk { serial, params })
}

fn forward_tsn() -> impl Strategy<Value = ForwardTsn> {
    (
        any::<u32>(),
        proptest::collection::vec(any::<[u16; 2]>(), 0..8),
    )
        .prop_map(|(cum, s)| ForwardTsn {
            new_cum_tsn: Tsn(cum),
            streams: s
                .into_iter()
                .map(|[sid, ssn]| ForwardTsnStream {
                    stream: StreamId(sid),
                    ssn: Ssn(ssn),
                })
                .collect(),
        })
}

fn i_forward_tsn() -> impl Strategy<Value = IForwardTsn> {
    (
        any::<u32>(),
        proptest::collection::vec(any::<(u16, bool, u32)>(), 0..8),
    )
        .prop_map(|(cum, s)| IForwardTsn {
            new_cum_tsn: Tsn(cum),
            streams: s
                .into_iter()
                .map(|(sid, unordered, mid)| IForwardTsnStream {
                    stream: StreamId(sid),
                    unordered,
                    mid: Mid(mid),
                })
                .collect(),
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
        init().prop_map(Chunk::Init),
        init().prop_map(Chunk::InitAck),
        sack().prop_map(Chunk::Sack),
        bytes(40).prop_map(|info| Chunk::Heartbeat(Heartbeat { info })),
        bytes(40).prop_map(|info| Chunk::HeartbeatAck(HeartbeatAck { info })),
        (any::<bool>(), cause_list(4))
            .prop_map(|(t_bit, causes)| Chunk::Abort(Abort { t_bit, causes })),
        any::<u32>().prop_map(|t| Chunk::Shutdown(Shutdown {
            cum_tsn_ack: Tsn(t)
        })),
        Just(Chunk::ShutdownAck(ShutdownAck)),
        cause_list(4).prop_map(|causes| Chunk::Error(OperationError { causes })),
        bytes(64).prop_map(|cookie| Chunk::CookieEcho(CookieEcho { cookie })),
        Just(Chunk::CookieAck(CookieAck)),
        any::<u32>().prop_map(|t| Chunk::Ecne(Ecne { lowest_tsn: Tsn(t) })),
        any::<u32>().prop_map(|t| Chunk::Cwr(Cwr { lowest_tsn: Tsn(t) })),
        any::<bool>().prop_map(|t_bit| Chunk::ShutdownComplete(ShutdownComplete { t_bit })),
        (any::<[u16; 2]>(), bytes(40)).prop_map(|([shared_key_id, hmac_id], hmac)| {
            Chunk::Auth(Auth {
                shared_key_id,
                hmac_id,
                hmac,
            })
        }),
        i_data().prop_map(Chunk::IData),
        asconf().prop_map(Chunk::AsconfAck),
        parameter_list(3).prop_map(|params| Chunk::ReConfig(ReConfig { params })),
        bytes(40).prop_map(|padding| Chunk::Pad(Pad { padding })),
        forward_tsn().prop_map(Chunk::ForwardTsn),
        asconf().prop_map(Chunk::Asconf),
        i_forward_tsn().prop_map(Chunk::IForwardTsn),
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
