//! ETSI TS 102 369 group AT (association termination), read against RFC 9260 §9.1, §9.2 and
//! §8.4. "SUT closes" purposes start from `user_shutdown`; the others from a SHUTDOWN sent by
//! the tester.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::tester::*;
use usctp_proto::{AssocError, CloseReason, Event, State};
use usctp_wire::chunk::{Abort, Chunk, Shutdown, ShutdownAck, ShutdownComplete};
use usctp_wire::{Packet, StreamId, Tsn};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// SHUTDOWN from the tester acknowledging nothing of the SUT's data.
fn shutdown(t: &Tester) -> Chunk {
    Chunk::Shutdown(Shutdown {
        cum_tsn_ack: Tsn(t.next_tsn.wrapping_sub(1)),
    })
}

fn is_shutdown(c: &Chunk) -> bool {
    matches!(c, Chunk::Shutdown(_))
}

fn is_shutdown_ack(c: &Chunk) -> bool {
    matches!(c, Chunk::ShutdownAck(_))
}

/// Times at which `f` chunks were sent in `sent`.
fn times(sent: &[Sent], f: fn(&Chunk) -> bool) -> Vec<Duration> {
    sent.iter()
        .filter(|s| s.packet.chunks.iter().any(f))
        .map(|s| s.at)
        .collect()
}

/// The SUT in SHUTDOWN-ACK-SENT (the tester shut down first).
fn shutdown_ack_sent() -> Tester {
    let mut t = Tester::accept(quiet());
    let out = t.send(vec![shutdown(&t)]);
    assert!(
        matches!(first(&out), Some(Chunk::ShutdownAck(_))),
        "{out:?}"
    );
    assert_eq!(t.state(), Some(State::ShutdownAckSent));
    t
}

fn user_send_refused(t: &mut Tester) {
    let from = t.log.len();
    let p = bytes::Bytes::from_static(b"late");
    let r = t.user(|a| a.send(StreamId(0), p));
    assert!(matches!(r, Err(AssocError::NotWritable(_))), "{r:?}");
    assert!(data_tsns(&t.log[from..]).is_empty());
}

#[test]
fn sctp_at_v_2_2_abort_received_in_established() {
    let mut t = Tester::accept(quiet());
    t.send(vec![Chunk::Abort(Abort {
        t_bit: false,
        causes: vec![],
    })]);
    assert!(t.gone());
    assert!(t.saw(|e| matches!(e, Event::Closed(CloseReason::PeerAborted(_)))));
    t.assert_ootb_abort();
}

#[test]
fn sctp_at_i_2_3_shutdown_only_when_no_data_outstanding() {
    let mut t = Tester::accept(quiet());
    t.user_send(b"unacked");
    t.user_shutdown();
    assert_eq!(t.state(), Some(State::ShutdownPending));
    let out = t.run(ms(3500));
    assert_eq!(
        data_tsns(&out).len(),
        2,
        "DATA retransmitted at 1 s and 3 s"
    );
    assert!(times(&t.log, is_shutdown).is_empty());
    let out = t.send(vec![t.sack(1)]);
    assert!(has(&out, is_shutdown), "{out:?}");
}

#[test]
fn sctp_at_i_2_4_shutdown_retransmission() {
    let mut t = Tester::accept(quiet());
    t.user_shutdown();
    t.run(ms(3500));
    assert_eq!(
        times(&t.log, is_shutdown),
        vec![ms(0), ms(1000), ms(3000)],
        "T2-shutdown with back-off"
    );
}

#[test]
fn sctp_at_i_2_5_excessive_shutdown_retransmissions() {
    let mut t = Tester::accept(quiet());
    t.user_shutdown();
    t.run(Duration::from_secs(600));
    assert!(t.gone());
    let n = times(&t.log, is_shutdown).len();
    assert!((2..=11).contains(&n), "{n} SHUTDOWNs");
    assert!(t.saw(|e| matches!(
        e,
        Event::Closed(CloseReason::CommunicationLost | CloseReason::ShutdownGuardExpired)
    )));
    t.assert_ootb_abort();
}

#[test]
fn sctp_at_v_2_6_shutdown_ack_in_shutdown_sent() {
    let mut t = Tester::accept(quiet());
    t.user_shutdown();
    let out = t.send(vec![Chunk::ShutdownAck(ShutdownAck)]);
    let [p] = &out[..] else { panic!("{out:?}") };
    assert!(matches!(
        p.chunks[..],
        [Chunk::ShutdownComplete(ShutdownComplete { t_bit: false })]
    ));
    assert_eq!(p.header.vtag.0, TAG);
    assert!(t.gone() && t.saw(|e| *e == Event::ShutdownComplete));
    t.assert_ootb_abort();
}

#[test]
fn sctp_at_i_2_7_1_user_send_in_shutdown_sent() {
    let mut t = Tester::accept(quiet());
    t.user_shutdown();
    assert_eq!(t.state(), Some(State::ShutdownSent));
    user_send_refused(&mut t);
}

#[test]
fn sctp_at_i_2_7_2_user_send_in_shutdown_received() {
    let mut t = Tester::accept(quiet());
    t.user_send(b"in flight");
    t.send(vec![shutdown(&t)]);
    assert_eq!(t.state(), Some(State::ShutdownReceived));
    user_send_refused(&mut t);
}

#[test]
fn sctp_at_i_2_7_3_user_send_in_shutdown_pending() {
    let mut t = Tester::accept(quiet());
    t.user_send(b"first");
    t.user_shutdown();
    assert_eq!(t.state(), Some(State::ShutdownPending));
    user_send_refused(&mut t);
    let out = t.send(vec![t.sack(1)]);
    assert!(
        has(&out, is_shutdown),
        "the pending DATA was acked, then SHUTDOWN"
    );
}

#[test]
fn sctp_at_i_2_7_4_user_send_in_shutdown_ack_sent() {
    let mut t = shutdown_ack_sent();
    user_send_refused(&mut t);
}

/// The cumulative TSN ack of the first SHUTDOWN among `packets`.
fn shutdown_cum<'a>(packets: impl IntoIterator<Item = &'a Packet>) -> Option<u32> {
    packets
        .into_iter()
        .flat_map(|p| &p.chunks)
        .find_map(|c| match c {
            Chunk::Shutdown(s) => Some(s.cum_tsn_ack.0),
            _ => None,
        })
}

/// Not an ETSI purpose: an association that has received no DATA holds no receiver yet, and
/// its SHUTDOWN still acks up to the TSN before the peer's first (RFC 9260 §9.2, §5.1 the
/// initial TSN).
#[test]
fn shutdown_before_any_data_acks_the_tsn_before_the_peers_initial() {
    let mut t = Tester::accept(quiet());
    let from = t.log.len();
    t.user_shutdown();
    let cum = shutdown_cum(t.log[from..].iter().map(|s| &s.packet));
    assert_eq!(cum, Some(TSN0.wrapping_sub(1)), "{:?}", &t.log[from..]);
    // Then DATA arrives (allowed in SHUTDOWN-SENT): the receiver starts from the same point.
    let d = t.data(b"first");
    let out = t.send(vec![d]);
    assert_eq!(shutdown_cum(&out), Some(TSN0), "{out:?}");
}

#[test]
fn sctp_at_i_2_8_data_received_in_shutdown_sent() {
    let mut t = Tester::accept(quiet());
    t.user_shutdown();
    t.run(ms(500));
    let d = t.data(b"late data");
    let out = t.send(vec![d]);
    // RFC 9260 §9.2: answer at once with a SHUTDOWN carrying the new cumulative ack, and
    // restart T2.
    assert_eq!(shutdown_cum(&out), Some(TSN0), "{out:?}");
    let at = t.run(ms(1200));
    assert_eq!(
        times(&at, is_shutdown),
        vec![ms(1500)],
        "T2 restarted at 500 ms"
    );
    assert_eq!(t.messages(), vec![&b"late data"[..]]);
}

#[test]
fn sctp_at_i_2_9_data_received_in_shutdown_received() {
    // ETSI: DATA after the peer's SHUTDOWN is discarded (RFC 9260 §9.2 leaves it open: the
    // peer cannot have new data once it sent SHUTDOWN).
    let mut t = Tester::accept(quiet());
    t.user_send(b"ours");
    t.send(vec![shutdown(&t)]);
    let d = t.data(b"after shutdown");
    t.send(vec![d]);
    assert!(t.messages().is_empty());
    let out = t.send(vec![t.sack(1)]);
    assert!(has(&out, is_shutdown_ack), "{out:?}");
}

#[test]
fn sctp_at_i_2_10_shutdown_while_sut_has_outstanding_data() {
    let mut t = Tester::accept(quiet());
    t.user_send(b"outstanding");
    t.send(vec![shutdown(&t)]);
    let out = t.run(ms(1500));
    assert_eq!(data_tsns(&out).len(), 1, "retransmitted");
    assert!(times(&t.log, is_shutdown_ack).is_empty());
    let out = t.send(vec![t.sack(1)]);
    assert!(has(&out, is_shutdown_ack), "{out:?}");
}

#[test]
fn sctp_at_i_2_11_shutdown_ack_retransmission() {
    let mut t = shutdown_ack_sent();
    t.run(ms(1500));
    assert_eq!(times(&t.log, is_shutdown_ack), vec![ms(0), ms(1000)]);
    t.send(vec![Chunk::ShutdownComplete(ShutdownComplete {
        t_bit: false,
    })]);
    assert!(t.gone());
}

#[test]
fn sctp_at_i_2_12_excessive_shutdown_ack_retransmissions() {
    let mut t = shutdown_ack_sent();
    t.run(Duration::from_secs(900));
    assert!(t.gone());
    let n = times(&t.log, is_shutdown_ack).len();
    assert_eq!(n, 11, "1 + Association.Max.Retrans (10)");
    assert!(t.saw(|e| matches!(e, Event::Closed(_))));
    t.assert_ootb_abort();
}

#[test]
fn sctp_at_i_2_13_shutdown_complete_in_shutdown_ack_sent() {
    let mut t = shutdown_ack_sent();
    let out = t.send(vec![Chunk::ShutdownComplete(ShutdownComplete {
        t_bit: false,
    })]);
    assert!(out.is_empty());
    assert!(t.gone() && t.saw(|e| *e == Event::ShutdownComplete));
    t.assert_ootb_abort();
}

#[test]
fn sctp_at_v_2_14_shutdown_acknowledging_all_data() {
    let mut t = Tester::accept(quiet());
    t.user_send(b"x");
    let cum = t.sut_tsn;
    let out = t.send(vec![Chunk::Shutdown(Shutdown {
        cum_tsn_ack: Tsn(cum),
    })]);
    assert!(has(&out, is_shutdown_ack), "{out:?}");
}

#[test]
fn rfc4460_2_41_12_to_15_shutdown_complete_tag_and_t_bit() {
    // Only "our tag, T clear" and "the peer's tag, T set" are accepted (RFC 9260 §8.5.1 C).
    for (ours, t_bit, accepted) in [
        (true, false, true),
        (false, true, true),
        (true, true, false),
        (false, false, false),
    ] {
        let mut t = shutdown_ack_sent();
        let vtag = if ours { t.sut_tag } else { TAG };
        t.send_tag(
            vtag,
            vec![Chunk::ShutdownComplete(ShutdownComplete { t_bit })],
        );
        assert_eq!(t.gone(), accepted, "ours={ours} T={t_bit}");
        if !accepted {
            let out = t.run(ms(1100));
            assert!(
                has(&packets(&out), is_shutdown_ack),
                "SHUTDOWN ACK retransmitted"
            );
        }
    }
}
