//! Bandwidth adds serialisation delay behind a FIFO queue with tail drop.

mod common;

use common::{ms, record, v4, Sender};
use usctp_sim::{Addr, Direction, DropReason, EventKind, LinkConfig, Sim};

#[test]
fn serialisation_delay_and_tail_drop() {
    let (a, b) = (v4(0, 1), v4(0, 2));
    let mut sim = Sim::new(10);
    let s = sim.add_node(Sender::default(), [a]);
    let r = sim.add_node(Sender::default(), [b]);
    // 1 Mbit/s: a 1250-byte datagram (1230 payload + 20 IPv4) takes 10 ms.
    let config = LinkConfig {
        latency: ms(5),
        bandwidth_bps: Some(1_000_000),
        queue_limit: 3 * 1250,
        ..LinkConfig::default()
    };
    let link = sim.add_link(a, b, config);
    let log = record(&mut sim);
    for _ in 0..5 {
        Sender::send(&mut sim, s, Addr::raw(a), Addr::raw(b), 1230);
    }
    sim.run_for(ms(100));
    let at: Vec<_> = sim
        .node(r)
        .received
        .iter()
        .map(|x| sim.since_start(x.at))
        .collect();
    assert_eq!(at, [ms(15), ms(25), ms(35)]);
    let stats = sim.link(link).stats(Direction::AToB);
    assert_eq!(
        (stats.sent, stats.delivered, stats.dropped.queue_full),
        (5, 3, 2)
    );
    let tail: Vec<_> = log
        .borrow()
        .iter()
        .filter(|e| e.kind == EventKind::Dropped(DropReason::QueueFull))
        .map(|e| e.id.0)
        .collect();
    assert_eq!(tail, [3, 4], "the last two are tail-dropped");

    // The queue has drained: the next datagram only pays its own serialisation.
    Sender::send(&mut sim, s, Addr::raw(a), Addr::raw(b), 1230);
    sim.run_for(ms(100));
    assert_eq!(sim.since_start(sim.node(r).received[3].at), ms(100 + 15));
}

#[test]
fn queue_drains_at_line_rate() {
    let (a, b) = (v4(0, 1), v4(0, 2));
    let mut sim = Sim::new(11);
    let s = sim.add_node(Sender::default(), [a]);
    let r = sim.add_node(Sender::default(), [b]);
    let config = LinkConfig {
        bandwidth_bps: Some(8_000_000),
        ..LinkConfig::default()
    };
    sim.add_link(a, b, config);
    // 8 Mbit/s: 1000 wire bytes take 1 ms; 50 of them, well within the 64 KiB queue.
    for _ in 0..50 {
        Sender::send(&mut sim, s, Addr::raw(a), Addr::raw(b), 980);
    }
    sim.run_for(ms(100));
    let got = &sim.node(r).received;
    assert_eq!(got.len(), 50);
    assert!(got
        .iter()
        .enumerate()
        .all(|(i, x)| sim.since_start(x.at) == ms(i as u64 + 1)));
}
