//! Partial delivery (RFC 6458 §3.1.4, §8.1.21): pieces in order, ends marked, no
//! interleaving, window freed as pieces are read.

use bytes::Bytes;
use usctp_wire::chunk::Data;
use usctp_wire::{Ppid, Ssn, StreamId, Tsn};

use super::{Receiver, RxOutcome};
use crate::config::AssociationConfig;

/// Window 1000, partial delivery point 100.
fn receiver() -> Receiver {
    let cfg = AssociationConfig {
        receive_window: 1000,
        partial_delivery_point: 100,
        ..AssociationConfig::default()
    };
    Receiver::new(Tsn(1), 4, &cfg)
}

fn frag(tsn: u32, stream: u16, ssn: u16, b: bool, e: bool, len: usize) -> Data {
    Data {
        tsn: Tsn(tsn),
        stream: StreamId(stream),
        ssn: Ssn(ssn),
        ppid: Ppid(9),
        beginning: b,
        ending: e,
        payload: Bytes::from(vec![tsn as u8; len]),
        ..Data::default()
    }
}

/// A message of `n` 40-byte fragments from `tsn`.
fn message(tsn: u32, stream: u16, ssn: u16, n: u32) -> Vec<Data> {
    (0..n)
        .map(|i| frag(tsn + i, stream, ssn, i == 0, i + 1 == n, 40))
        .collect()
}

/// (stream, bytes, end_of_message) of every piece ready.
fn drain(r: &mut Receiver) -> Vec<(u16, usize, bool)> {
    std::iter::from_fn(|| r.poll_message())
        .map(|m| (m.stream.0, m.payload.len(), m.end_of_message))
        .collect()
}

#[test]
fn message_beyond_the_point_comes_in_pieces_in_order_with_the_end_marked() {
    let mut r = receiver();
    let m = message(1, 0, 0, 6);
    for c in &m[..2] {
        assert_eq!(r.on_data(c), RxOutcome::Accepted);
    }
    assert_eq!(drain(&mut r), [], "80 bytes: below the point");
    r.on_data(&m[2]);
    assert_eq!(drain(&mut r), [(0, 120, false)]);
    assert_eq!(r.buffered_bytes(), 0, "read pieces leave the window");
    for c in &m[3..] {
        r.on_data(c);
    }
    assert_eq!(
        drain(&mut r),
        [(0, 40, false), (0, 40, false), (0, 40, true)]
    );
}

#[test]
fn a_message_larger_than_the_window_never_stalls() {
    // 100 fragments of 40 bytes = 4000 bytes through a 1000-byte window, read as it comes.
    let mut r = receiver();
    let mut total = 0;
    for c in message(1, 2, 0, 100) {
        assert_eq!(r.on_data(&c), RxOutcome::Accepted);
        total += drain(&mut r).iter().map(|p| p.1).sum::<usize>();
        assert!(r.buffered_bytes() <= 100);
    }
    assert_eq!(total, 4000);
}

#[test]
fn other_streams_wait_until_the_partial_delivery_ends() {
    let mut r = receiver();
    let big = message(1, 0, 0, 4);
    for c in &big[..3] {
        r.on_data(c);
    }
    assert_eq!(drain(&mut r), [(0, 120, false)]);
    // A whole message on another stream, and the next ordered one on the same stream,
    // arrive (out of order, after a hole at TSN 4) while the big one is unfinished.
    r.on_data(&frag(5, 1, 0, true, true, 7));
    r.on_data(&frag(6, 0, 1, true, true, 8));
    assert_eq!(drain(&mut r), []);
    r.on_data(&big[3]);
    assert_eq!(drain(&mut r), [(0, 40, true), (1, 7, true), (0, 8, true)]);
}

#[test]
fn lost_fragment_holds_the_pieces_until_it_arrives() {
    let mut r = receiver();
    let m = message(1, 0, 0, 6);
    r.on_data(&m[0]);
    for c in &m[2..5] {
        r.on_data(c);
    }
    assert_eq!(drain(&mut r), [], "the start is not in sequence");
    r.on_data(&m[1]);
    assert_eq!(drain(&mut r), [(0, 120, false), (0, 80, false)]);
    r.on_data(&m[5]);
    assert_eq!(drain(&mut r), [(0, 40, true)]);
    assert_eq!(r.buffered_bytes(), 0);
}

#[test]
fn ordered_message_waits_for_its_turn_unordered_does_not() {
    let mut r = receiver();
    // SSN 1 on stream 0 before SSN 0 (lost): no partial delivery of it yet.
    let second = message(2, 0, 1, 4);
    for c in &second[..3] {
        r.on_data(c);
    }
    assert_eq!(drain(&mut r), []);
    r.on_data(&frag(1, 0, 0, true, true, 5));
    assert_eq!(drain(&mut r), [(0, 5, true), (0, 120, false)]);

    let mut r = receiver();
    let mut unordered = message(1, 3, 0, 4);
    for c in &mut unordered {
        c.unordered = true;
    }
    for c in &unordered[..3] {
        r.on_data(c);
    }
    assert_eq!(drain(&mut r), [(3, 120, false)]);
}

#[test]
fn a_beginning_inside_the_partial_message_is_a_protocol_violation() {
    let mut r = receiver();
    for c in &message(1, 0, 0, 4)[..3] {
        r.on_data(c);
    }
    let b = frag(4, 0, 1, true, false, 40);
    assert_eq!(r.on_data(&b), RxOutcome::BrokenFragments(Tsn(4)));
}

#[test]
fn reading_pieces_opens_the_window_and_owes_a_window_update() {
    // RFC 9260 §6.2: pieces read free window; once it opened by half, a SACK is due at once.
    let mut r = receiver();
    let t0 = crate::test_epoch::epoch();
    let m = message(1, 0, 0, 24);
    for c in &m[..22] {
        r.on_data(c);
    }
    r.on_packet_end(t0, false);
    let sack = r.build_sack(1500);
    assert_eq!(sack.a_rwnd, 1000 - 22 * 40, "pieces count until read");
    assert_eq!(r.sack_deadline(), None);
    drain(&mut r);
    assert_eq!(r.a_rwnd(), 1000);
    assert_eq!(r.sack_deadline(), Some(t0), "window update owed");
}
