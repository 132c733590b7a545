//! RFC 9260 §6.4.1 failover: the primary path is cut during a bulk transfer; data continues
//! on the alternate path and nothing is lost; with restore, new data switches back to the
//! primary (configurable: `primary_switch_back`).
#![allow(clippy::unwrap_used)] // tests: a failure should panic

use std::time::Duration;

use usctp_proto::PathId;
use usctp_proto::{Event, PathState};
use usctp_testkit::{run_failover, FailoverSpec, Side};

fn bulk(cuts: &[&str]) -> FailoverSpec {
    FailoverSpec {
        seed: 7,
        rate: 500,
        size: 1000,
        duration: Duration::from_secs(12),
        cuts: cuts.iter().map(|c| c.parse().unwrap()).collect(),
        ..FailoverSpec::default()
    }
}

fn client_events(r: &usctp_testkit::FailoverReport) -> Vec<&Event> {
    r.events
        .iter()
        .filter(|e| e.side == Side::Client)
        .map(|e| &e.event)
        .collect()
}

#[test]
fn primary_cut_during_bulk_transfer_continues_on_alternate_path() {
    let r = run_failover(&bulk(&["0@3000"]));
    assert!(r.is_clean(), "{r}");
    assert!(r.sent > 5000, "{r}");
    let pf = r.events.iter().find(|e| {
        e.side == Side::Client
            && matches!(
                e.event,
                Event::PathStateChanged {
                    path: PathId(0),
                    state: PathState::PotentiallyFailed,
                    ..
                }
            )
    });
    let pf = pf.expect("primary marked potentially failed");
    // One RTO (1 s by default) after the cut, data moved.
    assert!(pf.at < Duration::from_millis(4100), "{pf}");
    assert!(r.max_latency < Duration::from_millis(1500), "{r}");
}

#[test]
fn primary_cut_and_restored_switches_back() {
    let r = run_failover(&bulk(&["0@2000..5000"]));
    assert!(r.is_clean(), "{r}");
    assert_eq!(r.switchback, Some(true), "{r}");
    let ev = client_events(&r);
    let active_again = ev.iter().rposition(|e| {
        matches!(
            e,
            Event::PathStateChanged {
                path: PathId(0),
                state: PathState::Active,
                ..
            }
        )
    });
    let failed = ev.iter().position(|e| {
        matches!(
            e,
            Event::PathStateChanged {
                path: PathId(0),
                state: PathState::PotentiallyFailed,
                ..
            }
        )
    });
    assert!(failed.is_some() && active_again > failed, "{ev:?}");
    // The primary did not change: switch-back only moves the data path.
    assert!(!ev.iter().any(|e| matches!(e, Event::PrimaryChanged { .. })));
}

#[test]
fn without_switch_back_the_alternate_becomes_primary() {
    let mut s = bulk(&["0@2000..5000"]);
    s.assoc.primary_switch_back = false;
    let r = run_failover(&s);
    assert!(r.is_clean(), "{r}");
    assert_eq!(r.switchback, Some(false), "{r}");
    let ev = client_events(&r);
    assert!(
        ev.iter().any(|e| matches!(
            e,
            Event::PrimaryChanged {
                path: PathId(1),
                ..
            }
        )),
        "{ev:?}"
    );
}
