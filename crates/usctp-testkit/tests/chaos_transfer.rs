//! Property test: across many seeds with loss up to 20%, reordering and duplication, every
//! message is delivered exactly once, intact, in order per stream, and the association
//! closes gracefully. `USCTP_SEEDS=N` runs more seeds (the long run is 10,000).

use std::time::Duration;

use usctp_testkit::{run_transfer, TransferSpec};

fn spec(seed: u64) -> TransferSpec {
    // Derive the conditions from the seed so one number reproduces a case.
    let r = |k: u64| ((seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (k * 8)) & 0xff) as f64 / 255.0;
    TransferSpec {
        seed,
        loss: 0.2 * r(0),
        reorder: 0.1 * r(1),
        duplicate: 0.1 * r(2),
        messages: 20 + (seed % 40) as usize,
        size: [16, 100, 1200, 3000, 9000][(seed % 5) as usize],
        unordered: seed % 7 == 0,
        streams: 1 + (seed % 4) as u16,
        latency: Duration::from_millis(1 + seed % 50),
        ..TransferSpec::default()
    }
}

#[test]
fn every_message_exactly_once_in_order_and_graceful_close() {
    let seeds: u64 = std::env::var("USCTP_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let start: u64 = std::env::var("USCTP_SEED_START")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for seed in start..start + seeds {
        let s = spec(seed);
        let r = run_transfer(&s);
        assert!(
            r.is_perfect() && r.sent == s.messages,
            "seed {seed} ({s:?}): {r}"
        );
    }
}
