//! A packet bundling one chunk of every type survives `Packet::to_vec` and `Packet::parse`.

use std::net::Ipv4Addr;

use bytes::Bytes;

use super::*;
use crate::cause::{ErrorCause, InvalidStreamIdentifier};
use crate::param::{Ipv4Address, Parameter, UnknownParameter};
use crate::{
    CommonHeader, Fsn, Mid, Packet, ParseOptions, Ppid, Ssn, StreamId, Tsn, VerificationTag,
};

fn one_of_each() -> Vec<Chunk> {
    let b = Bytes::from_static;
    let addr = Parameter::from(Ipv4Address(Ipv4Addr::new(192, 0, 2, 7)));
    let odd = Parameter::Unknown(UnknownParameter {
        param_type: 0x8077,
        value: b(&[1, 2, 3]),
    });
    let cause = ErrorCause::from(InvalidStreamIdentifier {
        stream: StreamId(4),
    });
    let init = Init {
        initiate_tag: VerificationTag(0xabcd),
        a_rwnd: 65536,
        outbound_streams: 10,
        inbound_streams: 10,
        initial_tsn: Tsn(100),
        params: vec![odd.clone(), addr.clone()],
    };
    vec![
        Chunk::from(Data {
            tsn: Tsn(1),
            payload: b(b"abc"),
            ..Data::default()
        }),
        Chunk::from(init.clone()),
        Chunk::from(InitAck {
            initiate_tag: init.initiate_tag,
            a_rwnd: init.a_rwnd,
            outbound_streams: init.outbound_streams,
            inbound_streams: init.inbound_streams,
            initial_tsn: init.initial_tsn,
            params: vec![addr.clone(), odd.clone()],
        }),
        Chunk::from(Sack {
            cum_tsn_ack: Tsn(5),
            a_rwnd: 1000,
            gap_blocks: vec![GapBlock { start: 2, end: 4 }],
            dup_tsns: vec![Tsn(3)],
        }),
        Chunk::from(Heartbeat { info: b(&[9; 5]) }),
        Chunk::from(HeartbeatAck { info: b(&[9; 5]) }),
        Chunk::from(Abort {
            t_bit: true,
            causes: vec![cause.clone()],
        }),
        Chunk::from(Shutdown {
            cum_tsn_ack: Tsn(7),
        }),
        Chunk::from(ShutdownAck),
        Chunk::from(OperationError {
            causes: vec![cause],
        }),
        Chunk::from(CookieEcho { cookie: b(b"yum") }),
        Chunk::from(CookieAck),
        Chunk::from(Ecne { lowest_tsn: Tsn(8) }),
        Chunk::from(Cwr { lowest_tsn: Tsn(8) }),
        Chunk::from(ShutdownComplete { t_bit: false }),
        Chunk::from(Auth {
            shared_key_id: 0,
            hmac_id: 1,
            hmac: b(&[0x5a; 20]),
        }),
        Chunk::from(IData {
            tsn: Tsn(2),
            stream: StreamId(1),
            mid: Mid(3),
            fsn: Fsn(1),
            ending: true,
            payload: b(b"de"),
            ..IData::default()
        }),
        Chunk::from(AsconfAck {
            serial: 1,
            params: vec![odd.clone()],
        }),
        Chunk::from(ReConfig {
            params: vec![odd.clone()],
        }),
        Chunk::from(Pad {
            padding: b(&[0; 3]),
        }),
        Chunk::from(ForwardTsn {
            new_cum_tsn: Tsn(9),
            streams: vec![ForwardTsnStream {
                stream: StreamId(1),
                ssn: Ssn(2),
            }],
        }),
        Chunk::from(Asconf {
            serial: 1,
            params: vec![addr, odd],
        }),
        Chunk::from(IForwardTsn {
            new_cum_tsn: Tsn(9),
            streams: vec![IForwardTsnStream {
                stream: StreamId(1),
                unordered: true,
                mid: Mid(2),
            }],
        }),
        Chunk::from(IData {
            beginning: true,
            ppid: Ppid(51),
            ..IData::default()
        }),
        Chunk::Unknown(UnknownChunk {
            chunk_type: 0xbf,
            flags: 3,
            value: b(&[1]),
        }),
    ]
}

#[test]
fn packet_with_every_chunk_type_round_trips() {
    let packet = Packet {
        header: CommonHeader {
            src_port: 5000,
            dst_port: 5001,
            vtag: VerificationTag(0x1234_5678),
        },
        chunks: one_of_each(),
    };
    let mut seen: Vec<u8> = packet.chunks.iter().map(Chunk::chunk_type).collect();
    seen.sort_unstable();
    seen.dedup();
    #[rustfmt::skip]
    let all = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 64, 0x80, 0x82, 0x84, 0xbf, 0xc0,
        0xc1, 0xc2,
    ];
    assert_eq!(seen, all);
    let wire = Bytes::from(packet.to_vec());
    assert_eq!(wire.len(), packet.encoded_len());
    let parsed = Packet::parse(&wire, ParseOptions::default());
    assert_eq!(parsed.as_ref(), Ok(&packet));
    assert_eq!(parsed.map(|p| p.to_vec()), Ok(wire.to_vec()));
    for c in &packet.chunks {
        assert!(!c.to_string().is_empty());
    }
}
