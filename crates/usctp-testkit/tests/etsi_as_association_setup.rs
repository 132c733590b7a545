//! ETSI TS 102 369 group AS (association setup), read against RFC 9260 §5.1, §5.2, §3.3.2,
//! §3.3.3 and §3.2.1. Each test is named after its test purpose; the SUT plays the role the
//! purpose asks for (`Tester::accept` = server, `Tester::connected` = client).
#![allow(clippy::unwrap_used)]

mod common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use common::tester::*;
use common::wire::{PEER, SERVER};
use usctp_proto::{AssocError, CloseReason, Event, State, TransportAddr};
use usctp_wire::cause::ErrorCause;
use usctp_wire::chunk::{Chunk, CookieEcho, ShutdownAck};
use usctp_wire::param::{
    CookiePreservative, HostNameAddress, Parameter, SupportedAddressTypes, UnknownParameter,
};
use usctp_wire::StreamId;

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn unknown(param_type: u16) -> Parameter {
    Parameter::Unknown(UnknownParameter {
        param_type,
        value: bytes::Bytes::from_static(b"abcd"),
    })
}

fn abort_causes(out: &[usctp_wire::Packet]) -> Option<(u32, bool, Vec<ErrorCause>)> {
    out.iter().find_map(|p| match p.chunks.first() {
        Some(Chunk::Abort(a)) => Some((p.header.vtag.0, a.t_bit, a.causes.clone())),
        _ => None,
    })
}

#[test]
fn sctp_as_v_1_1_1_active_association_setup() {
    let mut t = Tester::connected(quiet());
    assert!(t.saw(|e| *e == Event::Connected));
    let from = t.log.len();
    t.user_send(b"hello");
    assert_eq!(data_tsns(&t.log[from..]).len(), 1);
    t.send(vec![t.sack(1)]);
    let from = t.log.len();
    t.user_shutdown();
    assert!(has(&packets(&t.log[from..]), |c| matches!(
        c,
        Chunk::Shutdown(_)
    )));
    let out = t.send(vec![Chunk::ShutdownAck(ShutdownAck)]);
    assert!(matches!(first(&out), Some(Chunk::ShutdownComplete(s)) if !s.t_bit));
    assert!(t.gone() && t.saw(|e| *e == Event::ShutdownComplete));
}

#[test]
fn sctp_as_v_1_1_2_passive_association_setup() {
    let mut t = Tester::accept(quiet());
    assert!(t.saw(|e| *e == Event::Connected));
    let d = t.data(b"ping");
    t.send(vec![d]);
    t.run(secs(1));
    assert_eq!(t.messages(), vec![&b"ping"[..]]);
    assert!(sacks(&packets(&t.log))
        .iter()
        .any(|s| s.cum_tsn_ack.0 == TSN0));
}

#[test]
fn sctp_as_i_1_2_1_init_retransmission() {
    let (mut t, init) = Tester::connect(quiet());
    let out = t.run(Duration::from_millis(1500));
    let again: Vec<_> = out
        .iter()
        .filter_map(|s| match s.packet.chunks.first() {
            Some(Chunk::Init(i)) => Some((s.at, i.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(again.len(), 1, "{out:?}");
    assert_eq!(again[0].0, secs(1), "after RTO.Initial");
    assert_eq!(again[0].1, init, "same INIT, same Initiate Tag");
    // A late INIT ACK still completes the setup.
    let out = t.send(vec![Chunk::InitAck(t.init_ack())]);
    assert!(matches!(first(&out), Some(Chunk::CookieEcho(_))));
    t.send(vec![Chunk::CookieAck(usctp_wire::chunk::CookieAck)]);
    assert_eq!(t.state(), Some(State::Established));
}

#[test]
fn sctp_as_i_1_2_2_cookie_echo_retransmission() {
    let (mut t, _) = Tester::connect(quiet());
    t.send(vec![Chunk::InitAck(t.init_ack())]);
    let out = t.run(Duration::from_millis(1500));
    let echoes: Vec<_> = out
        .iter()
        .filter(|s| matches!(s.packet.chunks.first(), Some(Chunk::CookieEcho(_))))
        .map(|s| s.at)
        .collect();
    assert_eq!(echoes, vec![secs(1)], "COOKIE ECHO resent on T1-cookie");
    t.send(vec![Chunk::CookieAck(usctp_wire::chunk::CookieAck)]);
    assert_eq!(t.state(), Some(State::Established));
}

#[test]
fn sctp_as_i_1_3_1_excessive_init_retransmissions() {
    let (mut t, _) = Tester::connect(quiet());
    let out = t.run(secs(600));
    let times: Vec<_> = out.iter().map(|s| s.at.as_secs()).collect();
    // Max.Init.Retransmits = 8; RTO doubles from 1 s and is capped at RTO.Max = 60 s.
    assert_eq!(times, vec![1, 3, 7, 15, 31, 63, 123, 183], "{out:?}");
    assert!(t.gone());
    assert!(t.saw(|e| *e == Event::Closed(CloseReason::InitFailed)));
}

#[test]
fn sctp_as_i_1_3_2_excessive_cookie_echo_retransmissions() {
    let (mut t, _) = Tester::connect(quiet());
    t.send(vec![Chunk::InitAck(t.init_ack())]);
    let out = t.run(secs(600));
    let echoes = out
        .iter()
        .filter(|s| matches!(s.packet.chunks.first(), Some(Chunk::CookieEcho(_))))
        .count();
    assert_eq!(echoes, 8);
    assert!(t.gone());
    assert!(t.saw(|e| *e == Event::Closed(CloseReason::InitFailed)));
}

/// Every bit of the tags is set in roughly half of them (stt's per-bit statistic).
fn assert_random(tags: &[u32]) {
    let mut sorted = tags.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), tags.len(), "tags repeat");
    let n = tags.len();
    for bit in 0..32 {
        let ones = tags.iter().filter(|t| *t >> bit & 1 == 1).count();
        assert!(
            (n * 2 / 5..=n * 3 / 5).contains(&ones),
            "bit {bit}: {ones}/{n}"
        );
    }
}

#[test]
fn sctp_as_v_1_5_1_random_initiate_tags_in_init() {
    let mut t = Tester::listen(quiet());
    let mut tags = Vec::new();
    for i in 0..1000u32 {
        let remote = TransportAddr::raw(IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i)));
        let now = t.now;
        t.ep.connect(now, &[remote], 9, None).unwrap();
        let out = t.collect();
        let Some(Chunk::Init(init)) = first(&out) else {
            panic!()
        };
        tags.push(init.initiate_tag.0);
    }
    assert_random(&tags);
}

#[test]
fn sctp_as_v_1_5_2_random_initiate_tags_in_init_ack() {
    let mut t = Tester::listen(quiet());
    let tags: Vec<_> = (0..1000)
        .map(|i| {
            // Spaced out: stateless replies to one source are rate-limited.
            t.now += std::time::Duration::from_millis(200);
            let out = t.send_tag(0, vec![init_chunk(TAG + i, 10, 10)]);
            init_ack_of(&out).unwrap().initiate_tag.0
        })
        .collect();
    assert_random(&tags);
}

/// INIT with `params` is answered and the COOKIE ECHO completes the setup.
fn setup_with(params: Vec<Parameter>) -> Tester {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0, vec![init_with(params)]);
    let ack = init_ack_of(&out).expect("INIT ACK");
    t.sut_tag = ack.initiate_tag.0;
    let cookie = ack.state_cookie().unwrap();
    let out = t.send(vec![Chunk::CookieEcho(CookieEcho { cookie })]);
    assert!(matches!(first(&out), Some(Chunk::CookieAck(_))), "{out:?}");
    t.id = t.ep.association_ids().next();
    t
}

#[test]
fn sctp_as_v_1_6_1_init_with_optional_parameters() {
    let t = setup_with(vec![
        CookiePreservative { increment_ms: 1000 }.into(),
        SupportedAddressTypes {
            address_types: vec![5, 6],
        }
        .into(),
        Parameter::from(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1))),
        Parameter::from(PEER),
    ]);
    assert_eq!(t.state(), Some(State::Established));
}

#[test]
fn sctp_as_v_1_6_2_init_ack_with_optional_parameters() {
    let (mut t, _) = Tester::connect(quiet());
    let mut ack = t.init_ack();
    ack.params.push(Parameter::from(IpAddr::V6(Ipv6Addr::new(
        0x2001, 0xdb8, 0, 0, 0, 0, 0, 1,
    ))));
    ack.params.push(Parameter::from(PEER));
    let out = t.send(vec![Chunk::InitAck(ack)]);
    assert!(matches!(first(&out), Some(Chunk::CookieEcho(_))));
    assert_eq!(t.log.last().unwrap().to.dst.ip, PEER);
}

#[test]
fn sctp_as_v_1_7_1_init_mis_below_our_os() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 1)]);
    let ack = init_ack_of(&out).unwrap();
    assert!(
        ack.outbound_streams <= 1,
        "OS {} > peer MIS",
        ack.outbound_streams
    );
    t.sut_tag = ack.initiate_tag.0;
    let cookie = ack.state_cookie().unwrap();
    t.send(vec![Chunk::CookieEcho(CookieEcho { cookie })]);
    t.id = t.ep.association_ids().next();
    let p = bytes::Bytes::from_static(b"x");
    let r = t.user(|a| a.send(StreamId(1), p.clone()));
    assert!(matches!(r, Err(AssocError::Send(_))), "{r:?}");
    assert!(t.user(|a| a.send(StreamId(0), p)).is_ok());
}

#[test]
fn sctp_as_i_1_7_2_init_with_zero_streams() {
    for (os, mis) in [(0, 10), (10, 0)] {
        let mut t = Tester::listen(quiet());
        let out = t.send_tag(0, vec![init_chunk(TAG, os, mis)]);
        assert!(init_ack_of(&out).is_none());
        let (vtag, t_bit, causes) = abort_causes(&out).expect("ABORT");
        assert_eq!((vtag, t_bit), (TAG, false));
        assert!(matches!(
            causes[..],
            [ErrorCause::InvalidMandatoryParameter(_)]
        ));
        assert!(t.gone());
    }
}

#[test]
fn sctp_as_v_1_7_3_init_ack_mis_below_our_os() {
    let (mut t, _) = Tester::connect(quiet());
    let mut ack = t.init_ack();
    ack.inbound_streams = 1;
    t.send(vec![Chunk::InitAck(ack)]);
    t.send(vec![Chunk::CookieAck(usctp_wire::chunk::CookieAck)]);
    let p = bytes::Bytes::from_static(b"x");
    let r = t.user(|a| a.send(StreamId(1), p.clone()));
    assert!(matches!(r, Err(AssocError::Send(_))), "{r:?}");
    assert!(t.user(|a| a.send(StreamId(0), p)).is_ok());
}

/// INIT ACK problems the client must refuse: no COOKIE ECHO, TCB gone, and the ABORT (if any)
/// carries the INIT ACK's tag, or ours reflected with the T bit when that tag is zero.
fn refused_init_ack(ack: usctp_wire::chunk::InitAck) -> Option<Vec<ErrorCause>> {
    let (mut t, _) = Tester::connect(quiet());
    let tag = ack.initiate_tag.0;
    let out = t.send(vec![Chunk::InitAck(ack)]);
    assert!(!has(&out, |c| matches!(c, Chunk::CookieEcho(_))), "{out:?}");
    assert!(t.gone());
    assert!(t.saw(|e| matches!(e, Event::Closed(_))));
    let (vtag, t_bit, causes) = abort_causes(&out)?;
    if tag == 0 {
        assert_eq!((vtag, t_bit), (t.sut_tag, true));
    } else {
        assert_eq!((vtag, t_bit), (tag, false));
    }
    Some(causes)
}

#[test]
fn sctp_as_i_1_7_4_init_ack_with_zero_streams() {
    for (os, mis) in [(0, 10), (10, 0)] {
        let (t, _) = Tester::connect(quiet());
        let mut ack = t.init_ack();
        ack.outbound_streams = os;
        ack.inbound_streams = mis;
        let causes = refused_init_ack(ack).expect("ABORT");
        assert!(matches!(
            causes[..],
            [ErrorCause::InvalidMandatoryParameter(_)]
        ));
    }
}

#[test]
fn sctp_as_v_1_7_5_at_least_two_streams() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0, vec![init_chunk(TAG, 2, 2)]);
    let ack = init_ack_of(&out).unwrap();
    assert!(
        ack.outbound_streams >= 2 && ack.inbound_streams >= 2,
        "{ack:?}"
    );
}

/// The parameter types the INIT ACK reports as unrecognized, in order.
fn reported(params: Vec<Parameter>) -> Vec<u16> {
    let t = setup_with(params.clone());
    assert_eq!(t.state(), Some(State::Established));
    let ack = init_ack_of(&packets(&t.log)).unwrap();
    ack.params
        .iter()
        .filter_map(|p| match p {
            Parameter::UnrecognizedParameter(u) => u.param_type(),
            _ => None,
        })
        .collect()
}

#[test]
fn sctp_as_i_1_8_1_unknown_init_parameters_bits_11() {
    let got = reported(vec![unknown(0xc0aa), unknown(0xc0bb), unknown(0xc0cc)]);
    assert_eq!(got, vec![0xc0aa, 0xc0bb, 0xc0cc]);
}

#[test]
fn sctp_as_i_1_8_2_unknown_init_parameter_bits_00() {
    // RFC 9260 §3.2.1: stop processing parameters at the 00 one, report nothing for it.
    let got = reported(vec![unknown(0xc0aa), unknown(0x00bb), unknown(0xc0cc)]);
    assert_eq!(got, vec![0xc0aa]);
}

#[test]
fn sctp_as_i_1_8_3_unknown_init_parameter_bits_01() {
    let got = reported(vec![unknown(0xc0aa), unknown(0x40cc), unknown(0xc0dd)]);
    assert_eq!(got, vec![0xc0aa, 0x40cc]);
}

#[test]
fn sctp_as_i_1_8_4_unknown_init_parameter_bits_10() {
    let got = reported(vec![unknown(0xc0aa), unknown(0x80bb), unknown(0xc0cc)]);
    assert_eq!(got, vec![0xc0aa, 0xc0cc]);
}

#[test]
fn sctp_as_o_1_9_1_init_in_established_same_addresses() {
    let mut t = Tester::accept(quiet());
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    let ack = init_ack_of(&out).expect("INIT ACK");
    assert_ne!(ack.initiate_tag.0, t.sut_tag, "a new tag (RFC 9260 §5.2.2)");
    assert_eq!(out[0].header.vtag.0, TAG);
    assert_eq!(t.state(), Some(State::Established));
    assert!(t.alive());
}

#[test]
fn sctp_as_o_1_9_2_init_in_established_adding_an_address() {
    let mut t = Tester::accept(quiet());
    let extra = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 77));
    let Chunk::Init(mut init) = init_chunk(TAG, 10, 10) else {
        unreachable!()
    };
    init.params = vec![Parameter::from(PEER), Parameter::from(extra)];
    let out = t.send_tag(0, vec![Chunk::Init(init)]);
    let (vtag, t_bit, causes) = abort_causes(&out).expect("ABORT");
    assert_eq!((vtag, t_bit), (TAG, false));
    let [ErrorCause::RestartWithNewAddresses(r)] = &causes[..] else {
        panic!("{causes:?}")
    };
    assert_eq!(r.addresses, vec![Parameter::from(extra)]);
    assert!(t.alive(), "the existing association is unaffected");
}

#[test]
fn sctp_as_v_1_10_1_init_without_address_parameters() {
    let mut t = Tester::listen(quiet());
    t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    let s = &t.log[0];
    assert_eq!(s.to.dst.ip, PEER, "answered to the INIT's source");
    assert_eq!(
        s.to.src,
        Some(SERVER),
        "from the address the INIT was sent to"
    );
}

#[test]
fn sctp_as_v_1_10_2_init_ack_without_address_parameters() {
    let (mut t, _) = Tester::connect(quiet());
    t.send(vec![Chunk::InitAck(t.init_ack())]);
    let s = t.log.last().unwrap();
    assert!(matches!(
        s.packet.chunks.first(),
        Some(Chunk::CookieEcho(_))
    ));
    assert_eq!(s.to.dst.ip, PEER);
}

#[test]
fn sctp_as_v_1_12_1_init_with_host_name_address() {
    let mut t = Tester::listen(quiet());
    let host = HostNameAddress {
        raw: bytes::Bytes::from_static(b"example.com\0"),
    };
    let out = t.send_tag(0, vec![init_with(vec![host.into()])]);
    assert!(init_ack_of(&out).is_none());
    let (vtag, _, causes) = abort_causes(&out).expect("ABORT");
    assert_eq!(vtag, TAG);
    assert!(matches!(causes[..], [ErrorCause::UnresolvableAddress(_)]));
}

#[test]
fn sctp_as_i_1_12_2_init_ack_with_host_name_address() {
    let (t, _) = Tester::connect(quiet());
    let mut ack = t.init_ack();
    ack.params.push(
        HostNameAddress {
            raw: bytes::Bytes::from_static(b"example.com\0"),
        }
        .into(),
    );
    let causes = refused_init_ack(ack).expect("ABORT");
    assert!(matches!(causes[..], [ErrorCause::UnresolvableAddress(_)]));
}

/// The host name parameter the peer sent, as the Unresolvable Address cause carries it.
fn unresolvable(causes: &[ErrorCause]) -> Parameter {
    let [ErrorCause::UnresolvableAddress(u)] = causes else {
        panic!("{causes:?}")
    };
    u.parse_address().unwrap()
}

#[test]
fn rfc9260_3_3_10_5_unresolvable_address_carries_the_init_s_host_name() {
    let mut t = Tester::listen(quiet());
    let host: Parameter = HostNameAddress {
        raw: bytes::Bytes::from_static(b"example.com\0"),
    }
    .into();
    let out = t.send_tag(0, vec![init_with(vec![host.clone()])]);
    let (_, _, causes) = abort_causes(&out).expect("ABORT");
    assert_eq!(unresolvable(&causes), host);
}

#[test]
fn rfc9260_3_3_10_5_unresolvable_address_carries_the_init_ack_s_host_name() {
    let (t, _) = Tester::connect(quiet());
    let mut ack = t.init_ack();
    let host: Parameter = HostNameAddress {
        raw: bytes::Bytes::from_static(b"peer.example.org\0"),
    }
    .into();
    ack.params.push(host.clone());
    let causes = refused_init_ack(ack).expect("ABORT");
    assert_eq!(unresolvable(&causes), host);
}

#[test]
fn sctp_as_v_1_13_1_init_with_supported_address_types() {
    let t = setup_with(vec![SupportedAddressTypes {
        address_types: vec![5, 6],
    }
    .into()]);
    assert_eq!(t.state(), Some(State::Established));
}

#[test]
fn sctp_as_i_1_13_2_init_listing_only_ipv6_over_ipv4() {
    // nplab / RFC 9260 §5.1.2: the parameter may be ignored; the association is accepted.
    let t = setup_with(vec![SupportedAddressTypes {
        address_types: vec![6],
    }
    .into()]);
    assert_eq!(t.state(), Some(State::Established));
}

#[test]
fn sctp_as_i_1_14_1_init_with_zero_initiate_tag() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0, vec![init_chunk(0, 10, 10)]);
    assert!(
        out.is_empty(),
        "RFC 9260 §3.3.2: silently discarded: {out:?}"
    );
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    assert!(init_ack_of(&out).is_some());
}

#[test]
fn sctp_as_i_1_14_2_init_ack_with_zero_initiate_tag() {
    let (t, _) = Tester::connect(quiet());
    let mut ack = t.init_ack();
    ack.initiate_tag = usctp_wire::VerificationTag(0);
    if let Some(causes) = refused_init_ack(ack) {
        assert!(matches!(
            causes[..],
            [ErrorCause::InvalidMandatoryParameter(_)]
        ));
    }
}
