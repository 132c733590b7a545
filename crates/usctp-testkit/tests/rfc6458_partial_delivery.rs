//! Partial delivery (RFC 6458 §3.1.4, §8.1.21 SCTP_PARTIAL_DELIVERY_POINT): a message larger
//! than the partial delivery point reaches the application in pieces, in order, the last one
//! marked (MSG_EOR), so a message larger than the receive window never stalls the
//! association; no other message comes between the pieces (no I-DATA interleaving); and a
//! hostile peer cannot make the receiver hold more than its window bound.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::tester::{data_chunk, has, quiet, Tester, TSN0};
use common::Pair;
use usctp_proto::{AssociationConfig, CloseReason, Event};
use usctp_sim::LinkConfig;
use usctp_testkit::{run_transfer, TransferSpec};
use usctp_wire::chunk::Chunk;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// Both ends: a 64 KiB receive window, and a sender that takes messages of `max` bytes.
fn small_window(max: usize) -> AssociationConfig {
    let mut c = AssociationConfig::default();
    c.receive_window = 64 * KIB as u32;
    c.max_message_size = max;
    c.send_queue_limit = c.send_queue_limit.max(max);
    c
}

fn pattern(len: usize) -> Bytes {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// RFC 6458 §3.1.4: a 16 MiB message crosses a 64 KiB window; it is read in pieces, in
/// order, only the last marked as the end, and joined they are the message sent.
#[test]
fn message_beyond_the_pd_point_is_delivered_in_ordered_pieces_ending_with_eor() {
    let mut p = Pair::new(
        1,
        1,
        LinkConfig::with_latency(Duration::from_millis(5)),
        small_window(16 * MIB),
    );
    let id = p.establish();
    let sent = pattern(16 * MIB);
    assert!(p.send(3, sent.clone()));
    let server = p.server;
    let done = p.sim.run_until_cond(Duration::from_secs(600), |s| {
        !s.node(server).messages.is_empty()
    });
    assert!(done, "the 16 MiB message never arrived");
    let node = p.sim.node(server);
    let pieces = &node.pieces;
    assert!(pieces.len() > 16, "{} pieces", pieces.len());
    let (last, rest) = pieces.split_last().unwrap();
    assert!(last.1.end_of_message);
    assert!(rest.iter().all(|(_, m)| !m.end_of_message));
    assert!(pieces.iter().all(|(_, m)| m.stream.0 == 3 && !m.unordered));
    // Never more than the window at once.
    assert!(pieces.iter().all(|(_, m)| m.payload.len() <= 64 * KIB));
    let joined: Vec<u8> = pieces
        .iter()
        .flat_map(|(_, m)| m.payload.to_vec())
        .collect();
    assert!(joined == sent[..], "pieces out of order or altered");
    assert_eq!(node.messages.len(), 1);
    assert_eq!(node.messages[0].1.payload, sent);
    let _ = id;
}

/// RFC 6458 §3.1.4 (fragment interleave level 0/1): while a message is delivered in pieces,
/// a message of another stream that arrived meanwhile waits for its end.
#[test]
fn other_stream_message_waits_until_the_partial_delivery_ends() {
    static FRAG: [u8; 600] = [7; 600];
    let mut cfg = quiet();
    cfg.partial_delivery_point = 1000;
    let mut t = Tester::connected(cfg);
    // Message 1 on stream 0: TSN0..TSN0+3 (4 x 600 bytes); message 2 on stream 1: TSN0+4.
    // The last fragment of message 1 comes after message 2.
    let f = |i: u32, b, e| data_chunk(TSN0 + i, 0, 0, &FRAG, b, e);
    t.send(vec![
        f(0, true, false),
        f(1, false, false),
        f(2, false, false),
    ]);
    t.send(vec![data_chunk(TSN0 + 4, 1, 0, b"other", true, true)]);
    t.send(vec![f(3, false, true)]);
    let order: Vec<(u16, usize, bool)> = std::iter::from_fn(|| t.user(|a| a.poll_message()))
        .map(|m| (m.stream.0, m.payload.len(), m.end_of_message))
        .collect();
    assert_eq!(
        order,
        [
            (0, 1200, false),
            (0, 600, false),
            (0, 600, true),
            (1, 5, true)
        ]
    );
}

/// RFC 9260 §6.2, §6.9 with partial delivery: with loss, reordering and duplication, every
/// large message (several windows long, ordered on two streams, or unordered) arrives
/// intact, exactly once, in order, and the association closes gracefully.
#[test]
fn large_messages_under_loss_and_reorder_arrive_intact_exactly_once() {
    for seed in 1..=4 {
        let spec = TransferSpec {
            seed,
            loss: 0.05,
            reorder: 0.05,
            duplicate: 0.02,
            messages: 4,
            size: 300 * KIB,
            streams: 2,
            unordered: seed % 2 == 0,
            assoc: small_window(300 * KIB),
            ..TransferSpec::default()
        };
        let r = run_transfer(&spec);
        assert!(r.is_perfect() && r.sent == 4, "seed {seed}: {r}");
    }
}

/// `sim_transfer --messages 3 --size 8388608 --loss 0.05`: 8 MiB messages through the
/// default 1 MiB window.
#[test]
fn three_8_mib_messages_through_the_default_window_close_gracefully() {
    let mut assoc = AssociationConfig::default();
    assoc.max_message_size = 8 * MIB;
    assoc.send_queue_limit = 8 * MIB;
    let spec = TransferSpec {
        loss: 0.05,
        messages: 3,
        size: 8 * MIB,
        assoc,
        ..TransferSpec::default()
    };
    let r = run_transfer(&spec);
    assert!(r.is_perfect() && r.sent == 3, "{r}");
}

/// Peer input is hostile: fragments that never end, out of order and in order, while the
/// application reads nothing, never make the receiver hold more than twice its window
/// (the window, plus the chunk at the cumulative ack point that lets data drain).
#[test]
fn hostile_fragments_never_make_the_receiver_hold_more_than_the_bound() {
    static FRAG: [u8; 1000] = [1; 1000];
    let window = 8000;
    let mut cfg = quiet();
    cfg.receive_window = window;
    let mut t = Tester::connected(cfg);
    let held = |t: &Tester| t.ep.association(t.id.unwrap()).unwrap().received_bytes();
    // Above a hole: middles and lone beginnings that complete nothing.
    for i in (2..200).rev() {
        t.send(vec![data_chunk(TSN0 + i, 0, 0, &FRAG, i % 5 == 0, false)]);
        assert!(held(&t) <= 2 * window as usize, "{}", held(&t));
    }
    // Then in sequence: one message that never ends, unread.
    for i in 0..400 {
        let b = i == 0;
        t.send(vec![data_chunk(TSN0 + i, 1, 0, &FRAG, b, false)]);
        assert!(held(&t) <= 2 * window as usize, "{}", held(&t));
    }
}

/// A message that never ends, read as it comes: its pieces keep flowing and the receiver
/// holds no more than the partial delivery point of it at any time.
#[test]
fn endless_message_read_as_it_comes_stays_within_the_pd_point() {
    static FRAG: [u8; 1000] = [2; 1000];
    let mut cfg = quiet();
    cfg.receive_window = 8000;
    let pd = 4000; // capped at half the window
    let mut t = Tester::connected(cfg);
    let mut read = 0;
    for i in 0..2000 {
        t.send(vec![data_chunk(TSN0 + i, 0, 0, &FRAG, i == 0, false)]);
        let held = t.ep.association(t.id.unwrap()).unwrap().received_bytes();
        assert!(held <= pd, "{held}");
        while let Some(m) = t.user(|a| a.poll_message()) {
            assert!(!m.end_of_message);
            read += m.payload.len();
        }
    }
    assert!(read >= 2000 * 1000 - pd, "{read}");
}

/// RFC 9260 §6.9: fragments of a message have consecutive TSNs. A B fragment where the
/// partially delivered message should continue is a protocol violation: ABORT.
#[test]
fn beginning_inside_a_partially_delivered_message_aborts() {
    static FRAG: [u8; 600] = [3; 600];
    let mut cfg = quiet();
    cfg.partial_delivery_point = 1000;
    let mut t = Tester::connected(cfg);
    t.send(vec![
        data_chunk(TSN0, 0, 0, &FRAG, true, false),
        data_chunk(TSN0 + 1, 0, 0, &FRAG, false, false),
    ]);
    let out = t.send(vec![data_chunk(TSN0 + 2, 0, 1, &FRAG, true, false)]);
    assert!(has(&out, |c| matches!(c, Chunk::Abort(_))), "{out:?}");
    assert!(t
        .events
        .iter()
        .any(|e| matches!(e, Event::Closed(CloseReason::ProtocolError(_)))));
}
