//! The `Sender`: queue, outstanding data and per-path congestion state; setup and accessors.

use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp_wire::Tsn;

use super::abandon::PrRecord;
use super::congestion::{CongestionControl, Rfc9260Congestion};
use super::outstanding::Outstanding;
use super::send_queue::{Limits, SendQueue};
use super::{SendError, SendOptions};
use crate::config::AssociationConfig;
use crate::inline_first::InlineFirst;
use crate::path::PathId;

/// Per-destination send state.
#[derive(Debug)]
pub(super) struct PathSendState {
    pub id: PathId,
    pub mtu: usize,
    pub cc: Controller,
    /// In Fast Recovery until the cumulative ack reaches this TSN (RFC 9260 §7.2.4).
    pub fast_recovery_exit: Option<u64>,
    pub last_sent: Option<Instant>,
    /// Scratch for one SACK: flight before it, bytes it acked, a fast retransmit on this path.
    pub flight_before: usize,
    pub acked_now: usize,
    pub fast_rtx_now: bool,
}

/// A path's congestion controller: the standard one inline (no allocation per path, and
/// paths are made with every association), another one boxed.
#[derive(Debug)]
pub(super) enum Controller {
    Standard(Rfc9260Congestion),
    // Constructed only by tests until the configuration offers a controller.
    #[cfg_attr(not(test), allow(dead_code))]
    Custom(Box<dyn CongestionControl>),
}

impl std::ops::Deref for Controller {
    type Target = dyn CongestionControl;
    fn deref(&self) -> &Self::Target {
        match self {
            Self::Standard(c) => c,
            Self::Custom(c) => &**c,
        }
    }
}

impl std::ops::DerefMut for Controller {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            Self::Standard(c) => c,
            Self::Custom(c) => &mut **c,
        }
    }
}

/// The send side of one association.
#[derive(Debug)]
pub(crate) struct Sender {
    pub(super) queue: SendQueue,
    pub(super) out: Outstanding,
    pub(super) paths: InlineFirst<PathSendState>,
    /// The peer's rwnd as tracked by RFC 9260 §6.2.1 B-D: a_rwnd minus the bytes in flight,
    /// below zero while a zero window probe (or data sent before the window shrank) is out,
    /// so that marking those bytes for retransmission gives back only what they took.
    pub(super) peer_window: i64,
    /// The peer's initial a_rwnd, seeding ssthresh of new paths.
    pub(super) initial_peer_rwnd: u32,
    /// Chunk bytes a fast retransmission may still send regardless of cwnd (RFC 9260 §7.2.4
    /// step 3: one packet).
    pub(super) fast_rtx_budget: usize,
    /// The user asked for a shutdown: the last DATA chunk gets the I bit (RFC 7053 §4).
    pub(super) closing: bool,
    /// PR-SCTP negotiated: messages with a policy may be abandoned (RFC 3758).
    pub(super) pr_enabled: bool,
    /// Abandoned messages for the application and their counters.
    pub(super) pr: PrRecord,
    /// A sent chunk was abandoned since the last FORWARD TSN was built.
    pub(super) forward_due: bool,
    /// I-DATA in force (RFC 8260): user messages go as I-DATA.
    pub(super) i_data: bool,
}

impl Sender {
    /// A sender whose first TSN is `local_initial_tsn`.
    pub(crate) fn new(
        local_initial_tsn: Tsn,
        outbound_streams: u16,
        peer_rwnd: u32,
        cfg: &AssociationConfig,
    ) -> Self {
        let limits = Limits {
            queue_limit: cfg.send_queue_limit,
            max_message: cfg.max_message_size,
        };
        Self {
            queue: SendQueue::new(outbound_streams, limits, cfg.scheduler),
            // Unwrapped TSNs start one period up so that cum ack = initial - 1 is representable.
            out: Outstanding::new((1 << 32) + u64::from(local_initial_tsn.0)),
            paths: InlineFirst::default(),
            peer_window: i64::from(peer_rwnd),
            initial_peer_rwnd: peer_rwnd,
            fast_rtx_budget: 0,
            closing: false,
            pr_enabled: false,
            pr: PrRecord::default(),
            forward_due: false,
            i_data: false,
        }
    }

    /// I-DATA in force (RFC 8260 §2.2): every user message goes as I-DATA.
    pub(crate) fn set_i_data(&mut self, on: bool) {
        self.i_data = on;
        self.queue.set_interleave(on);
    }

    /// A packet with new data is complete (RFC 8260 §3.3 switches streams there).
    pub(crate) fn packet_end(&mut self) {
        self.queue.packet_end();
    }

    /// Set `stream`'s priority or weight for the stream scheduler.
    pub(crate) fn set_stream_priority(&mut self, stream: u16, value: u16) -> Result<(), SendError> {
        self.queue.set_stream_value(stream, value)
    }

    /// `stream`'s priority or weight.
    pub(crate) fn stream_priority(&self, stream: u16) -> Result<u16, SendError> {
        self.queue.stream_value(stream)
    }

    /// Whether user messages go as I-DATA.
    pub(crate) fn i_data(&self) -> bool {
        self.i_data
    }

    /// Add a destination with the RFC 9260 §7.2 congestion controller (initial cwnd, ssthresh =
    /// the peer's a_rwnd). Adding a known path only updates its MTU.
    pub(crate) fn add_path(&mut self, path: PathId, mtu: usize) {
        let cc = Rfc9260Congestion::new(mtu, self.initial_peer_rwnd);
        self.add_path_state(path, mtu, Controller::Standard(cc));
    }

    /// Add a destination with another congestion controller (only tests plug one in until
    /// the configuration offers it).
    #[cfg(test)]
    pub(crate) fn add_path_with(
        &mut self,
        path: PathId,
        mtu: usize,
        cc: Box<dyn CongestionControl>,
    ) {
        self.add_path_state(path, mtu, Controller::Custom(cc));
    }

    fn add_path_state(&mut self, path: PathId, mtu: usize, cc: Controller) {
        if self.path_index(path).is_some() {
            self.set_path_mtu(path, mtu);
            return;
        }
        self.paths.push(PathSendState {
            id: path,
            mtu,
            cc,
            fast_recovery_exit: None,
            last_sent: None,
            flight_before: 0,
            acked_now: 0,
            fast_rtx_now: false,
        });
    }

    /// RFC 9260 §7.2.1: a destination that sent no DATA for `rto` or longer has its cwnd
    /// decayed once per RTO it stayed idle (to max(cwnd/2, 4*MTU)), before it sends again.
    /// The idle time accounted for is taken off, so a second call decays no further.
    pub(crate) fn decay_if_idle(&mut self, path: PathId, now: Instant, rto: Duration) {
        if rto.is_zero() || self.out.flight_on(path) > 0 {
            return;
        }
        let Some(p) = self.path_mut(path) else { return };
        let Some(last) = p.last_sent else { return };
        let idle = now.saturating_duration_since(last);
        let rtos = (idle.as_nanos() / rto.as_nanos()).min(32) as u32;
        for _ in 0..rtos {
            p.cc.on_idle();
        }
        if rtos > 0 {
            p.last_sent = Some(last + rto * rtos);
        }
    }

    /// The path MTU changed (IP header included).
    pub(crate) fn set_path_mtu(&mut self, path: PathId, mtu: usize) {
        if let Some(p) = self.path_mut(path) {
            p.mtu = mtu;
            p.cc.set_mtu(mtu);
        }
    }

    /// Queue a user message (without a reference time its lifetime does not apply).
    #[cfg(test)]
    pub(crate) fn push(&mut self, payload: Bytes, opts: &SendOptions) -> Result<(), SendError> {
        self.push_at(payload, opts, None)
    }

    /// Queue a user message given at `now`, from which its lifetime counts.
    pub(crate) fn push_at(
        &mut self,
        payload: Bytes,
        opts: &SendOptions,
        now: Option<Instant>,
    ) -> Result<(), SendError> {
        let held = self.out.held_bytes();
        self.queue
            .push(payload, opts, held, now, self.pr_enabled, &mut self.pr)
    }

    /// No more user data will come (SHUTDOWN-PENDING): the last queued chunk goes out with
    /// the I bit, so that the SACK the SHUTDOWN waits for is not delayed (RFC 7053 §4).
    pub(crate) fn set_closing(&mut self) {
        self.closing = true;
    }

    /// The peer's a_rwnd from INIT / INIT ACK. Paths that have not sent DATA yet restart
    /// their congestion state with it as ssthresh (RFC 9260 §7.2.1).
    pub(crate) fn set_peer_rwnd(&mut self, rwnd: u32) {
        self.initial_peer_rwnd = rwnd;
        self.set_peer_window(rwnd);
        for p in self.paths.iter_mut() {
            if p.last_sent.is_none() {
                p.cc.reset(p.mtu, rwnd);
            }
        }
    }

    /// The negotiated outbound stream count; drops messages queued on streams `>= n` and
    /// returns how many (a message already partly sent is finished).
    pub(crate) fn set_outbound_streams(&mut self, n: u16) -> usize {
        self.queue.set_outbound_streams(n)
    }

    pub(super) fn path_index(&self, path: PathId) -> Option<usize> {
        self.paths.iter().position(|p| p.id == path)
    }

    pub(super) fn path_mut(&mut self, path: PathId) -> Option<&mut PathSendState> {
        self.paths.iter_mut().find(|p| p.id == path)
    }

    /// Payload bytes of the first chunk marked for retransmission: after the path MTU
    /// shrank it may be larger than new fragments (chunks are never re-fragmented).
    pub(crate) fn first_marked_len(&self) -> Option<usize> {
        self.out
            .first_marked()
            .and_then(|i| self.out.get(i))
            .map(|e| e.len())
    }

    /// Bytes in flight on `path`.
    pub(crate) fn outstanding_on(&self, path: PathId) -> usize {
        self.out.flight_on(path)
    }
    /// Bytes in flight on all paths (sent, not acked, not marked for retransmission).
    pub(crate) fn outstanding_bytes(&self) -> usize {
        self.out.in_flight_bytes()
    }
    /// Chunks wait for retransmission.
    pub(crate) fn has_marked_retransmissions(&self) -> bool {
        self.out.marked_count() > 0
    }
    /// User bytes not yet sent.
    pub(crate) fn queued_bytes(&self) -> usize {
        self.queue.bytes()
    }
    /// Nothing queued and nothing outstanding (every TSN sent is cumulatively acked).
    pub(crate) fn is_idle(&self) -> bool {
        self.queue.is_empty() && self.out.is_empty()
    }
    /// The peer's receive window as currently tracked.
    pub(crate) fn peer_rwnd(&self) -> u32 {
        u32::try_from(self.peer_window.max(0)).unwrap_or(u32::MAX)
    }

    /// RFC 9260 §6.2.1 ii: rwnd = a_rwnd - bytes still outstanding.
    pub(super) fn set_peer_window(&mut self, a_rwnd: u32) {
        self.peer_window =
            i64::from(a_rwnd) - i64::try_from(self.out.in_flight_bytes()).unwrap_or(i64::MAX);
    }
    /// Congestion window of `path` (0 for an unknown path).
    pub(crate) fn cwnd(&self, path: PathId) -> usize {
        self.paths
            .iter()
            .find(|p| p.id == path)
            .map_or(0, |p| p.cc.cwnd())
    }
    /// Slow start threshold of `path` (0 for an unknown path).
    pub(crate) fn ssthresh(&self, path: PathId) -> usize {
        self.paths
            .iter()
            .find(|p| p.id == path)
            .map_or(0, |p| p.cc.ssthresh())
    }
    /// `path` is in Fast Recovery (RFC 9260 §7.2.4).
    #[cfg(test)]
    pub(crate) fn in_fast_recovery(&self, path: PathId) -> bool {
        self.paths
            .iter()
            .any(|p| p.id == path && p.fast_recovery_exit.is_some())
    }
    /// Outbound streams accepted by `push`.
    #[cfg(test)]
    pub(crate) fn outbound_streams(&self) -> u16 {
        self.queue.outbound_streams()
    }
    /// When DATA was last sent on `path` (for the §7.2.1 idle rule).
    #[cfg(test)]
    pub(crate) fn last_sent(&self, path: PathId) -> Option<Instant> {
        self.paths.iter().find(|p| p.id == path)?.last_sent
    }
    /// Highest TSN cumulatively acked by the peer.
    #[cfg(any(test, feature = "internals"))]
    pub(crate) fn cum_ack(&self) -> Tsn {
        Tsn(self.out.cum_ack() as u32)
    }
    /// TSN the next new chunk gets.
    #[cfg(any(test, feature = "internals"))]
    pub(crate) fn next_tsn(&self) -> Tsn {
        Tsn(self.out.next_tsn() as u32)
    }
}
