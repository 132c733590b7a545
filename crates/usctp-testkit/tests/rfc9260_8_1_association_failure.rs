//! RFC 9260 §8.1: with every path cut, the association fails after Association.Max.Retrans
//! consecutive timeouts and reports `Closed(CommunicationLost)`.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod common;
mod multihoming;

use std::time::Duration;

use usctp_proto::{CloseReason, Event};
use usctp_testkit::{run_failover, FailoverSpec, Side};

#[test]
fn both_paths_cut_until_communication_lost() {
    let mut s = FailoverSpec {
        seed: 41,
        duration: Duration::from_secs(5),
        cuts: vec!["0@3000".parse().unwrap(), "1@3000".parse().unwrap()],
        ..FailoverSpec::default()
    };
    s.assoc.assoc_max_retrans = 4;
    s.assoc.rto_max = Duration::from_secs(4);
    let r = run_failover(&s);
    assert_eq!(r.closed, "aborted", "{r}");
    let closed = r
        .events
        .iter()
        .find(|e| e.side == Side::Client && matches!(e.event, Event::Closed(_)))
        .unwrap();
    assert_eq!(closed.event, Event::Closed(CloseReason::CommunicationLost));
    // Five timeouts (T3 and heartbeats, on both paths, each backing off): a few seconds.
    let after = closed.at - Duration::from_secs(3);
    assert!(
        after >= Duration::from_secs(3) && after < Duration::from_secs(20),
        "{after:?}"
    );
    assert!(r.lost > 0);
}

#[test]
fn one_path_left_keeps_the_association_alive() {
    let mut s = FailoverSpec {
        seed: 42,
        duration: Duration::from_secs(60),
        rate: 20,
        cuts: vec!["0@3000".parse().unwrap()],
        ..FailoverSpec::default()
    };
    s.assoc.assoc_max_retrans = 2;
    s.assoc.path_max_retrans = 1;
    let r = run_failover(&s);
    assert!(r.is_clean(), "{r}");
}

#[test]
fn rfc9260_8_1_unanswered_heartbeats_on_an_idle_other_path_do_not_close_the_association() {
    // An idle association whose second path dies: its probes go unanswered every few seconds
    // for ten minutes (more often than Association.Max.Retrans per heartbeat interval of the
    // data path), but only the path used for data counts against the association.
    let link = usctp_sim::LinkConfig::with_latency(Duration::from_millis(10));
    let mut cfg = usctp_proto::AssociationConfig::default();
    cfg.assoc_max_retrans = 4;
    let mut p = common::Pair::new(43, 2, link, cfg);
    let id = p.establish();
    p.sim.run_for(Duration::from_secs(5));
    let down_at = p.sim.elapsed();
    p.sim.link_mut(p.links[1]).down_at(down_at);
    p.sim.run_for(Duration::from_secs(600));
    let closed = p
        .sim
        .node(p.client)
        .events
        .iter()
        .any(|(_, e)| matches!(e, Event::Closed(_)));
    assert!(!closed, "the association closed");
    let st = multihoming::stats(&mut p.sim, p.client, id);
    assert_eq!(
        st.path(usctp_proto::PathId(1)).unwrap().state,
        usctp_proto::PathState::Inactive
    );
}
