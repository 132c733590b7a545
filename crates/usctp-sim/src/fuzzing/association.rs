//! The `association` target: one association of a server-or-client SUT, started in a chosen
//! state, driven by peer packets, user calls and timers chosen by the input.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp_wire::chunk::{Chunk, CookieAck, CookieEcho};
use usctp_wire::{crc, CommonHeader, Packet, Ppid, StreamId, VerificationTag};

use super::input::Input;
use super::templates::PeerView;
use super::{drain, origin};
use usctp_proto::{
    AssocId, AssociationConfig, DatagramMeta, Endpoint, EndpointConfig, Event, State, TransportAddr,
};

const SUT_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));
const PEER_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
const SUT_PORT: u16 = 5000;
const PEER_PORT: u16 = 40_000;
const PEER_TAG: u32 = 0x0bad_cafe;
const MAX_STEPS: usize = 128;

struct Harness {
    ep: Endpoint,
    cfg: AssociationConfig,
    now: Instant,
    peer: PeerView,
    sut_tag: u32,
    /// The association watched, and its state after the last step (`None`: none yet / gone).
    id: Option<AssocId>,
    state: Option<State>,
    restarted: bool,
    /// User bytes the SUT's association accepted with `send`.
    accepted: usize,
    delivered: usize,
}

/// Run the `association` target on `data`; panics on a violated invariant:
///
/// - nothing panics and everything the SUT sends parses;
/// - each state change is one RFC 9260 §4 allows (forward through the handshake and the
///   shutdown states, to CLOSED from anywhere, back to ESTABLISHED only on a restart);
/// - the sender holds no more than it was given and its queue limit allows: queued and
///   outstanding bytes each within `send_queue_limit`, together within the bytes accepted,
///   and no more TSNs between its cumulative ack and next TSN than bytes accepted;
/// - the SUT never delivers more bytes than the peer put in DATA chunks.
pub fn check_association(data: &[u8]) {
    let mut input = Input::new(data);
    let mut h = Harness::start(input.u8());
    for _ in 0..MAX_STEPS {
        if input.is_empty() {
            break;
        }
        h.step(&mut input);
        h.check();
    }
}

impl Harness {
    fn start(which: u8) -> Self {
        let mut cfg = AssociationConfig::default();
        cfg.hb_interval = Some(Duration::from_secs(5));
        cfg.send_queue_limit = 64 * 1024;
        cfg.receive_window = 32 * 1024;
        let mut ecfg = EndpointConfig::default();
        ecfg.rng_seed = Some(7);
        ecfg.association = cfg.clone();
        let now = origin();
        let mut h = Self {
            ep: Endpoint::new(ecfg, SUT_PORT, vec![SUT_IP], now),
            cfg,
            now,
            peer: PeerView {
                tag: PEER_TAG,
                next_tsn: 1000,
                sut_tsn: 0,
                cookie: None,
                data_bytes: 0,
            },
            sut_tag: 0,
            id: None,
            state: None,
            restarted: false,
            accepted: 0,
            delivered: 0,
        };
        match which % 6 {
            0 => {} // CLOSED: listening, no association
            1 => {
                h.connect();
            }
            2 => {
                h.connect().init_ack();
            }
            3 => {
                h.connect().init_ack().cookie_ack().in_flight();
            }
            4 => {
                h.accept().in_flight();
            }
            _ => {
                h.accept().in_flight();
                let now = h.now;
                h.user(|a| a.shutdown(now));
            }
        }
        h.check();
        h
    }

    fn connect(&mut self) -> &mut Self {
        let to = [TransportAddr::raw(PEER_IP)];
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
            if self.user(|a| a.send(StreamId(0), Ppid(0), false, payload)) == Some(true) {
                self.accepted += len;
            }
        }
        self
    }

    /// A user call on the watched association, then drain its output; `Some(true)` if a
    /// `send`-like call returned Ok.
    fn user<R: IsOk>(
        &mut self,
        f: impl FnOnce(&mut usctp_proto::Association) -> R,
    ) -> Option<bool> {
        let r = self.ep.with_association(self.id?, f).map(|r| r.is_ok());
        self.pump();
        r
    }

    fn step(&mut self, input: &mut Input<'_>) {
        match input.u8() % 8 {
            0..=2 => {
                let vtag = self.vtag(input);
                let n = 1 + input.u8() % 3;
                let chunks = (0..n).map(|_| self.peer.chunk(input)).collect();
                self.send(vtag, chunks);
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
                if self.user(|a| a.send(stream, Ppid(1), unordered, payload)) == Some(true) {
                    self.accepted += len;
                }
            }
            5 => {
                let now = self.now;
                match input.u8() % 3 {
                    0 => drop(self.user(|a| a.shutdown(now))),
                    1 => drop(self.user(|a| a.abort(None))),
                    _ => drop(self.user(|a| a.abort(Some(Bytes::from_static(b"bye"))))),
                }
            }
            6 => {
                let ms = u64::from(input.u16()) * 4;
                self.advance(Duration::from_millis(ms));
            }
            _ => self.receive_messages(),
        }
    }

    fn vtag(&self, input: &mut Input<'_>) -> u32 {
        match input.u8() % 8 {
            0 => 0,
            1 => input.u32(),
            2 => PEER_TAG, // the peer's own tag: reflected, as with the T bit
            _ => self.sut_tag,
        }
    }

    fn send(&mut self, vtag: u32, chunks: Vec<Chunk>) {
        let p = Packet {
            header: header(vtag),
            chunks,
        };
        self.handle(Bytes::from(p.to_vec()));
    }

    fn handle(&mut self, bytes: Bytes) {
        let meta = DatagramMeta {
            src: TransportAddr::raw(PEER_IP),
            dst: SUT_IP,
        };
        self.ep.handle(self.now, meta, bytes);
        self.pump();
    }

    /// Drain the SUT: learn its tags, TSNs and cookies from what it sends; note restarts.
    fn pump(&mut self) {
        for (_, _, p) in drain(&mut self.ep, self.now) {
            for c in &p.chunks {
                match c {
                    Chunk::Init(i) => {
                        self.sut_tag = i.initiate_tag.0;
                        self.peer.sut_tsn = i.initial_tsn.0;
                    }
                    Chunk::InitAck(a) => {
                        self.sut_tag = a.initiate_tag.0;
                        self.peer.sut_tsn = a.initial_tsn.0;
                        self.peer.cookie = a.state_cookie();
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

    fn advance(&mut self, d: Duration) {
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

    fn check(&mut self) {
        // A new association (after the watched one is gone, or from CLOSED) is watched afresh.
        if self.id.is_none_or(|id| self.ep.association(id).is_none()) {
            if let Some(id) = self.ep.association_ids().min_by_key(|id| id.0) {
                if Some(id) != self.id {
                    (self.id, self.state, self.accepted) = (Some(id), None, 0);
                }
            }
        }
        let a = self.id.and_then(|id| self.ep.association(id));
        let state = a.map(|a| a.state());
        if let (Some(from), Some(to)) = (self.state, state) {
            assert!(
                legal(from, to, self.restarted),
                "illegal transition {from} -> {to}"
            );
        }
        self.state = state;
        self.restarted = false;
        if let Some(a) = a {
            let tx = a.sender();
            let limit = self.cfg.send_queue_limit;
            let (queued, outstanding) = (tx.queued_bytes(), tx.outstanding_bytes());
            assert!(queued <= limit, "queued {queued} > limit {limit}");
            assert!(outstanding <= limit, "outstanding {outstanding} > {limit}");
            assert!(
                queued + outstanding <= self.accepted,
                "queued {queued} + outstanding {outstanding} > accepted {}",
                self.accepted
            );
            let tsns = tx.next_tsn().0.wrapping_sub(tx.cum_ack().0).wrapping_sub(1);
            assert!(
                usize::try_from(tsns).is_ok_and(|n| n <= self.accepted),
                "{tsns} TSNs between cum ack {} and next {}",
                tx.cum_ack().0,
                tx.next_tsn().0
            );
        }
        assert!(
            self.delivered <= self.peer.data_bytes,
            "delivered {} > sent {}",
            self.delivered,
            self.peer.data_bytes
        );
    }
}

fn header(vtag: u32) -> CommonHeader {
    CommonHeader {
        src_port: PEER_PORT,
        dst_port: SUT_PORT,
        vtag: VerificationTag(vtag),
    }
}

/// RFC 9260 §4: one step may cover several transitions, so any forward move is legal, never a
/// move back (except to ESTABLISHED by a restart, §5.2.4 action A, and from COOKIE-ECHOED to
/// COOKIE-WAIT on a Stale Cookie error, §5.2.6), and the two sides of the shutdown
/// (SHUTDOWN-SENT, SHUTDOWN-RECEIVED) never turn into each other.
fn legal(from: State, to: State, restarted: bool) -> bool {
    fn rank(s: State) -> u8 {
        match s {
            State::CookieWait => 0,
            State::CookieEchoed => 1,
            State::Established => 2,
            State::ShutdownPending => 3,
            State::ShutdownSent | State::ShutdownReceived => 4,
            State::ShutdownAckSent => 5,
            _ => 6,
        }
    }
    let from = if restarted { State::Established } else { from };
    let stale_cookie = from == State::CookieEchoed && to == State::CookieWait;
    from == to || rank(to) > rank(from) || (restarted && to == State::Established) || stale_cookie
}

/// `Result`s and `()` alike: whether the call succeeded.
trait IsOk {
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
