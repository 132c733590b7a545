//! Choosing the next chunk to transmit (RFC 9260 §6.1) and T3-rtx marking (§6.3.3).

use std::time::Instant;

use usctp_wire::chunk::{Chunk, Data, IData};
use usctp_wire::{Fsn, Mid, Ppid, Tsn};

use super::sender::Sender;
use crate::path::PathId;

impl Sender {
    /// Next chunk to put in a packet to `path`: first chunks marked for retransmission (lowest
    /// TSN first, to any path), then new data, limited by cwnd (§6.1 rule B) and for new data by
    /// the peer's rwnd (rule A, with a zero-window probe when nothing is in flight). `None` when
    /// blocked, when nothing fits `max_payload`, or when `path` was never added.
    pub(crate) fn next_chunk(
        &mut self,
        now: Instant,
        path: PathId,
        max_payload: usize,
    ) -> Option<Data> {
        let pi = self.path_index(path)?;
        while let Some(idx) = self.out.first_marked() {
            // RFC 3758 §3.5 A2: a chunk due for retransmission is first checked against its
            // message's policy.
            if let Some(reason) = self.abandon_reason(idx, now) {
                self.abandon_sent(idx, reason);
                continue;
            }
            // RFC 9260 §6.1 C: retransmissions go before new data.
            return self.retransmit(now, pi, idx, max_payload);
        }
        self.fast_rtx_budget = 0;
        self.drop_expired_queued(now);
        let len = self.queue.peek_len(max_payload)?;
        if !self.cwnd_allows(pi, len) {
            return None;
        }
        // RFC 9260 §6.1 A: no new data beyond the peer's rwnd, except one chunk when nothing
        // is in flight (zero window probe).
        if len > self.peer_rwnd() as usize && self.out.in_flight_bytes() > 0 {
            return None;
        }
        let f = self.queue.pop_fragment(max_payload)?;
        let immediate = f.immediate || self.ask_immediate_sack(len, max_payload);
        let data = Data {
            tsn: Tsn(self.out.next_tsn() as u32),
            stream: f.stream,
            ssn: f.ssn,
            ppid: f.ppid,
            unordered: f.unordered,
            beginning: f.beginning,
            ending: f.ending,
            immediate,
            payload: f.payload,
        };
        self.out.push(data.clone(), f.pr, path, now);
        if let Some(e) = self.out.last_mut() {
            (e.mid, e.fsn) = (f.mid, f.fsn);
        }
        self.on_sent(pi, len, now);
        Some(data)
    }

    /// [`next_chunk`](Self::next_chunk) as the chunk to send: I-DATA with the entry's MID
    /// and FSN when I-DATA is in force (RFC 8260 §2.1; `max_payload` then counts the larger
    /// header), DATA otherwise.
    pub(crate) fn next_wire_chunk(
        &mut self,
        now: Instant,
        path: PathId,
        max_payload: usize,
    ) -> Option<Chunk> {
        if !self.i_data {
            return self.next_chunk(now, path, max_payload).map(Chunk::Data);
        }
        let room = max_payload.saturating_sub(IData::HEADER_LEN - Data::HEADER_LEN);
        let d = self.next_chunk(now, path, room)?;
        let base = self.out.base();
        let unwrapped = base + u64::from(d.tsn.0.wrapping_sub(base as u32));
        let (mid, fsn) = self
            .out
            .by_tsn(unwrapped)
            .map_or((0, 0), |e| (e.mid, e.fsn));
        Some(Chunk::IData(IData {
            tsn: d.tsn,
            stream: d.stream,
            mid: Mid(mid),
            ppid: if d.beginning { d.ppid } else { Ppid(0) },
            fsn: Fsn(if d.beginning { 0 } else { fsn }),
            unordered: d.unordered,
            beginning: d.beginning,
            ending: d.ending,
            immediate: d.immediate,
            payload: d.payload,
        }))
    }

    /// The sender's own reasons for the I bit on a new chunk of `len` bytes, just taken from
    /// the queue (RFC 7053 §4): it is the last one before a SHUTDOWN, which waits for its SACK;
    /// or the peer's window will not take the next one, so nothing more can go out before
    /// a SACK and delaying it would only stall the association.
    fn ask_immediate_sack(&self, len: usize, max_payload: usize) -> bool {
        let Some(next) = self.queue.peek_len(max_payload) else {
            return self.closing;
        };
        let window_after = self.peer_window - len as i64;
        i64::try_from(next).is_ok_and(|next| next > window_after)
    }

    /// Whether new data should wait for the next packet: the next message is not started, does
    /// not fit the `room` left in this one but fits `whole` (an empty packet). Splitting it
    /// would only cost the receiver a reassembly copy (RFC 9260 §6.9 fragments only what does
    /// not fit the path MTU; bundling whole messages is what §6.10 describes).
    pub(crate) fn defer_new_data(&self, room: usize, whole: usize) -> bool {
        !self.has_marked_retransmissions()
            && self
                .queue
                .next_unstarted_len()
                .is_some_and(|len| len > room && len <= whole)
    }

    fn retransmit(
        &mut self,
        now: Instant,
        pi: usize,
        idx: usize,
        max_payload: usize,
    ) -> Option<Data> {
        let e = self.out.get(idx)?;
        let len = e.len();
        if len > max_payload {
            return None;
        }
        let cost = Data::HEADER_LEN + len.next_multiple_of(4);
        if e.fast_retransmitted && self.fast_rtx_budget >= cost {
            // RFC 9260 §7.2.4 step 3: the first fast retransmission ignores cwnd.
            self.fast_rtx_budget -= cost;
        } else {
            self.fast_rtx_budget = 0;
            if !self.cwnd_allows(pi, len) {
                return None;
            }
        }
        let path = self.paths.get(pi)?.id;
        let data = self.out.retransmit(idx, path, now)?;
        self.on_sent(pi, len, now);
        Some(data)
    }

    /// RFC 9260 §6.1 B: the flight may exceed cwnd by at most MTU - 1 bytes; an empty path can
    /// always send one chunk.
    fn cwnd_allows(&self, pi: usize, len: usize) -> bool {
        let Some(p) = self.paths.get(pi) else {
            return false;
        };
        let flight = self.out.flight_on(p.id);
        flight == 0 || flight + len < p.cc.cwnd() + p.mtu
    }

    fn on_sent(&mut self, pi: usize, len: usize, now: Instant) {
        // RFC 9260 §6.2.1 B: every (re)transmission takes its size from the peer's rwnd.
        self.peer_window -= len as i64;
        if let Some(p) = self.paths.get_mut(pi) {
            p.last_sent = Some(now);
        }
    }

    /// T3-rtx expired for `path` (RFC 9260 §6.3.3 E1, E3): cut its window and mark every chunk
    /// in flight on it for retransmission.
    pub(crate) fn on_t3_timeout(&mut self, path: PathId) {
        if let Some(p) = self.path_mut(path) {
            p.cc.on_timeout();
            p.fast_recovery_exit = None;
        }
        self.fast_rtx_budget = 0;
        for idx in 0..self.out.len() {
            if self.out.get(idx).is_some_and(|e| e.path() == path) {
                self.mark(idx);
            }
        }
    }

    /// Path `path` is gone (the peer deleted its address, RFC 5061): what was in flight on
    /// it is marked to go elsewhere, and its congestion state starts afresh for a later
    /// path in the same slot.
    pub(crate) fn forget_path(&mut self, path: PathId) {
        for idx in 0..self.out.len() {
            if self.out.get(idx).is_some_and(|e| e.path() == path) {
                self.mark(idx);
            }
        }
        let rwnd = self.initial_peer_rwnd;
        if let Some(p) = self.path_mut(path) {
            p.cc = super::sender::Controller::Standard(super::congestion::Rfc9260Congestion::new(
                p.mtu, rwnd,
            ));
            p.fast_recovery_exit = None;
            p.last_sent = None;
        }
    }

    /// Mark a chunk for retransmission, returning its bytes to the peer's rwnd (§6.2.1 C).
    pub(super) fn mark(&mut self, idx: usize) -> bool {
        let n = self.out.mark(idx);
        self.peer_window += n as i64;
        n > 0
    }
}
