//! SACK processing (RFC 9260 §6.2.1) and RTT sampling (§6.3.1).

use super::*;
use crate::tx::SackOutcome;

/// A sender with `n` chunks of 1000 bytes in flight on P0, sent at `now`.
fn in_flight(n: usize, now: Instant) -> Sender {
    let mut s = sender();
    push(&mut s, n, 1000);
    assert_eq!(send_all(&mut s, now, P0).len(), n);
    s
}

#[test]
fn cum_ack_removes_chunks_and_reports_bytes_and_paths() {
    let now = t0();
    let mut s = in_flight(4, now);
    let o = s.on_sack(now + ms(50), &sack(1, &[], 100_000));
    assert!(o.cum_advanced);
    assert_eq!(o.newly_acked_bytes, 2000);
    assert_eq!(o.acked_paths, [P0]);
    assert_eq!(o.rtt, Some((P0, ms(50))));
    assert_eq!((s.cum_ack(), s.outstanding_bytes()), (tsn(1), 2000));
    s.out.check_invariants();
}

#[test]
fn gap_blocks_ack_chunks_and_take_them_out_of_flight() {
    let now = t0();
    let mut s = in_flight(5, now);
    // cum = TSN 0; blocks cover TSNs 2 and 4.
    let o = s.on_sack(now, &sack(0, &[(2, 2), (4, 4)], 100_000));
    assert_eq!(o.newly_acked_bytes, 3000);
    assert_eq!(s.outstanding_on(P0), 2000);
    assert_eq!(s.cum_ack(), tsn(0));
    // The gap then fills: only TSNs 1 and 3 are newly acked.
    let o = s.on_sack(now, &sack(4, &[], 100_000));
    assert_eq!(o.newly_acked_bytes, 2000);
    assert!(s.is_idle());
}

#[test]
fn rwnd_is_a_rwnd_minus_bytes_outstanding_after_the_sack() {
    let now = t0();
    let mut s = in_flight(4, now);
    s.on_sack(now, &sack(0, &[(2, 2)], 10_000));
    // TSNs 1 and 3 remain in flight.
    assert_eq!(s.peer_rwnd(), 8000);
    s.on_sack(now, &sack(0, &[(2, 2)], 1500));
    assert_eq!(s.peer_rwnd(), 0);
}

#[test]
fn duplicate_sack_changes_nothing() {
    let now = t0();
    let mut s = in_flight(4, now);
    let sk = sack(1, &[(2, 2)], 50_000);
    s.on_sack(now, &sk);
    let before = (
        s.cum_ack(),
        s.outstanding_bytes(),
        s.peer_rwnd(),
        s.cwnd(P0),
    );
    let o = s.on_sack(now, &sk);
    assert_eq!(o, SackOutcome::default());
    assert_eq!(
        before,
        (
            s.cum_ack(),
            s.outstanding_bytes(),
            s.peer_rwnd(),
            s.cwnd(P0)
        )
    );
}

#[test]
fn sack_behind_the_cum_ack_is_out_of_order_and_ignored() {
    let now = t0();
    let mut s = in_flight(4, now);
    s.on_sack(now, &sack(1, &[], 50_000));
    let o = s.on_sack(now, &sack(0, &[(3, 3)], 1));
    assert!(o.out_of_order);
    assert_eq!(
        (s.cum_ack(), s.peer_rwnd(), s.outstanding_bytes()),
        (tsn(1), 48_000, 2000)
    );
}

#[test]
fn cum_ack_beyond_highest_sent_is_a_protocol_violation_and_changes_nothing() {
    let now = t0();
    let mut s = in_flight(3, now);
    for cum in [3, 1000, i64::from(i32::MAX) - 1] {
        let o = s.on_sack(now, &sack(cum, &[], 1));
        assert!(o.protocol_violation, "cum {cum}");
        assert_eq!((o.newly_acked_bytes, o.cum_advanced), (0, false));
    }
    assert_eq!((s.cum_ack(), s.outstanding_bytes()), (tsn(0).sub(1), 3000));
    assert_eq!(s.peer_rwnd(), 97_000);
    // Nothing sent yet: a SACK for the TSN before the initial one is fine.
    let mut fresh = sender();
    assert!(!fresh.on_sack(now, &sack(-1, &[], 5)).protocol_violation);
    assert!(fresh.on_sack(now, &sack(0, &[], 5)).protocol_violation);
}

#[test]
fn absurd_gap_blocks_are_ignored() {
    let now = t0();
    let mut s = in_flight(4, now);
    // start > end, start 0, beyond what was sent, and far beyond.
    let junk = [(3, 2), (0, 1), (2, 5), (4, 65535), (65535, 65535)];
    let o = s.on_sack(now, &sack(-1, &junk, 100_000));
    assert_eq!(o.newly_acked_bytes, 0);
    assert_eq!(s.outstanding_bytes(), 4000);
    // Overlapping, repeated and unsorted blocks count each TSN once.
    let mut many = vec![(2, 3); 5000];
    many.extend([(3, 4), (2, 2)]);
    let o = s.on_sack(now, &sack(-1, &many, 100_000));
    assert_eq!(o.newly_acked_bytes, 3000);
    assert_eq!(s.outstanding_bytes(), 1000);
    s.out.check_invariants();
}

#[test]
fn reneged_chunks_return_to_flight_and_count_a_miss() {
    let now = t0();
    let mut s = in_flight(4, now);
    s.on_sack(now, &sack(-1, &[(2, 3)], 100_000));
    assert_eq!(s.outstanding_bytes(), 2000);
    // TSN 1 is no longer reported: the peer dropped it.
    let o = s.on_sack(now, &sack(-1, &[(3, 3)], 100_000));
    assert_eq!(o.newly_acked_bytes, 0);
    assert_eq!(s.outstanding_bytes(), 3000);
    assert_eq!(s.peer_rwnd(), 97_000);
    let misses = |s: &Sender, i: usize| s.out.get(i).map(|e| e.misses);
    assert_eq!(misses(&s, 1), Some(1));
    assert!(!s.has_marked_retransmissions());
    s.out.check_invariants();
}

#[test]
fn karn_rtt_only_from_chunks_sent_once_and_one_sample_per_sack() {
    let now = t0();
    let mut s = sender();
    push(&mut s, 3, 1000);
    assert!(s.next_chunk(now, P0, 1000).is_some());
    assert!(s.next_chunk(now + ms(10), P0, 1000).is_some());
    // Both newly acked: the sample comes from the highest TSN (sent at +10 ms).
    let o = s.on_sack(now + ms(100), &sack(1, &[], 100_000));
    assert_eq!(o.rtt, Some((P0, ms(90))));
    // A retransmitted chunk gives no sample.
    assert!(s.next_chunk(now + ms(100), P0, 1000).is_some());
    s.on_t3_timeout(P0);
    assert!(s.next_chunk(now + ms(1100), P0, 1000).is_some());
    let o = s.on_sack(now + ms(1200), &sack(2, &[], 100_000));
    assert_eq!((o.rtt, o.newly_acked_bytes), (None, 1000));
}

#[test]
fn shutdown_cum_ack_acks_without_reneging_or_touching_rwnd() {
    let now = t0();
    let mut s = in_flight(4, now);
    s.on_sack(now, &sack(-1, &[(3, 3)], 20_000));
    assert_eq!(s.peer_rwnd(), 17_000);
    let o = s.on_shutdown_cum_ack(now, tsn(0));
    assert_eq!(o.newly_acked_bytes, 1000);
    // TSN 2 stays gap-acked; the window is left alone.
    assert_eq!((s.outstanding_bytes(), s.peer_rwnd()), (2000, 17_000));
    assert!(s.on_shutdown_cum_ack(now, tsn(9)).protocol_violation);
    s.out.check_invariants();
}

#[test]
fn rfc9260_6_2_1_gap_blocks_out_of_order_or_overlapping_ack_what_they_cover() {
    let now = t0();
    let mut s = in_flight(5, now);
    // cum = TSN 0; out of order and overlapping, with a bogus block (past the highest TSN
    // sent) that is ignored: TSNs 2, 3 and 4 are acked (and TSN 0 by the cum ack).
    let o = s.on_sack(now, &sack(0, &[(3, 4), (9, 9), (2, 3)], 100_000));
    assert_eq!(o.newly_acked_bytes, 4000);
    assert_eq!(s.outstanding_on(P0), 1000);
    // The same blocks in order: nothing new, nothing reneged.
    let o = s.on_sack(now, &sack(0, &[(2, 3), (3, 4)], 100_000));
    assert_eq!(o.newly_acked_bytes, 0);
    assert_eq!(s.outstanding_on(P0), 1000);
    // Out of order again, TSN 3 left out: the peer reneged on it (back in flight).
    let o = s.on_sack(now, &sack(0, &[(4, 4), (2, 2)], 100_000));
    assert_eq!(o.newly_acked_bytes, 0);
    assert_eq!(s.outstanding_on(P0), 2000);
    s.out.check_invariants();
}
