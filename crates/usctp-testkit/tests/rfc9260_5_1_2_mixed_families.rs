//! RFC 9260 §5.1.2: IPv4 and IPv6 addresses in one association; failover between families,
//! each path sending from a local address of its own family.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

use std::time::Duration;

use usctp_testkit::{run_failover, FailoverSpec};

fn spec(ipv6_paths: Vec<usize>, cut: &str) -> FailoverSpec {
    FailoverSpec {
        seed: 3,
        duration: Duration::from_secs(15),
        ipv6_paths,
        cuts: vec![cut.parse().unwrap()],
        ..FailoverSpec::default()
    }
}

#[test]
fn ipv4_primary_fails_over_to_ipv6() {
    let r = run_failover(&spec(vec![1], "0@3000..9000"));
    assert!(r.is_clean(), "{r}");
    assert!(r.max_latency < Duration::from_millis(1500), "{r}");
    assert_eq!(r.switchback, Some(true), "{r}");
}

#[test]
fn ipv6_primary_fails_over_to_ipv4() {
    let r = run_failover(&spec(vec![0], "0@3000"));
    assert!(r.is_clean(), "{r}");
    assert!(r.max_latency < Duration::from_millis(1500), "{r}");
}

#[test]
fn three_paths_two_families() {
    let mut s = spec(vec![1], "0@2000..6000");
    s.paths = 3;
    s.cuts.push("1@4000..12000".parse().unwrap());
    let r = run_failover(&s);
    assert!(r.is_clean(), "{r}");
}

/// Regression: chunks fragmented for a native IPv4 path did not fit an IPv6 path (20 bytes
/// less room), so their retransmission after failover stalled the association for good.
/// Fragments are now sized for the smallest path (RFC 9260 §6.9).
#[test]
fn fragments_fit_every_path_so_failover_to_ipv6_retransmits() {
    let spec = FailoverSpec {
        seed: 1,
        paths: 2,
        ipv6_paths: vec![1],
        size: 4000,
        rate: 100,
        duration: Duration::from_secs(20),
        cuts: vec!["0@5000..15000".parse().unwrap()],
        ..FailoverSpec::default()
    };
    let r = run_failover(&spec);
    assert!(r.is_clean(), "{r}");
}
