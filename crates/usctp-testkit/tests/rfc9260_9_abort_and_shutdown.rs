//! RFC 9260 §9.1 (ABORT) and §9.2 (graceful shutdown from either side, with data in flight,
//! and both at once).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::Pair;
use usctp_proto::{AssociationConfig, CloseReason, Event};
use usctp_sim::LinkConfig;
use usctp_wire::cause::ErrorCause;

fn pair(seed: u64) -> Pair {
    let mut link = LinkConfig::with_latency(Duration::from_millis(15));
    link.loss = 0.05;
    Pair::new(seed, 1, link, AssociationConfig::default())
}

fn run_to_graceful_close(p: &mut Pair, limit: Duration) -> bool {
    let (c, s) = (p.client, p.server);
    let ok =
        |n: &usctp_testkit::SctpNode| n.events.iter().any(|(_, e)| *e == Event::ShutdownComplete);
    p.sim
        .run_until_cond(limit, |sim| ok(sim.node(c)) && ok(sim.node(s)))
}

#[test]
fn user_abort_reaches_the_peer_with_its_reason() {
    let mut p = pair(11);
    let id = p.establish();
    p.sim.with_node(p.client, |n, _| {
        n.ep.with_association(id, |a| a.abort(Some(Bytes::from_static(b"bye"))))
    });
    let server = p.server;
    let ok = p.sim.run_until_cond(Duration::from_secs(5), |s| {
        s.node(server)
            .events
            .iter()
            .any(|(_, e)| matches!(e, Event::Closed(CloseReason::PeerAborted(_))))
    });
    assert!(ok);
    let reason = p.sim.node(server).events.iter().find_map(|(_, e)| match e {
        Event::Closed(CloseReason::PeerAborted(c)) => Some(c.clone()),
        _ => None,
    });
    let Some([ErrorCause::UserInitiatedAbort(u)]) = reason.as_deref() else {
        panic!("{reason:?}")
    };
    assert_eq!(&u.reason[..], b"bye");
    assert_eq!(p.sim.node(p.client).ep.association_count(), 0);
}

#[test]
fn shutdown_from_client_delivers_everything_in_flight() {
    for seed in 0..10 {
        let mut p = pair(seed);
        let id = p.establish();
        for i in 0..50u32 {
            assert!(p.send(0, Bytes::from(vec![i as u8; 3000])));
        }
        p.sim.with_node(p.client, |n, now| {
            n.ep.with_association(id, |a| a.shutdown(now))
        });
        assert!(
            run_to_graceful_close(&mut p, Duration::from_secs(120)),
            "seed {seed}"
        );
        assert_eq!(p.sim.node(p.server).messages.len(), 50, "seed {seed}");
    }
}

#[test]
fn shutdown_from_server_and_from_both_at_once() {
    for both in [false, true] {
        let mut p = pair(21);
        let cid = p.establish();
        let sid = p
            .sim
            .node(p.server)
            .events
            .iter()
            .map(|(i, _)| *i)
            .next()
            .unwrap();
        p.sim.with_node(p.server, |n, now| {
            n.ep.with_association(sid, |a| a.shutdown(now))
        });
        if both {
            p.sim.with_node(p.client, |n, now| {
                n.ep.with_association(cid, |a| a.shutdown(now))
            });
        }
        assert!(
            run_to_graceful_close(&mut p, Duration::from_secs(60)),
            "both={both}"
        );
    }
}
