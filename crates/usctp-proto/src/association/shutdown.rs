//! Graceful shutdown (RFC 9260 §9.2) and user abort (§9.1).

use std::time::Instant;

use bytes::Bytes;
use usctp_wire::cause::UserInitiatedAbort;
use usctp_wire::chunk::{Shutdown, ShutdownAck, ShutdownComplete};

use super::{Association, State};
use crate::event::{CloseReason, Event};
use crate::timer::TimerKind;

impl Association {
    /// Start a graceful shutdown: outstanding and queued data is still delivered, then
    /// SHUTDOWN / SHUTDOWN ACK / SHUTDOWN COMPLETE close the association.
    pub fn shutdown(&mut self, now: Instant) {
        match self.state {
            // Not established yet: queued data still goes out, then the shutdown starts
            // (RFC 9260 §9.2 applies once ESTABLISHED is reached).
            State::CookieWait | State::CookieEchoed => self.shutdown_requested = true,
            State::Established => {
                self.set_state(State::ShutdownPending, "user shutdown");
                self.tx.set_closing();
                self.progress_shutdown(now);
            }
            _ => {}
        }
    }

    /// Abort now (RFC 9260 §9.1), with an optional User-Initiated Abort reason for the peer.
    pub fn abort(&mut self, reason: Option<Bytes>) {
        if self.state == State::Closed {
            return;
        }
        let cause = reason.map(|reason| UserInitiatedAbort { reason }.into());
        if matches!(self.state, State::CookieWait) {
            // The peer has no association yet and our INIT carried no tag of theirs.
            self.pending.clear();
            return self.close(Some(CloseReason::LocalAbort));
        }
        self.abort_with(cause, CloseReason::LocalAbort);
    }

    fn start_t2(&mut self, now: Instant) {
        let path = self.paths.data_path();
        let rto = self
            .paths
            .get(path)
            .map_or(self.cfg.rto_initial, |p| p.rto.rto());
        self.timers.set(TimerKind::T2Shutdown, now + rto);
    }

    /// Move on once our outstanding data is acknowledged (RFC 9260 §9.2).
    pub(super) fn progress_shutdown(&mut self, now: Instant) {
        // Messages held back by a stream reset (RFC 6525) are data still to send.
        if !self.tx.is_idle() || self.held_bytes() > 0 {
            return;
        }
        match self.state {
            State::ShutdownPending => {
                self.queue(
                    None,
                    Shutdown {
                        cum_tsn_ack: self.cum_ack(),
                    },
                );
                self.set_state(State::ShutdownSent, "all data acknowledged");
                self.start_t2(now);
                // T5-shutdown-guard: 5 x RTO.Max (RFC 9260 §9.2).
                self.timers
                    .set(TimerKind::T5ShutdownGuard, now + self.cfg.rto_max * 5);
            }
            State::ShutdownReceived => {
                self.queue(None, ShutdownAck);
                self.set_state(State::ShutdownAckSent, "all data acknowledged");
                self.start_t2(now);
            }
            _ => {}
        }
    }

    /// DATA arrived in SHUTDOWN-SENT: answer at once with a SHUTDOWN carrying the new
    /// cumulative ack and restart T2 (RFC 9260 §9.2).
    pub(super) fn on_data_in_shutdown_sent(&mut self, now: Instant) {
        self.pending
            .retain(|p| !matches!(p.chunk, usctp_wire::chunk::Chunk::Shutdown(_)));
        self.queue(
            None,
            Shutdown {
                cum_tsn_ack: self.cum_ack(),
            },
        );
        self.start_t2(now);
    }

    /// INIT in SHUTDOWN-ACK-SENT (the SHUTDOWN COMPLETE may have been lost): the endpoint
    /// discards the INIT and this resends the SHUTDOWN ACK (RFC 9260 §9.2).
    pub(crate) fn resend_shutdown_ack(&mut self) {
        if self.state == State::ShutdownAckSent
            && !self
                .pending
                .iter()
                .any(|p| matches!(p.chunk, usctp_wire::chunk::Chunk::ShutdownAck(_)))
        {
            self.queue(None, ShutdownAck);
        }
    }

    /// SHUTDOWN from the peer.
    pub(super) fn on_shutdown(&mut self, now: Instant, s: Shutdown) {
        match self.state {
            State::Established | State::ShutdownPending | State::ShutdownReceived => {
                let o = self.tx.on_shutdown_cum_ack(now, s.cum_tsn_ack);
                self.apply_ack(now, o);
                if self.state != State::ShutdownReceived && self.state != State::Closed {
                    self.set_state(State::ShutdownReceived, "SHUTDOWN");
                    self.events.push_back(Event::PeerShutdown);
                }
            }
            // Both sides shut down at once: answer with SHUTDOWN ACK (RFC 9260 §9.2).
            State::ShutdownSent => {
                self.queue(None, ShutdownAck);
                self.set_state(State::ShutdownAckSent, "SHUTDOWN while in SHUTDOWN-SENT");
                self.start_t2(now);
            }
            _ => {}
        }
    }

    /// SHUTDOWN ACK from the peer.
    pub(super) fn on_shutdown_ack(&mut self, _now: Instant) {
        match self.state {
            State::ShutdownSent | State::ShutdownAckSent => {
                self.pending.clear();
                self.queue(None, ShutdownComplete { t_bit: false });
                self.close(None);
            }
            // RFC 9260 §8.5.1 E: treat as out of the blue, answer SHUTDOWN COMPLETE with T.
            State::CookieWait | State::CookieEchoed => {
                self.queue(None, ShutdownComplete { t_bit: true });
            }
            _ => {}
        }
    }

    /// SHUTDOWN COMPLETE from the peer.
    pub(super) fn on_shutdown_complete(&mut self) {
        if self.state == State::ShutdownAckSent {
            self.close(None);
        }
    }
}
