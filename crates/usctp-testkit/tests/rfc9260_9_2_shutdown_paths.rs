//! RFC 9260 §9.2 with more than one path, against a scripted peer: T2 retransmissions of
//! SHUTDOWN alternate from the path the last one went to (§6.4), so a healthy data path is not
//! skipped forever in favour of a dead one; and no HEARTBEAT leaves in SHUTDOWN-ACK-SENT, where
//! the peer may already have dropped the association (an out-of-the-blue ABORT would follow).
#![allow(clippy::unwrap_used)]

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use common::tester::*;
use common::wire::PEER;
use usctp_proto::AssociationConfig;
use usctp_wire::chunk::{Chunk, Shutdown};
use usctp_wire::param::Parameter;
use usctp_wire::Tsn;

const SECOND: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9));

/// The SUT accepted the tester, which listed SECOND too; both paths confirmed.
fn two_paths(cfg: AssociationConfig) -> Tester {
    let mut t = Tester::listen(cfg);
    let out = t.send_tag(0, vec![init_with(vec![Parameter::from(SECOND)])]);
    let ack = init_ack_of(&out).unwrap();
    t.sut_tag = ack.initiate_tag.0;
    t.sut_tsn = ack.initial_tsn.0;
    let cookie = ack.state_cookie().unwrap();
    t.send(vec![Chunk::CookieEcho(usctp_wire::chunk::CookieEcho {
        cookie,
    })]);
    t.id = t.ep.association_ids().next();
    // Answer the probe of SECOND so that it is confirmed.
    t.run(Duration::from_millis(10));
    let info = t
        .log
        .iter()
        .rev()
        .filter(|s| s.to.dst.ip == SECOND)
        .find_map(|s| {
            s.packet.chunks.iter().find_map(|c| match c {
                Chunk::Heartbeat(h) => Some(h.info.clone()),
                _ => None,
            })
        })
        .unwrap();
    let ack = Chunk::HeartbeatAck(usctp_wire::chunk::HeartbeatAck { info });
    t.send_bytes(SECOND, common::wire::packet(t.sut_tag, vec![ack]));
    let stats = t.user(|a| a.stats());
    assert!(stats
        .paths
        .iter()
        .all(|p| p.state == usctp_proto::PathState::Active));
    t
}

#[test]
fn rfc9260_9_2_t2_retransmissions_alternate_from_the_last_destination() {
    let mut cfg = quiet();
    cfg.pf_max_retrans = None; // the data path stays Active through a few timeouts
    cfg.path_max_retrans = 8;
    cfg.assoc_max_retrans = 20;
    let mut t = two_paths(cfg);
    let from = t.log.len();
    t.user_shutdown();
    t.run(Duration::from_secs(20));
    let dests: Vec<IpAddr> = t.log[from..]
        .iter()
        .filter(|s| {
            s.packet
                .chunks
                .iter()
                .any(|c| matches!(c, Chunk::Shutdown(_)))
        })
        .map(|s| s.to.dst.ip)
        .collect();
    assert!(dests.len() >= 4, "{dests:?}");
    // After the first, every retransmission goes elsewhere than the one before it.
    for w in dests.windows(2) {
        assert_ne!(w[0], w[1], "{dests:?}");
    }
    assert!(dests.contains(&PEER) && dests.contains(&SECOND));
}

#[test]
fn rfc9260_9_2_no_heartbeat_in_shutdown_ack_sent() {
    let mut cfg = quiet();
    cfg.hb_interval = Some(Duration::from_millis(500));
    let mut t = two_paths(cfg);
    let cum = Tsn(TSN0.wrapping_sub(1));
    t.send(vec![Chunk::Shutdown(Shutdown { cum_tsn_ack: cum })]);
    assert_eq!(t.state(), Some(usctp_proto::State::ShutdownAckSent));
    let from = t.log.len();
    t.run(Duration::from_secs(10));
    let heartbeats = t.log[from..]
        .iter()
        .filter(|s| {
            s.packet
                .chunks
                .iter()
                .any(|c| matches!(c, Chunk::Heartbeat(_)))
        })
        .count();
    assert_eq!(heartbeats, 0);
    // SHUTDOWN ACK is still retransmitted on T2.
    assert!(t.log[from..].iter().any(|s| s
        .packet
        .chunks
        .iter()
        .any(|c| matches!(c, Chunk::ShutdownAck(_)))));
}
