//! The `association` target: one association of a server-or-client SUT, single- or
//! multihomed, started in a chosen state, driven by peer packets, user calls, timers, path
//! cuts and ICMP reports chosen by the input.
//!
//! Input format: byte 0 picks the start (`% 6`: CLOSED, COOKIE-WAIT, COOKIE-ECHOED,
//! ESTABLISHED as client, ESTABLISHED as server, SHUTDOWN-PENDING) and the homing (`/ 6`:
//! 0 single-homed, else 2 or 3 addresses on each side, see [`Homing`]); a multihomed start
//! reads one more byte, two bits per peer address, for the state its path is brought to.
//! Then up to 128 steps, each an opcode byte (`% 8`, as before multihoming: peer chunks,
//! raw peer packet, user send, shutdown/abort, time, receive; opcode 7 with the top bit set
//! is a path action: cut, restore, peer source switch, heartbeat answer, ICMP, set primary,
//! full SACK) and its operands.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp_wire::chunk::{Chunk, CookieAck, CookieEcho};
use usctp_wire::{crc, CommonHeader, Packet, ParseOptions, StreamId, VerificationTag};

use super::assoc_paths::Homing;
use super::drain;
use super::input::Input;
use super::signing;
use super::templates::PeerView;
use usctp_proto::{
    AssocId, AssociationConfig, DatagramMeta, Endpoint, EndpointConfig, Event, Extensions,
    SendOptions, State, TransportAddr,
};

pub(super) const SUT_PORT: u16 = 5000;
pub(super) const PEER_PORT: u16 = 40_000;
const PEER_TAG: u32 = 0x0bad_cafe;
const MAX_STEPS: usize = 128;

pub(super) struct Harness {
    pub(super) ep: Endpoint,
    pub(super) cfg: AssociationConfig,
    pub(super) now: Instant,
    pub(super) peer: PeerView,
    pub(super) sut_tag: u32,
    /// The association watched, and its state after the last step (`None`: none yet / gone).
    pub(super) id: Option<AssocId>,
    pub(super) state: Option<State>,
    pub(super) restarted: bool,
    /// User bytes the SUT's association accepted with `send`.
    pub(super) accepted: usize,
    pub(super) delivered: usize,
    /// Largest a_rwnd the peer announced (`u32::MAX` once it sent bytes we could not parse).
    pub(super) max_rwnd: u32,
    /// Addresses, cut links, what the SUT sent to each peer address.
    pub(super) net: Homing,
}

/// Run the `association` target on `data`; panics on a violated invariant:
///
/// - nothing panics and everything the SUT sends parses;
/// - each state change is one RFC 9260 §4 allows (forward through the handshake and the
///   shutdown states, to CLOSED from anywhere, back to ESTABLISHED only on a restart);
/// - the sender holds no more than it was given and its queue limit allows: queued and
///   outstanding bytes each within `send_queue_limit`, together within the bytes accepted,
///   no more TSNs between its cumulative ack and next TSN than bytes accepted, the bytes in
///   flight per path add up to the total, nothing in flight on an unconfirmed path, cwnd
///   positive, the peer's window as tracked never above what the peer announced;
/// - the receiver holds at most twice its window (the documented no-renege deviation) and
///   every SACK's a_rwnd is the window minus what it holds;
/// - the SUT never delivers more bytes than the peer put in DATA chunks;
/// - paths: the primary is a known path, no more paths than `max_peer_addresses`, error
///   counters consistent with the path state (RFC 9260 §8.2, RFC 7829 §5) and the
///   association's counter within `assoc_max_retrans` while open, no DATA or SACK to an
///   unconfirmed address (RFC 9260 §5.4).
pub fn check_association(data: &[u8]) {
    let mut input = Input::new(data);
    let mut h = Harness::start(&mut input);
    for _ in 0..MAX_STEPS {
        if input.is_empty() {
            break;
        }
        h.step(&mut input);
        h.check();
    }
}

impl Harness {
    pub(super) fn start(input: &mut Input<'_>) -> Self {
        let which = input.u8();
        let net = Homing::new(which / 6);
        let mut cfg = AssociationConfig::default();
        cfg.hb_interval = Some(Duration::from_secs(5));
        cfg.send_queue_limit = 64 * 1024;
        cfg.receive_window = 32 * 1024;
        // Extensions on (all offered by the fuzzed peer) unless the first byte says not.
        // AUTH too for a quarter of them (it is off by default); the peer asks for no chunk
        // to be authenticated, so its DATA still counts, and its AUTH chunks never verify.
        cfg.extensions = match which {
            240.. => Extensions::NONE,
            _ if which % 8 == 1 => Extensions::default().with(Extensions::AUTH),
            // ASCONF (RFC 5061) brings AUTH; the peer signs its ASCONFs when the input says.
            _ if which % 8 == 5 => Extensions::default().with(Extensions::ASCONF),
            // I-DATA (RFC 8260): the peer's DATA then aborts, its I-DATA is reassembled.
            _ if which % 8 == 3 => Extensions::default().with(Extensions::I_DATA),
            _ => Extensions::default(),
        };
        if net.multihomed() {
            // Low enough that a few errors take a path to INACTIVE.
            cfg.path_max_retrans = 2;
        }
        let mut ecfg = EndpointConfig::default();
        ecfg.rng_seed = Some(7);
        ecfg.association = cfg.clone();
        let now = usctp_sim::epoch();
        let mut h = Self {
            ep: Endpoint::new(ecfg, SUT_PORT, net.sut.clone(), now),
            cfg,
            now,
            peer: PeerView {
                tag: PEER_TAG,
                next_tsn: 1000,
                sut_tsn: 0,
                cookie: None,
                data_bytes: 0,
                addrs: net.listed_peer_addrs(),
                auth_key: None,
                asconf_serial: 1000,
            },
            sut_tag: 0,
            id: None,
            state: None,
            restarted: false,
            accepted: 0,
            delivered: 0,
            max_rwnd: 0,
            net,
        };
        let path_states = if h.net.multihomed() { input.u8() } else { 0 };
        match which % 6 {
            0 => {} // CLOSED: listening, no association
            1 => {
                h.connect();
            }
            2 => {
                h.connect().init_ack();
            }
            3 => {
                h.connect().init_ack().cookie_ack();
                h.settle_paths(path_states).in_flight();
            }
            4 => {
                h.accept().settle_paths(path_states).in_flight();
            }
            _ => {
                h.accept().settle_paths(path_states).in_flight();
                let now = h.now;
                h.user(|a| a.shutdown(now));
            }
        }
        h.check();
        h
    }

    fn connect(&mut self) -> &mut Self {
        let to: Vec<TransportAddr> = self
            .net
            .peer
            .iter()
            .map(|ip| TransportAddr::raw(*ip))
            .collect();
        let id = self.ep.connect(self.now, &to, PEER_PORT, None);
        self.id = id.ok();
        self.pump();
        self
    }

    fn init_ack(&mut self) -> &mut Self {
        let mut input = Input::new(&[
            8, 1, 0x10, 0, 10, 10, 8, b'c', b'o', b'o', b'k', b'i', b'e', b'!', b'!',
        ]);
        let ack = self.peer.chunk(&mut input);
        self.send(self.sut_tag, vec![ack]);
        self
    }

    fn cookie_ack(&mut self) -> &mut Self {
        self.send(self.sut_tag, vec![Chunk::CookieAck(CookieAck)]);
        self
    }

    fn accept(&mut self) -> &mut Self {
        let mut input = Input::new(&[7, 1, 0x10, 0, 10, 10]);
        let init = self.peer.chunk(&mut input);
        self.send(0, vec![init]);
        if let Some(cookie) = self.peer.cookie.clone() {
            self.send(self.sut_tag, vec![Chunk::CookieEcho(CookieEcho { cookie })]);
        }
        self.id = self.ep.association_ids().min_by_key(|id| id.0);
        self
    }

    /// Three messages sent and not acknowledged.
    fn in_flight(&mut self) -> &mut Self {
        for len in [100, 1200, 3000] {
            let payload = Bytes::from(vec![1u8; len]);
            if self.user(|a| a.send(StreamId(0), payload)) == Some(true) {
                self.accepted += len;
            }
        }
        self
    }

    /// A user call on the watched association, then drain its output; `Some(true)` if a
    /// `send`-like call returned Ok.
    pub(super) fn user<R: IsOk>(
        &mut self,
        f: impl FnOnce(&mut usctp_proto::Association) -> R,
    ) -> Option<bool> {
        let r = self.ep.with_association(self.id?, f).map(|r| r.is_ok());
        self.pump();
        r
    }

    fn step(&mut self, input: &mut Input<'_>) {
        let op = input.u8();
        match op % 8 {
            0..=2 => {
                let vtag = self.vtag(input);
                let n = 1 + input.u8() % 3;
                let chunks: Vec<Chunk> = (0..n).map(|_| self.peer.chunk(input)).collect();
                // ASCONF and ASCONF-ACK count only authenticated (RFC 5061 §4.1.1): sign
                // when the input says, so they reach the SUT's handlers.
                let at = chunks
                    .iter()
                    .position(|c| matches!(c, Chunk::Asconf(_) | Chunk::AsconfAck(_)));
                match (at, self.peer.auth_key.clone()) {
                    (Some(at), Some(key)) if input.bool() => {
                        self.handle(signing::signed_packet(vtag, &chunks, at, &key));
                    }
                    _ => self.send(vtag, chunks),
                }
            }
            3 => {
                let vtag = self.vtag(input);
                let body = input.long_blob();
                // Raw chunks may hold DATA: count them as deliverable.
                self.peer.data_bytes += body.len();
                let mut p = Vec::new();
                header(vtag).write(&mut p);
                p.extend_from_slice(&body);
                crc::write_checksum(&mut p);
                self.handle(Bytes::from(p));
            }
            4 => {
                let len = usize::from(input.u16() % 5000);
                let (stream, unordered) = (StreamId(u16::from(input.u8() % 12)), input.bool());
                let payload = Bytes::from(vec![2u8; len]);
                let now = self.now;
                let mut opts = SendOptions::default()
                    .stream(stream.0)
                    .ppid(1)
                    .unordered(unordered);
                // A PR-SCTP policy (RFC 7496) on some messages.
                opts = match input.u8() % 8 {
                    0 => opts.lifetime(Duration::from_millis(u64::from(input.u16()))),
                    1 => opts.max_retransmissions(u32::from(input.u8() % 4)),
                    2 => opts.priority(u16::from(input.u8() % 4)),
                    _ => opts,
                };
                if self.user(|a| a.send_with(now, payload, &opts)) == Some(true) {
                    self.accepted += len;
                }
            }
            5 => {
                let now = self.now;
                // Address changes (RFC 5061) among the SUT's addresses and one more.
                let sut = self.net.sut.clone();
                let ip = match input.u8() as usize % (sut.len() + 1) {
                    k if k < sut.len() => sut[k],
                    _ => EXTRA_SUT_ADDR,
                };
                match input.u8() % 6 {
                    0 => drop(self.user(|a| a.shutdown(now))),
                    1 => drop(self.user(|a| a.abort(None))),
                    2 => drop(self.user(|a| a.abort(Some(Bytes::from_static(b"bye"))))),
                    3 => drop(self.user(|a| a.add_local_address(ip))),
                    4 => drop(self.user(|a| a.remove_local_address(ip))),
                    _ => drop(self.user(|a| a.set_peer_primary(ip))),
                }
            }
            6 => {
                let ms = u64::from(input.u16()) * 4;
                self.advance(Duration::from_millis(ms));
            }
            _ if op & 0x80 != 0 => self.path_action((op >> 3) & 0x0f, input),
            _ => self.receive_messages(),
        }
    }

    pub(super) fn vtag(&self, input: &mut Input<'_>) -> u32 {
        match input.u8() % 8 {
            0 => 0,
            1 => input.u32(),
            2 => PEER_TAG, // the peer's own tag: reflected, as with the T bit
            _ => self.sut_tag,
        }
    }

    pub(super) fn send(&mut self, vtag: u32, chunks: Vec<Chunk>) {
        let p = Packet {
            header: header(vtag),
            chunks,
        };
        self.handle(Bytes::from(p.to_vec()));
    }

    /// Deliver a packet from the peer's current source address, unless that link is cut.
    fn handle(&mut self, bytes: Bytes) {
        self.note_rwnd(&bytes);
        let Some((src, dst)) = self.net.route() else {
            return;
        };
        let meta = DatagramMeta {
            src: TransportAddr::raw(src),
            dst,
        };
        self.ep.handle(self.now, meta, bytes);
        self.pump();
    }

    /// The largest a_rwnd our packets announce: a bound on the peer window the SUT tracks.
    fn note_rwnd(&mut self, bytes: &Bytes) {
        let Ok(p) = Packet::parse(bytes, ParseOptions::default()) else {
            self.max_rwnd = u32::MAX;
            return;
        };
        for c in &p.chunks {
            let rwnd = match c {
                Chunk::Init(i) => i.a_rwnd,
                Chunk::InitAck(a) => a.a_rwnd,
                Chunk::Sack(s) => s.a_rwnd,
                Chunk::Unknown(_) => u32::MAX,
                _ => 0,
            };
            self.max_rwnd = self.max_rwnd.max(rwnd);
        }
    }

    /// Drain the SUT: check what it sends, learn its tags, TSNs, cookies and heartbeats from
    /// what gets through; note restarts.
    pub(super) fn pump(&mut self) {
        for (t, _, p) in drain(&mut self.ep, self.now) {
            self.check_output(t.dst.ip, &p);
            if !self.net.receives(t.dst.ip, &p) {
                continue;
            }
            for c in &p.chunks {
                match c {
                    Chunk::Init(i) => {
                        self.sut_tag = i.initiate_tag.0;
                        self.peer.sut_tsn = i.initial_tsn.0;
                        self.peer.auth_key = signing::association_key(&i.params);
                    }
                    Chunk::InitAck(a) => {
                        self.sut_tag = a.initiate_tag.0;
                        self.peer.sut_tsn = a.initial_tsn.0;
                        self.peer.cookie = a.state_cookie();
                        self.peer.auth_key = signing::association_key(&a.params);
                    }
                    _ => {}
                }
            }
        }
        while let Some((id, e)) = self.ep.poll_event() {
            if Some(id) == self.id && e == Event::Restarted {
                self.restarted = true;
            }
        }
    }

    pub(super) fn advance(&mut self, d: Duration) {
        let end = self.now + d;
        for _ in 0..1000 {
            match self.ep.poll_timeout() {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    self.ep.handle_timeout(self.now);
                    self.pump();
                }
                _ => break,
            }
        }
        self.now = end;
    }

    fn receive_messages(&mut self) {
        let Some(id) = self.id else { return };
        while let Some(Some(m)) = self.ep.with_association(id, |a| a.poll_message()) {
            self.delivered += m.payload.len();
        }
        self.pump();
    }
}

/// An address the SUT's host may add to its associations.
const EXTRA_SUT_ADDR: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 9, 9, 9));

pub(super) fn header(vtag: u32) -> CommonHeader {
    CommonHeader {
        src_port: PEER_PORT,
        dst_port: SUT_PORT,
        vtag: VerificationTag(vtag),
    }
}

/// `Result`s and `()` alike: whether the call succeeded.
pub(super) trait IsOk {
    fn is_ok(&self) -> bool;
}

impl<T, E> IsOk for Result<T, E> {
    fn is_ok(&self) -> bool {
        Result::is_ok(self)
    }
}

impl IsOk for () {
    fn is_ok(&self) -> bool {
        true
    }
}
