//! RFC 9260 §5.2.1, §5.2.4 (actions B and D): both ends send INIT at once and end up with
//! one association each, which carries data.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::{Pair, CLIENT_PORT};
use usctp_proto::{AssociationConfig, Event, SendOptions, TransportAddr};
use usctp_sim::LinkConfig;

#[test]
fn simultaneous_init_yields_one_association() {
    for seed in 0..20 {
        let link = LinkConfig::with_latency(Duration::from_millis(20));
        let mut p = Pair::new(seed, 1, link, AssociationConfig::default());
        let cid = p.connect();
        let caddr = common::addr(1, 0);
        let sid = p
            .sim
            .with_node(p.server, |n, now| {
                n.ep.connect(now, &[TransportAddr::raw(caddr)], CLIENT_PORT, None)
            })
            .unwrap();
        let (client, server) = (p.client, p.server);
        let ok = p.sim.run_until_cond(Duration::from_secs(30), |s| {
            s.node(client)
                .events_of(cid)
                .any(|e| *e == Event::Connected)
                && s.node(server)
                    .events_of(sid)
                    .any(|e| *e == Event::Connected)
        });
        assert!(
            ok,
            "seed {seed}: {:?} / {:?}",
            p.sim.node(client).events,
            p.sim.node(server).events
        );
        p.sim.run_for(Duration::from_secs(1));
        assert_eq!(p.sim.node(client).ep.association_count(), 1, "seed {seed}");
        assert_eq!(p.sim.node(server).ep.association_count(), 1, "seed {seed}");
        p.sim.with_node(server, |n, now| {
            n.ep.with_association(sid, |a| {
                a.send_with(now, Bytes::from_static(b"hi"), &SendOptions::new(0).ppid(1))
            })
        });
        let ok = p.sim.run_until_cond(Duration::from_secs(5), |s| {
            !s.node(client).messages.is_empty()
        });
        assert!(ok, "seed {seed}: data after collision");
    }
}
