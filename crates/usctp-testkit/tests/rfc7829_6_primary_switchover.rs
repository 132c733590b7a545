//! RFC 7829 §6, Primary Path Switchover: with switch-back on, a primary that keeps failing
//! past `primary_switchover_max_retrans` hands its role to the alternate path for good; a
//! short outage below the threshold still switches back.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use usctp_proto::Event;
use usctp_proto::PathId;
use usctp_testkit::{run_failover, FailoverSpec, Side};

fn spec(cut: &str, psmr: Option<u32>) -> FailoverSpec {
    let mut s = FailoverSpec {
        seed: 3,
        rate: 200,
        size: 500,
        duration: Duration::from_secs(40),
        cuts: vec![cut.parse().unwrap()],
        ..FailoverSpec::default()
    };
    s.assoc.primary_switchover_max_retrans = psmr;
    s
}

fn primary_moved(r: &usctp_testkit::FailoverReport) -> bool {
    r.events.iter().any(|e| {
        e.side == Side::Client
            && matches!(
                e.event,
                Event::PrimaryChanged {
                    path: PathId(1),
                    ..
                }
            )
    })
}

#[test]
fn long_failure_past_the_threshold_switches_the_primary_for_good() {
    let r = run_failover(&spec("0@2000..20000", Some(2)));
    assert!(r.is_clean(), "{r}");
    assert!(primary_moved(&r), "{r}");
    assert_eq!(r.switchback, Some(false), "{r}");
}

#[test]
fn without_a_threshold_the_primary_stays_and_traffic_switches_back() {
    let r = run_failover(&spec("0@2000..6000", None));
    assert!(r.is_clean(), "{r}");
    assert!(!primary_moved(&r), "{r}");
    assert_eq!(r.switchback, Some(true), "{r}");
}
