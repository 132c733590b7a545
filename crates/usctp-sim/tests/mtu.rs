//! The MTU counts IP and UDP headers: 20/40 bytes of IP, 8 more with UDP encapsulation.

mod common;

use common::{ms, record, v4, v6, Sender};
use usctp_sim::{Addr, Direction, DropReason, EventKind, LinkConfig, Sim};

/// Largest payload that passes the default MTU of 1500 from `a` to `b`.
fn largest_payload(a: Addr, b: Addr) -> usize {
    let mut sim = Sim::new(8);
    let s = sim.add_node(Sender::default(), [a.ip]);
    sim.add_node(Sender::default(), [b.ip]);
    let link = sim.add_link(a.ip, b.ip, LinkConfig::default());
    let log = record(&mut sim);
    for size in 1400..1500 {
        Sender::send(&mut sim, s, a, b, size);
    }
    sim.run_for(ms(10));
    let log = log.borrow();
    let sizes = |kind| {
        log.iter()
            .filter(move |r| r.kind == kind)
            .map(|r| r.datagram.payload.len())
    };
    let largest = sizes(EventKind::Delivered).max().unwrap_or(0);
    let smallest_dropped = sizes(EventKind::Dropped(DropReason::Mtu)).min();
    assert_eq!(smallest_dropped, Some(largest + 1));
    let stats = sim.link(link).stats(Direction::AToB);
    assert_eq!(stats.dropped.mtu + stats.delivered, 100);
    largest
}

#[test]
fn mtu_counts_headers() {
    let (a4, b4, a6, b6) = (v4(0, 1), v4(0, 2), v6(1), v6(2));
    assert_eq!(largest_payload(Addr::raw(a4), Addr::raw(b4)), 1480);
    assert_eq!(
        largest_payload(Addr::udp(a4, 9899), Addr::udp(b4, 9899)),
        1472
    );
    assert_eq!(largest_payload(Addr::raw(a6), Addr::raw(b6)), 1460);
    assert_eq!(
        largest_payload(Addr::udp(a6, 9899), Addr::udp(b6, 9899)),
        1452
    );
}

#[test]
fn mtu_change_at_runtime() {
    let (a, b) = (v6(1), v6(2));
    let mut sim = Sim::new(9);
    let s = sim.add_node(Sender::default(), [a]);
    let r = sim.add_node(Sender::default(), [b]);
    let link = sim.add_link(a, b, LinkConfig::default());
    let log = record(&mut sim);
    Sender::send(&mut sim, s, Addr::raw(a), Addr::raw(b), 1400);
    sim.link_mut(link).config_mut(Direction::AToB).mtu = Some(1280);
    Sender::send(&mut sim, s, Addr::raw(a), Addr::raw(b), 1400);
    Sender::send(&mut sim, s, Addr::raw(a), Addr::raw(b), 1240);
    // The other direction keeps 1500.
    Sender::send(&mut sim, r, Addr::raw(b), Addr::raw(a), 1400);
    sim.run_for(ms(1));
    assert_eq!(sim.node(r).received.len(), 2);
    assert_eq!(sim.node(s).received.len(), 1);
    let drops: Vec<_> = log
        .borrow()
        .iter()
        .filter(|e| e.kind == EventKind::Dropped(DropReason::Mtu))
        .map(|e| e.datagram.payload.len())
        .collect();
    assert_eq!(drops, [1400]);
}
