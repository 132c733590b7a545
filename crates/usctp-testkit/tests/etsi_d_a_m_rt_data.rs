//! ETSI TS 102 369 groups D (data), A (acknowledgement), M (miscellaneous: unknown chunks)
//! and RT (retransmission timer), read against RFC 9260 §3.2, §6.1-§6.3, §6.5, §6.7, §6.9.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::tester::*;
use usctp_proto::{AssocError, CloseReason, Event};
use usctp_wire::cause::ErrorCause;
use usctp_wire::chunk::{Chunk, UnknownChunk};
use usctp_wire::StreamId;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn leak(n: usize) -> &'static [u8] {
    Box::leak(vec![0x61; n].into_boxed_slice())
}

fn user_send_bytes(t: &mut Tester, n: usize) {
    let p = Bytes::from(vec![7u8; n]);
    t.user(|a| a.send(StreamId(0), p)).unwrap();
}

#[test]
fn sctp_d_v_8_1_unfragmented_message_fills_one_packet() {
    let mut t = Tester::accept(quiet());
    let from = t.log.len();
    user_send_bytes(&mut t, 1452);
    let sent = &t.log[from..];
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to.len, 1480, "1500-byte IPv4 packet");
    let d = data_of(sent);
    assert!(d.len() == 1 && d[0].beginning && d[0].ending && d[0].payload.len() == 1452);
}

#[test]
fn sctp_d_v_8_2_fragmented_message() {
    let mut t = Tester::accept(quiet());
    let from = t.log.len();
    user_send_bytes(&mut t, 2000);
    let d = data_of(&t.log[from..]);
    let shape: Vec<_> = d
        .iter()
        .map(|d| (d.beginning, d.ending, d.payload.len()))
        .collect();
    assert_eq!(shape, vec![(true, false, 1452), (false, true, 548)]);
    t.send(vec![t.sack(2)]);
    assert!(t.sender_idle());
}

#[test]
fn sctp_d_v_8_3_receive_fragmented_message() {
    let mut t = Tester::accept(quiet());
    let chunk = leak(100);
    t.send(vec![
        data_chunk(TSN0, 0, 0, chunk, true, false),
        data_chunk(TSN0 + 1, 0, 0, chunk, false, false),
        data_chunk(TSN0 + 2, 0, 0, chunk, false, true),
    ]);
    let msgs = t.messages();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].len(), 300);
    t.run(ms(500));
    assert!(sacks(&packets(&t.log))
        .iter()
        .any(|s| s.cum_tsn_ack.0 == TSN0 + 2));
}

#[test]
fn sctp_d_v_8_4_sacked_data_is_not_retransmitted() {
    let mut t = Tester::accept(quiet());
    t.user_send(b"a");
    t.send(vec![t.sack(1)]);
    let from = t.log.len();
    t.run(Duration::from_secs(10));
    assert!(data_tsns(&t.log[from..]).is_empty());
    let from = t.log.len();
    t.user_send(b"b");
    let at = t.run(ms(1100));
    assert_eq!(
        data_tsns(&t.log[from..]).len(),
        2,
        "the next DATA timed with the RTO"
    );
    assert_eq!(at[0].at, t.log[from].at + ms(1000));
}

#[test]
fn sctp_d_i_8_5_t3_rtx_expiry() {
    let mut t = Tester::accept(quiet());
    t.user_send(b"lost");
    let out = t.run(ms(1500));
    assert_eq!(data_tsns(&out), vec![(ms(1000), t.sut_tsn)]);
}

#[test]
fn sctp_d_o_8_6_duplicate_data() {
    let mut t = Tester::accept(quiet());
    let d = t.data(b"once");
    t.send(vec![d.clone()]);
    let out = t.send(vec![d]);
    let s = sacks(&out);
    assert_eq!(s.len(), 1, "immediate SACK for a duplicate: {out:?}");
    assert_eq!(s[0].dup_tsns, vec![usctp_wire::Tsn(TSN0)]);
    assert_eq!(t.messages(), vec![&b"once"[..]]);
}

/// Zero window: only one DATA (the probe) is in flight, retransmitted with back-off; the
/// rest goes once the window opens (RFC 9260 §6.1 rule A).
fn zero_window(fragmented: bool) {
    let mut t = Tester::accept(quiet());
    t.user_send(b"opener");
    t.send(vec![sack(t.sut_tsn, 0, &[])]);
    let from = t.log.len();
    if fragmented {
        user_send_bytes(&mut t, 4000);
    } else {
        for _ in 0..3 {
            t.user_send(b"queued");
        }
    }
    t.run(ms(3500));
    let tsns = data_tsns(&t.log[from..]);
    let probe = t.sut_tsn + 1;
    assert!(tsns.iter().all(|(_, tsn)| *tsn == probe), "{tsns:?}");
    let at: Vec<_> = tsns.iter().map(|(at, _)| *at - t.log[from].at).collect();
    assert_eq!(at, vec![ms(0), ms(1000), ms(3000)], "probe backed off");
    let from = t.log.len();
    t.send(vec![sack(probe, 65_536, &[])]);
    let rest = data_tsns(&t.log[from..]);
    assert_eq!(rest.first().map(|x| x.1), Some(probe + 1), "{rest:?}");
    assert_eq!(rest.len(), 2, "window open: the rest is sent");
}

#[test]
fn sctp_d_o_8_7_zero_window_probing_unfragmented() {
    zero_window(false);
}

#[test]
fn sctp_d_o_8_8_zero_window_probing_fragmented() {
    zero_window(true);
}

#[test]
fn sctp_d_v_8_9_retransmissions_before_new_transmissions() {
    let mut t = Tester::accept(quiet());
    for _ in 0..10 {
        user_send_bytes(&mut t, 1452);
    }
    let sent = data_tsns(&t.log).len() as u32;
    assert!(sent < 10, "cwnd holds the rest back");
    let out = t.run(ms(1100));
    let tsns: Vec<_> = data_tsns(&out).into_iter().map(|x| x.1).collect();
    assert_eq!(tsns.first(), Some(&t.sut_tsn), "{tsns:?}");
    assert!(
        tsns.iter().all(|x| *x < t.sut_tsn + sent),
        "no new data first: {tsns:?}"
    );
}

#[test]
fn sctp_d_i_8_11_data_without_user_data() {
    let mut t = Tester::accept(quiet());
    let out = t.send(vec![data_chunk(TSN0, 0, 0, b"", true, true)]);
    let [p] = &out[..] else { panic!("{out:?}") };
    let [Chunk::Abort(a)] = &p.chunks[..] else {
        panic!("{p:?}")
    };
    assert!(matches!(&a.causes[..], [ErrorCause::NoUserData(n)] if n.tsn.0 == TSN0));
    assert!(t.gone());
    assert!(t.saw(|e| matches!(e, Event::Closed(CloseReason::ProtocolError(_)))));
}

#[test]
fn sctp_d_o_8_12_outdated_sack_is_ignored() {
    let mut t = Tester::accept(quiet());
    for _ in 0..3 {
        user_send_bytes(&mut t, 1000);
    }
    let s0 = t.sut_tsn;
    t.send(vec![sack(s0, 65_536, &[(2, 2)])]); // acks s0, gap-acks s0+2
    let outstanding = |t: &Tester| {
        t.ep.association(t.id.unwrap())
            .unwrap()
            .stats()
            .outstanding_bytes
    };
    assert_eq!(outstanding(&t), 1000);
    t.send(vec![sack(s0 - 1, 65_536, &[])]);
    assert_eq!(
        outstanding(&t),
        1000,
        "RFC 9260 §6.2.1 D i: older SACK ignored"
    );
    let out = t.run(ms(1500));
    let tsns: Vec<_> = data_tsns(&out).into_iter().map(|x| x.1).collect();
    assert_eq!(tsns, vec![s0 + 1], "only the missing TSN is retransmitted");
}

#[test]
fn sctp_d_v_8_13_receive_a_message_of_maximum_size() {
    let mut cfg = quiet();
    cfg.receive_window = 64 * 1024;
    let mut t = Tester::accept(cfg);
    let part = leak(1024);
    for i in 0..64u32 {
        let c = data_chunk(TSN0 + i, 0, 0, part, i == 0, i == 63);
        t.send(vec![c]);
    }
    let msgs = t.messages();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].len(), 64 * 1024);
}

#[test]
fn sctp_d_v_8_14_send_a_message_of_maximum_size() {
    let mut cfg = quiet();
    cfg.max_message_size = 100_000;
    let mut t = Tester::accept(cfg);
    let p = Bytes::from(vec![1u8; 100_001]);
    let r = t.user(|a| a.send(StreamId(0), p));
    assert!(matches!(r, Err(AssocError::Send(_))), "{r:?}");
    user_send_bytes(&mut t, 100_000);
    for _ in 0..100 {
        let Some(last) = data_tsns(&t.log).iter().map(|x| x.1).max() else {
            break;
        };
        t.send(vec![sack(last, 1 << 20, &[])]);
        if t.sender_idle() {
            break;
        }
        t.run(ms(10));
    }
    let bytes: usize = data_of(&t.log).iter().map(|d| d.payload.len()).sum();
    assert_eq!(bytes, 100_000);
    assert!(t.sender_idle());
}

#[test]
fn sctp_a_v_9_1_first_data_is_sacked_at_once() {
    // The first DATA of the association: SACKed at once, without the delayed-ack wait.
    let mut t = Tester::accept(quiet());
    let d = t.data(b"first");
    let out = t.send(vec![d]);
    assert_eq!(sacks(&out).len(), 1, "{out:?}");
    let later = t.run(ms(600));
    assert!(sacks(&packets(&later)).is_empty(), "{later:?}");
}

#[test]
fn sctp_a_v_9_2_one_sack_covers_bundled_data() {
    let mut t = Tester::accept(quiet());
    let chunks = vec![t.data(b"1"), t.data(b"2"), t.data(b"3")];
    let out = t.send(chunks);
    let mut s = sacks(&out);
    s.extend(sacks(&packets(&t.run(ms(600)))));
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].cum_tsn_ack.0, TSN0 + 2);
}

#[test]
fn sctp_a_o_9_3_gap_triggers_immediate_sack() {
    let mut t = Tester::accept(quiet());
    let a = t.data(b"a");
    let b = t.data(b"b");
    let c = t.data(b"c");
    t.send(vec![a]);
    let out = t.send(vec![c]);
    let s = sacks(&out);
    assert_eq!(s.len(), 1, "immediate: {out:?}");
    assert_eq!(s[0].cum_tsn_ack.0, TSN0);
    assert_eq!((s[0].gap_blocks[0].start, s[0].gap_blocks[0].end), (2, 2));
    let out = t.send(vec![b]);
    let s = sacks(&out);
    assert_eq!(s.len(), 1, "the gap filled: at once (RFC 9260 §6.7)");
    assert_eq!(s[0].cum_tsn_ack.0, TSN0 + 2);
    assert!(s[0].gap_blocks.is_empty());
}

/// An unknown chunk of `chunk_type` before a DATA: returns (DATA acknowledged, reported).
fn unknown_before_data(chunk_type: u8) -> (bool, bool) {
    let mut t = Tester::accept(quiet());
    let u = Chunk::Unknown(UnknownChunk {
        chunk_type,
        flags: 0,
        value: Bytes::from_static(b"what"),
    });
    let d = t.data(b"after");
    t.send(vec![u, d]);
    t.run(ms(600));
    let log = packets(&t.log);
    let acked = sacks(&log).iter().any(|s| s.cum_tsn_ack.0 == TSN0);
    let reported = log.iter().flat_map(|p| &p.chunks).any(|c| {
        matches!(c, Chunk::Error(e) if matches!(&e.causes[..],
            [ErrorCause::UnrecognizedChunkType(u)] if u.chunk_type() == Some(chunk_type)))
    });
    assert_eq!(acked, !t.messages().is_empty());
    (acked, reported)
}

#[test]
fn sctp_m_i_10_1_unknown_chunk_bits_11() {
    assert_eq!(unknown_before_data(0xf7), (true, true));
}

#[test]
fn sctp_m_i_10_2_unknown_chunk_bits_00() {
    assert_eq!(unknown_before_data(0x3e), (false, false));
}

#[test]
fn sctp_m_i_10_3_unknown_chunk_bits_01() {
    assert_eq!(unknown_before_data(0x7e), (false, true));
}

#[test]
fn sctp_m_i_10_4_unknown_chunk_bits_10() {
    assert_eq!(unknown_before_data(0xbe), (true, false));
}

#[test]
fn sctp_rt_i_11_1_and_11_2_t3_rtx_back_off() {
    let mut t = Tester::accept(quiet());
    t.user_send(b"unanswered");
    let out = t.run(Duration::from_secs(200));
    let at: Vec<_> = data_tsns(&out).iter().map(|x| x.0.as_secs()).collect();
    // RTO 1 s doubling, capped at RTO.Max = 60 s (RFC 9260 §6.3.3 E2).
    assert_eq!(at, vec![1, 3, 7, 15, 31, 63, 123, 183]);
}
