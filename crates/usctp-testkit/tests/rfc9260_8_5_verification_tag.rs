//! RFC 9260 §8.5, §8.5.1: packets with a wrong verification tag, and ABORT / SHUTDOWN
//! COMPLETE with wrong tag and T-bit combinations, change nothing.
#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::time::Instant;

use bytes::Bytes;
use common::wire::*;
use usctp_proto::{Endpoint, State};
use usctp_wire::chunk::{Abort, Chunk, CookieEcho, Heartbeat, ShutdownComplete};

const PEER_TAG: u32 = 0x0bad_cafe;

/// A server with one established association; returns it and the server's tag.
fn established(now: Instant) -> (Endpoint, u32) {
    let mut ep = server(now);
    ep.handle(now, meta_from(PEER), packet(0, vec![init(PEER_TAG)]));
    let out = drain(&mut ep, now);
    let Some(Chunk::InitAck(ack)) = out[0].chunks.first() else {
        panic!()
    };
    let tag = ack.initiate_tag.0;
    let cookie = ack.state_cookie().unwrap();
    ep.handle(
        now,
        meta_from(PEER),
        packet(tag, vec![Chunk::CookieEcho(CookieEcho { cookie })]),
    );
    drain(&mut ep, now);
    assert_eq!(ep.association_count(), 1);
    (ep, tag)
}

fn state(ep: &Endpoint) -> Option<State> {
    let id = ep.association_ids().next()?;
    ep.association(id).map(|a| a.state())
}

#[test]
fn wrong_tag_on_data_is_dropped_without_answer() {
    let now = Instant::now();
    let (mut ep, tag) = established(now);
    for wrong in [0, tag ^ 1, PEER_TAG] {
        ep.handle(now, meta_from(PEER), packet(wrong, vec![data(1000)]));
        let hb = Chunk::Heartbeat(Heartbeat {
            info: Bytes::from_static(b"hb"),
        });
        ep.handle(now, meta_from(PEER), packet(wrong, vec![hb]));
    }
    let later = now + ms(1000);
    ep.handle_timeout(later);
    let answers: Vec<_> = drain(&mut ep, later)
        .into_iter()
        .filter(|p| p.header.vtag.0 == PEER_TAG)
        .collect();
    assert!(
        answers
            .iter()
            .all(|p| p.chunks.iter().all(|c| matches!(c, Chunk::Heartbeat(_)))),
        "only our own heartbeats may go out: {answers:?}"
    );
    assert_eq!(state(&ep), Some(State::Established));
    // The right tag works: the same DATA is acknowledged.
    ep.handle(later, meta_from(PEER), packet(tag, vec![data(1000)]));
    let sacked = drain(&mut ep, later + ms(500));
    assert!(sacked
        .iter()
        .any(|p| p.chunks.iter().any(|c| matches!(c, Chunk::Sack(_)))));
}

#[test]
fn abort_needs_the_right_tag_for_its_t_bit() {
    let now = Instant::now();
    let (mut ep, tag) = established(now);
    let abort = |t_bit| {
        Chunk::Abort(Abort {
            t_bit,
            causes: vec![],
        })
    };
    // T=0 must carry our tag; T=1 must carry the peer's.
    for (vtag, t_bit) in [
        (PEER_TAG, false),
        (tag, true),
        (tag ^ 1, false),
        (PEER_TAG ^ 1, true),
        (0, false),
    ] {
        ep.handle(now, meta_from(PEER), packet(vtag, vec![abort(t_bit)]));
        assert_eq!(
            state(&ep),
            Some(State::Established),
            "tag {vtag:#x} T={t_bit}"
        );
    }
    assert!(drain(&mut ep, now).is_empty(), "an ABORT is never answered");
    ep.handle(now, meta_from(PEER), packet(PEER_TAG, vec![abort(true)]));
    assert_eq!(ep.association_count(), 0);
}

#[test]
fn abort_with_our_tag_closes() {
    let now = Instant::now();
    let (mut ep, tag) = established(now);
    ep.handle(
        now,
        meta_from(PEER),
        packet(
            tag,
            vec![Chunk::Abort(Abort {
                t_bit: false,
                causes: vec![],
            })],
        ),
    );
    drain(&mut ep, now);
    assert_eq!(ep.association_count(), 0);
}

#[test]
fn shutdown_complete_with_wrong_tags_changes_nothing() {
    let now = Instant::now();
    let (mut ep, tag) = established(now);
    let sc = |t_bit| Chunk::ShutdownComplete(ShutdownComplete { t_bit });
    for (vtag, t_bit) in [
        (PEER_TAG, false),
        (tag, true),
        (tag, false),
        (PEER_TAG, true),
    ] {
        ep.handle(now, meta_from(PEER), packet(vtag, vec![sc(t_bit)]));
        assert_eq!(state(&ep), Some(State::Established));
    }
}

#[test]
fn abort_from_unknown_address_is_ignored() {
    let now = Instant::now();
    let (mut ep, tag) = established(now);
    let stranger = std::net::IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7));
    ep.handle(
        now,
        meta_from(stranger),
        packet(
            tag,
            vec![Chunk::Abort(Abort {
                t_bit: false,
                causes: vec![],
            })],
        ),
    );
    assert_eq!(state(&ep), Some(State::Established));
}
