//! Timer expiry: the only place timers fire and change state (RFC 9260 §5.1, §6.3.3, §8.3,
//! §9.2). The one deadline outside the timer table, the delayed SACK, changes no state: the
//! SACK simply goes out with the next `poll_transmit` once it is due.

use std::time::Instant;

use rand::RngCore;
use usctp_wire::chunk::{CookieEcho, Heartbeat, Shutdown, ShutdownAck};

use super::{Association, State};
use crate::event::{CloseReason, PathState};
use crate::path::PathId;
use crate::timer::TimerKind;

impl Association {
    /// Fire every timer due at `now`.
    pub(crate) fn handle_timeout(&mut self, now: Instant) {
        self.burst_left = self.cfg.max_burst;
        while let Some(kind) = self.timers.pop_expired(now) {
            if self.state == State::Closed {
                break;
            }
            match kind {
                TimerKind::T1Init => self.on_t1_init(now),
                TimerKind::T1Cookie => self.on_t1_cookie(now),
                TimerKind::T2Shutdown => self.on_t2(now),
                TimerKind::T3Rtx(path) => self.on_t3(now, path),
                TimerKind::Heartbeat(path) => self.on_heartbeat_timer(now, path),
                TimerKind::Reconfig => self.on_reconfig_timer(now),
                TimerKind::Asconf => self.on_t4(now),
                TimerKind::Plpmtud(path) => self.on_plpmtud_timer(now, path),
                TimerKind::T5ShutdownGuard => {
                    self.abort_with(None, CloseReason::ShutdownGuardExpired)
                }
            }
        }
        self.after_input(now);
    }

    /// One more handshake retransmission, or give up (RFC 9260 §5.1 C, §6.3.3).
    fn handshake_retry(&mut self, now: Instant, kind: TimerKind) -> bool {
        let max = self.cfg.max_init_retransmits;
        let hs = self.handshake_mut();
        hs.retransmits += 1;
        if hs.retransmits > max {
            self.close(Some(CloseReason::InitFailed));
            return false;
        }
        let p = self.paths.get_mut(PathId(0));
        let rto = p.map_or(self.cfg.rto_initial, |p| {
            p.rto.back_off();
            p.rto.rto()
        });
        self.timers.set(kind, now + rto);
        true
    }

    /// Handshake retransmissions cycle through the peer's addresses, so one dead address
    /// does not stall the setup (RFC 9260 §6.4: retransmit to an alternate address; ETSI
    /// sctp-as-i-1-15).
    fn handshake_dest(&self) -> PathId {
        let n = self.paths.len().max(1) as u32;
        let retransmits = self.handshake.as_ref().map_or(0, |h| h.retransmits);
        PathId(u16::try_from(retransmits % n).unwrap_or(0))
    }

    fn on_t1_init(&mut self, now: Instant) {
        if self.state != State::CookieWait || !self.handshake_retry(now, TimerKind::T1Init) {
            return;
        }
        // An INIT not sent yet moves to this retransmission's destination.
        let init = self
            .handshake
            .as_mut()
            .and_then(|h| h.init.take())
            .or_else(|| self.take_queued_init());
        if let Some(init) = init {
            self.queue(Some(self.handshake_dest()), init);
        }
    }

    fn on_t1_cookie(&mut self, now: Instant) {
        if self.state != State::CookieEchoed || !self.handshake_retry(now, TimerKind::T1Cookie) {
            return;
        }
        if let Some(cookie) = self.handshake.as_ref().and_then(|h| h.cookie.clone()) {
            self.queue(Some(self.handshake_dest()), CookieEcho { cookie });
        }
    }

    /// Count one timeout against Association.Max.Retrans; true if the association failed.
    pub(super) fn count_assoc_error(&mut self) -> bool {
        self.assoc_errors = self.assoc_errors.saturating_add(1);
        if self.assoc_errors > self.cfg.assoc_max_retrans {
            // RFC 9260 §8.1: the peer is unreachable; stop and report. An ABORT first, as
            // Linux, FreeBSD and usrsctp send, so the peer and any NAT or middlebox on the way
            // free their state at once; it goes where data would (the primary, or the path
            // that worked last).
            self.abort_with(None, CloseReason::CommunicationLost);
            return true;
        }
        false
    }

    /// T2-shutdown: send SHUTDOWN or SHUTDOWN ACK again, to another path than the last one
    /// (RFC 9260 §9.2, §6.4), counting the error on the path that did not answer. Alternating
    /// from the last destination, not from the data path: with a healthy data path every
    /// retransmission would otherwise go to the same other path, a black hole maybe.
    fn on_t2(&mut self, now: Instant) {
        let last = self.shutdown_dest.unwrap_or_else(|| self.paths.data_path());
        self.paths.on_timeout(last, now, &mut self.events);
        if self.count_assoc_error() {
            return;
        }
        self.shutdown_retransmits += 1;
        let dest = self.paths.retransmit_path(last);
        self.shutdown_dest = Some(dest);
        match self.state {
            State::ShutdownSent => {
                let cum = self.cum_ack();
                self.queue(Some(dest), Shutdown { cum_tsn_ack: cum });
            }
            State::ShutdownAckSent => self.queue(Some(dest), ShutdownAck),
            _ => return,
        }
        let rto = self
            .paths
            .get(dest)
            .map_or(self.cfg.rto_initial, |p| p.rto.rto());
        self.timers.set(TimerKind::T2Shutdown, now + rto);
    }

    /// T3-rtx of `path` (RFC 9260 §6.3.3): mark its data for retransmission, back off, count
    /// the error; the retransmission goes to the best path at the next `poll_transmit`.
    fn on_t3(&mut self, now: Instant, path: PathId) {
        if self.tx.outstanding_on(path) == 0 {
            // Only a FORWARD TSN is unanswered: send it again (RFC 3758 §3.5 A5), backing
            // off and counting the error as for DATA.
            if self.tx.awaiting_forward_ack() {
                self.paths.on_timeout(path, now, &mut self.events);
                if !self.count_assoc_error() {
                    self.send_forward_tsn(now);
                }
            }
            return;
        }
        self.tx.on_t3_timeout(path);
        self.plpmtud_suspect(now, path);
        self.paths.avoid_for_retransmission(path);
        let failing = self.paths.on_timeout(path, now, &mut self.events);
        if self.count_assoc_error() {
            return;
        }
        // RFC 3758 §3.5 A5: what the policies give up is skipped at once.
        self.send_forward_tsn(now);
        self.rotate_source(path);
        if failing {
            self.probe_now(path, now);
        }
    }

    /// A path just became potentially failed or inactive: probe it at once, then every RTO
    /// (RFC 7829 §5; RFC 9260 §8.3), so it is used again as soon as it answers.
    pub(super) fn probe_now(&mut self, path: PathId, now: Instant) {
        if matches!(self.state, State::CookieWait | State::CookieEchoed) {
            return; // no HEARTBEAT before the peer has the association (RFC 9260 §8.3)
        }
        self.paths.drop_probe(path);
        self.timers.set(TimerKind::Heartbeat(path), now);
    }

    /// Heartbeat timer of `path` (RFC 9260 §8.3): an unanswered probe counts as an error;
    /// then probe again unless the path is busy with data.
    fn on_heartbeat_timer(&mut self, now: Instant, path: PathId) {
        // In SHUTDOWN-ACK-SENT only the SHUTDOWN COMPLETE is awaited; the peer may already
        // have dropped the association, and a HEARTBEAT would draw an out-of-the-blue ABORT
        // (RFC 9260 §8.4; Linux stops its heartbeats there too).
        if self.state == State::ShutdownAckSent {
            return;
        }
        let Some(p) = self.paths.get(path) else {
            return;
        };
        let (state, rto) = (p.state, p.rto.rto());
        let failing = matches!(state, PathState::PotentiallyFailed | PathState::Inactive);
        let rtx_here =
            self.tx.has_marked_retransmissions() && self.paths.retransmission_dest(true) == path;
        if failing && (self.tx.outstanding_on(path) > 0 || rtx_here) {
            // DATA in flight there: its T3-rtx already probes the path and backs off its RTO;
            // a heartbeat on top would count every loss twice.
            self.timers.set(TimerKind::Heartbeat(path), now + rto);
            return;
        }
        if self.paths.probe_outstanding(path) {
            self.rotate_source(path);
            // Unconfirmed paths back off too, so an address that never answers (perhaps a
            // third party's, RFC 5062 §4.1) sees ever rarer probes. RFC 9260 §8.1: only the
            // path that carries data counts against the association, so an idle dead path
            // cannot close an association whose data path works.
            self.paths.on_timeout(path, now, &mut self.events);
            let counts = state != PathState::Unconfirmed && path == self.paths.data_path();
            if counts && self.count_assoc_error() {
                return;
            }
            self.paths.drop_probe(path);
        }
        let Some(p) = self.paths.get(path) else {
            return;
        };
        let (rto, state, errors) = (p.rto.rto(), p.state, p.error_count);
        // NAT-friendly: not from a local address the peer has not been told of yet.
        let unannounced = !self.heartbeat_allowed(path);
        let busy = unannounced
            || state == PathState::Active
                && p.last_data_sent.is_some_and(|t| {
                    self.cfg
                        .hb_interval
                        .is_some_and(|i| now.saturating_duration_since(t) < i)
                });
        if !busy {
            let nonce = self.rng().next_u64();
            if let Some(info) = self.paths.make_heartbeat(path, nonce, now) {
                self.queue(Some(path), Heartbeat { info });
            }
        }
        let next = match state {
            PathState::Active => self.next_heartbeat(path, now),
            // RFC 9260 §5.4, §8.3: an unconfirmed address is probed every RTO until
            // Path.Max.Retrans probes went unanswered, then at the heartbeat rate: an address
            // that can never be reached (behind NAT, or not the peer's) draws no steady stream.
            PathState::Unconfirmed if errors >= self.cfg.path_max_retrans => {
                self.next_heartbeat(path, now)
            }
            PathState::Unconfirmed => Some(now + rto),
            // RFC 7829 §5, RFC 9260 §8.3: a failed path is probed every RTO as it backs off.
            // Deliberate deviation: no further apart than `failed_probe_interval_max`, so a
            // restored primary is found within seconds, not after a minute's back-off.
            PathState::PotentiallyFailed | PathState::Inactive => {
                Some(now + rto.min(self.cfg.failed_probe_interval_max))
            }
        };
        if let Some(at) = next {
            self.timers.set(TimerKind::Heartbeat(path), at);
        }
    }
}
