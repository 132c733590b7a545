//! RFC 9260 §5.1: the four-way handshake, data in both directions, graceful shutdown.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::Pair;
use usctp_proto::{AssociationConfig, Event};
use usctp_sim::LinkConfig;

#[test]
fn handshake_transfer_and_graceful_shutdown() {
    let link = LinkConfig::with_latency(Duration::from_millis(10));
    let mut p = Pair::new(1, 1, link, AssociationConfig::default());
    let id = p.establish();
    for i in 0..200u32 {
        let msg = Bytes::from(format!("message {i}").into_bytes());
        assert!(p.send((i % 3) as u16, msg));
    }
    let server = p.server;
    let ok = p.sim.run_until_cond(Duration::from_secs(30), |s| {
        s.node(server).messages.len() == 200
    });
    assert!(ok, "delivered {}", p.sim.node(server).messages.len());
    p.sim.with_node(p.client, |n, now| {
        n.ep.with_association(id, |a| a.shutdown(now))
    });
    let client = p.client;
    let ok = p.sim.run_until_cond(Duration::from_secs(30), |s| {
        s.node(client)
            .events
            .iter()
            .any(|(_, e)| *e == Event::ShutdownComplete)
            && s.node(server)
                .events
                .iter()
                .any(|(_, e)| *e == Event::ShutdownComplete)
    });
    assert!(ok, "not shut down: {:?}", p.sim.node(client).events);
    assert_eq!(p.sim.node(client).ep.association_count(), 0);
    assert_eq!(p.sim.node(server).ep.association_count(), 0);
}
