//! RFC 8260 §3 stream schedulers: for each scheduler, messages queued on several streams
//! before anything goes out, and the streams of successive DATA / I-DATA chunks on the wire
//! (with packet boundaries for round robin per packet), against a scripted peer that
//! acknowledges everything it sees.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::tester::*;
use common::Pair;
use usctp_proto::{AssocError, AssocId, Association, Extensions, SendOptions, StreamScheduler};
use usctp_wire::chunk::Chunk;
use usctp_wire::param::SupportedExtensions;
use usctp_wire::StreamId;

/// The SUT connected to the tester with `scheduler`, with I-DATA in force when `i_data`.
fn tester(scheduler: StreamScheduler, i_data: bool) -> Tester {
    let mut cfg = quiet();
    cfg.scheduler = scheduler;
    cfg.extensions = cfg.extensions.without(Extensions::PR_SCTP);
    if !i_data {
        return Tester::connected(cfg);
    }
    cfg.extensions = cfg.extensions.with(Extensions::I_DATA);
    let extra = vec![SupportedExtensions {
        chunk_types: vec![0x40].into(),
    }
    .into()];
    let t = Tester::connected_offering(cfg, extra);
    let ext = t.ep.association(t.id.unwrap()).unwrap().extensions();
    assert!(ext.contains(Extensions::I_DATA), "{ext:?}");
    t
}

/// Queue `(stream, length)` messages in this order, after setting `(stream, value)`
/// priorities, in one user call: nothing goes out before all are queued.
fn queue(t: &mut Tester, values: &[(u16, u16)], msgs: &[(u16, usize)]) {
    let now = t.now;
    t.user(|a| {
        for &(s, v) in values {
            a.set_stream_priority(s, v).unwrap();
        }
        for &(s, len) in msgs {
            let opts = SendOptions::new(s);
            a.send_with(now, Bytes::from(vec![s as u8; len]), &opts)
                .unwrap();
        }
    });
}

/// (stream, TSN, ending) of the DATA or I-DATA chunks of one packet.
fn user_chunks(c: &Chunk) -> Option<(u16, u32, bool)> {
    match c {
        Chunk::Data(d) => Some((d.stream.0, d.tsn.0, d.ending)),
        Chunk::IData(d) => Some((d.stream.0, d.tsn.0, d.ending)),
        _ => None,
    }
}

/// From log entry `from` on: acknowledge whatever the SUT sends until it has nothing left,
/// and return the streams of its DATA / I-DATA chunks, packet by packet.
fn drain(t: &mut Tester, mut from: usize) -> Vec<Vec<u16>> {
    let mut packets = Vec::new();
    for _ in 0..1000 {
        t.run(Duration::from_millis(5));
        let mut highest = None;
        for s in &t.log[from..] {
            let chunks: Vec<_> = s.packet.chunks.iter().filter_map(user_chunks).collect();
            if !chunks.is_empty() {
                highest = chunks.iter().map(|c| c.1).max();
                packets.push(chunks.iter().map(|c| c.0).collect());
            }
        }
        from = t.log.len();
        match highest {
            Some(tsn) => {
                t.send(vec![sack(tsn, 1 << 20, &[])]);
            }
            None if t.sender_idle() => return packets,
            None => {}
        }
    }
    panic!("the SUT never finished: {packets:?}");
}

/// The streams of every DATA / I-DATA chunk, in order.
fn order(
    scheduler: StreamScheduler,
    i_data: bool,
    values: &[(u16, u16)],
    msgs: &[(u16, usize)],
) -> Vec<u16> {
    let mut t = tester(scheduler, i_data);
    let from = t.log.len();
    queue(&mut t, values, msgs);
    drain(&mut t, from).concat()
}

#[test]
fn rfc8260_3_1_fcfs_sends_messages_in_the_order_they_were_queued() {
    let msgs = [(0, 100), (1, 100), (1, 100), (2, 100), (0, 100)];
    assert_eq!(
        order(StreamScheduler::Fcfs, false, &[], &msgs),
        [0, 1, 1, 2, 0]
    );
    // Round robin over the same queue: one message per stream per turn.
    assert_eq!(
        order(StreamScheduler::RoundRobin, false, &[], &msgs),
        [0, 1, 2, 0, 1]
    );
}

#[test]
fn rfc8260_3_1_fcfs_with_i_data_finishes_the_oldest_message_first() {
    // A 3-fragment message on stream 0, then one on stream 1, then another on stream 0.
    let msgs = [(0, 3000), (1, 100), (0, 100)];
    assert_eq!(
        order(StreamScheduler::Fcfs, true, &[], &msgs),
        [0, 0, 0, 1, 0]
    );
    // Round robin with I-DATA: one fragment per turn, stream 1 goes between the fragments.
    assert_eq!(
        order(StreamScheduler::RoundRobin, true, &[], &msgs),
        [0, 1, 0, 0, 0]
    );
}

#[test]
fn rfc8260_3_2_round_robin_one_message_per_turn_with_data_one_fragment_with_i_data() {
    let msgs = [(0, 3000), (1, 3000), (2, 100)];
    // DATA: a message is finished before the next stream's turn (RFC 9260 §6.9).
    assert_eq!(
        order(StreamScheduler::RoundRobin, false, &[], &msgs),
        [0, 0, 0, 1, 1, 1, 2]
    );
    // I-DATA: the streams take turns fragment by fragment.
    assert_eq!(
        order(StreamScheduler::RoundRobin, true, &[], &msgs),
        [0, 1, 2, 0, 1, 0, 1]
    );
}

#[test]
fn rfc8260_3_3_round_robin_per_packet_puts_one_stream_in_each_packet() {
    // 8 small messages on each of 3 streams: several fit in one packet.
    let msgs: Vec<(u16, usize)> = (0..8)
        .flat_map(|_| [(0, 200), (1, 200), (2, 200)])
        .collect();
    let run = |scheduler| {
        let mut t = tester(scheduler, false);
        let from = t.log.len();
        queue(&mut t, &[], &msgs);
        drain(&mut t, from)
    };
    let packets = run(StreamScheduler::RoundRobinPacket);
    let streams: Vec<u16> = packets.iter().map(|p| p[0]).collect();
    for p in &packets {
        assert!(
            p.iter().all(|&s| s == p[0]),
            "one stream per packet: {packets:?}"
        );
    }
    // The streams take turns packet by packet; a stream that runs out ends its packet.
    let turns: Vec<u16> = (0..streams.len() as u16).map(|i| i % 3).collect();
    assert_eq!(streams, turns, "{packets:?}");
    assert!(packets.len() > 3, "more than one round: {packets:?}");
    for s in 0..3 {
        assert_eq!(packets.concat().iter().filter(|&&x| x == s).count(), 8);
    }
    // Plain round robin mixes the streams in a packet.
    let rr = run(StreamScheduler::RoundRobin);
    assert_eq!(&rr[0][..3], [0, 1, 2], "{rr:?}");
}

#[test]
fn rfc8260_3_3_round_robin_per_packet_with_i_data_switches_stream_between_fragments() {
    let msgs = [(0, 3000), (1, 3000)];
    let run = |i_data| {
        let mut t = tester(StreamScheduler::RoundRobinPacket, i_data);
        let from = t.log.len();
        queue(&mut t, &[], &msgs);
        drain(&mut t, from)
    };
    // DATA: the message's last fragment ends the packet; the other stream gets the next.
    assert_eq!(
        run(false),
        [vec![0], vec![0], vec![0], vec![1], vec![1], vec![1]]
    );
    assert_eq!(
        run(true),
        [vec![0], vec![1], vec![0], vec![1], vec![0], vec![1]]
    );
}

#[test]
fn rfc8260_3_4_priority_lowest_value_first_round_robin_among_equals() {
    let values = [(0, 2), (1, 0), (2, 1), (3, 0)];
    let msgs: Vec<(u16, usize)> = (0..2)
        .flat_map(|_| [(0, 100), (1, 100), (2, 100), (3, 100)])
        .collect();
    assert_eq!(
        order(StreamScheduler::Priority, false, &values, &msgs),
        [1, 3, 1, 3, 2, 2, 0, 0]
    );
    // Round robin ignores the values.
    assert_eq!(
        order(StreamScheduler::RoundRobin, false, &values, &msgs),
        [0, 1, 2, 3, 0, 1, 2, 3]
    );
}

/// Stream 0 (value 1) has a 10-fragment message going out when stream 1 (value 0) gets a
/// message: the streams of the chunks sent after that.
fn urgent_message_during_a_large_one(i_data: bool) -> Vec<u16> {
    let mut t = tester(StreamScheduler::Priority, i_data);
    queue(&mut t, &[(0, 1), (1, 0)], &[(0, 14_000)]);
    // The first flight (cwnd) leaves part of the message for later.
    let first: Vec<_> = t
        .log
        .iter()
        .flat_map(|s| &s.packet.chunks)
        .filter_map(user_chunks)
        .collect();
    assert!(!first.is_empty() && !first.last().unwrap().2, "{first:?}");
    let from = t.log.len();
    queue(&mut t, &[], &[(1, 100)]);
    t.send(vec![sack(first.last().unwrap().1, 1 << 20, &[])]);
    let rest = drain(&mut t, from).concat();
    assert_eq!(rest.iter().filter(|&&s| s == 1).count(), 1, "{rest:?}");
    assert!(rest.len() > 2, "stream 0 had fragments left: {rest:?}");
    rest
}

#[test]
fn rfc8260_3_4_priority_preempts_at_fragment_boundaries_only_with_i_data() {
    let with = urgent_message_during_a_large_one(true);
    assert_eq!(with[0], 1, "I-DATA: the urgent message goes next: {with:?}");
    let without = urgent_message_during_a_large_one(false);
    assert_eq!(
        without.last(),
        Some(&1),
        "DATA: it waits for the end of the message: {without:?}"
    );
}

#[test]
fn rfc8260_3_4_priority_change_at_runtime_takes_effect() {
    let mut t = tester(StreamScheduler::Priority, false);
    // 1000-byte messages: more than the first flight (initial cwnd) holds.
    let msgs: Vec<(u16, usize)> = (0..10).flat_map(|_| [(0, 1000), (1, 1000)]).collect();
    queue(&mut t, &[(0, 0), (1, 1)], &msgs);
    let first: Vec<_> = t
        .log
        .iter()
        .flat_map(|s| &s.packet.chunks)
        .filter_map(user_chunks)
        .collect();
    assert!(!first.is_empty() && first.len() < 10, "{first:?}");
    assert!(first.iter().all(|c| c.0 == 0), "stream 0 first: {first:?}");
    // Now stream 1 is the more urgent one: all its messages go before stream 0's rest.
    t.user(|a| a.set_stream_priority(1, 0).and(a.set_stream_priority(0, 3)))
        .unwrap();
    assert_eq!(t.user(|a| a.stream_priority(0)), Ok(3));
    let from = t.log.len();
    t.send(vec![sack(first.last().unwrap().1, 1 << 20, &[])]);
    let rest = drain(&mut t, from).concat();
    let mut want = vec![1; 10];
    want.extend(vec![0; 10 - first.len()]);
    assert_eq!(rest, want);
}

#[test]
fn rfc8260_3_5_fair_bandwidth_serves_the_stream_that_sent_least() {
    // Stream 0: 3 x 300 B, stream 1: 4 x 100 B, stream 2: 2 x 200 B. Bytes sent before
    // each pick (0, 1, 2) and the pick (fewest; equal: lowest id):
    // (0,0,0) 0 | (300,0,0) 1 | (300,100,0) 2 | (300,100,200) 1 | (300,200,200) 1 |
    // (300,300,200) 2 | (300,300,400) 0 | (600,300,-) 1 | (600,-,-) 0.
    let msgs = [
        (0, 300),
        (1, 100),
        (2, 200),
        (0, 300),
        (1, 100),
        (2, 200),
        (0, 300),
        (1, 100),
        (1, 100),
    ];
    assert_eq!(
        order(StreamScheduler::FairBandwidth, false, &[], &msgs),
        [0, 1, 2, 1, 1, 2, 0, 1, 0]
    );
}

#[test]
fn rfc8260_3_5_fair_bandwidth_with_i_data_counts_fragments() {
    // A 3-fragment message on stream 0 against 500-byte ones on stream 1: once stream 0 has
    // sent a fragment (1448 bytes: 1500 - 20 IPv4 - 12 - 20 I-DATA header), stream 1 goes
    // until it has sent more. Bytes (0, 1) before each pick: (0,0) 0 | (1448,0) 1 |
    // (1448,500) 1 | (1448,1000) 1 | (1448,1500) 0 | (more,1500) 1 | (more,2000) 0.
    let msgs: Vec<(u16, usize)> = std::iter::once((0, 3000))
        .chain((0..4).map(|_| (1, 500)))
        .collect();
    let got = order(StreamScheduler::FairBandwidth, true, &[], &msgs);
    assert_eq!(got, [0, 1, 1, 1, 0, 1, 0]);
    // With DATA, the message is finished first.
    let got = order(StreamScheduler::FairBandwidth, false, &[], &msgs);
    assert_eq!(got, [0, 0, 0, 1, 1, 1, 1]);
}

#[test]
fn rfc8260_3_6_weighted_fair_queueing_divides_bytes_by_weight() {
    // Weights 2 and 1, 100-byte messages. Bytes/weight before each pick (0, 1):
    // (0,0) 0 | (50,0) 1 | (50,100) 0 | (100,100) 0 | (150,100) 1 | (150,200) 0 |
    // (200,200) 0 | (250,200) 1 | (300,-) 0.
    let msgs: Vec<(u16, usize)> = (0..6)
        .map(|_| (0, 100))
        .chain((0..3).map(|_| (1, 100)))
        .collect();
    let values = [(0, 2), (1, 1)];
    assert_eq!(
        order(StreamScheduler::WeightedFair, false, &values, &msgs),
        [0, 1, 0, 0, 1, 0, 0, 1, 0]
    );
    // Swapped weights: stream 1 gets twice stream 0's share while both have data.
    let values = [(0, 1), (1, 2)];
    assert_eq!(
        order(StreamScheduler::WeightedFair, false, &values, &msgs),
        [0, 1, 1, 0, 1, 0, 0, 0, 0]
    );
}

#[test]
fn rfc8260_3_invalid_stream_is_refused_and_values_read_back() {
    for scheduler in StreamScheduler::ALL {
        let mut t = tester(scheduler, false);
        let n = t.user(|a| a.stream_counts().0);
        assert_eq!(
            t.user(|a| a.set_stream_priority(n, 1)),
            Err(AssocError::InvalidStream {
                stream: StreamId(n),
                streams: n
            })
        );
        assert!(t.user(|a| a.stream_priority(n)).is_err());
        assert_eq!(t.user(|a| a.stream_priority(n - 1)), Ok(0));
        t.user(|a| a.set_stream_priority(n - 1, 7)).unwrap();
        assert_eq!(t.user(|a| a.stream_priority(n - 1)), Ok(7));
    }
}

#[test]
fn rfc8260_3_every_scheduler_delivers_a_lossy_transfer_intact() {
    // With PR-SCTP too: abandoned messages leave the schedule (also a parked I-DATA one).
    let ttl = usctp_testkit::PrPolicy::Ttl(Duration::from_millis(300));
    for scheduler in StreamScheduler::ALL {
        for (i_data, pr) in [
            (false, None),
            (true, None),
            (false, Some(ttl)),
            (true, Some(ttl)),
        ] {
            let mut assoc = usctp_proto::AssociationConfig::default();
            assoc.scheduler = scheduler;
            if i_data {
                assoc.extensions = assoc.extensions.with(Extensions::I_DATA);
            }
            let spec = usctp_testkit::TransferSpec {
                seed: 3,
                loss: 0.05,
                reorder: 0.02,
                messages: 120,
                size: 2500,
                streams: 4,
                stream_priorities: vec![(0, 3), (1, 1), (2, 2)],
                assoc,
                pr,
                ..usctp_testkit::TransferSpec::default()
            };
            let r = usctp_testkit::run_transfer(&spec);
            assert!(
                r.is_consistent() && r.sent == spec.messages,
                "{scheduler} i_data={i_data} pr={pr:?}: {r}"
            );
            if pr.is_none() {
                assert!(
                    r.is_perfect() && r.abandoned == 0,
                    "{scheduler} {i_data}: {r}"
                );
            }
        }
    }
}

/// A user call on the client's association `id`.
fn on<R>(p: &mut Pair, id: AssocId, f: impl FnOnce(&mut Association) -> R) -> R {
    let client = p.client;
    p.sim
        .with_node(client, |n, _| n.ep.with_association(id, f))
        .unwrap()
}

#[test]
fn rfc8260_3_priorities_follow_added_streams_and_survive_a_stream_reset() {
    let mut cfg = quiet();
    cfg.extensions = Extensions::RECONFIG;
    cfg.scheduler = StreamScheduler::Priority;
    let link = usctp_sim::LinkConfig::with_latency(Duration::from_millis(10));
    let mut p = Pair::new(5, 1, link, cfg);
    let c = p.establish();
    let (out, _) = on(&mut p, c, |a| a.stream_counts());
    let refused = on(&mut p, c, |a| a.set_stream_priority(out, 1));
    assert!(matches!(refused, Err(AssocError::InvalidStream { .. })));
    on(&mut p, c, |a| a.add_streams(2, 0)).unwrap();
    p.sim.run_for(Duration::from_secs(1));
    // The added streams take values like the others.
    on(&mut p, c, |a| a.set_stream_priority(out, 2)).unwrap();
    on(&mut p, c, |a| a.set_stream_priority(0, 9)).unwrap();
    on(&mut p, c, |a| a.reset_streams(&[0])).unwrap();
    p.sim.run_for(Duration::from_secs(1));
    let value = on(&mut p, c, |a| a.stream_priority(0));
    assert_eq!(value, Ok(9), "a stream reset keeps the value");
    // Both queued in one call, before anything can go out.
    on(&mut p, c, |a| {
        for stream in [0, out] {
            a.send(StreamId(stream), Bytes::from_static(b"after"))?;
        }
        Ok::<_, AssocError>(())
    })
    .unwrap();
    p.sim.run_for(Duration::from_secs(1));
    let got: Vec<u16> = p
        .sim
        .node(p.server)
        .messages
        .iter()
        .map(|(_, m)| m.stream.0)
        .collect();
    assert_eq!(got, [out, 0], "priority 2 before 9");
}
