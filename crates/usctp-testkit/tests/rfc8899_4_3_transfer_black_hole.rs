//! `TransferSpec::black_holes` (the `sim_transfer --black-hole` option): the link MTU drops
//! mid-transfer with no ICMP (RFC 8899 §4.3). Messages of 700 bytes go two to a packet at
//! 1500 and one to a packet under 1300, so only a sender that lowers its PMTU gets through.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use usctp_proto::{AssociationConfig, PlpmtudConfig};
use usctp_testkit::{run_transfer, BlackHole, TransferSpec};

fn spec(plpmtud: bool, pf: Option<u32>, hole: &str) -> TransferSpec {
    let mut assoc = AssociationConfig::default();
    assoc.plpmtud = plpmtud.then(PlpmtudConfig::default);
    assoc.pf_max_retrans = pf;
    TransferSpec {
        assoc,
        messages: 3000,
        size: 700,
        time_limit: Duration::from_secs(120),
        black_holes: vec![hole.parse().unwrap()],
        ..TransferSpec::default()
    }
}

#[test]
fn rfc8899_4_3_black_hole_parses_at_mtu_and_until() {
    let h: BlackHole = "100:1300:5000".parse().unwrap();
    assert_eq!(
        h,
        BlackHole {
            at: Duration::from_millis(100),
            mtu: 1300,
            until: Some(Duration::from_secs(5)),
        }
    );
    assert_eq!("7:1280".parse::<BlackHole>().unwrap().until, None);
    for bad in ["", "1", "5:1300:5", "a:1300", "1:2:3:4"] {
        assert!(bad.parse::<BlackHole>().is_err(), "{bad}");
    }
}

#[test]
fn rfc8899_4_3_a_black_hole_stalls_a_sender_without_plpmtud() {
    let r = run_transfer(&spec(false, Some(0), "100:1300"));
    assert!(r.delivered < 3000 && r.closed != "graceful", "{r}");
    // Until it ends: then the same transfer completes.
    let r = run_transfer(&spec(false, Some(0), "100:1300:3000"));
    assert!(r.is_perfect(), "{r}");
}

#[test]
fn rfc8899_4_3_plpmtud_gets_a_transfer_through_a_black_hole() {
    // PotentiallyFailed.Max.Retrans 2; the default, 0, below.
    let r = run_transfer(&spec(true, Some(2), "100:1300"));
    assert!(r.is_perfect(), "{r}");
}

/// With SCTP-PF 0 (the default) the only path is potentially failed at the first T3; the
/// probe that checks the PLPMTU still goes to it, or the black hole would never be found.
#[test]
fn rfc8899_4_3_plpmtud_gets_a_transfer_through_a_black_hole_with_sctp_pf_0() {
    let r = run_transfer(&spec(true, Some(0), "100:1300"));
    assert!(r.is_perfect(), "{r}");
}
