//! Peer chunks for the `association` target: valid templates whose fields the input mutates.

use std::net::IpAddr;

use bytes::Bytes;
use usctp_wire::cause::StaleCookie;
use usctp_wire::chunk::types as chunk_type;
use usctp_wire::chunk::{
    Abort, Chunk, CookieAck, CookieEcho, Data, ForwardTsn, GapBlock, Heartbeat, HeartbeatAck,
    IData, Init, InitAck, OperationError, Sack, Shutdown, ShutdownAck, ShutdownComplete,
};
use usctp_wire::param::{ForwardTsnSupported, Parameter, StateCookie, SupportedExtensions};
use usctp_wire::{Fsn, Mid, Ppid, Ssn, StreamId, Tsn, VerificationTag};

use super::input::Input;

/// What the fuzzed peer knows: its own tag and TSNs, the SUT's initial TSN, the last cookie.
pub(super) struct PeerView {
    pub(super) tag: u32,
    pub(super) next_tsn: u32,
    pub(super) sut_tsn: u32,
    pub(super) cookie: Option<Bytes>,
    /// Payload bytes put in DATA chunks so far (a bound on what the SUT may deliver).
    pub(super) data_bytes: usize,
    /// Addresses listed in its INIT and INIT ACK (none when single-homed).
    pub(super) addrs: Vec<IpAddr>,
    /// The AUTH association key, once the SUT's INIT or INIT ACK showed its RANDOM.
    pub(super) auth_key: Option<Vec<u8>>,
    /// The serial number of the peer's next ASCONF (RFC 5061: from its initial TSN).
    pub(super) asconf_serial: u32,
}

impl PeerView {
    /// One chunk chosen and shaped by the input.
    pub(super) fn chunk(&mut self, input: &mut Input<'_>) -> Chunk {
        match input.u8() % 15 {
            0 => self.data(input),
            1 => Chunk::Sack(self.sack(input)),
            2 => Chunk::Heartbeat(Heartbeat { info: input.blob() }),
            3 => Chunk::Abort(Abort {
                t_bit: input.bool(),
                causes: vec![],
            }),
            4 => Chunk::Shutdown(Shutdown {
                cum_tsn_ack: self.sut_tsn_near(input),
            }),
            5 => Chunk::ShutdownAck(ShutdownAck),
            6 => Chunk::ShutdownComplete(ShutdownComplete {
                t_bit: input.bool(),
            }),
            7 => Chunk::Init(self.init(input)),
            8 => {
                let mut ack: InitAck = self.init(input).into_ack();
                ack.params.push(Parameter::StateCookie(StateCookie {
                    cookie: input.blob(),
                }));
                Chunk::InitAck(ack)
            }
            9 => Chunk::CookieEcho(CookieEcho {
                cookie: match (input.bool(), &self.cookie) {
                    (true, Some(c)) => c.clone(),
                    _ => input.blob(),
                },
            }),
            10 => Chunk::CookieAck(CookieAck),
            11 => Chunk::Error(OperationError {
                causes: vec![StaleCookie {
                    staleness_us: input.u32(),
                }
                .into()],
            }),
            12 => Chunk::ForwardTsn(ForwardTsn {
                new_cum_tsn: self.peer_tsn_near(input),
                streams: vec![],
            }),
            13 => self.ext_chunk(input),
            _ => Chunk::HeartbeatAck(HeartbeatAck { info: input.blob() }),
        }
    }

    /// DATA near the peer's next TSN; offset 0 takes the next TSN. A quarter go as I-DATA
    /// (RFC 8260), the SSN as MID and two flag bits as FSN.
    fn data(&mut self, input: &mut Input<'_>) -> Chunk {
        let delta = input.u8() as i8;
        let tsn = self.next_tsn.wrapping_add_signed(i32::from(delta));
        if delta == 0 {
            self.next_tsn = self.next_tsn.wrapping_add(1);
        }
        let flags = input.u8();
        let stream = StreamId(u16::from(input.u8() % 12));
        let ssn = Ssn(u16::from(input.u8() % 8));
        let payload = Bytes::from(vec![0x5a; usize::from(input.u16() % 2048)]);
        self.data_bytes += payload.len();
        let d = Data {
            tsn: Tsn(tsn),
            stream,
            ssn,
            ppid: Ppid(0),
            unordered: flags & 1 != 0,
            beginning: flags & 6 != 2,
            ending: flags & 6 != 4,
            immediate: flags & 8 != 0,
            payload,
        };
        if flags & 0x30 != 0x30 {
            return Chunk::Data(d);
        }
        Chunk::IData(IData {
            tsn: d.tsn,
            stream: d.stream,
            mid: Mid(u32::from(d.ssn.0)),
            ppid: d.ppid,
            fsn: Fsn(if d.beginning {
                0
            } else {
                u32::from(flags >> 6)
            }),
            unordered: d.unordered,
            beginning: d.beginning,
            ending: d.ending,
            immediate: d.immediate,
            payload: d.payload,
        })
    }

    /// A SACK whose cumulative ack lies near the SUT's TSNs, with arbitrary gaps and dups.
    fn sack(&mut self, input: &mut Input<'_>) -> Sack {
        let cum_tsn_ack = self.sut_tsn_near(input);
        let a_rwnd = match input.u8() % 4 {
            0 => 0,
            1 => u32::from(input.u16()),
            2 => u32::MAX,
            _ => 65_536,
        };
        let gap_blocks = (0..input.u8() % 6)
            .map(|_| GapBlock {
                start: u16::from(input.u8()),
                end: u16::from(input.u8()),
            })
            .collect();
        let dup_tsns = (0..input.u8() % 3).map(|_| Tsn(input.u32())).collect();
        Sack {
            cum_tsn_ack,
            a_rwnd,
            gap_blocks,
            dup_tsns,
        }
    }

    fn init(&mut self, input: &mut Input<'_>) -> Init {
        let tag = match input.u8() % 4 {
            0 => input.u32(),
            _ => self.tag,
        };
        Init {
            initiate_tag: VerificationTag(tag),
            a_rwnd: u32::from(input.u16()) << 4,
            outbound_streams: u16::from(input.u8()),
            inbound_streams: u16::from(input.u8()),
            initial_tsn: Tsn(self.next_tsn),
            // Addresses, then the extensions usrsctp offers (the SUT's config decides).
            params: self
                .addrs
                .iter()
                .map(|ip| Parameter::from(*ip))
                .chain(extension_offer())
                .collect(),
        }
    }

    /// The SUT's initial TSN, moved by a signed offset: acks of what was sent, and beyond.
    fn sut_tsn_near(&self, input: &mut Input<'_>) -> Tsn {
        let delta = i32::from(input.u16() as i16);
        Tsn(self.sut_tsn.wrapping_sub(1).wrapping_add_signed(delta))
    }

    fn peer_tsn_near(&self, input: &mut Input<'_>) -> Tsn {
        let delta = i32::from(input.u8() as i8);
        Tsn(self.next_tsn.wrapping_add_signed(delta))
    }
}

/// PR-SCTP, RE-CONFIG, AUTH, ASCONF and I-DATA offered, as usrsctp offers them (RFC 3758 §3.1,
/// RFC 5061 §4.2.7, RFC 4895 §3: a RANDOM of 32 bytes, no chunk asked to be authenticated,
/// SHA-1).
fn extension_offer() -> impl Iterator<Item = Parameter> {
    let listed = SupportedExtensions {
        chunk_types: vec![
            chunk_type::FORWARD_TSN,
            chunk_type::RE_CONFIG,
            chunk_type::AUTH,
            chunk_type::ASCONF,
            chunk_type::ASCONF_ACK,
            chunk_type::I_DATA,
            chunk_type::I_FORWARD_TSN,
        ]
        .into(),
    };
    [ForwardTsnSupported.into(), listed.into()]
        .into_iter()
        .chain(super::signing::peer_params())
}

trait IntoAck {
    fn into_ack(self) -> InitAck;
}

impl IntoAck for Init {
    fn into_ack(self) -> InitAck {
        InitAck {
            initiate_tag: self.initiate_tag,
            a_rwnd: self.a_rwnd,
            outbound_streams: self.outbound_streams,
            inbound_streams: self.inbound_streams,
            initial_tsn: self.initial_tsn,
            params: self.params,
        }
    }
}
