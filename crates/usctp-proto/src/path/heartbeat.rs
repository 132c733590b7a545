//! HEARTBEAT probes: the info we send and the check of the echo (RFC 9260 §8.3).

use std::time::{Duration, Instant};

use bytes::Bytes;
use rand::Rng;

use super::destination::Probe;
use super::{PathId, PathManager};
use crate::event::{Event, PathState};
use crate::inline_queue::InlineQueue;

/// Heartbeat Info layout: magic, path id, nonce (we keep the send time in the path).
const HB_MAGIC: u16 = 0x7573; // "us"
const HB_INFO_LEN: usize = 12;

impl PathManager {
    /// Build a HEARTBEAT info for `id` and remember its nonce (RFC 9260 §8.3).
    pub(crate) fn make_heartbeat(&mut self, id: PathId, nonce: u64, now: Instant) -> Option<Bytes> {
        let p = self.get_mut(id)?;
        p.probe = Some(Probe { nonce, sent: now });
        let mut info = Vec::with_capacity(HB_INFO_LEN);
        info.extend_from_slice(&HB_MAGIC.to_be_bytes());
        info.extend_from_slice(&id.0.to_be_bytes());
        info.extend_from_slice(&nonce.to_be_bytes());
        Some(Bytes::from(info))
    }

    /// When the next idle heartbeat for `id` is due: `interval` (HB.interval) + RTO, with the
    /// RTO part jittered by ±50% (RFC 9260 §8.3).
    pub(crate) fn next_heartbeat(
        &self,
        id: PathId,
        now: Instant,
        interval: Duration,
        rng: &mut impl Rng,
    ) -> Option<Instant> {
        let rto = self.get(id)?.rto.rto();
        let jitter = rto.mul_f64(rng.gen_range(0.5..1.5));
        Some(now + interval + jitter)
    }

    /// Whether a heartbeat sent on `id` is still unanswered.
    pub(crate) fn probe_outstanding(&self, id: PathId) -> bool {
        self.get(id).is_some_and(|p| p.probe.is_some())
    }

    /// A HEARTBEAT ACK arrived: if its nonce matches the probe outstanding on the path it
    /// names, confirm the path, take the RTT and clear errors. Returns the path and RTT.
    pub(crate) fn on_heartbeat_ack(
        &mut self,
        info: &[u8],
        now: Instant,
        events: &mut InlineQueue<Event>,
    ) -> Option<(PathId, Duration)> {
        let info: &[u8; HB_INFO_LEN] = info.try_into().ok()?;
        let [m0, m1, i0, i1, n @ ..] = *info;
        if u16::from_be_bytes([m0, m1]) != HB_MAGIC {
            return None;
        }
        let id = PathId(u16::from_be_bytes([i0, i1]));
        let nonce = u64::from_be_bytes(n);
        let p = self.get_mut(id)?;
        let probe = p.probe.filter(|pr| pr.nonce == nonce)?;
        p.probe = None;
        let rtt = now.saturating_duration_since(probe.sent);
        p.rto.on_rtt(rtt);
        p.error_count = 0;
        // RFC 9260 §5.4: a matching nonce confirms the address.
        self.set_state(id, PathState::Active, now, events);
        Some((id, rtt))
    }

    /// Forget the probe outstanding on `id` (a new one replaces it at once).
    pub(crate) fn drop_probe(&mut self, id: PathId) {
        if let Some(p) = self.get_mut(id) {
            p.probe = None;
        }
    }
}
