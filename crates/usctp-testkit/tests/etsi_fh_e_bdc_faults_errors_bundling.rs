//! ETSI TS 102 369 groups FH (fault handling), E (errors) and BDC (bundling of DATA with
//! control chunks), read against RFC 9260 §5.2.6, §6.5, §6.10, §8.1, §8.3 and §8.4.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use common::tester::*;
use common::wire::packet;
use usctp_proto::{CloseReason, Event, State};
use usctp_wire::cause::{ErrorCause, StaleCookie, UnrecognizedParameters};
use usctp_wire::chunk::{
    Abort, Chunk, CookieAck, CookieEcho, OperationError, Shutdown, ShutdownAck, ShutdownComplete,
};
use usctp_wire::param::{Parameter, UnknownParameter};
use usctp_wire::Tsn;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn ootb_reply(chunk: Chunk) -> Vec<usctp_wire::Packet> {
    let mut t = Tester::listen(quiet());
    t.send_tag(0x4242, vec![chunk])
}

// ---- FH ----

#[test]
fn sctp_fh_i_5_1_1_excessive_data_retransmissions() {
    let mut t = Tester::accept(quiet());
    t.user_send(b"never acked");
    t.run(Duration::from_secs(3600));
    assert_eq!(data_tsns(&t.log).len(), 11, "1 + Association.Max.Retrans");
    assert!(t.gone());
    assert!(t.saw(|e| *e == Event::Closed(CloseReason::CommunicationLost)));
    t.assert_ootb_abort();
}

#[test]
fn sctp_fh_i_5_1_2_error_counter_reset_by_sack() {
    let mut t = Tester::accept(quiet());
    t.user_send(b"first");
    t.run(ms(7500)); // sent at 0, retransmitted at 1, 3 and 7 s
    assert_eq!(data_tsns(&t.log).len(), 4);
    t.send(vec![t.sack(1)]);
    let from = t.log.len();
    t.user_send(b"second");
    t.run(Duration::from_secs(3600));
    assert_eq!(
        data_tsns(&t.log[from..]).len(),
        11,
        "the full 10 retransmissions again"
    );
    assert!(t.gone());
}

#[test]
fn sctp_fh_v_5_2_heartbeat_in_established() {
    let mut t = Tester::accept(quiet());
    let out = t.send(vec![heartbeat(b"\x01\x02opaque info")]);
    let [p] = &out[..] else { panic!("{out:?}") };
    assert_eq!(p.header.vtag.0, TAG);
    assert!(
        matches!(&p.chunks[..], [Chunk::HeartbeatAck(h)] if &h.info[..] == b"\x01\x02opaque info")
    );
}

#[test]
fn sctp_fh_o_5_3_1_ootb_data() {
    let out = ootb_reply(data_chunk(1, 0, 0, b"x", true, true));
    let [p] = &out[..] else { panic!("{out:?}") };
    assert!(matches!(p.chunks[..], [Chunk::Abort(ref a)] if a.t_bit));
    assert_eq!(p.header.vtag.0, 0x4242);
}

#[test]
fn sctp_fh_o_5_3_2_ootb_abort() {
    for t_bit in [false, true] {
        let out = ootb_reply(Chunk::Abort(Abort {
            t_bit,
            causes: vec![],
        }));
        assert!(out.is_empty());
    }
}

#[test]
fn sctp_fh_o_5_3_3_ootb_shutdown_ack() {
    let out = ootb_reply(Chunk::ShutdownAck(ShutdownAck));
    let [p] = &out[..] else { panic!("{out:?}") };
    assert!(matches!(
        p.chunks[..],
        [Chunk::ShutdownComplete(ShutdownComplete { t_bit: true })]
    ));
    assert_eq!(p.header.vtag.0, 0x4242);
}

#[test]
fn sctp_fh_o_5_3_4_ootb_shutdown_complete() {
    for t_bit in [false, true] {
        assert!(ootb_reply(Chunk::ShutdownComplete(ShutdownComplete { t_bit })).is_empty());
    }
}

#[test]
fn sctp_fh_o_5_3_5_cookie_echo_from_non_unicast_source() {
    for src in [
        IpAddr::V4(Ipv4Addr::BROADCAST),
        IpAddr::V4(Ipv4Addr::new(224, 0, 0, 1)),
    ] {
        let mut t = Tester::listen(quiet());
        let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
        let ack = init_ack_of(&out).unwrap();
        let echo = Chunk::CookieEcho(CookieEcho {
            cookie: ack.state_cookie().unwrap(),
        });
        let out = t.send_bytes(src, packet(ack.initiate_tag.0, vec![echo]));
        assert!(out.is_empty() && t.gone(), "{src}");
    }
}

// ---- E ----

#[test]
fn sctp_e_o_6_1_stale_cookie_error_in_cookie_echoed() {
    let (mut t, _) = Tester::connect(quiet());
    t.send(vec![Chunk::InitAck(t.init_ack())]);
    let err = OperationError {
        causes: vec![StaleCookie {
            staleness_us: 20_000,
        }
        .into()],
    };
    let out = t.send(vec![Chunk::Error(err)]);
    let Some(Chunk::Init(init)) = first(&out) else {
        panic!("a new INIT: {out:?}")
    };
    assert!(init
        .params
        .iter()
        .any(|p| matches!(p, Parameter::CookiePreservative(c) if c.increment_ms >= 20)));
    assert_eq!(t.state(), Some(State::CookieWait));
}

#[test]
fn sctp_e_o_6_2_stale_cookie_error_in_established() {
    let mut t = Tester::accept(quiet());
    let err = OperationError {
        causes: vec![StaleCookie { staleness_us: 1 }.into()],
    };
    let out = t.send(vec![Chunk::Error(err)]);
    assert!(out.is_empty());
    assert_eq!(t.state(), Some(State::Established));
    let from = t.log.len();
    t.user_send(b"still flowing");
    assert_eq!(data_tsns(&t.log[from..]).len(), 1);
}

#[test]
fn sctp_e_i_6_3_data_on_a_non_existent_stream() {
    let mut t = Tester::accept(quiet());
    // The SUT accepts min(its MIS, our OS = 10) inbound streams.
    let out = t.send(vec![data_chunk(TSN0, 10, 0, b"nowhere", true, true)]);
    t.run(ms(500));
    let log = packets(&t.log);
    let err = log.iter().flat_map(|p| &p.chunks).find_map(|c| match c {
        Chunk::Error(e) => Some(e.causes.clone()),
        _ => None,
    });
    assert!(
        matches!(err.as_deref(), Some([ErrorCause::InvalidStreamIdentifier(s)]) if s.stream.0 == 10),
        "{out:?}"
    );
    assert!(
        sacks(&log).iter().any(|s| s.cum_tsn_ack.0 == TSN0),
        "TSN acked"
    );
    assert!(t.messages().is_empty());
}

#[test]
fn sctp_e_i_6_4_init_ack_without_state_cookie() {
    let (mut t, _) = Tester::connect(quiet());
    let mut ack = t.init_ack();
    ack.params.clear();
    let out = t.send(vec![Chunk::InitAck(ack)]);
    let [p] = &out[..] else { panic!("{out:?}") };
    assert_eq!(p.header.vtag.0, TAG);
    let [Chunk::Abort(a)] = &p.chunks[..] else {
        panic!("{p:?}")
    };
    assert!(
        matches!(&a.causes[..], [ErrorCause::MissingMandatoryParameter(m)] if m.missing == [7])
    );
    assert!(t.gone());
}

#[test]
fn sctp_e_i_6_5_init_ack_with_unknown_parameter_bits_11() {
    let (mut t, _) = Tester::connect(quiet());
    let mut ack = t.init_ack();
    let odd = Parameter::Unknown(UnknownParameter {
        param_type: 0xc0de,
        value: bytes::Bytes::from_static(b"odd"),
    });
    ack.params.push(odd.clone());
    let out = t.send(vec![Chunk::InitAck(ack)]);
    let [p] = &out[..] else { panic!("{out:?}") };
    let [Chunk::CookieEcho(_), Chunk::Error(e)] = &p.chunks[..] else {
        panic!("COOKIE ECHO bundled with ERROR: {p:?}")
    };
    let [ErrorCause::UnrecognizedParameters(u)] = &e.causes[..] else {
        panic!("{e:?}")
    };
    assert_eq!(u.parse_parameters().unwrap(), vec![odd]);
    t.send(vec![Chunk::CookieAck(CookieAck)]);
    assert_eq!(t.state(), Some(State::Established));
}

#[test]
fn sctp_e_i_6_6_cookie_echo_bundled_with_unrecognized_parameters_error() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    let ack = init_ack_of(&out).unwrap();
    t.sut_tag = ack.initiate_tag.0;
    let echo = Chunk::CookieEcho(CookieEcho {
        cookie: ack.state_cookie().unwrap(),
    });
    let err = Chunk::Error(OperationError {
        causes: vec![UnrecognizedParameters {
            parameters: bytes::Bytes::from_static(&[0xc0, 0x00, 0x00, 0x04]),
        }
        .into()],
    });
    let out = t.send(vec![echo, err]);
    assert!(matches!(first(&out), Some(Chunk::CookieAck(_))));
    t.id = t.ep.association_ids().next();
    assert_eq!(t.state(), Some(State::Established));
}

// ---- BDC ----

#[test]
fn sctp_bdc_i_7_1_init_bundled_with_data() {
    let mut t = Tester::listen(quiet());
    let d = data_chunk(TSN0, 0, 0, b"x", true, true);
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10), d]);
    assert!(out.is_empty());
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    assert!(init_ack_of(&out).is_some());
}

#[test]
fn sctp_bdc_i_7_2_init_ack_bundled_with_data() {
    let (mut t, _) = Tester::connect(quiet());
    let d = data_chunk(TSN0, 0, 0, b"x", true, true);
    let out = t.send(vec![Chunk::InitAck(t.init_ack()), d]);
    assert!(out.is_empty(), "discarded: {out:?}");
    let out = t.run(ms(1100));
    assert!(matches!(out[0].packet.chunks[0], Chunk::Init(_)));
}

#[test]
fn sctp_bdc_i_7_3_shutdown_complete_bundled_with_data() {
    let mut t = Tester::accept(quiet());
    t.send(vec![Chunk::Shutdown(Shutdown {
        cum_tsn_ack: Tsn(TSN0 - 1),
    })]);
    let d = t.data(b"x");
    let sc = Chunk::ShutdownComplete(ShutdownComplete { t_bit: false });
    t.send(vec![sc, d]);
    assert_eq!(t.state(), Some(State::ShutdownAckSent));
    let out = t.run(ms(1100));
    assert!(has(&packets(&out), |c| matches!(c, Chunk::ShutdownAck(_))));
}

#[test]
fn sctp_bdc_v_7_4_cookie_echo_bundled_with_data() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    let ack = init_ack_of(&out).unwrap();
    t.sut_tag = ack.initiate_tag.0;
    let echo = Chunk::CookieEcho(CookieEcho {
        cookie: ack.state_cookie().unwrap(),
    });
    let d = t.data(b"early");
    let out = t.send(vec![echo, d]);
    assert!(matches!(first(&out), Some(Chunk::CookieAck(_))));
    t.id = t.ep.association_ids().next();
    t.run(ms(500));
    assert!(sacks(&packets(&t.log))
        .iter()
        .any(|s| s.cum_tsn_ack.0 == TSN0));
    assert_eq!(t.messages(), vec![&b"early"[..]]);
}

#[test]
fn sctp_bdc_v_7_5_cookie_ack_bundled_with_data() {
    let (mut t, _) = Tester::connect(quiet());
    t.send(vec![Chunk::InitAck(t.init_ack())]);
    let d = t.data(b"with cookie ack");
    t.send(vec![Chunk::CookieAck(CookieAck), d]);
    assert_eq!(t.state(), Some(State::Established));
    t.run(ms(500));
    assert!(sacks(&packets(&t.log))
        .iter()
        .any(|s| s.cum_tsn_ack.0 == TSN0));
    assert_eq!(t.messages(), vec![&b"with cookie ack"[..]]);
}

#[test]
fn sctp_bdc_v_7_6_sack_bundled_with_shutdown() {
    let mut t = Tester::accept(quiet());
    t.user_send(b"x");
    let shutdown = Chunk::Shutdown(Shutdown {
        cum_tsn_ack: Tsn(TSN0 - 1),
    });
    let out = t.send(vec![t.sack(1), shutdown]);
    assert!(has(&out, |c| matches!(c, Chunk::ShutdownAck(_))), "{out:?}");
}

#[test]
fn sctp_bdc_v_7_7_sack_bundled_with_data() {
    let mut t = Tester::accept(quiet());
    t.user_send(b"x");
    let d = t.data(b"y");
    t.send(vec![t.sack(1), d]);
    assert_eq!(
        t.ep.association(t.id.unwrap())
            .unwrap()
            .stats()
            .outstanding_bytes,
        0
    );
    t.run(ms(500));
    assert!(sacks(&packets(&t.log))
        .iter()
        .any(|s| s.cum_tsn_ack.0 == TSN0));
    assert_eq!(t.messages(), vec![&b"y"[..]]);
    assert_eq!(data_tsns(&t.log).len(), 1, "no retransmission");
}

#[test]
fn sctp_bdc_v_7_8_shutdown_ack_bundled_with_data() {
    let mut t = Tester::accept(quiet());
    t.user_shutdown();
    let d = t.data(b"ignored");
    let out = t.send(vec![Chunk::ShutdownAck(ShutdownAck), d]);
    assert!(matches!(first(&out), Some(Chunk::ShutdownComplete(_))));
    assert!(t.gone());
}
