//! The memory an endpoint keeps for cookies it accepted (to refuse replays) under association
//! churn: a peer that completes handshakes and aborts them at once.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use bytes::Bytes;

use common::wire::{drain, init, meta_from, packet, PEER, SERVER, SPORT};
use usctp_proto::{Endpoint, EndpointConfig};
use usctp_wire::chunk::{Abort, Chunk, CookieEcho};

/// INIT from the peer; the server's tag and cookie from its INIT ACK.
fn handshake_cookie(ep: &mut Endpoint, now: Instant, peer_tag: u32) -> (u32, Bytes) {
    ep.handle(now, meta_from(PEER), packet(0, vec![init(peer_tag)]));
    let out = drain(ep, now);
    let Some(Chunk::InitAck(ack)) = out.first().and_then(|p| p.chunks.first()) else {
        panic!("no INIT ACK: {out:?}")
    };
    (ack.initiate_tag.0, ack.state_cookie().unwrap())
}

/// Replay protection must not cost unbounded memory: with `max_associations` 4, a hundred
/// handshake-then-ABORT cycles within one cookie lifetime leave `stateless_backlog()` within
/// the reply bound plus `max_associations` (cookies beyond it are refused until the remembered
/// ones expire).
#[test]
#[allow(clippy::disallowed_methods)] // the base instant of a deterministic test
fn association_churn_keeps_the_used_cookie_memory_bounded() {
    let now = Instant::now();
    let mut cfg = EndpointConfig::default();
    cfg.rng_seed = Some(3);
    cfg.max_associations = 4;
    // Many INITs from one peer within a second: this test is about memory, not rate.
    cfg.stateless_reply_rate_per_source = u32::MAX;
    let mut ep = Endpoint::new(cfg, SPORT, vec![SERVER], now);
    for i in 0..100u32 {
        let (tag, cookie) = handshake_cookie(&mut ep, now, 0x100 + i);
        let echo = Chunk::CookieEcho(CookieEcho { cookie });
        ep.handle(now, meta_from(PEER), packet(tag, vec![echo]));
        drain(&mut ep, now);
        let abort = Chunk::Abort(Abort {
            t_bit: false,
            causes: vec![],
        });
        ep.handle(now, meta_from(PEER), packet(tag, vec![abort]));
        drain(&mut ep, now);
        while ep.poll_event().is_some() {}
        assert!(
            ep.stateless_backlog() <= 64 + 4,
            "cycle {i}: {}",
            ep.stateless_backlog()
        );
    }
    // Once the remembered cookies expire, associations can be created again.
    let later = now + Duration::from_secs(61);
    let (tag, cookie) = handshake_cookie(&mut ep, later, 0x999);
    let echo = Chunk::CookieEcho(CookieEcho { cookie });
    ep.handle(later, meta_from(PEER), packet(tag, vec![echo]));
    assert_eq!(ep.association_count(), 1);
}
