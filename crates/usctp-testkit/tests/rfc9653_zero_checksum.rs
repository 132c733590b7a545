//! Zero checksum (RFC 9653): negotiated with the Zero Checksum Acceptable parameter only when
//! both sides name the same error detection method; then every packet after the handshake
//! carries checksum 0 and is accepted. Without it (or for INIT / COOKIE ECHO) a zero checksum
//! is a bad checksum, and a corrupted one is dropped either way.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use bytes::Bytes;
use common::Pair;
use usctp_proto::{
    AssocId, AssociationConfig, DatagramMeta, EndpointConfig, Extensions, TransportAddr,
};
use usctp_sim::{EventKind, LinkConfig};

const SEED: u64 = 0x9653;
const DTLS: u32 = 1;

fn config(edmid: Option<u32>) -> AssociationConfig {
    let mut c = AssociationConfig::default();
    c.zero_checksum = edmid;
    c
}

/// A pair whose client and server may differ in `zero_checksum`.
fn pair(client: Option<u32>, server: Option<u32>) -> Pair {
    let mut p = Pair::new(
        SEED,
        1,
        LinkConfig::with_latency(Duration::from_millis(10)),
        config(client),
    );
    let addrs = p.server_addrs.clone();
    let mut cfg = EndpointConfig::default();
    cfg.rng_seed = Some(SEED ^ 2);
    cfg.association = config(server);
    p.sim.with_node(p.server, |n, now| {
        n.ep = usctp_proto::Endpoint::new(cfg, common::SERVER_PORT, addrs, now);
    });
    p
}

/// Every packet sent: (first chunk type, checksum field, the bytes).
type Log = Rc<RefCell<Vec<(u8, u32, Bytes)>>>;

fn capture(p: &mut Pair) -> Log {
    let log: Log = Rc::default();
    let l = Rc::clone(&log);
    p.sim.observe(move |e: &usctp_sim::Event<'_>| {
        let b = &e.datagram.payload;
        if e.kind == EventKind::Sent && b.len() > 12 {
            let sum = u32::from_be_bytes([b[8], b[9], b[10], b[11]]);
            l.borrow_mut().push((b[12], sum, b.clone()));
        }
    });
    log
}

fn transfer(p: &mut Pair) {
    for i in 0..20u8 {
        assert!(p.send(0, Bytes::from(vec![i; 3000])));
    }
    p.sim.run_for(Duration::from_secs(5));
    assert_eq!(p.sim.node(p.server).messages.len(), 20, "seed {SEED}");
}

fn in_force(p: &Pair, client: AssocId) -> (bool, bool) {
    let c = p.sim.node(p.client).ep.association(client).unwrap();
    let server = &p.sim.node(p.server).ep;
    let s = server
        .association(server.association_ids().next().unwrap())
        .unwrap();
    let z = |e: Extensions| e.contains(Extensions::ZERO_CHECKSUM);
    (z(c.extensions()), z(s.extensions()))
}

const INIT: u8 = 1;
const INIT_ACK: u8 = 2;
const COOKIE_ECHO: u8 = 10;

#[test]
fn rfc9653_5_negotiated_then_checksum_zero_on_the_wire() {
    let mut p = pair(Some(DTLS), Some(DTLS));
    let log = capture(&mut p);
    let id = p.establish();
    assert_eq!(in_force(&p, id), (true, true));
    transfer(&mut p);
    let log = log.borrow();
    for (first, sum, _) in log.iter() {
        let handshake = matches!(*first, INIT | INIT_ACK | COOKIE_ECHO);
        assert_eq!(*sum != 0, handshake, "chunk {first}: checksum {sum:#x}");
    }
    assert!(log.len() > 20);
}

#[test]
fn rfc9653_5_1_refused_unless_both_name_the_same_method() {
    for (c, s) in [
        (Some(DTLS), None),
        (None, Some(DTLS)),
        (Some(DTLS), Some(2)),
    ] {
        let mut p = pair(c, s);
        let log = capture(&mut p);
        let id = p.establish();
        assert_eq!(in_force(&p, id), (false, false), "{c:?} {s:?}");
        transfer(&mut p);
        assert!(
            log.borrow().iter().all(|(_, sum, _)| *sum != 0),
            "{c:?} {s:?}"
        );
    }
}

/// Feed the server a copy of the client's last DATA packet with its checksum field replaced.
fn replay_with_checksum(p: &mut Pair, log: &Log, sum: [u8; 4]) -> u64 {
    let data = log
        .borrow()
        .iter()
        .rev()
        .find(|(first, ..)| *first == 0)
        .map(|(.., b)| b.clone())
        .unwrap();
    let mut bytes = data.to_vec();
    bytes[8..12].copy_from_slice(&sum);
    let meta = DatagramMeta {
        src: TransportAddr::raw(common::addr(1, 0)),
        dst: p.server_addrs[0],
    };
    let before = p.sim.node(p.server).ep.stats().malformed;
    p.sim.with_node(p.server, |n, now| {
        n.ep.handle(now, meta, Bytes::from(bytes));
    });
    p.sim.node(p.server).ep.stats().malformed - before
}

#[test]
fn rfc9653_5_3_zero_or_corrupt_checksum_dropped_where_not_negotiated() {
    let mut p = pair(None, None);
    let log = capture(&mut p);
    p.establish();
    transfer(&mut p);
    assert_eq!(
        replay_with_checksum(&mut p, &log, [0; 4]),
        1,
        "zero refused"
    );
    assert_eq!(
        replay_with_checksum(&mut p, &log, [1, 2, 3, 4]),
        1,
        "corrupt"
    );

    // Negotiated: zero is accepted, a wrong non-zero checksum is still verified.
    let mut p = pair(Some(DTLS), Some(DTLS));
    let log = capture(&mut p);
    p.establish();
    transfer(&mut p);
    assert_eq!(
        replay_with_checksum(&mut p, &log, [0; 4]),
        0,
        "zero accepted"
    );
    assert_eq!(
        replay_with_checksum(&mut p, &log, [1, 2, 3, 4]),
        1,
        "corrupt"
    );
}

#[test]
fn rfc9653_5_3_setup_chunks_with_zero_checksum_are_dropped() {
    // An INIT with checksum 0 never gets an INIT ACK, even where zero checksum is configured.
    let mut p = pair(Some(DTLS), Some(DTLS));
    let log = capture(&mut p);
    p.connect();
    let init = log.borrow()[0].2.clone();
    assert_eq!(init[12], INIT);
    let mut bytes = init.to_vec();
    bytes[8..12].copy_from_slice(&[0; 4]);
    let meta = DatagramMeta {
        src: TransportAddr::raw(common::addr(1, 0)),
        dst: p.server_addrs[0],
    };
    let before = p.sim.node(p.server).ep.stats();
    p.sim.with_node(p.server, |n, now| {
        n.ep.handle(now, meta, Bytes::from(bytes));
    });
    let after = p.sim.node(p.server).ep.stats();
    assert_eq!(after.malformed, before.malformed + 1);
    assert_eq!(after.init_acks, before.init_acks);
}
