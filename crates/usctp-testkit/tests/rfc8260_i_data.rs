//! RFC 8260 (I-DATA, I-FORWARD-TSN): negotiation (§2.2), two usctp ends on the simulator
//! (interleaving across streams, reassembly under loss and reordering, PR-SCTP with
//! I-FORWARD-TSN), and a scripted peer for MID/FSN on the wire and the receive rules.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::tester::*;
use common::Pair;
use usctp_proto::{AssociationConfig, CloseReason, Extensions, FsnNumbering};
use usctp_sim::LinkConfig;
use usctp_testkit::{run_transfer, PrPolicy, TransferSpec};
use usctp_wire::chunk::{Chunk, IData, IForwardTsn, IForwardTsnStream};
use usctp_wire::param::{ForwardTsnSupported, SupportedExtensions};
use usctp_wire::{Fsn, Mid, Ppid, StreamId, Tsn};

const MIB: usize = 1024 * 1024;

fn with_i_data(mut c: AssociationConfig) -> AssociationConfig {
    c.extensions = c.extensions.with(Extensions::I_DATA);
    c
}

fn pattern(len: usize) -> Bytes {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// The extensions in force on each end when the client and server offer what they do.
fn negotiated(client: bool, server: bool) -> (Extensions, Extensions) {
    let cfg = |on: bool| {
        if on {
            with_i_data(AssociationConfig::default())
        } else {
            AssociationConfig::default()
        }
    };
    let mut p = Pair::new_with(1, 1, LinkConfig::default(), cfg(client), cfg(server));
    let id = p.establish();
    let c = p
        .sim
        .node(p.client)
        .ep
        .association(id)
        .unwrap()
        .extensions();
    let sid = p.sim.node(p.server).events[0].0;
    let s = p
        .sim
        .node(p.server)
        .ep
        .association(sid)
        .unwrap()
        .extensions();
    (c, s)
}

#[test]
fn rfc8260_2_2_i_data_is_in_force_only_when_both_offer_it() {
    let (c, s) = negotiated(true, true);
    assert!(c.contains(Extensions::I_DATA) && s.contains(Extensions::I_DATA));
    for (client, server) in [(true, false), (false, true), (false, false)] {
        let (c, s) = negotiated(client, server);
        assert!(
            !c.contains(Extensions::I_DATA) && !s.contains(Extensions::I_DATA),
            "{client} {server}: {c:?} {s:?}"
        );
    }
    assert!(!Extensions::default().contains(Extensions::I_DATA));
}

/// The order in which the server reads the end of the 4 MiB message on stream 0 and the
/// 100-byte one on stream 1 sent after it: true when the small one comes first.
fn small_overtakes_large(cfg: AssociationConfig) -> bool {
    let mut p = Pair::new(
        3,
        1,
        LinkConfig::with_latency(Duration::from_millis(5)),
        cfg,
    );
    p.establish();
    let large = pattern(4 * MIB);
    let small = Bytes::from_static(&[9; 100]);
    assert!(p.send(0, large.clone()));
    assert!(p.send(1, small.clone()));
    let server = p.server;
    let done = p.sim.run_until_cond(Duration::from_secs(600), |s| {
        s.node(server).messages.len() == 2
    });
    assert!(done, "both messages arrive");
    let msgs = &p.sim.node(server).messages;
    let on = |stream: u16| msgs.iter().position(|(_, m)| m.stream.0 == stream).unwrap();
    assert_eq!(msgs[on(0)].1.payload, large);
    assert_eq!(msgs[on(1)].1.payload, small);
    on(1) < on(0)
}

#[test]
fn rfc8260_1_small_message_is_not_stuck_behind_a_4_mib_one_on_another_stream() {
    let mut cfg = with_i_data(AssociationConfig::default());
    cfg.max_message_size = 4 * MIB;
    cfg.send_queue_limit = 8 * MIB;
    assert!(small_overtakes_large(cfg.clone()));
    // Without I-DATA the small message waits for the large one's last fragment.
    cfg.extensions = cfg.extensions.without(Extensions::I_DATA);
    assert!(!small_overtakes_large(cfg));
}

#[test]
fn rfc8260_2_1_large_messages_on_several_streams_arrive_intact_under_loss_and_reorder() {
    for seed in 1..=4 {
        let mut assoc = with_i_data(AssociationConfig::default());
        assoc.receive_window = 128 * 1024;
        assoc.max_message_size = 300 * 1024;
        assoc.send_queue_limit = 2 * MIB;
        let spec = TransferSpec {
            seed,
            loss: 0.05,
            reorder: 0.05,
            duplicate: 0.02,
            messages: 12,
            size: [3000, 300 * 1024][(seed % 2) as usize],
            streams: 3,
            unordered: seed == 3,
            assoc,
            ..TransferSpec::default()
        };
        let r = run_transfer(&spec);
        assert!(
            r.is_perfect() && r.sent == spec.messages,
            "seed {seed}: {r}"
        );
    }
}

#[test]
fn rfc8260_2_3_pr_sctp_with_i_data_abandons_with_i_forward_tsn() {
    let mut abandoned = 0;
    for seed in 0..8 {
        let pr = [PrPolicy::Rtx(0), PrPolicy::Ttl(Duration::from_millis(300))][seed % 2];
        let spec = TransferSpec {
            seed: seed as u64,
            loss: 0.15,
            reorder: 0.03,
            messages: 150,
            size: [300, 1200, 4000][seed % 3],
            streams: 1 + (seed % 3) as u16,
            pr: Some(pr),
            assoc: with_i_data(AssociationConfig::default()),
            ..TransferSpec::default()
        };
        let r = run_transfer(&spec);
        assert!(
            r.is_consistent() && r.sent == spec.messages,
            "seed {seed}: {r}"
        );
        abandoned += r.abandoned;
    }
    assert!(abandoned > 20, "the policies were exercised: {abandoned}");
}

/// The SUT connected to a tester that offers I-DATA (and PR-SCTP when `pr`).
fn i_data_tester(pr: bool) -> Tester {
    i_data_tester_with(pr, with_i_data(quiet()))
}

fn i_data_tester_with(pr: bool, mut cfg: AssociationConfig) -> Tester {
    let mut types = vec![0x40];
    let mut extra = Vec::new();
    if pr {
        types.extend([0xc0, 0xc2]);
        extra.push(ForwardTsnSupported.into());
    } else {
        cfg.extensions = cfg.extensions.without(Extensions::PR_SCTP);
    }
    extra.push(
        SupportedExtensions {
            chunk_types: types.into(),
        }
        .into(),
    );
    let t = Tester::connected_offering(cfg, extra);
    let ext = t.ep.association(t.id.unwrap()).unwrap().extensions();
    assert!(ext.contains(Extensions::I_DATA), "{ext:?}");
    t
}

fn idata(
    tsn: u32,
    stream: u16,
    mid: u32,
    fsn: u32,
    payload: &'static [u8],
    b: bool,
    e: bool,
) -> Chunk {
    Chunk::IData(IData {
        tsn: Tsn(tsn),
        stream: StreamId(stream),
        mid: Mid(mid),
        ppid: Ppid(if b { 51 } else { 0 }),
        fsn: Fsn(if b { 0 } else { fsn }),
        beginning: b,
        ending: e,
        payload: Bytes::from_static(payload),
        ..IData::default()
    })
}

fn i_data_of(sent: &[Sent]) -> Vec<IData> {
    sent.iter()
        .flat_map(|s| &s.packet.chunks)
        .filter_map(|c| match c {
            Chunk::IData(d) => Some(d.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn rfc8260_2_1_mid_per_stream_fsn_per_fragment_ppid_in_the_first_only() {
    let mut t = i_data_tester(false);
    let ppid = |n| usctp_proto::SendOptions::default().ppid(n);
    let now = t.now;
    let from = t.log.len();
    // Queued together, before anything goes out.
    t.user(|a| {
        for (stream, len) in [(0u16, 3000usize), (1, 10), (0, 10)] {
            let opts = ppid(7).stream(stream);
            a.send_with(now, pattern(len), &opts).unwrap();
        }
    });
    t.run(Duration::from_millis(10));
    let sent = t.log[from..].to_vec();
    assert!(data_of(&sent).is_empty(), "no DATA with I-DATA in force");
    let got: Vec<_> = i_data_of(&sent)
        .iter()
        .map(|d| {
            (
                d.stream.0,
                d.mid.0,
                d.fsn.0,
                d.ppid.0,
                d.beginning,
                d.ending,
            )
        })
        .collect();
    // Stream 0's first message in 3 fragments, interleaved with stream 1's message; stream
    // 0's second message after its first (one message in progress per stream).
    assert_eq!(
        got,
        [
            (0, 0, 0, 7, true, false),
            (1, 0, 0, 7, true, true),
            (0, 0, 1, 0, false, false),
            (0, 0, 2, 0, false, true),
            (0, 1, 0, 7, true, true),
        ]
    );
    let tsns: Vec<u32> = i_data_of(&sent).iter().map(|d| d.tsn.0).collect();
    assert_eq!(tsns, (0..5).map(|i| t.sut_tsn + i).collect::<Vec<_>>());
}

#[test]
fn rfc8260_2_1_fragments_reassemble_by_mid_and_fsn_in_any_order() {
    let mut t = i_data_tester(false);
    // Stream 0 MID 0 in three fragments, stream 1 MID 0 whole, stream 0 MID 1 whole; TSNs
    // interleaved and sent out of order.
    t.send(vec![idata(TSN0 + 4, 0, 1, 0, b"second", true, true)]);
    t.send(vec![idata(TSN0 + 3, 0, 0, 2, b"c", false, true)]);
    t.send(vec![idata(TSN0 + 1, 1, 0, 0, b"other", true, true)]);
    t.send(vec![idata(TSN0 + 2, 0, 0, 1, b"b", false, false)]);
    assert_eq!(t.messages(), [Bytes::from_static(b"other")]);
    t.send(vec![idata(TSN0, 0, 0, 0, b"a", true, false)]);
    assert_eq!(
        t.messages(),
        [Bytes::from_static(b"abc"), Bytes::from_static(b"second")]
    );
}

#[test]
fn rfc8260_2_2_data_while_i_data_is_in_force_aborts() {
    let mut t = i_data_tester(false);
    let out = t.send(vec![data_chunk(TSN0, 0, 0, b"old style", true, true)]);
    assert!(has(&out, |c| matches!(c, Chunk::Abort(_))), "{out:?}");
    assert!(t.saw(|e| matches!(e, usctp_proto::Event::Closed(CloseReason::ProtocolError(_)))));
}

#[test]
fn rfc8260_2_2_i_data_without_negotiation_is_an_unrecognized_chunk() {
    let mut t = Tester::connected(quiet());
    let out = t.send(vec![idata(TSN0, 0, 0, 0, b"x", true, true)]);
    // Type 0x40: upper bits 01, discard and report (RFC 9260 §3.2).
    assert!(has(&out, |c| matches!(c, Chunk::Error(_))), "{out:?}");
    assert!(t.alive());
    assert!(t.messages().is_empty());
}

#[test]
fn rfc8260_2_3_2_i_forward_tsn_skips_an_abandoned_message_and_frees_its_stream() {
    let mut t = i_data_tester(true);
    // MID 0 on stream 2 never completes (TSN0 lost, TSN0 + 1 its middle); MID 1 waits.
    t.send(vec![idata(TSN0 + 1, 2, 0, 1, b"mid", false, false)]);
    t.send(vec![idata(TSN0 + 2, 2, 1, 0, b"next", true, true)]);
    assert!(t.messages().is_empty());
    let skip = IForwardTsn {
        new_cum_tsn: Tsn(TSN0 + 1),
        streams: vec![IForwardTsnStream {
            stream: StreamId(2),
            unordered: false,
            mid: Mid(0),
        }],
    };
    let out = t.send(vec![Chunk::IForwardTsn(skip)]);
    assert_eq!(t.messages(), [Bytes::from_static(b"next")]);
    let acks: Vec<_> = sacks(&out).iter().map(|s| s.cum_tsn_ack).collect();
    assert_eq!(acks, [Tsn(TSN0 + 2)]);
    assert!(t.alive());
}

#[test]
fn rfc8260_2_3_1_abandoned_messages_are_skipped_with_i_forward_tsn_never_forward_tsn() {
    let mut t = i_data_tester(true);
    let now = t.now;
    let opts = usctp_proto::SendOptions::default()
        .stream(4)
        .max_retransmissions(0);
    t.user(|a| a.send_with(now, Bytes::from_static(b"stale"), &opts))
        .unwrap();
    // The peer never acknowledges: T3 fires and the message is given up, not resent.
    let sent = t.run(Duration::from_secs(4));
    let chunks: Vec<Chunk> = packets(&sent).into_iter().flat_map(|p| p.chunks).collect();
    assert!(!chunks.iter().any(|c| matches!(c, Chunk::ForwardTsn(_))));
    let skips: Vec<_> = chunks
        .iter()
        .filter_map(|c| match c {
            Chunk::IForwardTsn(f) => Some(f.clone()),
            _ => None,
        })
        .collect();
    let expect = IForwardTsn {
        new_cum_tsn: Tsn(t.sut_tsn),
        streams: vec![IForwardTsnStream {
            stream: StreamId(4),
            unordered: false,
            mid: Mid(0),
        }],
    };
    assert_eq!(skips.first(), Some(&expect), "{chunks:?}");
}

#[test]
fn rfc8260_2_3_2_an_out_of_date_i_forward_tsn_still_skips_its_messages() {
    // Every fragment sent of MID 0 arrived; its sender cut it short and abandoned it. The
    // I-FORWARD-TSN's TSN is already acknowledged, yet MID 1 must not wait for MID 0's end.
    let mut t = i_data_tester(true);
    t.send(vec![idata(TSN0, 5, 0, 0, b"cut", true, false)]);
    t.send(vec![idata(TSN0 + 1, 5, 1, 0, b"after", true, true)]);
    assert!(t.messages().is_empty());
    let skip = IForwardTsn {
        new_cum_tsn: Tsn(TSN0),
        streams: vec![IForwardTsnStream {
            stream: StreamId(5),
            unordered: false,
            mid: Mid(0),
        }],
    };
    t.send(vec![Chunk::IForwardTsn(skip)]);
    assert_eq!(t.messages(), [Bytes::from_static(b"after")]);
}

/// Linux numbers the fragments after the first from FSN 0 (the first one's FSN is 0 too,
/// implied); `FsnNumbering::SecondIsZero` speaks that both ways. With the RFC's numbering its
/// second fragment repeats FSN 0 and the message's framing is broken.
#[test]
fn rfc8260_2_1_fsn_numbering_of_linux_peers_both_ways() {
    let linux_fragments = || {
        vec![
            idata(TSN0, 1, 0, 0, b"ab", true, false),
            idata(TSN0 + 1, 1, 0, 0, b"cd", false, false),
            idata(TSN0 + 2, 1, 0, 1, b"ef", false, true),
        ]
    };
    let mut cfg = with_i_data(quiet());
    cfg.i_data_fsn = FsnNumbering::SecondIsZero;
    let mut t = i_data_tester_with(false, cfg);
    for c in linux_fragments() {
        t.send(vec![c]);
    }
    assert_eq!(t.messages(), [&b"abcdef"[..]]);

    let now = t.now;
    let from = t.log.len();
    t.user(|a| {
        a.send_with(now, pattern(3000), &Default::default())
            .unwrap()
    });
    t.run(Duration::from_millis(10));
    let fsns: Vec<_> = i_data_of(&t.log[from..])
        .iter()
        .map(|d| (d.beginning, d.fsn.0))
        .collect();
    assert_eq!(fsns, [(true, 0), (false, 0), (false, 1)]);

    // The same fragments with the RFC's numbering: a broken message, the association ends.
    let mut t = i_data_tester(false);
    for c in linux_fragments() {
        t.send(vec![c]);
    }
    assert!(t.messages().is_empty());
    assert!(t.saw(|e| matches!(e, usctp_proto::Event::Closed(_))));
}
