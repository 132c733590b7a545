//! RFC 7496 policies through the association API: timed reliability abandons queued and
//! sent messages (§3.1), the priority policy makes room in a full send queue (§3.3), and the
//! §4 counters of abandoned messages, sent and unsent, per policy.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::tester::*;
use usctp_proto::{AbandonReason, AssocError, Event, Extensions, PrStats, SendError, SendOptions};
use usctp_wire::chunk::Chunk;
use usctp_wire::param::ForwardTsnSupported;

fn pr_tester(queue_limit: usize) -> Tester {
    let mut c = quiet();
    c.extensions = Extensions::PR_SCTP;
    c.send_queue_limit = queue_limit;
    Tester::connected_offering(c, vec![ForwardTsnSupported.into()])
}

fn abandoned(t: &Tester) -> Vec<(AbandonReason, bool, Bytes)> {
    t.events
        .iter()
        .filter_map(|e| match e {
            Event::Abandoned(m) => Some((m.reason, m.sent, m.payload.clone())),
            _ => None,
        })
        .collect()
}

fn stats(t: &Tester) -> PrStats {
    t.ep.association(t.id.unwrap()).unwrap().stats().abandoned
}

#[test]
fn rfc7496_3_1_lifetime_abandons_queued_messages_unsent_and_sent_ones_at_retransmission() {
    let mut t = pr_tester(1 << 20);
    let now = t.now;
    // Twenty 1000-byte messages: the initial cwnd lets four go, the rest wait in the queue.
    for i in 0..20u8 {
        let m = Bytes::from(vec![i; 1000]);
        let opts = SendOptions::new(0).lifetime(Duration::from_millis(500));
        t.user(|a| a.send_with(now, m, &opts)).unwrap();
    }
    let first = data_of(&t.log).len();
    assert!((1..20).contains(&first), "cwnd-limited: {first}");
    // No SACK comes: T3 (1 s) finds every sent one expired; the queued ones expired unsent.
    let sent = t.run(Duration::from_secs(2));
    assert!(data_of(&sent).is_empty(), "nothing resent or sent late");
    let a = abandoned(&t);
    assert_eq!(a.len(), 20);
    assert!(a.iter().all(|(r, _, _)| *r == AbandonReason::Lifetime));
    let sent_ones = a.iter().filter(|(_, s, _)| *s).count();
    assert_eq!(sent_ones, first);
    // Each comes back whole, in the order given within each kind.
    assert!(a.iter().all(|(_, _, p)| p.len() == 1000));
    assert_eq!(stats(&t).abandoned_sent, [first as u64, 0, 0]);
    assert_eq!(stats(&t).abandoned_unsent, [(20 - first) as u64, 0, 0]);
    assert_eq!(stats(&t).total(), 20);
    // The FORWARD TSN skips exactly the sent ones.
    let f = packets(&sent)
        .into_iter()
        .flat_map(|p| p.chunks)
        .find_map(|c| match c {
            Chunk::ForwardTsn(f) => Some(f.new_cum_tsn.0),
            _ => None,
        });
    assert_eq!(f, Some(t.sut_tsn.wrapping_add(first as u32 - 1)));
}

#[test]
fn rfc7496_3_3_priority_makes_room_by_abandoning_lower_priority_unsent_messages() {
    let mut t = pr_tester(8000);
    let now = t.now;
    let send = |t: &mut Tester, prio: u16, byte: u8| {
        let m = Bytes::from(vec![byte; 1000]);
        let opts = SendOptions::new(0).priority(prio);
        t.user(|a| a.send_with(now, m, &opts))
    };
    for i in 0..8u8 {
        send(&mut t, 5 + u16::from(i % 2), i).unwrap();
    }
    // Full: an equal or lower priority is refused, nothing is abandoned.
    assert_eq!(
        send(&mut t, 6, 100),
        Err(AssocError::Send(SendError::QueueFull))
    );
    assert!(abandoned(&t).is_empty());
    // A higher priority (lower value) takes the room of one priority-6 message not yet sent.
    send(&mut t, 1, 200).unwrap();
    let a = abandoned(&t);
    assert_eq!(a.len(), 1);
    assert_eq!((a[0].0, a[0].1), (AbandonReason::Priority, false));
    assert_eq!(a[0].2[0] % 2, 1, "a priority-6 message: {:?}", a[0].2[0]);
    assert_eq!(stats(&t).abandoned_unsent, [0, 0, 1]);
}
