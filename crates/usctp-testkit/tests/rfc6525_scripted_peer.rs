//! RFC 6525 (stream reconfiguration) against a scripted peer that sends hand-made RE-CONFIG
//! chunks: request sequence numbers (§5.2.1), deferred resets (§5.2.2), the answers to each
//! request, our requests on the wire (the pending-data rule, §5.1.2; one chunk outstanding,
//! retransmitted on RTO, §5.1.1), and RE-CONFIG without negotiation.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::tester::*;
use usctp_proto::{
    AssocError, AssociationConfig, Event, Extensions, ReconfigRequest, ReconfigResult,
    StreamDirection,
};
use usctp_wire::chunk::{Chunk, CookieAck, IData, ReConfig};
use usctp_wire::param::{
    AddIncomingStreamsRequest, AddOutgoingStreamsRequest, IncomingSsnResetRequest,
    OutgoingSsnResetRequest, Parameter, ReconfigurationResponse, SsnTsnResetRequest,
    SupportedExtensions,
};
use usctp_wire::{Mid, Packet, StreamId, Tsn};

const RE_CONFIG: u8 = 0x82;

fn reconfig_cfg() -> AssociationConfig {
    let mut c = quiet();
    c.extensions = Extensions::RECONFIG;
    c
}

/// The SUT connected to a tester that offers RE-CONFIG (RFC 5061 §4.2.7).
fn connected() -> Tester {
    connected_with(reconfig_cfg(), true)
}

fn connected_with(cfg: AssociationConfig, offer: bool) -> Tester {
    let (mut t, _) = Tester::connect(cfg);
    let mut ack = t.init_ack();
    if offer {
        ack.params.push(
            SupportedExtensions {
                chunk_types: vec![RE_CONFIG].into(),
            }
            .into(),
        );
    }
    t.send(vec![Chunk::InitAck(ack)]);
    t.send(vec![Chunk::CookieAck(CookieAck)]);
    t
}

fn reconfig(params: Vec<Parameter>) -> Chunk {
    Chunk::ReConfig(ReConfig { params })
}

fn out_reset(seq: u32, last_tsn: u32, streams: &[u16]) -> Parameter {
    OutgoingSsnResetRequest {
        request_seq: seq,
        response_seq: 0,
        last_tsn: Tsn(last_tsn),
        streams: streams.iter().map(|&s| StreamId(s)).collect(),
    }
    .into()
}

fn answer(seq: u32, result: ReconfigResult) -> Parameter {
    ReconfigurationResponse {
        response_seq: seq,
        result,
        next_tsns: None,
    }
    .into()
}

/// The parameters of every RE-CONFIG chunk in `out`, in order.
fn reconfig_params(out: &[Packet]) -> Vec<Parameter> {
    out.iter()
        .flat_map(|p| &p.chunks)
        .filter_map(|c| match c {
            Chunk::ReConfig(r) => Some(r.params.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The (seq, result) of the responses in `out`.
fn responses(out: &[Packet]) -> Vec<(u32, ReconfigResult)> {
    reconfig_params(out)
        .into_iter()
        .filter_map(|p| match p {
            Parameter::ReconfigurationResponse(r) => Some((r.response_seq, r.result)),
            _ => None,
        })
        .collect()
}

fn incoming_resets(t: &Tester) -> usize {
    t.events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::StreamsReset {
                    direction: StreamDirection::Incoming,
                    ..
                }
            )
        })
        .count()
}

fn send_on(t: &mut Tester, stream: u16, payload: &'static [u8]) {
    t.user(|a| a.send(StreamId(stream), Bytes::from_static(payload)))
        .unwrap();
}

/// (stream, SSN, payload) of the DATA chunks sent since log index `from`.
fn data_since(t: &Tester, from: usize) -> Vec<(u16, u16, Bytes)> {
    data_of(&t.log[from..])
        .into_iter()
        .map(|d| (d.stream.0, d.ssn.0, d.payload))
        .collect()
}

#[test]
fn rfc6525_5_2_1_retransmitted_request_gets_the_cached_response_and_is_not_redone() {
    let mut t = connected();
    t.send(vec![data_chunk(TSN0, 0, 0, b"a", true, true)]);
    let out = t.send(vec![reconfig(vec![out_reset(TSN0, TSN0, &[0])])]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::SuccessPerformed)]);
    assert_eq!(incoming_resets(&t), 1);
    t.send(vec![data_chunk(TSN0 + 1, 0, 0, b"b", true, true)]);
    // The same request again: the same answer, and the stream is not reset a second time
    // (SSN 1 is delivered, not held for an SSN 0 that will never come).
    let out = t.send(vec![reconfig(vec![out_reset(TSN0, TSN0, &[0])])]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::SuccessPerformed)]);
    assert_eq!(incoming_resets(&t), 1);
    t.send(vec![data_chunk(TSN0 + 2, 0, 1, b"c", true, true)]);
    assert_eq!(t.messages(), [&b"a"[..], b"b", b"c"]);
}

#[test]
fn rfc6525_5_2_1_unexpected_sequence_numbers_get_bad_sequence_number() {
    let mut t = connected();
    for seq in [TSN0 + 1, TSN0 - 1, 7] {
        let out = t.send(vec![reconfig(vec![out_reset(seq, TSN0 - 1, &[])])]);
        assert_eq!(
            responses(&out),
            [(seq, ReconfigResult::ErrorBadSequenceNumber)]
        );
    }
    assert_eq!(incoming_resets(&t), 0);
    // Nothing was processed: the expected number is still the peer's initial TSN.
    let out = t.send(vec![reconfig(vec![out_reset(TSN0, TSN0 - 1, &[])])]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::SuccessPerformed)]);
}

#[test]
fn rfc6525_5_2_2_outgoing_reset_deferred_until_cum_ack() {
    let mut t = connected();
    // TSN0+1 is "lost": the cumulative TSN ack stays at TSN0.
    t.send(vec![data_chunk(TSN0, 1, 0, b"a", true, true)]);
    t.send(vec![data_chunk(TSN0 + 2, 1, 2, b"c", true, true)]);
    let out = t.send(vec![reconfig(vec![out_reset(TSN0, TSN0 + 2, &[1])])]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::InProgress)]);
    assert_eq!(incoming_resets(&t), 0);
    // A retransmission while deferred: still in progress, nothing done twice.
    let out = t.send(vec![reconfig(vec![out_reset(TSN0, TSN0 + 2, &[1])])]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::InProgress)]);
    // The missing TSN arrives: the reset is performed and answered at once.
    let out = t.send(vec![data_chunk(TSN0 + 1, 1, 1, b"b", true, true)]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::SuccessPerformed)]);
    assert_eq!(incoming_resets(&t), 1);
    t.send(vec![data_chunk(TSN0 + 3, 1, 0, b"d", true, true)]);
    assert_eq!(t.messages(), [&b"a"[..], b"b", b"c", b"d"]);
    let out = t.send(vec![reconfig(vec![out_reset(TSN0, TSN0 + 2, &[1])])]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::SuccessPerformed)]);
    assert_eq!(incoming_resets(&t), 1);
}

#[test]
fn rfc6525_5_2_2_reset_of_a_stream_that_does_not_exist_is_denied() {
    let mut t = connected();
    t.send(vec![data_chunk(TSN0, 3, 0, b"a", true, true)]);
    // The SUT has 10 inbound streams.
    let out = t.send(vec![reconfig(vec![out_reset(TSN0, TSN0, &[3, 10])])]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::Denied)]);
    assert_eq!(incoming_resets(&t), 0);
    // Stream 3 was not reset: SSN 1 is delivered.
    t.send(vec![data_chunk(TSN0 + 1, 3, 1, b"b", true, true)]);
    assert_eq!(t.messages(), [&b"a"[..], b"b"]);
    // The denied request was processed: the next number is expected.
    let out = t.send(vec![reconfig(vec![out_reset(TSN0 + 1, TSN0 + 1, &[3])])]);
    assert_eq!(
        responses(&out),
        [(TSN0 + 1, ReconfigResult::SuccessPerformed)]
    );
}

#[test]
fn rfc6525_3_1_a_forbidden_combination_changes_nothing() {
    let mut t = connected();
    t.send(vec![data_chunk(TSN0, 0, 0, b"a", true, true)]);
    let bad = reconfig(vec![
        SsnTsnResetRequest { request_seq: TSN0 }.into(),
        out_reset(TSN0 + 1, TSN0, &[0]),
    ]);
    let out = t.send(vec![bad]);
    assert!(reconfig_params(&out).is_empty(), "{out:?}");
    assert_eq!(incoming_resets(&t), 0);
    t.send(vec![data_chunk(TSN0 + 1, 0, 1, b"b", true, true)]);
    assert_eq!(t.messages(), [&b"a"[..], b"b"]);
    assert!(t.alive());
}

#[test]
fn rfc6525_without_negotiation_re_config_is_an_unrecognized_chunk() {
    let mut t = connected_with(reconfig_cfg(), false);
    assert!(!t.user(|a| a.extensions()).contains(Extensions::RECONFIG));
    assert_eq!(
        t.user(|a| a.reset_streams(&[0])),
        Err(AssocError::NotNegotiated)
    );
    t.send(vec![data_chunk(TSN0, 0, 0, b"a", true, true)]);
    // Type 0x82: upper bits 10, skipped without a report (RFC 9260 §3.2).
    let out = t.send(vec![reconfig(vec![out_reset(TSN0, TSN0, &[0])])]);
    assert!(reconfig_params(&out).is_empty() && incoming_resets(&t) == 0);
    t.send(vec![data_chunk(TSN0 + 1, 0, 1, b"b", true, true)]);
    assert_eq!(t.messages(), [&b"a"[..], b"b"]);
}

/// The pending-data rule on the wire, with a peer that performs the reset (SSN 0 after it)
/// or refuses it (the old SSNs go on).
fn pending_data_rule(result: ReconfigResult) -> (Tester, usize) {
    let mut t = connected();
    let from = t.log.len();
    send_on(&mut t, 0, b"a");
    send_on(&mut t, 0, b"b");
    t.user(|a| a.reset_streams(&[0])).unwrap();
    send_on(&mut t, 0, b"c");
    send_on(&mut t, 1, b"x");
    // a and b went out; c waits; other streams are not held; no request before the ack.
    let sent = data_since(&t, from);
    let expect = [(0, 0, "a"), (0, 1, "b"), (1, 0, "x")].map(|(s, n, p)| (s, n, Bytes::from(p)));
    assert_eq!(sent, expect);
    assert!(reconfig_params(&packets(&t.log[from..])).is_empty());
    // Everything acked: the request goes out with the last TSN assigned (x's), alone.
    let at = t.log.len();
    let s = t.sack(3);
    let out = t.send(vec![s]);
    let [Parameter::OutgoingSsnResetRequest(req)] = &reconfig_params(&out)[..] else {
        panic!("{out:?}")
    };
    assert_eq!(req.request_seq, t.sut_tsn);
    assert_eq!(req.last_tsn, Tsn(t.sut_tsn + 2));
    assert_eq!(req.response_seq, TSN0 - 1);
    assert_eq!(req.streams, [StreamId(0)]);
    assert!(data_since(&t, at).is_empty());
    let at = t.log.len();
    t.send(vec![reconfig(vec![answer(t.sut_tsn, result)])]);
    t.run(Duration::from_millis(10));
    (t, at)
}

#[test]
fn rfc6525_5_1_2_data_before_the_reset_is_acked_first_and_data_after_starts_at_ssn_0() {
    let (t, at) = pending_data_rule(ReconfigResult::SuccessPerformed);
    assert_eq!(data_since(&t, at), [(0, 0, Bytes::from("c"))]);
    assert!(t.saw(|e| matches!(e, Event::StreamsReset { direction: StreamDirection::Outgoing, streams } if streams == &[StreamId(0)])));
}

#[test]
fn rfc6525_5_1_2_denied_reset_releases_held_data_with_the_old_ssns() {
    let (t, at) = pending_data_rule(ReconfigResult::Denied);
    assert_eq!(data_since(&t, at), [(0, 2, Bytes::from("c"))]);
    assert!(t.saw(|e| *e
        == Event::ReconfigFailed {
            request: ReconfigRequest::ResetOutgoing,
            result: ReconfigResult::Denied
        }));
    assert!(!t.saw(|e| matches!(e, Event::StreamsReset { .. })));
}

#[test]
fn rfc6525_5_1_1_request_retransmitted_on_rto_with_back_off_until_answered() {
    let mut t = connected();
    t.user(|a| a.reset_streams(&[])).unwrap();
    let first = t.log.len() - 1;
    let req = reconfig_params(&packets(&t.log[first..]));
    assert_eq!(req.len(), 1, "{req:?}");
    // One request outstanding at a time (§5.1.1).
    assert_eq!(
        t.user(|a| a.add_streams(1, 0)),
        Err(AssocError::ReconfigInProgress)
    );
    send_on(&mut t, 4, b"held");
    let sent = t.run(Duration::from_millis(3500));
    // RTO.Initial 1 s, doubled: again at 1 s and 3 s, unchanged (same sequence number).
    let times: Vec<_> = sent
        .iter()
        .filter(|s| !reconfig_params(std::slice::from_ref(&s.packet)).is_empty())
        .map(|s| {
            (
                s.at.as_millis(),
                reconfig_params(std::slice::from_ref(&s.packet)),
            )
        })
        .collect();
    let at = t.log[first].at.as_millis();
    assert_eq!(
        times,
        [(at + 1000, req.clone()), (at + 3000, req.clone())],
        "retransmissions"
    );
    assert!(data_of(&sent).is_empty(), "held message sent early");
    let seq = t.sut_tsn;
    let from = t.log.len();
    t.send(vec![reconfig(vec![answer(
        seq,
        ReconfigResult::SuccessPerformed,
    )])]);
    t.run(Duration::from_millis(10));
    assert_eq!(data_since(&t, from), [(4, 0, Bytes::from("held"))]);
    let s = t.sack(1);
    t.send(vec![s]);
    let sent = t.run(Duration::from_secs(20));
    assert!(
        reconfig_params(&packets(&sent)).is_empty(),
        "timer not stopped"
    );
    assert!(t.saw(|e| matches!(e, Event::StreamsReset { direction: StreamDirection::Outgoing, streams } if streams.is_empty())));
}

#[test]
fn rfc6525_5_1_1_in_progress_answer_is_retried_with_the_same_sequence_number() {
    let mut t = connected();
    t.user(|a| a.reset_streams(&[2])).unwrap();
    let seq = t.sut_tsn;
    let out = t.send(vec![reconfig(vec![answer(
        seq,
        ReconfigResult::InProgress,
    )])]);
    assert!(out.is_empty());
    let sent = t.run(Duration::from_millis(1500));
    let again = reconfig_params(&packets(&sent));
    assert!(
        matches!(&again[..], [Parameter::OutgoingSsnResetRequest(r)] if r.request_seq == seq),
        "{again:?}"
    );
    // An answered retry counts no timeout.
    assert_eq!(t.user(|a| a.stats().error_count), 0);
    t.send(vec![reconfig(vec![answer(
        seq,
        ReconfigResult::SuccessPerformed,
    )])]);
    assert!(t.saw(|e| matches!(e, Event::StreamsReset { .. })));
}

#[test]
fn rfc6525_3_1_outgoing_and_incoming_resets_share_one_chunk() {
    let mut t = connected();
    send_on(&mut t, 1, b"a");
    t.user(|a| a.reset_streams(&[1])).unwrap();
    t.user(|a| a.request_peer_reset(&[2, 3])).unwrap();
    let from = t.log.len();
    let s = t.sack(1);
    let out = t.send(vec![s]);
    let params = reconfig_params(&out);
    let seq = t.sut_tsn;
    assert!(
        matches!(
            &params[..],
            [Parameter::OutgoingSsnResetRequest(o), Parameter::IncomingSsnResetRequest(i)]
                if o.request_seq == seq && i.request_seq == seq + 1
                    && i.streams == [StreamId(2), StreamId(3)]
        ),
        "{params:?}"
    );
    assert_eq!(t.log.len() - from, 1, "one packet");
    // The peer answers the Outgoing one, and the Incoming one with its own reset (E1).
    t.send(vec![reconfig(vec![
        answer(seq, ReconfigResult::SuccessPerformed),
        OutgoingSsnResetRequest {
            request_seq: TSN0,
            response_seq: seq + 1,
            last_tsn: Tsn(TSN0 - 1),
            streams: vec![StreamId(2), StreamId(3)],
        }
        .into(),
    ])]);
    assert_eq!(incoming_resets(&t), 1);
    // Both requests complete: a new one may go.
    let at = t.log.len();
    assert_eq!(t.user(|a| a.add_streams(1, 0)), Ok(()));
    t.run(Duration::from_millis(10));
    let add = reconfig_params(&packets(&t.log[at..]));
    assert!(
        matches!(&add[..], [Parameter::AddOutgoingStreamsRequest(a)] if a.request_seq == seq + 2),
        "only the new request, once: {add:?}"
    );
}

#[test]
fn rfc6525_5_2_3_incoming_reset_is_answered_by_our_reset_once_data_is_acked() {
    let mut t = connected();
    send_on(&mut t, 0, b"a");
    let from = t.log.len();
    let out = t.send(vec![reconfig(vec![IncomingSsnResetRequest {
        request_seq: TSN0,
        streams: vec![StreamId(0)],
    }
    .into()])]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::InProgress)]);
    send_on(&mut t, 0, b"b");
    assert!(data_since(&t, from).is_empty(), "b is held");
    let s = t.sack(1);
    let out = t.send(vec![s]);
    let params = reconfig_params(&out);
    let [Parameter::OutgoingSsnResetRequest(req)] = &params[..] else {
        panic!("{out:?}")
    };
    assert_eq!(
        (req.request_seq, req.response_seq, req.last_tsn),
        (t.sut_tsn, TSN0, Tsn(t.sut_tsn))
    );
    // A retransmission of the peer's request now learns it was done.
    let out = t.send(vec![reconfig(vec![IncomingSsnResetRequest {
        request_seq: TSN0,
        streams: vec![StreamId(0)],
    }
    .into()])]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::SuccessPerformed)]);
    let at = t.log.len();
    let seq = t.sut_tsn;
    t.send(vec![reconfig(vec![answer(
        seq,
        ReconfigResult::SuccessPerformed,
    )])]);
    t.run(Duration::from_millis(10));
    assert_eq!(data_since(&t, at), [(0, 0, Bytes::from("b"))]);
}

#[test]
fn rfc6525_5_2_3_incoming_reset_while_ours_is_outstanding_is_refused() {
    let mut t = connected();
    t.user(|a| a.add_streams(2, 0)).unwrap();
    let out = t.send(vec![reconfig(vec![IncomingSsnResetRequest {
        request_seq: TSN0,
        streams: vec![],
    }
    .into()])]);
    assert_eq!(
        responses(&out),
        [(TSN0, ReconfigResult::ErrorRequestInProgress)]
    );
    // Invalid stream: denied.
    let out = t.send(vec![reconfig(vec![IncomingSsnResetRequest {
        request_seq: TSN0 + 1,
        streams: vec![StreamId(10)],
    }
    .into()])]);
    assert_eq!(responses(&out), [(TSN0 + 1, ReconfigResult::Denied)]);
}

#[test]
fn rfc6525_5_2_4_ssn_tsn_reset_answers_with_both_next_tsns() {
    let mut t = connected();
    t.send(vec![data_chunk(TSN0, 0, 0, b"a", true, true)]);
    send_on(&mut t, 0, b"x");
    // Our DATA is not acked yet: in progress, evaluated again when retried.
    let req = || reconfig(vec![SsnTsnResetRequest { request_seq: TSN0 }.into()]);
    let out = t.send(vec![req()]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::InProgress)]);
    let s = t.sack(1);
    t.send(vec![s]);
    let out = t.send(vec![req()]);
    let params = reconfig_params(&out);
    let [Parameter::ReconfigurationResponse(r)] = &params[..] else {
        panic!("{out:?}")
    };
    assert_eq!(r.result, ReconfigResult::SuccessPerformed);
    let next = r.next_tsns.unwrap();
    // G2: the SUT's next TSN; G1: the tester's, 2^31 past its cumulative ack + 1.
    assert_eq!(next.sender, Tsn(t.sut_tsn + 1));
    assert_eq!(next.receiver, Tsn((TSN0 + 1).wrapping_add(1 << 31)));
    // The retransmission gets the same answer.
    assert_eq!(reconfig_params(&t.send(vec![req()])), params);
    // New TSNs and SSN 0 both ways.
    let b = next.receiver.0;
    t.send(vec![data_chunk(b, 0, 0, b"b", true, true)]);
    assert_eq!(t.messages(), [&b"a"[..], b"b"]);
    let at = t.log.len();
    send_on(&mut t, 0, b"y");
    let d = data_of(&t.log[at..]);
    assert_eq!((d[0].tsn, d[0].ssn.0), (next.sender, 0));
}

#[test]
fn rfc6525_5_2_5_and_5_2_6_add_streams_at_the_peer_s_request() {
    let mut cfg = reconfig_cfg();
    cfg.max_inbound_streams = 12;
    let mut t = connected_with(cfg, true);
    assert_eq!(t.user(|a| a.stream_counts()), (10, 10));
    // The peer adds 2 outgoing streams (our inbound): up to max_inbound_streams.
    let add = |seq, n| {
        reconfig(vec![AddOutgoingStreamsRequest {
            request_seq: seq,
            new_streams: n,
        }
        .into()])
    };
    let out = t.send(vec![add(TSN0, 2)]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::SuccessPerformed)]);
    let out = t.send(vec![add(TSN0 + 1, 1)]);
    assert_eq!(responses(&out), [(TSN0 + 1, ReconfigResult::Denied)]);
    assert_eq!(t.user(|a| a.stream_counts()), (10, 12));
    t.send(vec![data_chunk(TSN0, 11, 0, b"new", true, true)]);
    assert_eq!(t.messages(), [&b"new"[..]]);
    // The peer asks for 3 incoming streams (our outbound): answered, then our own request.
    let out = t.send(vec![reconfig(vec![AddIncomingStreamsRequest {
        request_seq: TSN0 + 2,
        new_streams: 3,
    }
    .into()])]);
    let params = reconfig_params(&out);
    let seq = t.sut_tsn;
    assert!(
        matches!(
            &params[..],
            [Parameter::ReconfigurationResponse(r), Parameter::AddOutgoingStreamsRequest(a)]
                if r.response_seq == TSN0 + 2 && r.result == ReconfigResult::SuccessPerformed
                    && a.request_seq == seq && a.new_streams == 3
        ),
        "{params:?}"
    );
    // Not usable before the peer agreed.
    assert!(t
        .user(|a| a.send(StreamId(12), Bytes::from_static(b"early")))
        .is_err());
    t.send(vec![reconfig(vec![answer(
        seq,
        ReconfigResult::SuccessPerformed,
    )])]);
    assert_eq!(t.user(|a| a.stream_counts()), (13, 12));
    assert!(t.saw(|e| *e
        == Event::StreamsAdded {
            outbound: 13,
            inbound: 12
        }));
    send_on(&mut t, 12, b"late");
}

#[test]
fn rfc6525_5_2_2_data_past_the_last_tsn_waits_for_the_deferred_reset() {
    let mut t = connected();
    t.send(vec![data_chunk(TSN0, 1, 0, b"a", true, true)]);
    t.send(vec![data_chunk(TSN0 + 2, 1, 2, b"c", true, true)]);
    let out = t.send(vec![reconfig(vec![out_reset(TSN0, TSN0 + 2, &[1])])]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::InProgress)]);
    // A peer that does not wait for the answer: SSN 0 again, past the last TSN. It is
    // acknowledged (E2: queued), not taken for an old SSN.
    t.send(vec![data_chunk(TSN0 + 3, 1, 0, b"d", true, true)]);
    // Another stream is not held.
    t.send(vec![data_chunk(TSN0 + 4, 2, 0, b"x", true, true)]);
    let out = t.send(vec![data_chunk(TSN0 + 4, 2, 0, b"x", true, true)]);
    let gaps: Vec<_> = sacks(&out)
        .iter()
        .flat_map(|s| s.gap_blocks.iter().map(|g| (g.start, g.end)))
        .collect();
    assert_eq!(gaps, [(2, 4)], "TSN0+2..TSN0+4 acked");
    assert_eq!(t.messages(), [&b"a"[..], b"x"]);
    let out = t.send(vec![data_chunk(TSN0 + 1, 1, 1, b"b", true, true)]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::SuccessPerformed)]);
    assert_eq!(t.messages(), [&b"b"[..], b"c", b"d"]);
    t.send(vec![data_chunk(TSN0 + 5, 1, 1, b"e", true, true)]);
    assert_eq!(t.messages(), [&b"e"[..]]);
}

#[test]
fn rfc6525_a_shutdown_waits_for_the_messages_a_reset_holds() {
    let mut t = connected();
    let from = t.log.len();
    send_on(&mut t, 0, b"a");
    t.user(|a| a.reset_streams(&[0])).unwrap();
    send_on(&mut t, 0, b"b");
    t.user_shutdown();
    let s = t.sack(1);
    let out = t.send(vec![s]);
    assert!(
        !has(&out, |c| matches!(c, Chunk::Shutdown(_))),
        "SHUTDOWN before the held message: {out:?}"
    );
    let seq = t.sut_tsn;
    t.send(vec![reconfig(vec![answer(
        seq,
        ReconfigResult::SuccessPerformed,
    )])]);
    t.run(Duration::from_millis(10));
    assert_eq!(
        data_since(&t, from),
        [(0, 0, Bytes::from("a")), (0, 0, Bytes::from("b"))]
    );
    let s = t.sack(2);
    let out = t.send(vec![s]);
    assert!(has(&out, |c| matches!(c, Chunk::Shutdown(_))), "{out:?}");
}

#[test]
fn rfc6525_5_1_1_unanswered_request_counts_against_association_max_retrans() {
    let mut cfg = reconfig_cfg();
    cfg.assoc_max_retrans = 2;
    let mut t = connected_with(cfg, true);
    t.user(|a| a.add_streams(1, 1)).unwrap();
    let sent = t.run(Duration::from_secs(60));
    let requests = packets(&sent)
        .iter()
        .filter(|p| !reconfig_params(std::slice::from_ref(p)).is_empty())
        .count();
    assert_eq!(
        requests, 2,
        "two retransmissions, then the association gives up"
    );
    assert!(t.saw(|e| *e == Event::Closed(usctp_proto::CloseReason::CommunicationLost)));
}

/// The same with I-DATA in force (RFC 8260 §2.3: a reset sets the stream's MIDs back to 0):
/// I-DATA past the deferred reset's last TSN carries the MIDs that follow the reset and waits
/// for it, acknowledged, rather than being taken for an old message.
#[test]
fn rfc6525_5_2_2_i_data_past_the_last_tsn_waits_for_the_deferred_reset() {
    let mut cfg = reconfig_cfg();
    cfg.extensions = Extensions::RECONFIG.with(Extensions::I_DATA);
    let offer = SupportedExtensions {
        chunk_types: vec![RE_CONFIG, 0x40].into(),
    };
    let mut t = Tester::connected_offering(cfg, vec![offer.into()]);
    let idata = |tsn: u32, stream: u16, mid: u32, payload: &'static [u8]| {
        Chunk::IData(IData {
            tsn: Tsn(tsn),
            stream: StreamId(stream),
            mid: Mid(mid),
            beginning: true,
            ending: true,
            payload: Bytes::from_static(payload),
            ..IData::default()
        })
    };
    t.send(vec![idata(TSN0, 1, 0, b"a")]);
    t.send(vec![idata(TSN0 + 2, 1, 2, b"c")]);
    let out = t.send(vec![reconfig(vec![out_reset(TSN0, TSN0 + 2, &[1])])]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::InProgress)]);
    // MID 0 again, past the last TSN, and a fragment of another message after it.
    t.send(vec![idata(TSN0 + 3, 1, 0, b"d")]);
    t.send(vec![idata(TSN0 + 4, 2, 0, b"x")]);
    let out = t.send(vec![idata(TSN0 + 4, 2, 0, b"x")]);
    let gaps: Vec<_> = sacks(&out)
        .iter()
        .flat_map(|s| s.gap_blocks.iter().map(|g| (g.start, g.end)))
        .collect();
    assert_eq!(gaps, [(2, 4)], "TSN0+2..TSN0+4 acked");
    assert_eq!(t.messages(), [&b"a"[..], b"x"]);
    let out = t.send(vec![idata(TSN0 + 1, 1, 1, b"b")]);
    assert_eq!(responses(&out), [(TSN0, ReconfigResult::SuccessPerformed)]);
    assert_eq!(t.messages(), [&b"b"[..], b"c", b"d"]);
    t.send(vec![idata(TSN0 + 5, 1, 1, b"e")]);
    assert_eq!(t.messages(), [&b"e"[..]]);
}
