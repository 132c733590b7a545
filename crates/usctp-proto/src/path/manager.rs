//! The path manager: the address set, the primary, destination choice, heartbeats, error
//! counting and failover (RFC 9260 §5.4, §6.4, §8.1–§8.3; RFC 7829).

use std::collections::VecDeque;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::destination::{Path, Probe};
use super::PathId;
use crate::event::{Event, PathState};
use crate::{AssociationConfig, TransportAddr};

/// Heartbeat Info layout: magic, path id, nonce (we keep the send time in the path).
const HB_MAGIC: u16 = 0x7573; // "us"
const HB_INFO_LEN: usize = 12;

/// All paths of one association.
#[derive(Debug, Clone)]
pub struct PathManager {
    paths: Vec<Path>,
    primary: PathId,
    max_paths: usize,
    path_max_retrans: u32,
    pf_max_retrans: Option<u32>,
}

impl PathManager {
    /// A manager whose first (primary) path is `remote`, confirmed because the handshake used
    /// it (RFC 9260 §5.4).
    pub fn new(
        remote: TransportAddr,
        local: Option<IpAddr>,
        now: Instant,
        cfg: &AssociationConfig,
    ) -> Self {
        let first = Path::new(PathId(0), remote, local, true, now, cfg);
        Self {
            paths: vec![first],
            primary: PathId(0),
            max_paths: cfg.max_peer_addresses.max(1),
            path_max_retrans: cfg.path_max_retrans,
            pf_max_retrans: cfg.pf_max_retrans,
        }
    }

    /// Add an unconfirmed path to `remote` (an address the peer listed), unless known or the
    /// limit is reached. Returns its id.
    pub fn add(
        &mut self,
        remote: TransportAddr,
        local: Option<IpAddr>,
        now: Instant,
        cfg: &AssociationConfig,
        events: &mut VecDeque<Event>,
    ) -> Option<PathId> {
        if let Some(id) = self.find(remote) {
            return Some(id);
        }
        if self.paths.len() >= self.max_paths {
            return None;
        }
        let id = PathId(u16::try_from(self.paths.len()).ok()?);
        self.paths
            .push(Path::new(id, remote, local, false, now, cfg));
        events.push_back(Event::PathAdded {
            path: id,
            addr: remote,
        });
        Some(id)
    }

    /// The path to `remote`, if any.
    pub fn find(&self, remote: TransportAddr) -> Option<PathId> {
        self.paths.iter().find(|p| p.remote == remote).map(|p| p.id)
    }

    /// The path to this IP (any encapsulation), if any.
    pub fn find_ip(&self, ip: IpAddr) -> Option<PathId> {
        self.paths.iter().find(|p| p.remote.ip == ip).map(|p| p.id)
    }

    /// A path by id.
    pub fn get(&self, id: PathId) -> Option<&Path> {
        self.paths.get(usize::from(id.0))
    }

    /// A path by id, mutably.
    pub fn get_mut(&mut self, id: PathId) -> Option<&mut Path> {
        self.paths.get_mut(usize::from(id.0))
    }

    /// Every path.
    pub fn iter(&self) -> impl Iterator<Item = &Path> {
        self.paths.iter()
    }

    /// Every path, mutably.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Path> {
        self.paths.iter_mut()
    }

    /// The primary path.
    pub fn primary(&self) -> PathId {
        self.primary
    }

    /// Make `id` the primary (user request). False if there is no such path.
    pub fn set_primary(&mut self, id: PathId, events: &mut VecDeque<Event>) -> bool {
        let Some(addr) = self.get(id).map(|p| p.remote) else {
            return false;
        };
        if self.primary != id {
            self.primary = id;
            events.push_back(Event::PrimaryChanged { path: id, addr });
        }
        true
    }

    /// Where new data goes: the primary while it is active, else the most recently confirmed
    /// active path, else the potentially-failed path with the fewest errors (RFC 7829 §5),
    /// else the primary (RFC 9260 §6.4.1: keep trying when everything looks down).
    pub fn data_path(&self) -> PathId {
        let primary = self.get(self.primary);
        if primary.is_some_and(|p| p.state == PathState::Active) {
            return self.primary;
        }
        let active = self
            .paths
            .iter()
            .filter(|p| p.state == PathState::Active)
            .max_by_key(|p| p.last_confirmed);
        if let Some(p) = active {
            return p.id;
        }
        let pf = self
            .paths
            .iter()
            .filter(|p| p.state == PathState::PotentiallyFailed)
            .min_by_key(|p| p.error_count);
        pf.map_or(self.primary, |p| p.id)
    }

    /// Where a retransmission goes: an active path other than `last` if there is one
    /// (RFC 9260 §6.4), else the data path.
    pub fn retransmit_path(&self, last: PathId) -> PathId {
        let data = self.data_path();
        if data != last {
            return data;
        }
        self.paths
            .iter()
            .filter(|p| p.id != last && p.state == PathState::Active)
            .max_by_key(|p| p.last_confirmed)
            .map_or(data, |p| p.id)
    }

    fn set_state(
        &mut self,
        id: PathId,
        state: PathState,
        now: Instant,
        events: &mut VecDeque<Event>,
    ) {
        let Some(p) = self.get_mut(id) else { return };
        if p.state == state {
            return;
        }
        p.state = state;
        if state == PathState::Active {
            p.last_confirmed = Some(now);
        }
        let addr = p.remote;
        events.push_back(Event::PathStateChanged {
            path: id,
            addr,
            state,
        });
    }

    /// The peer acknowledged something sent on `id`: clear its error counter and make it
    /// active (RFC 9260 §8.2, §8.3; RFC 7829 §5).
    pub fn on_ack(&mut self, id: PathId, now: Instant, events: &mut VecDeque<Event>) {
        let Some(p) = self.get_mut(id) else { return };
        p.error_count = 0;
        if p.state != PathState::Unconfirmed {
            self.set_state(id, PathState::Active, now, events);
        }
    }

    /// A retransmission timer or heartbeat on `id` expired: count the error, back off its RTO,
    /// and move it to potentially failed / inactive at the thresholds (RFC 9260 §8.2,
    /// RFC 7829 §5). Returns true if the path changed state.
    pub fn on_timeout(&mut self, id: PathId, now: Instant, events: &mut VecDeque<Event>) -> bool {
        let (pmr, pfmr) = (self.path_max_retrans, self.pf_max_retrans);
        let Some(p) = self.get_mut(id) else {
            return false;
        };
        p.rto.back_off();
        p.error_count = p.error_count.saturating_add(1);
        let (count, state) = (p.error_count, p.state);
        let next = match state {
            PathState::Unconfirmed => return false,
            _ if count > pmr => PathState::Inactive,
            PathState::Active if pfmr.is_some_and(|m| count > m) => PathState::PotentiallyFailed,
            s => s,
        };
        let changed = next != state;
        self.set_state(id, next, now, events);
        changed
    }

    /// Build a HEARTBEAT info for `id` and remember its nonce (RFC 9260 §8.3).
    pub fn make_heartbeat(&mut self, id: PathId, nonce: u64, now: Instant) -> Option<Bytes> {
        let p = self.get_mut(id)?;
        p.probe = Some(Probe { nonce, sent: now });
        let mut info = Vec::with_capacity(HB_INFO_LEN);
        info.extend_from_slice(&HB_MAGIC.to_be_bytes());
        info.extend_from_slice(&id.0.to_be_bytes());
        info.extend_from_slice(&nonce.to_be_bytes());
        Some(Bytes::from(info))
    }

    /// Whether a heartbeat sent on `id` is still unanswered.
    pub fn probe_outstanding(&self, id: PathId) -> bool {
        self.get(id).is_some_and(|p| p.probe.is_some())
    }

    /// A HEARTBEAT ACK arrived: if its nonce matches the probe outstanding on the path it
    /// names, confirm the path, take the RTT and clear errors. Returns the path and RTT.
    pub fn on_heartbeat_ack(
        &mut self,
        info: &[u8],
        now: Instant,
        events: &mut VecDeque<Event>,
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

    /// Number of paths.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// Always false: an association has at least one path.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}
