//! RFC 5061 §4.2.6: the Adaptation Layer Indication. The SUT's INIT and INIT ACK carry the
//! configured one; the peer's, from its INIT ACK or from its INIT (kept in the State Cookie
//! until the COOKIE ECHO), reaches the application as `Event::AdaptationIndication`, and is
//! not reported as an unrecognized parameter.
#![allow(clippy::unwrap_used)]

mod common;

use common::tester::*;
use usctp_proto::{AssociationConfig, Event};
use usctp_wire::chunk::{Chunk, CookieEcho};
use usctp_wire::param::{AdaptationLayerIndication, Parameter};

fn with_indication(x: u32) -> AssociationConfig {
    let mut c = quiet();
    c.adaptation_indication = Some(x);
    c
}

fn indication(params: &[Parameter]) -> Option<u32> {
    params.iter().find_map(|p| match p {
        Parameter::AdaptationLayerIndication(a) => Some(a.indication),
        _ => None,
    })
}

#[test]
fn rfc5061_4_2_6_server_side_through_the_cookie() {
    let mut t = Tester::listen(with_indication(7));
    let ali = AdaptationLayerIndication { indication: 9 }.into();
    let out = t.send_tag(0, vec![init_with(vec![ali])]);
    let ack = init_ack_of(&out).unwrap();
    assert_eq!(indication(&ack.params), Some(7));
    assert!(unrecognized(&ack).is_empty(), "reported: {ack:?}");
    t.sut_tag = ack.initiate_tag.0;
    let cookie = ack.state_cookie().unwrap();
    t.send(vec![Chunk::CookieEcho(CookieEcho { cookie })]);
    assert!(
        t.events.contains(&Event::AdaptationIndication(9)),
        "{:?}",
        t.events
    );
}

#[test]
fn rfc5061_4_2_6_client_side_from_the_init_ack() {
    let (mut t, init) = Tester::connect(with_indication(0xabcd));
    assert_eq!(indication(&init.params), Some(0xabcd));
    let mut ack = t.init_ack();
    ack.params
        .push(AdaptationLayerIndication { indication: 5 }.into());
    let out = t.send(vec![Chunk::InitAck(ack)]);
    assert!(matches!(first(&out), Some(Chunk::CookieEcho(_))), "{out:?}");
    assert!(
        !has(&out, |c| matches!(c, Chunk::Error(_))),
        "reported: {out:?}"
    );
    assert!(
        t.events.contains(&Event::AdaptationIndication(5)),
        "{:?}",
        t.events
    );
    // None configured: none sent.
    let (_, init) = Tester::connect(quiet());
    assert_eq!(indication(&init.params), None);
}
