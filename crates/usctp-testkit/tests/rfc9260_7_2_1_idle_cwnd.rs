//! RFC 9260 §7.2.1: a destination that sends no DATA for an RTO has its cwnd decayed to
//! max(cwnd/2, 4*MTU) per RTO, so a sender back from a long pause does not burst a window
//! learnt long ago into the network.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::Pair;
use usctp_proto::{AssociationConfig, PathId};
use usctp_sim::LinkConfig;

fn cwnd(p: &mut Pair) -> usize {
    let id = p.assoc.unwrap();
    let st = p
        .sim
        .with_node(p.client, |n, _| n.ep.association(id).map(|a| a.stats()))
        .unwrap();
    st.path(PathId(0)).unwrap().cwnd
}

#[test]
fn rfc9260_7_2_1_cwnd_decays_while_the_path_is_idle() {
    let mut cfg = AssociationConfig::default();
    cfg.hb_interval = None;
    let link = LinkConfig::with_latency(Duration::from_millis(10));
    let mut p = Pair::new(71, 1, link, cfg);
    p.establish();
    // Grow the window with a bulk transfer.
    for _ in 0..400 {
        assert!(p.send(0, Bytes::from(vec![7u8; 1000])));
    }
    p.sim.run_for(Duration::from_secs(2));
    let grown = cwnd(&mut p);
    let mtu = 1500;
    assert!(grown > 16 * mtu, "cwnd {grown} after the transfer");
    // Ten seconds without data (RTO about 1 s): the next send finds the window decayed.
    p.sim.run_for(Duration::from_secs(10));
    assert!(p.send(0, Bytes::from_static(b"after the pause")));
    p.sim.run_for(Duration::from_millis(1));
    let after = cwnd(&mut p);
    assert!(
        after <= 4 * mtu,
        "cwnd {after} after 10 s idle (was {grown})"
    );
}
