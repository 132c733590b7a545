//! Random operation sequences, including hostile SACKs, never break the accounting.

use proptest::prelude::*;

use super::*;

#[derive(Debug, Clone)]
enum Op {
    Push(u16, usize),
    Send(u16, usize),
    Sack(i64, Vec<(u16, u16)>, u32),
    Shutdown(i64),
    T3(u16),
    Advance(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u16..5, 1usize..3000).prop_map(|(s, l)| Op::Push(s, l)),
        (0u16..3, 1usize..1500).prop_map(|(p, m)| Op::Send(p, m)),
        (
            prop_oneof![Just(0i64), -3i64..4, -3i64..40],
            prop::collection::vec(gap(), 0..6),
            prop_oneof![Just(0u32), 0u32..200_000],
        )
            .prop_map(|(c, g, a)| Op::Sack(c, g, a)),
        (-3i64..40).prop_map(Op::Shutdown),
        (0u16..3).prop_map(Op::T3),
        (1u64..2000).prop_map(Op::Advance),
    ]
}

/// Mostly plausible gap blocks, some inverted or far out.
fn gap() -> impl Strategy<Value = (u16, u16)> {
    prop_oneof![
        4 => (1u16..20, 0u16..4).prop_map(|(s, l)| (s, s + l)),
        1 => (any::<u16>(), any::<u16>()),
    ]
}

proptest! {
    #[test]
    fn random_sacks_never_break_accounting(ops in prop::collection::vec(op(), 1..120)) {
        let mut now = t0();
        let mut s = sender();
        s.add_path(P1, 1200);
        let mut cum = s.out.cum_ack();
        for op in ops {
            match op {
                Op::Push(stream, len) => {
                    let _ = s.push(Bytes::from(vec![1; len]), &SendOptions::new(stream).unordered(stream % 2 == 0));
                }
                Op::Send(path, max) => while s.next_chunk(now, PathId(path), max).is_some() {},
                // Cum ack relative to the current one, so it lands near the outstanding range.
                Op::Sack(c, gaps, a_rwnd) => {
                    let cum_tsn = Tsn((cum as u32).wrapping_add(c as u32));
                    let gap_blocks = gaps.iter().map(|&(start, end)| GapBlock { start, end }).collect();
                    let o = s.on_sack(now, &Sack { cum_tsn_ack: cum_tsn, a_rwnd, gap_blocks, dup_tsns: vec![] });
                    prop_assert!(!(o.protocol_violation && o.cum_advanced));
                }
                Op::Shutdown(c) => {
                    s.on_shutdown_cum_ack(now, Tsn((cum as u32).wrapping_add(c as u32)));
                }
                Op::T3(path) => s.on_t3_timeout(PathId(path)),
                Op::Advance(m) => now += ms(m),
            }
            s.out.check_invariants();
            let in_flight: usize = s.out.iter().filter(|e| e.in_flight()).map(|e| e.len()).sum();
            prop_assert_eq!(s.outstanding_bytes(), in_flight);
            prop_assert_eq!(s.outstanding_on(P0) + s.outstanding_on(P1) + s.outstanding_on(PathId(2)), in_flight);
            prop_assert!(s.out.cum_ack() >= cum, "cum ack went back");
            cum = s.out.cum_ack();
            prop_assert!(s.cwnd(P0) >= MTU && s.cwnd(P1) >= 1200);
        }
    }
}
