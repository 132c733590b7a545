//! The `endpoint` target: a listening server with established associations, fed datagrams from
//! arbitrary sources.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp_wire::chunk::{Chunk, CookieEcho, Init};
use usctp_wire::param::{Ipv4Address, Parameter};
use usctp_wire::{crc, CommonHeader, Packet, StreamId, Tsn, VerificationTag};

use super::drain;
use super::input::Input;
use usctp_proto::{AssocId, DatagramMeta, Endpoint, EndpointConfig, TransportAddr};

const SERVER_PORT: u16 = 5000;
const MAX_ASSOCIATIONS: usize = 4;
/// The endpoint's bound on queued stateless replies (`endpoint::MAX_REPLIES`).
const MAX_REPLIES: usize = 64;
const MAX_STEPS: usize = 256;
const SERVER_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 100));

fn client_ip(i: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1 + i))
}

/// An association the server holds, as its peer (and an on-path attacker) knows it.
struct Peer {
    ip: IpAddr,
    port: u16,
    server_tag: VerificationTag,
    id: AssocId,
}

/// A cookie the server issued in an INIT ACK, and where it went.
struct Issued {
    cookie: Bytes,
    server_tag: VerificationTag,
    to: TransportAddr,
    port: u16,
}

struct Harness {
    server: Endpoint,
    now: Instant,
    peers: Vec<Peer>,
    issued: Vec<Issued>,
    issued_set: HashSet<Bytes>,
    known: HashSet<AssocId>,
}

/// Run the `endpoint` target on `data`; panics on a violated invariant:
///
/// - nothing panics, and everything the server sends parses;
/// - associations never exceed `max_associations`, and `stateless_backlog()` never exceeds the
///   reply queue bound plus `max_associations`;
/// - a new association appears only on a COOKIE ECHO carrying, byte for byte, a cookie the
///   server issued in an INIT ACK during this run (the fuzzer cannot forge the HMAC).
pub fn check_endpoint(data: &[u8]) {
    let mut h = Harness::new();
    let mut input = Input::new(data);
    for _ in 0..MAX_STEPS {
        if input.is_empty() {
            break;
        }
        let genuine = h.step(&mut input);
        h.check(genuine.as_ref());
    }
}

impl Harness {
    /// A server with two associations set up by real clients over a lossless network.
    fn new() -> Self {
        let now = usctp_sim::epoch();
        let mut cfg = EndpointConfig::default();
        cfg.rng_seed = Some(1);
        cfg.max_associations = MAX_ASSOCIATIONS;
        let server = Endpoint::new(cfg.clone(), SERVER_PORT, vec![SERVER_IP], now);
        let mut h = Self {
            server,
            now,
            peers: Vec::new(),
            issued: Vec::new(),
            issued_set: HashSet::new(),
            known: HashSet::new(),
        };
        let mut clients: Vec<Endpoint> = (0..2u8)
            .map(|i| {
                cfg.rng_seed = Some(10 + u64::from(i));
                Endpoint::new(cfg.clone(), 6000 + u16::from(i), vec![client_ip(i)], now)
            })
            .collect();
        for c in &mut clients {
            let to = [TransportAddr::raw(SERVER_IP)];
            let r = c.connect(now, &to, SERVER_PORT, None);
            assert!(r.is_ok(), "setup: connect failed");
        }
        for _ in 0..8 {
            for (i, c) in clients.iter_mut().enumerate() {
                for (_, bytes, _) in drain(c, now) {
                    let meta = DatagramMeta {
                        src: TransportAddr::raw(client_ip(i as u8)),
                        dst: SERVER_IP,
                    };
                    h.server.handle(now, meta, bytes);
                }
            }
            for (t, bytes, p) in drain(&mut h.server, now) {
                h.record(&t.dst, &p);
                let meta = DatagramMeta {
                    src: TransportAddr::raw(SERVER_IP),
                    dst: t.dst.ip,
                };
                if let Some(c) = clients.iter_mut().find(|c| p.header.dst_port == c.port()) {
                    c.handle(now, meta, bytes);
                }
            }
        }
        assert_eq!(h.server.association_count(), 2, "setup: not established");
        let mut ids: Vec<AssocId> = h.server.association_ids().collect();
        ids.sort_by_key(|id| id.0);
        for id in ids {
            h.watch(id);
            h.known.insert(id);
        }
        while h.server.poll_event().is_some() {}
        h
    }

    /// Remember the cookies of the INIT ACKs the server sends.
    fn record(&mut self, to: &TransportAddr, p: &Packet) {
        for c in &p.chunks {
            if let Chunk::InitAck(ack) = c {
                if let Some(cookie) = ack.state_cookie() {
                    self.issued_set.insert(cookie.clone());
                    self.issued.push(Issued {
                        cookie,
                        server_tag: ack.initiate_tag,
                        to: *to,
                        port: p.header.dst_port,
                    });
                }
            }
        }
    }

    /// One action; returns the cookie it echoed when that cookie was issued by the server.
    fn step(&mut self, input: &mut Input<'_>) -> Option<Bytes> {
        let mut genuine = None;
        match input.u8() % 6 {
            0 => {
                let src = source(input);
                let (sport, dport) = (input.u16(), self.dst_port(input));
                let vtag = self.vtag(input);
                let fix_crc = input.u8() % 4 != 0;
                let body = input.long_blob();
                let bytes = raw_packet(sport, dport, vtag, &body, fix_crc);
                self.server.handle(self.now, meta(src), bytes);
            }
            1 => {
                let src = source(input);
                let sport = input.u16();
                let init = init_from(input);
                self.send(src, sport, VerificationTag(0), vec![Chunk::Init(init)]);
            }
            2 if !self.issued.is_empty() => {
                let k = usize::from(input.u8()) % self.issued.len();
                let (mut cookie, mut to) = (self.issued[k].cookie.clone(), self.issued[k].to);
                let (port, mut vtag) = (self.issued[k].port, self.issued[k].server_tag);
                let mutation = input.u8();
                match mutation % 8 {
                    1 => cookie = flip(&cookie, input.u16(), input.u8()),
                    2 => vtag = VerificationTag(input.u32()),
                    3 => to = source(input),
                    4 => cookie = cookie.slice(..usize::from(input.u16()).min(cookie.len())),
                    _ => {}
                }
                if self.issued_set.contains(&cookie) {
                    genuine = Some(cookie.clone());
                }
                let mut body = Vec::new();
                CommonHeader {
                    src_port: port,
                    dst_port: SERVER_PORT,
                    vtag,
                }
                .write(&mut body);
                Chunk::CookieEcho(CookieEcho { cookie }).write(&mut body);
                body.extend_from_slice(&input.blob());
                crc::write_checksum(&mut body);
                self.server.handle(self.now, meta(to), Bytes::from(body));
            }
            3 => {
                let k = usize::from(input.u8()) % self.peers.len();
                let (ip, port, tag) = (
                    self.peers[k].ip,
                    self.peers[k].port,
                    self.peers[k].server_tag,
                );
                let body = input.long_blob();
                let bytes = raw_packet(port, SERVER_PORT, tag, &body, true);
                self.server
                    .handle(self.now, meta(TransportAddr::raw(ip)), bytes);
            }
            4 => {
                let ms = u64::from(input.u16()) * 10;
                self.advance(Duration::from_millis(ms));
            }
            _ => self.user(input),
        }
        for (t, _, p) in drain(&mut self.server, self.now) {
            self.record(&t.dst, &p);
        }
        while self.server.poll_event().is_some() {}
        genuine
    }

    fn check(&mut self, genuine: Option<&Bytes>) {
        let count = self.server.association_count();
        assert!(count <= MAX_ASSOCIATIONS, "{count} associations");
        let backlog = self.server.stateless_backlog();
        assert!(
            backlog <= MAX_REPLIES + MAX_ASSOCIATIONS,
            "stateless backlog {backlog}"
        );
        let ids: HashSet<AssocId> = self.server.association_ids().collect();
        let new = ids.difference(&self.known).count();
        assert!(
            new == 0 || (new == 1 && genuine.is_some()),
            "{new} association(s) created without an issued cookie"
        );
        for id in ids.difference(&self.known).copied().collect::<Vec<_>>() {
            self.watch(id);
        }
        self.known.extend(ids);
    }

    /// Let later steps act as the peer of association `id` too (churn: create, then abort).
    fn watch(&mut self, id: AssocId) {
        let Some(a) = self.server.association(id) else {
            return;
        };
        if let Some(path) = a.stats().paths.first() {
            self.peers.push(Peer {
                ip: path.remote.ip,
                port: a.ports().1,
                server_tag: a.local_tag(),
                id,
            });
        }
    }

    /// Fire the server's timers in order until `d` has passed.
    fn advance(&mut self, d: Duration) {
        let end = self.now + d;
        for _ in 0..1000 {
            match self.server.poll_timeout() {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    self.server.handle_timeout(self.now);
                    for (t, _, p) in drain(&mut self.server, self.now) {
                        self.record(&t.dst, &p);
                    }
                }
                _ => break,
            }
        }
        self.now = end;
    }

    /// The server's user acts on one of the set-up associations.
    fn user(&mut self, input: &mut Input<'_>) {
        let id = self.peers[usize::from(input.u8()) % self.peers.len()].id;
        let now = self.now;
        let op = input.u8();
        let len = usize::from(input.u16() % 4000);
        self.server.with_association(id, |a| match op % 4 {
            0 => drop(a.send(StreamId(u16::from(op >> 2)), Bytes::from(vec![7u8; len]))),
            1 => a.shutdown(now),
            2 => a.abort(None),
            _ => while a.poll_message().is_some() {},
        });
    }

    fn send(&mut self, src: TransportAddr, sport: u16, vtag: VerificationTag, chunks: Vec<Chunk>) {
        let p = Packet {
            header: CommonHeader {
                src_port: sport,
                dst_port: SERVER_PORT,
                vtag,
            },
            chunks,
        };
        self.server
            .handle(self.now, meta(src), Bytes::from(p.to_vec()));
    }

    fn dst_port(&self, input: &mut Input<'_>) -> u16 {
        match input.u8() % 8 {
            0 => input.u16(),
            _ => SERVER_PORT,
        }
    }

    /// A tag the fuzzer could not guess (a known one) or one it picks.
    fn vtag(&self, input: &mut Input<'_>) -> VerificationTag {
        let k = usize::from(input.u8());
        match input.u8() % 4 {
            0 => VerificationTag(0),
            1 => self.peers[k % self.peers.len()].server_tag,
            2 if !self.issued.is_empty() => self.issued[k % self.issued.len()].server_tag,
            _ => VerificationTag(input.u32()),
        }
    }
}

/// A source address: one of the clients, another IPv4 or IPv6 host, natively or over UDP.
fn source(input: &mut Input<'_>) -> TransportAddr {
    let sel = input.u8();
    let ip = match sel % 4 {
        0 | 1 => client_ip(sel % 2),
        2 => IpAddr::V4(Ipv4Addr::from(input.u32())),
        _ => IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, input.u16())),
    };
    match sel & 0x10 {
        0 => TransportAddr::raw(ip),
        _ => TransportAddr::udp(ip, input.u16()),
    }
}

fn meta(src: TransportAddr) -> DatagramMeta {
    DatagramMeta {
        src,
        dst: SERVER_IP,
    }
}

/// An INIT with fuzzed fixed fields and up to 7 IPv4 addresses (address camping, RFC 5062).
fn init_from(input: &mut Input<'_>) -> Init {
    let n = input.u8() % 8;
    let params = (0..n)
        .map(|_| Parameter::Ipv4Address(Ipv4Address(Ipv4Addr::from(input.u32()))))
        .collect();
    Init {
        initiate_tag: VerificationTag(input.u32()),
        a_rwnd: input.u32(),
        outbound_streams: input.u16(),
        inbound_streams: input.u16(),
        initial_tsn: Tsn(input.u32()),
        params,
    }
}

/// Common header plus fuzzed chunk bytes, with a valid CRC32c unless told otherwise.
fn raw_packet(sport: u16, dport: u16, vtag: VerificationTag, body: &[u8], fix: bool) -> Bytes {
    let mut p = Vec::with_capacity(12 + body.len());
    CommonHeader {
        src_port: sport,
        dst_port: dport,
        vtag,
    }
    .write(&mut p);
    p.extend_from_slice(body);
    if fix {
        crc::write_checksum(&mut p);
    }
    Bytes::from(p)
}

/// `b` with the byte at `at` (mod its length) xored with `x | 1`.
fn flip(b: &Bytes, at: u16, x: u8) -> Bytes {
    let mut v = b.to_vec();
    let len = v.len();
    if let Some(byte) = v.get_mut(usize::from(at) % len.max(1)) {
        *byte ^= x | 1;
    }
    Bytes::from(v)
}
