//! One association: a thin facade that owns the parts (paths, sender, receiver, timers) and
//! dispatches chunks to the handlers in the sibling files.

mod asconf;
mod asconf_peer;
mod auth;
mod control;
mod cookie_match;
mod data;
mod forward_tsn;
mod handshake;
mod icmp;
mod output;
mod plpmtud;
mod reconfig;
mod reconfig_peer;
mod scheduling;
mod shutdown;
mod state;
mod stats;
mod timeout;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use usctp_wire::cause::ErrorCause;
use usctp_wire::chunk::{Chunk, Init};
use usctp_wire::{CommonHeader, StreamId, Tsn, VerificationTag};

pub use icmp::{IcmpKind, IcmpReport};
pub use state::State;

pub(crate) use cookie_match::CookieMatch;

pub(crate) use handshake::{address_params, peer_addresses};

use crate::auth::ReceivedPacket;
use crate::event::{AssocId, CloseReason, Event};
use crate::inline_queue::InlineQueue;
use crate::path::{PathId, PathManager};
use crate::rx::{Message, Receiver};
use crate::timer::{TimerKind, Timers};
use crate::tx::{SendError, SendOptions, Sender};
use crate::{AssociationConfig, DatagramMeta, Extensions, TransportAddr};
use auth::{Gate, PacketAuth};

/// A control chunk waiting to be sent, and where to.
#[derive(Debug, Clone)]
struct Pending {
    /// `None`: the current data path.
    dest: Option<PathId>,
    /// The source address when not the path's own (an ASCONF announcing it).
    src: Option<IpAddr>,
    chunk: Chunk,
}

/// Errors from user calls on an association.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AssocError {
    /// The message could not be queued.
    #[error(transparent)]
    Send(#[from] SendError),
    /// The association is shutting down or closed: no new data.
    #[error("association is {0}: no new data accepted")]
    NotWritable(State),
    /// No such path.
    #[error("no path {0:?}")]
    NoSuchPath(PathId),
    /// Stream reconfiguration (RE-CONFIG, RFC 6525) is not in force on this association:
    /// one side did not offer it.
    #[error("stream reconfiguration (RFC 6525) was not negotiated")]
    NotNegotiated,
    /// A re-configuration request of ours is already waiting or outstanding (RFC 6525
    /// §5.1.1: one at a time); retry after its event.
    #[error("a stream reconfiguration request is already in progress")]
    ReconfigInProgress,
    /// A stream number not below the stream count of its direction.
    #[error("stream {stream} is not below the {streams} streams")]
    InvalidStream {
        /// The stream asked for.
        stream: StreamId,
        /// Streams in that direction.
        streams: u16,
    },
    /// More streams than a direction can have (65535), or than one request may list.
    #[error("too many streams")]
    TooManyStreams,
    /// Dynamic address reconfiguration (ASCONF, RFC 5061) is not in force: one side did not
    /// offer it, or AUTH, which it needs, is not in force.
    #[error("dynamic address reconfiguration (RFC 5061) was not negotiated")]
    AsconfNotNegotiated,
    /// The address is already one of the association's.
    #[error("{0} is already an address of the association")]
    AddressInUse(IpAddr),
    /// The address is not one of the association's.
    #[error("{0} is not an address of the association")]
    UnknownAddress(IpAddr),
    /// The association's last address cannot be removed (RFC 5061 §5.3 F7).
    #[error("{0} is the association's last address")]
    LastAddress(IpAddr),
    /// Too many address requests wait for the peer's answers.
    #[error("too many address requests outstanding")]
    TooManyRequests,
}

/// Handshake data kept until the association is established.
#[derive(Debug, Clone, Default)]
struct Handshake {
    /// The INIT we sent (retransmitted on T1-init).
    init: Option<Init>,
    /// The cookie to echo (retransmitted on T1-cookie).
    cookie: Option<Bytes>,
    /// INIT / COOKIE ECHO retransmissions so far.
    retransmits: u32,
    /// The AUTH parameters our INIT carried (RFC 4895 §6.1); boxed, as most associations
    /// never use AUTH and the association stays smaller.
    auth: Option<Box<crate::auth::AuthParams>>,
}

/// One SCTP association (RFC 9260). Created by the endpoint; driven through it.
#[derive(Debug)]
pub struct Association {
    id: AssocId,
    state: State,
    /// Shared with the endpoint and its other associations (one copy, not one each).
    cfg: Arc<AssociationConfig>,
    local_port: u16,
    peer_port: u16,
    local_tag: VerificationTag,
    peer_tag: VerificationTag,
    local_initial_tsn: Tsn,
    /// MAC of the cookie this association was made from (answers late duplicates).
    cookie_mac: Option<[u8; 32]>,
    /// When that cookie expires (ms since the endpoint's epoch): until then the endpoint
    /// remembers it after this association is gone, so a replay cannot resurrect it.
    cookie_expiry_ms: Option<u64>,
    /// The user asked for a graceful shutdown before the association was established.
    shutdown_requested: bool,
    local_addrs: Arc<[IpAddr]>,
    paths: PathManager,
    tx: Sender,
    /// Made at the first DATA (see [`Association::receiver`]): an association that never
    /// receives data holds none. Boxed: it keeps the association within the allocator's fast
    /// size classes (glibc's tcache ends at 1032 bytes); one pointer hop per DATA packet is
    /// the price.
    rx: Option<Box<Receiver>>,
    /// The peer's initial TSN and our inbound stream count, once the handshake told them:
    /// what the receiver starts from.
    rx_start: Option<(Tsn, u16)>,
    timers: Timers,
    pending: InlineQueue<Pending>,
    events: InlineQueue<Event>,
    /// Made when we send an INIT and dropped at the COOKIE ACK: an association made from a
    /// COOKIE ECHO (every one a server holds) never has one.
    handshake: Option<Box<Handshake>>,
    /// Consecutive timeouts across all paths (RFC 9260 §8.1).
    assoc_errors: u32,
    /// T2 / T5 retransmissions of SHUTDOWN or SHUTDOWN ACK.
    shutdown_retransmits: u32,
    /// Where the last T2 retransmission went: the next one alternates from there.
    shutdown_dest: Option<PathId>,
    /// Where the next SACK goes: the source of the DATA it acknowledges (RFC 9260 §6.4).
    sack_dest: Option<PathId>,
    /// Packets with DATA this burst may still carry (Max.Burst, RFC 9260 §6.1).
    burst_left: u32,
    /// Set once the application was told the send queue is full.
    blocked: bool,
    messages_ready: bool,
    /// DATA was accepted in the packet being processed.
    accepted_data: bool,
    /// In the endpoint's queue of associations that may have output (a flag here instead of
    /// a set in the endpoint: no hashing per packet).
    queued_for_output: bool,
    /// The extensions in force (RFC 5061 §4.2.7): learned from the INIT ACK, or from the
    /// cookie. None until then.
    extensions: Extensions,
    /// Stream reconfiguration state (RFC 6525), made at first use.
    reconfig: Option<Box<crate::reconfig::Reconfig>>,
    /// AUTH state (RFC 4895), where AUTH is in force.
    auth: Option<Box<crate::auth::AuthSession>>,
    /// ASCONF state (RFC 5061), where ASCONF is offered.
    asconf: Option<Box<crate::asconf::AsconfState>>,
    /// Seed of the association's random numbers (heartbeat nonces and jitter), ratcheted
    /// forward at every use: 32 bytes held instead of a 320-byte generator.
    rng_seed: [u8; 32],
}

/// What the endpoint gives every association it creates.
pub(crate) struct AssocContext {
    /// The association's id in the endpoint.
    pub id: AssocId,
    /// Its protocol parameters (shared with the endpoint's other associations).
    pub cfg: Arc<AssociationConfig>,
    /// The endpoint's local addresses.
    pub local_addrs: Arc<[IpAddr]>,
}

impl Association {
    /// The handshake state, made at its first use.
    fn handshake_mut(&mut self) -> &mut Handshake {
        self.handshake.get_or_insert_with(Box::default)
    }

    fn new(
        ctx: AssocContext,
        now: Instant,
        ports: (u16, u16),
        tags: (VerificationTag, VerificationTag),
        local_initial_tsn: Tsn,
        first_path: (TransportAddr, Option<IpAddr>),
        rng: &mut impl RngCore,
    ) -> Box<Self> {
        let AssocContext {
            id,
            cfg,
            local_addrs,
        } = ctx;
        let paths = PathManager::new(first_path.0, first_path.1, now, &cfg);
        let mut tx = Sender::new(local_initial_tsn, cfg.outbound_streams, 0, &cfg);
        tx.add_path(PathId(0), cfg.start_mtu());
        // Built in its box: the association is large and is never moved afterwards.
        Box::new(Self {
            id,
            state: State::Closed,
            local_port: ports.0,
            peer_port: ports.1,
            local_tag: tags.0,
            peer_tag: tags.1,
            local_initial_tsn,
            shutdown_requested: false,
            cookie_mac: None,
            cookie_expiry_ms: None,
            local_addrs,
            paths,
            tx,
            rx: None,
            rx_start: None,
            timers: Timers::default(),
            pending: InlineQueue::default(),
            events: InlineQueue::default(),
            handshake: None,
            assoc_errors: 0,
            shutdown_retransmits: 0,
            shutdown_dest: None,
            sack_dest: None,
            burst_left: cfg.max_burst,
            blocked: false,
            messages_ready: false,
            accepted_data: false,
            queued_for_output: false,
            extensions: Extensions::NONE,
            reconfig: None,
            auth: None,
            asconf: None,
            rng_seed: {
                let mut seed = [0; 32];
                rng.fill_bytes(&mut seed);
                seed
            },
            cfg,
        })
    }

    /// A generator for one use; the seed moves on first, so no two uses repeat a stream.
    fn rng(&mut self) -> StdRng {
        let mut r = StdRng::from_seed(self.rng_seed);
        r.fill_bytes(&mut self.rng_seed);
        r
    }

    /// The receive side, made on first use once the peer's initial TSN is known.
    fn receiver(&mut self) -> Option<&mut Receiver> {
        if self.rx.is_none() {
            let (itsn, inbound) = self.rx_start?;
            self.rx = Some(Box::new(Receiver::new(itsn, inbound, &self.cfg)));
        }
        self.rx.as_deref_mut()
    }

    /// Our cumulative TSN ack: the receiver's, or the TSN before the peer's first one while no
    /// DATA has come (zero before the handshake).
    fn cum_ack(&self) -> Tsn {
        match (&self.rx, self.rx_start) {
            (Some(rx), _) => rx.cum_ack(),
            (None, Some((itsn, _))) => itsn.sub(1),
            (None, None) => Tsn(0),
        }
    }

    /// This association's id.
    pub fn id(&self) -> AssocId {
        self.id
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// Our verification tag (the one the peer puts on its packets).
    pub fn local_tag(&self) -> VerificationTag {
        self.local_tag
    }

    /// The peer's verification tag.
    pub fn peer_tag(&self) -> VerificationTag {
        self.peer_tag
    }

    /// Our initial TSN (repeated in the INIT ACK of an INIT collision, RFC 9260 §5.2.1).
    pub fn local_initial_tsn(&self) -> Tsn {
        self.local_initial_tsn
    }

    /// The extensions in force: those both sides offered at setup (RFC 5061 §4.2.7); empty
    /// until the handshake tells. PR-SCTP (RFC 3758) and RE-CONFIG (RFC 6525) act only when
    /// in force.
    pub fn extensions(&self) -> Extensions {
        self.extensions
    }

    /// Our SCTP port and the peer's.
    pub fn ports(&self) -> (u16, u16) {
        (self.local_port, self.peer_port)
    }

    /// The paths.
    pub(crate) fn paths(&self) -> &PathManager {
        &self.paths
    }

    /// The path to the peer's address `ip`, if it has one.
    pub fn find_path(&self, ip: IpAddr) -> Option<PathId> {
        self.paths.find_ip(ip)
    }
    /// Bytes of received user data held (fragments, out-of-order chunks, unread messages);
    /// bounded by `receive_window`.
    pub fn received_bytes(&self) -> usize {
        self.rx.as_deref().map_or(0, Receiver::buffered_bytes)
    }

    /// User bytes counted against `send_queue_limit`: queued, sent and held for
    /// retransmission until acknowledged, and held back by a stream reset (RFC 6525 §5.1.2).
    /// A message of `n` bytes fits when this plus `n` is at most the limit.
    pub fn send_buffered_bytes(&self) -> usize {
        self.tx.committed_bytes() + self.held_bytes()
    }

    /// The send side (queue, outstanding data, congestion state).
    #[cfg(feature = "internals")]
    pub(crate) fn sender(&self) -> &Sender {
        &self.tx
    }

    /// Queue a message on `stream`: PPID 0, ordered, reliable (see [`Association::send_with`]).
    /// Back-pressure: [`SendError::QueueFull`] until acknowledgements free space (an
    /// [`Event::Writable`] follows).
    pub fn send(&mut self, stream: StreamId, payload: Bytes) -> Result<(), AssocError> {
        self.queue_message(payload, &SendOptions::new(stream.0), None)
    }

    /// Queue a message sent as `opts` say (stream, PPID, U flag, PR-SCTP policy, I bit),
    /// given at `now` (a lifetime counts from it). Back-pressure as [`Association::send`];
    /// with the priority policy a full queue may abandon lower-priority messages instead
    /// ([`Event::Abandoned`]).
    pub fn send_with(
        &mut self,
        now: Instant,
        payload: Bytes,
        opts: &SendOptions,
    ) -> Result<(), AssocError> {
        self.queue_message(payload, opts, Some(now))
    }

    fn queue_message(
        &mut self,
        payload: Bytes,
        opts: &SendOptions,
        now: Option<Instant>,
    ) -> Result<(), AssocError> {
        if !self.state.accepts_user_data() {
            return Err(AssocError::NotWritable(self.state));
        }
        // RFC 6525 §5.1.2: held back while the stream's reset is under way.
        let payload = match self.hold_if_resetting(payload, opts, now) {
            Ok(p) => p,
            Err(done) => return done,
        };
        let r = self.tx.push_at(payload, opts, now);
        self.report_abandoned();
        match r {
            Err(SendError::QueueFull) => {
                self.blocked = true;
                Err(SendError::QueueFull.into())
            }
            r => {
                self.burst_left = self.cfg.max_burst;
                Ok(r?)
            }
        }
    }

    /// The next received message, in delivery order: whole, or, past the partial delivery
    /// point, one piece of it (see [`Message`]; `end_of_message` marks the last piece).
    pub fn poll_message(&mut self) -> Option<Message> {
        let m = self.rx.as_mut()?.poll_message();
        if m.is_none() {
            self.messages_ready = false;
        }
        m
    }

    /// The next application event.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.report_abandoned();
        self.events.pop_front()
    }

    /// The earliest timer deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        // A SACK goes only to a confirmed path (RFC 9260 §5.4): with none (the peer deleted
        // the last one, RFC 5061), its deadline waits for a HEARTBEAT ACK instead of firing
        // in a loop.
        let sack = match self.state {
            State::Closed => None,
            _ => self
                .rx
                .as_deref()
                .and_then(Receiver::sack_deadline)
                .filter(|_| self.paths.iter().any(|p| p.is_confirmed())),
        };
        match (self.timers.next(), sack) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Make `path` the primary destination for new data.
    pub fn set_primary(&mut self, path: PathId) -> Result<(), AssocError> {
        if self.paths.set_primary(path, &mut self.events) {
            Ok(())
        } else {
            Err(AssocError::NoSuchPath(path))
        }
    }

    /// Whether the association is gone (the endpoint reaps it once its events are drained).
    pub fn is_closed(&self) -> bool {
        self.state == State::Closed
    }

    fn queue(&mut self, dest: Option<PathId>, chunk: impl Into<Chunk>) {
        self.pending.push_back(Pending {
            dest,
            src: None,
            chunk: chunk.into(),
        });
    }

    /// End the association now: stop timers, report `reason` and any unsent data.
    fn close(&mut self, reason: Option<CloseReason>) {
        if self.state == State::Closed {
            return;
        }
        tracing::debug!(assoc = self.id.0, from = %self.state, ?reason, "association closed");
        self.state = State::Closed;
        self.timers.clear();
        self.fail_address_requests();
        let unsent = self.tx.queued_bytes() + self.tx.outstanding_bytes() + self.held_bytes();
        if unsent > 0 && reason.is_some() {
            self.events.push_back(Event::SendFailure {
                messages: 0,
                bytes: unsent,
            });
        }
        self.events.push_back(match reason {
            Some(r) => Event::Closed(r),
            None => Event::ShutdownComplete,
        });
    }

    /// Send ABORT with `cause` and close (RFC 9260 §9.1).
    fn abort_with(&mut self, cause: Option<ErrorCause>, reason: CloseReason) {
        let causes = cause.into_iter().collect();
        self.pending.clear();
        self.queue(
            None,
            usctp_wire::chunk::Abort {
                t_bit: false,
                causes,
            },
        );
        self.close(Some(reason));
    }

    fn set_state(&mut self, next: State, why: &'static str) {
        tracing::debug!(assoc = self.id.0, from = %self.state, to = %next, why, "state");
        self.state = next;
    }

    /// Process one received packet (already matched to this association by the endpoint).
    pub(crate) fn handle_packet(
        &mut self,
        now: Instant,
        meta: &DatagramMeta,
        (header, packet): (&CommonHeader, &ReceivedPacket<'_>),
        chunks: &mut Vec<Chunk>,
    ) {
        self.burst_left = self.cfg.max_burst;
        let mut from = self.paths.find(meta.src);
        if let Some(p) = from.and_then(|id| self.paths.get_mut(id)) {
            p.counters.packets_received += 1;
            let len = chunks.iter().map(Chunk::padded_len).sum::<usize>();
            p.counters.bytes_received += (CommonHeader::LEN + len) as u64;
        }
        if !self.check_vtag(header, chunks.first()) {
            return;
        }
        // RFC 9260 §6.10: INIT ACK and SHUTDOWN COMPLETE are never bundled; a packet that
        // does so is malformed and discarded whole (INIT is checked by the endpoint).
        let lone = |c: &Chunk| matches!(c, Chunk::InitAck(_) | Chunk::ShutdownComplete(_));
        if chunks.len() > 1 && chunks.iter().any(lone) {
            return;
        }
        let mut had_data = false;
        let mut immediate = false;
        let mut unrecognized = Vec::new();
        let mut auth = PacketAuth::default();
        let mut chunks = chunks.drain(..).take(self.cfg.max_chunks_per_packet);
        while let Some(chunk) = chunks.next() {
            if self.state == State::Closed {
                break;
            }
            // RFC 4895 §6.3: chunks we require authenticated need a verified AUTH before.
            match self.auth_gate(&chunk, packet, &mut auth) {
                Gate::Pass => {}
                Gate::Skip => continue,
                Gate::Stop => {
                    self.auth_discarded(chunks.count());
                    break;
                }
            }
            // From an address not (yet) the peer's, only an ASCONF counts: it may add it
            // (RFC 5061 §4.2.4); the endpoint routes nothing else here from there.
            if from.is_none() && !matches!(chunk, Chunk::Asconf(_)) {
                continue;
            }
            if self.state == State::CookieEchoed
                && implies_cookie_ack(&chunk, self.local_initial_tsn)
            {
                self.on_cookie_ack(now);
            }
            match chunk {
                // RFC 9260 §9.2: DATA after the peer's SHUTDOWN is discarded without a SACK.
                Chunk::Data(_) if !self.state.accepts_peer_data() => {}
                // RFC 8260 §2.2: DATA while I-DATA is in force is a protocol violation.
                Chunk::Data(_) if self.extensions.contains(Extensions::I_DATA) => {
                    self.on_data_instead_of_idata();
                    break;
                }
                Chunk::Data(d) => {
                    had_data = true;
                    immediate |= d.immediate;
                    self.on_data(&d);
                }
                // RFC 8260 §2.2: I-DATA only when negotiated; otherwise by its type bits.
                Chunk::IData(_)
                    if self.extensions.contains(Extensions::I_DATA)
                        && !self.state.accepts_peer_data() => {}
                Chunk::IData(d) if self.extensions.contains(Extensions::I_DATA) => {
                    had_data = true;
                    immediate |= d.immediate;
                    self.on_idata(&d);
                }
                Chunk::Sack(s) => self.on_sack(now, &s),
                Chunk::InitAck(a) => self.on_init_ack(now, meta, a),
                Chunk::CookieAck(_) => self.on_cookie_ack(now),
                Chunk::Heartbeat(h) => self.on_heartbeat(h, from),
                Chunk::HeartbeatAck(h) => self.on_heartbeat_ack(now, &h),
                Chunk::Abort(a) => self.on_abort(a),
                Chunk::Shutdown(s) => self.on_shutdown(now, s),
                Chunk::ShutdownAck(_) => self.on_shutdown_ack(now),
                Chunk::ShutdownComplete(_) => self.on_shutdown_complete(),
                Chunk::Error(e) => self.on_error(now, e),
                // RFC 3758 §3.3.1: without PR-SCTP negotiated it is an unrecognized chunk.
                // RFC 8260 §2.3.1: not with I-DATA in force, where I-FORWARD-TSN replaces it.
                Chunk::ForwardTsn(f)
                    if self.extensions.contains(Extensions::PR_SCTP)
                        && !self.extensions.contains(Extensions::I_DATA) =>
                {
                    if self.state.accepts_peer_data() {
                        had_data = true;
                        self.on_forward_tsn(&f);
                    }
                }
                // RFC 8260 §2.3: with I-DATA and PR-SCTP in force; otherwise by its type bits.
                Chunk::IForwardTsn(f)
                    if self
                        .extensions
                        .contains(Extensions::I_DATA.with(Extensions::PR_SCTP)) =>
                {
                    if self.state.accepts_peer_data() {
                        had_data = true;
                        self.on_i_forward_tsn(&f);
                    }
                }
                // RFC 6525: only when negotiated; otherwise by its type bits, below.
                Chunk::ReConfig(r) if self.extensions.contains(Extensions::RECONFIG) => {
                    self.on_reconfig(now, r)
                }
                // RFC 5061: only when negotiated; otherwise by its type bits, below.
                Chunk::Asconf(a) if self.extensions.contains(Extensions::ASCONF) => {
                    self.on_asconf(now, meta, &a, auth == PacketAuth::Verified);
                    from = self.paths.find(meta.src);
                }
                Chunk::AsconfAck(a) if self.extensions.contains(Extensions::ASCONF) => {
                    self.on_asconf_ack(now, &a, auth == PacketAuth::Verified)
                }
                // INIT and COOKIE ECHO for an existing association are handled by the endpoint
                // (RFC 9260 §5.2); ignore stray copies here.
                Chunk::Init(_) | Chunk::CookieEcho(_) => {}
                other => {
                    if !self.on_unrecognized(&other, &mut unrecognized) {
                        break;
                    }
                }
            }
        }
        self.report_unrecognized(from, unrecognized);
        if had_data {
            let answer_shutdown = self.state == State::ShutdownSent;
            if let Some(rx) = self.receiver() {
                rx.on_packet_end(now, immediate || answer_shutdown);
            }
            self.sack_dest = from;
            self.note_messages();
            if answer_shutdown {
                self.on_data_in_shutdown_sent(now);
            }
            self.after_cum_ack_moved();
        }
        self.after_input(now);
    }

    /// Hand abandoned messages to the application (RFC 3758; RFC 6458 §6.1.11 does the same
    /// with SCTP_SEND_FAILED_EVENT).
    #[inline]
    fn report_abandoned(&mut self) {
        while let Some(m) = self.tx.take_abandoned() {
            self.events.push_back(Event::Abandoned(Box::new(m)));
        }
    }

    /// Work common to every input: shutdown progress, writability.
    fn after_input(&mut self, now: Instant) {
        self.report_abandoned();
        self.progress_shutdown(now);
        if self.blocked && self.tx.queued_bytes() < self.cfg.send_queue_limit / 2 {
            self.blocked = false;
            self.events.push_back(Event::Writable);
        }
    }

    /// Tell the application once that messages may be ready (cleared when `poll_message`
    /// runs dry). Only fragments may have arrived; a spurious wake-up is harmless.
    fn note_messages(&mut self) {
        if self.accepted_data && !self.messages_ready {
            self.messages_ready = true;
            self.events.push_back(Event::MessagesReady);
        }
        self.accepted_data = false;
    }

    /// Arm the T3-rtx timer of `path` if data is outstanding there and it is not running
    /// (RFC 9260 §6.3.2 R1); on the data path also while a FORWARD TSN awaits its ack
    /// (RFC 3758 §3.5 A5: its expiry sends the FORWARD TSN again).
    fn arm_t3(&mut self, path: PathId, now: Instant, restart: bool) {
        let kind = TimerKind::T3Rtx(path);
        let forward = self.tx.awaiting_forward_ack() && path == self.paths.data_path();
        if self.tx.outstanding_on(path) == 0 && !forward {
            self.timers.stop(kind);
            return;
        }
        let rto = self
            .paths
            .get(path)
            .map(|p| p.rto.rto())
            .unwrap_or(self.cfg.rto_initial);
        if restart {
            self.timers.set(kind, now + rto);
        } else {
            self.timers.set_if_idle(kind, now + rto);
        }
    }
}

/// In COOKIE-ECHOED, a chunk only an established peer sends: a SACK acknowledging DATA that
/// went out with the COOKIE ECHO (DATA is processed only after the cookie is accepted), or a
/// HEARTBEAT. Taking it as the lost COOKIE ACK saves a COOKIE ECHO retransmission round.
/// (Deliberate addition to RFC 9260 §5.1 E, which names only COOKIE ACK.)
fn implies_cookie_ack(chunk: &Chunk, local_initial_tsn: Tsn) -> bool {
    match chunk {
        Chunk::Sack(s) => s.cum_tsn_ack.serial_ge(local_initial_tsn),
        Chunk::Heartbeat(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod size_tests {
    /// A server holds one of these per idle association (issue 23): kept within glibc's
    /// tcache size classes (which end at 1032 bytes), the handshake and PR-SCTP state boxed.
    #[test]
    fn an_association_fits_the_allocators_fast_size_classes() {
        let size = std::mem::size_of::<super::Association>();
        assert!(size <= 1032, "Association is {size} bytes");
    }
}
