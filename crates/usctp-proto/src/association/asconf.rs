//! Our address changes (RFC 5061 §5.1): the API, the ASCONF we send with its T-4 timer, and
//! what its ASCONF-ACK changes.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::Instant;

use usctp_wire::cause::ErrorCause;
use usctp_wire::chunk::{Asconf, AsconfAck, Chunk};
use usctp_wire::param::{AddIpAddress, DeleteIpAddress, Parameter, SetPrimaryAddress};

use super::{AssocError, Association, State};
use crate::asconf::{AddressRequest, AsconfState, Outstanding};
use crate::event::{Event, PathState};
use crate::path::{nearer, select_local, PathId};
use crate::timer::TimerKind;
use crate::Extensions;

/// The unspecified address of `ip`'s family: "the source of this packet" (RFC 5061 §4.2.1).
pub(super) fn wildcard_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    }
}

impl Association {
    /// ASCONF state, where ASCONF was offered (made at setup).
    pub(super) fn start_asconf(&mut self, peer_initial_tsn: u32) {
        let offered = self.cfg.offered_extensions().contains(Extensions::ASCONF);
        self.asconf =
            offered.then(|| Box::new(AsconfState::new(self.local_initial_tsn.0, peer_initial_tsn)));
    }

    /// Our local addresses as this association uses them.
    pub fn local_addresses(&self) -> &[IpAddr] {
        &self.local_addrs
    }

    /// Add `addr` to the association (RFC 5061 Add IP Address). The peer learns it by an
    /// ASCONF; [`Event::AddressRequestDone`] or [`Event::AddressRequestFailed`] tells the
    /// outcome. Until then packets do not leave from it.
    pub fn add_local_address(&mut self, addr: IpAddr) -> Result<(), AssocError> {
        // Added again before its deletion went out: the deletion is taken back; while the
        // deletion is in flight, the addition follows it.
        match self.pending_change(AddressRequest::Delete(addr)) {
            Some(true) => return Ok(()),
            Some(false) => {}
            None if self.local_addrs.contains(&addr) => return Err(AssocError::AddressInUse(addr)),
            None => {}
        }
        self.request_address_change(AddressRequest::Add(addr))
    }

    /// Whether `r` is pending: `Some(true)` when it was still queued and is now taken back,
    /// `Some(false)` when it is in flight, `None` when it is neither.
    fn pending_change(&mut self, r: AddressRequest) -> Option<bool> {
        let s = self.asconf.as_deref_mut()?;
        if s.requests.cancel(r) {
            return Some(true);
        }
        s.requests.in_flight(r).then_some(false)
    }

    /// Remove `addr` from the association (RFC 5061 Delete IP Address). Packets stop
    /// leaving from it at once; the peer is asked by an ASCONF sent from another address.
    /// The last address, or the last of a family that some path needs, cannot be removed.
    pub fn remove_local_address(&mut self, addr: IpAddr) -> Result<(), AssocError> {
        match self.pending_change(AddressRequest::Add(addr)) {
            Some(true) => return Ok(()),
            Some(false) => {}
            None if !self.local_addrs.contains(&addr) => {
                return Err(AssocError::UnknownAddress(addr))
            }
            None if self.last_of_family(addr) => return Err(AssocError::LastAddress(addr)),
            None => {}
        }
        self.request_address_change(AddressRequest::Delete(addr))?;
        self.move_paths_off(addr);
        Ok(())
    }

    /// Whether no other source of `addr`'s family would be left while a path of that family
    /// needs one (or no other address at all): the paths would have nothing to leave from.
    fn last_of_family(&self, addr: IpAddr) -> bool {
        let others = self.sources().into_iter().filter(|a| *a != addr);
        let mut same = others.clone().filter(|a| a.is_ipv4() == addr.is_ipv4());
        let needed = self
            .paths
            .iter()
            .any(|p| p.remote.ip.is_ipv4() == addr.is_ipv4());
        others.count() == 0 || (needed && same.next().is_none())
    }

    /// Ask the peer to send to our address `addr` by preference (RFC 5061 Set Primary
    /// Address).
    pub fn set_peer_primary(&mut self, addr: IpAddr) -> Result<(), AssocError> {
        if !self.local_addrs.is_empty() && !self.local_addrs.contains(&addr) {
            return Err(AssocError::UnknownAddress(addr));
        }
        self.request_address_change(AddressRequest::SetPeerPrimary(addr))
    }

    fn request_address_change(&mut self, r: AddressRequest) -> Result<(), AssocError> {
        if !self.extensions.contains(Extensions::ASCONF) {
            return Err(AssocError::AsconfNotNegotiated);
        }
        if !self.state.sends_data() {
            return Err(AssocError::NotWritable(self.state));
        }
        let Some(s) = self.asconf.as_deref_mut() else {
            return Err(AssocError::AsconfNotNegotiated);
        };
        if s.requests.push(r) {
            Ok(())
        } else {
            Err(AssocError::TooManyRequests)
        }
    }

    /// NAT-friendly multihoming, once established: every local address but the one the
    /// association started from is announced by a wildcard ADD-IP sent from it; until then
    /// no packet leaves from it (RFC 5061 §4.2.4; the NAT-support draft).
    pub(super) fn announce_local_addresses(&mut self) {
        if !self.cfg.nat_friendly {
            return;
        }
        let first = self.paths.get(PathId(0)).and_then(|p| p.local);
        let others: Vec<IpAddr> = self
            .local_addrs
            .iter()
            .copied()
            .filter(|a| Some(*a) != first)
            .collect();
        let in_force = self.extensions.contains(Extensions::ASCONF);
        let Some(s) = self.asconf.as_deref_mut() else {
            return;
        };
        for a in others {
            // Without ASCONF in force they stay unannounced: the association stays
            // single-homed rather than draw ABORTs through a NAT.
            s.unannounced.push(a);
            if in_force {
                s.requests.push(AddressRequest::AddSource(a));
            }
        }
    }

    /// Send our next ASCONF if none is outstanding (RFC 5061 §5.1 A2).
    pub(super) fn asconf_poll(&mut self, now: Instant) {
        if !self.state.sends_data() {
            return;
        }
        let Some((request, serial)) = self.asconf.as_deref_mut().and_then(|s| s.requests.next())
        else {
            return;
        };
        let (dest, src) = self.asconf_dest(request);
        let local = src.or_else(|| self.paths.get(dest).and_then(|p| p.local));
        let lookup = match (request, local) {
            (AddressRequest::AddSource(a), _) => wildcard_of(a),
            (_, Some(l)) => l,
            (r, None) => wildcard_of(r.addr()),
        };
        let correlation_id = serial;
        let param: Parameter = match request {
            AddressRequest::Add(address) => AddIpAddress {
                correlation_id,
                address,
            }
            .into(),
            AddressRequest::AddSource(a) => AddIpAddress {
                correlation_id,
                address: wildcard_of(a),
            }
            .into(),
            AddressRequest::Delete(address) => DeleteIpAddress {
                correlation_id,
                address,
            }
            .into(),
            AddressRequest::SetPeerPrimary(address) => SetPrimaryAddress {
                correlation_id,
                address,
            }
            .into(),
        };
        let chunk = Asconf {
            serial,
            params: vec![Parameter::from(lookup), param],
        };
        if let Some(s) = self.asconf.as_deref_mut() {
            s.requests.outstanding = Some(Outstanding {
                request,
                chunk: chunk.clone(),
                dest,
                src,
            });
        }
        if let AddressRequest::AddSource(a) = request {
            self.open_nat_flow(dest, a);
        }
        self.queue_from(dest, src, chunk);
        self.arm_t4(now, dest);
    }

    /// `nat_open_with_heartbeat`, raw IP: a HEARTBEAT from `from` to `dest` in a packet of its
    /// own, before the ASCONF. Its information matches no probe, so its ACK confirms nothing.
    fn open_nat_flow(&mut self, dest: PathId, from: IpAddr) {
        let raw = self
            .paths
            .get(dest)
            .is_some_and(|p| p.remote.udp_port.is_none());
        if !self.cfg.nat_open_with_heartbeat || !raw {
            return;
        }
        let info = bytes::Bytes::from_static(b"usctp NAT flow opener");
        self.queue_from(dest, Some(from), usctp_wire::chunk::Heartbeat { info });
    }

    /// Where a request goes, and the source it must leave from when not its path's own.
    fn asconf_dest(&self, r: AddressRequest) -> (PathId, Option<IpAddr>) {
        let data = self.paths.data_path();
        match r {
            // From the address it announces: the path that leaves from it, else the data
            // path with that source.
            AddressRequest::AddSource(a) => {
                let own = self.paths.iter().find(|p| p.local == Some(a));
                match own {
                    Some(p) => (p.id, None),
                    None => (data, Some(a)),
                }
            }
            // RFC 5061 §5.1: never from the address being deleted (F8 refuses that).
            AddressRequest::Delete(a) => {
                let from_other =
                    |id: PathId| self.paths.get(id).is_some_and(|p| p.local != Some(a));
                if from_other(data) {
                    return (data, None);
                }
                let other = self
                    .paths
                    .iter()
                    .filter(|p| p.local != Some(a) && p.is_confirmed())
                    .map(|p| p.id)
                    .next();
                match other {
                    Some(id) => (id, None),
                    None => (data, self.local_addrs.iter().copied().find(|l| *l != a)),
                }
            }
            _ => (data, None),
        }
    }

    fn arm_t4(&mut self, now: Instant, dest: PathId) {
        let rto = self
            .paths
            .get(dest)
            .map_or(self.cfg.rto_initial, |p| p.rto.rto());
        self.timers.set(TimerKind::Asconf, now + rto);
    }

    /// T-4 RTO expired (RFC 5061 §5.1 A5): count the error on the path and the association,
    /// back off, and send the same ASCONF again, to another path where that is allowed.
    pub(super) fn on_t4(&mut self, now: Instant) {
        let Some(o) = self
            .asconf
            .as_deref()
            .and_then(|s| s.requests.outstanding.clone())
        else {
            return;
        };
        self.paths.on_timeout(o.dest, now, &mut self.events);
        if self.count_assoc_error() {
            return;
        }
        let dest = match (o.request, self.paths.get(o.dest)) {
            (AddressRequest::AddSource(_), Some(_)) => o.dest,
            (AddressRequest::Delete(_), _) => self.asconf_dest(o.request).0,
            _ => self.paths.retransmit_path(o.dest),
        };
        if let Some(out) = self
            .asconf
            .as_deref_mut()
            .and_then(|s| s.requests.outstanding.as_mut())
        {
            out.dest = dest;
        }
        self.queue_from(dest, o.src, o.chunk);
        self.arm_t4(now, dest);
    }

    /// An ASCONF-ACK (RFC 5061 §5.3): only an authenticated one for the ASCONF outstanding
    /// counts; the others are discarded.
    pub(super) fn on_asconf_ack(&mut self, now: Instant, ack: &AsconfAck, authenticated: bool) {
        if !authenticated {
            return;
        }
        let Some(s) = self.asconf.as_deref_mut() else {
            return;
        };
        if s.requests
            .outstanding
            .as_ref()
            .is_none_or(|o| o.chunk.serial != ack.serial)
        {
            return;
        }
        let Some(o) = s.requests.outstanding.take() else {
            return;
        };
        self.timers.stop(TimerKind::Asconf);
        let correlation = o.chunk.serial;
        let failure = ack.params.iter().find_map(|p| match p {
            Parameter::ErrorCauseIndication(e) if e.correlation_id == correlation => {
                Some(e.causes.clone())
            }
            _ => None,
        });
        match failure {
            Some(causes) => self.address_request_failed(o.request, causes),
            None => self.address_request_done(now, o.request),
        }
        self.asconf_poll(now);
    }

    fn address_request_failed(&mut self, request: AddressRequest, causes: Vec<ErrorCause>) {
        tracing::debug!(
            assoc = self.id.0,
            ?request,
            ?causes,
            "ASCONF request refused"
        );
        self.events
            .push_back(Event::AddressRequestFailed { request, causes });
    }

    fn address_request_done(&mut self, now: Instant, request: AddressRequest) {
        match request {
            AddressRequest::Add(a) => {
                // An association bound to no address in particular stays so: the OS picks.
                if !self.local_addrs.is_empty() && !self.local_addrs.contains(&a) {
                    let mut v = self.local_addrs.to_vec();
                    v.push(a);
                    self.local_addrs = Arc::from(v);
                }
                // Paths to which the new address is nearer leave from it from now on, and
                // are probed at once: they may have failed without it.
                let mut moved = Vec::new();
                for p in self.paths.iter_mut() {
                    if nearer(a, p.local, p.remote.ip) {
                        p.local = Some(a);
                        moved.push(p.id);
                    }
                }
                for id in moved {
                    if self
                        .paths
                        .get(id)
                        .is_some_and(|p| p.state != PathState::Active)
                    {
                        self.probe_now(id, now);
                    }
                }
            }
            AddressRequest::AddSource(a) => {
                if let Some(s) = self.asconf.as_deref_mut() {
                    s.unannounced.retain(|u| *u != a);
                }
                let ids: Vec<PathId> = self
                    .paths
                    .iter()
                    .filter(|p| p.local == Some(a))
                    .map(|p| p.id)
                    .collect();
                for id in ids {
                    self.probe_now(id, now);
                }
            }
            AddressRequest::Delete(a) => {
                let v: Vec<IpAddr> = self
                    .local_addrs
                    .iter()
                    .copied()
                    .filter(|l| *l != a)
                    .collect();
                self.local_addrs = Arc::from(v);
                self.move_paths_off(a);
            }
            AddressRequest::SetPeerPrimary(_) => {}
        }
        self.events.push_back(Event::AddressRequestDone(request));
    }

    /// Paths that leave from `addr` take another local address of the same family.
    fn move_paths_off(&mut self, addr: IpAddr) {
        let others: Vec<IpAddr> = self.sources().into_iter().filter(|l| *l != addr).collect();
        for (i, p) in self.paths.iter_mut().enumerate() {
            if p.local == Some(addr) {
                p.local = select_local(&others, p.remote.ip, i);
            }
        }
    }

    /// The local addresses packets may leave from: not one being deleted (the peer may
    /// already have dropped it), not one still unannounced.
    pub(super) fn sources(&self) -> Vec<IpAddr> {
        let s = self.asconf.as_deref();
        self.local_addrs
            .iter()
            .copied()
            .filter(|a| {
                s.is_none_or(|s| {
                    s.announced(Some(*a)) && !s.requests.pending(AddressRequest::Delete(*a))
                })
            })
            .collect()
    }

    /// A control chunk for `dest`, leaving from `src` when given.
    fn queue_from(&mut self, dest: PathId, src: Option<IpAddr>, chunk: impl Into<Chunk>) {
        self.pending.push_back(super::Pending {
            dest: Some(dest),
            src,
            chunk: chunk.into(),
        });
    }

    /// NAT-friendly: when no path works, the failing `path` tries its next announced local
    /// address, so an association with a single-homed peer (a Kubernetes service) can fail
    /// over on our side too. Only announced addresses: from any other the peer would see an
    /// unknown source.
    pub(super) fn rotate_source(&mut self, path: PathId) {
        if !self.cfg.nat_friendly || self.paths.iter().any(|p| p.state == PathState::Active) {
            return;
        }
        let Some(p) = self.paths.get(path) else {
            return;
        };
        let (current, remote) = (p.local, p.remote.ip);
        let announced = |a: &IpAddr| {
            a.is_ipv4() == remote.is_ipv4()
                && self
                    .asconf
                    .as_deref()
                    .is_some_and(|s| s.announced(Some(*a)))
        };
        let candidates: Vec<IpAddr> = self.local_addrs.iter().copied().filter(announced).collect();
        let at = candidates.iter().position(|a| Some(*a) == current);
        let next = match at {
            Some(i) => candidates.get((i + 1) % candidates.len()).copied(),
            None => candidates.first().copied(),
        };
        if let (Some(next), Some(p)) = (next, self.paths.get_mut(path)) {
            if Some(next) != current {
                tracing::debug!(assoc = self.id.0, path = path.0, %next, "path tries another source");
                p.local = Some(next);
            }
        }
    }

    /// Whether a HEARTBEAT may go to `path`: not from an address still unannounced.
    pub(super) fn heartbeat_allowed(&self, path: PathId) -> bool {
        let local = self.paths.get(path).and_then(|p| p.local);
        self.asconf.as_deref().is_none_or(|s| s.announced(local))
    }

    /// The association is closing: requests not answered fail.
    pub(super) fn fail_address_requests(&mut self) {
        let Some(s) = self.asconf.as_deref_mut() else {
            return;
        };
        for request in s.requests.clear() {
            self.events.push_back(Event::AddressRequestFailed {
                request,
                causes: Vec::new(),
            });
        }
    }

    /// The state in which address requests are answered.
    pub(super) fn asconf_ready(&self) -> bool {
        self.state != State::Closed && self.extensions.contains(Extensions::ASCONF)
    }
}
