//! RFC 9260 §5.1, §6.3.3: INIT is retransmitted with a doubling RTO until
//! Max.Init.Retransmits, then the association fails with InitFailed.
#![allow(clippy::unwrap_used)]

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use common::Pair;
use usctp_proto::{AssociationConfig, CloseReason, Event};
use usctp_sim::{EventKind, LinkConfig};

#[test]
fn init_gives_up_after_max_init_retransmits() {
    let mut cfg = AssociationConfig::default();
    cfg.max_init_retransmits = 3;
    let mut p = Pair::new(
        3,
        1,
        LinkConfig::with_latency(Duration::from_millis(5)),
        cfg,
    );
    p.sim.link_mut(p.links[0]).down_at(Duration::ZERO);
    let sends = Rc::new(RefCell::new(Vec::new()));
    let s2 = sends.clone();
    p.sim.observe(move |e: &usctp_sim::Event<'_>| {
        if e.kind == EventKind::Sent {
            s2.borrow_mut().push(e.time);
        }
    });
    let id = p.connect();
    let client = p.client;
    let failed = p.sim.run_until_cond(Duration::from_secs(60), |s| {
        s.node(client)
            .events_of(id)
            .any(|e| *e == Event::Closed(CloseReason::InitFailed))
    });
    assert!(failed);
    let times = sends.borrow();
    assert_eq!(times.len(), 4, "1 INIT + 3 retransmissions: {times:?}");
    // RTO 1 s, then 2 s, 4 s (RFC 9260 §6.3.3 E2).
    let gaps: Vec<_> = times
        .windows(2)
        .map(|w| (w[1] - w[0]).as_millis())
        .collect();
    assert_eq!(gaps, vec![1000, 2000, 4000]);
    assert_eq!(p.sim.node(client).ep.association_count(), 0);
}

#[test]
fn init_retransmission_recovers_when_the_link_comes_up() {
    let mut p = Pair::new(
        4,
        1,
        LinkConfig::with_latency(Duration::from_millis(5)),
        AssociationConfig::default(),
    );
    p.sim
        .link_mut(p.links[0])
        .cut(Duration::ZERO, Duration::from_millis(2500));
    p.establish();
    assert!(p.sim.elapsed() >= Duration::from_secs(3));
}
