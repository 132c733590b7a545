//! Flow and congestion windows (RFC 9260 §6.1 rules A and B, §7.2.1, §7.2.2).

use super::*;

#[test]
fn rule_b_flight_exceeds_cwnd_by_less_than_one_mtu() {
    let mut s = sender();
    push(&mut s, 10, 1000);
    assert_eq!((s.cwnd(P0), s.ssthresh(P0)), (4404, 100_000));
    assert_eq!(send_all(&mut s, t0(), P0).len(), 5);
    let over = s.outstanding_on(P0) - s.cwnd(P0);
    assert!(over < MTU, "{over}");
    assert_eq!(s.queued_bytes(), 5000);
}

#[test]
fn rule_a_no_new_data_beyond_the_peer_rwnd() {
    let mut s = sender_rwnd(2500);
    push(&mut s, 4, 1000);
    assert_eq!(send_all(&mut s, t0(), P0).len(), 2);
    assert_eq!(s.peer_rwnd(), 500);
}

#[test]
fn zero_window_probe_sends_one_chunk_when_nothing_is_in_flight() {
    let now = t0();
    let mut s = sender_rwnd(0);
    push(&mut s, 3, 1000);
    assert_eq!(idx(&send_all(&mut s, now, P0)), [0]);
    s.on_sack(now, &sack(0, &[], 0));
    assert_eq!(idx(&send_all(&mut s, now, P0)), [1]);
    s.on_sack(now, &sack(1, &[], 5000));
    assert_eq!(idx(&send_all(&mut s, now, P0)), [2]);
}

#[test]
fn rwnd_owed_by_a_probe_is_not_handed_back_by_its_retransmission_mark() {
    // RFC 9260 §6.2.1 B-C: rwnd = a_rwnd - bytes in flight. A probe sent into a zero window
    // (or chunks sent before the window shrank) puts that below zero; marking them for
    // retransmission brings it back to zero, not above what the peer announced.
    let now = t0();
    let mut s = sender_rwnd(0);
    push(&mut s, 3, 1000);
    assert_eq!(idx(&send_all(&mut s, now, P0)), [0]);
    s.on_t3_timeout(P0);
    assert_eq!(s.peer_rwnd(), 0);
    // The probe goes again, alone: nothing new joins it.
    assert_eq!(idx(&send_all(&mut s, now, P0)), [0]);
    assert_eq!(s.peer_rwnd(), 0);

    // A window that shrank below the bytes in flight: 3000 out, a_rwnd 1000.
    let mut s = sender();
    push(&mut s, 4, 1000);
    assert_eq!(send_all(&mut s, now, P0).len(), 4);
    s.on_sack(now, &sack(0, &[], 1000));
    assert_eq!(s.peer_rwnd(), 0);
    s.on_t3_timeout(P0);
    assert_eq!(s.peer_rwnd(), 1000, "a_rwnd 1000 with nothing in flight");
}

#[test]
fn slow_start_adds_at_most_one_mtu_per_sack_only_with_a_full_window() {
    let now = t0();
    let mut s = sender();
    push(&mut s, 5, 1000);
    send_all(&mut s, now, P0);
    s.on_sack(now, &sack(1, &[], 100_000));
    assert_eq!(s.cwnd(P0), 4404 + MTU);
    // Flight (3000) below cwnd before this SACK: no growth.
    s.on_sack(now, &sack(2, &[], 100_000));
    assert_eq!(s.cwnd(P0), 4404 + MTU);
}

#[test]
fn congestion_avoidance_adds_one_mtu_per_cwnd_acked() {
    let now = t0();
    let mut s = sender_rwnd(3000);
    // ssthresh = 3000 < cwnd: congestion avoidance. Open the peer's window.
    s.on_sack(now, &sack(-1, &[], 100_000));
    push(&mut s, 7, 1000);
    assert_eq!(send_all(&mut s, now, P0).len(), 5);
    s.on_sack(now, &sack(1, &[], 100_000));
    assert_eq!(s.cwnd(P0), 4404);
    assert_eq!(send_all(&mut s, now, P0).len(), 2);
    s.on_sack(now, &sack(4, &[], 100_000));
    assert_eq!(s.cwnd(P0), 4404 + MTU);
}

#[test]
fn peer_rwnd_from_init_ack_reseeds_ssthresh_of_unused_paths() {
    let mut s = sender_rwnd(0);
    assert_eq!(s.ssthresh(P0), 0);
    s.set_peer_rwnd(50_000);
    assert_eq!(
        (s.ssthresh(P0), s.cwnd(P0), s.peer_rwnd()),
        (50_000, 4404, 50_000)
    );
    push(&mut s, 1, 1000);
    send_all(&mut s, t0(), P0);
    s.set_peer_rwnd(70_000);
    assert_eq!((s.ssthresh(P0), s.peer_rwnd()), (50_000, 69_000));
}

#[test]
fn idle_path_decays_cwnd_and_mtu_change_keeps_one_packet() {
    let now = t0();
    let mut s = sender();
    assert_eq!(s.last_sent(P0), None);
    push(&mut s, 1, 10);
    send_all(&mut s, now, P0);
    assert_eq!(s.last_sent(P0), Some(now));
    s.set_path_mtu(P0, 9000);
    assert_eq!(s.cwnd(P0), 9000);
    s.on_t3_timeout(P0);
    s.decay_if_idle(P0, now + ms(5000), ms(1000));
    assert_eq!(s.cwnd(P0), 9000);
}

#[test]
fn rfc9260_7_2_1_idle_path_cwnd_decays_once_per_rto_before_it_sends_again() {
    let now = t0();
    let mut s = sender();
    // Grow the window in slow start: rounds of a full window sent and acknowledged.
    let mut n = 0i64;
    for _ in 0..8 {
        push(&mut s, 20, 1000);
        n += send_all(&mut s, now, P0).len() as i64;
        s.on_sack(now + ms(10), &sack(n - 1, &[], 100_000));
    }
    let grown = s.cwnd(P0);
    assert!(grown > 8 * MTU, "{grown}");
    // In flight: no decay, however long.
    n += send_all(&mut s, now + ms(20), P0).len() as i64;
    s.decay_if_idle(P0, now + ms(20_000), ms(1000));
    assert_eq!(s.cwnd(P0), grown);
    s.on_sack(now + ms(30), &sack(n - 1, &[], 100_000));
    n += send_all(&mut s, now + ms(30), P0).len() as i64;
    s.on_sack(now + ms(30), &sack(n - 1, &[], 100_000));
    assert!(s.is_idle() || s.outstanding_bytes() == 0);
    let before = s.cwnd(P0);
    // Idle for 2.5 RTOs: two halvings, not below 4*MTU.
    s.decay_if_idle(P0, now + ms(2530), ms(1000));
    let want = (before / 2).max(4 * MTU);
    let want = (want / 2).max(4 * MTU).min(want);
    assert_eq!(s.cwnd(P0), want);
    // The idle time already counted is not counted again.
    s.decay_if_idle(P0, now + ms(2600), ms(1000));
    assert_eq!(s.cwnd(P0), want);
    // Long idle: 4*MTU at most.
    s.decay_if_idle(P0, now + ms(60_000), ms(1000));
    assert_eq!(s.cwnd(P0), 4 * MTU);
}
