//! The path manager: the address set, the primary, destination choice, heartbeats, error
//! counting and failover (RFC 9260 §5.4, §6.4, §8.1–§8.3; RFC 7829).

use std::net::IpAddr;
use std::time::Instant;

use super::destination::Path;
use super::{PathId, PathOrigin};
use crate::event::{Event, PathState};
use crate::inline_queue::InlineQueue;
use crate::{AssociationConfig, TransportAddr};

/// All paths of one association.
#[derive(Debug, Clone)]
pub(crate) struct PathManager {
    paths: Vec<Path>,
    primary: PathId,
    max_paths: usize,
    path_max_retrans: u32,
    pf_max_retrans: Option<u32>,
    switch_back: bool,
    switchover_max_retrans: Option<u32>,
    /// The path whose T3-rtx expired last: its marked chunks go elsewhere (RFC 9260 §6.4).
    rtx_avoid: Option<PathId>,
}

impl PathManager {
    /// A manager whose first (primary) path is `remote`, confirmed because the handshake used
    /// it (RFC 9260 §5.4).
    pub(crate) fn new(
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
            switch_back: cfg.primary_switch_back,
            switchover_max_retrans: cfg.primary_switchover_max_retrans,
            rtx_avoid: None,
        }
    }

    /// Add an unconfirmed path to `remote` (an address the peer listed, or one its ASCONF
    /// added), unless known or the limit is reached. Returns its id. A slot a removed path
    /// left is reused, so repeated adds and deletes cannot grow the table.
    pub(crate) fn add(
        &mut self,
        remote: TransportAddr,
        (local, origin): (Option<IpAddr>, PathOrigin),
        now: Instant,
        cfg: &AssociationConfig,
        events: &mut InlineQueue<Event>,
    ) -> Option<PathId> {
        if let Some(id) = self.find(remote) {
            return Some(id);
        }
        if self.live().count() >= self.max_paths {
            return None;
        }
        let mut path = Path::new(PathId(0), remote, local, false, now, cfg);
        path.origin = origin;
        let id = match self.paths.iter().position(|p| p.removed) {
            Some(slot) => {
                path.id = PathId(u16::try_from(slot).ok()?);
                self.paths[slot] = path;
                PathId(u16::try_from(slot).ok()?)
            }
            None => {
                path.id = PathId(u16::try_from(self.paths.len()).ok()?);
                // Paths are few and added rarely: grow one at a time, not to 4 (a path is
                // ~256 B, and idle associations are counted by the hundred thousand).
                self.paths.reserve_exact(1);
                let id = path.id;
                self.paths.push(path);
                id
            }
        };
        events.push_back(Event::PathAdded {
            path: id,
            addr: remote,
        });
        Some(id)
    }

    /// Remove path `id` (the peer deleted its address, RFC 5061 §4.2.2). The last path is
    /// never removed. A removed primary hands its role to the best remaining path.
    pub(crate) fn remove(&mut self, id: PathId, events: &mut InlineQueue<Event>) -> bool {
        if self.live().count() <= 1 {
            return false;
        }
        let Some(p) = self.get_mut(id) else {
            return false;
        };
        p.removed = true;
        p.probe = None;
        let addr = p.remote;
        if self.rtx_avoid == Some(id) {
            self.rtx_avoid = None;
        }
        events.push_back(Event::PathRemoved { path: id, addr });
        if self.primary == id {
            let best = self
                .live()
                .max_by_key(|p| {
                    (
                        p.state == PathState::Active,
                        p.is_confirmed(),
                        p.last_confirmed,
                    )
                })
                .map(|p| p.id);
            if let Some(best) = best {
                self.set_primary(best, events);
            }
        }
        true
    }

    /// Paths not removed.
    fn live(&self) -> impl Iterator<Item = &Path> {
        self.paths.iter().filter(|p| !p.removed)
    }

    /// The ids of the paths in use.
    pub(crate) fn ids(&self) -> impl Iterator<Item = PathId> + '_ {
        self.live().map(|p| p.id)
    }

    /// The path to `remote`, if any.
    pub(crate) fn find(&self, remote: TransportAddr) -> Option<PathId> {
        self.live().find(|p| p.remote == remote).map(|p| p.id)
    }

    /// The path to this IP (any encapsulation), if any.
    pub(crate) fn find_ip(&self, ip: IpAddr) -> Option<PathId> {
        self.live().find(|p| p.remote.ip == ip).map(|p| p.id)
    }

    /// A path by id (none for a removed one).
    pub(crate) fn get(&self, id: PathId) -> Option<&Path> {
        self.paths.get(usize::from(id.0)).filter(|p| !p.removed)
    }

    /// A path by id, mutably.
    pub(crate) fn get_mut(&mut self, id: PathId) -> Option<&mut Path> {
        self.paths.get_mut(usize::from(id.0)).filter(|p| !p.removed)
    }

    /// Every path, removed ones left out.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Path> {
        self.live()
    }

    /// Every path, mutably.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Path> {
        self.paths.iter_mut().filter(|p| !p.removed)
    }

    /// The primary path.
    pub(crate) fn primary(&self) -> PathId {
        self.primary
    }

    /// Make `id` the primary (user request). False if there is no such path.
    pub(crate) fn set_primary(&mut self, id: PathId, events: &mut InlineQueue<Event>) -> bool {
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
    /// else the primary (RFC 9260 §6.4.1: keep trying when everything looks down) if it is
    /// confirmed, else the confirmed path with the fewest errors.
    pub(crate) fn data_path(&self) -> PathId {
        let primary = self.get(self.primary);
        if primary.is_some_and(|p| p.state == PathState::Active) {
            return self.primary;
        }
        let active = self
            .live()
            .filter(|p| p.state == PathState::Active)
            .max_by_key(|p| p.last_confirmed);
        if let Some(p) = active {
            return p.id;
        }
        let pf = self
            .live()
            .filter(|p| p.state == PathState::PotentiallyFailed)
            .min_by_key(|p| p.error_count);
        if let Some(p) = pf {
            return p.id;
        }
        // Never an unconfirmed primary (the user may pick one, §5.4 forbids DATA there): the
        // confirmed path with the fewest errors instead.
        if primary.is_some_and(Path::is_confirmed) {
            return self.primary;
        }
        self.live()
            .filter(|p| p.is_confirmed())
            .min_by_key(|p| (p.error_count, p.id))
            .map_or(self.primary, |p| p.id)
    }

    /// Where a retransmission goes: an active path other than `last` if there is one
    /// (RFC 9260 §6.4), else another confirmed path with the fewest errors (so T3
    /// retransmissions alternate between failing paths while they back off), else the data
    /// path. Never an unconfirmed path (§5.4).
    pub(crate) fn retransmit_path(&self, last: PathId) -> PathId {
        let data = self.data_path();
        let usable = |p: &&Path| p.id != last && p.is_confirmed();
        if data != last && self.get(data).is_some_and(|p| p.state == PathState::Active) {
            return data;
        }
        let active = self
            .live()
            .filter(usable)
            .filter(|p| p.state == PathState::Active)
            .max_by_key(|p| p.last_confirmed);
        if let Some(p) = active {
            return p.id;
        }
        self.live()
            .filter(usable)
            .min_by_key(|p| (p.error_count, p.id))
            .map_or(data, |p| p.id)
    }

    /// T3-rtx of `path` expired: until its marked chunks are resent, retransmissions avoid
    /// it (RFC 9260 §6.4).
    pub(crate) fn avoid_for_retransmission(&mut self, path: PathId) {
        self.rtx_avoid = Some(path);
    }

    /// Where marked chunks go now: away from the path that timed out, if it is the data path.
    pub(crate) fn retransmission_dest(&mut self, has_marked: bool) -> PathId {
        let data = self.data_path();
        if !has_marked {
            self.rtx_avoid = None;
            return data;
        }
        match self.rtx_avoid {
            Some(last) => self.retransmit_path(last),
            None => data,
        }
    }

    /// Without switch-back, or past the Primary Path Switchover threshold (RFC 7829 §6), a
    /// failed primary hands its role to the path that took over (RFC 9260 §6.4.1 leaves the
    /// policy to the implementation).
    fn reselect_primary(&mut self, events: &mut InlineQueue<Event>) {
        let primary = self.get(self.primary);
        if primary.is_some_and(|p| p.state == PathState::Active) {
            return;
        }
        let errors = primary.map_or(0, |p| p.error_count);
        let switchover = self.switchover_max_retrans.is_some_and(|m| errors > m);
        if self.switch_back && !switchover {
            return;
        }
        let best = self
            .live()
            .filter(|p| p.state == PathState::Active)
            .max_by_key(|p| p.last_confirmed)
            .map(|p| p.id);
        if let Some(id) = best {
            self.set_primary(id, events);
        }
    }

    pub(super) fn set_state(
        &mut self,
        id: PathId,
        state: PathState,
        now: Instant,
        events: &mut InlineQueue<Event>,
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
        tracing::debug!(path = id.0, %addr, ?state, "path state");
        events.push_back(Event::PathStateChanged {
            path: id,
            addr,
            state,
        });
        self.reselect_primary(events);
    }

    /// The peer acknowledged something sent on `id`: clear its error counter and make it
    /// active (RFC 9260 §8.2, §8.3; RFC 7829 §5). A potentially failed or inactive path is
    /// revived this way only while it carries new data (every path is failing): otherwise the
    /// acknowledged chunks were sent before it failed and their SACK came over another path,
    /// which says nothing about this one; its HEARTBEAT ACK will.
    pub(crate) fn on_ack(&mut self, id: PathId, now: Instant, events: &mut InlineQueue<Event>) {
        let data_path = self.data_path();
        let Some(p) = self.get_mut(id) else { return };
        let failing = matches!(p.state, PathState::PotentiallyFailed | PathState::Inactive);
        if failing && data_path != id {
            return;
        }
        p.error_count = 0;
        if p.state != PathState::Unconfirmed {
            self.set_state(id, PathState::Active, now, events);
        }
    }

    /// A retransmission timer or heartbeat on `id` expired: count the error, back off its RTO,
    /// and move it to potentially failed / inactive at the thresholds (RFC 9260 §8.2,
    /// RFC 7829 §5). Returns true if the path changed state.
    pub(crate) fn on_timeout(
        &mut self,
        id: PathId,
        now: Instant,
        events: &mut InlineQueue<Event>,
    ) -> bool {
        let Some(p) = self.get_mut(id) else {
            return false;
        };
        p.rto.back_off();
        self.count_error(id, now, events)
    }

    /// One more consecutive error on `id`, with the state changes at the thresholds
    /// (RFC 9260 §8.2, RFC 7829 §5). Returns true if the path changed state.
    pub(super) fn count_error(
        &mut self,
        id: PathId,
        now: Instant,
        events: &mut InlineQueue<Event>,
    ) -> bool {
        let (pmr, pfmr) = (self.path_max_retrans, self.pf_max_retrans);
        let Some(p) = self.get_mut(id) else {
            return false;
        };
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
        if id == self.primary {
            self.reselect_primary(events);
        }
        changed
    }

    /// The largest DATA payload that fits an otherwise empty packet on every path.
    pub(crate) fn min_data_payload(&self) -> usize {
        let per_path = |p: &Path| (p.max_packet().saturating_sub(12) & !3).saturating_sub(16);
        self.live().map(per_path).min().unwrap_or(0)
    }

    /// Number of path slots: ids run below it (removed paths included).
    pub(crate) fn len(&self) -> usize {
        self.paths.len()
    }
}
