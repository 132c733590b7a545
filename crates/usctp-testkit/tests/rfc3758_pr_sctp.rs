//! RFC 3758 (PR-SCTP) between a usctp association and a scripted peer, and between two usctp
//! ends under loss: FORWARD TSN sent for abandoned data (§3.5) and resent until acknowledged,
//! FORWARD TSN received (§3.6), and the chunk refused when PR-SCTP was not negotiated (§3.3.1).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::tester::*;
use usctp_proto::{AbandonReason, AssociationConfig, Event, Extensions, SendOptions};
use usctp_testkit::{run_transfer, PrPolicy, TransferSpec};
use usctp_wire::chunk::{Chunk, ForwardTsn, ForwardTsnStream};
use usctp_wire::param::ForwardTsnSupported;
use usctp_wire::{Ssn, StreamId, Tsn};

fn pr_cfg() -> AssociationConfig {
    let mut c = quiet();
    c.extensions = Extensions::PR_SCTP;
    c
}

/// The SUT connected to a tester that offers PR-SCTP.
fn pr_tester() -> Tester {
    let t = Tester::connected_offering(pr_cfg(), vec![ForwardTsnSupported.into()]);
    assert!(t
        .ep
        .association(t.id.unwrap())
        .unwrap()
        .extensions()
        .contains(Extensions::PR_SCTP));
    t
}

fn forwards(sent: &[Sent]) -> Vec<ForwardTsn> {
    packets(sent)
        .into_iter()
        .flat_map(|p| p.chunks)
        .filter_map(|c| match c {
            Chunk::ForwardTsn(f) => Some(f),
            _ => None,
        })
        .collect()
}

fn send_pr(t: &mut Tester, stream: u16, payload: &'static [u8], opts: SendOptions) {
    let now = t.now;
    let opts = opts.stream(stream);
    t.user(|a| a.send_with(now, Bytes::from_static(payload), &opts))
        .unwrap();
}

#[test]
fn rfc3758_3_5_c3_abandoned_data_is_skipped_with_forward_tsn_until_acknowledged() {
    let mut t = pr_tester();
    send_pr(
        &mut t,
        1,
        b"stale",
        SendOptions::default().max_retransmissions(0),
    );
    // The peer never acknowledges: T3 fires and the message is given up, not resent.
    let sent = t.run(Duration::from_secs(4));
    assert!(data_of(&sent).is_empty(), "no retransmission: {sent:?}");
    let f = forwards(&sent);
    let skip = ForwardTsnStream {
        stream: StreamId(1),
        ssn: Ssn(0),
    };
    assert_eq!(
        f.first().map(|f| (f.new_cum_tsn, f.streams.clone())),
        Some((Tsn(t.sut_tsn), vec![skip]))
    );
    assert!(t.saw(|e| matches!(e, Event::Abandoned(m)
        if m.reason == AbandonReason::Retransmissions && m.sent && &m.payload[..] == b"stale")));
    // RFC 3758 §3.5 A5: unacknowledged, the FORWARD TSN goes again when T3 expires.
    let again = t.run(Duration::from_secs(8));
    assert!(!forwards(&again).is_empty(), "FORWARD TSN resent");
    // The peer's cumulative ack reaches the point: no more FORWARD TSN.
    let sack = t.sack(1);
    t.send(vec![sack]);
    assert!(forwards(&t.run(Duration::from_secs(30))).is_empty());
    assert!(t.sender_idle());
    let stats = t.ep.association(t.id.unwrap()).unwrap().stats();
    assert_eq!(stats.abandoned.abandoned_sent, [0, 1, 0]);
}

#[test]
fn rfc3758_3_6_forward_tsn_received_moves_the_cum_ack_and_delivers_what_waited() {
    let mut t = pr_tester();
    // TSN0 (stream 0, SSN 0) never comes; TSN0+1 (SSN 1) waits for it.
    t.send(vec![data_chunk(TSN0 + 1, 0, 1, b"second", true, true)]);
    assert!(t.messages().is_empty());
    let fwd = ForwardTsn {
        new_cum_tsn: Tsn(TSN0),
        streams: vec![ForwardTsnStream {
            stream: StreamId(0),
            ssn: Ssn(0),
        }],
    };
    let out = t.send(vec![Chunk::ForwardTsn(fwd)]);
    assert_eq!(t.messages(), [Bytes::from_static(b"second")]);
    // The SACK (at once: a gap was filled) acknowledges both TSNs.
    let acks: Vec<_> = sacks(&out).iter().map(|s| s.cum_tsn_ack).collect();
    assert_eq!(acks, [Tsn(TSN0 + 1)]);
}

#[test]
fn rfc3758_3_6_a_partial_delivery_is_aborted_when_its_rest_is_skipped() {
    let mut cfg = pr_cfg();
    cfg.partial_delivery_point = 8;
    let mut t = Tester::connected_offering(cfg, vec![ForwardTsnSupported.into()]);
    t.send(vec![
        data_chunk(TSN0, 2, 0, b"first piece ", true, false),
        data_chunk(TSN0 + 1, 2, 0, b"second piece", false, false),
    ]);
    let fwd = ForwardTsn {
        new_cum_tsn: Tsn(TSN0 + 2),
        streams: vec![ForwardTsnStream {
            stream: StreamId(2),
            ssn: Ssn(0),
        }],
    };
    t.send(vec![Chunk::ForwardTsn(fwd)]);
    let id = t.id.unwrap();
    let pieces: Vec<_> =
        std::iter::from_fn(|| t.ep.with_association(id, |a| a.poll_message()).flatten())
            .map(|m| (m.payload.len(), m.end_of_message, m.aborted))
            .collect();
    assert_eq!(
        pieces,
        [(12, false, false), (12, false, false), (0, true, true)]
    );
    assert!(t.saw(|e| matches!(e, Event::PartialDeliveryAborted { stream } if stream.0 == 2)));
    // Stream 2 goes on with SSN 1.
    t.send(vec![data_chunk(TSN0 + 3, 2, 1, b"next", true, true)]);
    assert_eq!(t.messages(), [Bytes::from_static(b"next")]);
}

#[test]
fn rfc3758_3_3_1_forward_tsn_without_pr_sctp_is_an_unrecognized_chunk() {
    // The SUT offers PR-SCTP, the tester does not: not in force.
    let mut t = Tester::connected(pr_cfg());
    let fwd = ForwardTsn {
        new_cum_tsn: Tsn(TSN0 + 5),
        streams: vec![],
    };
    let out = t.send(vec![Chunk::ForwardTsn(fwd)]);
    assert!(
        has(
            &out,
            |c| matches!(c, Chunk::Error(e) if !e.causes.is_empty())
        ),
        "ERROR with Unrecognized Chunk Type: {out:?}"
    );
    // Nothing moved: the tester's first TSN is still expected.
    let out = t.send(vec![data_chunk(TSN0, 0, 0, b"x", true, true)]);
    assert_eq!(t.messages(), [Bytes::from_static(b"x")]);
    let acks: Vec<_> = sacks(&out).iter().map(|s| s.cum_tsn_ack).collect();
    assert_eq!(acks, [Tsn(TSN0)]);
}

fn pr_spec(seed: u64, pr: PrPolicy, reverse_loss: Option<f64>) -> TransferSpec {
    TransferSpec {
        seed,
        loss: 0.15,
        reverse_loss,
        reorder: 0.03,
        messages: 150,
        size: [300, 1200, 4000][(seed % 3) as usize],
        streams: 1 + (seed % 3) as u16,
        latency: Duration::from_millis(5 + seed % 20),
        pr: Some(pr),
        ..TransferSpec::default()
    }
}

#[test]
fn rfc3758_every_message_is_delivered_once_or_abandoned_and_order_holds() {
    let mut abandoned = 0;
    let mut both = 0;
    for seed in 0..24 {
        let policy = match seed % 4 {
            0 => PrPolicy::Rtx(0),
            1 => PrPolicy::Rtx(2),
            2 => PrPolicy::Ttl(Duration::from_millis(300)),
            _ => PrPolicy::Ttl(Duration::from_secs(3)),
        };
        // Loss both ways, then on the data path only.
        for reverse in [None, Some(0.0)] {
            let s = pr_spec(seed, policy, reverse);
            let r = run_transfer(&s);
            // Each message delivered exactly once, intact and in order per stream, or
            // reported abandoned; the association closes gracefully.
            assert!(
                r.is_consistent() && r.sent == s.messages,
                "seed {seed} {s:?}: {r}"
            );
            abandoned += r.abandoned;
            both += r.abandoned_and_delivered;
        }
    }
    assert!(abandoned > 100, "the policies were exercised: {abandoned}");
    // Only a message whose chunks were in flight when its policy expired can be both; the
    // sender reported it as sent (possibly received).
    assert!(both * 20 < abandoned, "{both} of {abandoned}");
}

#[test]
fn rfc3758_3_5_no_forward_tsn_before_the_cookie_is_acknowledged() {
    // Data queued during the handshake rides with the COOKIE ECHO (RFC 9260 §5.1); when it is
    // abandoned before the COOKIE ACK, the FORWARD TSN waits: the peer has no association yet
    // and would answer an ABORT (chaos seed 487 found it).
    let (mut t, _) = Tester::connect(pr_cfg());
    send_pr(
        &mut t,
        0,
        b"early",
        SendOptions::default().max_retransmissions(0),
    );
    let mut ack = t.init_ack();
    ack.params.push(ForwardTsnSupported.into());
    let out = t.send(vec![Chunk::InitAck(ack)]);
    assert!(has(&out, |c| matches!(c, Chunk::CookieEcho(_))));
    assert!(has(&out, |c| matches!(c, Chunk::Data(_))), "{out:?}");
    // Nothing answers for a while: COOKIE ECHO retransmissions only.
    let sent = t.run(Duration::from_secs(10));
    assert!(forwards(&sent).is_empty(), "{sent:?}");
    assert!(t.saw(|e| matches!(e, Event::Abandoned(_))));
    // Established: the FORWARD TSN goes out now.
    let out = t.send(vec![Chunk::CookieAck(usctp_wire::chunk::CookieAck)]);
    let f: Vec<_> = out
        .iter()
        .flat_map(|p| &p.chunks)
        .filter_map(|c| match c {
            Chunk::ForwardTsn(f) => Some(f.new_cum_tsn),
            _ => None,
        })
        .collect();
    assert_eq!(f, [Tsn(t.sut_tsn)]);
}

#[test]
fn rfc3758_3_6_chaos_seed_1909_a_message_cut_short_does_not_block_its_stream() {
    // 9000-byte messages on two streams, retransmission limit 1: a message abandoned after
    // the peer received every fragment sent so far used to leave the peer's stream waiting
    // for its end, the FORWARD TSN being out of date there.
    let s = TransferSpec {
        seed: 1909,
        loss: 0.12,
        reorder: 0.028,
        duplicate: 0.0435,
        messages: 49,
        size: 9000,
        streams: 2,
        latency: Duration::from_millis(10),
        pr: Some(PrPolicy::Rtx(1)),
        ..TransferSpec::default()
    };
    let r = run_transfer(&s);
    assert!(r.is_consistent() && r.sent == s.messages, "{r}");
}
