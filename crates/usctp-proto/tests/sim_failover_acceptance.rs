//! The acceptance numbers for `sim_failover` (virtual time, so deterministic):
//! RFC 9260 §6.4.1 failover with SCTP-PF (RFC 7829) at 20 ms RTT, 2 paths, 100 msgs/s.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

use std::time::Duration;

use usctp_sim::{run_failover, FailoverSpec};

fn spec(cuts: &[&str], paths: usize) -> FailoverSpec {
    FailoverSpec {
        seed: 1,
        rtt: Duration::from_millis(20),
        paths,
        rate: 100,
        duration: Duration::from_secs(40),
        cuts: cuts.iter().map(|c| c.parse().unwrap()).collect(),
        ..FailoverSpec::default()
    }
}

#[test]
fn default_timers_primary_cut_15s_nothing_lost_latency_under_1500ms() {
    let r = run_failover(&spec(&["0@10000..25000"], 2));
    assert!(r.is_clean(), "{r}");
    assert_eq!(r.sent, 3996);
    assert!(r.max_latency < Duration::from_millis(1500), "{r}");
}

#[test]
fn fast_timers_primary_cut_latency_under_300ms() {
    let mut s = spec(&["0@10000..25000"], 2);
    s.assoc.rto_min = Duration::from_millis(100);
    s.assoc.rto_initial = Duration::from_millis(200);
    let r = run_failover(&s);
    assert!(r.is_clean(), "{r}");
    assert!(r.max_latency < Duration::from_millis(300), "{r}");
    assert_eq!(r.switchback, Some(true), "{r}");
}

#[test]
fn three_paths_two_cut_overlapping_nothing_lost() {
    let r = run_failover(&spec(&["0@5000..20000", "1@10000..30000"], 3));
    assert!(r.is_clean(), "{r}");
    assert!(r.max_latency < Duration::from_millis(1500), "{r}");
}
