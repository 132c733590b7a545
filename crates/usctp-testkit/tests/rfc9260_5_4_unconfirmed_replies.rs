//! RFC 9260 §5.4: nothing but probes (and replies that must go back to their source) is sent
//! to an unconfirmed address. Found by the `association` fuzz target: a HEARTBEAT ACK owed to
//! an unconfirmed source address took the pending SACK along in its packet.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod common;

use std::net::{IpAddr, Ipv4Addr};

use bytes::Bytes;
use common::tester::{has, heartbeat, init_ack_of, init_with, quiet, Tester};
use common::wire::{packet, PEER};
use usctp_proto::PathId;
use usctp_proto::{PathState, State};
use usctp_wire::chunk::{Chunk, CookieEcho, Data};
use usctp_wire::param::Parameter;
use usctp_wire::{Packet, Ppid, Ssn, StreamId, Tsn};

const PEER2: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1));

/// The SUT accepted an association from PEER that also lists PEER2 (left unconfirmed).
fn accept_two_addresses() -> Tester {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0, vec![init_with(vec![Parameter::from(PEER2)])]);
    let ack = init_ack_of(&out).unwrap();
    (t.sut_tag, t.sut_tsn) = (ack.initiate_tag.0, ack.initial_tsn.0);
    let cookie = ack.state_cookie().unwrap();
    t.send(vec![Chunk::CookieEcho(CookieEcho { cookie })]);
    t.id = t.ep.association_ids().next();
    assert_eq!(t.state(), Some(State::Established));
    let a = t.ep.association(t.id.unwrap()).unwrap();
    assert_eq!(
        a.stats().path(PathId(1)).cloned().unwrap().state,
        PathState::Unconfirmed
    );
    t
}

fn data(tsn: u32, immediate: bool) -> Chunk {
    Chunk::Data(Data {
        tsn: Tsn(tsn),
        stream: StreamId(0),
        ssn: Ssn(0),
        ppid: Ppid(0),
        immediate,
        payload: Bytes::from_static(b"hello"),
        ..Default::default()
    })
}

fn sack_or_data_to(t: &Tester, from: usize, ip: IpAddr) -> Vec<Packet> {
    let out: Vec<Packet> = t.log[from..]
        .iter()
        .filter(|s| s.to.dst.ip == ip)
        .map(|s| s.packet.clone())
        .collect();
    out.into_iter()
        .filter(|p| {
            has(std::slice::from_ref(p), |c| {
                matches!(c, Chunk::Sack(_) | Chunk::Data(_))
            })
        })
        .collect()
}

#[test]
fn reply_to_unconfirmed_address_carries_no_sack() {
    let mut t = accept_two_addresses();
    let from = t.log.len();
    // DATA asking for an immediate SACK and a HEARTBEAT, from the unconfirmed address.
    let data = data(common::tester::TSN0, true);
    let hb = heartbeat(b"probe");
    t.send_bytes(PEER2, packet(t.sut_tag, vec![data, hb]));
    let sent = &t.log[from..];
    let to = |ip| {
        sent.iter()
            .filter(move |s| s.to.dst.ip == ip)
            .map(|s| s.packet.clone())
            .collect::<Vec<_>>()
    };
    let (to_peer2, to_peer) = (to(PEER2), to(PEER));
    assert!(
        has(&to_peer2, |c| matches!(c, Chunk::HeartbeatAck(_))),
        "HEARTBEAT ACK goes back to its source: {sent:?}"
    );
    assert!(
        !has(&to_peer2, |c| matches!(c, Chunk::Sack(_) | Chunk::Data(_))),
        "SACK or DATA sent to the unconfirmed address: {to_peer2:?}"
    );
    assert!(
        has(&to_peer, |c| matches!(c, Chunk::Sack(_))),
        "the SACK goes to the confirmed address: {sent:?}"
    );
}

/// The user made the unconfirmed address primary, then the confirmed one failed: SACKs and
/// DATA still go to the confirmed (inactive) address, never to the unconfirmed primary.
#[test]
fn unconfirmed_primary_never_gets_data_or_sack() {
    let mut t = accept_two_addresses();
    t.user(|a| a.set_primary(PathId(1))).unwrap();
    t.user_send(b"lost");
    t.run(std::time::Duration::from_secs(120));
    let a = t.ep.association(t.id.unwrap()).unwrap();
    assert_eq!(a.state(), State::Established);
    assert_eq!(
        a.stats().path(PathId(0)).cloned().unwrap().state,
        PathState::Inactive
    );
    assert_eq!(
        a.stats().path(PathId(1)).cloned().unwrap().state,
        PathState::Unconfirmed
    );
    let from = t.log.len();
    let tsn = common::tester::TSN0;
    t.send(vec![data(tsn, true)]);
    t.user_send(b"more");
    t.run(std::time::Duration::from_secs(1));
    let bad = sack_or_data_to(&t, from, PEER2);
    assert!(
        bad.is_empty(),
        "SACK or DATA to the unconfirmed primary: {bad:?}"
    );
    let good = sack_or_data_to(&t, from, PEER);
    assert!(
        has(
            &good,
            |c| matches!(c, Chunk::Sack(s) if s.cum_tsn_ack.0 == tsn)
        ),
        "SACK to the confirmed address: {:?}",
        &t.log[from..]
    );
}
