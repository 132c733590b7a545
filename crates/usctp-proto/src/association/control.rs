//! Control chunks other than the handshake and shutdown: verification tags, HEARTBEAT,
//! ABORT, ERROR, and chunks we do not implement (RFC 9260 §3.2, §8.3, §8.5, §9.1).

use std::time::Instant;

use usctp_wire::cause::{ErrorCause, UnrecognizedChunkType};
use usctp_wire::chunk::{Abort, Chunk, Heartbeat, HeartbeatAck, OperationError, UnknownAction};
use usctp_wire::param::{CookiePreservative, Parameter};
use usctp_wire::CommonHeader;

use super::{Association, State};
use crate::event::{CloseReason, Event};
use crate::path::PathId;
use crate::timer::TimerKind;

/// Unrecognized-chunk reports per packet at most: an ERROR never grows past what provoked it.
const MAX_REPORTS: usize = 4;

impl Association {
    /// The verification tag rules (RFC 9260 §8.5, §8.5.1) for a packet routed here.
    pub(super) fn check_vtag(&self, header: &CommonHeader, first: Option<&Chunk>) -> bool {
        let reflected = match first {
            Some(Chunk::Abort(a)) => a.t_bit,
            Some(Chunk::ShutdownComplete(s)) => s.t_bit,
            _ => false,
        };
        let expected = if reflected {
            self.peer_tag
        } else {
            self.local_tag
        };
        let ok = header.vtag == expected && header.vtag.0 != 0;
        if !ok {
            tracing::trace!(assoc = self.id.0, vtag = %header.vtag, "dropped: verification tag");
        }
        ok
    }

    /// Answer a HEARTBEAT with its info, to where it came from (RFC 9260 §8.3).
    pub(super) fn on_heartbeat(&mut self, h: Heartbeat, from: Option<PathId>) {
        self.queue(from, HeartbeatAck { info: h.info });
    }

    /// A HEARTBEAT ACK: confirm the path and take an RTT sample if the nonce matches.
    pub(super) fn on_heartbeat_ack(&mut self, now: Instant, h: &HeartbeatAck) {
        if self.on_plpmtud_ack(now, &h.info) {
            return;
        }
        if let Some((path, _rtt)) = self.paths.on_heartbeat_ack(&h.info, now, &mut self.events) {
            self.assoc_errors = 0;
            if let Some(at) = self.next_heartbeat(path, now) {
                self.timers.set(TimerKind::Heartbeat(path), at);
            }
        }
    }

    /// ABORT from the peer (its tag was checked): the association is gone (RFC 9260 §9.1).
    pub(super) fn on_abort(&mut self, a: Abort) {
        let reason = if matches!(self.state, State::CookieWait | State::CookieEchoed) {
            CloseReason::Refused(a.causes)
        } else {
            CloseReason::PeerAborted(a.causes)
        };
        self.pending.clear();
        self.close(Some(reason));
    }

    /// ERROR from the peer. A Stale Cookie in COOKIE-ECHOED restarts the handshake with a
    /// Cookie Preservative (RFC 9260 §5.2.6); everything else is reported.
    pub(super) fn on_error(&mut self, now: Instant, e: OperationError) {
        let stale = e.causes.iter().find_map(|c| match c {
            ErrorCause::StaleCookie(s) => Some(s.staleness_us),
            _ => None,
        });
        if let (Some(us), State::CookieEchoed) = (stale, self.state) {
            return self.retry_after_stale_cookie(now, us);
        }
        self.events.push_back(Event::PeerError(e.causes));
    }

    fn retry_after_stale_cookie(&mut self, now: Instant, staleness_us: u32) {
        let max = self.cfg.max_init_retransmits;
        let hs = self.handshake_mut();
        hs.retransmits += 1;
        if hs.retransmits > max {
            return self.close(Some(CloseReason::InitFailed));
        }
        self.timers.stop(TimerKind::T1Cookie);
        self.handshake_mut().cookie = None;
        // Ask for the staleness again as extra life (RFC 9260 §5.2.6), in ms, at least 1 ms.
        let increment_ms = (staleness_us / 1000).saturating_mul(2).max(1);
        let Some(mut init) = self
            .handshake
            .as_mut()
            .and_then(|h| h.init.take())
            .or_else(|| self.take_queued_init())
        else {
            return self.close(Some(CloseReason::InitFailed));
        };
        init.params
            .retain(|p| !matches!(p, Parameter::CookiePreservative(_)));
        init.params.push(CookiePreservative { increment_ms }.into());
        self.pending
            .retain(|p| !matches!(p.chunk, Chunk::CookieEcho(_)));
        self.queue(Some(PathId(0)), init);
        self.set_state(State::CookieWait, "Stale Cookie");
        self.timers
            .set(TimerKind::T1Init, now + self.cfg.rto_initial);
    }

    /// A chunk we do not process: act on its upper two type bits (RFC 9260 §3.2). Returns
    /// whether to go on with the rest of the packet.
    pub(super) fn on_unrecognized(&mut self, chunk: &Chunk, reports: &mut Vec<ErrorCause>) -> bool {
        let action = UnknownAction::for_chunk(chunk.chunk_type());
        if action.reports() && reports.len() < MAX_REPORTS {
            let raw = chunk.to_vec();
            reports.push(UnrecognizedChunkType { chunk: raw.into() }.into());
        }
        action.skips()
    }

    /// Send one ERROR with the collected Unrecognized Chunk Type causes.
    pub(super) fn report_unrecognized(&mut self, to: Option<PathId>, causes: Vec<ErrorCause>) {
        if !causes.is_empty() && self.state != State::Closed {
            self.queue(to, OperationError { causes });
        }
    }
}
