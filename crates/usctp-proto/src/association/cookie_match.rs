//! COOKIE ECHO for an existing association (RFC 9260 §5.2.4) and late COOKIE ACK handling.

use std::time::Instant;

use super::{Association, State};
use crate::event::Event;
use crate::path::PathId;
use crate::timer::TimerKind;

/// How a verified cookie relates to an existing association (RFC 9260 §5.2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CookieMatch {
    /// Action A: the peer restarted.
    Restart,
    /// Action B: an INIT collision; take the peer's new tag.
    Collision,
    /// Action D: a duplicate of the cookie that made this association.
    Duplicate,
    /// Action C or no match: silently discard.
    Discard,
}

impl Association {
    /// Classify a cookie by the §5.2.4 table.
    pub(crate) fn match_cookie(&self, c: &crate::setup::CookieContents) -> CookieMatch {
        let local = c.local_tag == self.local_tag;
        let peer = c.peer_tag == self.peer_tag;
        let ties = c.local_tie_tag == self.local_tag && c.peer_tie_tag == self.peer_tag;
        match (local, peer) {
            (false, false) if ties => CookieMatch::Restart,
            (true, false) => CookieMatch::Collision,
            (true, true) => CookieMatch::Duplicate,
            _ => CookieMatch::Discard,
        }
    }

    /// Actions B and D: adopt the cookie's peer tag if needed, become established, and send
    /// COOKIE ACK.
    pub(crate) fn accept_cookie(&mut self, now: Instant, c: &crate::setup::CookieContents) {
        if self.state == State::Closed {
            return;
        }
        let was = self.state;
        if self.peer_tag != c.peer_tag || self.rx_start.is_none() {
            self.peer_tag = c.peer_tag;
            self.set_extensions(c.features);
            self.auth_from_cookie(c.auth.as_deref());
            self.adopt_peer(
                now,
                c.peer_initial_tsn,
                c.peer_rwnd,
                c.outbound_streams,
                c.inbound_streams,
            );
        }
        self.queue(Some(PathId(0)), usctp_wire::chunk::CookieAck);
        if matches!(was, State::CookieWait | State::CookieEchoed) {
            self.timers.stop(TimerKind::T1Init);
            self.timers.stop(TimerKind::T1Cookie);
            self.set_state(State::Established, "COOKIE ECHO (collision)");
            self.events.push_back(Event::Connected);
            self.start_heartbeats(now);
            self.on_established(now);
        }
    }

    /// This association replaced one the peer restarted.
    pub(crate) fn mark_restarted(&mut self) {
        self.events.retain(|e| *e != Event::Connected);
        self.events.push_back(Event::Restarted);
    }

    /// Closed, with nothing left to send or to report: the endpoint may drop it.
    pub(crate) fn is_finished(&self) -> bool {
        self.state == State::Closed
            && self.pending.is_empty()
            && self.events.is_empty()
            && self.rx.as_ref().is_none_or(|rx| rx.buffered_bytes() == 0)
    }
}

impl Association {
    /// Remember the MAC and expiry of the cookie that created this association.
    pub(crate) fn set_cookie(&mut self, mac: Option<[u8; 32]>, expiry_ms: u64) {
        self.cookie_mac = mac;
        self.cookie_expiry_ms = Some(expiry_ms);
    }

    /// When the cookie that created this association expires, if it was created from one.
    pub(crate) fn cookie_expiry_ms(&self) -> Option<u64> {
        self.cookie_expiry_ms
    }

    /// The MAC of the cookie that created this association, if it was created from one.
    pub(crate) fn cookie_mac(&self) -> Option<[u8; 32]> {
        self.cookie_mac
    }

    /// The peer repeated its COOKIE ECHO: our COOKIE ACK was lost.
    pub(crate) fn resend_cookie_ack(&mut self) {
        if self.state != State::Closed {
            self.queue(Some(PathId(0)), usctp_wire::chunk::CookieAck);
        }
    }
}
