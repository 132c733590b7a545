//! Timers are data: one table of deadlines keyed by [`TimerKind`]; expiry happens only in
//! `handle_timeout(now)`.
//!
//! The table holds every protocol timer but one: the delayed-SACK deadline lives with the
//! receive side (`rx::Receiver::sack_deadline`), which decides it per packet, and the
//! association's `poll_timeout` takes the earlier of the two.

use std::time::Instant;

use crate::path::PathId;

/// Every timer an association runs (RFC 9260 §4, §6.3, §8.3, §9.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum TimerKind {
    /// T1-init: INIT retransmission.
    T1Init,
    /// T1-cookie: COOKIE ECHO retransmission.
    T1Cookie,
    /// T2-shutdown: SHUTDOWN / SHUTDOWN ACK retransmission.
    T2Shutdown,
    /// T3-rtx of one destination.
    T3Rtx(PathId),
    /// Heartbeat of one destination (idle probing, confirmation, PF probing).
    Heartbeat(PathId),
    /// T5-shutdown-guard (RFC 9260 §9.2).
    T5ShutdownGuard,
    /// Re-configuration request retransmission (RFC 6525 §5.1.1).
    Reconfig,
    /// T-4 RTO: ASCONF retransmission (RFC 5061 §5.1 A4).
    Asconf,
    /// PLPMTUD of one destination: PROBE_TIMER while searching, PMTU_RAISE_TIMER once
    /// complete (RFC 8899 §5.1.1).
    Plpmtud(PathId),
}

/// The deadlines of one association. Small (a handful of kinds per path), so a vector with
/// linear search beats a heap.
#[derive(Debug, Clone, Default)]
pub(crate) struct Timers {
    armed: Vec<(TimerKind, Instant)>,
}

impl Timers {
    /// Arm (or re-arm) `kind` to fire at `at`.
    pub(crate) fn set(&mut self, kind: TimerKind, at: Instant) {
        match self.armed.iter_mut().find(|(k, _)| *k == kind) {
            Some(slot) => slot.1 = at,
            None => self.push(kind, at),
        }
    }

    /// Grow one slot at a time: an idle association runs one heartbeat per path, and the
    /// default growth (4 slots at the first push) would hold twice that on every one.
    fn push(&mut self, kind: TimerKind, at: Instant) {
        self.armed.reserve_exact(1);
        self.armed.push((kind, at));
    }

    /// Arm `kind` unless it is already running.
    pub(crate) fn set_if_idle(&mut self, kind: TimerKind, at: Instant) {
        if !self.is_armed(kind) {
            self.push(kind, at);
        }
    }

    /// Stop `kind`.
    pub(crate) fn stop(&mut self, kind: TimerKind) {
        self.armed.retain(|(k, _)| *k != kind);
    }

    /// Stop every timer of one path (the path is gone).
    pub(crate) fn stop_path(&mut self, path: PathId) {
        self.armed.retain(|(k, _)| {
            !matches!(k, TimerKind::T3Rtx(p) | TimerKind::Heartbeat(p)
                    | TimerKind::Plpmtud(p) if *p == path)
        });
    }

    /// Stop everything.
    pub(crate) fn clear(&mut self) {
        self.armed.clear();
    }

    /// Whether `kind` runs.
    pub(crate) fn is_armed(&self, kind: TimerKind) -> bool {
        self.armed.iter().any(|(k, _)| *k == kind)
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.armed.iter().map(|(_, t)| *t).min()
    }

    /// Remove and return the earliest timer due at `now`, if any (call until `None`).
    pub(crate) fn pop_expired(&mut self, now: Instant) -> Option<TimerKind> {
        let (i, _) = self
            .armed
            .iter()
            .enumerate()
            .filter(|(_, (_, t))| *t <= now)
            .min_by_key(|(_, (k, t))| (*t, *k))?;
        Some(self.armed.swap_remove(i).0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn earliest_first_and_rearm() {
        let t0 = crate::test_epoch::epoch();
        let ms = Duration::from_millis;
        let mut t = Timers::default();
        t.set(TimerKind::T3Rtx(PathId(1)), t0 + ms(30));
        t.set(TimerKind::T5ShutdownGuard, t0 + ms(10));
        t.set(TimerKind::Heartbeat(PathId(1)), t0 + ms(20));
        t.set(TimerKind::T5ShutdownGuard, t0 + ms(25)); // re-armed, not duplicated
        t.set_if_idle(TimerKind::T5ShutdownGuard, t0 + ms(1));
        assert_eq!(t.next(), Some(t0 + ms(20)));
        assert_eq!(
            t.pop_expired(t0 + ms(26)),
            Some(TimerKind::Heartbeat(PathId(1)))
        );
        assert_eq!(t.pop_expired(t0 + ms(26)), Some(TimerKind::T5ShutdownGuard));
        assert_eq!(t.pop_expired(t0 + ms(26)), None);
        t.stop_path(PathId(1));
        assert_eq!(t.next(), None);
    }

    #[test]
    fn idle_heartbeats_hold_no_spare_slots() {
        let t0 = crate::test_epoch::epoch();
        let mut t = Timers::default();
        t.set(TimerKind::Heartbeat(PathId(0)), t0);
        t.set(TimerKind::Heartbeat(PathId(1)), t0);
        assert_eq!(t.armed.capacity(), 2);
    }
}
