//! An adversarial peer against a server that also serves an honest client, on the simulator.
//!
//! Every 20 ms the adversary plays a trick chosen by the seed: blind (spoofed from the honest
//! client, injected at the server's interface) INIT, ABORT, SHUTDOWN, SHUTDOWN COMPLETE and
//! DATA with guessed tags and T bits; forged, replayed and stale cookies; INIT floods; restarts
//! listing new addresses; address bombing; and, on associations of its own (from its own
//! addresses), absurd SACKs, window games, fragments that never complete, TSNs far ahead,
//! invalid streams, chunks whose length lies, zero-length and oversized chunks.
//!
//! [`check_adversary`] panics unless, after every trick, the server's memory stays within its
//! configured limits (associations, paths, send queue, received bytes, replies queued,
//! cookies remembered, rate-limiter entries), and at the end the honest client's messages all
//! arrived, once and in order, on an association that was never closed or restarted.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use usctp_proto::{
    AssocId, AssociationConfig, DatagramMeta, Endpoint, EndpointConfig, Event, TransportAddr,
};
use usctp_wire::chunk::{
    Abort, Chunk, CookieEcho, Data, GapBlock, Init, Sack, Shutdown, ShutdownComplete,
};
use usctp_wire::param::Parameter;
use usctp_wire::{
    crc, CommonHeader, Packet, ParseOptions, Ppid, Ssn, StreamId, Tsn, VerificationTag,
};

use crate::SctpNode;
use usctp_sim::{Datagram, LinkConfig, Node, NodeId, Sim};

const SERVER: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
const HONEST: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
const SPORT: u16 = 5000;
const HPORT: u16 = 40_000;
const MESSAGES: u32 = 100;

fn attacker_ip(i: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 0, 1, 1 + i % 3))
}

/// The server's limits, small so that the tricks reach them.
fn server_config(seed: u64) -> EndpointConfig {
    let mut a = AssociationConfig::default();
    a.receive_window = 16 * 1024;
    a.send_queue_limit = 32 * 1024;
    a.max_peer_addresses = 4;
    a.max_inbound_streams = 16;
    a.hb_interval = Some(Duration::from_secs(1));
    let mut c = EndpointConfig::default();
    c.rng_seed = Some(seed);
    c.max_associations = 6;
    c.cookie_lifetime = Duration::from_secs(3);
    c.stateless_reply_rate = 200;
    c.stateless_reply_rate_per_source = 20;
    c.association = a;
    c
}

/// What the adversary learnt of one association it opened from its own address.
#[derive(Clone, Copy)]
struct Own {
    src: IpAddr,
    port: u16,
    server_tag: u32,
    next_tsn: u32,
    server_tsn: u32,
}

/// The adversary's own host: its packets from its addresses, what it learns from replies.
struct Adversary {
    rng: StdRng,
    out: Vec<Datagram>,
    cookies: Vec<(IpAddr, u16, Bytes)>,
    own: Vec<Own>,
}

impl Node for Adversary {
    fn handle_datagram(&mut self, _now: Instant, d: Datagram) {
        let Ok(p) = Packet::parse(&d.payload, ParseOptions::default()) else {
            return;
        };
        for c in &p.chunks {
            match c {
                Chunk::InitAck(a) => {
                    if let Some(cookie) = a.state_cookie() {
                        self.cookies
                            .push((d.dst.ip, p.header.dst_port, cookie.clone()));
                        if self.cookies.len() > 32 {
                            self.cookies.remove(0);
                        }
                        let own = Own {
                            src: d.dst.ip,
                            port: p.header.dst_port,
                            server_tag: a.initiate_tag.0,
                            next_tsn: 1,
                            server_tsn: a.initial_tsn.0,
                        };
                        self.own.retain(|o| (o.src, o.port) != (own.src, own.port));
                        self.own.push(own);
                        let echo = Chunk::CookieEcho(CookieEcho { cookie });
                        self.send_from(d.dst.ip, own.port, a.initiate_tag.0, vec![echo]);
                    }
                }
                Chunk::Abort(_) => self
                    .own
                    .retain(|o| (o.src, o.port) != (d.dst.ip, p.header.dst_port)),
                _ => {}
            }
        }
    }
    fn poll_transmit(&mut self, _now: Instant) -> Option<Datagram> {
        self.out.pop()
    }
}

impl Adversary {
    fn send_from(&mut self, src: IpAddr, port: u16, vtag: u32, chunks: Vec<Chunk>) {
        let p = Packet {
            header: header(port, vtag),
            chunks,
        };
        self.send_raw(src, Bytes::from(p.to_vec()));
    }
    fn send_raw(&mut self, src: IpAddr, payload: Bytes) {
        let (src, dst) = (usctp_sim::Addr::raw(src), usctp_sim::Addr::raw(SERVER));
        self.out.push(Datagram {
            src,
            dst,
            payload,
            may_fragment: false,
        });
    }
    fn init(&mut self, tag: u32, params: Vec<Parameter>) -> Chunk {
        Chunk::Init(Init {
            initiate_tag: VerificationTag(tag.max(1)),
            a_rwnd: self.rng.gen(),
            outbound_streams: self.rng.gen_range(1..=u16::MAX),
            inbound_streams: self.rng.gen_range(1..=u16::MAX),
            initial_tsn: Tsn(1),
            params,
        })
    }
}

fn header(src_port: u16, vtag: u32) -> CommonHeader {
    CommonHeader {
        src_port,
        dst_port: SPORT,
        vtag: VerificationTag(vtag),
    }
}

struct World {
    sim: Sim,
    server: NodeId<SctpNode>,
    client: NodeId<SctpNode>,
    adv: NodeId<Adversary>,
    cfg: EndpointConfig,
    honest: Option<AssocId>,
}

/// Run the adversary with `seed`; panics (naming the seed) on a violated limit or a lost
/// honest message.
pub fn check_adversary(seed: u64) {
    let mut w = World::new(seed);
    let mut sent = 0u32;
    for step in 0..600u32 {
        if step % 5 == 0 && sent < MESSAGES {
            sent += u32::from(w.honest_send(sent));
        }
        w.trick();
        w.sim.run_for(Duration::from_millis(20));
        w.check_limits(seed);
    }
    w.sim.run_until_cond(Duration::from_secs(120), |sim| {
        sim.node(w.server)
            .messages
            .iter()
            .filter(|(id, _)| Some(*id) == server_honest(sim, w.server))
            .count()
            >= sent as usize
    });
    w.check_honest(seed, sent);
}

/// The server's association with the honest client (by its address and port).
fn server_honest(sim: &Sim, server: NodeId<SctpNode>) -> Option<AssocId> {
    let ep = &sim.node(server).ep;
    ep.association_ids().find(|&id| {
        ep.association(id)
            .is_some_and(|a| a.ports().1 == HPORT && a.find_path(HONEST).is_some())
    })
}

impl World {
    fn new(seed: u64) -> Self {
        let mut sim = Sim::new(seed);
        let now = sim.now();
        let sep = Endpoint::new(server_config(seed), SPORT, vec![SERVER], now);
        let server = sim.add_node(SctpNode::new(sep, vec![SERVER]), [SERVER]);
        let mut ccfg = EndpointConfig::default();
        ccfg.rng_seed = Some(seed ^ 0x5555);
        let cep = Endpoint::new(ccfg, HPORT, vec![HONEST], now);
        let client = sim.add_node(SctpNode::new(cep, vec![HONEST]), [HONEST]);
        let adv = Adversary {
            // Not the server's seed: the adversary must not share its RNG stream (tags).
            rng: StdRng::seed_from_u64(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xad5e),
            out: Vec::new(),
            cookies: Vec::new(),
            own: Vec::new(),
        };
        let addrs: Vec<IpAddr> = (0..3).map(attacker_ip).collect();
        let adv = sim.add_node(adv, addrs.clone());
        let link = LinkConfig::with_latency(Duration::from_millis(5));
        sim.add_link(HONEST, SERVER, link.clone());
        for a in addrs {
            sim.add_link(a, SERVER, link.clone());
        }
        let honest = sim.with_node(client, |n, now| {
            n.ep.connect(now, &[TransportAddr::raw(SERVER)], SPORT, None)
                .ok()
        });
        Self {
            sim,
            server,
            client,
            adv,
            cfg: server_config(seed),
            honest,
        }
    }

    fn honest_send(&mut self, seq: u32) -> bool {
        let Some(id) = self.honest else { return false };
        self.sim.with_node(self.client, |n, _| {
            let payload = Bytes::from(seq.to_be_bytes().to_vec());
            n.ep.with_association(id, |a| a.send(StreamId(0), payload).is_ok())
        }) == Some(true)
    }

    /// A packet "from the honest client" injected at the server (the attacker is blind).
    fn spoof(&mut self, vtag: u32, chunks: Vec<Chunk>) {
        let bytes = Bytes::from(
            Packet {
                header: header(HPORT, vtag),
                chunks,
            }
            .to_vec(),
        );
        self.sim.with_node(self.server, |n, now| {
            let meta = DatagramMeta {
                src: TransportAddr::raw(HONEST),
                dst: SERVER,
            };
            n.ep.handle(now, meta, bytes);
        });
    }

    fn trick(&mut self) {
        let (kind, guess, t_bit, r) = self.sim.with_node(self.adv, |a, _| {
            (
                a.rng.gen_range(0..16u8),
                a.rng.gen::<u32>(),
                a.rng.gen::<bool>(),
                a.rng.gen::<u32>(),
            )
        });
        match kind {
            0 => {
                let init = self.sim.with_node(self.adv, |a, _| a.init(guess, vec![]));
                self.spoof(0, vec![init]);
            }
            1 => self.spoof(
                guess,
                vec![Chunk::Abort(Abort {
                    t_bit,
                    causes: vec![],
                })],
            ),
            2 => self.spoof(
                guess,
                vec![Chunk::Shutdown(Shutdown {
                    cum_tsn_ack: Tsn(r),
                })],
            ),
            3 => self.spoof(
                guess,
                vec![Chunk::ShutdownComplete(ShutdownComplete { t_bit })],
            ),
            4 => self.spoof(guess, vec![data(r, 0, true, true, 32)]),
            _ => self
                .sim
                .with_node(self.adv, |a, _| own_trick(a, kind, guess, r)),
        }
    }

    fn check_limits(&self, seed: u64) {
        let ep = &self.sim.node(self.server).ep;
        let (c, a) = (&self.cfg, &self.cfg.association);
        let fail = |what: String| panic!("seed {seed}: {what}");
        if ep.association_count() > c.max_associations {
            fail(format!("{} associations", ep.association_count()));
        }
        if ep.stateless_backlog() > 64 + c.max_associations {
            fail(format!("stateless backlog {}", ep.stateless_backlog()));
        }
        if ep.rate_limiter_entries() > c.stateless_reply_rate as usize {
            fail(format!("rate limiter {}", ep.rate_limiter_entries()));
        }
        for id in ep.association_ids() {
            let Some(x) = ep.association(id) else {
                continue;
            };
            let tx = x.stats();
            if tx.paths.len() > a.max_peer_addresses.max(1) {
                fail(format!("{} paths", tx.paths.len()));
            }
            if tx.queued_bytes > a.send_queue_limit || tx.outstanding_bytes > a.send_queue_limit {
                fail(format!(
                    "send side {} + {}",
                    tx.queued_bytes, tx.outstanding_bytes
                ));
            }
            if x.received_bytes() > a.receive_window as usize {
                fail(format!("received bytes {}", x.received_bytes()));
            }
        }
    }

    fn check_honest(&self, seed: u64, sent: u32) {
        let client = self.sim.node(self.client);
        let bad = client
            .events
            .iter()
            .find(|(_, e)| matches!(e, Event::Closed(_) | Event::Restarted));
        assert!(bad.is_none(), "seed {seed}: honest client saw {bad:?}");
        assert!(
            sent >= MESSAGES / 2,
            "seed {seed}: honest client could send only {sent}"
        );
        let sid = server_honest(&self.sim, self.server);
        let got: Vec<u32> = self
            .sim
            .node(self.server)
            .messages
            .iter()
            .filter(|(id, _)| Some(*id) == sid)
            .map(|(_, m)| u32::from_be_bytes(m.payload[..4].try_into().unwrap_or([0xff; 4])))
            .collect();
        let want: Vec<u32> = (0..sent).collect();
        assert_eq!(got, want, "seed {seed}: honest messages");
    }
}

fn data(tsn: u32, stream: u16, beginning: bool, ending: bool, len: usize) -> Chunk {
    Chunk::Data(Data {
        tsn: Tsn(tsn),
        stream: StreamId(stream),
        ssn: Ssn(0),
        ppid: Ppid(0),
        unordered: false,
        beginning,
        ending,
        immediate: false,
        payload: Bytes::from(vec![0x41; len]),
    })
}

/// Tricks played from the adversary's own addresses (it sees the replies).
fn own_trick(a: &mut Adversary, kind: u8, guess: u32, r: u32) {
    let src = attacker_ip(r as u8);
    // Its own ports, or the honest client's (restart and camping attempts).
    let port = if r % 7 == 0 {
        HPORT
    } else {
        40_001 + (r % 3) as u16
    };
    match kind {
        5 => {
            // INIT flood, sometimes listing the honest client's address or a bomb of them.
            for i in 0..8 {
                let params = match (r >> 8) % 3 {
                    0 => vec![],
                    1 => vec![Parameter::from(HONEST)],
                    _ => (0..40u32)
                        .map(|j| Parameter::from(IpAddr::V4(Ipv4Addr::from(0xc633_6400 + j))))
                        .collect(),
                };
                let init = a.init(guess.wrapping_add(i), params);
                a.send_from(src, port, 0, vec![init]);
            }
        }
        6 => {
            // A replayed (possibly stale) cookie, or a forged one.
            let forged = (src, port, Bytes::from(guess.to_be_bytes().repeat(20)));
            let (s, p, cookie) = if a.cookies.is_empty() || r % 3 == 0 {
                forged
            } else {
                a.cookies[r as usize % a.cookies.len()].clone()
            };
            a.send_from(s, p, guess, vec![Chunk::CookieEcho(CookieEcho { cookie })]);
        }
        7 => {
            // Raw chunks whose lengths lie, zero-length and oversized ones (correct CRC).
            let vtag = a.own.first().map_or(guess, |o| o.server_tag);
            let mut p = Vec::new();
            header(port, vtag).write(&mut p);
            let len: u16 = match r % 4 {
                0 => 0,
                1 => 3,
                2 => u16::MAX,
                _ => 4 + (r >> 16) as u16 % 64,
            };
            p.extend_from_slice(&[(r >> 8) as u8, 0, (len >> 8) as u8, len as u8]);
            p.resize(p.len() + (r >> 20) as usize % 1500, 0);
            crc::write_checksum(&mut p);
            a.send_raw(src, Bytes::from(p));
        }
        _ => on_own_association(a, kind, guess, r),
    }
}

/// Hostile behaviour on an association the adversary completed itself.
fn on_own_association(a: &mut Adversary, kind: u8, guess: u32, r: u32) {
    if a.own.is_empty() {
        let init = a.init(guess, vec![]);
        a.send_from(attacker_ip(r as u8), 40_001 + (r % 3) as u16, 0, vec![init]);
        return;
    }
    let i = r as usize % a.own.len();
    let o = a.own[i];
    let chunks = match kind {
        8 => vec![Chunk::Sack(Sack {
            // Cumulative ack beyond anything sent, or absurd gap blocks.
            cum_tsn_ack: Tsn(o.server_tsn.wrapping_add(guess % 100_000)),
            a_rwnd: if r % 2 == 0 { 0 } else { u32::MAX },
            gap_blocks: (0..(r % 50) as u16)
                .map(|k| GapBlock {
                    start: k.wrapping_mul(3),
                    end: k,
                })
                .collect(),
            dup_tsns: (0..(r % 20)).map(Tsn).collect(),
        })],
        9 => {
            // Fragments that never complete, spread over the window and beyond.
            let n = 1 + r % 8;
            let chunks = (0..n)
                .map(|k| data(o.next_tsn + k * (1 + r % 5), 0, k == 0, false, 1000))
                .collect();
            a.own[i].next_tsn += n * (1 + r % 5);
            chunks
        }
        10 => vec![data(o.next_tsn.wrapping_add(guess), 0, true, true, 100)],
        11 => {
            a.own[i].next_tsn += 1;
            vec![data(o.next_tsn, (guess % 65_536) as u16, true, true, 10)]
        }
        12 => {
            a.own[i].next_tsn += 1;
            vec![data(o.next_tsn, 0, true, true, 0)]
        }
        13 => vec![Chunk::Abort(Abort {
            t_bit: true,
            causes: vec![],
        })],
        14 => {
            // Wrong-tag shutdown, then a window-game SACK with a zero window.
            vec![Chunk::Shutdown(Shutdown {
                cum_tsn_ack: Tsn(guess),
            })]
        }
        _ => {
            a.own[i].next_tsn += 1;
            vec![data(o.next_tsn, 1, true, true, 1 + (r % 9000) as usize)]
        }
    };
    let vtag = if kind == 13 || kind == 14 {
        guess
    } else {
        o.server_tag
    };
    a.send_from(o.src, o.port, vtag, chunks);
}
