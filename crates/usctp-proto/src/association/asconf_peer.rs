//! The peer's address changes (RFC 5061 §5.2): its ASCONF processed in order, each request
//! checked by the rules of §5.2 and §5.3, one ASCONF-ACK back to where the ASCONF came from.

use std::net::IpAddr;
use std::time::Instant;

use bytes::Bytes;
use usctp_wire::cause::{
    DeleteLastRemainingAddress, DeleteSourceAddress, ErrorCause, ResourceShortage,
    UnrecognizedParameters, UnresolvableAddress,
};
use usctp_wire::chunk::{Asconf, AsconfAck};
use usctp_wire::param::{ErrorCauseIndication, Parameter, SuccessIndication};

use super::Association;
use crate::addr::is_unicast;
use crate::asconf::Serial;
use crate::event::Event;
use crate::path::{select_local, PathId, PathOrigin};
use crate::timer::TimerKind;
use crate::{DatagramMeta, TransportAddr};

/// Why one request of an ASCONF failed.
type Refusal = ErrorCause;

/// The parameter as the ASCONF carried it, for the causes that copy it (RFC 5061 §4.3).
fn copy(p: &Parameter) -> Bytes {
    let mut raw = Vec::new();
    Parameter::write_list(std::slice::from_ref(p), &mut raw);
    raw.into()
}

impl Association {
    /// An ASCONF from the peer. Unauthenticated ones are discarded (RFC 5061 §4.1.1: it
    /// MUST be sent authenticated); the serial number decides between processing, repeating
    /// the last answer, and discarding (§5.2 C1-C3).
    pub(super) fn on_asconf(
        &mut self,
        now: Instant,
        meta: &DatagramMeta,
        a: &Asconf,
        authenticated: bool,
    ) {
        if !authenticated || !self.asconf_ready() {
            tracing::debug!(assoc = self.id.0, "ASCONF discarded: not authenticated");
            return;
        }
        let Some(s) = self.asconf.as_deref() else {
            return;
        };
        match s.responder.check(a.serial) {
            Serial::Stale => return,
            Serial::Repeat(ack) => {
                let dest = self.reply_dest(meta);
                self.queue(dest, ack);
                return;
            }
            Serial::New => {}
        }
        // The first parameter is the Address Parameter that found the association (§4.1.1);
        // the endpoint found it by tag, which AUTH backs.
        let requests = match a.params.first() {
            Some(p) if p.address().is_some() => &a.params[1..],
            _ => &a.params[..],
        };
        let mut answers: Vec<(u32, Result<(), Refusal>)> = Vec::new();
        for p in requests {
            let (id, outcome) = match p {
                Parameter::AddIpAddress(r) => {
                    (r.correlation_id, self.peer_add(now, meta, r.address, p))
                }
                Parameter::DeleteIpAddress(r) => {
                    (r.correlation_id, self.peer_delete(meta, r.address, p))
                }
                Parameter::SetPrimaryAddress(r) => {
                    (r.correlation_id, self.peer_primary(meta, r.address, p))
                }
                Parameter::AdaptationLayerIndication(r) => {
                    self.events
                        .push_back(Event::AdaptationIndication(r.indication));
                    continue;
                }
                Parameter::Unknown(u) => {
                    // RFC 9260 §3.2.1 by the upper two bits; a report goes back as an Error
                    // Cause Indication (RFC 5061 §5.2).
                    let action = u.action();
                    if action.reports() {
                        let cause = UnrecognizedParameters {
                            parameters: copy(p),
                        };
                        answers.push((0, Err(cause.into())));
                    }
                    if action.skips() {
                        continue;
                    }
                    break;
                }
                _ => continue,
            };
            let shortage = matches!(outcome, Err(ErrorCause::ResourceShortage(_)));
            answers.push((id, outcome));
            if shortage {
                break; // §5.2: the rest is not processed
            }
        }
        let any_error = answers.iter().any(|(_, r)| r.is_err());
        let params = answers
            .into_iter()
            .filter_map(|(correlation_id, r)| match r {
                Err(cause) => Some(
                    ErrorCauseIndication {
                        correlation_id,
                        causes: vec![cause],
                    }
                    .into(),
                ),
                // Success is implied when nothing failed (§5.2); listed when something did.
                Ok(()) if any_error => Some(SuccessIndication { correlation_id }.into()),
                Ok(()) => None,
            })
            .collect();
        let ack = AsconfAck {
            serial: a.serial,
            params,
        };
        if let Some(s) = self.asconf.as_deref_mut() {
            s.responder.answered(ack.clone());
        }
        let dest = self.reply_dest(meta);
        self.queue(dest, ack);
    }

    /// The ASCONF-ACK goes to the source of the ASCONF (RFC 5061 §5.2), a path by now if it
    /// added its own source; else the data path.
    fn reply_dest(&self, meta: &DatagramMeta) -> Option<PathId> {
        self.paths.find(meta.src)
    }

    /// Add IP Address (§4.2.1, §5.2): the wildcard means the packet's source. A known address
    /// succeeds without change; a new one becomes an unconfirmed path, probed at once, that
    /// carries no DATA until confirmed (RFC 5062 §4.1).
    fn peer_add(
        &mut self,
        now: Instant,
        meta: &DatagramMeta,
        addr: IpAddr,
        p: &Parameter,
    ) -> Result<(), Refusal> {
        let (remote, local) = if addr.is_unspecified() {
            // Through a NAT the source is all that can be reached; the path leaves from the
            // address the packet came to.
            let dst = (!meta.dst.is_unspecified()).then_some(meta.dst);
            (meta.src, dst)
        } else {
            let remote = TransportAddr {
                ip: addr,
                udp_port: meta.src.udp_port,
            };
            // Not from an address of ours being deleted: the peer may have dropped it
            // already and would take the packet as out of the blue (RFC 5061 §5.3).
            (
                remote,
                select_local(&self.sources(), addr, self.paths.len()),
            )
        };
        let unresolvable = || UnresolvableAddress::of(&Parameter::from(addr)).into();
        if !is_unicast(remote.ip) || (local.is_none() && !self.local_addrs.is_empty()) {
            return Err(unresolvable());
        }
        if self.paths.find(remote).is_some() {
            return Ok(());
        }
        let how = (local, PathOrigin::Asconf);
        let Some(id) = self
            .paths
            .add(remote, how, now, &self.cfg, &mut self.events)
        else {
            return Err(ResourceShortage { request: copy(p) }.into());
        };
        self.tx.add_path(id, self.cfg.start_mtu());
        self.timers.set(TimerKind::Heartbeat(id), now);
        if self.cfg.plpmtud.is_some() {
            self.timers.set(TimerKind::Plpmtud(id), now);
        }
        Ok(())
    }

    /// Delete IP Address (§4.2.2, §5.2, §5.3 F7, F8): never the packet's source, never the
    /// last address; the wildcard deletes all but the source.
    fn peer_delete(
        &mut self,
        meta: &DatagramMeta,
        addr: IpAddr,
        p: &Parameter,
    ) -> Result<(), Refusal> {
        if addr.is_unspecified() {
            let doomed: Vec<PathId> = self
                .paths
                .iter()
                .filter(|q| q.remote.ip != meta.src.ip)
                .map(|q| q.id)
                .collect();
            if self.paths.find_ip(meta.src.ip).is_none() {
                return Err(DeleteLastRemainingAddress { request: copy(p) }.into());
            }
            for id in doomed {
                self.remove_peer_path(id);
            }
            return Ok(());
        }
        if addr == meta.src.ip {
            return Err(DeleteSourceAddress { request: copy(p) }.into());
        }
        let Some(id) = self.paths.find_ip(addr) else {
            return Err(UnresolvableAddress::of(&Parameter::from(addr)).into());
        };
        if self.paths.iter().count() < 2 {
            return Err(DeleteLastRemainingAddress { request: copy(p) }.into());
        }
        self.remove_peer_path(id);
        Ok(())
    }

    /// Set Primary Address (§4.2.4, §5.2): the address must be part of the association (an
    /// earlier request of the same ASCONF may have added it); the wildcard is the source.
    fn peer_primary(
        &mut self,
        meta: &DatagramMeta,
        addr: IpAddr,
        _p: &Parameter,
    ) -> Result<(), Refusal> {
        let ip = if addr.is_unspecified() {
            meta.src.ip
        } else {
            addr
        };
        let Some(id) = self.paths.find_ip(ip) else {
            return Err(UnresolvableAddress::of(&Parameter::from(addr)).into());
        };
        let remote = self.paths.get(id).map(|q| q.remote);
        if let Some(remote) = remote {
            self.events.push_back(Event::PrimaryRequested {
                path: id,
                addr: remote,
            });
        }
        // An unconfirmed primary carries no DATA until its HEARTBEAT is answered (§5.4).
        self.paths.set_primary(id, &mut self.events);
        Ok(())
    }

    /// Take path `id` out: what was in flight on it is sent again elsewhere (RFC 5061 §5.3),
    /// its timers stop, and nothing queued still names it.
    pub(super) fn remove_peer_path(&mut self, id: PathId) {
        if !self.paths.remove(id, &mut self.events) {
            return;
        }
        self.tx.forget_path(id);
        self.timers.stop_path(id);
        for p in self.pending.iter_mut() {
            if p.dest == Some(id) {
                p.dest = None;
            }
        }
        if self.sack_dest == Some(id) {
            self.sack_dest = None;
        }
        let data = self.paths.data_path();
        if let Some(o) = self
            .asconf
            .as_deref_mut()
            .and_then(|s| s.requests.outstanding.as_mut())
        {
            if o.dest == id {
                o.dest = data;
            }
        }
    }
}
