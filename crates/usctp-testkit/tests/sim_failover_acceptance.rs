//! The acceptance numbers for `sim_failover` (virtual time, so deterministic):
//! RFC 9260 §6.4.1 failover with SCTP-PF (RFC 7829) at 20 ms RTT, 2 paths, 100 msgs/s.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

use std::time::Duration;

use usctp_proto::{Event, PathState};
use usctp_testkit::{run_failover, FailoverSpec, Side};

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
fn rfc7829_5_restored_primary_is_used_again_within_10s_at_default_timers() {
    // At RFC timers the probes of a failed path back off to RTO.Max (60 s); capped at
    // `failed_probe_interval_max`, the primary restored at 25 s is found within 10 s.
    let r = run_failover(&spec(&["0@10000..25000"], 2));
    assert!(r.is_clean(), "{r}");
    assert_eq!(r.switchback, Some(true), "{r}");
    let back = r.events.iter().find(|e| {
        e.side == Side::Client
            && e.at >= Duration::from_secs(25)
            && matches!(e.event, Event::PathStateChanged { path, state: PathState::Active, .. } if path.0 == 0)
    });
    let back = back.map(|e| e.at);
    assert!(
        back.is_some_and(|t| t < Duration::from_secs(35)),
        "path 0 active again at {back:?}: {r}"
    );
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
