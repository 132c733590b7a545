//! RFC 9260 §5.2.2, §5.2.4 action A: the peer restarts (new endpoint, same address and port)
//! while we still hold the old association: we report Restarted and the new one works.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::{endpoint_config, Pair, CLIENT_PORT};
use usctp_proto::{AssociationConfig, Endpoint, Event};
use usctp_sim::LinkConfig;

#[test]
fn peer_restart_is_detected_and_the_new_association_works() {
    let link = LinkConfig::with_latency(Duration::from_millis(10));
    let mut p = Pair::new(5, 1, link, AssociationConfig::default());
    p.establish();
    // The client host "reboots": a fresh endpoint on the same address and port.
    let caddr = common::addr(1, 0);
    p.sim.with_node(p.client, |n, now| {
        n.ep = Endpoint::new(
            endpoint_config(77, AssociationConfig::default()),
            CLIENT_PORT,
            vec![caddr],
            now,
        );
        n.events.clear();
    });
    p.establish();
    let server = p.server;
    let restarted = p
        .sim
        .node(server)
        .events
        .iter()
        .any(|(_, e)| *e == Event::Restarted);
    assert!(restarted, "{:?}", p.sim.node(server).events);
    assert_eq!(p.sim.node(server).ep.association_count(), 1);
    assert!(p.send(0, Bytes::from_static(b"after restart")));
    let ok = p.sim.run_until_cond(Duration::from_secs(5), |s| {
        !s.node(server).messages.is_empty()
    });
    assert!(ok);
}
