//! Found against Linux kernel SCTP (examples/tests/interop_kernel/main.rs, raw IPv4 case): a Linux
//! server bound to IPv4 and IPv6 addresses lists all of them in its INIT ACK. usctp, with only
//! IPv4 addresses of its own, made paths to the IPv6 ones too and heartbeated them from a
//! source address the OS picked and usctp never listed. Linux finds no association for that
//! source, treats the HEARTBEAT as out of the blue (RFC 9260 §8.4) and answers with an ABORT
//! carrying the T bit from its IPv6 address, a known peer address: usctp accepted it and the
//! association died after four messages.
//!
//! The scripted peer here does what Linux did: it lists an IPv6 address and answers every
//! packet sent toward it with that ABORT. The association must never use the IPv6 address
//! (no local address of that family) and must survive.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use common::tester::{quiet, Tester};
use common::wire::packet;
use usctp_wire::chunk::{Abort, Chunk, CookieAck};
use usctp_wire::param::{Ipv4Address, Ipv6Address, Parameter};

const PEER_V4_B: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 1);
const PEER_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);

#[test]
fn peer_addresses_of_a_family_without_a_local_address_are_not_used() {
    let mut cfg = quiet();
    cfg.hb_interval = Some(Duration::from_millis(500));
    let (mut t, _init) = Tester::connect(cfg);
    // Linux bound to all its addresses: the INIT ACK lists IPv6 next to IPv4.
    let mut ack = t.init_ack();
    ack.params
        .push(Parameter::Ipv6Address(Ipv6Address(PEER_V6)));
    ack.params
        .push(Parameter::Ipv4Address(Ipv4Address(PEER_V4_B)));
    t.send(vec![Chunk::InitAck(ack)]);
    t.send(vec![Chunk::CookieAck(CookieAck)]);
    let (mut data_sent, mut foreign) = (0, Vec::new());
    for _ in 0..20 {
        t.user_send(b"message");
        data_sent += 1;
        let sent = t.run(Duration::from_millis(500));
        for s in sent.iter().filter(|s| s.to.dst.ip == IpAddr::V6(PEER_V6)) {
            // Linux: out of the blue from an unknown source; ABORT with the T bit, from the
            // IPv6 address toward whatever source the packet came from.
            let abort = Chunk::Abort(Abort {
                t_bit: true,
                causes: vec![],
            });
            t.send_bytes(
                IpAddr::V6(PEER_V6),
                packet(s.packet.header.vtag.0, vec![abort]),
            );
            foreign.push(format!(
                "{:?} from {:?}: {:?}",
                s.at, s.to.src, s.packet.chunks
            ));
        }
        if !t.alive() {
            break;
        }
        let tsn = t.sut_tsn + data_sent - 1;
        t.send(vec![common::tester::sack(tsn, 65_536, &[])]);
    }
    assert!(foreign.is_empty(), "sent toward {PEER_V6}: {foreign:?}");
    assert!(t.alive(), "association ended: {:?}", t.events);
    // The other IPv4 address is a usable path: it was heartbeated.
    assert!(t.log.iter().any(|s| s.to.dst.ip == IpAddr::V4(PEER_V4_B)));
}
