//! RFC 4895 §6.2 between two usctp endpoints on the simulator: with DATA and SACK in both
//! sides' CHUNKS, every packet that carries them starts with an AUTH chunk whose HMAC
//! verifies under the association shared key computed here from the captured INIT and INIT
//! ACK; a transfer under loss is perfect; tshark dissects the capture cleanly; switching the
//! active key keeps both ends talking when both have it, and stops DATA when the peer does
//! not.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::time::Duration;

use bytes::Bytes;
use common::auth::*;
use common::Pair;
use usctp_pcap::PcapReader;
use usctp_proto::{AssociationConfig, Extensions};
use usctp_sim::LinkConfig;
use usctp_testkit::{run_transfer, TransferSpec};
use usctp_wire::chunk::Chunk;
use usctp_wire::{Packet, ParseOptions};

const DATA: u8 = 0;
const SACK: u8 = 3;

fn auth_on() -> AssociationConfig {
    let mut c = AssociationConfig::default();
    c.extensions = Extensions::default().with(Extensions::AUTH);
    c.auth_chunks = vec![DATA, SACK];
    c
}

#[test]
fn rfc4895_6_2_every_data_and_sack_packet_starts_with_a_verifying_auth() {
    let dir = std::env::temp_dir().join(format!("usctp-auth-pcap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("auth.pcap");
    let spec = TransferSpec {
        messages: 200,
        loss: 0.05,
        assoc: auth_on(),
        pcap: Some(path.clone()),
        ..TransferSpec::default()
    };
    let r = run_transfer(&spec);
    assert!(r.is_perfect(), "{r}");
    let reader = PcapReader::new(Bytes::from(std::fs::read(&path).unwrap())).unwrap();
    let raw: Vec<Bytes> = reader.sctp_packets().map(|f| f.unwrap().sctp).collect();
    let parsed: Vec<Packet> = raw
        .iter()
        .map(|b| Packet::parse(b, ParseOptions::default()).unwrap())
        .collect();
    let side = |pick: fn(&Chunk) -> Option<Side>| {
        parsed
            .iter()
            .find_map(|p| p.chunks.first().and_then(pick))
            .unwrap()
    };
    let init = side(|c| match c {
        Chunk::Init(i) => Side::of(&i.params),
        _ => None,
    });
    let ack = side(|c| match c {
        Chunk::InitAck(a) => Side::of(&a.params),
        _ => None,
    });
    let key = association_key(&[], &init, &ack);
    let (mut signed, mut data_packets) = (0, 0);
    for (p, bytes) in parsed.iter().zip(&raw) {
        let needs = |c: &Chunk| matches!(c, Chunk::Data(_) | Chunk::Sack(_));
        let Some(first) = p.chunks.iter().position(needs) else {
            continue;
        };
        data_packets += usize::from(p.chunks.iter().any(|c| matches!(c, Chunk::Data(_))));
        let Some(Chunk::Auth(_)) = first.checked_sub(1).and_then(|i| p.chunks.get(i)) else {
            panic!("no AUTH before {:?}", p.chunks[first]);
        };
        // Chunks before the AUTH (COOKIE ECHO, COOKIE ACK, ...) are none the peer listed.
        let at = 12
            + p.chunks[..first - 1]
                .iter()
                .map(Chunk::padded_len)
                .sum::<usize>();
        assert!(verifies(bytes, at, &key), "HMAC does not verify: {p}");
        signed += 1;
    }
    assert!(
        data_packets >= 200 && signed > data_packets,
        "{signed} {data_packets}"
    );
    // tshark, when installed, dissects every packet without a checksum error or malformation.
    if common::tshark::available() {
        let out = Command::new("tshark")
            .args(["-n", "-r"])
            .arg(&path)
            .args(["-o", "sctp.checksum:crc-32c", "-T", "fields"])
            .args(["-e", "sctp.checksum.status", "-e", "_ws.malformed"])
            .args(["-e", "sctp.chunk_type"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), raw.len(), "{text}");
        for l in &lines {
            let f: Vec<_> = l.split('\t').collect();
            assert_eq!(f[..2], ["1", ""], "bad checksum or malformed: {l}");
        }
        let auth = lines.iter().filter(|l| {
            l.split('\t')
                .nth(2)
                .is_some_and(|t| t.split(',').next() == Some("15"))
        });
        assert!(auth.count() > 200, "{text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Run the pair until `n` messages reached the server.
fn delivered(p: &mut Pair, n: usize) -> bool {
    let server = p.server;
    p.sim.run_until_cond(Duration::from_secs(30), |s| {
        s.node(server).messages.len() >= n
    })
}

#[test]
fn rfc4895_6_1_switching_the_active_key_on_both_ends_keeps_them_talking() {
    let mut cfg = auth_on();
    cfg.hb_interval = None;
    cfg.auth_keys.add(1, &b"both have it"[..]);
    let mut p = Pair::new(7, 1, LinkConfig::default(), cfg);
    let id = p.establish();
    let sid = p.sim.node(p.server).ep.association_ids().next().unwrap();
    assert!(p.send(0, Bytes::from_static(b"with key 0")));
    assert!(delivered(&mut p, 1));
    for (node, id) in [(p.client, id), (p.server, sid)] {
        let r = p.sim.with_node(node, |n, _| {
            n.ep.with_association(id, |a| {
                assert!(a.extensions().contains(Extensions::AUTH));
                assert_eq!(
                    a.delete_auth_key(0),
                    Err(usctp_proto::AuthKeyError::ActiveKey(0))
                );
                a.set_active_auth_key(1)
            })
        });
        assert_eq!(r, Some(Ok(())));
    }
    assert!(p.send(0, Bytes::from_static(b"with key 1")));
    assert!(delivered(&mut p, 2));
    // Both may now drop key 0.
    for (node, id) in [(p.client, id), (p.server, sid)] {
        p.sim
            .with_node(node, |n, _| {
                n.ep.with_association(id, |a| a.delete_auth_key(0))
            })
            .unwrap()
            .unwrap();
    }
    assert!(p.send(0, Bytes::from_static(b"still key 1")));
    assert!(delivered(&mut p, 3));
    // The client switches to a key the server lacks: its DATA is discarded there.
    p.sim
        .with_node(p.client, |n, _| {
            n.ep.with_association(id, |a| {
                a.add_auth_key(2, Bytes::from_static(b"client only"))?;
                a.set_active_auth_key(2)
            })
        })
        .unwrap()
        .unwrap();
    assert!(p.send(0, Bytes::from_static(b"key 2")));
    assert!(!delivered(&mut p, 4));
    let stats = p
        .sim
        .with_node(p.server, |n, _| {
            n.ep.association(sid).map(|a| a.stats().auth)
        })
        .unwrap();
    assert!(stats.failed > 0 && stats.discarded_chunks > 0, "{stats:?}");
}

/// RFC 4895 §6.1: in an INIT collision each side's RANDOM is handled like its tag, so both
/// ends derive the same association shared key and authenticated DATA flows both ways.
#[test]
fn rfc4895_6_1_init_collision_keeps_the_keys_in_step() {
    for seed in 0..8 {
        let link = LinkConfig::with_latency(Duration::from_millis(20));
        let mut p = Pair::new(seed, 1, link, auth_on());
        let cid = p.connect();
        let caddr = common::addr(1, 0);
        let sid = p
            .sim
            .with_node(p.server, |n, now| {
                n.ep.connect(
                    now,
                    &[usctp_proto::TransportAddr::raw(caddr)],
                    common::CLIENT_PORT,
                    None,
                )
            })
            .unwrap();
        let (client, server) = (p.client, p.server);
        let up = |s: &usctp_sim::Sim| {
            let c = s
                .node(client)
                .events_of(cid)
                .any(|e| *e == usctp_proto::Event::Connected);
            let v = s
                .node(server)
                .events_of(sid)
                .any(|e| *e == usctp_proto::Event::Connected);
            c && v
        };
        assert!(
            p.sim.run_until_cond(Duration::from_secs(30), up),
            "seed {seed}"
        );
        p.sim.run_for(Duration::from_secs(1));
        for (node, id, text) in [
            (client, cid, &b"from client"[..]),
            (server, sid, b"from server"),
        ] {
            let sent = p.sim.with_node(node, |n, _| {
                n.ep.with_association(id, |a| {
                    assert!(a.extensions().contains(Extensions::AUTH), "seed {seed}");
                    a.send(usctp_wire::StreamId(0), Bytes::from_static(text))
                })
            });
            assert_eq!(sent, Some(Ok(())), "seed {seed}");
        }
        let ok = p.sim.run_until_cond(Duration::from_secs(10), |s| {
            !s.node(client).messages.is_empty() && !s.node(server).messages.is_empty()
        });
        assert!(ok, "seed {seed}: authenticated data after the collision");
    }
}
