//! RFC 9260 §8.1: with every path cut, the association fails after Association.Max.Retrans
//! consecutive timeouts and reports `Closed(CommunicationLost)`.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

use std::time::Duration;

use usctp_proto::{CloseReason, Event};
use usctp_sim::{run_failover, FailoverSpec, Side};

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
