//! Duplication delivers about the configured share twice, under the same packet id.

mod common;

use std::collections::HashMap;

use common::{ms, ping_pair, record, Echo};
use usctp_sim::{Direction, EventKind, LinkConfig};

#[test]
fn duplicate_rate() {
    const N: u64 = 10_000;
    let (mut sim, _, e, link) = ping_pair(7, LinkConfig::default(), ms(1), N, Echo::silent());
    let ab = sim.link_mut(link).config_mut(Direction::AToB);
    ab.duplicate = 0.05;
    ab.jitter = ms(3);
    let log = record(&mut sim);
    sim.run_for(ms(N + 100));
    let extra = sim.node(e).arrivals.len() as u64 - N;
    // Expected 500, standard deviation about 22.
    assert!((420..=580).contains(&extra), "duplicates {extra}");
    let stats = sim.link(link).stats(Direction::AToB);
    assert_eq!((stats.duplicated, stats.delivered), (extra, N + extra));
    let mut per_id = HashMap::new();
    for r in log
        .borrow()
        .iter()
        .filter(|r| r.kind == EventKind::Delivered)
    {
        *per_id.entry(r.id).or_insert(0) += 1;
    }
    assert_eq!(per_id.len() as u64, N);
    assert_eq!(per_id.values().filter(|&&n| n == 2).count() as u64, extra);
    assert!(per_id.values().all(|&n| n <= 2));
}
