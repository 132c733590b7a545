//! RFC 5061 §5.2 and §5.3 against a scripted peer: the SUT (a server offering ASCONF, hence
//! AUTH) takes the peer's ASCONF only when an AUTH before it verifies (§4.1.1); a forged one
//! changes nothing. Serial numbers (§5.2 C1-C3), the wildcard address (§4.2.1, §4.2.4, the way
//! through a NAT), the deletion rules (§5.3 F7, F8), Set Primary, and the new address probed
//! by HEARTBEAT before any DATA goes there (RFC 5062 §4.1).
#![allow(clippy::unwrap_used)]

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bytes::Bytes;
use common::auth::*;
use common::tester::*;
use common::wire::PEER;
use usctp_proto::{AssociationConfig, Event, Extensions, PathOrigin, PathState};
use usctp_wire::cause::ErrorCause;
use usctp_wire::chunk::{Asconf, AsconfAck, Chunk, CookieEcho};
use usctp_wire::param::{
    AddIpAddress, DeleteIpAddress, Parameter, SetPrimaryAddress, SupportedExtensions,
};
use usctp_wire::Packet;

const ASCONF: u8 = 0xc1;
const ASCONF_ACK: u8 = 0x80;
const WILDCARD: IpAddr = IpAddr::V4(Ipv4Addr::UNSPECIFIED);

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(198, 51, 100, last))
}

fn asconf_on() -> AssociationConfig {
    let mut c = quiet();
    c.extensions = Extensions::default().with(Extensions::ASCONF);
    c
}

/// The tester's AUTH side, asking for ASCONF and ASCONF-ACK to be authenticated.
fn tester_side() -> Side {
    Side::tester(0x33, Some(&[ASCONF, ASCONF_ACK]), &[SHA256, SHA1])
}

/// Its INIT parameters: AUTH's, with ASCONF listed in Supported Extensions.
fn tester_params(side: &Side) -> Vec<Parameter> {
    let mut p = side.params();
    p[0] = SupportedExtensions {
        chunk_types: vec![AUTH, ASCONF, ASCONF_ACK].into(),
    }
    .into();
    p
}

/// The SUT accepted the tester's association with ASCONF in force; the association key.
fn accepted(cfg: AssociationConfig) -> (Tester, Vec<u8>) {
    accepted_by(Tester::listen(cfg))
}

/// As [`accepted`], by the SUT `t`, still listening.
fn accepted_by(mut t: Tester) -> (Tester, Vec<u8>) {
    let side = tester_side();
    let out = t.send_tag(0, vec![init_with(tester_params(&side))]);
    let ack = init_ack_of(&out).unwrap();
    t.sut_tag = ack.initiate_tag.0;
    t.sut_tsn = ack.initial_tsn.0;
    let sut = Side::of(&ack.params).unwrap();
    let cookie = ack.state_cookie().unwrap();
    let out = t.send(vec![Chunk::CookieEcho(CookieEcho { cookie })]);
    assert!(has(&out, |c| matches!(c, Chunk::CookieAck(_))));
    t.id = t.ep.association_ids().next();
    (t, association_key(&[], &sut, &side))
}

fn asconf(serial: u32, lookup: IpAddr, requests: Vec<Parameter>) -> Chunk {
    let mut params = vec![Parameter::from(lookup)];
    params.extend(requests);
    Chunk::Asconf(Asconf { serial, params })
}

fn add(id: u32, address: IpAddr) -> Parameter {
    AddIpAddress {
        correlation_id: id,
        address,
    }
    .into()
}

fn delete(id: u32, address: IpAddr) -> Parameter {
    DeleteIpAddress {
        correlation_id: id,
        address,
    }
    .into()
}

/// `chunks` after an AUTH that verifies.
fn signed(t: &Tester, key: &[u8], chunks: &[Chunk]) -> Bytes {
    signed_packet(t.sut_tag, &[], (0, SHA256, key), chunks)
}

/// The ASCONF-ACKs in `out`, each checked to follow an AUTH chunk in its packet.
fn acks(out: &[Packet]) -> Vec<AsconfAck> {
    let mut v = Vec::new();
    for p in out {
        for (i, c) in p.chunks.iter().enumerate() {
            if let Chunk::AsconfAck(a) = c {
                assert!(
                    p.chunks[..i].iter().any(|c| matches!(c, Chunk::Auth(_))),
                    "ASCONF-ACK not authenticated: {p}"
                );
                v.push(a.clone());
            }
        }
    }
    v
}

/// The error causes the ACK reports for correlation `id`.
fn refusal(ack: &AsconfAck, id: u32) -> Option<Vec<ErrorCause>> {
    ack.params.iter().find_map(|p| match p {
        Parameter::ErrorCauseIndication(e) if e.correlation_id == id => Some(e.causes.clone()),
        _ => None,
    })
}

/// The HEARTBEAT ACK for the last HEARTBEAT the SUT sent to `to`.
fn heartbeat_ack_for(t: &Tester, to: IpAddr) -> Chunk {
    let info = t
        .log
        .iter()
        .rev()
        .filter(|s| s.to.dst.ip == to)
        .find_map(|s| {
            s.packet.chunks.iter().find_map(|c| match c {
                Chunk::Heartbeat(h) => Some(h.info.clone()),
                _ => None,
            })
        })
        .unwrap();
    Chunk::HeartbeatAck(usctp_wire::chunk::HeartbeatAck { info })
}

fn path_count(t: &mut Tester) -> usize {
    t.user(|a| a.stats().paths.len())
}

#[test]
fn rfc5061_4_1_1_forged_asconf_changes_nothing_and_signed_asconf_adds_the_address() {
    let (mut t, key) = accepted(asconf_on());
    let a = asconf(TSN0, PEER, vec![add(1, ip(7))]);
    // No AUTH, a wrong key, a flipped HMAC bit: discarded, nothing answered, nothing added.
    assert!(t.send(vec![a.clone()]).is_empty());
    let forged = signed_packet(
        t.sut_tag,
        &[],
        (0, SHA256, b"guess"),
        std::slice::from_ref(&a),
    );
    assert!(t.send_bytes(PEER, forged).is_empty());
    let mut flipped = signed(&t, &key, std::slice::from_ref(&a)).to_vec();
    flipped[12 + 8] ^= 1;
    usctp_wire::crc::write_checksum(&mut flipped);
    assert!(t.send_bytes(PEER, flipped.into()).is_empty());
    assert_eq!(path_count(&mut t), 1);
    assert!(packets(&t.run(Duration::from_secs(2))).is_empty());
    // Signed: acknowledged (success implied, RFC 5061 §5.2), the address is an unconfirmed
    // path of ASCONF origin, probed by HEARTBEAT at once, and no DATA goes there.
    let out = t.send_bytes(PEER, signed(&t, &key, &[a]));
    let got = acks(&out);
    assert_eq!(got.len(), 1, "{out:?}");
    assert_eq!((got[0].serial, got[0].params.len()), (TSN0, 0));
    let stats = t.user(|a| a.stats());
    let added = stats.paths.iter().find(|p| p.remote.ip == ip(7)).unwrap();
    assert_eq!(
        (added.origin, added.state),
        (PathOrigin::Asconf, PathState::Unconfirmed)
    );
    assert!(t
        .events
        .iter()
        .any(|e| matches!(e, Event::PathAdded { addr, .. } if addr.ip == ip(7))));
    t.user_send(b"to the primary");
    let sent = t.run(Duration::from_millis(100));
    let to_new: Vec<_> = sent.iter().filter(|s| s.to.dst.ip == ip(7)).collect();
    assert!(!to_new.is_empty(), "no HEARTBEAT to the new address");
    for s in &to_new {
        assert!(
            s.packet
                .chunks
                .iter()
                .all(|c| matches!(c, Chunk::Heartbeat(_))),
            "{}",
            s.packet
        );
    }
    assert!(t.user(|a| a.stats().auth.discarded_chunks) >= 3);
}

#[test]
fn rfc5061_5_2_serial_numbers_repeat_the_answer_or_discard() {
    let (mut t, key) = accepted(asconf_on());
    let first = asconf(TSN0, PEER, vec![add(1, ip(7))]);
    let ack = acks(&t.send_bytes(PEER, signed(&t, &key, std::slice::from_ref(&first))));
    // C2: the same serial again gets the same ACK, and changes nothing more.
    let again = acks(&t.send_bytes(PEER, signed(&t, &key, &[first])));
    assert_eq!(again, ack);
    assert_eq!(path_count(&mut t), 2);
    // C3: a serial ahead of the next is discarded; the next one is processed.
    let ahead = asconf(TSN0 + 2, PEER, vec![add(2, ip(8))]);
    assert!(t.send_bytes(PEER, signed(&t, &key, &[ahead])).is_empty());
    let next = asconf(TSN0 + 1, PEER, vec![add(2, ip(8))]);
    assert_eq!(
        acks(&t.send_bytes(PEER, signed(&t, &key, &[next]))).len(),
        1
    );
    assert_eq!(path_count(&mut t), 3);
}

#[test]
fn rfc5061_5_3_delete_rules_source_last_unknown_and_data_moves() {
    let (mut t, key) = accepted(asconf_on());
    let out = t.send_bytes(
        PEER,
        signed(&t, &key, &[asconf(TSN0, PEER, vec![add(1, ip(7))])]),
    );
    assert_eq!(acks(&out).len(), 1);
    // F8: not the packet's source. An unknown address: Unresolvable Address. Both in one
    // ASCONF: each answered, success listed beside errors.
    let a = asconf(
        TSN0 + 1,
        PEER,
        vec![delete(10, PEER), delete(11, ip(99)), add(12, ip(8))],
    );
    let ack = acks(&t.send_bytes(PEER, signed(&t, &key, &[a])))
        .pop()
        .unwrap();
    assert!(matches!(
        refusal(&ack, 10).as_deref(),
        Some([ErrorCause::DeleteSourceAddress(_)])
    ));
    assert!(matches!(
        refusal(&ack, 11).as_deref(),
        Some([ErrorCause::UnresolvableAddress(_)])
    ));
    assert!(ack
        .params
        .iter()
        .any(|p| matches!(p, Parameter::SuccessIndication(s) if s.correlation_id == 12)));
    assert_eq!(path_count(&mut t), 3);
    // From the new address, PEER (the primary, with DATA in flight) may go: its data is sent
    // again to another path, and nothing is lost.
    let from = t.log.len();
    t.user_send(b"in flight");
    t.run(Duration::from_millis(10));
    assert!(t.log[from..].iter().any(|s| s.to.dst.ip == PEER));
    let confirm = heartbeat_ack_for(&t, ip(7));
    t.send_bytes(ip(7), common::wire::packet(t.sut_tag, vec![confirm]));
    let a = asconf(TSN0 + 2, ip(7), vec![delete(20, PEER)]);
    let deleted_at = t.log.len();
    let ack = acks(&t.send_bytes(ip(7), signed(&t, &key, &[a])))
        .pop()
        .unwrap();
    assert_eq!(ack.params, vec![]);
    assert!(t
        .events
        .iter()
        .any(|e| matches!(e, Event::PathRemoved { addr, .. } if addr.ip == PEER)));
    t.run(Duration::from_secs(3));
    let after = &t.log[deleted_at..];
    assert!(
        after.iter().all(|s| s.to.dst.ip != PEER),
        "sent to a deleted address"
    );
    assert!(
        after
            .iter()
            .any(|s| s.to.dst.ip == ip(7)
                && s.packet.chunks.iter().any(|c| matches!(c, Chunk::Data(_)))),
        "the DATA was not sent again elsewhere"
    );
    // F7: the last remaining address (asked from an address the SUT does not know).
    let remaining: Vec<IpAddr> = t.user(|a| a.stats().paths.iter().map(|p| p.remote.ip).collect());
    let mut serial = TSN0 + 3;
    for r in &remaining[1..] {
        let a = asconf(serial, ip(7), vec![delete(30, *r)]);
        serial += 1;
        assert_eq!(acks(&t.send_bytes(ip(7), signed(&t, &key, &[a]))).len(), 1);
    }
    let a = asconf(serial, WILDCARD, vec![delete(40, ip(7))]);
    let out = t.send_bytes(ip(200), signed(&t, &key, &[a]));
    let ack = acks(&out).pop().unwrap();
    assert!(
        matches!(
            refusal(&ack, 40).as_deref(),
            Some([ErrorCause::DeleteLastRemainingAddress(_)])
        ),
        "{ack:?}"
    );
    assert_eq!(path_count(&mut t), 1);
}

#[test]
fn rfc5061_4_2_4_wildcard_add_and_set_primary_take_the_source_address() {
    let (mut t, key) = accepted(asconf_on());
    // From an address the SUT has never seen (a NAT's), with the tag of the association:
    // unauthenticated, it is dropped without an out-of-the-blue ABORT.
    let nat = ip(77);
    let a = asconf(TSN0, WILDCARD, vec![add(1, WILDCARD)]);
    assert!(t
        .send_bytes(nat, common::wire::packet(t.sut_tag, vec![a.clone()]))
        .is_empty());
    // Authenticated: the source becomes a path, the ACK goes back there, a HEARTBEAT follows.
    let out = t.send_bytes(nat, signed(&t, &key, &[a]));
    assert_eq!(acks(&out).len(), 1);
    let to = t
        .log
        .iter()
        .rev()
        .find(|s| {
            s.packet
                .chunks
                .iter()
                .any(|c| matches!(c, Chunk::AsconfAck(_)))
        })
        .unwrap();
    assert_eq!(to.to.dst.ip, nat);
    let sent = t.run(Duration::from_millis(10));
    assert!(sent.iter().any(|s| s.to.dst.ip == nat
        && s.packet
            .chunks
            .iter()
            .any(|c| matches!(c, Chunk::Heartbeat(_)))));
    // Set Primary with the wildcard: the source again.
    let p = SetPrimaryAddress {
        correlation_id: 2,
        address: WILDCARD,
    };
    let a = asconf(TSN0 + 1, WILDCARD, vec![p.into()]);
    assert_eq!(acks(&t.send_bytes(nat, signed(&t, &key, &[a]))).len(), 1);
    let stats = t.user(|a| a.stats());
    assert_eq!(stats.path(stats.primary).unwrap().remote.ip, nat);
    assert!(t
        .events
        .iter()
        .any(|e| matches!(e, Event::PrimaryRequested { addr, .. } if addr.ip == nat)));
    // Until its HEARTBEAT is answered the new primary carries no DATA (RFC 9260 §5.4).
    let from = t.log.len();
    t.user_send(b"payload");
    t.run(Duration::from_millis(10));
    let sent = &t.log[from..];
    let data_to = |ip: IpAddr| {
        sent.iter().any(|s| {
            s.to.dst.ip == ip && s.packet.chunks.iter().any(|c| matches!(c, Chunk::Data(_)))
        })
    };
    assert!(data_to(PEER) && !data_to(nat));
}

#[test]
fn rfc5061_asconf_without_negotiation_is_an_unrecognized_chunk() {
    // AUTH in force, ASCONF not offered by the SUT: ASCONF is reported (type 0xC1: skip and
    // report, RFC 9260 §3.2) and changes nothing.
    let mut cfg = quiet();
    cfg.extensions = Extensions::default().with(Extensions::AUTH);
    let (mut t, key) = accepted(cfg);
    assert!(!t.user(|a| a.extensions().contains(Extensions::ASCONF)));
    let out = t.send_bytes(
        PEER,
        signed(&t, &key, &[asconf(TSN0, PEER, vec![add(1, ip(7))])]),
    );
    assert!(acks(&out).is_empty());
    assert!(
        has(
            &out,
            |c| matches!(c, Chunk::Error(e) if matches!(e.causes[..], [ErrorCause::UnrecognizedChunkType(_)]))
        ),
        "{out:?}"
    );
    assert_eq!(path_count(&mut t), 1);
}

#[test]
fn rfc5061_5_3_deleting_the_only_confirmed_path_leaves_no_busy_deadline() {
    let (mut t, key) = accepted(asconf_on());
    let out = t.send_bytes(
        PEER,
        signed(&t, &key, &[asconf(TSN0, PEER, vec![add(1, ip(7))])]),
    );
    assert_eq!(acks(&out).len(), 1);
    // DATA makes a SACK owed (delayed); then, from the unconfirmed address, the peer deletes
    // the only confirmed one.
    t.send(vec![data_chunk(TSN0, 0, 0, b"first", true, true)]);
    let d = data_chunk(TSN0 + 1, 0, 1, b"owed a SACK", true, true);
    let out = t.send(vec![d]);
    assert!(
        !has(&out, |c| matches!(c, Chunk::Sack(_))),
        "SACK at once: {out:?}"
    );
    let a = asconf(TSN0 + 1, ip(7), vec![delete(2, PEER)]);
    assert_eq!(acks(&t.send_bytes(ip(7), signed(&t, &key, &[a]))).len(), 1);
    let stats = t.user(|a| a.stats());
    assert!(stats
        .paths
        .iter()
        .all(|p| p.state == PathState::Unconfirmed));
    // RFC 9260 §5.4: no SACK to an unconfirmed address, and its deadline must not stay due
    // (a timer loop at one instant otherwise).
    t.now += Duration::from_secs(1);
    t.ep.handle_timeout(t.now);
    t.collect();
    assert!(
        t.ep.poll_timeout().is_none_or(|d| d > t.now),
        "a deadline stays due"
    );
    // Once the HEARTBEAT is answered, the SACK goes out there.
    let from = t.log.len();
    let confirm = heartbeat_ack_for(&t, ip(7));
    t.send_bytes(ip(7), common::wire::packet(t.sut_tag, vec![confirm]));
    t.run(Duration::from_millis(500));
    assert!(t.log[from..].iter().any(
        |s| s.to.dst.ip == ip(7) && s.packet.chunks.iter().any(|c| matches!(c, Chunk::Sack(_)))
    ));
}

#[test]
fn rfc5061_4_2_4_a_heartbeat_opening_a_nat_flow_is_answered_not_aborted() {
    // A NAT-friendly peer opens a NAT's flow from its new address with a lone HEARTBEAT
    // before the ASCONF: answered to its source, nothing added.
    let (mut t, _) = accepted(asconf_on());
    let nat = ip(88);
    let hb = heartbeat(b"opener");
    let out = t.send_bytes(nat, common::wire::packet(t.sut_tag, vec![hb.clone()]));
    assert!(
        matches!(first(&out), Some(Chunk::HeartbeatAck(h)) if h.info[..] == b"opener"[..]),
        "{out:?}"
    );
    assert_eq!(out[0].header.vtag.0, TAG);
    assert_eq!(t.log.last().unwrap().to.dst.ip, nat);
    assert_eq!(path_count(&mut t), 1);
    // Without ASCONF in force it is out of the blue, as before (RFC 9260 §8.4).
    let mut cfg = quiet();
    cfg.extensions = Extensions::default().with(Extensions::AUTH);
    let (mut t, _) = accepted(cfg);
    let out = t.send_bytes(nat, common::wire::packet(t.sut_tag, vec![hb]));
    assert!(
        matches!(first(&out), Some(Chunk::Abort(a)) if a.t_bit),
        "{out:?}"
    );
}

#[test]
fn rfc5061_5_3_a_path_the_peer_adds_does_not_leave_from_an_address_being_deleted() {
    // The SUT has a second address nearer the one the peer will add; it asks to delete it.
    let second = ip(2);
    let ecfg = common::endpoint_config(99, asconf_on());
    let (mut t, key) = accepted_by(Tester::listen_on(ecfg, vec![common::wire::SERVER, second]));
    let from = t.log.len();
    t.user(|a| a.remove_local_address(second)).unwrap();
    t.run(Duration::from_millis(10));
    assert!(
        t.log[from..].iter().any(|s| s
            .packet
            .chunks
            .iter()
            .any(|c| matches!(c, Chunk::Asconf(_)))),
        "no ASCONF for the deletion"
    );
    // While it is unacknowledged (the peer may already have dropped the address), the peer
    // adds an address: the new path must leave from an address the peer keeps.
    let out = t.send_bytes(
        PEER,
        signed(&t, &key, &[asconf(TSN0, PEER, vec![add(1, ip(7))])]),
    );
    assert_eq!(acks(&out).len(), 1, "{out:?}");
    let from = t.log.len();
    t.run(Duration::from_millis(100));
    let probes: Vec<_> = t.log[from..]
        .iter()
        .filter(|s| s.to.dst.ip == ip(7))
        .collect();
    assert!(!probes.is_empty(), "no HEARTBEAT to the new address");
    for s in probes {
        assert_eq!(s.to.src, Some(common::wire::SERVER), "{}", s.packet);
    }
}
