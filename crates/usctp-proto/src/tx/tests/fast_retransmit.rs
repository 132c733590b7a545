//! Miss indications, fast retransmit and Fast Recovery (RFC 9260 §7.2.4).

use super::*;

fn misses(s: &Sender, i: usize) -> Option<u32> {
    s.out.get(i).map(|e| e.misses)
}

#[test]
fn fast_retransmit_after_exactly_three_miss_indications() {
    let now = t0();
    let mut s = sender();
    push(&mut s, 5, 1000);
    assert_eq!(send_all(&mut s, now, P0).len(), 5);
    for (n, end) in [(1, 2), (2, 3)] {
        let o = s.on_sack(now, &sack(-1, &[(2, end)], 100_000));
        assert!(!o.fast_retransmit);
        assert_eq!(misses(&s, 0), Some(n));
        assert!(!s.has_marked_retransmissions());
    }
    let o = s.on_sack(now, &sack(-1, &[(2, 4)], 100_000));
    assert!(o.fast_retransmit && s.has_marked_retransmissions());
    // RFC 9260 §7.2.3: ssthresh = max(cwnd/2, 4*MTU), cwnd = ssthresh.
    assert_eq!((s.cwnd(P0), s.ssthresh(P0)), (6000, 6000));
    assert!(s.in_fast_recovery(P0));
    // TSN 4 is above the highest TSN newly acked: never counted.
    assert_eq!(misses(&s, 4), Some(0));
    let c = s.next_chunk(now, P0, 1000).map(|d| d.tsn);
    assert_eq!(c, Some(tsn(0)));
    s.out.check_invariants();
}

#[test]
fn miss_indications_follow_htna_so_repeated_sacks_do_not_count() {
    let now = t0();
    let mut s = sender();
    push(&mut s, 5, 1000);
    send_all(&mut s, now, P0);
    for _ in 0..5 {
        s.on_sack(now, &sack(-1, &[(2, 2)], 100_000));
    }
    assert_eq!(misses(&s, 0), Some(1));
    assert_eq!(misses(&s, 2), Some(0));
    assert!(!s.has_marked_retransmissions());
}

#[test]
fn fast_recovery_cuts_cwnd_once_and_ends_at_the_exit_point() {
    let now = t0();
    let (mut s, script) = scripted(10_000);
    push(&mut s, 10, 1000);
    assert_eq!(send_all(&mut s, now, P0).len(), 10);
    // TSN 0 lost: three SACKs newly acking TSNs 1, 2, 3.
    for end in 2..=4 {
        s.on_sack(now, &sack(-1, &[(2, end)], 100_000));
    }
    assert!(s.in_fast_recovery(P0));
    assert_eq!(script.fast_retransmits.load(Ordering::Relaxed), 1);
    assert_eq!(s.next_chunk(now, P0, 1000).map(|d| d.tsn), Some(tsn(0)));
    // TSN 5 lost too, inside Fast Recovery: marked, but no second cut.
    for end in 7..=9 {
        let o = s.on_sack(now, &sack(-1, &[(2, 5), (7, end)], 100_000));
        assert_eq!(o.fast_retransmit, end == 9);
    }
    assert_eq!(script.fast_retransmits.load(Ordering::Relaxed), 1);
    // TSN 0 was fast retransmitted once: it gets no more miss indications.
    assert_eq!(
        (misses(&s, 0), s.out.get(0).map(|e| e.marked())),
        (Some(0), Some(false))
    );
    // The exit point is the highest TSN outstanding when recovery began (TSN 9).
    s.on_sack(now, &sack(8, &[], 100_000));
    assert!(s.in_fast_recovery(P0));
    s.on_sack(now, &sack(9, &[], 100_000));
    assert!(!s.in_fast_recovery(P0));
}

#[test]
fn first_fast_retransmission_ignores_cwnd_for_one_packet() {
    let now = t0();
    let (mut s, script) = scripted(10_000);
    push(&mut s, 6, 1000);
    assert_eq!(send_all(&mut s, now, P0).len(), 6);
    script.cwnd.store(1, Ordering::Relaxed);
    // TSNs 0 and 1 lost.
    for end in 3..=5 {
        s.on_sack(now, &sack(-1, &[(3, end)], 100_000));
    }
    assert_eq!(s.out.marked_count(), 2);
    assert_eq!(s.next_chunk(now, P0, 1000).map(|d| d.tsn), Some(tsn(0)));
    // The second does not fit the one-packet allowance and cwnd blocks it.
    assert_eq!(s.next_chunk(now, P0, 1000), None);
    script.cwnd.store(10_000, Ordering::Relaxed);
    assert_eq!(s.next_chunk(now, P0, 1000).map(|d| d.tsn), Some(tsn(1)));
    s.out.check_invariants();
}
