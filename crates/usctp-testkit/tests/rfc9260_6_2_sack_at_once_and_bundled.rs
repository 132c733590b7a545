//! When SACKs leave (RFC 9260 §6.2, §6): the first DATA of an association is SACKed at once,
//! as Linux does and ETSI sctp-a-v-9-1 expects, and a SACK that is owed rides in the next
//! packet the association sends, whatever else it carries, before the delayed-ack timer.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::tester::*;
use usctp_wire::chunk::Chunk;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn rfc9260_6_2_first_data_of_the_association_is_sacked_at_once() {
    let mut t = Tester::accept(quiet());
    let d = t.data(b"first");
    let out = t.send(vec![d]);
    let s = sacks(&out);
    assert_eq!(s.len(), 1, "no SACK at once: {out:?}");
    assert_eq!(s[0].cum_tsn_ack.0, TSN0);
    // Only the first: the next in-order packet waits for the delayed-ack timer.
    let d = t.data(b"second");
    let out = t.send(vec![d]);
    assert!(sacks(&out).is_empty(), "{out:?}");
    let later = t.run(ms(300));
    let s: Vec<_> = later
        .iter()
        .filter(|s| s.packet.chunks.iter().any(|c| matches!(c, Chunk::Sack(_))))
        .collect();
    assert_eq!(s.len(), 1, "{later:?}");
    assert!(s[0].at >= ms(200), "delayed: {:?}", s[0].at);
}

#[test]
fn rfc9260_6_2_first_data_in_client_role_is_sacked_at_once() {
    let mut t = Tester::connected(quiet());
    let d = t.data(b"first");
    let out = t.send(vec![d]);
    assert_eq!(sacks(&out).len(), 1, "no SACK at once: {out:?}");
}

#[test]
fn rfc9260_6_pending_sack_is_bundled_with_outgoing_data() {
    let mut t = Tester::accept(quiet());
    let d = t.data(b"first");
    t.send(vec![d]);
    let d = t.data(b"second");
    let out = t.send(vec![d]);
    assert!(
        sacks(&out).is_empty(),
        "the second SACK is delayed: {out:?}"
    );
    t.run(ms(50));
    // The user sends before the delayed-ack timer fires: the SACK rides with the DATA.
    let from = t.log.len();
    t.user_send(b"reply");
    let sent = &t.log[from..];
    assert_eq!(sent.len(), 1, "{sent:?}");
    let chunks = &sent[0].packet.chunks;
    assert!(
        matches!(chunks.as_slice(), [Chunk::Sack(s), Chunk::Data(_)] if s.cum_tsn_ack.0 == TSN0 + 1),
        "{chunks:?}"
    );
    // Nothing is owed any more: no second SACK when the timer would have fired.
    let later = t.run(ms(300));
    assert!(
        later
            .iter()
            .all(|s| !s.packet.chunks.iter().any(|c| matches!(c, Chunk::Sack(_)))),
        "{later:?}"
    );
}

#[test]
fn rfc9260_6_pending_sack_is_bundled_with_a_heartbeat_ack() {
    let mut t = Tester::accept(quiet());
    let d = t.data(b"first");
    t.send(vec![d]);
    let d = t.data(b"second");
    t.send(vec![d]);
    let out = t.send(vec![heartbeat(b"probe")]);
    assert!(
        matches!(out.as_slice(), [p] if p.chunks.iter().any(|c| matches!(c, Chunk::HeartbeatAck(_)))
            && p.chunks.iter().any(|c| matches!(c, Chunk::Sack(_)))),
        "{out:?}"
    );
}
