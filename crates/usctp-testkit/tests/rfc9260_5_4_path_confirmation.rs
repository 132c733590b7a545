//! RFC 9260 §5.4 path verification: an address that never answers HEARTBEATs stays
//! unconfirmed and never carries DATA (nor retransmissions), while the association works
//! over its other path.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod common;
mod multihoming;

use std::time::Duration;

use bytes::Bytes;
use common::Pair;
use usctp_proto::PathId;
use usctp_proto::{AssociationConfig, PathState};
use usctp_sim::LinkConfig;

#[test]
fn silent_address_stays_unconfirmed_and_never_carries_data() {
    let link = LinkConfig::with_latency(Duration::from_millis(10));
    let mut p = Pair::new(21, 2, link, AssociationConfig::default());
    p.sim.link_mut(p.links[1]).down_at(Duration::ZERO);
    let wire = multihoming::capture(&mut p.sim);
    let id = p.establish();
    for i in 0..200u32 {
        assert!(p.send(0, Bytes::from(i.to_be_bytes().to_vec())));
        p.sim.run_for(Duration::from_millis(500));
    }
    p.sim.run_for(Duration::from_secs(5));
    assert_eq!(p.sim.node(p.server).messages.len(), 200);
    let st = multihoming::stats(&mut p.sim, p.client, id);
    assert_eq!(st.path(PathId(1)).unwrap().state, PathState::Unconfirmed);
    assert_eq!(st.path(PathId(0)).unwrap().state, PathState::Active);
    let dead = p.server_addrs[1];
    let to_dead = multihoming::sent(&wire)
        .into_iter()
        .filter(|s| s.dst == dead)
        .collect::<Vec<_>>();
    assert!(!to_dead.is_empty(), "probed");
    assert!(to_dead.iter().all(|s| s.only_heartbeats()), "{to_dead:?}");
}

/// Times at which the client probed the server's second address, whose link is down, over
/// `secs` seconds of an association with `cfg`.
fn probes_of_a_silent_address(cfg: AssociationConfig, secs: u64) -> Vec<Duration> {
    let link = LinkConfig::with_latency(Duration::from_millis(10));
    let mut p = Pair::new(22, 2, link, cfg);
    p.sim.link_mut(p.links[1]).down_at(Duration::ZERO);
    let wire = multihoming::capture(&mut p.sim);
    let id = p.establish();
    p.sim.run_for(Duration::from_secs(secs));
    let st = multihoming::stats(&mut p.sim, p.client, id);
    assert_eq!(st.path(PathId(1)).unwrap().state, PathState::Unconfirmed);
    let dead = p.server_addrs[1];
    multihoming::sent(&wire)
        .into_iter()
        .filter(|s| s.dst == dead)
        .map(|s| s.at)
        .collect()
}

#[test]
fn rfc9260_5_4_unconfirmed_address_falls_back_to_the_heartbeat_rate() {
    // RTO.Max 800 ms: probed every RTO for the whole association, this came to 84 probes in
    // 65 s. After Path.Max.Retrans unanswered probes, HB.interval + RTO (jittered) apart.
    let mut cfg = AssociationConfig::default();
    cfg.rto_max = Duration::from_millis(800);
    cfg.rto_min = Duration::from_millis(100);
    cfg.rto_initial = Duration::from_millis(100);
    let interval = cfg.hb_interval.unwrap();
    let pmr = cfg.path_max_retrans as usize;
    let times = probes_of_a_silent_address(cfg, 65);
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    // The first Path.Max.Retrans + 1 probes one RTO apart (backing off, at most RTO.Max)...
    assert!(times.len() > pmr + 1, "{times:?}");
    assert!(
        gaps[..pmr].iter().all(|g| *g <= Duration::from_millis(801)),
        "{gaps:?}"
    );
    // ...then at the heartbeat rate.
    assert!(gaps[pmr..].iter().all(|g| *g >= interval), "{gaps:?}");
    assert!(
        times.len() <= pmr + 1 + 3,
        "{} probes: {times:?}",
        times.len()
    );
}
