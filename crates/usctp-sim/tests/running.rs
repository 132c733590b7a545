//! Driving the simulation: steps, deadlines, predicates, caller actions on nodes.

mod common;

use std::time::{Duration, Instant};

use common::{ms, ping_pair, v4, Echo};
use usctp_sim::{Datagram, LinkConfig, Node, Sim};

/// A node with a settable deadline that counts its expiries.
#[derive(Default)]
struct Alarm {
    deadline: Option<Instant>,
    fired: Vec<Instant>,
}

impl Node for Alarm {
    fn handle_datagram(&mut self, _now: Instant, _d: Datagram) {}
    fn poll_transmit(&mut self, _now: Instant) -> Option<Datagram> {
        None
    }
    fn poll_timeout(&mut self) -> Option<Instant> {
        self.deadline
    }
    fn handle_timeout(&mut self, now: Instant) {
        self.deadline = None;
        self.fired.push(now);
    }
}

#[test]
fn clock_moves_only_by_events() {
    let mut sim = Sim::new(16);
    assert_eq!(sim.elapsed(), Duration::ZERO);
    assert_eq!(sim.seed(), 16);
    assert!(!sim.step(), "nothing scheduled");
    sim.run_for(ms(250));
    assert_eq!(sim.elapsed(), ms(250));
    assert_eq!(sim.now(), sim.instant_at(ms(250)));
    assert_eq!(sim.since_start(sim.now()), ms(250));
}

#[test]
fn deadlines_are_replaced_not_stacked() {
    let mut sim = Sim::new(17);
    let a = sim.add_node(Alarm::default(), [v4(0, 1)]);
    assert!(sim.step(), "the start event");
    let t100 = sim.instant_at(ms(100));
    sim.with_node(a, |n, _| n.deadline = Some(t100));
    assert_eq!(sim.next_event_time(), Some(ms(100)));
    let t50 = sim.instant_at(ms(50));
    sim.with_node(a, |n, _| n.deadline = Some(t50));
    assert_eq!(sim.next_event_time(), Some(ms(50)));
    sim.run_for(ms(500));
    assert_eq!(
        sim.node(a).fired,
        [t50],
        "the superseded 100 ms deadline never fires"
    );
    // A deadline in the past fires at the current time.
    sim.with_node(a, |n, now| n.deadline = Some(now - ms(10)));
    assert!(sim.step());
    assert_eq!(sim.node(a).fired.last(), Some(&sim.instant_at(ms(500))));
}

#[test]
fn run_until_predicate() {
    let (mut sim, p, _, _) = ping_pair(
        18,
        LinkConfig::with_latency(ms(5)),
        ms(10),
        100,
        Echo::default(),
    );
    assert!(sim.run_until_cond(ms(1000), |sim| sim.node(p).replies.len() == 3));
    assert_eq!(
        sim.elapsed(),
        ms(30),
        "the third reply: ping at 20 ms + 10 ms"
    );
    assert!(!sim.run_until_cond(ms(100), |sim| sim.node(p).replies.len() >= 50));
    assert_eq!(sim.elapsed(), ms(130), "stopped at the time cap");
    sim.set_step_limit(5);
    assert!(!sim.run_until_cond(ms(1000), |sim| sim.node(p).replies.len() >= 50));
    assert!(sim.elapsed() < ms(200), "stopped by the step cap");
}

#[test]
#[should_panic(expected = "step limit")]
fn livelock_is_caught() {
    /// Keeps a deadline that has passed: a broken node.
    struct Spin(Instant);
    impl Node for Spin {
        fn handle_datagram(&mut self, _: Instant, _: Datagram) {}
        fn poll_transmit(&mut self, _: Instant) -> Option<Datagram> {
            None
        }
        fn poll_timeout(&mut self) -> Option<Instant> {
            Some(self.0)
        }
    }
    let mut sim = Sim::new(19);
    sim.add_node(Spin(sim.now()), [v4(0, 1)]);
    sim.set_step_limit(1000);
    sim.run_for(ms(1));
}
