//! A scripted peer for the conformance tests: hand-built packets into one `Endpoint` (the
//! system under test, "SUT"), with a virtual clock that fires the SUT's timers in order, and a
//! log of everything the SUT sent. It plays either side: the SUT listens (`accept`) or
//! connects (`connect`).
#![allow(dead_code, clippy::unwrap_used)]

use std::net::IpAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp_proto::{AssocId, AssociationConfig, Endpoint, Event, State, Transmit, TransportAddr};
use usctp_wire::chunk::{Chunk, CookieAck, Data, GapBlock, Heartbeat, Init, InitAck, Sack};
use usctp_wire::param::{Parameter, StateCookie};
use usctp_wire::{Packet, ParseOptions, Ppid, Ssn, StreamId, Tsn, VerificationTag};

use super::wire::{meta_from, packet, PEER, PPORT, SERVER, SPORT};

/// The tester's verification tag and initial TSN.
pub const TAG: u32 = 0x0bad_cafe;
pub const TSN0: u32 = 1000;

/// What the SUT sent, when (since the test began), and where.
#[derive(Debug, Clone)]
pub struct Sent {
    pub at: Duration,
    pub to: Transmit,
    pub packet: Packet,
}

pub struct Tester {
    pub ep: Endpoint,
    pub start: Instant,
    pub now: Instant,
    /// The SUT's tag: on every packet the tester sends.
    pub sut_tag: u32,
    /// The SUT's initial TSN.
    pub sut_tsn: u32,
    /// The tester's next DATA TSN.
    pub next_tsn: u32,
    pub id: Option<AssocId>,
    pub events: Vec<Event>,
    pub log: Vec<Sent>,
}

/// The defaults, with idle heartbeats off so that they do not clutter the packet logs.
pub fn quiet() -> AssociationConfig {
    let mut c = AssociationConfig::default();
    c.hb_interval = None;
    c
}

impl Tester {
    /// A SUT listening on SERVER:SPORT, no association yet.
    pub fn listen(cfg: AssociationConfig) -> Self {
        Self::listen_with(super::endpoint_config(99, cfg))
    }

    /// As [`Tester::listen`], with a whole endpoint configuration.
    pub fn listen_with(ecfg: usctp_proto::EndpointConfig) -> Self {
        Self::listen_on(ecfg, vec![SERVER])
    }

    /// As [`Tester::listen_with`], the SUT bound to `addrs` (SERVER first, where the tester
    /// sends).
    #[allow(clippy::disallowed_methods)] // the base instant of a deterministic test
    pub fn listen_on(ecfg: usctp_proto::EndpointConfig, addrs: Vec<IpAddr>) -> Self {
        let now = Instant::now();
        let ep = Endpoint::new(ecfg, SPORT, addrs, now);
        Self {
            ep,
            start: now,
            now,
            sut_tag: 0,
            sut_tsn: 0,
            next_tsn: TSN0,
            id: None,
            events: Vec::new(),
            log: Vec::new(),
        }
    }

    /// The SUT accepted an association from the tester (INIT, COOKIE ECHO).
    pub fn accept(cfg: AssociationConfig) -> Self {
        let mut t = Self::listen(cfg);
        let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
        let ack = init_ack_of(&out).expect("INIT ACK");
        t.sut_tag = ack.initiate_tag.0;
        t.sut_tsn = ack.initial_tsn.0;
        let cookie = ack.state_cookie().unwrap();
        let out = t.send(vec![Chunk::CookieEcho(usctp_wire::chunk::CookieEcho {
            cookie,
        })]);
        assert!(has(&out, |c| matches!(c, Chunk::CookieAck(_))), "{out:?}");
        t.id = t.ep.association_ids().next();
        assert_eq!(t.state(), Some(State::Established));
        t
    }

    /// The SUT called `connect` toward the tester; its INIT is in the log.
    pub fn connect(cfg: AssociationConfig) -> (Self, Init) {
        let mut t = Self::listen(cfg);
        let now = t.now;
        let id =
            t.ep.connect(now, &[TransportAddr::raw(PEER)], PPORT, None)
                .unwrap();
        t.id = Some(id);
        let out = t.collect();
        let Some(Chunk::Init(init)) = out.first().and_then(|p| p.chunks.first()) else {
            panic!("no INIT: {out:?}")
        };
        assert_eq!(out[0].header.vtag.0, 0);
        t.sut_tag = init.initiate_tag.0;
        t.sut_tsn = init.initial_tsn.0;
        let init = init.clone();
        (t, init)
    }

    /// The INIT ACK the tester answers with (cookie "tester cookie").
    pub fn init_ack(&self) -> InitAck {
        InitAck {
            initiate_tag: VerificationTag(TAG),
            a_rwnd: 65_536,
            outbound_streams: 10,
            inbound_streams: 10,
            initial_tsn: Tsn(TSN0),
            params: vec![Parameter::StateCookie(StateCookie {
                cookie: Bytes::from_static(b"tester cookie"),
            })],
        }
    }

    /// The SUT connected to the tester: INIT, INIT ACK, COOKIE ECHO, COOKIE ACK.
    pub fn connected(cfg: AssociationConfig) -> Self {
        Self::connected_offering(cfg, Vec::new())
    }

    /// As [`Tester::connected`], the tester's INIT ACK carrying `extra` parameters too (the
    /// extensions it offers, say).
    pub fn connected_offering(cfg: AssociationConfig, extra: Vec<Parameter>) -> Self {
        let (mut t, _) = Self::connect(cfg);
        let mut ack = t.init_ack();
        ack.params.extend(extra);
        let out = t.send(vec![Chunk::InitAck(ack)]);
        assert!(matches!(first(&out), Some(Chunk::CookieEcho(_))), "{out:?}");
        t.send(vec![Chunk::CookieAck(CookieAck)]);
        assert_eq!(t.state(), Some(State::Established));
        t
    }

    /// Send `chunks` with the SUT's tag; returns what the SUT answered at once.
    pub fn send(&mut self, chunks: Vec<Chunk>) -> Vec<Packet> {
        self.send_tag(self.sut_tag, chunks)
    }

    pub fn send_tag(&mut self, vtag: u32, chunks: Vec<Chunk>) -> Vec<Packet> {
        self.send_bytes(PEER, packet(vtag, chunks))
    }

    /// Raw bytes from `src`.
    pub fn send_bytes(&mut self, src: IpAddr, bytes: Bytes) -> Vec<Packet> {
        self.ep.handle(self.now, meta_from(src), bytes);
        self.collect()
    }

    /// Drain the SUT's output and events now.
    pub fn collect(&mut self) -> Vec<Packet> {
        let mut out = Vec::new();
        let mut buf = Vec::new();
        while let Some(t) = self.ep.poll_transmit(self.now, &mut buf) {
            let bytes = Bytes::from(buf[buf.len() - t.len..].to_vec());
            let p = Packet::parse(&bytes, ParseOptions::default()).unwrap();
            self.log.push(Sent {
                at: self.now - self.start,
                to: t,
                packet: p.clone(),
            });
            out.push(p);
        }
        while let Some((_, e)) = self.ep.poll_event() {
            self.events.push(e);
        }
        out
    }

    /// Let `d` pass, firing the SUT's timers as they fall due; returns what it sent meanwhile.
    pub fn run(&mut self, d: Duration) -> Vec<Sent> {
        let end = self.now + d;
        let from = self.log.len();
        self.collect();
        while let Some(t) = self.ep.poll_timeout() {
            if t > end {
                break;
            }
            self.now = self.now.max(t);
            self.ep.handle_timeout(self.now);
            self.collect();
        }
        self.now = end;
        self.log[from..].to_vec()
    }

    pub fn state(&self) -> Option<State> {
        let id = self.id?;
        self.ep.association(id).map(|a| a.state())
    }

    /// Nothing queued and nothing outstanding on the SUT's association.
    pub fn sender_idle(&self) -> bool {
        let s = self.ep.association(self.id.unwrap()).unwrap().stats();
        s.queued_bytes == 0 && s.outstanding_bytes == 0
    }

    /// The association is gone from the endpoint.
    pub fn gone(&self) -> bool {
        self.ep.association_count() == 0
    }

    /// A user call on the association.
    pub fn user<R>(&mut self, f: impl FnOnce(&mut usctp_proto::Association) -> R) -> R {
        let r = self.ep.with_association(self.id.unwrap(), f).unwrap();
        self.collect();
        r
    }

    /// The user sends `payload` on stream 0.
    pub fn user_send(&mut self, payload: &[u8]) {
        let p = Bytes::copy_from_slice(payload);
        self.user(|a| a.send(StreamId(0), p)).unwrap();
    }

    pub fn user_shutdown(&mut self) {
        let now = self.now;
        self.user(|a| a.shutdown(now));
    }

    /// Messages the SUT delivered to its user, the pieces of a partial delivery joined (a
    /// message whose end has not come yet is left out).
    pub fn messages(&mut self) -> Vec<Bytes> {
        let mut v = Vec::new();
        let mut joining = Vec::new();
        while let Some(Some(m)) = self
            .ep
            .with_association(self.id.unwrap(), |a| a.poll_message())
        {
            if joining.is_empty() && m.end_of_message {
                v.push(m.payload);
                continue;
            }
            joining.extend_from_slice(&m.payload);
            if m.end_of_message {
                v.push(Bytes::from(std::mem::take(&mut joining)));
            }
        }
        v
    }

    /// A complete message on stream 0 with the tester's next TSN.
    pub fn data(&mut self, payload: &'static [u8]) -> Chunk {
        let tsn = self.next_tsn;
        self.next_tsn += 1;
        data_chunk(tsn, 0, 0, payload, true, true)
    }

    /// SACK of the SUT's TSNs up to `sut_tsn + n - 1` (n = 0: nothing), window 64 KiB.
    pub fn sack(&self, n: u32) -> Chunk {
        sack(self.sut_tsn.wrapping_add(n).wrapping_sub(1), 65_536, &[])
    }

    /// A HEARTBEAT with the SUT's tag; true if the SUT answered with a HEARTBEAT ACK.
    pub fn alive(&mut self) -> bool {
        let out = self.send(vec![heartbeat(b"alive?")]);
        has(
            &out,
            |c| matches!(c, Chunk::HeartbeatAck(h) if &h.info[..] == b"alive?"),
        )
    }

    /// The OOTB check after an association ended: a HEARTBEAT with the old tag gets ABORT
    /// with the T bit and that tag reflected (RFC 9260 §8.4 rule 8).
    pub fn assert_ootb_abort(&mut self) {
        let out = self.send(vec![heartbeat(b"anyone?")]);
        let [p] = &out[..] else {
            panic!("expected one ABORT: {out:?}")
        };
        assert!(
            matches!(p.chunks[..], [Chunk::Abort(ref a)] if a.t_bit),
            "{p:?}"
        );
        assert_eq!(p.header.vtag.0, self.sut_tag);
    }

    /// Whether any event matches.
    pub fn saw(&self, f: impl Fn(&Event) -> bool) -> bool {
        self.events.iter().any(f)
    }

    /// Every chunk the SUT sent since log index `from`, with its time.
    pub fn chunks_since(&self, from: usize) -> Vec<(Duration, Chunk)> {
        self.log[from..]
            .iter()
            .flat_map(|s| s.packet.chunks.iter().map(move |c| (s.at, c.clone())))
            .collect()
    }
}

pub fn init_chunk(tag: u32, os: u16, mis: u16) -> Chunk {
    Chunk::Init(Init {
        initiate_tag: VerificationTag(tag),
        a_rwnd: 65_536,
        outbound_streams: os,
        inbound_streams: mis,
        initial_tsn: Tsn(TSN0),
        params: vec![],
    })
}

pub fn init_with(params: Vec<Parameter>) -> Chunk {
    let Chunk::Init(mut i) = init_chunk(TAG, 10, 10) else {
        unreachable!()
    };
    i.params = params;
    Chunk::Init(i)
}

pub fn data_chunk(
    tsn: u32,
    stream: u16,
    ssn: u16,
    payload: &'static [u8],
    b: bool,
    e: bool,
) -> Chunk {
    Chunk::Data(Data {
        tsn: Tsn(tsn),
        stream: StreamId(stream),
        ssn: Ssn(ssn),
        ppid: Ppid(0),
        beginning: b,
        ending: e,
        payload: Bytes::from_static(payload),
        ..Default::default()
    })
}

pub fn sack(cum: u32, a_rwnd: u32, gaps: &[(u16, u16)]) -> Chunk {
    Chunk::Sack(Sack {
        cum_tsn_ack: Tsn(cum),
        a_rwnd,
        gap_blocks: gaps
            .iter()
            .map(|&(start, end)| GapBlock { start, end })
            .collect(),
        dup_tsns: vec![],
    })
}

pub fn heartbeat(info: &'static [u8]) -> Chunk {
    Chunk::Heartbeat(Heartbeat {
        info: Bytes::from_static(info),
    })
}

pub fn first(out: &[Packet]) -> Option<&Chunk> {
    out.first().and_then(|p| p.chunks.first())
}

pub fn has(out: &[Packet], f: impl Fn(&Chunk) -> bool) -> bool {
    out.iter().flat_map(|p| &p.chunks).any(f)
}

pub fn count(out: &[Packet], f: impl Fn(&Chunk) -> bool) -> usize {
    out.iter().flat_map(|p| &p.chunks).filter(|c| f(c)).count()
}

pub fn init_ack_of(out: &[Packet]) -> Option<InitAck> {
    out.iter().flat_map(|p| &p.chunks).find_map(|c| match c {
        Chunk::InitAck(a) => Some(a.clone()),
        _ => None,
    })
}

/// The parameters an INIT ACK reports as unrecognized, each as the raw bytes it echoes.
pub fn unrecognized(ack: &InitAck) -> Vec<Vec<u8>> {
    ack.params
        .iter()
        .filter_map(|p| match p {
            Parameter::UnrecognizedParameter(u) => Some(u.raw.to_vec()),
            _ => None,
        })
        .collect()
}

pub fn packets(sent: &[Sent]) -> Vec<Packet> {
    sent.iter().map(|s| s.packet.clone()).collect()
}

/// The DATA chunks in what was sent, in order.
pub fn data_of(sent: &[Sent]) -> Vec<Data> {
    sent.iter()
        .flat_map(|s| &s.packet.chunks)
        .filter_map(|c| match c {
            Chunk::Data(d) => Some(d.clone()),
            _ => None,
        })
        .collect()
}

/// DATA TSNs in what was sent, in order.
pub fn data_tsns(sent: &[Sent]) -> Vec<(Duration, u32)> {
    sent.iter()
        .flat_map(|s| {
            s.packet.chunks.iter().filter_map(move |c| match c {
                Chunk::Data(d) => Some((s.at, d.tsn.0)),
                _ => None,
            })
        })
        .collect()
}

/// The SACKs in `out`.
pub fn sacks(out: &[Packet]) -> Vec<Sack> {
    out.iter()
        .flat_map(|p| &p.chunks)
        .filter_map(|c| match c {
            Chunk::Sack(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// A packet from the tester with `chunk_bytes` as its raw chunk area (valid CRC32c).
pub fn raw_packet(vtag: u32, chunk_bytes: &[u8]) -> Bytes {
    let mut v = Vec::new();
    v.extend_from_slice(&PPORT.to_be_bytes());
    v.extend_from_slice(&SPORT.to_be_bytes());
    v.extend_from_slice(&vtag.to_be_bytes());
    v.extend_from_slice(&[0; 4]);
    v.extend_from_slice(chunk_bytes);
    usctp_wire::crc::write_checksum(&mut v);
    Bytes::from(v)
}

/// The wire bytes of one chunk.
pub fn chunk_bytes(c: &Chunk) -> Vec<u8> {
    c.to_vec()
}
