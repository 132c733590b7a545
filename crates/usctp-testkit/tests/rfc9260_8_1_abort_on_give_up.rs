//! RFC 9260 §8.1: when Association.Max.Retrans is exceeded the association is given up. Like
//! Linux, FreeBSD and usrsctp, usctp sends an ABORT first, so the peer and any NAT or
//! middlebox on the way free their state at once, and reports `CommunicationLost`.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::tester::*;
use usctp_proto::{AssociationConfig, CloseReason, Event};
use usctp_wire::chunk::Chunk;

fn cfg() -> AssociationConfig {
    let mut c = quiet();
    c.assoc_max_retrans = 3;
    c.rto_max = Duration::from_secs(4);
    c
}

/// The tester stays silent for ten minutes: the SUT's last packet is a lone ABORT with the
/// tester's tag, and its user learns `CommunicationLost`.
fn assert_gives_up_with_abort(mut t: Tester) {
    let sent = t.run(Duration::from_secs(600));
    let last = sent.last().expect("the SUT sent something");
    assert!(
        matches!(last.packet.chunks.as_slice(), [Chunk::Abort(a)] if !a.t_bit),
        "last packet: {last:?}"
    );
    assert_eq!(last.packet.header.vtag.0, TAG);
    let aborts = sent
        .iter()
        .filter(|s| s.packet.chunks.iter().any(|c| matches!(c, Chunk::Abort(_))))
        .count();
    assert_eq!(aborts, 1);
    assert!(t.saw(|e| *e == Event::Closed(CloseReason::CommunicationLost)));
    assert!(t.gone());
}

#[test]
fn rfc9260_8_1_t3_rtx_give_up_sends_abort() {
    let mut t = Tester::accept(cfg());
    t.user_send(b"never acknowledged");
    assert_gives_up_with_abort(t);
}

#[test]
fn rfc9260_8_1_t2_shutdown_give_up_sends_abort() {
    let mut t = Tester::accept(cfg());
    t.user_shutdown();
    assert_gives_up_with_abort(t);
}

#[test]
fn rfc9260_8_1_heartbeat_give_up_sends_abort() {
    let mut c = cfg();
    c.hb_interval = Some(Duration::from_secs(1));
    let t = Tester::accept(c);
    assert_gives_up_with_abort(t);
}
