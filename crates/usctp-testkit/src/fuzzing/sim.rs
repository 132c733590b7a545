//! The `sim` target: two endpoints joined by one to three simulated paths whose faults (loss,
//! bursts, reordering, duplication, cuts, MTU, bandwidth, delay, corruption) and whose users'
//! calls (send, set primary, shutdown, abort) are chosen by the input. At the end the network
//! is healed and given time; then every message must have arrived exactly once and in order,
//! unless the association reported a failure (and even then nothing twice, nothing out of
//! order, nothing invented).

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use usctp_proto::PathId;
use usctp_proto::{
    AssocId, AssociationConfig, Endpoint, EndpointConfig, Event, SendOptions, TransportAddr,
};

use super::input::Input;
use crate::SctpNode;
use usctp_sim::{Datagram, GilbertElliott, LinkConfig, LinkId, Node, NodeId, Sim};

const PORTS: [u16; 2] = [40_000, 5000];
const MAX_STEPS: usize = 64;
const STREAMS: u16 = 4;
/// Virtual time given to the healed network to finish.
const SETTLE: Duration = Duration::from_secs(30 * 60);

/// An [`SctpNode`] whose received datagrams are corrupted with a probability of
/// `corrupt / 256` (one byte changed): the checksum must catch every one (RFC 9260 §6.8).
struct Faulty {
    inner: SctpNode,
    corrupt: u8,
    rng: u64,
}

impl Faulty {
    fn next(&mut self) -> u64 {
        // xorshift64: deterministic, no dependency on the simulator's RNG.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng
    }
}

impl Node for Faulty {
    fn handle_datagram(&mut self, now: Instant, mut d: Datagram) {
        let r = self.next();
        if !d.payload.is_empty() && (r & 0xff) < u64::from(self.corrupt) {
            let mut p = d.payload.to_vec();
            let at = usize::try_from((r >> 8) % p.len() as u64).unwrap_or(0);
            p[at] ^= u8::try_from((r >> 40) & 0xff).unwrap_or(1).max(1);
            d.payload = Bytes::from(p);
        }
        self.inner.handle_datagram(now, d);
    }
    fn poll_transmit(&mut self, now: Instant) -> Option<Datagram> {
        self.inner.poll_transmit(now)
    }
    fn poll_timeout(&mut self) -> Option<Instant> {
        self.inner.poll_timeout()
    }
    fn handle_timeout(&mut self, now: Instant) {
        self.inner.handle_timeout(now);
    }
}

/// Messages one side's user handed to `send` successfully, per (stream, unordered).
type Accepted = HashMap<(u16, bool), u32>;

struct Run {
    sim: Sim,
    nodes: [NodeId<Faulty>; 2],
    links: Vec<LinkId>,
    accepted: [Accepted; 2],
}

/// Run the `sim` target on `data`; panics on a violated invariant (see the module docs).
pub fn check_sim(data: &[u8]) {
    let mut input = Input::new(data);
    let mut run = Run::new(&mut input);
    for _ in 0..MAX_STEPS {
        if input.is_empty() {
            break;
        }
        run.step(&mut input);
    }
    run.heal();
    let nodes = run.nodes;
    let done = run
        .sim
        .run_until_cond(SETTLE, |sim| Run::settled(sim, &nodes));
    // The last SACK may have left before the data it acks was read: a moment more.
    run.sim.run_for(Duration::from_secs(5));
    run.check(done);
}

fn ip(side: usize, path: usize) -> IpAddr {
    let (side, path) = (side as u8, path as u8);
    IpAddr::V4(Ipv4Addr::new(10, path, 0, side + 1))
}

impl Run {
    fn new(input: &mut Input<'_>) -> Self {
        let seed = u64::from(input.u16());
        let paths = 1 + usize::from(input.u8() % 3);
        let corrupt = input.u8() % 64;
        let mut cfg = AssociationConfig::default();
        cfg.rto_initial = Duration::from_millis(500);
        cfg.rto_min = Duration::from_millis(200);
        cfg.rto_max = Duration::from_secs(5);
        cfg.hb_interval = Some(Duration::from_secs(2));
        cfg.outbound_streams = STREAMS;
        cfg.receive_window = 64 * 1024;
        cfg.send_queue_limit = 256 * 1024;
        let mut sim = Sim::new(seed);
        let now = sim.now();
        let addrs: [Vec<IpAddr>; 2] = [0, 1].map(|side| (0..paths).map(|p| ip(side, p)).collect());
        let nodes = [0, 1].map(|side| {
            let mut ecfg = EndpointConfig::default();
            ecfg.rng_seed = Some(seed * 2 + side as u64);
            ecfg.association = cfg.clone();
            let ep = Endpoint::new(ecfg, PORTS[side], addrs[side].clone(), now);
            let node = Faulty {
                inner: SctpNode::new(ep, addrs[side].clone()),
                corrupt,
                rng: (seed << 1) | 1 | ((side as u64) << 32),
            };
            sim.add_node(node, addrs[side].clone())
        });
        let mut links = Vec::new();
        for p in 0..paths {
            let latency = Duration::from_millis(1 + u64::from(input.u8()));
            links.push(sim.add_link(ip(0, p), ip(1, p), LinkConfig::with_latency(latency)));
        }
        let remotes: Vec<_> = addrs[1].iter().map(|&a| TransportAddr::raw(a)).collect();
        sim.with_node(nodes[0], |n, now| {
            let id = n.inner.ep.connect(now, &remotes, PORTS[1], None);
            id.expect("connect");
        });
        Self {
            sim,
            nodes,
            links,
            accepted: [Accepted::new(), Accepted::new()],
        }
    }

    fn node(&self, side: usize) -> &SctpNode {
        &self.sim.node(self.nodes[side]).inner
    }

    /// The association of `side` (each endpoint has at most one).
    fn assoc(&self, side: usize) -> Option<AssocId> {
        self.node(side).ep.association_ids().next()
    }

    fn step(&mut self, input: &mut Input<'_>) {
        match input.u8() % 10 {
            0..=2 => self.send(input),
            3 | 4 => {
                let ms = u64::from(input.u8()) * 20;
                self.sim.run_for(Duration::from_millis(ms));
            }
            5 => {
                let link = self.links[usize::from(input.u8()) % self.links.len()];
                let from = self.sim.elapsed();
                let len = Duration::from_millis(u64::from(input.u16() % 20_000));
                self.sim.link_mut(link).cut(from, from + len);
            }
            6 | 7 => self.fault(input),
            8 => {
                let corrupt = input.u8() % 64;
                for side in self.nodes {
                    self.sim.with_node(side, |n, _| n.corrupt = corrupt);
                }
            }
            _ => self.user_call(input),
        }
    }

    /// A message carries its sender, stream, ordering and sequence number, so the receiver
    /// can tell a duplicate, a reordering or an invention.
    fn send(&mut self, input: &mut Input<'_>) {
        let side = usize::from(input.u8() & 1);
        let stream = u16::from(input.u8()) % STREAMS;
        let unordered = input.bool();
        let len = usize::from(input.u16() % 6000);
        let Some(id) = self.assoc(side) else { return };
        let seq = *self.accepted[side].get(&(stream, unordered)).unwrap_or(&0);
        let mut p = BytesMut::with_capacity(8 + len);
        p.put_u8(side as u8);
        p.put_u8(u8::from(unordered));
        p.put_u16(stream);
        p.put_u32(seq);
        p.put_bytes(seq as u8, len);
        let payload = p.freeze();
        let ok = self.sim.with_node(self.nodes[side], |n, now| {
            n.inner.ep.with_association(id, |a| {
                a.send_with(now, payload, &SendOptions::new(stream).unordered(unordered))
                    .is_ok()
            })
        });
        if ok == Some(true) {
            self.accepted[side].insert((stream, unordered), seq + 1);
        }
    }

    /// Change one direction of one link.
    fn fault(&mut self, input: &mut Input<'_>) {
        let link = self.links[usize::from(input.u8()) % self.links.len()];
        let dir = if input.bool() {
            usctp_sim::Direction::AToB
        } else {
            usctp_sim::Direction::BToA
        };
        let kind = input.u8();
        let v = input.u8();
        let p = f64::from(v) / 512.0; // at most one half
        let c = self.sim.link_mut(link).config_mut(dir);
        match kind % 8 {
            0 => c.loss = p,
            1 => c.burst_loss = (v > 0).then(|| GilbertElliott::bursts(p / 4.0, 0.3)),
            2 => {
                c.reorder = p;
                c.reorder_delay = Duration::from_millis(u64::from(v));
            }
            3 => c.duplicate = p,
            4 => c.mtu = Some(576 + usize::from(v) * 4),
            5 => {
                c.bandwidth_bps = (v > 0).then(|| u64::from(v) * 100_000);
                c.queue_limit = 4096 + usize::from(v) * 512;
            }
            6 => c.latency = Duration::from_millis(u64::from(v) * 4),
            _ => c.jitter = Duration::from_millis(u64::from(v)),
        }
    }

    fn user_call(&mut self, input: &mut Input<'_>) {
        let side = usize::from(input.u8() & 1);
        let what = input.u8();
        let Some(id) = self.assoc(side) else { return };
        self.sim.with_node(self.nodes[side], |n, now| {
            n.inner.ep.with_association(id, |a| match what % 16 {
                0 => a.shutdown(now),
                1 => a.abort(None),
                w => drop(a.set_primary(PathId(u16::from(w % 4)))),
            })
        });
    }

    /// Every link back to a clean one, up from now on, no corruption.
    fn heal(&mut self) {
        let now = self.sim.elapsed();
        for &l in &self.links {
            let link = self.sim.link_mut(l);
            link.up_at(now);
            link.set_config(LinkConfig::with_latency(Duration::from_millis(5)));
        }
        for side in self.nodes {
            self.sim.with_node(side, |n, _| n.corrupt = 0);
        }
    }

    /// Both associations are gone, or neither has anything left to send.
    fn settled(sim: &Sim, nodes: &[NodeId<Faulty>; 2]) -> bool {
        nodes.iter().all(|&n| {
            let ep = &sim.node(n).inner.ep;
            ep.association_ids().all(|id| {
                ep.association(id).is_none_or(|a| {
                    let st = a.stats();
                    st.queued_bytes == 0 && st.outstanding_bytes == 0
                })
            })
        })
    }

    fn failed(&self) -> bool {
        self.nodes.iter().any(|&n| {
            self.sim
                .node(n)
                .inner
                .events
                .iter()
                .any(|(_, e)| matches!(e, Event::Closed(_) | Event::Restarted))
        })
    }

    fn check(&self, settled: bool) {
        let failed = self.failed();
        for rx in 0..2 {
            let tx = 1 - rx;
            let mut next: HashMap<(u16, bool), u32> = HashMap::new();
            let mut seen: HashSet<(u16, u32)> = HashSet::new();
            for (_, m) in &self.node(rx).messages {
                let p = &m.payload;
                assert!(p.len() >= 8, "message shorter than its header: {p:?}");
                let (side, unordered) = (usize::from(p[0]), p[1] == 1);
                let stream = u16::from_be_bytes([p[2], p[3]]);
                let seq = u32::from_be_bytes([p[4], p[5], p[6], p[7]]);
                assert_eq!(side, tx, "a message from the wrong side");
                assert_eq!(m.stream.0, stream, "message on the wrong stream");
                assert_eq!(m.unordered, unordered, "ordering flag changed");
                assert!(p[8..].iter().all(|&b| b == seq as u8), "payload corrupted");
                let sent = *self.accepted[tx].get(&(stream, unordered)).unwrap_or(&0);
                assert!(seq < sent, "message {seq} on {stream} never sent");
                if unordered {
                    assert!(seen.insert((stream, seq)), "unordered {seq} twice");
                } else {
                    let want = next.entry((stream, false)).or_insert(0);
                    assert_eq!(seq, *want, "stream {stream}: got {seq}, expected {want}");
                    *want += 1;
                }
            }
            if failed {
                continue;
            }
            assert!(
                settled,
                "healed network, no failure, yet data still pending"
            );
            for (&(stream, unordered), &sent) in &self.accepted[tx] {
                let got = if unordered {
                    seen.iter().filter(|(s, _)| *s == stream).count() as u32
                } else {
                    *next.get(&(stream, false)).unwrap_or(&0)
                };
                assert_eq!(
                    got, sent,
                    "stream {stream} (unordered {unordered}) lost data"
                );
            }
        }
    }
}
