//! T3-rtx expiry (RFC 9260 §6.3.3, §7.2.3) and retransmission (§6.1 C, §6.4).

use super::*;

/// TSNs 0-2 on P0, 3-4 on P1; TSN 2 gap-acked.
fn two_paths(now: Instant) -> Sender {
    let mut s = sender();
    s.add_path(P1, MTU);
    push(&mut s, 5, 1000);
    for path in [P0, P0, P0, P1, P1] {
        assert!(s.next_chunk(now, path, 1000).is_some());
    }
    s.on_sack(now, &sack(-1, &[(3, 3)], 100_000));
    s
}

#[test]
fn t3_marks_chunks_in_flight_on_that_path_and_sets_cwnd_one_mtu() {
    let now = t0();
    let mut s = two_paths(now);
    assert_eq!(s.peer_rwnd(), 96_000);
    s.on_t3_timeout(P0);
    assert_eq!((s.cwnd(P0), s.ssthresh(P0)), (MTU, 6000));
    assert_eq!(s.cwnd(P1), 4404);
    let marked: Vec<_> = s.out.iter().filter(|e| e.marked()).map(|e| e.tsn).collect();
    let base = s.out.base();
    assert_eq!(
        marked,
        [base, base + 1],
        "the gap-acked TSN 2 is not resent"
    );
    assert_eq!((s.outstanding_on(P0), s.outstanding_on(P1)), (0, 2000));
    // RFC 9260 §6.2.1 C: marked bytes go back to the peer's rwnd.
    assert_eq!(s.peer_rwnd(), 98_000);
    s.out.check_invariants();
}

#[test]
fn retransmissions_go_first_in_tsn_order_to_any_path_and_count_once() {
    let now = t0();
    let mut s = two_paths(now);
    s.on_t3_timeout(P0);
    push(&mut s, 1, 1000);
    let c = send_all(&mut s, now, P1);
    assert_eq!(idx(&c), [0, 1, 5]);
    assert_eq!((s.outstanding_on(P0), s.outstanding_on(P1)), (0, 5000));
    assert_eq!(s.outstanding_bytes(), 5000);
    assert_eq!(
        s.out.get(0).map(|e| (e.transmit_count, e.path())),
        Some((2, P1))
    );
    s.out.check_invariants();
}

#[test]
fn retransmissions_are_limited_by_cwnd() {
    let now = t0();
    let mut s = sender();
    push(&mut s, 4, 1000);
    send_all(&mut s, now, P0);
    s.on_t3_timeout(P0);
    // cwnd = 1 MTU: 1000 + 1000 < 1500 + 1500, a third would not be.
    assert_eq!(idx(&send_all(&mut s, now, P0)), [0, 1]);
    assert!(s.has_marked_retransmissions());
}

#[test]
fn t3_ends_fast_recovery() {
    let now = t0();
    let mut s = sender();
    push(&mut s, 5, 1000);
    send_all(&mut s, now, P0);
    for end in 2..=4 {
        s.on_sack(now, &sack(-1, &[(2, end)], 100_000));
    }
    assert!(s.in_fast_recovery(P0));
    s.on_t3_timeout(P0);
    assert!(!s.in_fast_recovery(P0));
    assert_eq!(s.cwnd(P0), MTU);
}
