//! RFC 5061 §4.2.7 (Supported Extensions) and RFC 3758 §3.1 (Forward-TSN-Supported): what the
//! SUT offers in its INIT and INIT ACK, and what is in force after the handshake in either
//! role: what both sides offered, carried by the State Cookie to COOKIE ECHO.
#![allow(clippy::unwrap_used)]

mod common;

use common::tester::*;
use common::tshark;
use usctp_pcap::PcapReader;
use usctp_proto::{AssociationConfig, Extensions};
use usctp_wire::chunk::{Chunk, CookieEcho, Init, InitAck};
use usctp_wire::param::{ForwardTsnSupported, Parameter, SupportedExtensions};
use usctp_wire::{Packet, ParseOptions};

const FORWARD_TSN: u8 = 0xc0;
const RE_CONFIG: u8 = 0x82;

/// Both extensions this version knows (on by default).
fn all() -> Extensions {
    Extensions::PR_SCTP.with(Extensions::RECONFIG)
}

fn with(extensions: Extensions) -> AssociationConfig {
    let mut c = quiet();
    c.extensions = extensions;
    c
}

/// The SUT with both extensions on.
fn on() -> AssociationConfig {
    with(all())
}

fn listed(types: &[u8]) -> Parameter {
    SupportedExtensions {
        chunk_types: types.to_vec().into(),
    }
    .into()
}

/// The extension parameters among `params`, in order.
fn offer(params: &[Parameter]) -> Vec<Parameter> {
    params
        .iter()
        .filter(|p| {
            matches!(
                p,
                Parameter::SupportedExtensions(_) | Parameter::ForwardTsnSupported(_)
            )
        })
        .cloned()
        .collect()
}

/// usrsctp offers PR-SCTP both ways: Forward-TSN-Supported, and the chunk types listed.
fn full_offer() -> Vec<Parameter> {
    vec![
        ForwardTsnSupported.into(),
        listed(&[FORWARD_TSN, RE_CONFIG]),
    ]
}

/// The tester's INIT with `params`; the SUT's INIT ACK.
fn init_ack_for(t: &mut Tester, params: Vec<Parameter>) -> usctp_wire::chunk::InitAck {
    let out = t.send_tag(0, vec![init_with(params)]);
    init_ack_of(&out).expect("INIT ACK")
}

/// The SUT (server) once the tester's INIT offered `params` and its cookie came back: the
/// extensions in force.
fn accepted(cfg: AssociationConfig, params: Vec<Parameter>) -> Extensions {
    let mut t = Tester::listen(cfg);
    let ack = init_ack_for(&mut t, params);
    t.sut_tag = ack.initiate_tag.0;
    let cookie = ack.state_cookie().unwrap();
    let out = t.send(vec![Chunk::CookieEcho(CookieEcho { cookie })]);
    assert!(has(&out, |c| matches!(c, Chunk::CookieAck(_))), "{out:?}");
    t.id = t.ep.association_ids().next();
    let a = t.ep.association(t.id.unwrap()).unwrap();
    assert_eq!(a.stats().extensions, a.extensions());
    a.extensions()
}

/// The SUT (client) once the tester's INIT ACK offered `params`: the extensions in force.
fn connected(cfg: AssociationConfig, params: Vec<Parameter>) -> Extensions {
    let (mut t, _) = Tester::connect(cfg);
    let mut ack = t.init_ack();
    ack.params.extend(params);
    let out = t.send(vec![Chunk::InitAck(ack)]);
    assert!(matches!(first(&out), Some(Chunk::CookieEcho(_))), "{out:?}");
    t.send(vec![Chunk::CookieAck(usctp_wire::chunk::CookieAck)]);
    t.ep.association(t.id.unwrap()).unwrap().extensions()
}

#[test]
fn rfc5061_4_2_7_init_and_init_ack_offer_pr_sctp_and_reconfig_when_enabled() {
    let (_, init) = Tester::connect(on());
    assert_eq!(offer(&init.params), full_offer());
    let mut t = Tester::listen(on());
    let ack = init_ack_for(&mut t, vec![]);
    assert_eq!(offer(&ack.params), full_offer());
}

#[test]
fn rfc5061_4_2_7_pr_sctp_and_reconfig_are_offered_by_default() {
    // As Linux and usrsctp do; each is in force only when the peer offers it too.
    let (_, init) = Tester::connect(quiet());
    assert_eq!(offer(&init.params), full_offer());
    let mut t = Tester::listen(quiet());
    let ack = init_ack_for(&mut t, vec![]);
    assert_eq!(offer(&ack.params), full_offer());
    assert_eq!(accepted(quiet(), full_offer()), all());
    assert_eq!(accepted(quiet(), vec![]), Extensions::NONE);
}

#[test]
fn rfc5061_4_2_7_switched_off_extensions_are_not_offered() {
    let (_, init) = Tester::connect(with(Extensions::NONE));
    assert_eq!(offer(&init.params), []);
    let mut t = Tester::listen(with(Extensions::RECONFIG));
    let ack = init_ack_for(&mut t, vec![]);
    assert_eq!(offer(&ack.params), [listed(&[RE_CONFIG])]);
}

#[test]
fn rfc5061_4_2_7_server_keeps_what_both_offered_through_the_cookie() {
    let all = all();
    assert_eq!(accepted(on(), full_offer()), all);
    assert_eq!(accepted(on(), vec![]), Extensions::NONE);
    assert_eq!(
        accepted(on(), vec![listed(&[RE_CONFIG, 0x40])]),
        Extensions::RECONFIG
    );
    // We switched PR-SCTP off: the peer's offer of it does not count.
    assert_eq!(
        accepted(with(Extensions::RECONFIG), full_offer()),
        Extensions::RECONFIG
    );
}

#[test]
fn rfc5061_4_2_7_client_learns_what_both_offered_from_the_init_ack() {
    assert_eq!(connected(on(), full_offer()), all());
    assert_eq!(connected(on(), vec![]), Extensions::NONE);
    assert_eq!(
        connected(on(), vec![listed(&[RE_CONFIG])]),
        Extensions::RECONFIG
    );
    assert_eq!(
        connected(with(Extensions::NONE), full_offer()),
        Extensions::NONE
    );
}

#[test]
fn rfc3758_3_1_forward_tsn_supported_alone_negotiates_pr_sctp() {
    let fwd = || vec![Parameter::from(ForwardTsnSupported)];
    assert_eq!(accepted(on(), fwd()), Extensions::PR_SCTP);
    assert_eq!(connected(on(), fwd()), Extensions::PR_SCTP);
    // FORWARD TSN in Supported Extensions also says PR-SCTP (as Linux reads it).
    assert_eq!(
        accepted(on(), vec![listed(&[FORWARD_TSN])]),
        Extensions::PR_SCTP
    );
}

#[test]
fn rfc3758_3_3_1_forward_tsn_supported_is_reported_when_pr_sctp_is_off() {
    let mut t = Tester::listen(with(Extensions::RECONFIG));
    let ack = init_ack_for(&mut t, full_offer());
    let reported = unrecognized(&ack);
    // 0xC000: skip and report (RFC 9260 §3.2.1); Supported Extensions is understood.
    assert_eq!(reported, [vec![0xc0, 0, 0, 4]]);
}

#[test]
fn rfc5061_4_2_7_init_with_the_offer_dissects_cleanly() {
    if !tshark::available() {
        return;
    }
    let (t, _) = Tester::connect(on());
    let init = &t.log[0].packet;
    let fields = [
        "sctp.chunk_type",
        "sctp.parameter_type",
        "sctp.supported_chunk_type",
    ];
    let text = tshark::fields(&init.to_vec(), "init-offer", &fields);
    let f = tshark::assert_clean(&text);
    let f: Vec<_> = f.iter().map(|f| tshark::numbers(f)).collect();
    // INIT: Forward-TSN-Supported, Supported Extensions listing FORWARD TSN and RE-CONFIG.
    assert_eq!(
        f,
        [vec![1], vec![0xc000, 0x8008], vec![0xc0, 0x82]],
        "{text}"
    );
}

/// usrsctp's INIT and INIT ACK from a capture (usctp-wire/testdata/usrsctp-echo.pcap).
fn usrsctp_setup_chunks() -> (Init, InitAck) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../usctp-wire/testdata/usrsctp-echo.pcap"
    );
    let reader = PcapReader::new(bytes::Bytes::from(std::fs::read(path).unwrap())).unwrap();
    let opts = usctp_pcap::ExtractOptions {
        udp_ports: vec![9899, 9900],
    };
    let (mut init, mut ack) = (None, None);
    for f in reader.sctp_packets_with(opts) {
        let p = Packet::parse(&f.unwrap().sctp, ParseOptions::default()).unwrap();
        match p.chunks.first() {
            Some(Chunk::Init(i)) => init = init.or(Some(i.clone())),
            Some(Chunk::InitAck(a)) => ack = ack.or(Some(a.clone())),
            _ => {}
        }
    }
    (init.unwrap(), ack.unwrap())
}

#[test]
fn rfc5061_4_2_7_usrsctp_offers_from_a_capture_negotiate_both_extensions() {
    let (init, ack) = usrsctp_setup_chunks();
    // usrsctp's INIT also offers ECN and AUTH (0x8000, 0x8002-0x8004: skip, no report).
    let mut t = Tester::listen(on());
    let reply = init_ack_for(&mut t, init.params.clone());
    assert_eq!(unrecognized(&reply), Vec::<Vec<u8>>::new());
    assert_eq!(accepted(on(), init.params), all());
    // Its INIT ACK (minus its cookie, the tester's is used) as the client sees it.
    let params: Vec<_> = ack
        .params
        .into_iter()
        .filter(|p| !matches!(p, Parameter::StateCookie(_)))
        .collect();
    assert_eq!(connected(on(), params), all());
}
