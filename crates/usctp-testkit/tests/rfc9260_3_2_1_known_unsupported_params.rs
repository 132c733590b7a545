//! RFC 9260 §3.2.1: a parameter the codec knows but the SUT does not support (AUTH's RANDOM,
//! an ASCONF parameter outside an ASCONF, ECN Capable, Zero Checksum Acceptable, ...) is handled by its
//! upper two type bits exactly like an unknown one: in an INIT, reported in the INIT ACK's
//! Unrecognized Parameters; in an INIT ACK, reported in an ERROR bundled with the COOKIE
//! ECHO. Parameters the SUT acts on are never reported.
#![allow(clippy::unwrap_used)]

mod common;

use bytes::Bytes;
use common::tester::*;
use usctp_wire::cause::ErrorCause;
use usctp_wire::chunk::Chunk;
use usctp_wire::param::{
    AddIpAddress, CookiePreservative, EcnCapable, ForwardTsnSupported, HeartbeatInfo, Parameter,
    Random, SupportedAddressTypes, SupportedExtensions, ZeroChecksumAcceptable,
};

/// Known to the codec, not supported: types 0x8000-0x8002 say skip (bits 10), 0xC006 skip
/// and report (bits 11).
fn unsupported() -> Vec<Parameter> {
    vec![
        EcnCapable.into(),
        ZeroChecksumAcceptable { edmid: 1 }.into(),
        Random {
            random: Bytes::from_static(&[7; 32]),
        }
        .into(),
        add_ip(0x1234),
    ]
}

/// An ASCONF parameter (type 0xC001, bits 11), which has no place in an INIT or INIT ACK.
fn add_ip(correlation_id: u32) -> Parameter {
    AddIpAddress {
        correlation_id,
        address: std::net::IpAddr::from([192, 0, 2, 1]),
    }
    .into()
}

/// Supported: never reported.
fn supported() -> Vec<Parameter> {
    vec![
        Parameter::from(std::net::IpAddr::from([10, 9, 9, 9])),
        CookiePreservative { increment_ms: 1000 }.into(),
        SupportedAddressTypes {
            address_types: vec![5],
        }
        .into(),
        SupportedExtensions {
            chunk_types: vec![0xc0].into(),
        }
        .into(),
        ForwardTsnSupported.into(),
    ]
}

/// Both lists interleaved.
fn mixed() -> Vec<Parameter> {
    let mut v = Vec::new();
    for (a, b) in unsupported().into_iter().zip(supported()) {
        v.push(b);
        v.push(a);
    }
    v
}

fn wire(params: &[Parameter]) -> Vec<Vec<u8>> {
    params.iter().map(Parameter::to_vec).collect()
}

/// What must be reported of `unsupported()`: the Add IP Address parameter alone.
fn to_report() -> Vec<Vec<u8>> {
    wire(&[add_ip(0x1234)])
}

#[test]
fn rfc9260_3_2_1_init_known_but_unsupported_params_reported_in_init_ack() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0, vec![init_with(mixed())]);
    let ack = init_ack_of(&out).expect("INIT ACK");
    let reported = unrecognized(&ack);
    assert_eq!(reported, to_report());
}

#[test]
fn rfc9260_3_2_1_init_ack_known_but_unsupported_params_reported_with_cookie_echo() {
    let (mut t, _) = Tester::connect(quiet());
    let mut ack = t.init_ack();
    ack.params.extend(mixed());
    let out = t.send(vec![Chunk::InitAck(ack)]);
    let [p] = &out[..] else {
        panic!("one packet: {out:?}")
    };
    let [Chunk::CookieEcho(_), Chunk::Error(e)] = &p.chunks[..] else {
        panic!("COOKIE ECHO + ERROR: {p:?}")
    };
    let [ErrorCause::UnrecognizedParameters(u)] = &e.causes[..] else {
        panic!("{e:?}")
    };
    assert_eq!(u.parameters.to_vec(), to_report().concat());
}

#[test]
fn rfc9260_3_2_1_known_unsupported_param_with_stop_bits_ends_the_scan() {
    // Heartbeat Info (type 1, bits 00) has no place in an INIT: processing of the INIT's
    // parameters stops there, unreported; what follows it is not looked at.
    let mut t = Tester::listen(quiet());
    let hb = Parameter::from(HeartbeatInfo {
        info: Bytes::from_static(b"x"),
    });
    let params = vec![add_ip(1), hb, add_ip(2), ForwardTsnSupported.into()];
    let out = t.send_tag(0, vec![init_with(params)]);
    let ack = init_ack_of(&out).expect("INIT ACK");
    let reported = unrecognized(&ack);
    assert_eq!(reported, wire(&[add_ip(1)]));
    // The offer after the stop is not taken either.
    let cookie = ack.state_cookie().unwrap();
    t.sut_tag = ack.initiate_tag.0;
    t.send(vec![Chunk::CookieEcho(usctp_wire::chunk::CookieEcho {
        cookie,
    })]);
    let id = t.ep.association_ids().next().unwrap();
    let a = t.ep.association(id).unwrap();
    assert_eq!(a.extensions(), usctp_proto::Extensions::NONE);
}
