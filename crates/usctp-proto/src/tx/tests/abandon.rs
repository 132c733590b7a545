//! PR-SCTP at the sender (RFC 3758 §3.5, RFC 7496 §3): which messages are abandoned, when,
//! with their whole payload, and the FORWARD TSN that skips them.

use super::*;
use crate::tx::{AbandonReason, AbandonedMessage, SendError};

fn pr_sender() -> Sender {
    let mut s = sender();
    s.set_pr_enabled(true);
    s
}

fn push_pr(s: &mut Sender, len: usize, opts: &SendOptions) {
    let m = Bytes::from(vec![3; len]);
    assert_eq!(s.push_at(m, opts, Some(t0())), Ok(()));
}

fn abandoned(s: &mut Sender) -> Vec<AbandonedMessage> {
    std::iter::from_fn(|| s.take_abandoned()).collect()
}

#[test]
fn rfc7496_3_2_a_message_over_its_retransmission_limit_is_abandoned_and_skipped() {
    let mut s = pr_sender();
    push_pr(&mut s, 100, &SendOptions::new(1).max_retransmissions(1));
    push(&mut s, 1, 100); // reliable, stream 0
    assert_eq!(idx(&send_all(&mut s, t0(), P0)), [0, 1]);
    s.on_t3_timeout(P0);
    // One retransmission is allowed: both go again.
    assert_eq!(idx(&send_all(&mut s, t0(), P0)), [0, 1]);
    assert!(abandoned(&mut s).is_empty());
    s.on_t3_timeout(P0);
    // The second would exceed the limit: only the reliable chunk is resent.
    assert_eq!(idx(&send_all(&mut s, t0(), P0)), [1]);
    let a = abandoned(&mut s);
    assert_eq!(a.len(), 1);
    assert_eq!(
        (a[0].stream, a[0].reason, a[0].sent, a[0].payload.len()),
        (StreamId(1), AbandonReason::Retransmissions, true, 100)
    );
    assert!(s.forward_tsn_due() && s.awaiting_forward_ack());
    let f = s.forward_tsn().map(|f| (f.new_cum_tsn, f.streams));
    let skip = usctp_wire::chunk::ForwardTsnStream {
        stream: StreamId(1),
        ssn: usctp_wire::Ssn(0),
    };
    assert_eq!(f, Some((tsn(0), vec![skip])));
    // RFC 3758 §3.5 C1: the peer's cum ack passing the point ends the FORWARD TSN.
    s.on_sack(t0(), &sack(0, &[], 100_000));
    assert_eq!(s.forward_tsn(), None);
    assert!(!s.awaiting_forward_ack());
    assert_eq!(s.pr_stats().abandoned_sent, [0, 1, 0]);
    s.out.check_invariants();
}

#[test]
fn rfc7496_3_1_lifetime_abandons_sent_data_at_retransmission_and_queued_data_unsent() {
    let mut s = pr_sender();
    let opts = SendOptions::new(0).lifetime(ms(100));
    push_pr(&mut s, 100, &opts);
    assert_eq!(idx(&send_all(&mut s, t0(), P0)), [0]);
    push_pr(&mut s, 100, &opts);
    s.on_t3_timeout(P0);
    // Still alive at 50 ms: resent (the queued one stays queued).
    let again = s.next_chunk(t0() + ms(50), P0, 1000);
    assert_eq!(idx(&Vec::from_iter(again)), [0]);
    s.on_t3_timeout(P0);
    // Past its lifetime: abandoned instead; the queued one expired unsent, no TSN used.
    assert!(send_all(&mut s, t0() + ms(150), P0).is_empty());
    let a: Vec<_> = abandoned(&mut s)
        .iter()
        .map(|m| (m.reason, m.sent))
        .collect();
    assert_eq!(
        a,
        [
            (AbandonReason::Lifetime, true),
            (AbandonReason::Lifetime, false)
        ]
    );
    assert_eq!(s.queued_bytes(), 0);
    assert_eq!(s.next_tsn(), tsn(1));
    assert_eq!(s.pr_stats().abandoned_unsent, [1, 0, 0]);
}

#[test]
fn rfc3758_3_5_a3_every_fragment_of_the_message_is_abandoned_and_its_rest_never_sent() {
    let mut s = pr_sender();
    push_pr(&mut s, 2500, &SendOptions::new(2).max_retransmissions(0));
    // Two of its three fragments leave.
    assert!(s.next_chunk(t0(), P0, 1000).is_some());
    assert!(s.next_chunk(t0(), P0, 1000).is_some());
    // The second is gap-acked, the first times out.
    s.on_sack(t0(), &sack(-1, &[(2, 2)], 100_000));
    s.on_t3_timeout(P0);
    assert!(send_all(&mut s, t0(), P0).is_empty());
    let a = abandoned(&mut s);
    assert_eq!(a.len(), 1, "one event for the message");
    assert_eq!(a[0].payload.len(), 2500, "the whole message is returned");
    assert_eq!(s.queued_bytes(), 0, "its unsent fragment is dropped");
    // Both sent fragments are skipped, the gap-acked one too (A3), and a TSN taken for the
    // unsent end: the FORWARD TSN is ahead of whatever the peer received (RFC 3758 §3.6).
    let f = s.forward_tsn().map(|f| f.new_cum_tsn);
    assert_eq!(f, Some(tsn(2)));
    assert_eq!(s.next_tsn(), tsn(3));
    s.out.check_invariants();
}

#[test]
fn rfc3758_3_6_a_message_cut_short_takes_one_more_tsn_so_its_forward_tsn_is_never_out_of_date() {
    let mut s = pr_sender();
    push_pr(&mut s, 2500, &SendOptions::new(1).max_retransmissions(0));
    push(&mut s, 1, 10);
    assert!(s.next_chunk(t0(), P0, 1000).is_some());
    // The peer got the first fragment, but its SACK was lost: T3 abandons the message.
    s.on_t3_timeout(P0);
    assert!(s
        .next_chunk(t0(), P0, 1000)
        .is_some_and(|d| d.tsn == tsn(2)));
    // The peer's cum ack is at TSN 0 already; the FORWARD TSN still moves it (to 1).
    s.on_sack(t0(), &sack(0, &[], 100_000));
    let f = s.forward_tsn().map(|f| (f.new_cum_tsn, f.streams.len()));
    assert_eq!(f, Some((tsn(1), 1)));
    s.on_sack(t0(), &sack(2, &[], 100_000));
    assert!(s.is_idle());
    s.out.check_invariants();
}

#[test]
fn rfc3758_3_5_c2_the_ack_point_stops_at_the_first_chunk_not_abandoned() {
    let mut s = pr_sender();
    let pr = SendOptions::new(1).max_retransmissions(0);
    push_pr(&mut s, 100, &pr);
    push(&mut s, 1, 100);
    push_pr(&mut s, 100, &pr);
    assert_eq!(idx(&send_all(&mut s, t0(), P0)), [0, 1, 2]);
    s.on_t3_timeout(P0);
    assert_eq!(idx(&send_all(&mut s, t0(), P0)), [1]);
    // TSN 0 and 2 abandoned, 1 reliable in between: skip to 0 only.
    assert_eq!(s.forward_tsn().map(|f| f.new_cum_tsn), Some(tsn(0)));
    // Once 1 is acked, the point moves over 2.
    s.on_sack(t0(), &sack(1, &[], 100_000));
    let f = s.forward_tsn().map(|f| (f.new_cum_tsn, f.streams.len()));
    assert_eq!(f, Some((tsn(2), 1)));
}

#[test]
fn rfc7496_3_3_a_full_queue_makes_room_by_abandoning_lower_priorities_only() {
    let mut s = Sender::new(
        Tsn(ITSN),
        4,
        100_000,
        &AssociationConfig {
            send_queue_limit: 1000,
            ..AssociationConfig::default()
        },
    );
    s.add_path(P0, MTU);
    s.set_pr_enabled(true);
    for p in [5, 9, 7] {
        push_pr(&mut s, 300, &SendOptions::new(0).priority(p));
    }
    // Same or higher value: no room is made.
    let m = Bytes::from(vec![1; 300]);
    let low = SendOptions::new(1).priority(9);
    assert_eq!(s.push_at(m.clone(), &low, None), Err(SendError::QueueFull));
    assert!(abandoned(&mut s).is_empty());
    // Priority 1 pushes out the lowest priority (9) only.
    assert_eq!(s.push_at(m, &SendOptions::new(1).priority(1), None), Ok(()));
    let a: Vec<_> = abandoned(&mut s)
        .iter()
        .map(|m| (m.reason, m.sent))
        .collect();
    assert_eq!(a, [(AbandonReason::Priority, false)]);
    assert_eq!(s.queued_bytes(), 900);
    assert_eq!(s.pr_stats().abandoned_unsent, [0, 0, 1]);
}

#[test]
fn rfc3758_3_3_without_pr_sctp_negotiated_policies_are_not_applied() {
    let mut s = sender();
    push_pr(&mut s, 100, &SendOptions::new(0).max_retransmissions(0));
    assert_eq!(idx(&send_all(&mut s, t0(), P0)), [0]);
    s.on_t3_timeout(P0);
    assert_eq!(idx(&send_all(&mut s, t0() + ms(10_000), P0)), [0]);
    assert!(abandoned(&mut s).is_empty());
}

#[test]
fn rfc3758_3_5_the_abandonment_record_is_made_at_the_first_abandonment() {
    let mut s = pr_sender();
    push_pr(&mut s, 100, &SendOptions::new(0).lifetime(ms(100)));
    assert_eq!(idx(&send_all(&mut s, t0(), P0)), [0]);
    s.on_sack(t0(), &sack(0, &[], 100_000));
    // Policies in force, nothing abandoned: no record held.
    assert!(s.pr.is_empty());
    assert_eq!(s.pr_stats().total(), 0);
    push_pr(&mut s, 100, &SendOptions::new(0).lifetime(ms(100)));
    assert!(send_all(&mut s, t0() + ms(150), P0).is_empty());
    assert!(!s.pr.is_empty());
    assert_eq!(s.pr_stats().abandoned_unsent, [1, 0, 0]);
    assert_eq!(abandoned(&mut s).len(), 1);
}
