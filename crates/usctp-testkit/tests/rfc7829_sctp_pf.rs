//! RFC 7829 SCTP-PF: with PotentiallyFailed.Max.Retrans 0 the first T3 expiry moves data to
//! the alternate path; with 2, only the third. Every path transition is reported:
//! confirmed, potentially failed, inactive, active again.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

use std::time::Duration;

use usctp_proto::PathId;
use usctp_proto::{Event, PathState};
use usctp_testkit::{run_failover, FailoverReport, FailoverSpec, Side};

fn spec(pfmr: Option<u32>, cut: &str) -> FailoverSpec {
    let mut s = FailoverSpec {
        seed: 11,
        duration: Duration::from_secs(30),
        cuts: vec![cut.parse().unwrap()],
        ..FailoverSpec::default()
    };
    s.assoc.pf_max_retrans = pfmr;
    s
}

/// When the client's path 0 first entered `state`.
fn first(r: &FailoverReport, state: PathState) -> Option<Duration> {
    r.events
        .iter()
        .find(|e| {
            e.side == Side::Client
                && matches!(e.event, Event::PathStateChanged { path: PathId(0), state: s, .. } if s == state)
        })
        .map(|e| e.at)
}

#[test]
fn pfmr_0_fails_over_after_one_timeout() {
    let r = run_failover(&spec(Some(0), "0@5000"));
    assert!(r.is_clean(), "{r}");
    let pf = first(&r, PathState::PotentiallyFailed).unwrap();
    assert!(
        pf - Duration::from_secs(5) <= Duration::from_millis(1050),
        "{pf:?}"
    );
    assert!(r.failover.unwrap() < Duration::from_millis(1100), "{r}");
}

#[test]
fn pfmr_2_fails_over_after_three_timeouts() {
    let r = run_failover(&spec(Some(2), "0@5000"));
    assert!(r.is_clean(), "{r}");
    let pf = first(&r, PathState::PotentiallyFailed).unwrap();
    // Three T3 expiries with back-off: 1 + 2 + 4 s.
    let after = pf - Duration::from_secs(5);
    assert!(
        after >= Duration::from_secs(6) && after < Duration::from_millis(7100),
        "{after:?}"
    );
    // New data stayed on the primary until then (RFC 9260 §6.4: only retransmissions move).
    assert!(r.max_latency >= Duration::from_secs(6), "{r}");
}

#[test]
fn every_transition_is_reported() {
    let mut s = spec(Some(0), "0@3000..15000");
    s.assoc.path_max_retrans = 2;
    let r = run_failover(&s);
    assert!(r.is_clean(), "{r}");
    let states: Vec<PathState> = r
        .events
        .iter()
        .filter(|e| e.side == Side::Client)
        .filter_map(|e| match e.event {
            Event::PathStateChanged {
                path: PathId(0),
                state,
                ..
            } => Some(state),
            _ => None,
        })
        .collect();
    assert_eq!(
        states,
        [
            PathState::PotentiallyFailed,
            PathState::Inactive,
            PathState::Active
        ]
    );
    // Path 1 was confirmed by a HEARTBEAT ACK right after setup.
    assert!(r.events.iter().any(|e| e.side == Side::Client
        && matches!(
            e.event,
            Event::PathStateChanged {
                path: PathId(1),
                state: PathState::Active,
                ..
            }
        )
        && e.at < Duration::from_millis(200)));
}

#[test]
fn pf_off_still_fails_over_at_path_max_retrans() {
    let mut s = spec(None, "0@3000");
    s.assoc.path_max_retrans = 1;
    let r = run_failover(&s);
    assert!(r.is_clean(), "{r}");
    assert!(first(&r, PathState::PotentiallyFailed).is_none());
    assert!(first(&r, PathState::Inactive).is_some());
}
