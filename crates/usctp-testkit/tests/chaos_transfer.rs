//! Property test: across many seeds with loss up to 20%, reordering and duplication, every
//! message is delivered exactly once, intact, in order per stream, and the association
//! closes gracefully; with PR-SCTP policies, every message is delivered once in order or
//! reported abandoned; the same with I-DATA (RFC 8260), alone and with PR-SCTP.
//! `USCTP_SEEDS=N` runs more seeds (the long run is 10,000).

use std::time::Duration;

use usctp_proto::Extensions;
use usctp_testkit::{run_transfer, PrPolicy, TransferSpec};

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

/// `USCTP_SEEDS` seeds (default `n`) from `USCTP_SEED_START` (default 0).
fn seeds(n: u64) -> std::ops::Range<u64> {
    let var = |name: &str| std::env::var(name).ok().and_then(|s| s.parse::<u64>().ok());
    let start = var("USCTP_SEED_START").unwrap_or(0);
    start..start + var("USCTP_SEEDS").unwrap_or(n)
}

#[test]
fn every_message_exactly_once_in_order_and_graceful_close() {
    for seed in seeds(500) {
        let s = spec(seed);
        let r = run_transfer(&s);
        assert!(
            r.is_perfect() && r.sent == s.messages,
            "seed {seed} ({s:?}): {r}"
        );
    }
}

/// The same conditions with every message partially reliable (RFC 3758, RFC 7496): a lifetime
/// or a retransmission limit derived from the seed.
fn pr_spec(seed: u64) -> TransferSpec {
    let pr = match seed % 4 {
        0 => PrPolicy::Rtx(0),
        1 => PrPolicy::Rtx(1 + (seed / 4 % 3) as u32),
        2 => PrPolicy::Ttl(Duration::from_millis(100 + seed % 900)),
        _ => PrPolicy::Ttl(Duration::from_secs(2 + seed % 5)),
    };
    TransferSpec {
        pr: Some(pr),
        ..spec(seed)
    }
}

#[test]
fn with_pr_sctp_every_message_is_delivered_once_in_order_or_abandoned() {
    let seeds = seeds(300);
    let count = seeds.end - seeds.start;
    let (mut abandoned, mut both) = (0, 0);
    for seed in seeds {
        let s = pr_spec(seed);
        let r = run_transfer(&s);
        assert!(
            r.is_consistent() && r.sent == s.messages,
            "seed {seed} ({s:?}): {r}"
        );
        abandoned += r.abandoned;
        both += r.abandoned_and_delivered;
    }
    eprintln!("{count} seeds: {abandoned} messages abandoned, {both} of them delivered too");
    assert!(
        abandoned > 0,
        "no message was abandoned: the policies went unexercised"
    );
}

/// `s` with I-DATA offered by both ends (RFC 8260).
fn with_i_data(mut s: TransferSpec) -> TransferSpec {
    s.assoc.extensions = s.assoc.extensions.with(Extensions::I_DATA);
    s
}

#[test]
fn with_i_data_every_message_exactly_once_in_order_and_graceful_close() {
    for seed in seeds(150) {
        let s = with_i_data(spec(seed));
        let r = run_transfer(&s);
        assert!(
            r.is_perfect() && r.sent == s.messages,
            "seed {seed} ({s:?}): {r}"
        );
    }
}

#[test]
fn with_i_data_and_pr_sctp_every_message_is_delivered_once_in_order_or_abandoned() {
    let mut abandoned = 0;
    for seed in seeds(150) {
        let s = with_i_data(pr_spec(seed));
        let r = run_transfer(&s);
        assert!(
            r.is_consistent() && r.sent == s.messages,
            "seed {seed} ({s:?}): {r}"
        );
        abandoned += r.abandoned;
    }
    assert!(abandoned > 0, "the policies went unexercised");
}
