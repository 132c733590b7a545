//! Head-of-line blocking across streams (RFC 8260 §1): a 100-byte message on stream 1 sent
//! right after a 4 MiB message on stream 0, with and without I-DATA, on the simulator (two
//! usctp endpoints, virtual time, no loss).

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bytes::Bytes;
use usctp_proto::{AssociationConfig, Endpoint, EndpointConfig, Event, Extensions, TransportAddr};
use usctp_sim::{LinkConfig, NodeId, Sim};
use usctp_testkit::SctpNode;
use usctp_wire::StreamId;

const MIB: usize = 1 << 20;
const CLIENT_PORT: u16 = 40_000;
const SERVER_PORT: u16 = 5000;

/// The link both runs use: 5 ms one way (10 ms RTT), 100 Mbit/s, a 256 KiB queue.
pub fn link() -> LinkConfig {
    LinkConfig {
        latency: Duration::from_millis(5),
        bandwidth_bps: Some(100_000_000),
        queue_limit: 256 << 10,
        ..LinkConfig::default()
    }
}

/// Virtual times from the two sends to each message's delivery.
#[derive(Debug, Clone, Copy)]
pub struct HolResult {
    /// The 100-byte message on stream 1.
    pub small: Duration,
    /// The 4 MiB message on stream 0.
    pub large: Duration,
}

fn ip(side: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 0, 0, side))
}

fn endpoint(seed: u64, i_data: bool, port: u16, addr: IpAddr, sim: &Sim) -> Endpoint {
    let mut a = AssociationConfig::default();
    a.max_message_size = 4 * MIB;
    a.send_queue_limit = 8 * MIB;
    a.extensions = if i_data {
        a.extensions.with(Extensions::I_DATA)
    } else {
        a.extensions.without(Extensions::I_DATA)
    };
    let mut e = EndpointConfig::default();
    e.rng_seed = Some(seed);
    e.association = a;
    Endpoint::new(e, port, vec![addr], sim.now())
}

fn connected(sim: &Sim, node: NodeId<SctpNode>) -> bool {
    sim.node(node)
        .events
        .iter()
        .any(|(_, e)| *e == Event::Connected)
}

fn delivered(sim: &Sim, node: NodeId<SctpNode>, stream: u16) -> bool {
    sim.node(node)
        .messages
        .iter()
        .any(|(_, m)| m.stream.0 == stream)
}

/// One run; `None` if the association did not come up or a message did not arrive within
/// ten virtual minutes (a harness bug, not a measurement).
pub fn run(seed: u64, i_data: bool) -> Option<HolResult> {
    let mut sim = Sim::new(seed);
    let cep = endpoint(seed ^ 1, i_data, CLIENT_PORT, ip(1), &sim);
    let sep = endpoint(seed ^ 2, i_data, SERVER_PORT, ip(2), &sim);
    let client = sim.add_node(SctpNode::new(cep, vec![ip(1)]), vec![ip(1)]);
    let server = sim.add_node(SctpNode::new(sep, vec![ip(2)]), vec![ip(2)]);
    sim.add_link(ip(1), ip(2), link());
    let remote = [TransportAddr::raw(ip(2))];
    let id = sim
        .with_node(client, |n, now| {
            n.ep.connect(now, &remote, SERVER_PORT, None)
        })
        .ok()?;
    let up = |s: &Sim| connected(s, client) && connected(s, server);
    if !sim.run_until_cond(Duration::from_secs(60), up) {
        return None;
    }
    let large: Bytes = (0..4 * MIB).map(|i| (i % 251) as u8).collect();
    let small = Bytes::from_static(&[9; 100]);
    let start = sim.now();
    let sent = sim.with_node(client, |n, _| {
        n.ep.with_association(id, |a| {
            a.send(StreamId(0), large).is_ok() && a.send(StreamId(1), small).is_ok()
        })
    });
    if sent != Some(true) {
        return None;
    }
    let limit = Duration::from_secs(600);
    let at = |sim: &mut Sim, stream: u16| {
        sim.run_until_cond(limit, |s| delivered(s, server, stream))
            .then(|| sim.now() - start)
    };
    let small = at(&mut sim, 1)?;
    let large = at(&mut sim, 0)?;
    Some(HolResult { small, large })
}
