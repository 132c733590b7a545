//! Building packets: control chunks first, then a SACK, then DATA (RFC 9260 §6.10), within
//! the path MTU, cwnd and Max.Burst.

use std::net::IpAddr;
use std::time::Instant;

use usctp_wire::chunk::{types as chunk_types, Chunk};
use usctp_wire::{CommonHeader, Fsn, PacketBuilder, VerificationTag};

use super::{Association, State};
use crate::auth::{auth_overhead, push_authenticated};
use crate::config::FsnNumbering;
use crate::path::PathId;
use crate::Transmit;

/// Bytes reserved for a packet of control chunks only; it grows if they need more.
const CONTROL_RESERVE: usize = 256;

impl Association {
    /// Mark the association queued for output; false if it was already.
    pub(crate) fn mark_queued_for_output(&mut self) -> bool {
        !std::mem::replace(&mut self.queued_for_output, true)
    }

    /// The endpoint took the association off its output queue.
    pub(crate) fn unmark_queued_for_output(&mut self) {
        self.queued_for_output = false;
    }

    /// Free the control-chunk and event queues when they are empty: an idle association then
    /// holds no buffer for them (an association is idle most of its life, and there may be a
    /// hundred thousand of them).
    pub(crate) fn release_idle_buffers(&mut self) {
        self.pending.release_idle();
        self.events.release_idle();
    }

    /// Whether new or retransmitted DATA may go out in this state.
    fn may_send_data(&self) -> bool {
        self.state.sends_data()
            && self.burst_left > 0
            && (self.tx.queued_bytes() > 0 || self.tx.has_marked_retransmissions())
    }

    fn sack_owed(&self, now: Instant) -> bool {
        self.rx
            .as_ref()
            .and_then(|rx| rx.sack_deadline())
            .is_some_and(|t| t <= now)
            && self.state != State::Closed
    }

    /// The tag for a packet that starts with `first` (RFC 9260 §8.5.1): zero on INIT, our own
    /// tag on a reflected ABORT / SHUTDOWN COMPLETE, else the peer's.
    fn tag_for(&self, first: Option<&Chunk>) -> VerificationTag {
        match first {
            Some(Chunk::Init(_)) => VerificationTag(0),
            Some(Chunk::Abort(a)) if a.t_bit => self.local_tag,
            Some(Chunk::ShutdownComplete(s)) if s.t_bit => self.local_tag,
            _ => self.peer_tag,
        }
    }

    /// Append the next packet to `buf`, or return `None` when nothing is due.
    pub(crate) fn poll_transmit(&mut self, now: Instant, buf: &mut Vec<u8>) -> Option<Transmit> {
        if self.tx.forward_tsn_due() {
            // Data abandoned while the last packet was built (RFC 3758 §3.5 C3).
            self.send_forward_tsn(now);
        }
        self.reconfig_poll(now);
        self.asconf_poll(now);
        if let Some(t) = self.poll_plpmtud_probe(buf) {
            return Some(t);
        }
        let data_path = self.paths.data_path();
        // RFC 9260 §6.4: chunks marked by a T3 expiry go to another path than the one that
        // timed out; new data stays on the data path.
        let rtx_path = self
            .paths
            .retransmission_dest(self.tx.has_marked_retransmissions());
        let dest = match self.pending.front() {
            Some(p) => p.dest.unwrap_or(data_path),
            None if self.sack_owed(now) => self.sack_path(),
            None if self.may_send_data() => rtx_path,
            None => return None,
        };
        let (remote, mut local, path_max) = {
            let p = self.paths.get(dest)?;
            (p.remote, p.local, p.max_packet())
        };
        let max = path_max.max(self.oversized_rtx_packet());
        let first = self
            .pending
            .front()
            .filter(|p| p.dest.is_none_or(|d| d == dest));
        // A chunk that must leave from another source (an ASCONF announcing it) goes in a
        // packet of its own kind.
        let src = first.and_then(|p| p.src);
        local = src.or(local);
        let vtag = self.tag_for(first.map(|p| &p.chunk));
        let header = CommonHeader {
            src_port: self.local_port,
            dst_port: self.peer_port,
            vtag,
        };
        let start = buf.len();
        // Control-only packets (handshake, SACK, heartbeat) are small: reserving a whole MTU
        // for them costs a large allocation when the caller's buffer is fresh.
        let reserve = if self.tx.queued_bytes() > 0 || self.tx.has_marked_retransmissions() {
            max
        } else {
            CONTROL_RESERVE
        };
        let mut b = PacketBuilder::with_reserve(buf, header, max, reserve);
        // Where an AUTH chunk went, if a chunk the peer wants authenticated did (RFC 4895).
        let mut auth_at = None;
        let (alone, echoing) = self.push_control(&mut b, (dest, src), &mut auth_at);
        let alone = alone || src.is_some();
        // RFC 9260 §5.4: a probe or reply to an unconfirmed address carries no SACK or DATA.
        let confirmed = self.paths.get(dest).is_some_and(|p| p.is_confirmed());
        if !alone && confirmed {
            self.push_sack(&mut b, now, dest, &mut auth_at);
            self.push_data(&mut b, now, (dest, echoing), &mut auth_at);
        }
        if b.is_empty() {
            buf.truncate(start);
            return None;
        }
        if let (Some(at), Some(auth)) = (auth_at, self.auth.as_deref_mut()) {
            // RFC 4895 §6.2: the HMAC covers the AUTH chunk and all after it; the CRC32c is
            // computed after, over the signed packet.
            if let Some(from_auth) = b.written_mut().get_mut(at..) {
                auth.sign(from_auth);
            }
        }
        let len = b.finish(!self.sends_zero_checksum());
        if let Some(p) = self.paths.get_mut(dest) {
            p.counters.packets_sent += 1;
            p.counters.bytes_sent += len as u64;
        }
        Some(Transmit {
            dst: remote,
            src: local,
            len,
            may_fragment: len > path_max,
        })
    }

    /// Control chunks for `dest`, in order. Returns whether the packet must hold nothing else
    /// (INIT, SHUTDOWN COMPLETE; RFC 9260 §6.10), and whether it carries a COOKIE ECHO.
    fn push_control(
        &mut self,
        b: &mut PacketBuilder<'_>,
        (dest, src): (PathId, Option<IpAddr>),
        auth_at: &mut Option<usize>,
    ) -> (bool, bool) {
        let mut echo = false;
        let mut i = 0;
        let mut vtag_kind = None;
        while i < self.pending.len() {
            let p = &self.pending[i];
            if p.dest.is_some_and(|d| d != dest) || p.src != src {
                i += 1;
                continue;
            }
            let kind = self.tag_for(Some(&p.chunk));
            if *vtag_kind.get_or_insert(kind) != kind {
                break; // another tag: next packet
            }
            // A NAT flow opener (a HEARTBEAT from another source) goes alone: a NAT that
            // tracks SCTP refuses a first packet with anything else in it.
            let opener = p.src.is_some() && matches!(p.chunk, Chunk::Heartbeat(_));
            let must_be_alone =
                opener || matches!(p.chunk, Chunk::Init(_) | Chunk::ShutdownComplete(_));
            if must_be_alone && !b.is_empty() {
                break;
            }
            if !push_authenticated(b, self.auth.as_deref(), auth_at, &p.chunk) {
                if b.is_empty() {
                    // Larger than the path MTU allows: drop it rather than stall.
                    tracing::warn!(chunk = %p.chunk, "control chunk larger than the path MTU");
                    if let Some(p) = self.pending.remove(i) {
                        self.keep_sent_init(p.chunk);
                    }
                    continue;
                }
                break;
            }
            if let Some(p) = self.pending.remove(i) {
                echo |= matches!(p.chunk, Chunk::CookieEcho(_));
                self.keep_sent_init(p.chunk);
            }
            if must_be_alone {
                return (true, echo);
            }
        }
        // An ABORT ends the association: nothing may follow it.
        (matches!(self.state, State::Closed), echo)
    }

    /// Whether packets go out with checksum 0 (RFC 9653 §5.2): negotiated, and past the
    /// handshake, so no INIT and no COOKIE ECHO (the peer has no association to allow it
    /// yet) ever does.
    pub(crate) fn sends_zero_checksum(&self) -> bool {
        self.extensions.contains(crate::Extensions::ZERO_CHECKSUM)
            && !matches!(self.state, State::CookieWait | State::CookieEchoed)
    }

    fn is_active(&self, path: PathId) -> bool {
        self.paths
            .get(path)
            .is_some_and(|p| p.state == crate::event::PathState::Active)
    }

    /// A SACK is owed, due now or later.
    fn sack_pending(&self) -> bool {
        self.rx
            .as_ref()
            .is_some_and(|rx| rx.sack_deadline().is_some())
            && self.state != State::Closed
    }

    /// Where a SACK goes (RFC 9260 §6.4): to the source of the DATA it acknowledges, unless
    /// that path is failing; then to the data path.
    fn sack_path(&self) -> PathId {
        self.sack_dest
            .filter(|d| self.is_active(*d))
            .unwrap_or_else(|| self.paths.data_path())
    }

    /// RFC 9260 §6: a SACK that is owed rides in the next packet to its destination, before
    /// its delay runs out; one not yet due too, when that destination is active.
    fn push_sack(
        &mut self,
        b: &mut PacketBuilder<'_>,
        now: Instant,
        dest: PathId,
        auth_at: &mut Option<usize>,
    ) {
        // RFC 9260 §6.4: a SACK rides only in a packet to its own destination, also one with
        // DATA: in one to another path it could be lost with a path the peer has left.
        let owed = self.sack_owed(now) || self.sack_pending() && self.is_active(dest);
        let wanted = owed && dest == self.sack_path();
        let auth = auth_overhead(self.auth.as_deref(), *auth_at, chunk_types::SACK);
        let room = b.remaining().saturating_sub(auth);
        if !wanted || room < 16 {
            return;
        }
        if let Some(rx) = self.rx.as_mut() {
            let sack = Chunk::Sack(rx.build_sack(room));
            push_authenticated(b, self.auth.as_deref(), auth_at, &sack);
        }
    }

    fn push_data(
        &mut self,
        b: &mut PacketBuilder<'_>,
        now: Instant,
        (dest, echo): (PathId, bool),
        auth_at: &mut Option<usize>,
    ) {
        let confirmed = self.paths.get(dest).is_some_and(|p| p.is_confirmed());
        // RFC 9260 §5.1: DATA may follow COOKIE ECHO in the same packet (and only then before
        // COOKIE ACK); §5.4: never to an unconfirmed address.
        let echoing = self.state == State::CookieEchoed && echo;
        if !confirmed || !(self.may_send_data() || echoing && self.tx.queued_bytes() > 0) {
            return;
        }
        // DATA goes only to the data path, or, retransmissions only, to the path chosen for
        // them (never bundled with a probe or SACK to some other path).
        let data_path = self.paths.data_path();
        let rtx_path = self
            .paths
            .retransmission_dest(self.tx.has_marked_retransmissions());
        if dest != data_path && dest != rtx_path
            || dest == data_path && rtx_path != data_path && self.tx.has_marked_retransmissions()
        {
            return;
        }
        let rtx_only = dest != data_path;
        if let Some(rto) = self.paths.get(dest).map(|p| p.rto.rto()) {
            self.tx.decay_if_idle(dest, now, rto);
        }
        let mut sent = false;
        // Fragment for the smallest path (RFC 9260 §6.9), so a chunk can be retransmitted on
        // any path: an IPv6 or UDP-encapsulated path has less room than a native IPv4 one.
        let limit = self.paths.min_data_payload();
        // A chunk sent before the path MTU shrank is resent whole (never re-fragmented,
        // RFC 9260 §6.9) and alone, rather than blocking every later chunk.
        let oversized = self.tx.first_marked_len().filter(|&n| n > limit);
        while b.max_data_payload() > 0 && (!rtx_only || self.tx.has_marked_retransmissions()) {
            // RFC 4895 §6.2: room for the AUTH chunk if this DATA is the first to need it.
            let auth = auth_overhead(self.auth.as_deref(), *auth_at, self.data_chunk_type());
            let room = b
                .max_data_payload()
                .saturating_sub(auth)
                .min(oversized.unwrap_or(limit));
            if room == 0 {
                break;
            }
            if sent && self.tx.defer_new_data(room, limit) {
                break;
            }
            let Some(mut d) = self.tx.next_wire_chunk(now, dest, room) else {
                break;
            };
            if let Chunk::IData(i) = &mut d {
                if !i.beginning && self.cfg.i_data_fsn == FsnNumbering::SecondIsZero {
                    i.fsn = Fsn(i.fsn.0.wrapping_sub(1));
                }
            }
            let pushed = push_authenticated(b, self.auth.as_deref(), auth_at, &d);
            debug_assert!(pushed, "next_chunk respects max_payload");
            sent = true;
            if oversized.is_some() {
                break;
            }
        }
        if sent {
            self.tx.packet_end();
            self.burst_left = self.burst_left.saturating_sub(1);
            if let Some(p) = self.paths.get_mut(dest) {
                p.last_data_sent = Some(now);
            }
            self.arm_t3(dest, now, false);
        }
    }

    /// Packet size needed to resend the first marked chunk, if it no longer fits a fragment.
    fn oversized_rtx_packet(&self) -> usize {
        let auth = auth_overhead(self.auth.as_deref(), None, self.data_chunk_type());
        let header = if self.tx.i_data() {
            usctp_wire::chunk::IData::HEADER_LEN
        } else {
            usctp_wire::chunk::Data::HEADER_LEN
        };
        self.tx.first_marked_len().map_or(0, |n| {
            CommonHeader::LEN + auth + header + n.next_multiple_of(4)
        })
    }

    /// The chunk type user messages go in: I-DATA when in force (RFC 8260 §2.2), else DATA.
    fn data_chunk_type(&self) -> u8 {
        if self.tx.i_data() {
            chunk_types::I_DATA
        } else {
            chunk_types::DATA
        }
    }
}
