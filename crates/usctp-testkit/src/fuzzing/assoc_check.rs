//! The invariants of the `association` target, checked after every step and on everything the
//! SUT sends (listed on [`super::check_association`]).

use std::net::IpAddr;

use usctp_wire::chunk::Chunk;
use usctp_wire::Packet;

use super::association::Harness;
use usctp_proto::{Association, PathState, State};

impl Harness {
    pub(super) fn check(&mut self) {
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
            self.check_sender(a);
            self.check_paths(a);
            let held = a.received_bytes();
            let window = self.cfg.receive_window as usize;
            assert!(held <= 2 * window, "receiver holds {held} > 2 * {window}");
        }
        assert!(
            self.delivered <= self.peer.data_bytes,
            "delivered {} > sent {}",
            self.delivered,
            self.peer.data_bytes
        );
    }

    /// TSN, queue, flight and window accounting of the send side.
    fn check_sender(&self, a: &Association) {
        let st = a.stats();
        let limit = self.cfg.send_queue_limit;
        let (queued, outstanding) = (st.queued_bytes, st.outstanding_bytes);
        assert!(queued <= limit, "queued {queued} > limit {limit}");
        assert!(outstanding <= limit, "outstanding {outstanding} > {limit}");
        assert!(
            queued + outstanding <= self.accepted,
            "queued {queued} + outstanding {outstanding} > accepted {}",
            self.accepted
        );
        let (cum, next) = usctp_proto::internals::tsn_window(a);
        let tsns = next.0.wrapping_sub(cum.0).wrapping_sub(1);
        assert!(
            usize::try_from(tsns).is_ok_and(|n| n <= self.accepted),
            "{tsns} TSNs between cum ack {} and next {}",
            cum.0,
            next.0
        );
        let per_path: usize = st.paths.iter().map(|p| p.flight_size).sum();
        assert_eq!(per_path, outstanding, "flight per path vs total");
        assert!(
            st.peer_rwnd <= self.max_rwnd,
            "peer rwnd {} > announced {}",
            st.peer_rwnd,
            self.max_rwnd
        );
        for p in &st.paths {
            assert!(p.cwnd > 0, "path {} cwnd 0", p.id.0);
            if p.state == PathState::Unconfirmed {
                let on = p.flight_size;
                assert_eq!(on, 0, "{on} bytes in flight on unconfirmed {}", p.remote);
            }
        }
    }

    /// RFC 9260 §8.1-§8.2, RFC 7829 §5: one known primary, error counters that agree with
    /// the path states.
    fn check_paths(&self, a: &Association) {
        let st = a.stats();
        let paths = &st.paths;
        assert!(
            st.path(st.primary).is_some(),
            "primary {:?} is no path",
            st.primary
        );
        assert!(!paths.is_empty() && paths.len() <= self.cfg.max_peer_addresses.max(1));
        let pmr = self.cfg.path_max_retrans;
        let active_max = self.cfg.pf_max_retrans.map_or(pmr, |pf| pf.min(pmr));
        for p in paths.iter() {
            let n = p.error_count;
            let ok = match p.state {
                PathState::Active => n <= active_max,
                PathState::PotentiallyFailed => n <= pmr,
                PathState::Inactive => n > pmr,
                _ => true,
            };
            assert!(ok, "path {} {:?} with {n} errors", p.id.0, p.state);
        }
        if !a.is_closed() {
            let errors = st.error_count;
            let max = self.cfg.assoc_max_retrans;
            assert!(errors <= max, "association error count {errors} > {max}");
        }
    }

    /// Every packet the SUT sends: nothing for an unconfirmed address but what RFC 9260 §5.4
    /// allows; a SACK announces the window minus the bytes held (RFC 9260 §6.2.1).
    pub(super) fn check_output(&self, dst: IpAddr, p: &Packet) {
        self.check_unconfirmed(dst, p);
        let Some(a) = self.id.and_then(|id| self.ep.association(id)) else {
            return;
        };
        if p.header.vtag != a.peer_tag() {
            return;
        }
        let window = self.cfg.receive_window as usize;
        let free = window.saturating_sub(a.received_bytes());
        for c in &p.chunks {
            if let Chunk::Sack(s) = c {
                assert!(
                    s.a_rwnd as usize <= free,
                    "SACK a_rwnd {} > window {window} - held {}",
                    s.a_rwnd,
                    a.received_bytes()
                );
            }
        }
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
