//! ETSI TS 102 369 purposes that need a dual-homed peer (conformance checklist):
//! sctp-as-v-1-11-1/2 (listed addresses become paths, both sides), sctp-as-i-1-15 (INIT
//! retransmissions use every peer address), sctp-rt-i-11-3 (T3-rtx retransmissions alternate
//! between the peer's addresses while backing off).
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod common;
mod multihoming;

use std::time::Duration;

use bytes::Bytes;
use common::Pair;
use usctp_proto::PathId;
use usctp_proto::{AssociationConfig, PathState};
use usctp_sim::LinkConfig;

fn pair(seed: u64, cfg: AssociationConfig) -> Pair {
    Pair::new(
        seed,
        2,
        LinkConfig::with_latency(Duration::from_millis(10)),
        cfg,
    )
}

#[test]
fn as_v_1_11_addresses_in_init_and_init_ack_become_confirmed_paths() {
    let mut p = pair(51, AssociationConfig::default());
    let wire = multihoming::capture(&mut p.sim);
    let id = p.establish();
    p.sim.run_for(Duration::from_secs(2));
    let server_id = p.sim.node(p.server).events[0].0;
    let client = multihoming::stats(&mut p.sim, p.client, id);
    let server = multihoming::stats(&mut p.sim, p.server, server_id);
    for st in [&client, &server] {
        assert_eq!(st.paths.len(), 2);
        assert!(
            st.paths.iter().all(|p| p.state == PathState::Active),
            "{st:?}"
        );
    }
    // HEARTBEATs reached both of each side's addresses.
    let hb = multihoming::sent(&wire);
    for dst in [common::addr(1, 1), common::addr(2, 1)] {
        assert!(
            hb.iter().any(|s| s.dst == dst && s.only_heartbeats()),
            "{dst}"
        );
    }
}

#[test]
fn as_i_1_15_init_retransmissions_alternate_between_peer_addresses() {
    let mut p = pair(52, AssociationConfig::default());
    for l in p.links.clone() {
        p.sim
            .link_mut(l)
            .cut(Duration::ZERO, Duration::from_secs(6));
    }
    let wire = multihoming::capture(&mut p.sim);
    p.establish();
    let inits: Vec<_> = multihoming::sent(&wire)
        .into_iter()
        .filter(|s| s.has_init())
        .map(|s| s.dst)
        .collect();
    assert!(inits.len() >= 3, "{inits:?}");
    for (i, dst) in inits.iter().enumerate() {
        assert_eq!(*dst, p.server_addrs[i % 2], "{inits:?}");
    }
}

#[test]
fn rt_i_11_3_t3_retransmissions_alternate_and_back_off() {
    let mut cfg = AssociationConfig::default();
    cfg.assoc_max_retrans = 20;
    cfg.path_max_retrans = 20;
    let mut p = pair(53, cfg);
    let wire = multihoming::capture(&mut p.sim);
    let id = p.establish();
    p.sim.run_for(Duration::from_secs(1));
    let cut = p.sim.elapsed();
    for l in p.links.clone() {
        p.sim.link_mut(l).down_at(cut);
    }
    assert!(p.send(0, Bytes::from_static(b"x")));
    p.sim.run_for(Duration::from_secs(60));
    let data: Vec<_> = multihoming::sent(&wire)
        .into_iter()
        .filter(|s| s.has_data())
        .collect();
    assert!(data.len() >= 5, "{data:?}");
    for (i, s) in data.iter().enumerate() {
        assert_eq!(s.dst, p.server_addrs[i % 2], "alternates: {i}");
    }
    let gaps: Vec<Duration> = data.windows(2).map(|w| w[1].at - w[0].at).collect();
    assert!(gaps.windows(2).all(|w| w[1] >= w[0]), "backs off: {gaps:?}");
    assert!(gaps.last() > gaps.first(), "{gaps:?}");
    let st = multihoming::stats(&mut p.sim, p.client, id);
    assert_ne!(st.path(PathId(0)).unwrap().state, PathState::Active);
}
