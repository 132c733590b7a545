//! Reflection and amplification (RFC 9260 §11.2.2, §11.2.4): spoofed INITs and out-of-the-blue
//! packets must not let anyone use a usctp server to flood a third party. The attacker's
//! packets are injected at the server's interface with the victim's address as source (the
//! simulator routes only honest traffic); the server's replies then cross a simulated link
//! to the victim, which counts them.
#![allow(clippy::unwrap_used, clippy::field_reassign_with_default)]

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::wire::{packet, PPORT, SPORT};
use usctp_proto::{DatagramMeta, Endpoint, EndpointConfig, TransportAddr};
use usctp_sim::{Datagram, LinkConfig, Node, NodeId, Sim};
use usctp_testkit::SctpNode;
use usctp_wire::chunk::{Chunk, Heartbeat, Init};
use usctp_wire::param::{Parameter, UnknownParameter};
use usctp_wire::{Tsn, VerificationTag};

const SERVER: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
const VICTIM: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 9));

/// A third party that only counts what reaches it.
#[derive(Default)]
struct Victim {
    packets: usize,
    bytes: usize,
}

impl Node for Victim {
    fn handle_datagram(&mut self, _now: Instant, d: Datagram) {
        self.packets += 1;
        self.bytes += d.payload.len();
    }
    fn poll_transmit(&mut self, _now: Instant) -> Option<Datagram> {
        None
    }
}

fn init(tag: u32, params: Vec<Parameter>) -> Chunk {
    Chunk::Init(Init {
        initiate_tag: VerificationTag(tag),
        a_rwnd: 65_536,
        outbound_streams: 10,
        inbound_streams: 10,
        initial_tsn: Tsn(1),
        params,
    })
}

struct Flood {
    sim: Sim,
    server: NodeId<SctpNode>,
    victim: NodeId<Victim>,
    sent: usize,
    sent_bytes: usize,
}

impl Flood {
    fn new(cfg: EndpointConfig) -> Self {
        let mut sim = Sim::new(1);
        let ep = Endpoint::new(cfg, SPORT, vec![SERVER], sim.now());
        let server = sim.add_node(SctpNode::new(ep, vec![SERVER]), [SERVER]);
        let victim = sim.add_node(Victim::default(), [VICTIM]);
        sim.add_link(
            SERVER,
            VICTIM,
            LinkConfig::with_latency(Duration::from_millis(1)),
        );
        Self {
            sim,
            server,
            victim,
            sent: 0,
            sent_bytes: 0,
        }
    }

    /// `per_tick` spoofed packets from `src(i)` every 10 ms for `secs` seconds.
    fn run(
        &mut self,
        secs: u64,
        per_tick: u32,
        src: impl Fn(u32) -> IpAddr,
        chunk: impl Fn(u32) -> Chunk,
    ) {
        for tick in 0..secs * 100 {
            let sent = self.sim.with_node(self.server, |n, now| {
                let mut bytes = 0;
                for k in 0..per_tick {
                    let i = u32::try_from(tick).unwrap() * per_tick + k;
                    let p = packet(0, vec![chunk(i)]);
                    bytes += p.len();
                    let meta = DatagramMeta {
                        src: TransportAddr::raw(src(i)),
                        dst: SERVER,
                    };
                    n.ep.handle(now, meta, p);
                }
                bytes
            });
            self.sent += per_tick as usize;
            self.sent_bytes += sent;
            self.sim.run_for(Duration::from_millis(10));
        }
    }
}

/// A spoofed INIT flood at 4000 packets/s "from" one victim for 5 s: the victim gets at most
/// `stateless_reply_rate_per_source` INIT ACKs (136 bytes each, the extension offer of
/// RFC 5061 §4.2.7 included) per second, and the server holds no state. Once the flood exceeds the limit by more than the per-packet factor
/// (x4.25), the victim gets fewer bytes than the attacker spent.
#[test]
fn spoofed_init_flood_reflects_at_most_the_per_source_rate() {
    for per_source in [
        EndpointConfig::default().stateless_reply_rate_per_source,
        20,
    ] {
        let mut cfg = EndpointConfig::default();
        cfg.rng_seed = Some(4);
        cfg.stateless_reply_rate_per_source = per_source;
        let mut f = Flood::new(cfg);
        f.run(5, 40, |_| VICTIM, |i| init(i + 1, vec![]));
        let v = f.sim.node(f.victim);
        let stats = f.sim.node(f.server).ep.stats();
        println!(
            "per source {per_source}/s: {} INITs ({} B) in, {} packets ({} B) to the victim, {} rate-limited",
            f.sent, f.sent_bytes, v.packets, v.bytes, stats.replies_rate_limited
        );
        assert!(
            v.packets <= per_source as usize * 6,
            "{} packets",
            v.packets
        );
        assert!(
            v.bytes <= v.packets * 136,
            "{} B in {} packets",
            v.bytes,
            v.packets
        );
        if f.sent > 5 * 5 * per_source as usize {
            assert!(
                v.bytes < f.sent_bytes,
                "{} B reflected for {} B",
                v.bytes,
                f.sent_bytes
            );
        }
        assert!(stats.replies_rate_limited > 0);
        assert_eq!(f.sim.node(f.server).ep.association_count(), 0);
    }
}

/// Out-of-the-blue packets spoofed from many addresses: the replies of all of them together
/// stay within `stateless_reply_rate`, and the limiter's table within the same number.
#[test]
fn ootb_flood_from_many_sources_is_globally_limited() {
    let mut cfg = EndpointConfig::default();
    cfg.rng_seed = Some(5);
    cfg.stateless_reply_rate = 100;
    let mut f = Flood::new(cfg);
    let src = |i: u32| IpAddr::V4(Ipv4Addr::from(0x0a01_0000 + i));
    let hb = |_| {
        Chunk::Heartbeat(Heartbeat {
            info: Bytes::from_static(b"hello"),
        })
    };
    f.run(3, 30, src, hb);
    let ep = &f.sim.node(f.server).ep;
    let answered = f.sent as u64 - ep.stats().replies_rate_limited;
    println!("{} OOTB packets, {answered} answered", f.sent);
    assert!(answered <= 100 * 4, "{answered} answered");
    assert!(ep.rate_limiter_entries() <= 100);
}

/// The INIT ACK is the one reply larger than what caused it (it carries the cookie). Measured
/// for INITs of several shapes, it stays within `2 × INIT + 200` bytes (one local address):
/// the cookie grows with the peer's addresses (at most `max_peer_addresses`), and each
/// reported unknown parameter is echoed once inside a 4-byte wrapper.
#[test]
#[allow(clippy::disallowed_methods)] // the base instant of a deterministic test
fn init_ack_amplification_is_bounded() {
    let now = Instant::now();
    let shapes: Vec<(&str, Vec<Parameter>)> = vec![
        ("minimal", vec![]),
        (
            "100 addresses",
            (0..100u32)
                .map(|i| Parameter::from(IpAddr::V4(Ipv4Addr::from(0xc633_6400 + i))))
                .collect(),
        ),
        (
            "200 empty reportable unknown params",
            (0..200)
                .map(|_| {
                    Parameter::Unknown(UnknownParameter {
                        param_type: 0xc0ff,
                        value: Bytes::new(),
                    })
                })
                .collect(),
        ),
        (
            "one large reportable unknown param",
            vec![Parameter::Unknown(UnknownParameter {
                param_type: 0x40ff,
                value: Bytes::from(vec![0; 8000]),
            })],
        ),
    ];
    let mut ep = common::wire::server(now);
    let mut worst = 0.0f64;
    for (name, params) in shapes {
        let p = packet(0, vec![init(7, params)]);
        let meta = DatagramMeta {
            src: TransportAddr::raw(common::wire::PEER),
            dst: common::wire::SERVER,
        };
        ep.handle(now, meta, p.clone());
        let out = common::wire::drain(&mut ep, now);
        assert_eq!(out.len(), 1, "{name}: one reply");
        let ack = out[0].to_vec().len();
        let ratio = ack as f64 / p.len() as f64;
        worst = worst.max(ratio);
        println!(
            "{name}: INIT {} B -> INIT ACK {ack} B (x{ratio:.2})",
            p.len()
        );
        assert!(
            ack <= 2 * p.len() + 200,
            "{name}: {ack} B for {} B",
            p.len()
        );
        assert_eq!(out[0].header.dst_port, PPORT);
    }
    println!("worst ratio x{worst:.2}");
}
