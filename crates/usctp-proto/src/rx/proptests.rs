//! Property: whatever the order and duplication of the chunks, every message is delivered
//! exactly once, intact, in SSN order per stream, and the cum ack ends at the last TSN.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use proptest::prelude::*;
use proptest::sample::Index;
use usctp_wire::chunk::Data;
use usctp_wire::{Ppid, Ssn, StreamId, Tsn};

use super::Receiver;
use crate::config::AssociationConfig;

/// One message to send: stream, unordered, number of fragments.
type Spec = (u16, bool, usize);

/// Fragment the messages into DATA chunks with consecutive TSNs from `initial`; returns the
/// chunks and the messages (stream, unordered, payload) in sending order.
fn chunks(initial: u32, specs: &[Spec]) -> (Vec<Data>, Vec<(u16, bool, Bytes)>) {
    let mut out = Vec::new();
    let mut messages = Vec::new();
    let mut next_ssn: HashMap<u16, u16> = HashMap::new();
    let mut tsn = Tsn(initial);
    for (i, &(stream, unordered, frags)) in specs.iter().enumerate() {
        let ssn = if unordered {
            Ssn(0xdead) // ignored for unordered messages (RFC 9260 §6.6)
        } else {
            let n = next_ssn.entry(stream).or_insert(0);
            *n = n.wrapping_add(1);
            Ssn(n.wrapping_sub(1))
        };
        let mut whole = Vec::new();
        for f in 0..frags {
            // Unique per message and fragment; lengths vary from 1 to 3 bytes.
            let payload: Vec<u8> = [i as u8, f as u8, 0xa5]
                .into_iter()
                .take(1 + (i + f) % 3)
                .collect();
            whole.extend_from_slice(&payload);
            out.push(Data {
                tsn,
                stream: StreamId(stream),
                ssn,
                ppid: Ppid(i as u32),
                unordered,
                beginning: f == 0,
                ending: f + 1 == frags,
                immediate: false,
                payload: Bytes::from(payload),
            });
            tsn = tsn.next();
        }
        messages.push((stream, unordered, Bytes::from(whole)));
    }
    (out, messages)
}

fn initial_tsn() -> impl Strategy<Value = u32> {
    prop_oneof![any::<u32>(), (u32::MAX - 40)..=u32::MAX]
}

/// Initial TSN, messages, chunks shuffled, duplicates to insert (which, where), packet ends.
type Scenario = (u32, Vec<Spec>, Vec<Data>, Vec<(Index, Index)>, Vec<bool>);

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        initial_tsn(),
        prop::collection::vec((0u16..4, any::<bool>(), 1usize..=6), 1..40),
    )
        .prop_flat_map(|(initial, specs)| {
            let (all, _) = chunks(initial, &specs);
            (
                Just(initial),
                Just(specs),
                Just(all).prop_shuffle(),
                prop::collection::vec((any::<Index>(), any::<Index>()), 0..20),
                prop::collection::vec(any::<bool>(), 1..16),
            )
        })
}

proptest! {
    #[test]
    fn any_order_with_duplicates_delivers_every_message_once_in_ssn_order(
        (initial, specs, mut order, dups, packet_ends) in scenario(),
        pd_point in prop_oneof![Just(1u32), Just(3), Just(6), Just(1 << 19)],
    ) {
        let (all, expected) = chunks(initial, &specs);
        for (which, at) in dups {
            let c = which.get(&all).clone();
            order.insert(at.index(order.len() + 1), c);
        }
        let cfg = AssociationConfig {
            partial_delivery_point: pd_point,
            ..AssociationConfig::default()
        };
        let mut r = Receiver::new(Tsn(initial), 4, &cfg);
        let mut now = crate::test_epoch::epoch();
        let mut got = Vec::new();
        // Pieces of a partial delivery (RFC 6458 §3.1.4) come one after the other, nothing
        // between them: joining every piece up to the next end rebuilds the message.
        let mut joining: Option<(u16, bool, Vec<u8>)> = None;
        for (i, c) in order.iter().enumerate() {
            r.on_data(c);
            if packet_ends[i % packet_ends.len()] || i + 1 == order.len() {
                r.on_packet_end(now, false);
                now += Duration::from_millis(1);
                while let Some(m) = r.poll_message() {
                    let j = joining.get_or_insert((m.stream.0, m.unordered, Vec::new()));
                    prop_assert_eq!((j.0, j.1), (m.stream.0, m.unordered));
                    j.2.extend_from_slice(&m.payload);
                    if m.end_of_message {
                        if let Some((stream, unordered, p)) = joining.take() {
                            got.push((stream, unordered, Bytes::from(p)));
                        }
                    }
                }
            }
        }
        // Exactly once, intact.
        let mut sorted_got = got.clone();
        let mut sorted_expected = expected.clone();
        sorted_got.sort();
        sorted_expected.sort();
        prop_assert_eq!(sorted_got, sorted_expected);
        // In SSN (sending) order per stream for ordered messages.
        for stream in 0..4 {
            let ordered = |v: &[(u16, bool, Bytes)]| -> Vec<Bytes> {
                v.iter().filter(|m| m.0 == stream && !m.1).map(|m| m.2.clone()).collect()
            };
            prop_assert_eq!(ordered(&got), ordered(&expected));
        }
        prop_assert!(joining.is_none());
        let last = all.last().map(|c| c.tsn);
        prop_assert_eq!(Some(r.cum_ack()), last);
        prop_assert!(!r.has_gaps());
        prop_assert_eq!(r.buffered_bytes(), 0);
        let sack = r.build_sack(1500);
        prop_assert!(sack.gap_blocks.is_empty());
    }
}
