//! ICMP errors (RFC 9260 Appendix C, §7.3): packet too big lowers the path MTU so new data
//! is fragmented smaller; unreachable takes a path out of service at once (failover sooner
//! than the RTO); reports that do not quote our tags, or concern no association, change
//! nothing.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use common::{Pair, SERVER_PORT};
use usctp_proto::PathId;
use usctp_proto::{
    AssocId, AssociationConfig, CloseReason, Event, IcmpKind, IcmpReport, PathState, TransportAddr,
};
use usctp_sim::{DropReason, EventKind, LinkConfig};

const SEED: u64 = 0x1c3b;

/// The first 12 bytes an ICMP message quotes of a packet from `src_port` with `tag`.
fn quote(src_port: u16, dst_port: u16, tag: u32) -> Bytes {
    let mut b = BytesMut::new();
    b.put_u16(src_port);
    b.put_u16(dst_port);
    b.put_u32(tag);
    b.put_u32(0);
    b.freeze()
}

fn link() -> LinkConfig {
    LinkConfig::with_latency(Duration::from_millis(10))
}

fn peer_tag(p: &Pair, id: AssocId) -> u32 {
    p.sim
        .node(p.client)
        .ep
        .association(id)
        .unwrap()
        .peer_tag()
        .0
}

fn inject(p: &mut Pair, report: &IcmpReport) {
    p.sim
        .with_node(p.client, |n, now| n.ep.handle_icmp(now, report));
}

fn mtu(p: &Pair, id: AssocId, path: u16) -> usize {
    let a = p.sim.node(p.client).ep.association(id).unwrap();
    a.stats().path(PathId(path)).cloned().unwrap().mtu
}

/// Largest client datagram (wire size) seen by the observer since the last `take`.
fn size_probe(p: &mut Pair) -> Rc<RefCell<usize>> {
    let max = Rc::new(RefCell::new(0usize));
    let m = Rc::clone(&max);
    let client_ip = common::addr(1, 0);
    p.sim.observe(move |e: &usctp_sim::Event<'_>| {
        if e.kind == EventKind::Sent && e.datagram.src.ip == client_ip {
            let mut m = m.borrow_mut();
            *m = (*m).max(e.datagram.wire_len());
        }
    });
    max
}

fn delivered(p: &Pair, len: usize) -> bool {
    p.sim
        .node(p.server)
        .messages
        .iter()
        .any(|(_, m)| m.payload.len() == len)
}

#[test]
fn packet_too_big_makes_new_data_fit_the_smaller_mtu() {
    let mut p = Pair::new(SEED, 1, link(), AssociationConfig::default());
    let id = p.establish();
    let max = size_probe(&mut p);
    assert!(p.send(0, Bytes::from(vec![1u8; 20_000])));
    p.sim.run_for(Duration::from_secs(2));
    assert!(delivered(&p, 20_000), "seed {SEED}: first message lost");
    let before = max.replace(0);
    assert!(
        before > 1400,
        "seed {SEED}: full-size packets first ({before})"
    );

    // A router on the path now carries only 1300-byte packets and says so.
    for dir in [usctp_sim::Direction::AToB, usctp_sim::Direction::BToA] {
        p.sim.link_mut(p.links[0]).config_mut(dir).mtu = Some(1300);
    }
    let tag = peer_tag(&p, id);
    let report = IcmpReport {
        dst: TransportAddr::raw(p.server_addrs[0]),
        kind: IcmpKind::PacketTooBig { mtu: 1300 },
        quoted: quote(common::CLIENT_PORT, SERVER_PORT, tag),
    };
    inject(&mut p, &report);
    assert_eq!(mtu(&p, id, 0), 1300, "seed {SEED}");

    assert!(p.send(0, Bytes::from(vec![2u8; 30_001])));
    p.sim.run_for(Duration::from_secs(2));
    assert!(delivered(&p, 30_001), "seed {SEED}: second message lost");
    let after = max.replace(0);
    assert!(
        after <= 1300 && after > 1200,
        "seed {SEED}: packets after the report are {after} bytes"
    );
    assert_eq!(p.sim.stats().dropped.get(DropReason::Mtu), 0, "seed {SEED}");
    let c = p.sim.node(p.client).ep.association(id).unwrap();
    assert_eq!(
        c.stats()
            .path(PathId(0))
            .cloned()
            .unwrap()
            .counters
            .icmp_too_big,
        1
    );
}

#[test]
fn packet_too_big_is_clamped_checked_and_never_raises() {
    let mut p = Pair::new(SEED, 1, link(), AssociationConfig::default());
    let id = p.establish();
    let tag = peer_tag(&p, id);
    let dst = TransportAddr::raw(p.server_addrs[0]);
    let ptb = |mtu, tag, src_port| IcmpReport {
        dst,
        kind: IcmpKind::PacketTooBig { mtu },
        quoted: quote(src_port, SERVER_PORT, tag),
    };
    // Wrong verification tag, wrong port, a truncated quote: ignored.
    inject(&mut p, &ptb(1300, tag ^ 1, common::CLIENT_PORT));
    inject(&mut p, &ptb(1300, tag, common::CLIENT_PORT + 1));
    let mut short = ptb(1300, tag, common::CLIENT_PORT);
    short.quoted.truncate(8);
    inject(&mut p, &short);
    assert_eq!(mtu(&p, id, 0), 1500, "seed {SEED}");
    // Below the floor: clamped to 1200 (IPv4); a larger MTU later never raises it.
    inject(&mut p, &ptb(300, tag, common::CLIENT_PORT));
    assert_eq!(mtu(&p, id, 0), 1200, "seed {SEED}");
    inject(&mut p, &ptb(1400, tag, common::CLIENT_PORT));
    assert_eq!(mtu(&p, id, 0), 1200, "seed {SEED}");
}

/// Cut the primary link at 2 s during a steady send; with `icmp`, every client packet the
/// cut drops is answered with a host unreachable, as a router would. Returns when the
/// client first sent DATA over the alternate link after the cut.
fn failover_time(icmp: bool) -> Duration {
    let mut p = Pair::new(SEED, 2, link(), AssociationConfig::default());
    let id = p.establish();
    let cut = Duration::from_secs(2);
    let at = p.sim.elapsed().max(cut);
    p.sim.link_mut(p.links[0]).down_at(at);
    let drops = Rc::new(RefCell::new(Vec::new()));
    let alt_data = Rc::new(RefCell::new(None));
    let (d, a) = (Rc::clone(&drops), Rc::clone(&alt_data));
    let (primary, alternate) = (p.links[0], p.links[1]);
    p.sim.observe(move |e: &usctp_sim::Event<'_>| {
        let from_client =
            e.datagram.src.ip == common::addr(1, 0) || e.datagram.src.ip == common::addr(1, 1);
        if !from_client {
            return;
        }
        if e.kind == EventKind::Dropped(DropReason::LinkDown) && e.link == Some(primary) {
            d.borrow_mut().push(e.datagram.payload.clone());
        }
        // DATA is chunk type 0 right after the 12-byte common header.
        let is_data = e.datagram.payload.get(12) == Some(&0);
        if e.kind == EventKind::Sent && e.link == Some(alternate) && is_data && e.time >= cut {
            a.borrow_mut().get_or_insert(e.time);
        }
    });
    let dst = TransportAddr::raw(p.server_addrs[0]);
    let mut n = 0u32;
    while p.sim.elapsed() < Duration::from_secs(20) && alt_data.borrow().is_none() {
        n += 1;
        p.send(0, Bytes::from(n.to_be_bytes().repeat(100)));
        p.sim.run_for(Duration::from_millis(20));
        let dropped: Vec<Bytes> = drops.borrow_mut().drain(..).collect();
        for quoted in dropped.into_iter().filter(|_| icmp) {
            let report = IcmpReport {
                dst,
                kind: IcmpKind::Unreachable,
                quoted,
            };
            inject(&mut p, &report);
        }
    }
    let c = p.sim.node(p.client);
    if icmp {
        let pf = c.events_of(id).any(|e| {
            matches!(
                e,
                Event::PathStateChanged {
                    path: PathId(0),
                    state: PathState::PotentiallyFailed,
                    ..
                }
            )
        });
        assert!(pf, "seed {SEED}: primary not marked potentially failed");
        let counters =
            c.ep.association(id)
                .unwrap()
                .stats()
                .path(PathId(0))
                .cloned();
        assert!(counters.unwrap().counters.icmp_unreachable > 0);
        assert!(!c.ep.association(id).unwrap().is_closed());
    }
    let t = alt_data.borrow().expect("no failover within 20 s");
    t - cut
}

#[test]
fn unreachable_fails_over_sooner_than_the_rto() {
    let with = failover_time(true);
    let without = failover_time(false);
    println!("failover after the cut: with ICMP {with:?}, without {without:?}");
    assert!(
        with < Duration::from_millis(200) && without >= Duration::from_millis(900),
        "seed {SEED}: with ICMP {with:?}, without {without:?}"
    );
}

/// A report of `kind` at the first server address quoting an INIT with Initiate Tag `tag`.
fn about_init(p: &Pair, kind: IcmpKind, tag: u32) -> IcmpReport {
    let mut q = BytesMut::from(&quote(common::CLIENT_PORT, SERVER_PORT, 0)[..]);
    q.put_slice(&[1, 0, 0, 20]);
    q.put_u32(tag);
    IcmpReport {
        dst: TransportAddr::raw(p.server_addrs[0]),
        kind,
        quoted: q.freeze(),
    }
}

fn local_tag(p: &Pair, id: AssocId) -> u32 {
    p.sim
        .node(p.client)
        .ep
        .association(id)
        .unwrap()
        .local_tag()
        .0
}

fn icmp_unreachable_count(p: &Pair, id: AssocId) -> u64 {
    let a = p.sim.node(p.client).ep.association(id).unwrap();
    a.stats()
        .path(PathId(0))
        .cloned()
        .unwrap()
        .counters
        .icmp_unreachable
}

#[test]
fn icmp_about_an_init_without_association_is_ignored() {
    let mut p = Pair::new(SEED, 1, link(), AssociationConfig::default());
    // No association yet: a report quoting an INIT (tag 0) from our port changes nothing.
    let report = about_init(&p, IcmpKind::ProtocolUnreachable, 0xdead_beef);
    inject(&mut p, &report);
    assert_eq!(p.sim.node(p.client).ep.association_count(), 0);
    // In COOKIE-WAIT, a host unreachable quoting our INIT is counted as a path hint but
    // does not end the attempt; a protocol unreachable quoting another Initiate Tag (a
    // forgery) is ignored.
    let id = p.connect();
    let tag = local_tag(&p, id);
    let report = about_init(&p, IcmpKind::Unreachable, tag);
    inject(&mut p, &report);
    assert_eq!(icmp_unreachable_count(&p, id), 1);
    let forged = about_init(&p, IcmpKind::ProtocolUnreachable, tag ^ 1);
    inject(&mut p, &forged);
    assert_eq!(icmp_unreachable_count(&p, id), 1);
    p.sim.run_for(Duration::from_secs(3));
    assert!(p.client_connected(), "seed {SEED}");
}

#[test]
fn protocol_unreachable_about_our_init_ends_the_attempt_like_an_abort() {
    // Two server addresses: the report about the first one ends the attempt anyway
    // (RFC 9260 Appendix C ICMP8: handled like an ABORT, which would end it too).
    let mut p = Pair::new(SEED, 2, link(), AssociationConfig::default());
    let id = p.connect();
    let report = about_init(&p, IcmpKind::ProtocolUnreachable, local_tag(&p, id));
    inject(&mut p, &report);
    let closed: Vec<_> = p
        .sim
        .node(p.client)
        .events_of(id)
        .filter(|e| matches!(e, Event::Closed(_)))
        .cloned()
        .collect();
    assert_eq!(
        closed,
        [Event::Closed(CloseReason::ProtocolUnreachable(report.dst))],
        "seed {SEED}"
    );
    p.sim.run_for(Duration::from_secs(5));
    assert!(!p.client_connected(), "seed {SEED}");
    assert_eq!(
        p.sim.node(p.client).ep.association_count(),
        0,
        "seed {SEED}"
    );
}

#[test]
fn protocol_unreachable_on_an_established_association_is_only_a_path_hint() {
    let mut p = Pair::new(SEED, 2, link(), AssociationConfig::default());
    let id = p.establish();
    let report = IcmpReport {
        dst: TransportAddr::raw(p.server_addrs[0]),
        kind: IcmpKind::ProtocolUnreachable,
        quoted: quote(common::CLIENT_PORT, SERVER_PORT, peer_tag(&p, id)),
    };
    inject(&mut p, &report);
    let c = p.sim.node(p.client);
    assert!(!c.ep.association(id).unwrap().is_closed(), "seed {SEED}");
    assert_eq!(icmp_unreachable_count(&p, id), 1);
    let pf = c.events_of(id).any(|e| {
        matches!(
            e,
            Event::PathStateChanged {
                path: PathId(0),
                state: PathState::PotentiallyFailed,
                ..
            }
        )
    });
    assert!(pf, "seed {SEED}: path 0 not marked potentially failed");
}
