//! RFC 7053 (SACK-IMMEDIATELY), on the wire: the I bit on the last DATA chunk of a message
//! sent with `sack_immediately`, on the last DATA chunk before a SHUTDOWN (§4), and a usctp
//! peer that SACKs such a chunk at once instead of after the delayed-ack timer.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::tester::*;
use common::Pair;
use usctp_proto::{AssociationConfig, SendOptions};
use usctp_sim::LinkConfig;
use usctp_wire::chunk::Chunk;

fn send_with(t: &mut Tester, len: usize, opts: &SendOptions) {
    let p = Bytes::from(vec![5; len]);
    let now = t.now;
    t.user(|a| a.send_with(now, p, opts)).unwrap();
}

#[test]
fn rfc7053_sack_immediately_sets_the_i_bit_on_the_message_s_last_chunk() {
    let mut t = Tester::connected(quiet());
    let from = t.log.len();
    send_with(&mut t, 100, &SendOptions::new(0));
    send_with(&mut t, 100, &SendOptions::new(1).sack_immediately(true));
    // Fragmented: the I bit on its last fragment only.
    send_with(&mut t, 3000, &SendOptions::new(2).sack_immediately(true));
    t.run(Duration::from_millis(1));
    let sent = data_of(&t.log[from..]);
    let got: Vec<_> = sent
        .iter()
        .map(|d| (d.stream.0, d.ending, d.immediate))
        .collect();
    assert_eq!(
        got,
        [
            (0, true, false),
            (1, true, true),
            (2, false, false),
            (2, false, false),
            (2, true, true)
        ]
    );
}

#[test]
fn rfc7053_4_the_last_data_before_shutdown_carries_the_i_bit() {
    let mut t = Tester::connected(quiet());
    let from = t.log.len();
    // More than the initial cwnd: most of it is still queued when the user shuts down.
    for _ in 0..8 {
        t.user_send(&[1; 1000]);
    }
    t.user_shutdown();
    let mut acked = 0;
    for _ in 0..20 {
        let sent = data_of(&t.log[from..]).len() as u32;
        if sent == acked {
            break;
        }
        acked = sent;
        let s = t.sack(acked);
        t.send(vec![s]);
    }
    let sent = data_of(&t.log[from..]);
    assert_eq!(sent.len(), 8);
    let bits: Vec<_> = sent.iter().map(|d| d.immediate).collect();
    assert_eq!(
        bits,
        [false, false, false, false, false, false, false, true]
    );
    let shutdown = t
        .chunks_since(from)
        .iter()
        .any(|(_, c)| matches!(c, Chunk::Shutdown(_)));
    assert!(shutdown, "SHUTDOWN once all was acked");
}

#[test]
fn rfc7053_no_i_bit_without_a_reason() {
    // Plain sends and a shutdown with nothing queued: no I bit anywhere.
    let mut t = Tester::connected(quiet());
    let from = t.log.len();
    t.user_send(b"one");
    t.user_send(b"two");
    let s = t.sack(2);
    t.send(vec![s]);
    t.user_shutdown();
    assert!(data_of(&t.log[from..]).iter().all(|d| !d.immediate));
}

/// How long after sending a second message (the first is SACKed at once anyway, RFC 9260
/// §6.2 first-DATA rule) the client's data is acknowledged by a usctp server.
fn ack_time(sack_immediately: bool) -> Duration {
    let link = LinkConfig::with_latency(Duration::from_millis(10));
    let mut p = Pair::new(3, 1, link, AssociationConfig::default());
    let id = p.establish();
    assert!(p.send(0, Bytes::from_static(b"first")));
    p.sim.run_for(Duration::from_secs(1));
    let opts = SendOptions::new(0).sack_immediately(sack_immediately);
    p.sim.with_node(p.client, |n, now| {
        n.ep.with_association(id, |a| {
            a.send_with(now, Bytes::from_static(b"second"), &opts)
        })
    });
    let start = p.sim.now();
    let client = p.client;
    let idle = |s: &usctp_sim::Sim| {
        let a = s.node(client).ep.association(id).unwrap();
        a.stats().outstanding_bytes == 0 && a.stats().queued_bytes == 0
    };
    assert!(p.sim.run_until_cond(Duration::from_secs(2), idle));
    p.sim.now() - start
}

#[test]
fn rfc7053_the_peer_sacks_an_i_bit_chunk_at_once() {
    let at_once = ack_time(true);
    let delayed = ack_time(false);
    // One round trip of 20 ms, against the 200 ms delayed-ack timer.
    assert!(at_once < Duration::from_millis(50), "{at_once:?}");
    assert!(delayed >= Duration::from_millis(200), "{delayed:?}");
}
