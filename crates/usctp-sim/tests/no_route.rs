//! A datagram with no link between its source and destination is dropped as "no route".

mod common;

use common::{ms, record, v4, Sender};
use usctp_sim::{Addr, DropReason, EventKind, LinkConfig, Sim};

#[test]
fn no_route_drops() {
    let mut sim = Sim::new(14);
    let (a1, a2, b, c) = (v4(0, 1), v4(1, 1), v4(0, 2), v4(0, 3));
    let s = sim.add_node(Sender::default(), [a1, a2]);
    let rb = sim.add_node(Sender::default(), [b]);
    sim.add_node(Sender::default(), [c]);
    let link = sim.add_link(a1, b, LinkConfig::default());
    let log = record(&mut sim);

    Sender::send(&mut sim, s, Addr::raw(a1), Addr::raw(b), 10); // the one path
    Sender::send(&mut sim, s, Addr::raw(a1), Addr::raw(c), 10); // a host, but no link
    Sender::send(&mut sim, s, Addr::raw(a2), Addr::raw(b), 10); // wrong source address
    Sender::send(&mut sim, s, Addr::raw(a1), Addr::raw(v4(9, 9)), 10); // nobody's address
    Sender::send(&mut sim, s, Addr::raw(b), Addr::raw(a1), 10); // spoofed source
    sim.run_for(ms(10));

    assert_eq!(sim.node(rb).received.len(), 1);
    let stats = sim.stats();
    assert_eq!(
        (stats.sent, stats.delivered, stats.dropped.no_route),
        (5, 1, 4)
    );
    assert_eq!(stats.dropped.total(), 4);
    let l = sim.link(link);
    let ends = l.ends();
    assert_eq!(ends, (a1, b));
    let ab = l.stats(l.direction_from(a1).expect("a1 is an end"));
    assert_eq!((ab.sent, ab.delivered, ab.dropped.total()), (1, 1, 0));
    let log = log.borrow();
    let no_route: Vec<_> = log
        .iter()
        .filter(|r| r.kind == EventKind::Dropped(DropReason::NoRoute))
        .collect();
    assert_eq!(no_route.len(), 4);
    assert!(no_route.iter().all(|r| r.link.is_none() && r.time == ms(0)));
}
