//! RFC 9260 §6.4: a retransmission after a T3-rtx expiry goes to an active destination other
//! than the one the chunk was last sent to -- also without SCTP-PF, when new data still goes
//! to the primary.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod common;
mod multihoming;

use std::time::Duration;

use bytes::Bytes;
use common::Pair;
use usctp_proto::AssociationConfig;
use usctp_sim::LinkConfig;

fn first_retransmission(pf: Option<u32>) {
    let link = LinkConfig::with_latency(Duration::from_millis(10));
    let mut cfg = AssociationConfig::default();
    cfg.pf_max_retrans = pf;
    let mut p = Pair::new(31, 2, link, cfg);
    let wire = multihoming::capture(&mut p.sim);
    p.establish();
    p.sim.run_for(Duration::from_secs(1));
    let cut = p.sim.elapsed();
    p.sim.link_mut(p.links[0]).down_at(cut);
    assert!(p.send(0, Bytes::from_static(b"one message")));
    p.sim.run_for(Duration::from_secs(5));
    assert_eq!(p.sim.node(p.server).messages.len(), 1);
    let data: Vec<_> = multihoming::sent(&wire)
        .into_iter()
        .filter(|s| s.at >= cut && s.has_data())
        .filter(|s| s.src == common::addr(1, 0) || s.src == common::addr(1, 1))
        .collect();
    assert!(data.len() >= 2, "{data:?}");
    assert_eq!(
        data[0].dst, p.server_addrs[0],
        "first transmission on the primary"
    );
    assert_eq!(
        data[1].dst, p.server_addrs[1],
        "retransmission on the alternate"
    );
    assert_eq!(data[0].tsns(), data[1].tsns());
}

#[test]
fn retransmission_goes_to_alternate_path_without_pf() {
    first_retransmission(None);
}

#[test]
fn retransmission_goes_to_alternate_path_with_pfmr_2() {
    first_retransmission(Some(2));
}

#[test]
fn retransmission_goes_to_alternate_path_with_pfmr_0() {
    first_retransmission(Some(0));
}
