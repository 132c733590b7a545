//! ETSI TS 102 369 group IMH (invalid message handling), read against RFC 9260 §3.2, §5.1.5,
//! §6.8 and §8.5.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::tester::*;
use common::wire::PEER;
use usctp_proto::State;
use usctp_wire::chunk::{Chunk, CookieEcho, ShutdownAck, ShutdownComplete};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// An INIT whose chunk length field says `len` (the bytes that follow are those of a valid
/// INIT, cut or not).
fn init_with_length(len: u16, keep: usize) -> Vec<u8> {
    let mut b = chunk_bytes(&init_chunk(TAG, 10, 10));
    b[2..4].copy_from_slice(&len.to_be_bytes());
    b.truncate(keep);
    b
}

fn valid_init_still_works(t: &mut Tester) {
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    assert!(init_ack_of(&out).is_some());
}

#[test]
fn sctp_imh_i_3_1_init_chunk_too_short() {
    let mut t = Tester::listen(quiet());
    let out = t.send_bytes(PEER, raw_packet(0, &init_with_length(16, 16)));
    assert!(out.is_empty(), "{out:?}");
    valid_init_still_works(&mut t);
}

#[test]
fn sctp_imh_i_3_2_init_ack_chunk_too_short() {
    let (mut t, _) = Tester::connect(quiet());
    let mut b = chunk_bytes(&Chunk::InitAck(t.init_ack()));
    b[2..4].copy_from_slice(&16u16.to_be_bytes());
    b.truncate(16);
    let sut_tag = t.sut_tag;
    let out = t.send_bytes(PEER, raw_packet(sut_tag, &b));
    assert!(out.is_empty(), "discarded: {out:?}");
    let out = t.run(ms(1100));
    assert!(
        matches!(out[0].packet.chunks[0], Chunk::Init(_)),
        "INIT retransmitted"
    );
    assert_eq!(t.state(), Some(State::CookieWait));
}

#[test]
fn sctp_imh_i_3_3_cookie_echo_with_wrong_verification_tag() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    let ack = init_ack_of(&out).unwrap();
    let cookie = ack.state_cookie().unwrap();
    let echo = Chunk::CookieEcho(CookieEcho { cookie });
    let out = t.send_tag(ack.initiate_tag.0 ^ 0x10, vec![echo.clone()]);
    assert!(out.is_empty() && t.gone());
    let out = t.send_tag(ack.initiate_tag.0, vec![echo]);
    assert!(matches!(first(&out), Some(Chunk::CookieAck(_))));
}

#[test]
fn sctp_imh_i_3_4_init_with_bad_checksum() {
    let mut t = Tester::listen(quiet());
    let mut b = raw_packet(0, &chunk_bytes(&init_chunk(TAG, 10, 10))).to_vec();
    b[8] ^= 0xff;
    let out = t.send_bytes(PEER, Bytes::from(b));
    assert!(out.is_empty());
    assert_eq!(t.ep.stats().malformed, 1);
    valid_init_still_works(&mut t);
}

#[test]
fn sctp_imh_i_3_5_cookie_echo_with_invalid_cookie() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    let ack = init_ack_of(&out).unwrap();
    let mut cookie = ack.state_cookie().unwrap().to_vec();
    let last = cookie.len() - 1;
    cookie[last] ^= 1; // breaks the MAC
    let echo = Chunk::CookieEcho(CookieEcho {
        cookie: cookie.into(),
    });
    let out = t.send_tag(ack.initiate_tag.0, vec![echo]);
    assert!(out.is_empty() && t.gone());
}

#[test]
fn sctp_imh_i_3_8_packet_shorter_than_its_init_chunk() {
    let mut t = Tester::listen(quiet());
    let out = t.send_bytes(PEER, raw_packet(0, &init_with_length(100, 20)));
    assert!(out.is_empty());
    valid_init_still_works(&mut t);
}

#[test]
fn sctp_imh_i_3_9_shutdown_ack_with_wrong_tag_in_shutdown_sent() {
    let mut t = Tester::accept(quiet());
    t.user_shutdown();
    let out = t.send_tag(t.sut_tag ^ 1, vec![Chunk::ShutdownAck(ShutdownAck)]);
    assert!(out.is_empty());
    assert_eq!(t.state(), Some(State::ShutdownSent));
    let out = t.run(ms(1100));
    assert!(has(&packets(&out), |c| matches!(c, Chunk::Shutdown(_))));
    let out = t.send(vec![Chunk::ShutdownAck(ShutdownAck)]);
    assert!(matches!(first(&out), Some(Chunk::ShutdownComplete(_))));
    assert!(t.gone());
}

#[test]
fn sctp_imh_i_3_10_shutdown_complete_with_wrong_tag_in_shutdown_ack_sent() {
    let mut t = Tester::accept(quiet());
    let cum = usctp_wire::Tsn(TSN0 - 1);
    t.send(vec![Chunk::Shutdown(usctp_wire::chunk::Shutdown {
        cum_tsn_ack: cum,
    })]);
    assert_eq!(t.state(), Some(State::ShutdownAckSent));
    let sc = Chunk::ShutdownComplete(ShutdownComplete { t_bit: false });
    t.send_tag(t.sut_tag ^ 1, vec![sc]);
    assert_eq!(t.state(), Some(State::ShutdownAckSent));
    let out = t.run(ms(1100));
    assert!(has(&packets(&out), |c| matches!(c, Chunk::ShutdownAck(_))));
}
