//! Links go down and come back on schedule; while down they drop both directions, in-flight
//! datagrams included.

mod common;

use common::{ms, ping_pair, record, Echo};
use usctp_sim::{Direction, DropReason, EventKind, LinkConfig};

#[test]
fn cut_and_restore() {
    // A ping every 10 ms for 1 s over 5 ms each way; the link is down from 300 to 600 ms.
    let (mut sim, p, _, link) = ping_pair(
        12,
        LinkConfig::with_latency(ms(5)),
        ms(10),
        100,
        Echo::default(),
    );
    sim.link_mut(link).cut(ms(300), ms(600));
    let log = record(&mut sim);
    sim.run_for(ms(1100));
    let replied: Vec<u64> = sim.node(p).replies.iter().map(|r| r.seq).collect();
    // Ping 29 (290 ms) reaches the echo at 295 ms but its reply is due at 300 ms: lost in
    // flight. Ping 60 (600 ms) is the first to cross again.
    let expected: Vec<u64> = (0..=28).chain(60..100).collect();
    assert_eq!(replied, expected);
    let log = log.borrow();
    let down = |r: &&common::Record| r.time >= ms(300) && r.time < ms(600);
    assert!(!log
        .iter()
        .filter(down)
        .any(|r| r.kind == EventKind::Delivered));
    let link = sim.link(link);
    assert_eq!(
        link.stats(Direction::AToB).dropped.link_down,
        30,
        "pings 30..=59"
    );
    assert_eq!(
        link.stats(Direction::BToA).dropped.link_down,
        1,
        "the reply to ping 29"
    );
    let dropped = log
        .iter()
        .filter(|r| r.kind == EventKind::Dropped(DropReason::LinkDown))
        .count();
    assert_eq!(dropped, 31);
}

#[test]
fn down_and_up_scheduled_while_running() {
    let (mut sim, p, e, link) = ping_pair(
        13,
        LinkConfig::with_latency(ms(1)),
        ms(10),
        50,
        Echo::default(),
    );
    sim.run_until(ms(50));
    assert!(sim.link(link).is_up_at(ms(50)));
    sim.link_mut(link).down_at(ms(100));
    sim.run_until(ms(250));
    assert!(!sim.link(link).is_up_at(sim.elapsed()));
    sim.link_mut(link).up_at(ms(300));
    sim.run_until(ms(600));
    let seqs: Vec<u64> = sim.node(e).arrivals.iter().map(|a| a.seq).collect();
    let expected: Vec<u64> = (0..10).chain(30..50).collect();
    assert_eq!(seqs, expected);
    assert_eq!(sim.node(p).replies.len(), 30);
}
