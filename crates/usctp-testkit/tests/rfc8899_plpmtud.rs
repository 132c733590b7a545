//! Packetization Layer Path MTU Discovery (RFC 8899, SCTP in §6.2): probes are HEARTBEAT +
//! PAD of the probed size; a path whose MTU falls while ICMP is blocked is found to be a
//! black hole and falls back to BASE_PLPMTU, so the transfer completes; PMTU_RAISE_TIMER
//! finds the larger MTU again once the path carries it.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use bytes::Bytes;
use common::Pair;
use usctp_proto::{
    AssocId, AssociationConfig, IcmpKind, IcmpReport, PathId, PlpmtudConfig, TransportAddr,
};
use usctp_sim::{Direction, DropReason, EventKind, LinkConfig};

const SEED: u64 = 0x8899;

fn config(raise: Duration) -> AssociationConfig {
    let mut pl = PlpmtudConfig::default();
    pl.max_mtu = 9000;
    pl.raise_interval = raise;
    let mut c = AssociationConfig::default();
    c.plpmtud = Some(pl);
    c
}

fn link() -> LinkConfig {
    let mut l = LinkConfig::with_latency(Duration::from_millis(10));
    l.mtu = Some(9000);
    l
}

fn set_link_mtu(p: &mut Pair, mtu: usize) {
    for dir in [Direction::AToB, Direction::BToA] {
        p.sim.link_mut(p.links[0]).config_mut(dir).mtu = Some(mtu);
    }
}

fn mtu(p: &Pair, id: AssocId) -> usize {
    let a = p.sim.node(p.client).ep.association(id).unwrap();
    a.stats().path(PathId(0)).cloned().unwrap().mtu
}

fn delivered(p: &Pair) -> usize {
    p.sim.node(p.server).messages.len()
}

/// Wire sizes of the client's packets that are one HEARTBEAT followed by one PAD.
fn probe_sizes(p: &mut Pair) -> Rc<RefCell<Vec<usize>>> {
    let sizes = Rc::new(RefCell::new(Vec::new()));
    let s = Rc::clone(&sizes);
    let client_ip = common::addr(1, 0);
    p.sim.observe(move |e: &usctp_sim::Event<'_>| {
        let d = e.datagram;
        if e.kind != EventKind::Sent || d.src.ip != client_ip {
            return;
        }
        let b = &d.payload;
        let Some(&[t, _, l0, l1]) = b.get(12..16) else {
            return;
        };
        let next = 12 + usize::from(u16::from_be_bytes([l0, l1])).next_multiple_of(4);
        let Some(&[pad, _, p0, p1]) = b.get(next..next + 4) else {
            return;
        };
        let pad_end = next + usize::from(u16::from_be_bytes([p0, p1]));
        if t == 4 && pad == 0x84 && pad_end == b.len() {
            s.borrow_mut().push(d.wire_len());
        }
    });
    sizes
}

#[test]
fn rfc8899_6_2_probes_are_heartbeat_and_pad_of_the_probed_size() {
    let mut p = Pair::new(SEED, 1, link(), config(Duration::from_secs(600)));
    let sizes = probe_sizes(&mut p);
    let id = p.establish();
    assert_eq!(mtu(&p, id), 1200, "starts at BASE_PLPMTU");
    p.sim.run_for(Duration::from_secs(2));
    assert_eq!(mtu(&p, id), 9000, "the ceiling is confirmed");
    assert_eq!(*sizes.borrow(), [9000], "one probe, exactly 9000 bytes");
    // Off by default: no probes, the configured initial MTU.
    let mut q = Pair::new(SEED, 1, link(), AssociationConfig::default());
    let sizes = probe_sizes(&mut q);
    let id = q.establish();
    q.sim.run_for(Duration::from_secs(5));
    assert_eq!(mtu(&q, id), 1500);
    assert!(sizes.borrow().is_empty());
}

#[test]
fn rfc8899_4_3_black_hole_without_icmp_recovers_and_the_mtu_rises_again() {
    let mut p = Pair::new(SEED, 1, link(), config(Duration::from_secs(60)));
    let sizes = probe_sizes(&mut p);
    let id = p.establish();
    p.sim.run_for(Duration::from_secs(2));
    assert_eq!(mtu(&p, id), 9000);

    // A transfer of 400 messages; half-way the path carries only 1400 bytes and no ICMP
    // says so.
    for _ in 0..200 {
        assert!(p.send(0, Bytes::from(vec![7u8; 1000])));
    }
    p.sim.run_for(Duration::from_millis(30));
    assert!(delivered(&p) < 200, "the change comes mid-transfer");
    set_link_mtu(&mut p, 1400);
    for _ in 0..200 {
        assert!(p.send(0, Bytes::from(vec![8u8; 1000])));
    }
    p.sim.run_for(Duration::from_secs(40));
    assert_eq!(delivered(&p), 400, "seed {SEED}: transfer completes");
    assert!(
        p.sim.stats().dropped.get(DropReason::Mtu) > 0,
        "a black hole"
    );
    let found = mtu(&p, id);
    assert!(
        (1200..=1400).contains(&found) && found > 1400 - 64,
        "seed {SEED}: searched to {found}"
    );
    assert!(!p
        .sim
        .node(p.client)
        .events_of(id)
        .any(|e| matches!(e, usctp_proto::Event::Closed(_))));

    // The path carries 9000 again: within PMTU_RAISE_TIMER the search finds it.
    set_link_mtu(&mut p, 9000);
    p.sim.run_for(Duration::from_secs(70));
    assert_eq!(mtu(&p, id), 9000, "seed {SEED}: the MTU rises again");
    assert_eq!(sizes.borrow().last(), Some(&9000));
}

#[test]
fn rfc8899_6_2_over_udp_encapsulation_the_probe_counts_the_udp_header() {
    let mut p = Pair::new(SEED, 1, link(), config(Duration::from_secs(600)));
    let sizes = probe_sizes(&mut p);
    let remote = [TransportAddr::udp(p.server_addrs[0], 9899)];
    let id = p
        .sim
        .with_node(p.client, |n, now| {
            n.ep.connect(now, &remote, common::SERVER_PORT, None)
        })
        .unwrap();
    p.assoc = Some(id);
    p.sim.run_for(Duration::from_secs(3));
    assert!(p.client_connected() && p.server_connected());
    assert_eq!(mtu(&p, id), 9000);
    assert_eq!(*sizes.borrow(), [9000], "IP + UDP + SCTP = the probed size");
    assert_eq!(p.sim.stats().dropped.get(DropReason::Mtu), 0);
    for _ in 0..20 {
        assert!(p.send(0, Bytes::from(vec![1u8; 8000])));
    }
    p.sim.run_for(Duration::from_secs(5));
    assert_eq!(delivered(&p), 20);
    assert_eq!(p.sim.stats().dropped.get(DropReason::Mtu), 0, "data fits");
}

#[test]
fn rfc8899_4_6_packet_too_big_is_checked_against_the_search() {
    let mut p = Pair::new(SEED, 1, link(), config(Duration::from_secs(30)));
    let id = p.establish();
    p.sim.run_for(Duration::from_secs(2));
    assert_eq!(mtu(&p, id), 9000);
    let tag = p
        .sim
        .node(p.client)
        .ep
        .association(id)
        .unwrap()
        .peer_tag()
        .0;
    let ptb = |mtu: usize| {
        let mut q = vec![0u8; 12];
        q[..2].copy_from_slice(&common::CLIENT_PORT.to_be_bytes());
        q[2..4].copy_from_slice(&common::SERVER_PORT.to_be_bytes());
        q[4..8].copy_from_slice(&tag.to_be_bytes());
        IcmpReport {
            dst: TransportAddr::raw(p.server_addrs[0]),
            kind: IcmpKind::PacketTooBig { mtu },
            quoted: Bytes::from(q),
        }
    };
    let (big, small) = (ptb(9500), ptb(4000));
    p.sim
        .with_node(p.client, |n, now| n.ep.handle_icmp(now, &big));
    assert_eq!(mtu(&p, id), 9000, "never raised by ICMP");
    p.sim
        .with_node(p.client, |n, now| n.ep.handle_icmp(now, &small));
    assert_eq!(mtu(&p, id), 4000, "lowered at once");
    // The link still carries 9000: the search stays below the reported size until
    // PMTU_RAISE_TIMER, then finds 9000 again.
    p.sim.run_for(Duration::from_secs(10));
    assert_eq!(mtu(&p, id), 4000);
    p.sim.run_for(Duration::from_secs(30));
    assert_eq!(mtu(&p, id), 9000);
}

#[test]
fn rfc8899_4_lost_probes_count_no_path_error() {
    // The path carries 1400 from the start: every larger probe is lost, MAX_PROBES times per
    // size, yet the path stays active with no error counted (a heartbeat would count one).
    let mut l = link();
    l.mtu = Some(1400);
    let mut p = Pair::new(SEED, 1, l, config(Duration::from_secs(600)));
    let sizes = probe_sizes(&mut p);
    let id = p.establish();
    p.sim.run_for(Duration::from_secs(30));
    let a = p.sim.node(p.client).ep.association(id).unwrap().stats();
    let path = a.path(PathId(0)).cloned().unwrap();
    assert!(
        (1400 - 64..=1400).contains(&path.mtu),
        "seed {SEED}: {}",
        path.mtu
    );
    assert_eq!(path.error_count, 0);
    assert_eq!(a.error_count, 0);
    assert_eq!(path.state, usctp_proto::PathState::Active);
    let sizes = sizes.borrow();
    assert_eq!(
        sizes.iter().filter(|&&s| s == 9000).count(),
        3,
        "MAX_PROBES"
    );
    assert!(!p
        .sim
        .node(p.client)
        .events_of(id)
        .any(|e| matches!(e, usctp_proto::Event::PathStateChanged { .. })));
}

/// RFC 9260 §7.3: DATA chunks sent at 9000 bytes before the path shrank keep their TSNs and
/// cannot be cut again (§6.9); their retransmissions leave without DF, so that an IPv4 router
/// fragments them, and a transfer of large messages survives the black hole. The path goes
/// potentially failed with the first T3-rtx; the probe that checks the PLPMTU (RFC 8899 §4.3)
/// is sent all the same, or the black hole would never be found.
#[test]
fn rfc9260_7_3_a_retransmission_too_large_for_the_path_leaves_without_df() {
    let mut p = Pair::new(SEED, 1, link(), config(Duration::from_secs(600)));
    let id = p.establish();
    p.sim.run_for(Duration::from_secs(2));
    assert_eq!(mtu(&p, id), 9000);
    let sent = Rc::new(RefCell::new(Vec::new()));
    let s = Rc::clone(&sent);
    let client_ip = common::addr(1, 0);
    p.sim.observe(move |e: &usctp_sim::Event<'_>| {
        let d = e.datagram;
        if e.kind == EventKind::Sent && d.src.ip == client_ip {
            let heartbeat = d.payload.get(12) == Some(&4);
            s.borrow_mut()
                .push((d.wire_len(), d.may_fragment, heartbeat));
        }
    });

    for _ in 0..40 {
        assert!(p.send(0, Bytes::from(vec![9u8; 20_000])));
    }
    p.sim.run_for(Duration::from_millis(15));
    assert!(delivered(&p) < 40, "the change comes mid-transfer");
    sent.borrow_mut().clear();
    set_link_mtu(&mut p, 1400);
    p.sim.run_for(Duration::from_secs(60));
    assert_eq!(delivered(&p), 40, "seed {SEED}: transfer completes");
    assert!(!p
        .sim
        .node(p.client)
        .events_of(id)
        .any(|e| matches!(e, usctp_proto::Event::Closed(_))));
    let sent = sent.borrow();
    let without_df: Vec<usize> = sent.iter().filter(|s| s.1).map(|s| s.0).collect();
    assert!(!without_df.is_empty(), "old chunks were resent without DF");
    assert!(without_df.iter().all(|&len| len > 1400), "{without_df:?}");
    // The probes that found the black hole keep DF: they ask whether a size gets through.
    assert!(sent.iter().any(|s| s.2 && s.0 > 1400));
    assert!(sent.iter().all(|s| !(s.2 && s.1)));
    assert!(mtu(&p, id) <= 1400);
}
