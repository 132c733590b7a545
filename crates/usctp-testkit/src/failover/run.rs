//! The failover engine: set up, send at a constant rate, echo, cut, drain, shut down. A send
//! refused for any reason but a full queue stops it (`closed=error`).

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use usctp_proto::PathId;
use usctp_proto::{AssocId, Endpoint, EndpointConfig, Event, TransportAddr};
use usctp_wire::StreamId;

use super::{EventRecord, FailoverReport, FailoverSpec, Side};
use crate::run_error::{queued, request_streams};
use crate::{RunError, SctpNode};
use usctp_sim::{LinkConfig, NodeId, Sim};

const CLIENT_PORT: u16 = 40_000;
const SERVER_PORT: u16 = 5000;

/// Address of `side` (1 client, 2 server) on path `i`.
fn address(spec: &FailoverSpec, side: u8, i: usize) -> IpAddr {
    let net = u8::try_from(i).unwrap_or(u8::MAX);
    if spec.ipv6_paths.contains(&i) {
        IpAddr::V6(Ipv6Addr::new(
            0xfd00,
            u16::from(net),
            0,
            0,
            0,
            0,
            0,
            u16::from(side),
        ))
    } else {
        IpAddr::V4(Ipv4Addr::new(10, net, 0, side))
    }
}

/// Message `index`: its number, then filler.
fn message(index: u32, size: usize) -> Bytes {
    let mut b = BytesMut::with_capacity(size.max(8));
    b.put_u32(index);
    b.put_u32(!index);
    b.resize(size.max(8), (index % 251) as u8);
    b.freeze()
}

fn index_of(payload: &[u8], size: usize) -> Option<u32> {
    let i = u32::from_be_bytes(payload.get(0..4)?.try_into().ok()?);
    (*payload == *message(i, size)).then_some(i)
}

/// Per-message bookkeeping.
#[derive(Default)]
struct Ledger {
    sent_at: Vec<Duration>,
    delivered: Vec<bool>,
    echoed_at: Vec<Option<Duration>>,
    duplicates: usize,
    /// Echoes the server has yet to queue (its queue was full), with their message numbers.
    echoes: VecDeque<(usize, Bytes)>,
    server_seen: usize,
    client_seen: usize,
    events_seen: [usize; 2],
}

struct Run<'a> {
    spec: &'a FailoverSpec,
    sim: Sim,
    client: NodeId<SctpNode>,
    server: NodeId<SctpNode>,
    cid: Option<AssocId>,
    sid: Option<AssocId>,
    ledger: Ledger,
    events: Vec<EventRecord>,
    on_event: &'a mut dyn FnMut(&EventRecord),
    back_on_primary: bool,
    /// The client has asked for the shutdown: the server may refuse echoes from now on.
    shutting_down: bool,
    /// Address changes (delete or add, side, address, when) not made yet, earliest first.
    changes: VecDeque<(Duration, Side, IpAddr, bool)>,
    error: Option<RunError>,
}

/// The changes of `spec` as (when, side, address, add), in time order.
fn address_changes(
    spec: &FailoverSpec,
    caddrs: &[IpAddr],
    saddrs: &[IpAddr],
) -> VecDeque<(Duration, Side, IpAddr, bool)> {
    let mut v = Vec::new();
    for c in &spec.address_changes {
        let addrs = match c.side {
            Side::Client => caddrs,
            Side::Server => saddrs,
        };
        let Some(&ip) = addrs.get(c.path) else {
            continue;
        };
        v.push((c.from, c.side, ip, false));
        if let Some(u) = c.until {
            v.push((u, c.side, ip, true));
        }
    }
    v.sort_by_key(|c| c.0);
    v.into()
}

/// Run one scenario and check it.
pub fn run_failover(spec: &FailoverSpec) -> FailoverReport {
    run_failover_with(spec, &mut |_| {})
}

/// Run one scenario, calling `on_event` for each path, connection and close event as it
/// happens.
pub fn run_failover_with(
    spec: &FailoverSpec,
    on_event: &mut dyn FnMut(&EventRecord),
) -> FailoverReport {
    let mut sim = Sim::new(spec.seed);
    let now = sim.now();
    // Both ends send on stream 0 only.
    let mut assoc = spec.assoc.clone();
    let refused = request_streams(&mut assoc, 1).err();
    let n = spec.paths.max(1);
    let caddrs: Vec<_> = (0..n).map(|i| address(spec, 1, i)).collect();
    let saddrs: Vec<_> = (0..n).map(|i| address(spec, 2, i)).collect();
    let cfg = |seed: u64| {
        let mut c = EndpointConfig::default();
        c.rng_seed = Some(seed);
        c.association = assoc.clone();
        c
    };
    let cep = Endpoint::new(cfg(spec.seed ^ 0x11), CLIENT_PORT, caddrs.clone(), now);
    let sep = Endpoint::new(cfg(spec.seed ^ 0x22), SERVER_PORT, saddrs.clone(), now);
    let client = sim.add_node(SctpNode::new(cep, caddrs.clone()), caddrs.clone());
    let server = sim.add_node(SctpNode::new(sep, saddrs.clone()), saddrs.clone());
    let mut link = LinkConfig::with_latency(spec.rtt / 2);
    link.loss = spec.loss;
    for (i, (c, s)) in caddrs.iter().zip(&saddrs).enumerate() {
        let id = sim.add_link(*c, *s, link.clone());
        for cut in spec.cuts.iter().filter(|c| c.path == i) {
            match cut.until {
                Some(until) => sim.link_mut(id).cut(cut.from, until),
                None => sim.link_mut(id).down_at(cut.from),
            }
        }
    }
    let mut run = Run {
        spec,
        sim,
        client,
        server,
        cid: None,
        sid: None,
        ledger: Ledger::default(),
        events: Vec::new(),
        on_event,
        back_on_primary: false,
        shutting_down: false,
        changes: address_changes(spec, &caddrs, &saddrs),
        error: refused,
    };
    if run.error.is_none() {
        let remotes: Vec<_> = saddrs.iter().map(|ip| TransportAddr::raw(*ip)).collect();
        let cid = run.sim.with_node(client, |n, now| {
            n.ep.connect(now, &remotes, SERVER_PORT, None)
        });
        match cid {
            Ok(id) => run.cid = Some(id),
            Err(e) => run.error = Some(RunError::Connect(e)),
        }
    }
    let closed = match run.error {
        Some(_) => "error",
        None => run.drive(),
    };
    run.report(closed)
}

impl Run<'_> {
    fn drive(&mut self) -> &'static str {
        let interval = Duration::from_secs(1) / self.spec.rate.max(1);
        let mut next_send = Duration::ZERO;
        // Send at a constant rate until `duration`.
        while self.sim.elapsed() < self.spec.duration {
            if self.finished().is_some() || self.error.is_some() {
                break;
            }
            let change_due = self.changes.front().is_some_and(|c| c.0 <= next_send);
            if change_due || self.sim.next_event_time().is_some_and(|t| t <= next_send) {
                self.step();
                continue;
            }
            self.sim.run_until(next_send);
            if self.established() {
                self.send_one();
                self.watch_switchback();
            }
            next_send += interval;
        }
        // Drain the echoes, then shut down.
        let limit = self.sim.elapsed() + self.spec.drain_limit;
        while self.finished().is_none()
            && self.error.is_none()
            && self.sim.elapsed() < limit
            && self.ledger.echoed_at.iter().any(Option::is_none)
        {
            if !self.step() {
                break;
            }
        }
        if self.error.is_some() {
            return "error";
        }
        if let Some(id) = self.cid {
            self.shutting_down = true;
            self.sim.with_node(self.client, |n, now| {
                n.ep.with_association(id, |a| a.shutdown(now))
            });
        }
        let limit = self.sim.elapsed() + Duration::from_secs(3600);
        while self.finished().is_none() && self.sim.elapsed() < limit {
            if !self.step() {
                break;
            }
        }
        self.sim.run_for(Duration::from_millis(100));
        self.collect();
        self.finished().unwrap_or("timeout")
    }

    fn established(&self) -> bool {
        self.sid.is_some() && self.client_event(|e| *e == Event::Connected)
    }

    fn client_event(&self, f: impl Fn(&Event) -> bool) -> bool {
        self.sim.node(self.client).events.iter().any(|(_, e)| f(e))
    }

    /// Whether the server's association has ended or is being shut down.
    fn server_done(&self) -> bool {
        self.shutting_down
            || self
                .sim
                .node(self.server)
                .events
                .iter()
                .any(|(_, e)| matches!(e, Event::Closed(_) | Event::ShutdownComplete))
    }

    fn finished(&self) -> Option<&'static str> {
        if self.client_event(|e| *e == Event::ShutdownComplete) {
            Some("graceful")
        } else if self.client_event(|e| matches!(e, Event::Closed(_))) {
            Some("aborted")
        } else {
            None
        }
    }

    fn step(&mut self) -> bool {
        let due = self.changes.front().map(|c| c.0);
        if let Some(at) = due.filter(|at| self.sim.next_event_time().is_none_or(|t| *at <= t)) {
            self.sim.run_until(at.max(self.sim.elapsed()));
            self.change_address();
            return true;
        }
        let more = self.sim.step();
        self.collect();
        more
    }

    /// Make the next address change (refusals, such as the last address, are skipped).
    fn change_address(&mut self) {
        let Some((_, side, ip, add)) = self.changes.pop_front() else {
            return;
        };
        let node = match side {
            Side::Client => self.client,
            Side::Server => self.server,
        };
        self.sim.with_node(node, |n, _| {
            if add {
                n.ep.add_address(ip);
            } else {
                let _ = n.ep.remove_address(ip);
            }
        });
        self.collect();
    }

    fn send_one(&mut self) {
        let Some(id) = self.cid else { return };
        let index = self.ledger.sent_at.len();
        let m = message(index as u32, self.spec.size);
        let r = self.sim.with_node(self.client, |n, _| {
            n.ep.with_association(id, |a| a.send(StreamId(0), m))
        });
        // A full queue skips this tick: the rate is what is offered, not what is queued.
        match queued(r, self.finished().is_some()) {
            Ok(true) => {
                self.ledger.sent_at.push(self.sim.elapsed());
                self.ledger.delivered.push(false);
                self.ledger.echoed_at.push(None);
            }
            Ok(false) => {}
            Err(error) => self.error = Some(RunError::Send { index, error }),
        }
        self.collect();
    }

    /// After path 0 comes back for the last time, note whether new data uses it again.
    fn watch_switchback(&mut self) {
        let restored = self
            .spec
            .cuts
            .iter()
            .filter(|c| c.path == 0)
            .filter_map(|c| c.until)
            .max();
        let Some((restored, id)) = restored.zip(self.cid) else {
            return;
        };
        if self.back_on_primary || self.sim.elapsed() < restored {
            return;
        }
        let on_primary = self
            .sim
            .with_node(self.client, |n, _| {
                n.ep.with_association(id, |a| a.stats().data_path == PathId(0))
            })
            .unwrap_or(false);
        self.back_on_primary = on_primary;
    }

    /// Echo what the server read, account for what the client read, record events.
    fn collect(&mut self) {
        let now = self.sim.elapsed();
        let size = self.spec.size;
        // Events first: the server's Connected names the association to echo on.
        self.record_events(Side::Client, now);
        self.record_events(Side::Server, now);
        let new: Vec<Bytes> = self.sim.node(self.server).messages[self.ledger.server_seen..]
            .iter()
            .map(|(_, m)| m.payload.clone())
            .collect();
        self.ledger.server_seen += new.len();
        for payload in new {
            let index = index_of(&payload, size).map(|i| i as usize);
            let slot = index
                .zip(index.and_then(|i| self.ledger.delivered.get_mut(i)))
                .filter(|(_, d)| !**d);
            let Some((index, slot)) = slot else {
                self.ledger.duplicates += 1;
                continue;
            };
            *slot = true;
            self.ledger.echoes.push_back((index, payload));
        }
        self.echo();
        let client = self.sim.node(self.client);
        for (_, m) in &client.messages[self.ledger.client_seen..] {
            let slot = index_of(&m.payload, size)
                .and_then(|i| self.ledger.echoed_at.get_mut(i as usize))
                .filter(|e| e.is_none());
            match slot {
                Some(slot) => *slot = Some(now),
                None => self.ledger.duplicates += 1,
            }
        }
        self.ledger.client_seen = client.messages.len();
    }

    /// Queue the server's pending echoes, in order, until its queue is full.
    fn echo(&mut self) {
        let Some(sid) = self.sid else { return };
        while let Some((index, payload)) = self.ledger.echoes.pop_front() {
            let retry = payload.clone();
            let r = self.sim.with_node(self.server, |n, _| {
                n.ep.with_association(sid, |a| a.send(StreamId(0), payload))
            });
            match queued(r, self.server_done()) {
                Ok(true) => {}
                Ok(false) => {
                    self.ledger.echoes.push_front((index, retry));
                    return;
                }
                Err(error) => {
                    self.error = Some(RunError::Send { index, error });
                    return;
                }
            }
        }
    }

    fn record_events(&mut self, side: Side, now: Duration) {
        let (node, k) = match side {
            Side::Client => (self.client, 0),
            Side::Server => (self.server, 1),
        };
        let all = &self.sim.node(node).events;
        for (id, e) in &all[self.ledger.events_seen[k]..] {
            if side == Side::Server && *e == Event::Connected {
                self.sid = Some(*id);
            }
            let wanted = matches!(
                e,
                Event::Connected
                    | Event::PathAdded { .. }
                    | Event::PathStateChanged { .. }
                    | Event::PrimaryChanged { .. }
                    | Event::PathRemoved { .. }
                    | Event::AddressRequestDone(_)
                    | Event::AddressRequestFailed { .. }
                    | Event::Closed(_)
                    | Event::ShutdownComplete
            );
            if wanted {
                let r = EventRecord {
                    at: now,
                    side,
                    event: e.clone(),
                };
                (self.on_event)(&r);
                self.events.push(r);
            }
        }
        self.ledger.events_seen[k] = all.len();
    }

    fn report(self, closed: &'static str) -> FailoverReport {
        let l = &self.ledger;
        let latency = |i: usize| l.echoed_at[i].map(|r| r.saturating_sub(l.sent_at[i]));
        let max_latency = (0..l.sent_at.len()).filter_map(latency).max();
        let failover = self
            .spec
            .cuts
            .iter()
            .filter_map(|c| {
                (0..l.sent_at.len())
                    .filter(|i| l.sent_at[*i] >= c.from)
                    .filter_map(|i| l.echoed_at[i])
                    .min()
                    .map(|t| t.saturating_sub(c.from))
            })
            .max();
        let primary_restored = self
            .spec
            .cuts
            .iter()
            .any(|c| c.path == 0 && c.until.is_some());
        let received = l.echoed_at.iter().flatten().count();
        FailoverReport {
            sent: l.sent_at.len(),
            delivered: l.delivered.iter().filter(|d| **d).count(),
            received,
            lost: l.sent_at.len() - received,
            duplicates: l.duplicates,
            max_latency: max_latency.unwrap_or_default(),
            failover,
            switchback: primary_restored.then_some(self.back_on_primary),
            closed: if self.error.is_some() {
                "error"
            } else {
                closed
            },
            events: self.events,
            error: self.error,
            virtual_time: self.sim.elapsed(),
        }
    }
}
