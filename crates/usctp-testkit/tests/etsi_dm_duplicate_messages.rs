//! ETSI TS 102 369 group DM (duplicate and inopportune messages), read against RFC 9260
//! §5.2, §8.4, §8.5.1 and §9.2.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::tester::*;
use usctp_proto::{Event, State};
use usctp_wire::chunk::{Chunk, CookieAck, CookieEcho, Shutdown, ShutdownAck, ShutdownComplete};
use usctp_wire::Tsn;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn shutdown_from(t: &Tester) -> Chunk {
    Chunk::Shutdown(Shutdown {
        cum_tsn_ack: Tsn(t.next_tsn.wrapping_sub(1)),
    })
}

fn init_again(out: &[Sent]) -> bool {
    out.iter()
        .any(|s| matches!(s.packet.chunks.first(), Some(Chunk::Init(_))))
}

fn shutdown_ack_sent() -> Tester {
    let mut t = Tester::accept(quiet());
    t.send(vec![shutdown_from(&t)]);
    assert_eq!(t.state(), Some(State::ShutdownAckSent));
    t
}

#[test]
fn sctp_dm_o_4_1_init_in_cookie_wait() {
    let (mut t, _) = Tester::connect(quiet());
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    let ack = init_ack_of(&out).expect("INIT ACK");
    assert_eq!(
        ack.initiate_tag.0, t.sut_tag,
        "RFC 9260 §5.2.1: our INIT's tag"
    );
    assert_eq!(out[0].header.vtag.0, TAG);
    assert_eq!(t.state(), Some(State::CookieWait));
}

#[test]
fn sctp_dm_o_4_2_2_init_in_shutdown_ack_sent() {
    let mut t = shutdown_ack_sent();
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    assert!(init_ack_of(&out).is_none());
    assert!(has(&out, |c| matches!(c, Chunk::ShutdownAck(_))), "{out:?}");
    assert_eq!(t.state(), Some(State::ShutdownAckSent));
}

#[test]
fn sctp_dm_o_4_3_duplicate_init_ack_in_cookie_echoed() {
    let (mut t, _) = Tester::connect(quiet());
    t.send(vec![Chunk::InitAck(t.init_ack())]);
    let mut dup = t.init_ack();
    dup.initiate_tag = usctp_wire::VerificationTag(TAG + 1);
    let out = t.send(vec![Chunk::InitAck(dup)]);
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(t.state(), Some(State::CookieEchoed));
    let out = t.run(ms(1100));
    assert!(matches!(out[0].packet.chunks[0], Chunk::CookieEcho(_)));
    assert_eq!(
        out[0].packet.header.vtag.0, TAG,
        "still the first INIT ACK's tag"
    );
}

#[test]
fn sctp_dm_o_4_4_duplicate_cookie_ack_in_established() {
    let mut t = Tester::connected(quiet());
    let out = t.send(vec![Chunk::CookieAck(CookieAck)]);
    assert!(out.is_empty());
    let from = t.log.len();
    t.user_send(b"still works");
    assert_eq!(data_tsns(&t.log[from..]).len(), 1);
    assert_eq!(
        t.events.iter().filter(|e| **e == Event::Connected).count(),
        1
    );
}

#[test]
fn sctp_dm_o_4_5_shutdown_in_shutdown_sent() {
    let mut t = Tester::accept(quiet());
    t.user_shutdown();
    let out = t.send(vec![shutdown_from(&t)]);
    assert!(
        matches!(first(&out), Some(Chunk::ShutdownAck(_))),
        "{out:?}"
    );
    assert_eq!(t.state(), Some(State::ShutdownAckSent));
}

#[test]
fn sctp_dm_o_4_6_1_shutdown_in_cookie_wait() {
    let (mut t, _) = Tester::connect(quiet());
    let out = t.send(vec![shutdown_from(&t)]);
    assert!(out.is_empty(), "{out:?}");
    assert!(init_again(&t.run(ms(1100))));
    let out = t.send(vec![Chunk::InitAck(t.init_ack())]);
    assert!(matches!(first(&out), Some(Chunk::CookieEcho(_))));
}

#[test]
fn sctp_dm_o_4_6_2_shutdown_in_closed() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0x1234, vec![shutdown_from(&t)]);
    let [p] = &out[..] else { panic!("{out:?}") };
    assert!(matches!(p.chunks[..], [Chunk::Abort(ref a)] if a.t_bit));
    assert_eq!(
        p.header.vtag.0, 0x1234,
        "RFC 9260 §8.4 rule 8: tag reflected"
    );
}

#[test]
fn sctp_dm_o_4_6_3_shutdown_in_shutdown_sent_restarts_t2() {
    let mut t = Tester::accept(quiet());
    t.user_shutdown();
    t.run(ms(600));
    t.send(vec![shutdown_from(&t)]);
    let out = t.run(ms(1100));
    let acks: Vec<_> = out
        .iter()
        .filter(|s| matches!(s.packet.chunks[0], Chunk::ShutdownAck(_)))
        .map(|s| s.at)
        .collect();
    assert_eq!(acks, vec![ms(1600)], "T2 restarted with the SHUTDOWN ACK");
}

#[test]
fn sctp_dm_o_4_7_1_shutdown_ack_in_cookie_wait() {
    let (mut t, _) = Tester::connect(quiet());
    let out = t.send(vec![Chunk::ShutdownAck(ShutdownAck)]);
    let [p] = &out[..] else { panic!("{out:?}") };
    assert!(matches!(
        p.chunks[..],
        [Chunk::ShutdownComplete(ShutdownComplete { t_bit: true })]
    ));
    assert_eq!(p.header.vtag.0, t.sut_tag);
    assert!(init_again(&t.run(ms(1100))));
}

#[test]
fn sctp_dm_o_4_7_2_shutdown_ack_in_established() {
    let mut t = Tester::accept(quiet());
    let n = t.events.len();
    let out = t.send(vec![Chunk::ShutdownAck(ShutdownAck)]);
    assert!(out.is_empty());
    assert_eq!(t.events.len(), n, "nothing reported to the user");
    assert!(t.alive());
}

#[test]
fn sctp_dm_o_4_7_3_shutdown_ack_in_shutdown_ack_sent() {
    let mut t = shutdown_ack_sent();
    let out = t.send(vec![Chunk::ShutdownAck(ShutdownAck)]);
    assert!(matches!(first(&out), Some(Chunk::ShutdownComplete(s)) if !s.t_bit));
    assert!(t.gone());
}

#[test]
fn sctp_dm_o_4_8_cookie_echo_with_bad_mac_in_established() {
    for mut t in [Tester::connected(quiet()), Tester::accept(quiet())] {
        let junk = bytes::Bytes::from(vec![0x5a; 80]);
        let out = t.send(vec![Chunk::CookieEcho(CookieEcho { cookie: junk })]);
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(t.state(), Some(State::Established));
        assert!(t.alive());
    }
}

#[test]
fn sctp_dm_o_4_9_shutdown_complete_in_cookie_wait() {
    let (mut t, _) = Tester::connect(quiet());
    for t_bit in [false, true] {
        let out = t.send(vec![Chunk::ShutdownComplete(ShutdownComplete { t_bit })]);
        assert!(out.is_empty());
    }
    assert_eq!(t.state(), Some(State::CookieWait));
    assert!(init_again(&t.run(ms(1100))));
}

#[test]
fn sctp_dm_o_4_10_data_in_shutdown_ack_sent() {
    let mut t = shutdown_ack_sent();
    let d = t.data(b"too late");
    let out = t.send(vec![d]);
    assert!(sacks(&out).is_empty(), "{out:?}");
    let out = t.run(ms(1100));
    assert!(has(&packets(&out), |c| matches!(c, Chunk::ShutdownAck(_))));
    assert!(sacks(&packets(&out)).is_empty());
    assert!(t.messages().is_empty());
}
