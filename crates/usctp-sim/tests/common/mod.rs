//! Toy nodes and helpers shared by the scenario tests.
#![allow(dead_code)] // Each test binary uses a different subset.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::rc::Rc;
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use usctp_sim::{
    Addr, Datagram, Event, EventKind, LinkConfig, LinkId, Node, NodeId, PacketId, Sim,
};

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// 10.0.`net`.`host`
pub fn v4(net: u8, host: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 0, net, host))
}

/// fd00::`host`
pub fn v6(host: u16) -> IpAddr {
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, host))
}

/// Payload: the sequence number, zero-padded to `size` (at least 8 bytes).
fn ping_payload(seq: u64, size: usize) -> Bytes {
    let mut b = BytesMut::with_capacity(size.max(8));
    b.put_u64(seq);
    b.resize(size.max(8), 0);
    b.freeze()
}

pub fn seq_of(payload: &[u8]) -> u64 {
    payload
        .get(..8)
        .and_then(|s| s.try_into().ok())
        .map_or(u64::MAX, u64::from_be_bytes)
}

/// A datagram that reached a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    pub seq: u64,
    pub at: Instant,
    pub src: Addr,
    pub dst: Addr,
}

impl Arrival {
    fn new(now: Instant, d: &Datagram) -> Self {
        Self {
            seq: seq_of(&d.payload),
            at: now,
            src: d.src,
            dst: d.dst,
        }
    }
}

/// Answers every datagram back to its source (unless `silent`), recording what arrived.
#[derive(Debug, Default)]
pub struct Echo {
    pub silent: bool,
    pub arrivals: Vec<Arrival>,
    out: VecDeque<Datagram>,
}

impl Echo {
    pub fn silent() -> Self {
        Self {
            silent: true,
            ..Self::default()
        }
    }
}

impl Node for Echo {
    fn handle_datagram(&mut self, now: Instant, d: Datagram) {
        self.arrivals.push(Arrival::new(now, &d));
        if !self.silent {
            self.out.push_back(d.reply(d.payload.clone()));
        }
    }

    fn poll_transmit(&mut self, _now: Instant) -> Option<Datagram> {
        self.out.pop_front()
    }
}

/// Every `interval`, sends `burst` numbered pings on each of its paths, `ticks` times,
/// and records what comes back.
#[derive(Debug)]
pub struct Pinger {
    pub paths: Vec<(Addr, Addr)>,
    pub interval: Duration,
    pub ticks: u64,
    pub burst: usize,
    pub size: usize,
    /// Send time of each ping, indexed by sequence number.
    pub sent_at: Vec<Instant>,
    pub replies: Vec<Arrival>,
    next: Option<Instant>,
    out: VecDeque<Datagram>,
}

impl Pinger {
    pub fn new(start: Instant, src: Addr, dst: Addr, interval: Duration, ticks: u64) -> Self {
        Self {
            paths: vec![(src, dst)],
            interval,
            ticks,
            burst: 1,
            size: 100,
            sent_at: Vec::new(),
            replies: Vec::new(),
            next: (ticks > 0).then_some(start),
            out: VecDeque::new(),
        }
    }

    pub fn rtt(&self, reply: &Arrival) -> Duration {
        reply.at - self.sent_at[reply.seq as usize]
    }
}

impl Node for Pinger {
    fn handle_datagram(&mut self, now: Instant, d: Datagram) {
        self.replies.push(Arrival::new(now, &d));
    }

    fn poll_transmit(&mut self, _now: Instant) -> Option<Datagram> {
        self.out.pop_front()
    }

    fn poll_timeout(&mut self) -> Option<Instant> {
        self.next
    }

    fn handle_timeout(&mut self, now: Instant) {
        for _ in 0..self.burst {
            for &(src, dst) in &self.paths {
                let payload = ping_payload(self.sent_at.len() as u64, self.size);
                self.sent_at.push(now);
                self.out.push_back(Datagram {
                    src,
                    dst,
                    payload,
                    may_fragment: false,
                });
            }
        }
        self.ticks -= 1;
        self.next = (self.ticks > 0).then(|| now + self.interval);
    }
}

/// Sends whatever is queued in `out` (push with `Sim::with_node`).
#[derive(Debug, Default)]
pub struct Sender {
    pub out: VecDeque<Datagram>,
    pub received: Vec<Arrival>,
}

impl Sender {
    pub fn send(sim: &mut Sim, id: NodeId<Self>, src: Addr, dst: Addr, size: usize) {
        sim.with_node(id, |n, _| {
            let payload = Bytes::from(vec![0xab; size]);
            n.out.push_back(Datagram {
                src,
                dst,
                payload,
                may_fragment: false,
            });
        });
    }
}

impl Node for Sender {
    fn handle_datagram(&mut self, now: Instant, d: Datagram) {
        self.received.push(Arrival::new(now, &d));
    }

    fn poll_transmit(&mut self, _now: Instant) -> Option<Datagram> {
        self.out.pop_front()
    }
}

/// One observed event, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub time: Duration,
    pub kind: EventKind,
    pub id: PacketId,
    pub link: Option<LinkId>,
    pub datagram: Datagram,
}

/// Records every event of `sim`.
pub fn record(sim: &mut Sim) -> Rc<RefCell<Vec<Record>>> {
    let log = Rc::new(RefCell::new(Vec::new()));
    let sink = log.clone();
    sim.observe(move |e: &Event<'_>| {
        sink.borrow_mut().push(Record {
            time: e.time,
            kind: e.kind,
            id: e.id,
            link: e.link,
            datagram: e.datagram.clone(),
        })
    });
    log
}

/// Pinger on 10.0.0.1 to Echo on 10.0.0.2 over one link, sending `ticks` pings every
/// `interval` from time zero.
pub fn ping_pair(
    seed: u64,
    config: LinkConfig,
    interval: Duration,
    ticks: u64,
    echo: Echo,
) -> (Sim, NodeId<Pinger>, NodeId<Echo>, LinkId) {
    let mut sim = Sim::new(seed);
    let (a, b) = (v4(0, 1), v4(0, 2));
    let pinger = Pinger::new(sim.now(), Addr::raw(a), Addr::raw(b), interval, ticks);
    let p = sim.add_node(pinger, [a]);
    let e = sim.add_node(echo, [b]);
    let link = sim.add_link(a, b, config);
    (sim, p, e, link)
}

/// One-way delays seen by the echo, in arrival order.
pub fn one_way(sim: &Sim, p: NodeId<Pinger>, e: NodeId<Echo>) -> Vec<Duration> {
    let sent = &sim.node(p).sent_at;
    sim.node(e)
        .arrivals
        .iter()
        .map(|a| a.at - sent[a.seq as usize])
        .collect()
}
