//! Latency is exact, jitter stays within its bound and never reorders.

mod common;

use common::{ms, one_way, ping_pair, Echo};
use usctp_sim::{Direction, LinkConfig};

#[test]
fn fixed_latency_gives_exact_delays() {
    let (mut sim, p, e, _) = ping_pair(
        1,
        LinkConfig::with_latency(ms(25)),
        ms(100),
        10,
        Echo::default(),
    );
    sim.run_for(ms(2000));
    let pinger = sim.node(p);
    assert_eq!(pinger.replies.len(), 10);
    assert!(pinger.replies.iter().all(|r| pinger.rtt(r) == ms(50)));
    assert!(one_way(&sim, p, e).iter().all(|&d| d == ms(25)));
    // The last reply arrives 50 ms after the last ping at 900 ms.
    assert_eq!(sim.since_start(pinger.replies[9].at), ms(950));
}

#[test]
fn asymmetric_latency() {
    let (mut sim, p, _, link) = ping_pair(1, LinkConfig::default(), ms(10), 5, Echo::default());
    sim.link_mut(link).config_mut(Direction::AToB).latency = ms(10);
    sim.link_mut(link).config_mut(Direction::BToA).latency = ms(30);
    sim.run_for(ms(200));
    let pinger = sim.node(p);
    assert_eq!(pinger.replies.len(), 5);
    assert!(pinger.replies.iter().all(|r| pinger.rtt(r) == ms(40)));
}

#[test]
fn jitter_is_bounded_and_keeps_order() {
    let config = LinkConfig {
        latency: ms(20),
        jitter: ms(10),
        ..LinkConfig::default()
    };
    // Pings every 1 ms, much closer than the jitter, so unordered jitter would reorder.
    let (mut sim, p, e, _) = ping_pair(2, config, ms(1), 2000, Echo::silent());
    sim.run_for(ms(3000));
    let delays = one_way(&sim, p, e);
    assert_eq!(delays.len(), 2000);
    assert!(
        delays.iter().all(|&d| d >= ms(20) && d <= ms(30)),
        "{delays:?}"
    );
    let (min, max) = (delays.iter().min(), delays.iter().max());
    assert!(
        min < Some(&ms(21)) && max > Some(&ms(29)),
        "jitter spreads: {min:?}..{max:?}"
    );
    let seqs: Vec<u64> = sim.node(e).arrivals.iter().map(|a| a.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "jitter alone never reorders"
    );
}
