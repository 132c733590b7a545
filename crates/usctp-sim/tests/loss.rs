//! Random loss hits its rate; Gilbert-Elliott loss comes in bursts; counters and observers
//! agree.

mod common;

use common::{ms, ping_pair, record, Echo};
use usctp_sim::{Direction, DropReason, EventKind, GilbertElliott, LinkConfig};

const N: u64 = 10_000;

/// Lengths of the runs of consecutive sequence numbers missing from `got` (sorted) in 0..n.
fn loss_runs(got: &[u64], n: u64) -> Vec<u64> {
    let mut runs = Vec::new();
    let mut expected = 0;
    for &seq in got.iter().chain(std::iter::once(&n)) {
        if seq > expected {
            runs.push(seq - expected);
        }
        expected = seq + 1;
    }
    runs
}

fn one_way_loss(seed: u64, config: LinkConfig) -> (Vec<u64>, usctp_sim::Stats) {
    let (mut sim, _, e, link) = ping_pair(seed, LinkConfig::default(), ms(1), N, Echo::silent());
    *sim.link_mut(link).config_mut(Direction::AToB) = config;
    sim.run_for(ms(N + 100));
    let got = sim.node(e).arrivals.iter().map(|a| a.seq).collect();
    (got, *sim.link(link).stats(Direction::AToB))
}

#[test]
fn random_loss_rate() {
    let (got, stats) = one_way_loss(
        3,
        LinkConfig {
            loss: 0.1,
            ..LinkConfig::default()
        },
    );
    let lost = N - got.len() as u64;
    // Expected 1000, standard deviation 30.
    assert!((900..=1100).contains(&lost), "lost {lost}");
    assert_eq!(stats.sent, N);
    assert_eq!(stats.delivered, N - lost);
    assert_eq!(stats.dropped.random_loss, lost);
    assert_eq!(stats.dropped.total(), lost);
    let runs = loss_runs(&got, N);
    let mean = lost as f64 / runs.len() as f64;
    assert!(
        mean < 1.3,
        "independent losses are mostly single: mean run {mean}"
    );
}

#[test]
fn burst_loss_comes_in_runs() {
    // Mean burst 1 / 0.25 = 4 packets; bad share 0.01 / 0.26, about 3.8 %.
    let ge = GilbertElliott::bursts(0.01, 0.25);
    let (got, stats) = one_way_loss(
        4,
        LinkConfig {
            burst_loss: Some(ge),
            ..LinkConfig::default()
        },
    );
    let lost = N - got.len() as u64;
    assert!((250..=550).contains(&lost), "lost {lost}");
    assert_eq!(stats.dropped.burst_loss, lost);
    let runs = loss_runs(&got, N);
    let mean = lost as f64 / runs.len() as f64;
    assert!((3.0..=5.0).contains(&mean), "mean run {mean}");
    assert!(runs.iter().any(|&r| r >= 10), "some long bursts: {runs:?}");
}

#[test]
fn observer_agrees_with_counters() {
    let config = LinkConfig {
        loss: 0.2,
        ..LinkConfig::default()
    };
    let (mut sim, p, _, link) = ping_pair(5, config, ms(1), 1000, Echo::default());
    let log = record(&mut sim);
    sim.run_for(ms(1100));
    let log = log.borrow();
    let count = |k: EventKind| log.iter().filter(|r| r.kind == k).count() as u64;
    let (ab, ba) = (
        sim.link(link).stats(Direction::AToB),
        sim.link(link).stats(Direction::BToA),
    );
    assert_eq!(count(EventKind::Sent), ab.sent + ba.sent);
    assert_eq!(count(EventKind::Delivered), ab.delivered + ba.delivered);
    let lost = count(EventKind::Dropped(DropReason::RandomLoss));
    assert_eq!(lost, ab.dropped.random_loss + ba.dropped.random_loss);
    assert_eq!(*sim.stats(), {
        let mut s = *ab;
        s.sent += ba.sent;
        s.bytes_sent += ba.bytes_sent;
        s.delivered += ba.delivered;
        s.bytes_delivered += ba.bytes_delivered;
        s.dropped.random_loss += ba.dropped.random_loss;
        s
    });
    // Both directions lose: about 0.8 * 0.8 of the pings come back.
    let replies = sim.node(p).replies.len();
    assert!((580..=700).contains(&replies), "replies {replies}");
    assert_eq!(ab.bytes_sent, 100 * ab.sent);
}
