//! The made-up association, packet by packet.

use bytes::Bytes;
use usctp_wire::chunk::{
    Abort, Asconf, AsconfAck, Auth, Chunk, CookieAck, CookieEcho, Cwr, Data, Ecne, ForwardTsn,
    ForwardTsnStream, GapBlock, Heartbeat, HeartbeatAck, IData, IForwardTsn, IForwardTsnStream,
    Init, InitAck, InitChunk, OperationError, Pad, ReConfig, Sack, Shutdown, ShutdownAck,
    ShutdownComplete,
};
use usctp_wire::param::Parameter;
use usctp_wire::{Fsn, Mid, Ppid, Ssn, StreamId, Tsn, VerificationTag};

use super::{parts, Direction, CLIENT_TAG, SERVER_TAG};

fn data(tsn: u32, ssn: u16, flags: &str, payload: &'static [u8]) -> Chunk {
    Chunk::Data(Data {
        tsn: Tsn(tsn),
        stream: StreamId(1),
        ssn: Ssn(ssn),
        ppid: Ppid(51),
        unordered: flags.contains('U'),
        beginning: flags.contains('B'),
        ending: flags.contains('E'),
        immediate: flags.contains('I'),
        payload: Bytes::from_static(payload),
    })
}

fn i_data(tsn: u32, fsn: u32, beginning: bool, ending: bool) -> Chunk {
    Chunk::IData(IData {
        tsn: Tsn(tsn),
        stream: StreamId(2),
        mid: Mid(0),
        ppid: if beginning { Ppid(51) } else { Ppid(0) },
        fsn: if beginning { Fsn(0) } else { Fsn(fsn) },
        unordered: false,
        beginning,
        ending,
        immediate: false,
        payload: Bytes::from_static(b"interleaved"),
    })
}

fn init_chunk<const T: u8>(tag: VerificationTag, tsn: u32, params: Vec<Parameter>) -> InitChunk<T> {
    InitChunk {
        initiate_tag: tag,
        a_rwnd: 1 << 20,
        outbound_streams: 16,
        inbound_streams: 16,
        initial_tsn: Tsn(tsn),
        params,
    }
}

/// The association, packet by packet: the chunks of each and which way it goes.
pub(super) fn script() -> Vec<(Direction, Vec<Chunk>)> {
    use Direction::{ToClient as C, ToServer as S};
    let init: Init = init_chunk(CLIENT_TAG, 1000, parts::init_params());
    let init_ack: InitAck = init_chunk(SERVER_TAG, 5000, parts::init_ack_params());
    let auth = Chunk::Auth(Auth {
        shared_key_id: 0,
        hmac_id: parts::HMAC_SHA256,
        hmac: Bytes::from_static(&[0xa5; 32]),
    });
    let hb_info = Bytes::from_static(b"path 192.0.2.1 at t=42");
    let [reset, ssn_tsn, add_streams] = parts::reconfig_requests();
    vec![
        (S, vec![init.into()]),
        (C, vec![init_ack.into()]),
        (
            S,
            vec![
                CookieEcho {
                    cookie: Bytes::from_static(&[0xc0; 24]),
                }
                .into(),
                data(1000, 0, "BE", b"hello"),
            ],
        ),
        (C, vec![CookieAck.into(), sack(1000, vec![], vec![])]),
        (
            S,
            vec![
                data(1001, 1, "B", b"first "),
                data(1002, 1, "", b"middle "),
                data(1003, 1, "EI", b"last"),
            ],
        ),
        (S, vec![data(1005, 0, "UBE", b"unordered, after a gap")]),
        (
            C,
            vec![sack(
                1003,
                vec![GapBlock { start: 2, end: 2 }],
                vec![Tsn(1002)],
            )],
        ),
        (S, vec![auth, data(1004, 2, "BE", b"authenticated")]),
        (
            S,
            vec![i_data(1006, 0, true, false), i_data(1007, 1, false, true)],
        ),
        (
            C,
            vec![Ecne {
                lowest_tsn: Tsn(1006),
            }
            .into()],
        ),
        (
            S,
            vec![Cwr {
                lowest_tsn: Tsn(1006),
            }
            .into()],
        ),
        (
            S,
            vec![ForwardTsn {
                new_cum_tsn: Tsn(1008),
                streams: vec![ForwardTsnStream {
                    stream: StreamId(1),
                    ssn: Ssn(3),
                }],
            }
            .into()],
        ),
        (
            S,
            vec![IForwardTsn {
                new_cum_tsn: Tsn(1009),
                streams: vec![IForwardTsnStream {
                    stream: StreamId(2),
                    unordered: false,
                    mid: Mid(1),
                }],
            }
            .into()],
        ),
        (
            C,
            vec![Heartbeat {
                info: hb_info.clone(),
            }
            .into()],
        ),
        (S, vec![HeartbeatAck { info: hb_info }.into()]),
        // RFC 4820 §3: PAD bundled with a HEARTBEAT, as for path MTU probing.
        (
            C,
            vec![
                Heartbeat {
                    info: Bytes::from_static(b"probe"),
                }
                .into(),
                Pad {
                    padding: Bytes::from_static(&[0; 64]),
                }
                .into(),
            ],
        ),
        (
            S,
            vec![Asconf {
                serial: 7,
                params: parts::asconf_params(),
            }
            .into()],
        ),
        (
            C,
            vec![AsconfAck {
                serial: 7,
                params: parts::asconf_ack_params(),
            }
            .into()],
        ),
        (S, vec![ReConfig { params: reset }.into()]),
        (S, vec![ReConfig { params: ssn_tsn }.into()]),
        (
            S,
            vec![ReConfig {
                params: add_streams,
            }
            .into()],
        ),
        (
            C,
            vec![ReConfig {
                params: parts::reconfig_responses(),
            }
            .into()],
        ),
        (
            C,
            vec![OperationError {
                causes: parts::error_causes(),
            }
            .into()],
        ),
        (
            S,
            vec![Shutdown {
                cum_tsn_ack: Tsn(5000),
            }
            .into()],
        ),
        (C, vec![ShutdownAck.into()]),
        (S, vec![ShutdownComplete { t_bit: false }.into()]),
        // A second association, refused by the server.
        (
            S,
            vec![Abort {
                t_bit: false,
                causes: parts::abort_causes(),
            }
            .into()],
        ),
    ]
}

fn sack(cum: u32, gap_blocks: Vec<GapBlock>, dup_tsns: Vec<Tsn>) -> Chunk {
    Chunk::Sack(Sack {
        cum_tsn_ack: Tsn(cum),
        a_rwnd: 1 << 20,
        gap_blocks,
        dup_tsns,
    })
}
