//! What verified ICMP reports do to a path: a smaller path MTU (RFC 9260 §7.3, RFC 8899) or a
//! failure hint (RFC 9260 Appendix C, ICMP9).

use std::time::Instant;

use super::{PathId, PathManager};
use crate::event::{Event, PathState};
use crate::inline_queue::InlineQueue;

/// Smallest path MTU an ICMP report can set for IPv4: RFC 8899 §5.1.2 BASE_PLPMTU, so a
/// forged or broken report cannot shrink packets to nothing.
pub(super) const MIN_PMTU_V4: usize = 1200;
/// Smallest path MTU for IPv6 (RFC 8200 §5: every IPv6 link carries 1280 bytes).
pub(super) const MIN_PMTU_V6: usize = 1280;

impl PathManager {
    /// A packet-too-big report for `id` says the path carries at most `mtu` bytes: lower its
    /// MTU, never below the floor of its family and never up (RFC 8201 §4, RFC 8899 §4.6.2:
    /// a report larger than the current MTU is ignored). Returns the new MTU if it changed.
    pub(crate) fn lower_mtu(&mut self, id: PathId, mtu: usize) -> Option<usize> {
        let p = self.get_mut(id)?;
        let floor = if p.remote.ip.is_ipv6() {
            MIN_PMTU_V6
        } else {
            MIN_PMTU_V4
        };
        let new = mtu.max(floor);
        if new >= p.mtu {
            return None;
        }
        p.mtu = new;
        Some(new)
    }

    /// An unreachable report for `id`: count one error, at most one per RTO so a burst of
    /// reports (one per packet in flight) is one signal, and take an active path out of
    /// service as potentially failed until a HEARTBEAT ACK revives it (RFC 9260 Appendix C
    /// ICMP9 allows marking it unreachable; RFC 7829 §5 makes PF the reversible form).
    /// Returns true if the path changed state. The association error counter is not touched:
    /// one ICMP never ends an association.
    pub(crate) fn on_unreachable(
        &mut self,
        id: PathId,
        now: Instant,
        events: &mut InlineQueue<Event>,
    ) -> bool {
        let Some(p) = self.get_mut(id) else {
            return false;
        };
        let recent = p
            .last_icmp_error
            .is_some_and(|t| now.saturating_duration_since(t) < p.rto.rto());
        if recent || p.state == PathState::Unconfirmed {
            return false;
        }
        p.last_icmp_error = Some(now);
        let before = p.state;
        self.count_error(id, now, events);
        if self.get(id).is_some_and(|p| p.state == PathState::Active) {
            self.set_state(id, PathState::PotentiallyFailed, now, events);
        }
        self.get(id).is_some_and(|p| p.state != before)
    }
}
