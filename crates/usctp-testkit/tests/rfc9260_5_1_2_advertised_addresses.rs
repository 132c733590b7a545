//! RFC 9260 §5.1.2 with a server behind virtual IPs: the INIT ACK advertises configured
//! addresses, which may differ from the addresses the endpoint is bound to.
#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use common::wire::*;
use usctp_proto::Endpoint;
use usctp_wire::chunk::Chunk;

#[test]
fn init_ack_lists_the_advertised_addresses() {
    let now = Instant::now();
    let vip = [
        IpAddr::V4(Ipv4Addr::new(203, 0, 113, 10)),
        IpAddr::V4(Ipv4Addr::new(203, 0, 113, 11)),
    ];
    let mut cfg = common::endpoint_config(5, Default::default());
    cfg.advertised_addresses = Some(vip.to_vec());
    let mut ep = Endpoint::new(cfg, SPORT, vec![SERVER], now);
    ep.handle(now, meta_from(PEER), packet(0, vec![init(9)]));
    let out = drain(&mut ep, now);
    let Some(Chunk::InitAck(ack)) = out.first().and_then(|p| p.chunks.first()) else {
        panic!("{out:?}")
    };
    let listed: Vec<_> = ack.params.iter().filter_map(|p| p.address()).collect();
    assert_eq!(listed, vip.to_vec());
}
