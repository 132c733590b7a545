//! RFC 9260 §5.1.3, §5.1.5: the State Cookie is stateless, signed and time-limited. Forged,
//! modified, stale and replayed cookies never create an association; INIT floods leave
//! nothing behind.
#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::time::Instant;

use bytes::Bytes;
use common::wire::*;
use usctp_wire::cause::ErrorCause;
use usctp_wire::chunk::{Chunk, CookieEcho};

fn echo(tag: u32, cookie: Bytes) -> Bytes {
    packet(tag, vec![Chunk::CookieEcho(CookieEcho { cookie })])
}

/// The tag the server chose: the first 4 bytes of our INIT ACK's initiate tag live in the
/// cookie; read it from the INIT ACK instead.
fn init_ack_tag(ep: &mut usctp_proto::Endpoint, now: Instant, tag: u32) -> (u32, Bytes) {
    ep.handle(now, meta_from(PEER), packet(0, vec![init(tag)]));
    let out = drain(ep, now);
    let Some(Chunk::InitAck(ack)) = out.first().and_then(|p| p.chunks.first()) else {
        panic!("no INIT ACK")
    };
    (ack.initiate_tag.0, ack.state_cookie().unwrap())
}

#[test]
fn init_creates_no_state() {
    let now = Instant::now();
    let mut ep = server(now);
    for i in 0..100_000u32 {
        ep.handle(now, meta_from(PEER), packet(0, vec![init(i + 1)]));
        if i % 1000 == 0 {
            drain(&mut ep, now);
        }
    }
    assert_eq!(ep.association_count(), 0);
    assert!(
        ep.stateless_backlog() <= 64,
        "backlog {}",
        ep.stateless_backlog()
    );
    drain(&mut ep, now);
    assert_eq!(ep.stateless_backlog(), 0);
    assert!(ep.stats().init_acks >= 1000);
}

#[test]
fn valid_cookie_creates_association_once() {
    let now = Instant::now();
    let mut ep = server(now);
    let (tag, cookie) = init_ack_tag(&mut ep, now, 7);
    ep.handle(now, meta_from(PEER), echo(tag, cookie.clone()));
    assert_eq!(ep.association_count(), 1);
    let out = drain(&mut ep, now);
    assert!(out
        .iter()
        .any(|p| matches!(p.chunks.first(), Some(Chunk::CookieAck(_)))));
    // A duplicate while the association lives: COOKIE ACK again, no second association.
    ep.handle(now, meta_from(PEER), echo(tag, cookie));
    assert_eq!(ep.association_count(), 1);
}

#[test]
fn forged_cookie_is_discarded() {
    let now = Instant::now();
    let mut ep = server(now);
    let (tag, cookie) = init_ack_tag(&mut ep, now, 7);
    let forged = Bytes::from(vec![0x5a; cookie.len()]);
    ep.handle(now, meta_from(PEER), echo(tag, forged));
    assert_eq!(ep.association_count(), 0);
    assert!(
        drain(&mut ep, now).is_empty(),
        "forged cookies are dropped silently"
    );
}

#[test]
fn modified_cookie_is_discarded() {
    let now = Instant::now();
    let mut ep = server(now);
    let (tag, cookie) = init_ack_tag(&mut ep, now, 7);
    for i in 0..cookie.len() {
        let mut bad = cookie.to_vec();
        bad[i] ^= 0x80;
        ep.handle(now, meta_from(PEER), echo(tag, Bytes::from(bad)));
    }
    assert_eq!(ep.association_count(), 0);
    assert_eq!(ep.stats().bad_cookies, cookie.len() as u64);
}

#[test]
fn cookie_for_other_tag_or_port_is_discarded() {
    let now = Instant::now();
    let mut ep = server(now);
    let (tag, cookie) = init_ack_tag(&mut ep, now, 7);
    ep.handle(now, meta_from(PEER), echo(tag ^ 1, cookie));
    assert_eq!(ep.association_count(), 0);
}

#[test]
fn stale_cookie_gets_stale_cookie_error() {
    let now = Instant::now();
    let mut ep = server(now);
    let (tag, cookie) = init_ack_tag(&mut ep, now, 7);
    let later = now + ms(60_000 + 1500);
    ep.handle(later, meta_from(PEER), echo(tag, cookie));
    assert_eq!(ep.association_count(), 0);
    let out = drain(&mut ep, later);
    let Some(Chunk::Error(e)) = out.first().and_then(|p| p.chunks.first()) else {
        panic!("no ERROR: {out:?}")
    };
    let Some(ErrorCause::StaleCookie(s)) = e.causes.first() else {
        panic!("{e:?}")
    };
    assert!(
        (1_400_000..=1_600_000).contains(&s.staleness_us),
        "{}",
        s.staleness_us
    );
    assert_eq!(
        out[0].header.vtag.0, 7,
        "the ERROR carries the initiator's tag"
    );
    let _ = tag;
}

#[test]
fn replayed_cookie_after_close_is_refused() {
    let now = Instant::now();
    let mut ep = server(now);
    let (tag, cookie) = init_ack_tag(&mut ep, now, 7);
    ep.handle(now, meta_from(PEER), echo(tag, cookie.clone()));
    let id = ep.association_ids().next().unwrap();
    ep.with_association(id, |a| a.abort(None));
    drain(&mut ep, now);
    assert_eq!(ep.association_count(), 0);
    ep.handle(now + ms(10), meta_from(PEER), echo(tag, cookie));
    assert_eq!(
        ep.association_count(),
        0,
        "a replayed cookie must not resurrect it"
    );
}

#[test]
fn accept_filter_decides_each_incoming_association() {
    let now = Instant::now();
    let mut ep = server(now);
    ep.set_accept_filter(|inc: &usctp_proto::Incoming| inc.peer_port != PPORT);
    ep.handle(now, meta_from(PEER), packet(0, vec![init(7)]));
    let out = drain(&mut ep, now);
    assert!(
        matches!(
            out.first().and_then(|p| p.chunks.first()),
            Some(Chunk::Abort(_))
        ),
        "a refused INIT is answered with ABORT: {out:?}"
    );
    assert_eq!(ep.association_count(), 0);
    ep.set_accept_filter(|_: &usctp_proto::Incoming| true);
    let (tag, cookie) = init_ack_tag(&mut ep, now, 7);
    ep.handle(now, meta_from(PEER), echo(tag, cookie));
    assert_eq!(ep.association_count(), 1);
}
