//! Threats of RFC 9260 §11 and RFC 5062 not covered by the conformance tests (SECURITY.md
//! maps every threat to its test).
#![allow(clippy::unwrap_used, clippy::field_reassign_with_default)]

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use common::tester::{has, init_ack_of, init_chunk, init_with, quiet, Tester, TAG};
use common::wire::{meta_from, packet, PEER};
use usctp_proto::{AssociationConfig, State};
use usctp_wire::cause::ErrorCause;
use usctp_wire::chunk::{Chunk, Heartbeat, Shutdown, ShutdownComplete, UnknownChunk};
use usctp_wire::param::Parameter;
use usctp_wire::{Packet, Tsn};

fn len(out: &[Packet]) -> usize {
    out.iter().map(|p| p.to_vec().len()).sum()
}

fn victim(i: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(198, 51, 100, i))
}

/// RFC 9260 §8.5: SHUTDOWN and SHUTDOWN COMPLETE with a guessed tag are dropped silently;
/// the association keeps working.
#[test]
fn blind_shutdown_and_shutdown_complete_with_guessed_tags_change_nothing() {
    let mut t = Tester::accept(quiet());
    let guesses = [
        0,
        1,
        TAG,
        t.sut_tag ^ 1,
        t.sut_tag.wrapping_add(1),
        0xffff_ffff,
    ];
    for tag in guesses {
        let shutdown = Chunk::Shutdown(Shutdown {
            cum_tsn_ack: Tsn(t.sut_tsn.wrapping_sub(1)),
        });
        assert!(t.send_tag(tag, vec![shutdown]).is_empty());
        for t_bit in [false, true] {
            let sc = Chunk::ShutdownComplete(ShutdownComplete { t_bit });
            assert!(t.send_tag(tag, vec![sc]).is_empty());
        }
    }
    assert_eq!(t.state(), Some(State::Established));
    assert!(t.alive());
}

/// RFC 9260 §5.1.3, §11.2.2: an INIT flood holds no association state, and the replies
/// waiting to be sent stay bounded when the caller does not drain them.
#[test]
fn init_flood_holds_no_state_and_bounded_replies() {
    let mut t = Tester::listen(quiet());
    for i in 0..2000u32 {
        let [a, b, c, d] = (0x0a00_0000 + i).to_be_bytes();
        let src = IpAddr::V4(Ipv4Addr::new(a, b, c, d));
        let now = t.now;
        t.ep.handle(
            now,
            meta_from(src),
            packet(0, vec![init_chunk(i + 1, 10, 10)]),
        );
    }
    assert_eq!(t.ep.association_count(), 0);
    assert!(
        t.ep.stateless_backlog() <= 64,
        "{}",
        t.ep.stateless_backlog()
    );
    assert!(t.ep.stats().replies_dropped >= 2000 - 64);
}

/// RFC 9260 §5.2.2: an INIT that would restart the association with an address it does not
/// have is refused with ABORT "Restart of an Association with New Addresses"; the
/// association stays (no hijack toward the new address).
#[test]
fn restart_with_new_address_is_aborted_and_the_association_survives() {
    let mut t = Tester::accept(quiet());
    let init = init_with(vec![Parameter::from(victim(7))]);
    let out = t.send_tag(0, vec![init]);
    let refused = has(&out, |c| {
        matches!(c, Chunk::Abort(a)
            if a.causes.iter().any(|c| matches!(c, ErrorCause::RestartWithNewAddresses(_))))
    });
    assert!(refused, "{out:?}");
    assert_eq!(t.state(), Some(State::Established));
    assert!(t.alive());
}

/// RFC 5062 §4 (address bombing): an INIT listing many third-party addresses gets at most
/// `max_peer_addresses` paths, and those unconfirmed addresses receive nothing but
/// HEARTBEATs (RFC 9260 §5.4), never user data.
#[test]
fn address_bombing_is_bounded_and_unconfirmed_addresses_get_only_heartbeats() {
    let mut cfg = AssociationConfig::default();
    cfg.hb_interval = Some(Duration::from_secs(1));
    let mut t = Tester::listen(cfg.clone());
    let params = (1..=100).map(|i| Parameter::from(victim(i))).collect();
    let out = t.send_tag(0, vec![init_with(params)]);
    let ack = init_ack_of(&out).unwrap();
    t.sut_tag = ack.initiate_tag.0;
    t.sut_tsn = ack.initial_tsn.0;
    let cookie = ack.state_cookie().unwrap();
    let echo = usctp_wire::chunk::CookieEcho { cookie };
    t.send(vec![Chunk::CookieEcho(echo)]);
    t.id = t.ep.association_ids().next();
    let paths = t.ep.association(t.id.unwrap()).unwrap().stats().paths.len();
    assert!(paths <= cfg.max_peer_addresses, "{paths} paths");
    for _ in 0..20 {
        t.user_send(b"to the real peer only");
    }
    let sent = t.run(Duration::from_secs(30));
    let to_victims: Vec<_> = sent.iter().filter(|s| s.to.dst.ip != PEER).collect();
    println!(
        "{paths} paths, {} packets to victims in 30 s",
        to_victims.len()
    );
    for s in &to_victims {
        let only_hb = s
            .packet
            .chunks
            .iter()
            .all(|c| matches!(c, Chunk::Heartbeat(_)));
        assert!(only_hb, "to {}: {:?}", s.to.dst, s.packet);
    }
}

/// RFC 9260 §11 (amplification): what the SUT answers to a packet is never larger than the
/// packet, except the INIT ACK, which is one packet of bounded size per INIT.
#[test]
fn replies_are_not_larger_than_the_packets_that_caused_them() {
    let mut t = Tester::accept(quiet());
    let unknown = |chunk_type| {
        Chunk::Unknown(UnknownChunk {
            chunk_type,
            flags: 0,
            value: bytes::Bytes::from_static(b"x"),
        })
    };
    let stimuli = [
        vec![Chunk::Heartbeat(Heartbeat {
            info: bytes::Bytes::from_static(b"hb"),
        })],
        (0..10).map(|_| unknown(0x7f)).collect(),
        (0..10).map(|_| unknown(0xff)).collect(),
    ];
    for chunks in stimuli {
        let request = packet(t.sut_tag, chunks.clone()).len();
        let out = t.send(chunks);
        assert!(len(&out) <= request, "{} > {request}: {out:?}", len(&out));
    }
    // Out of the blue, from an address with no association: at most an ABORT back.
    let stranger = victim(9);
    for chunks in [vec![unknown(0x7f)], vec![common::tester::heartbeat(b"x")]] {
        let bytes = packet(1234, chunks);
        let request = bytes.len();
        let out = t.send_bytes(stranger, bytes);
        assert!(len(&out) <= request, "{} > {request}: {out:?}", len(&out));
    }
    // The INIT ACK is larger than a minimal INIT (the cookie), but one bounded packet.
    let mut l = Tester::listen(quiet());
    let init = packet(0, vec![init_chunk(5, 10, 10)]);
    let out = l.send_bytes(victim(3), init.clone());
    assert_eq!(out.len(), 1);
    println!(
        "INIT of {} bytes -> INIT ACK of {} bytes",
        init.len(),
        len(&out)
    );
    assert!(len(&out) <= 512, "INIT of {} got {}", init.len(), len(&out));
}

/// RFC 9260 §5.1.1 (stream exhaustion): an INIT asking for 65535 streams each way gets our
/// configured inbound limit, and DATA on a stream beyond it is refused with an ERROR.
#[test]
fn init_asking_for_every_stream_gets_the_configured_limit() {
    let cfg = quiet();
    let mut t = Tester::listen(cfg.clone());
    let out = t.send_tag(0, vec![init_chunk(TAG, u16::MAX, u16::MAX)]);
    let ack = init_ack_of(&out).unwrap();
    assert!(ack.inbound_streams <= cfg.max_inbound_streams);
    assert!(ack.outbound_streams <= cfg.outbound_streams);
}

/// `max_chunks_per_packet`: a packet of 1000 HEARTBEATs is answered for at most that many
/// chunks; the rest are dropped, so one packet cannot buy unbounded work.
#[test]
fn chunks_processed_per_packet_are_bounded() {
    let cfg = quiet();
    let mut t = Tester::accept(cfg.clone());
    let hbs = (0..1000)
        .map(|_| common::tester::heartbeat(b"1234"))
        .collect();
    let out = t.send(hbs);
    let acks = out
        .iter()
        .flat_map(|p| &p.chunks)
        .filter(|c| matches!(c, Chunk::HeartbeatAck(_)))
        .count();
    assert!(acks <= cfg.max_chunks_per_packet, "{acks} HEARTBEAT ACKs");
    assert!(t.alive());
}

/// RFC 5062 §4 (address camping): an attacker sets up an association listing the victim's
/// address first. The victim's own INIT from that address and port is answered (RFC 9260
/// §5.2.2), and its COOKIE ECHO restarts the association as the victim's (§5.2.4 action A):
/// the victim is not locked out, and the camper's tag no longer works.
#[test]
fn address_camping_does_not_lock_the_victim_out() {
    let mut t = Tester::listen(quiet());
    let camp = init_with(vec![Parameter::from(victim(5))]);
    let out = t.send_tag(0, vec![camp]);
    let ack = init_ack_of(&out).unwrap();
    let echo = usctp_wire::chunk::CookieEcho {
        cookie: ack.state_cookie().unwrap(),
    };
    t.send_tag(ack.initiate_tag.0, vec![Chunk::CookieEcho(echo)]);
    assert_eq!(t.ep.association_count(), 1);
    let camper_tag = ack.initiate_tag.0;

    let out = t.send_bytes(victim(5), packet(0, vec![init_chunk(0x7777, 10, 10)]));
    let ack = init_ack_of(&out).expect("the victim's INIT is answered");
    let echo = usctp_wire::chunk::CookieEcho {
        cookie: ack.state_cookie().unwrap(),
    };
    let tag = ack.initiate_tag.0;
    let out = t.send_bytes(victim(5), packet(tag, vec![Chunk::CookieEcho(echo)]));
    assert!(has(&out, |c| matches!(c, Chunk::CookieAck(_))), "{out:?}");
    let hb = || vec![common::tester::heartbeat(b"victim")];
    let out = t.send_bytes(victim(5), packet(tag, hb()));
    assert!(
        has(&out, |c| matches!(c, Chunk::HeartbeatAck(_))),
        "{out:?}"
    );
    if tag != camper_tag {
        assert!(t
            .send_bytes(PEER, packet(camper_tag, hb()))
            .iter()
            .all(|p| {
                p.chunks
                    .iter()
                    .all(|c| !matches!(c, Chunk::HeartbeatAck(_)))
            }));
    }
}
