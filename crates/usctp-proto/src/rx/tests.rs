//! The receiver's rules end to end: outcomes, SACK contents and timing, delivery, window.

use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp_wire::chunk::{Data, GapBlock};
use usctp_wire::{Ppid, Ssn, StreamId, Tsn};

use super::{Message, Receiver, RxOutcome};
use crate::config::AssociationConfig;

const MS: Duration = Duration::from_millis(1);

fn base() -> Instant {
    crate::test_epoch::epoch()
}

fn cfg(window: u32) -> AssociationConfig {
    AssociationConfig {
        receive_window: window,
        ..AssociationConfig::default()
    }
}

/// A whole ordered message in one chunk.
fn data(tsn: u32, stream: u16, ssn: u16, payload: &'static [u8]) -> Data {
    Data {
        tsn: Tsn(tsn),
        stream: StreamId(stream),
        ssn: Ssn(ssn),
        ppid: Ppid(7),
        beginning: true,
        ending: true,
        payload: Bytes::from_static(payload),
        ..Data::default()
    }
}

fn frag(tsn: u32, stream: u16, ssn: u16, b: bool, e: bool, payload: &'static [u8]) -> Data {
    Data {
        beginning: b,
        ending: e,
        ..data(tsn, stream, ssn, payload)
    }
}

fn drain(r: &mut Receiver) -> Vec<(u16, Bytes)> {
    std::iter::from_fn(|| r.poll_message())
        .map(|m| (m.stream.0, m.payload))
        .collect()
}

fn gb(start: u16, end: u16) -> GapBlock {
    GapBlock { start, end }
}

#[test]
fn in_order_single_chunk_messages_are_delivered_zero_copy() {
    let mut r = Receiver::new(Tsn(10), 4, &cfg(1000));
    let c = data(10, 1, 0, b"hello");
    assert_eq!(r.on_data(&c), RxOutcome::Accepted);
    assert_eq!(r.cum_ack(), Tsn(10));
    assert_eq!(r.a_rwnd(), 995);
    assert_eq!(r.buffered_bytes(), 5);
    let m = r.poll_message();
    assert_eq!(
        m,
        Some(Message {
            stream: StreamId(1),
            ppid: Ppid(7),
            unordered: false,
            end_of_message: true,
            aborted: false,
            payload: Bytes::from_static(b"hello"),
        })
    );
    assert_eq!(m.map(|m| m.payload.as_ptr()), Some(c.payload.as_ptr()));
    assert_eq!((r.a_rwnd(), r.buffered_bytes()), (1000, 0));
}

#[test]
fn tsn_wrap_around_from_initial_tsn_near_u32_max() {
    let mut r = Receiver::new(Tsn(u32::MAX - 1), 1, &cfg(1000));
    assert_eq!(r.cum_ack(), Tsn(u32::MAX - 2));
    for (i, tsn) in [u32::MAX - 1, u32::MAX, 0, 1].into_iter().enumerate() {
        assert_eq!(
            r.on_data(&data(tsn, 0, i as u16, b"x")),
            RxOutcome::Accepted
        );
    }
    assert_eq!(r.cum_ack(), Tsn(1));
    assert_eq!(r.on_data(&data(u32::MAX, 0, 1, b"x")), RxOutcome::Duplicate);
    assert_eq!(drain(&mut r).len(), 4);
}

#[test]
fn gaps_are_acked_with_gap_blocks_and_filling_them_advances_cum_ack() {
    let mut r = Receiver::new(Tsn(1), 1, &cfg(1000));
    for tsn in [1, 3, 4, 6] {
        r.on_data(&data(tsn, 0, tsn as u16 - 1, b"x"));
    }
    assert!(r.has_gaps());
    let sack = r.build_sack(1500);
    assert_eq!(sack.cum_tsn_ack, Tsn(1));
    assert_eq!(sack.gap_blocks, [gb(2, 3), gb(5, 5)]);
    assert!(sack.dup_tsns.is_empty());
    assert_eq!(drain(&mut r).len(), 1); // SSN 1 (TSN 2) holds back SSNs 2, 3, 5
    r.on_data(&data(2, 0, 1, b"x"));
    r.on_data(&data(5, 0, 4, b"x"));
    assert_eq!(r.cum_ack(), Tsn(6));
    assert!(!r.has_gaps());
    assert_eq!(drain(&mut r).len(), 5);
}

#[test]
fn duplicates_are_reported_once_in_the_next_sack() {
    let mut r = Receiver::new(Tsn(1), 1, &cfg(1000));
    r.on_data(&data(1, 0, 0, b"x"));
    r.on_data(&data(3, 0, 2, b"x"));
    assert_eq!(r.on_data(&data(1, 0, 0, b"x")), RxOutcome::Duplicate);
    assert_eq!(r.on_data(&data(3, 0, 2, b"x")), RxOutcome::Duplicate);
    let sack = r.build_sack(1500);
    assert_eq!(sack.dup_tsns, [Tsn(1), Tsn(3)]);
    assert!(r.build_sack(1500).dup_tsns.is_empty());
    assert_eq!(r.buffered_bytes(), 2); // the duplicates were not stored
}

#[test]
fn sack_is_truncated_to_max_len_dropping_dups_then_highest_gaps() {
    let mut r = Receiver::new(Tsn(1), 1, &cfg(100_000));
    for tsn in [2, 4, 6, 8] {
        r.on_data(&data(tsn, 0, tsn as u16, b"x"));
        r.on_data(&data(tsn, 0, tsn as u16, b"x"));
    }
    // 16 fixed bytes + 4 gaps + 4 dups = 48 bytes; 40 fits 6 items: every gap, 2 dups.
    let sack = r.build_sack(40);
    assert_eq!(sack.gap_blocks, [gb(2, 2), gb(4, 4), gb(6, 6), gb(8, 8)]);
    assert_eq!(sack.dup_tsns, [Tsn(2), Tsn(4)]);
    // 27 bytes fit 2 items: the lowest gaps only.
    let sack = r.build_sack(27);
    assert_eq!(sack.gap_blocks, [gb(2, 2), gb(4, 4)]);
    // Below the fixed part: nothing but the cum ack and window.
    let sack = r.build_sack(8);
    assert!(sack.gap_blocks.is_empty() && sack.dup_tsns.is_empty());
}

#[test]
fn delayed_sack_after_sack_delay_and_at_once_every_second_packet() {
    let t0 = base();
    let mut r = Receiver::new(Tsn(1), 1, &cfg(1000));
    assert_eq!(r.sack_deadline(), None);
    // The association's first DATA: at once.
    r.on_data(&data(1, 0, 0, b"x"));
    r.on_packet_end(t0, false);
    assert_eq!(r.sack_deadline(), Some(t0));
    r.build_sack(1500);
    r.on_data(&data(2, 0, 1, b"x"));
    r.on_packet_end(t0 + MS, false);
    assert_eq!(r.sack_deadline(), Some(t0 + 201 * MS));
    r.on_data(&data(3, 0, 2, b"x"));
    r.on_packet_end(t0 + 5 * MS, false);
    assert_eq!(r.sack_deadline(), Some(t0 + 5 * MS));
    r.build_sack(1500);
    assert_eq!(r.sack_deadline(), None);
}

#[test]
fn out_of_order_packet_and_gap_fill_are_sacked_at_once() {
    let t0 = base();
    let mut r = Receiver::new(Tsn(1), 1, &cfg(1000));
    r.on_data(&data(2, 0, 1, b"x"));
    r.on_packet_end(t0, false);
    assert_eq!(r.sack_deadline(), Some(t0));
    r.build_sack(1500);
    r.on_data(&data(1, 0, 0, b"x"));
    r.on_packet_end(t0 + MS, false);
    assert_eq!(r.sack_deadline(), Some(t0 + MS));
}

#[test]
fn packet_with_duplicates_or_i_bit_is_sacked_at_once() {
    let t0 = base();
    let mut r = Receiver::new(Tsn(1), 1, &cfg(1000));
    r.on_data(&data(1, 0, 0, b"x"));
    r.on_packet_end(t0, false);
    r.build_sack(1500);
    r.on_data(&data(1, 0, 0, b"x"));
    r.on_packet_end(t0 + MS, false);
    assert_eq!(r.sack_deadline(), Some(t0 + MS));
    r.build_sack(1500);
    r.on_data(&data(2, 0, 1, b"x"));
    r.on_packet_end(t0 + 2 * MS, true);
    assert_eq!(r.sack_deadline(), Some(t0 + 2 * MS));
}

#[test]
fn fragments_reassemble_in_and_out_of_order_with_one_copy() {
    let mut r = Receiver::new(Tsn(1), 1, &cfg(1000));
    r.on_data(&frag(3, 0, 0, false, true, b"ef"));
    r.on_data(&frag(1, 0, 0, true, false, b"ab"));
    assert_eq!(r.poll_message(), None);
    assert_eq!(r.buffered_bytes(), 4);
    r.on_data(&frag(2, 0, 0, false, false, b"cd"));
    assert_eq!(drain(&mut r), [(0, Bytes::from_static(b"abcdef"))]);
    assert_eq!(r.buffered_bytes(), 0);
}

#[test]
fn interleaved_streams_are_ordered_independently() {
    let mut r = Receiver::new(Tsn(1), 3, &cfg(1000));
    // Stream 1 SSN 0 is lost for now; stream 2 flows past it.
    r.on_data(&data(2, 1, 1, b"b"));
    r.on_data(&frag(3, 2, 0, true, false, b"c"));
    r.on_data(&frag(4, 2, 0, false, true, b"d"));
    assert_eq!(drain(&mut r), [(2, Bytes::from_static(b"cd"))]);
    r.on_data(&data(1, 1, 0, b"a"));
    assert_eq!(
        drain(&mut r),
        [(1, Bytes::from_static(b"a")), (1, Bytes::from_static(b"b"))]
    );
}

#[test]
fn ssn_wraps_on_a_long_lived_stream() {
    let mut r = Receiver::new(Tsn(0), 1, &cfg(1 << 20));
    for i in 0..65536u32 {
        assert_eq!(r.on_data(&data(i, 0, i as u16, b"x")), RxOutcome::Accepted);
        r.poll_message();
    }
    // SSN 1 (after the wrap) before SSN 0.
    r.on_data(&data(65537, 0, 1, b"2"));
    assert_eq!(r.poll_message(), None);
    r.on_data(&data(65536, 0, 0, b"1"));
    assert_eq!(
        drain(&mut r),
        [(0, Bytes::from_static(b"1")), (0, Bytes::from_static(b"2"))]
    );
}

#[test]
fn unordered_messages_are_delivered_as_soon_as_complete() {
    let mut r = Receiver::new(Tsn(1), 1, &cfg(1000));
    let unordered = |c: Data| Data {
        unordered: true,
        ..c
    };
    r.on_data(&unordered(frag(3, 0, 9, true, false, b"u")));
    r.on_data(&unordered(frag(4, 0, 9, false, true, b"v")));
    let m = r.poll_message();
    assert_eq!(
        m.as_ref().map(|m| (m.unordered, &m.payload[..])),
        Some((true, &b"uv"[..]))
    );
    assert_eq!(r.cum_ack(), Tsn(0));
}

#[test]
fn chunk_beyond_the_buffer_is_window_full_and_not_acked() {
    let t0 = base();
    let mut r = Receiver::new(Tsn(1), 1, &cfg(10));
    assert_eq!(r.on_data(&data(1, 0, 0, b"12345678")), RxOutcome::Accepted);
    assert_eq!(r.a_rwnd(), 2);
    assert_eq!(r.on_data(&data(2, 0, 1, b"abc")), RxOutcome::WindowFull);
    r.on_packet_end(t0, false);
    // RFC 9260 §6.2: the drop is reported at once, the TSN is not acked.
    assert_eq!(r.sack_deadline(), Some(t0));
    assert_eq!(r.cum_ack(), Tsn(1));
    assert_eq!(r.build_sack(1500).a_rwnd, 2);
    // Reading the message opens the window and asks for a window-update SACK.
    assert!(r.poll_message().is_some());
    assert_eq!(r.a_rwnd(), 10);
    assert_eq!(r.sack_deadline(), Some(t0));
    assert_eq!(r.on_data(&data(2, 0, 1, b"abc")), RxOutcome::Accepted);
}

#[test]
fn tsn_too_far_ahead_of_cum_ack_is_window_full() {
    // Window 1600: at most 1600 / 16 + 1024 = 1124 TSNs ahead.
    let mut r = Receiver::new(Tsn(1), 1, &cfg(1600));
    assert_eq!(r.on_data(&data(1124, 0, 5, b"x")), RxOutcome::Accepted);
    assert_eq!(r.on_data(&data(1125, 0, 6, b"x")), RxOutcome::WindowFull);
    assert_eq!(r.build_sack(1500).gap_blocks, [gb(1124, 1124)]);
}

#[test]
fn next_tsn_is_taken_beyond_a_window_full_of_out_of_order_data() {
    let mut r = Receiver::new(Tsn(1), 1, &cfg(10));
    assert_eq!(
        r.on_data(&data(2, 0, 1, b"0123456789")),
        RxOutcome::Accepted
    );
    assert_eq!(r.a_rwnd(), 0);
    assert_eq!(r.on_data(&data(3, 0, 2, b"z")), RxOutcome::WindowFull);
    // The missing TSN still gets in, so the data can drain.
    assert_eq!(r.on_data(&data(1, 0, 0, b"abc")), RxOutcome::Accepted);
    assert_eq!(r.cum_ack(), Tsn(2));
    assert_eq!(drain(&mut r).len(), 2);
    // Without gaps a full window refuses even the next TSN.
    let mut r = Receiver::new(Tsn(1), 1, &cfg(3));
    r.on_data(&data(1, 0, 0, b"abc"));
    assert_eq!(r.on_data(&data(2, 0, 1, b"d")), RxOutcome::WindowFull);
}

#[test]
fn invalid_stream_is_acked_and_discarded() {
    let mut r = Receiver::new(Tsn(1), 2, &cfg(1000));
    assert_eq!(
        r.on_data(&data(1, 2, 0, b"x")),
        RxOutcome::InvalidStream(StreamId(2))
    );
    assert_eq!(r.cum_ack(), Tsn(1));
    assert_eq!((r.buffered_bytes(), r.poll_message()), (0, None));
    assert_eq!(r.on_data(&data(1, 2, 0, b"x")), RxOutcome::Duplicate);
}

#[test]
fn zero_length_data_is_no_user_data() {
    let mut r = Receiver::new(Tsn(1), 1, &cfg(1000));
    assert_eq!(
        r.on_data(&data(1, 0, 0, b"")),
        RxOutcome::NoUserData(Tsn(1))
    );
    assert_eq!(r.cum_ack(), Tsn(0));
}

#[test]
fn duplicate_fragment_inside_a_message_never_reaches_reassembly_twice() {
    let mut r = Receiver::new(Tsn(1), 1, &cfg(1000));
    r.on_data(&frag(1, 0, 0, true, false, b"a"));
    r.on_data(&frag(2, 0, 0, false, false, b"b"));
    assert_eq!(
        r.on_data(&frag(2, 0, 0, false, false, b"b")),
        RxOutcome::Duplicate
    );
    assert_eq!(r.buffered_bytes(), 2);
    r.on_data(&frag(3, 0, 0, false, true, b"c"));
    assert_eq!(
        r.on_data(&frag(1, 0, 0, true, false, b"a")),
        RxOutcome::Duplicate
    );
    assert_eq!(drain(&mut r), [(0, Bytes::from_static(b"abc"))]);
    assert_eq!(r.buffered_bytes(), 0);
}
