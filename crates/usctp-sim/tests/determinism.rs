//! The same seed reproduces a run exactly; another seed gives another run.

mod common;

use common::{ms, record, Echo, Record};
use usctp_sim::{GilbertElliott, LinkConfig};

/// A run that uses every random feature, in both directions.
fn run(seed: u64) -> (u64, Vec<Record>) {
    let config = LinkConfig {
        latency: ms(10),
        jitter: ms(5),
        loss: 0.05,
        burst_loss: Some(GilbertElliott::bursts(0.02, 0.3)),
        reorder: 0.05,
        reorder_delay: ms(7),
        duplicate: 0.05,
        bandwidth_bps: Some(10_000_000),
        queue_limit: 4000,
        ..LinkConfig::default()
    };
    let (mut sim, p, _, _) = common::ping_pair(seed, config, ms(1), 500, Echo::default());
    sim.with_node(p, |p, _| p.burst = 3);
    let log = record(&mut sim);
    sim.run_for(ms(1000));
    let log = log.borrow().clone();
    (sim.trace_hash(), log)
}

#[test]
fn same_seed_same_trace() {
    let (h1, log1) = run(42);
    let (h2, log2) = run(42);
    assert_eq!(h1, h2);
    assert_eq!(log1, log2);
    assert!(log1.len() > 3000);
}

#[test]
fn other_seed_other_trace() {
    let (h1, log1) = run(42);
    let (h2, log2) = run(43);
    assert_ne!(h1, h2);
    assert_ne!(log1, log2);
}
