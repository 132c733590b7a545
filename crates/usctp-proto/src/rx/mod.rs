//! The receive side of an association: TSN tracking and SACKs, delayed SACK, reassembly,
//! ordered and unordered delivery, and the receive window (RFC 9260 §6.2, §6.5-§6.7, §6.9).
//!
//! Per received packet the association calls [`Receiver::on_data`] for each DATA chunk, then
//! [`Receiver::on_packet_end`]; it sends [`Receiver::build_sack`] once
//! [`Receiver::sack_deadline`] has passed, and drains [`Receiver::poll_message`].

use std::collections::VecDeque;
use std::time::Instant;

use bytes::Bytes;
use usctp_wire::chunk::{Data, IData, Sack};
use usctp_wire::{Ppid, StreamId, Tsn};

use crate::config::AssociationConfig;

mod forward;
mod interleave;
mod range_set;
mod reassembly;
mod sack_timing;
mod stream_order;
mod stream_reset;
mod tsn_tracker;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_forward;
#[cfg(test)]
mod tests_partial;

use interleave::Interleaved;
use reassembly::{Assembled, Pulled, Reassembly};
use sack_timing::SackTiming;
use stream_order::StreamOrder;
use tsn_tracker::{TsnStatus, TsnTracker};

pub(crate) use stream_reset::AsideChunk;

/// A user message, or a piece of one, ready for the application.
///
/// A message larger than the partial delivery point
/// ([`AssociationConfig::partial_delivery_point`]) comes in pieces, in order, one after the
/// other: no other message of the association comes between them (RFC 6458 §3.1.4, without
/// I-DATA interleaving). Every piece carries its message's stream, PPID and U flag; the last
/// has `end_of_message` set, like MSG_EOR (RFC 6458 §5.3.5). A message that fits comes whole,
/// with `end_of_message` set. If the association ends before the last piece, the message is
/// incomplete ([`Event::Closed`](crate::Event::Closed) says so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Stream it arrived on.
    pub stream: StreamId,
    /// Payload protocol identifier (of its first fragment).
    pub ppid: Ppid,
    /// Sent unordered (U bit): delivered as soon as complete.
    pub unordered: bool,
    /// This is the end of the message: a whole message, or its last piece (MSG_EOR).
    pub end_of_message: bool,
    /// The sender abandoned the message being delivered in pieces (PR-SCTP, RFC 3758 §3.6):
    /// this empty last piece ends it, and the pieces before it are all there is of it
    /// (SCTP_PARTIAL_DELIVERY_ABORTED, RFC 6458 §6.1.7). Never set on a whole message.
    pub aborted: bool,
    /// The user data: the received chunk's bytes when it was one chunk, else one contiguous
    /// copy of its fragments.
    pub payload: Bytes,
}

/// What [`Receiver::on_data`] did with a DATA chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum RxOutcome {
    /// New TSN, stored (it may have completed messages).
    Accepted,
    /// TSN at or below the cumulative ack or already received: reported in the SACK's
    /// duplicate list.
    Duplicate,
    /// Dropped and not acknowledged: no room for it (RFC 9260 §6.2). A SACK is due at once.
    WindowFull,
    /// Stream >= the negotiated inbound streams: the TSN is acked, the data discarded; the
    /// association sends an ERROR with Invalid Stream Identifier (RFC 9260 §6.5).
    InvalidStream(StreamId),
    /// DATA without user data: the association aborts with No User Data (RFC 9260 §6.2).
    NoUserData(Tsn),
    /// A B fragment inside the message being delivered in pieces: fragments of one message
    /// carry consecutive TSNs (RFC 9260 §6.9). The association aborts (Protocol Violation).
    BrokenFragments(Tsn),
}

/// Chunk header plus the fixed fields of a SACK (RFC 9260 §3.3.4).
const SACK_FIXED_LEN: usize = 16;
/// Longest chunk whose length fits the 16-bit field, rounded down to 4 bytes.
const MAX_CHUNK_LEN: usize = 65532;

/// The receive side of one association.
#[derive(Debug, Clone)]
pub(crate) struct Receiver {
    tracker: TsnTracker,
    timing: SackTiming,
    reassembly: Reassembly,
    order: StreamOrder,
    /// I-DATA reassembly and ordering (RFC 8260).
    interleaved: Interleaved,
    ready: VecDeque<Message>,
    /// The message being delivered in pieces (payload empty), if any.
    partial: Option<Assembled>,
    /// Messages completed while a partial delivery runs: they wait for its end (RFC 6458
    /// §3.1.4, no interleaving without I-DATA). Counted in `held`.
    held_back: VecDeque<Assembled>,
    /// Effective partial delivery point, bytes.
    pd_point: usize,
    /// Payload bytes held: incomplete fragments, messages waiting for their SSN, and messages
    /// ready for delivery.
    held: usize,
    window: usize,
    inbound_streams: u16,
    /// a_rwnd in the last SACK built, to tell when a window update is worth a SACK.
    advertised: u32,
}

impl Receiver {
    /// The receive side after the handshake: the peer starts at `peer_initial_tsn`
    /// (RFC 9260 §5.1) and may use streams `0..inbound_streams`.
    pub(crate) fn new(
        peer_initial_tsn: Tsn,
        inbound_streams: u16,
        cfg: &AssociationConfig,
    ) -> Self {
        let window = cfg.receive_window as usize;
        // a_rwnd bounds bytes, not TSNs: allow one TSN per 16 bytes of window plus slack for
        // tiny messages, and never more than a gap offset can report (16 bits, §3.3.4).
        let max_ahead = (window / 16 + 1024).min(usize::from(u16::MAX)) as u64;
        Self {
            tracker: TsnTracker::new(peer_initial_tsn, max_ahead, cfg.max_dup_tsns),
            timing: SackTiming::new(cfg.sack_delay, cfg.sack_frequency),
            reassembly: Reassembly::default(),
            order: StreamOrder::default(),
            interleaved: Interleaved::default(),
            ready: VecDeque::new(),
            partial: None,
            held_back: VecDeque::new(),
            // Capped at half the window: the start of a message reaches it while the window
            // still has room, whatever the configuration.
            pd_point: (cfg.partial_delivery_point as usize).clamp(1, (window / 2).max(1)),
            held: 0,
            window,
            inbound_streams,
            advertised: cfg.receive_window,
        }
    }

    /// Take one DATA chunk of the current packet.
    pub(crate) fn on_data(&mut self, chunk: &Data) -> RxOutcome {
        let tsn = match self.admit(chunk.tsn, chunk.stream, chunk.payload.len()) {
            Ok(tsn) => tsn,
            Err(outcome) => return outcome,
        };
        let len = chunk.payload.len();
        self.held += len;
        if let Some(m) = self.reassembly.insert(tsn, chunk) {
            if self.partial.is_some() {
                self.held_back.push_back(m);
            } else {
                self.deliver(m);
            }
        }
        // Most messages are one chunk, delivered above: skip the partial-delivery check when
        // nothing is held (it runs for every DATA chunk).
        if !self.reassembly.is_idle() && self.progress_partial().is_err() {
            return RxOutcome::BrokenFragments(chunk.tsn);
        }
        RxOutcome::Accepted
    }

    /// Take one I-DATA chunk of the current packet (RFC 8260 §2.1): the TSN rules are those
    /// of DATA; reassembly and ordering go by (stream, U, MID, FSN).
    pub(crate) fn on_idata(&mut self, chunk: &IData) -> RxOutcome {
        if let Err(outcome) = self.admit(chunk.tsn, chunk.stream, chunk.payload.len()) {
            return outcome;
        }
        self.held += chunk.payload.len();
        match self
            .interleaved
            .insert(chunk, self.pd_point, &mut self.ready)
        {
            Ok(released) => {
                self.held = self.held.saturating_sub(released);
                RxOutcome::Accepted
            }
            Err(_) => RxOutcome::BrokenFragments(chunk.tsn),
        }
    }

    /// The TSN and window rules common to DATA and I-DATA: `Ok` with the unwrapped TSN when
    /// the chunk's data is to be kept.
    fn admit(&mut self, tsn: Tsn, stream: StreamId, len: usize) -> Result<u64, RxOutcome> {
        self.timing.on_chunk(self.tracker.has_gaps());
        // RFC 9260 §6.2: DATA with no user data is a protocol violation.
        if len == 0 {
            return Err(RxOutcome::NoUserData(tsn));
        }
        let unwrapped = match self.tracker.classify(tsn) {
            TsnStatus::New(t) => t,
            TsnStatus::Duplicate => {
                self.timing.mark_urgent();
                return Err(RxOutcome::Duplicate);
            }
            TsnStatus::TooFar => {
                self.timing.mark_urgent();
                return Err(RxOutcome::WindowFull);
            }
        };
        if !self.fits(unwrapped, len) {
            // RFC 9260 §6.2: drop it and SACK at once with the current window.
            self.timing.mark_urgent();
            return Err(RxOutcome::WindowFull);
        }
        self.tracker.record(unwrapped);
        // RFC 9260 §6.5: acknowledge the TSN, discard the data.
        if stream.0 >= self.inbound_streams {
            return Err(RxOutcome::InvalidStream(stream));
        }
        Ok(unwrapped)
    }

    /// Start and continue partial deliveries (RFC 6458 §3.1.4) as far as the held fragments
    /// allow. Err: the peer broke the framing of the message being delivered.
    fn progress_partial(&mut self) -> Result<(), ()> {
        loop {
            if self.partial.is_none() {
                let order = &self.order;
                let cum = self.tracker.cum_unwrapped();
                let Some(mut first) = self.reassembly.start_partial(cum, self.pd_point, |d| {
                    d.unordered || order.is_next(d.stream, d.ssn)
                }) else {
                    return Ok(());
                };
                let payload = std::mem::take(&mut first.payload);
                self.push_piece(&first, payload, false);
                self.partial = Some(first);
            }
            loop {
                match self.reassembly.pull_partial() {
                    None => return Ok(()),
                    Some(Pulled::Broken) => return Err(()),
                    Some(Pulled::Piece { payload, end }) => {
                        let Some(head) = self.partial.take() else {
                            return Ok(());
                        };
                        self.push_piece(&head, payload, end);
                        if end {
                            self.finish_partial(&head);
                            break; // The next message may be ready for its own.
                        }
                        self.partial = Some(head);
                    }
                }
            }
        }
    }

    fn push_piece(&mut self, head: &Assembled, payload: Bytes, end_of_message: bool) {
        self.ready.push_back(Message {
            stream: head.stream,
            ppid: head.ppid,
            unordered: head.unordered,
            end_of_message,
            aborted: false,
            payload,
        });
    }

    /// The last piece went out: the stream moves on (RFC 9260 §6.5) and the messages held
    /// back meanwhile are delivered.
    // PR-SCTP (RFC 3758 §3.6) will also end a partial delivery when a FORWARD TSN skips its
    // rest: it must then drop the held fragments up to the new cum ack, report
    // SCTP_PARTIAL_DELIVERY_ABORTED (RFC 6458 §6.1.7) and call this.
    fn finish_partial(&mut self, head: &Assembled) {
        if !head.unordered {
            self.order.advance(head.stream, &mut self.ready);
        }
        while let Some(m) = self.held_back.pop_front() {
            self.deliver(m);
        }
    }

    /// Room for `len` more bytes at unwrapped TSN `tsn`.
    ///
    /// RFC 9260 §6.2 says that a full receiver SHOULD renege (drop its highest out-of-order
    /// TSN) to take a chunk below it. Deliberate deviation: we never renege, but take the
    /// chunk at cum ack + 1 while gaps exist up to twice the window. That chunk is the one
    /// that lets data drain, so the association cannot stall on a buffer full of
    /// out-of-order data, and memory stays bounded.
    fn fits(&self, tsn: u64, len: usize) -> bool {
        let after = self.held.saturating_add(len);
        after <= self.window
            || (tsn == self.tracker.cum_unwrapped() + 1
                && self.tracker.has_gaps()
                && after <= self.window.saturating_mul(2))
    }

    fn deliver(&mut self, m: Assembled) {
        let msg = Message {
            stream: m.stream,
            ppid: m.ppid,
            unordered: m.unordered,
            end_of_message: true,
            aborted: false,
            payload: m.payload,
        };
        // RFC 9260 §6.6: unordered messages skip the stream's ordering.
        if msg.unordered {
            self.ready.push_back(msg);
        } else {
            let dropped = self.order.push(m.ssn, msg, &mut self.ready);
            self.held = self.held.saturating_sub(dropped);
        }
    }

    /// After the last chunk of a received packet that held DATA: `immediate` is true when the
    /// packet asked for it (I bit, RFC 7053). Applies the §6.2 rules: SACK at once on gaps,
    /// duplicates, out-of-order or every `sack_frequency`-th packet, else after `sack_delay`.
    pub(crate) fn on_packet_end(&mut self, now: Instant, immediate: bool) {
        self.timing
            .on_packet_end(now, immediate, self.tracker.has_gaps());
    }

    /// When a SACK is due: `Some(t)` with `t <= now` means send one now; `None` = nothing
    /// owed.
    pub(crate) fn sack_deadline(&self) -> Option<Instant> {
        self.timing.deadline()
    }

    /// Build the SACK (gap blocks and duplicates bounded to fit `max_len` bytes of chunk) and
    /// reset the SACK-owed state. Gap blocks go first; the highest are left out when they do
    /// not all fit, and duplicates take what room is left.
    pub(crate) fn build_sack(&mut self, max_len: usize) -> Sack {
        let room = max_len.min(MAX_CHUNK_LEN).saturating_sub(SACK_FIXED_LEN) / 4;
        let gap_blocks = self.tracker.gap_blocks(room);
        let dup_tsns = self.tracker.take_dups(room - gap_blocks.len());
        self.timing.on_sack_sent();
        self.advertised = self.a_rwnd();
        Sack {
            cum_tsn_ack: self.tracker.cum_ack(),
            a_rwnd: self.advertised,
            gap_blocks,
            dup_tsns,
        }
    }

    /// The cumulative TSN ack point: every TSN up to it has been received.
    pub(crate) fn cum_ack(&self) -> Tsn {
        self.tracker.cum_ack()
    }

    /// Receive window minus bytes held, saturating (RFC 9260 §6.2.1).
    pub(crate) fn a_rwnd(&self) -> u32 {
        u32::try_from(self.window.saturating_sub(self.held)).unwrap_or(u32::MAX)
    }

    /// True while TSNs above the cumulative ack point have been received.
    #[cfg(test)]
    pub(crate) fn has_gaps(&self) -> bool {
        self.tracker.has_gaps()
    }

    /// The next complete message, in delivery order.
    pub(crate) fn poll_message(&mut self) -> Option<Message> {
        let msg = self.ready.pop_front()?;
        self.held = self.held.saturating_sub(msg.payload.len());
        // RFC 9260 §6.2: a SACK may go out to update the window as the application reads.
        // Send one when the window opened by half since the last SACK, so a sender that
        // saw a (nearly) closed window does not wait for a probe.
        let opened = self.a_rwnd().saturating_sub(self.advertised);
        if opened > 0 && opened as usize >= self.window / 2 {
            self.timing.request_now();
            self.advertised = self.a_rwnd();
        }
        Some(msg)
    }

    /// Payload bytes held in reassembly plus those ready for delivery.
    pub(crate) fn buffered_bytes(&self) -> usize {
        self.held
    }
}
