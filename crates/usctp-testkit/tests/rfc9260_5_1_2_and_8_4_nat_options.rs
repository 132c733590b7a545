//! Two options for multihoming through NAT (the Kubernetes experiment of the load-balancing
//! notes, §4): a server that takes only the INIT's source address (RFC 9260 §5.1.2 lets it
//! use the list; NATs make the listed addresses unreachable), and an endpoint that drops an
//! out-of-the-blue HEARTBEAT instead of answering it with ABORT (§8.4 rule 8), which is what
//! a client sees when the server probes its second address through a NAT.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::{IpAddr, Ipv4Addr};

use common::tester::*;
use usctp_proto::{AssociationConfig, State};
use usctp_wire::chunk::{Chunk, CookieEcho};
use usctp_wire::param::Parameter;

/// The tester's INIT listing two more addresses besides its source.
fn multihomed_init() -> Chunk {
    let extra = [
        Ipv4Addr::new(198, 51, 100, 7),
        Ipv4Addr::new(203, 0, 113, 9),
    ];
    init_with(
        extra
            .iter()
            .map(|ip| Parameter::from(IpAddr::V4(*ip)))
            .collect(),
    )
}

/// Paths of the association the tester set up with `cfg`, from `multihomed_init`.
fn paths_with(cfg: AssociationConfig) -> usize {
    let mut t = Tester::listen(cfg);
    let out = t.send_tag(0, vec![multihomed_init()]);
    let cookie = init_ack_of(&out).unwrap().state_cookie().unwrap();
    t.sut_tag = init_ack_of(&out).unwrap().initiate_tag.0;
    t.send(vec![Chunk::CookieEcho(CookieEcho { cookie })]);
    t.id = t.ep.association_ids().next();
    assert_eq!(t.state(), Some(State::Established));
    t.ep.association(t.id.unwrap()).unwrap().stats().paths.len()
}

#[test]
fn rfc9260_5_1_2_the_address_list_of_an_init_can_be_ignored() {
    assert_eq!(
        paths_with(quiet()),
        3,
        "by default every listed address is a path"
    );
    let mut single = quiet();
    single.use_peer_address_list = false;
    assert_eq!(paths_with(single), 1, "only the source address");
}

#[test]
fn rfc9260_8_4_an_out_of_the_blue_heartbeat_can_be_dropped_silently() {
    let mut t = Tester::listen(quiet());
    let out = t.send_tag(0x4242, vec![heartbeat(b"who?")]);
    assert!(
        matches!(first(&out), Some(Chunk::Abort(a)) if a.t_bit),
        "rule 8 by default: {out:?}"
    );
    let mut ecfg = common::endpoint_config(99, quiet());
    ecfg.abort_ootb_heartbeats = false;
    let mut t = Tester::listen_with(ecfg);
    assert!(t.send_tag(0x4242, vec![heartbeat(b"who?")]).is_empty());
    // Other out-of-the-blue packets are still answered.
    let out = t.send_tag(0x4242, vec![t.sack(0)]);
    assert!(matches!(first(&out), Some(Chunk::Abort(_))), "{out:?}");
}
