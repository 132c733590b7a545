//! Each scheduler's pick logic alone, driven as the send queue drives it.

use super::*;

/// Run turns: each turn the scheduler's pick sends `bytes` and has `left[stream]` turns
/// left. Returns the streams in pick order.
fn turns(
    kind: StreamScheduler,
    streams: &[(u16, u16)],
    mut left: Vec<u32>,
    bytes: usize,
) -> Vec<u16> {
    let mut s = Sched::new(kind);
    for (seq, &(id, value)) in streams.iter().enumerate() {
        s.ready(id, seq as u64, value);
    }
    let mut order = Vec::new();
    while let Some(id) = s.next() {
        order.push(id);
        s.sent(id, bytes);
        let l = &mut left[usize::from(id)];
        *l -= 1;
        // FCFS: the stream's next message was queued after everything else.
        s.turn_end(id, (*l > 0).then_some(100 + order.len() as u64));
        s.packet_end();
        assert!(order.len() < 100, "no end");
    }
    order
}

#[test]
fn round_robin_takes_turns() {
    let got = turns(
        StreamScheduler::RoundRobin,
        &[(0, 0), (1, 0), (2, 0)],
        vec![2, 1, 3],
        10,
    );
    assert_eq!(got, [0, 1, 2, 0, 2, 2]);
}

#[test]
fn fcfs_follows_queue_order() {
    // Streams queued as 2, 0, 1: stream 2's first message is the oldest.
    let got = turns(
        StreamScheduler::Fcfs,
        &[(2, 0), (0, 0), (1, 0)],
        vec![1, 2, 1],
        10,
    );
    assert_eq!(got, [2, 0, 1, 1]);
}

#[test]
fn priority_serves_lowest_value_first_and_rotates_among_equals() {
    let streams = [(0, 5), (1, 1), (2, 1), (3, 0)];
    let got = turns(StreamScheduler::Priority, &streams, vec![1, 2, 2, 1], 10);
    assert_eq!(got, [3, 1, 2, 1, 2, 0]);
}

#[test]
fn priority_change_takes_effect_at_the_next_pick() {
    let mut s = Sched::new(StreamScheduler::Priority);
    s.ready(0, 0, 1);
    s.ready(1, 1, 2);
    assert_eq!(s.next(), Some(0));
    s.set_value(1, 0);
    assert_eq!(s.next(), Some(1));
}

#[test]
fn fair_bandwidth_picks_the_stream_that_sent_least() {
    let mut s = Sched::new(StreamScheduler::FairBandwidth);
    s.ready(0, 0, 0);
    s.ready(1, 1, 0);
    s.ready(2, 2, 0);
    // Equal counts: the lowest id.
    assert_eq!(s.next(), Some(0));
    s.sent(0, 300);
    s.turn_end(0, Some(3));
    assert_eq!(s.next(), Some(1));
    s.sent(1, 100);
    s.turn_end(1, Some(4));
    assert_eq!(s.next(), Some(2));
    s.sent(2, 200);
    s.turn_end(2, Some(5));
    assert_eq!(s.next(), Some(1)); // 100 < 200 < 300
    s.sent(1, 150);
    s.turn_end(1, None);
    assert_eq!(s.next(), Some(2)); // stream 1 has nothing left
}

#[test]
fn weighted_fair_divides_bytes_by_weight() {
    // Weight 3 against 1: stream 0 gets three turns of 100 bytes per turn of stream 1.
    let got = turns(
        StreamScheduler::WeightedFair,
        &[(0, 3), (1, 1)],
        vec![6, 2],
        100,
    );
    assert_eq!(got, [0, 1, 0, 0, 0, 1, 0, 0]);
}

#[test]
fn weight_zero_counts_as_one() {
    let got = turns(
        StreamScheduler::WeightedFair,
        &[(0, 0), (1, 1)],
        vec![2, 2],
        100,
    );
    assert_eq!(got, [0, 1, 0, 1]);
}

#[test]
fn rr_packet_keeps_the_stream_until_the_packet_ends() {
    let mut s = Sched::new(StreamScheduler::RoundRobinPacket);
    s.ready(0, 0, 0);
    s.ready(1, 1, 0);
    assert_eq!(s.next(), Some(0));
    s.sent(0, 10);
    s.turn_end(0, Some(2));
    assert_eq!(s.next(), Some(0));
    s.sent(0, 10);
    s.turn_end(0, None);
    // Stream 0 ran out: no other stream in this packet.
    assert_eq!(s.next(), None);
    s.packet_end();
    assert_eq!(s.next(), Some(1));
    s.sent(1, 10);
    s.turn_end(1, Some(3));
    s.packet_end();
    assert_eq!(s.next(), Some(1));
}

#[test]
fn a_stream_updated_to_nothing_leaves_the_schedule() {
    for kind in StreamScheduler::ALL {
        let mut s = Sched::new(kind);
        s.ready(0, 0, 0);
        s.ready(1, 1, 0);
        s.update(0, None);
        assert_eq!(s.next(), Some(1), "{kind}");
        s.update(1, None);
        assert_eq!(s.next(), None, "{kind}");
    }
}

#[test]
fn names_round_trip() {
    for kind in StreamScheduler::ALL {
        assert_eq!(kind.name().parse::<StreamScheduler>(), Ok(kind));
    }
    assert!("lifo".parse::<StreamScheduler>().is_err());
}
