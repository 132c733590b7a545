//! FORWARD TSN at the receiver (RFC 3758 §3.6): the cumulative ack moves, skipped fragments
//! go, streams move past skipped SSNs, and what that frees is delivered.

use bytes::Bytes;
use usctp_wire::chunk::{Data, ForwardTsn, ForwardTsnStream};
use usctp_wire::{Ppid, Ssn, StreamId, Tsn};

use super::{Receiver, RxOutcome};
use crate::config::AssociationConfig;

fn receiver() -> Receiver {
    let cfg = AssociationConfig {
        receive_window: 10_000,
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
        ppid: Ppid(tsn),
        beginning: b,
        ending: e,
        payload: Bytes::from(vec![tsn as u8; len]),
        ..Data::default()
    }
}

fn fwd(tsn: u32, streams: &[(u16, u16)]) -> ForwardTsn {
    ForwardTsn {
        new_cum_tsn: Tsn(tsn),
        streams: streams
            .iter()
            .map(|&(s, n)| ForwardTsnStream {
                stream: StreamId(s),
                ssn: Ssn(n),
            })
            .collect(),
    }
}

/// (stream, ppid, aborted) of every message ready.
fn drain(r: &mut Receiver) -> Vec<(u16, u32, bool)> {
    std::iter::from_fn(|| r.poll_message())
        .map(|m| (m.stream.0, m.ppid.0, m.aborted))
        .collect()
}

#[test]
fn rfc3758_3_6_skipped_ssn_releases_the_messages_behind_it() {
    let mut r = receiver();
    // TSN 1 (stream 0, SSN 0) is lost; 2 (SSN 1) and 3 (stream 1) arrive.
    assert_eq!(
        r.on_data(&frag(2, 0, 1, true, true, 10)),
        RxOutcome::Accepted
    );
    assert_eq!(
        r.on_data(&frag(3, 1, 0, true, true, 10)),
        RxOutcome::Accepted
    );
    assert_eq!(drain(&mut r), [(1, 3, false)]);
    let out = r.on_forward_tsn(&fwd(1, &[(0, 0)]));
    assert!(out.delivered && out.aborted_partial.is_none());
    assert_eq!(drain(&mut r), [(0, 2, false)]);
    // The TSNs received after the skipped one count too.
    assert_eq!(r.cum_ack(), Tsn(3));
    assert!(!r.has_gaps());
}

#[test]
fn rfc3758_3_6_fragments_of_skipped_messages_are_dropped_and_their_room_returned() {
    let mut r = receiver();
    r.on_data(&frag(1, 0, 0, true, false, 50));
    r.on_data(&frag(4, 2, 0, false, true, 30)); // unordered-ish tail of another message
    assert_eq!(r.buffered_bytes(), 80);
    r.on_forward_tsn(&fwd(3, &[(0, 0)]));
    // 1 dropped; 4 (above the new point) kept.
    assert_eq!(r.buffered_bytes(), 30);
    assert_eq!(r.cum_ack(), Tsn(4));
    // A later message on stream 0 (SSN 1) is delivered: the stream moved past SSN 0.
    r.on_data(&frag(5, 0, 1, true, true, 5));
    assert_eq!(drain(&mut r), [(0, 5, false)]);
}

#[test]
fn rfc3758_3_6_an_out_of_date_forward_tsn_changes_nothing_and_asks_for_a_sack() {
    let mut r = receiver();
    let t0 = crate::test_epoch::epoch();
    r.on_data(&frag(1, 0, 0, true, true, 5));
    r.on_data(&frag(2, 0, 1, true, true, 5));
    r.on_packet_end(t0, false);
    drain(&mut r);
    let _ = r.build_sack(1000);
    // A later packet: without the rule its SACK would be delayed.
    let now = t0 + std::time::Duration::from_millis(1);
    let out = r.on_forward_tsn(&fwd(1, &[(0, 0)]));
    r.on_packet_end(now, false);
    assert!(!out.delivered);
    assert_eq!(r.cum_ack(), Tsn(2));
    let at_once = r.sack_deadline() == Some(now);
    assert!(at_once, "SACK owed at once");
    // The stream did not move back or forward: SSN 2 is next.
    r.on_data(&frag(3, 0, 2, true, true, 5));
    assert_eq!(drain(&mut r), [(0, 3, false)]);
}

#[test]
fn rfc3758_3_6_a_partial_delivery_is_aborted_in_band_and_the_next_message_follows() {
    let mut r = receiver();
    // Stream 1 SSN 0 in 60-byte fragments: two reach the partial delivery point.
    r.on_data(&frag(1, 1, 0, true, false, 60));
    r.on_data(&frag(2, 1, 0, false, false, 60));
    // A whole message on stream 2 completes meanwhile: it waits (no interleaving).
    r.on_data(&frag(4, 2, 0, true, true, 7));
    let pieces = drain(&mut r);
    assert_eq!(
        pieces,
        [(1, 1, false)],
        "the first piece, then nothing else"
    );
    // The sender abandons the rest (TSN 3).
    let out = r.on_forward_tsn(&fwd(3, &[(1, 0)]));
    assert_eq!(out.aborted_partial, Some(StreamId(1)));
    assert_eq!(drain(&mut r), [(1, 1, true), (2, 4, false)]);
    assert_eq!(r.buffered_bytes(), 0);
    // Stream 1 goes on at SSN 1.
    r.on_data(&frag(5, 1, 1, true, true, 5));
    assert_eq!(drain(&mut r), [(1, 5, false)]);
}

#[test]
fn rfc3758_3_6_stream_entries_beyond_the_inbound_streams_are_ignored() {
    let mut r = receiver();
    let out = r.on_forward_tsn(&fwd(5, &[(9, 3), (0, 30_000)]));
    assert!(!out.delivered);
    assert_eq!(r.cum_ack(), Tsn(5));
    // Stream 0 moved past SSN 30000: SSN 30001 is next, SSN 0 is stale.
    r.on_data(&frag(6, 0, 0, true, true, 5));
    r.on_data(&frag(7, 0, 30_001, true, true, 5));
    assert_eq!(drain(&mut r), [(0, 7, false)]);
}

#[test]
fn rfc3758_3_6_a_forward_tsn_beyond_the_reach_of_data_is_discarded() {
    // usrsctp sends one 2^31 ahead after an SSN/TSN reset (found by the RE-CONFIG interop
    // cases); acknowledging it would claim TSNs the peer never sent, and it aborts.
    let mut r = receiver();
    r.on_data(&frag(1, 0, 0, true, true, 5));
    let out = r.on_forward_tsn(&fwd(1 + (1 << 31) - 10, &[]));
    assert!(!out.delivered);
    assert_eq!(r.cum_ack(), Tsn(1));
    // Within reach it still works.
    r.on_forward_tsn(&fwd(3, &[(0, 1)]));
    assert_eq!(r.cum_ack(), Tsn(3));
}
