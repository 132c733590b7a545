//! RFC 9260 §6.2.1, §6.3.3 E3: a SACK that acknowledges TSNs never sent. Its impossible Gap
//! Ack Blocks are ignored and every acknowledgement already accepted stands, so T3-rtx resends
//! only what is still outstanding. A Cumulative TSN Ack above the highest TSN sent is a
//! protocol violation: ABORT with a Protocol Violation cause, as Linux does.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::tester::*;
use usctp_proto::{CloseReason, Event};
use usctp_wire::cause::ErrorCause;
use usctp_wire::chunk::Chunk;

/// The SUT sends four one-chunk messages; the tester's SACK gap-acks the middle two.
fn four_sent_two_gap_acked() -> Tester {
    let mut t = Tester::accept(quiet());
    for m in [b"m0", b"m1", b"m2", b"m3"] {
        t.user_send(m);
    }
    let sent = data_tsns(&t.log);
    assert_eq!(sent.len(), 4, "{sent:?}");
    let before = t.sut_tsn.wrapping_sub(1);
    t.send(vec![sack(before, 65_536, &[(2, 3)])]);
    t
}

#[test]
fn rfc9260_6_2_1_impossible_gap_block_keeps_earlier_acks_and_t3_resends_only_the_rest() {
    let mut t = four_sent_two_gap_acked();
    let before = t.sut_tsn.wrapping_sub(1);
    // TSN offset 9 was never sent (only 1..4 were).
    let out = t.send(vec![sack(before, 65_536, &[(2, 9)])]);
    assert!(!has(&out, |c| matches!(c, Chunk::Abort(_))), "{out:?}");
    let from = t.log.len();
    t.run(Duration::from_secs(2));
    let resent: Vec<u32> = data_tsns(&t.log[from..])
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    let (s0, s3) = (t.sut_tsn, t.sut_tsn.wrapping_add(3));
    assert_eq!(resent, [s0, s3], "T3 resends only what is outstanding");
    assert!(t.alive());
}

#[test]
fn rfc9260_6_2_1_cum_ack_above_highest_sent_aborts_with_protocol_violation() {
    let mut t = four_sent_two_gap_acked();
    let beyond = t.sut_tsn.wrapping_add(4);
    let out = t.send(vec![sack(beyond, 65_536, &[])]);
    let abort = out.iter().flat_map(|p| &p.chunks).find_map(|c| match c {
        Chunk::Abort(a) => Some(a.clone()),
        _ => None,
    });
    let abort = abort.expect("ABORT");
    assert!(
        matches!(abort.causes.as_slice(), [ErrorCause::ProtocolViolation(_)]),
        "{abort:?}"
    );
    assert!(t.saw(|e| matches!(e, Event::Closed(CloseReason::ProtocolError(_)))));
}
