//! RFC 5062 §4.1 (address bombing): the server lists in its INIT ACK an address that is not
//! its own and leads nowhere (a third party's). The client may only probe it: HEARTBEATs,
//! with exponential back-off, then at the heartbeat rate, never DATA.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod multihoming;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bytes::Bytes;
use usctp_proto::PathId;
use usctp_proto::{AssociationConfig, Endpoint, Event, PathState, TransportAddr};
use usctp_sim::{LinkConfig, Sim};
use usctp_testkit::SctpNode;
use usctp_wire::StreamId;

fn ip(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

#[test]
fn third_party_address_gets_only_backed_off_heartbeats() {
    let (client_ip, server_ip, victim) = (ip(10, 0, 0, 1), ip(10, 0, 0, 2), ip(192, 0, 2, 99));
    let mut sim = Sim::new(5);
    let now = sim.now();
    let cfg = |seed| {
        let mut c = usctp_proto::EndpointConfig::default();
        c.rng_seed = Some(seed);
        c.association = AssociationConfig::default();
        c
    };
    let cep = Endpoint::new(cfg(1), 40_000, vec![client_ip], now);
    // The server advertises an address it does not have.
    let sep = Endpoint::new(cfg(2), 5000, vec![server_ip, victim], now);
    let client = sim.add_node(SctpNode::new(cep, vec![client_ip]), [client_ip]);
    let server = sim.add_node(SctpNode::new(sep, vec![server_ip]), [server_ip]);
    sim.add_link(
        client_ip,
        server_ip,
        LinkConfig::with_latency(Duration::from_millis(10)),
    );
    let wire = multihoming::capture(&mut sim);
    let id = sim
        .with_node(client, |n, now| {
            n.ep.connect(now, &[TransportAddr::raw(server_ip)], 5000, None)
        })
        .unwrap();
    // Ten minutes with a message every second.
    for i in 0..600u32 {
        sim.with_node(client, |n, _| {
            n.ep.with_association(id, |a| {
                a.send(StreamId(0), Bytes::from(i.to_be_bytes().to_vec()))
            })
        });
        sim.run_for(Duration::from_secs(1));
    }
    assert_eq!(sim.node(server).messages.len(), 600);
    let added = sim
        .node(client)
        .events
        .iter()
        .any(|(_, e)| matches!(e, Event::PathAdded { addr, .. } if addr.ip == victim));
    assert!(added, "the listed address became a path");
    let st = multihoming::stats(&mut sim, client, id);
    assert_eq!(st.path(PathId(1)).unwrap().state, PathState::Unconfirmed);
    let probes: Vec<_> = multihoming::sent(&wire)
        .into_iter()
        .filter(|s| s.dst == victim)
        .collect();
    assert!(probes.iter().all(|s| s.only_heartbeats()), "{probes:?}");
    // One per RTO, doubling, for Path.Max.Retrans probes (1, 2, 4, 8, 16 s), then at the
    // heartbeat rate (RFC 9260 §5.4, §8.3): HB.interval + the backed-off RTO, jittered.
    let times: Vec<Duration> = probes.iter().map(|s| s.at).collect();
    assert!(times.len() >= 8 && times.len() <= 16, "{times:?}");
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    let pmr = AssociationConfig::default().path_max_retrans as usize;
    let hb = AssociationConfig::default().hb_interval.unwrap();
    assert!(
        gaps.iter().all(|g| *g >= Duration::from_secs(1)),
        "{gaps:?}"
    );
    assert!(
        gaps[..pmr].windows(2).all(|w| w[1] >= w[0]),
        "backs off: {gaps:?}"
    );
    assert!(gaps[pmr..].iter().all(|g| *g >= hb), "{gaps:?}");
}
