//! An adversarial peer that plays every trick of SECURITY.md against a server that also
//! serves an honest client (`usctp_testkit::fuzzing::check_adversary`): the server's memory stays
//! within its configured limits and the honest client's messages all arrive.
//!
//! CI runs a few seeds; `USCTP_SEEDS=N` runs N (the full campaign is 10,000:
//! `USCTP_SEEDS=10000 cargo test --release -p usctp-testkit --test security_adversarial_peer`).
//! A failure names its seed; `USCTP_SEED=S` reruns that one.

use usctp_testkit::fuzzing::check_adversary;

#[test]
fn adversarial_peer_leaves_memory_bounded_and_honest_traffic_flowing() {
    if let Some(seed) = std::env::var("USCTP_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return check_adversary(seed);
    }
    let seeds: u64 = std::env::var("USCTP_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 300 } else { 1000 });
    for seed in 0..seeds {
        check_adversary(seed);
    }
    println!("{seeds} seeds passed");
}

/// Seeds that once failed: 320 made a second association listing the honest client's
/// address and port (its INIT predated the honest association; the COOKIE ECHO came after).
#[test]
fn adversarial_peer_regression_seeds() {
    const SEEDS: &[u64] = &[320];
    SEEDS.iter().copied().for_each(check_adversary);
}
