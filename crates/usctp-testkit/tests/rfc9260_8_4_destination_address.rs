//! Packets to an address the endpoint is not bound to (a raw IP socket receives every SCTP
//! packet of the host): dropped without an answer, neither an INIT ACK nor the
//! out-of-the-blue ABORT of RFC 9260 §8.4, and never delivered to an association. An
//! endpoint bound to no address (or the wildcard) takes them all.
#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Instant;

use bytes::Bytes;
use common::wire::*;
use usctp_proto::{DatagramMeta, Endpoint, TransportAddr};
use usctp_wire::chunk::{Chunk, CookieEcho};

/// An address of the host the endpoint is not bound to.
const OTHER_V4: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 99));
const SERVER_V6: IpAddr = IpAddr::V6(Ipv6Addr::new(0x1000, 0, 0, 0, 0, 0, 0xc0a8, 0x0401));

fn to(dst: IpAddr) -> DatagramMeta {
    DatagramMeta {
        src: TransportAddr::raw(PEER),
        dst,
    }
}

fn endpoint(now: Instant, local: Vec<IpAddr>) -> Endpoint {
    Endpoint::new(
        common::endpoint_config(7, Default::default()),
        SPORT,
        local,
        now,
    )
}

/// Does an INIT sent to `dst` get an INIT ACK?
fn init_answered(ep: &mut Endpoint, now: Instant, dst: IpAddr) -> bool {
    ep.handle(now, to(dst), packet(0, vec![init(0x1234)]));
    let out = drain(ep, now);
    matches!(
        out.first().and_then(|p| p.chunks.first()),
        Some(Chunk::InitAck(_))
    )
}

#[test]
fn init_to_an_unbound_address_is_dropped_silently() {
    let now = Instant::now();
    let mut ep = endpoint(now, vec![SERVER, SERVER_V6]);
    assert!(!init_answered(&mut ep, now, OTHER_V4));
    assert_eq!(ep.stats().discarded, 1);
    assert_eq!(ep.stateless_backlog(), 0);
    assert!(init_answered(&mut ep, now, SERVER));
    assert!(init_answered(&mut ep, now, SERVER_V6));
    // IPv4-mapped, as a dual-stack socket reports an IPv4 destination.
    let mapped = IpAddr::V6(Ipv4Addr::new(192, 0, 2, 2).to_ipv6_mapped());
    assert!(init_answered(&mut ep, now, mapped));
    let other_mapped = IpAddr::V6(Ipv4Addr::new(192, 0, 2, 99).to_ipv6_mapped());
    assert!(!init_answered(&mut ep, now, other_mapped));
}

#[test]
fn out_of_the_blue_to_an_unbound_address_draws_no_abort() {
    let now = Instant::now();
    let mut ep = endpoint(now, vec![SERVER]);
    // To our address, DATA for no association is answered with ABORT (§8.4 rule 8)...
    ep.handle(now, to(SERVER), packet(0x5555, vec![data(1)]));
    let out = drain(&mut ep, now);
    assert!(
        matches!(
            out.first().and_then(|p| p.chunks.first()),
            Some(Chunk::Abort(_))
        ),
        "{out:?}"
    );
    // ...to an address that is not ours, with nothing.
    ep.handle(now, to(OTHER_V4), packet(0x5555, vec![data(1)]));
    assert!(drain(&mut ep, now).is_empty());
}

#[test]
fn data_for_an_association_sent_to_an_unbound_address_is_not_delivered() {
    let now = Instant::now();
    let mut ep = endpoint(now, vec![SERVER]);
    ep.handle(now, to(SERVER), packet(0, vec![init(0x0bad_cafe)]));
    let out = drain(&mut ep, now);
    let Some(Chunk::InitAck(ack)) = out[0].chunks.first() else {
        panic!("{out:?}")
    };
    let tag = ack.initiate_tag.0;
    let cookie = ack.state_cookie().unwrap();
    // The COOKIE ECHO to a foreign address creates nothing; to ours it does.
    let echo = || {
        packet(
            tag,
            vec![Chunk::CookieEcho(CookieEcho {
                cookie: cookie.clone(),
            })],
        )
    };
    ep.handle(now, to(OTHER_V4), echo());
    assert_eq!(ep.association_count(), 0);
    ep.handle(now, to(SERVER), echo());
    drain(&mut ep, now);
    assert_eq!(ep.association_count(), 1);
    let id = ep.association_ids().next().unwrap();

    ep.handle(now, to(OTHER_V4), packet(tag, vec![data(1000)]));
    assert!(drain(&mut ep, now).is_empty());
    let got = ep.with_association(id, |a| a.poll_message()).unwrap();
    assert!(got.is_none(), "delivered: {got:?}");

    ep.handle(now, to(SERVER), packet(tag, vec![data(1000)]));
    let got = ep.with_association(id, |a| a.poll_message()).unwrap();
    assert_eq!(got.map(|m| m.payload), Some(Bytes::from_static(b"x")));
}

#[test]
fn an_endpoint_bound_to_no_address_or_the_wildcard_takes_every_destination() {
    let now = Instant::now();
    let wildcard = IpAddr::V6(Ipv6Addr::UNSPECIFIED);
    for local in [vec![], vec![wildcard]] {
        let mut ep = endpoint(now, local.clone());
        for dst in [SERVER, OTHER_V4, SERVER_V6] {
            assert!(init_answered(&mut ep, now, dst), "{local:?} -> {dst}");
        }
    }
}
