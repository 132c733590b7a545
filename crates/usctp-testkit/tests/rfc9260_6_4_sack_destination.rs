//! RFC 9260 §6.4: a SACK goes to the address the DATA it acknowledges came from, "also if
//! the endpoint is bundling DATA chunks together with the reply chunk". During an outage of
//! path A, the client's T3 retransmission reaches the server over path B; a SACK for it that
//! rode in the server's next DATA packet to its primary (path A, cut) would be lost, and the
//! client would time out again on B and fail back to A.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod common;
mod multihoming;

use std::time::Duration;

use bytes::Bytes;
use common::Pair;
use usctp_proto::AssociationConfig;
use usctp_sim::LinkConfig;
use usctp_wire::chunk::Chunk;
use usctp_wire::StreamId;

#[test]
fn rfc9260_6_4_a_sack_does_not_ride_with_data_to_another_path_than_its_data_came_from() {
    let link = LinkConfig::with_latency(Duration::from_millis(10));
    let mut p = Pair::new(7, 2, link, AssociationConfig::default());
    let wire = multihoming::capture(&mut p.sim);
    p.establish();
    // Not the association's first DATA, which is acknowledged at once.
    assert!(p.send(0, Bytes::from_static(b"first")));
    p.sim.run_for(Duration::from_secs(1));
    let sid = p.sim.node(p.server).events[0].0;
    let cut = p.sim.elapsed();
    p.sim.link_mut(p.links[0]).down_at(cut);
    assert!(p.send(0, Bytes::from_static(b"from the client")));
    // Half a second later the server starts sending a small message every 50 ms, new data
    // for its primary (path A): its own T3 fires only after the client's retransmission on
    // path B has arrived, so path A still counts as active there.
    p.sim.run_for(Duration::from_millis(500));
    for i in 0..40u8 {
        p.sim.with_node(p.server, |n, _| {
            n.ep.with_association(sid, |a| a.send(StreamId(0), Bytes::from(vec![i; 100])))
        });
        p.sim.run_for(Duration::from_millis(50));
    }
    let (client_a, client_b) = (common::addr(1, 0), common::addr(1, 1));
    let sent = multihoming::sent(&wire);
    let rtx = sent
        .iter()
        .find(|s| s.at >= cut && s.src == client_b && s.has_data())
        .expect("the client retransmits on path B");
    let from_server = |s: &&multihoming::Seen| p.server_addrs.contains(&s.src);
    let sack = |s: &&multihoming::Seen| s.chunks.iter().any(|c| matches!(c, Chunk::Sack(_)));
    let first = sent
        .iter()
        .filter(|s| s.at > rtx.at)
        .filter(from_server)
        .find(sack)
        .expect("the server acknowledges the retransmission");
    assert_eq!(
        first.dst, client_b,
        "the SACK went to {} ({:?}), not to where the DATA came from",
        first.dst, first.chunks
    );
    assert!(
        sent.iter()
            .filter(|s| s.at > rtx.at && s.dst == client_a)
            .filter(from_server)
            .all(|s| !sack(&s)),
        "a SACK went to path A after the DATA came over path B"
    );
    assert_eq!(p.sim.node(p.server).messages.len(), 2);
}
