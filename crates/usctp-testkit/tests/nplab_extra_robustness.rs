//! The non-ETSI packet-level checks of nplab/sctp-tests (RFC 4460 errata checks, bundling
//! amplification, misc), read against RFC 9260.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::{IpAddr, Ipv4Addr};

use bytes::Bytes;
use common::tester::*;
use common::wire::PEER;
use usctp_proto::State;
use usctp_wire::chunk::{Chunk, CookieEcho, Pad, ShutdownAck, UnknownChunk};
use usctp_wire::param::{Parameter, SetPrimaryAddress};

#[test]
fn bundling_ten_heartbeats_get_one_packet() {
    let mut t = Tester::accept(quiet());
    let out = t.send((0..10).map(|_| heartbeat(b"hb")).collect());
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(count(&out, |c| matches!(c, Chunk::HeartbeatAck(_))), 10);
}

#[test]
fn bundling_ten_unknown_chunks_get_one_error() {
    let mut t = Tester::accept(quiet());
    let u = Chunk::Unknown(UnknownChunk {
        chunk_type: 0xf7,
        flags: 0,
        value: Bytes::from_static(b"x"),
    });
    let out = t.send(vec![u; 10]);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(count(&out, |c| matches!(c, Chunk::Error(_))), 1);
}

#[test]
fn bundling_ten_ootb_shutdown_acks_get_one_shutdown_complete() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(5, vec![Chunk::ShutdownAck(ShutdownAck); 10]);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].chunks.len(), 1);
}

#[test]
fn rfc4460_2_3_parameter_of_odd_length() {
    // An INIT whose last parameter has an odd length, with the final padding left out of the
    // chunk length (01) and counted in it (02).
    for padded in [false, true] {
        let mut init = chunk_bytes(&init_chunk(TAG, 10, 10));
        init.extend_from_slice(&[0x80, 0x77, 0x00, 0x05, 0xaa, 0, 0, 0]);
        let len = if padded { init.len() } else { init.len() - 3 };
        init[2..4].copy_from_slice(&u16::try_from(len).unwrap().to_be_bytes());
        let mut t = Tester::listen(quiet());
        let out = t.send_bytes(PEER, raw_packet(0, &init));
        assert!(init_ack_of(&out).is_some(), "padded={padded}");
    }
}

#[test]
fn rfc4460_2_5_init_ack_os_at_most_peer_mis() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 3)]);
    assert!(init_ack_of(&out).unwrap().outbound_streams <= 3);
}

#[test]
fn rfc4460_2_11_init_bundled_with_pad_or_nonzero_tag_is_dropped() {
    let pad = Chunk::Pad(Pad {
        padding: Bytes::from_static(&[0; 8]),
    });
    let init = init_chunk(TAG, 10, 10);
    let mut t = Tester::listen(quiet());
    assert!(t.send_tag(0, vec![init.clone(), pad.clone()]).is_empty());
    assert!(t.send_tag(0, vec![pad, init.clone()]).is_empty());
    assert!(t.send_tag(0x1234, vec![init]).is_empty());
}

#[test]
fn rfc4460_2_40_init_from_port_zero_is_dropped() {
    let mut t = Tester::listen(quiet());
    let mut b = raw_packet(0, &chunk_bytes(&init_chunk(TAG, 10, 10))).to_vec();
    b[0..2].fill(0);
    usctp_wire::crc::write_checksum(&mut b);
    assert!(t.send_bytes(PEER, Bytes::from(b)).is_empty());
}

#[test]
fn rfc4460_2_41_01_init_to_a_non_accepting_endpoint() {
    let mut t = Tester::listen(quiet());
    t.ep.set_accepting(false);
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    let [p] = &out[..] else { panic!("{out:?}") };
    assert!(matches!(p.chunks[..], [Chunk::Abort(ref a)] if !a.t_bit));
    assert_eq!(p.header.vtag.0, TAG, "the INIT's Initiate Tag");
}

#[test]
fn rfc4460_2_41_06_07_ootb_replies_reflect_the_tag() {
    for c in [Chunk::ShutdownAck(ShutdownAck), heartbeat(b"x")] {
        let mut t = Tester::listen(quiet());
        let out = t.send_tag(0xfeed, vec![c]);
        assert_eq!(out[0].header.vtag.0, 0xfeed);
    }
}

#[test]
fn misc_init_with_set_primary_address_is_answered() {
    let mut t = Tester::listen(quiet());
    let sp = SetPrimaryAddress {
        correlation_id: 1,
        address: PEER,
    };
    let out = t.send_tag(0, vec![init_with(vec![Parameter::SetPrimaryAddress(sp)])]);
    assert!(init_ack_of(&out).is_some());
}

#[test]
fn misc_cookie_echo_from_another_address_is_accepted() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0, vec![init_chunk(TAG, 10, 10)]);
    let ack = init_ack_of(&out).unwrap();
    let echo = Chunk::CookieEcho(CookieEcho {
        cookie: ack.state_cookie().unwrap(),
    });
    let other = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9));
    let out = t.send_bytes(other, common::wire::packet(ack.initiate_tag.0, vec![echo]));
    assert!(matches!(first(&out), Some(Chunk::CookieAck(_))));
}

#[test]
fn misc_bad_inits_during_an_association_never_kill_it() {
    let mut t = Tester::accept(quiet());
    for (tag, os, mis) in [(0, 10, 10), (TAG, 0, 10), (TAG, 10, 0)] {
        let out = t.send_tag(0, vec![init_chunk(tag, os, mis)]);
        for p in &out {
            assert_eq!(p.header.vtag.0, TAG, "only the INIT's tag: {p:?}");
        }
        assert_eq!(t.state(), Some(State::Established));
    }
    assert!(t.alive());
}

#[test]
fn data_tsn_wrap_around() {
    let mut t = Tester::listen(quiet());
    let Chunk::Init(mut init) = init_chunk(TAG, 10, 10) else {
        unreachable!()
    };
    init.initial_tsn = usctp_wire::Tsn(u32::MAX);
    let out = t.send_tag(0, vec![Chunk::Init(init)]);
    let ack = init_ack_of(&out).unwrap();
    t.sut_tag = ack.initiate_tag.0;
    let echo = Chunk::CookieEcho(CookieEcho {
        cookie: ack.state_cookie().unwrap(),
    });
    t.send(vec![echo]);
    t.id = t.ep.association_ids().next();
    t.send(vec![
        data_chunk(u32::MAX, 0, 0, b"a", true, true),
        data_chunk(0, 0, 1, b"b", true, true),
    ]);
    t.run(std::time::Duration::from_millis(500));
    assert!(sacks(&packets(&t.log)).iter().any(|s| s.cum_tsn_ack.0 == 0));
    assert_eq!(t.messages().len(), 2);
}
