//! Real captures (testdata/README.md): every SCTP packet in them parses with its checksum
//! verified and serialises back to the same bytes; each capture holds the chunks it should.
//!
//! Chunks are identified by `chunk_type()` numbers and inspected through `to_vec()`, so these
//! tests hold whichever chunk types have typed variants.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use bytes::Bytes;
use usctp_pcap::{PcapReader, SctpFrame};
use usctp_wire::chunk::{types, Chunk};
use usctp_wire::{Packet, ParseErrorKind, ParseOptions};

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata")
}

fn frames(name: &str) -> Vec<SctpFrame> {
    let data = std::fs::read(testdata().join(name)).unwrap();
    let reader = PcapReader::new(Bytes::from(data)).unwrap();
    // The usrsctp captures run SCTP-in-UDP between ports 9899 and 9900.
    let opts = usctp_pcap::ExtractOptions {
        udp_ports: vec![9899, 9900],
    };
    reader.sctp_packets_with(opts).map(|f| f.unwrap()).collect()
}

fn parse(f: &SctpFrame) -> Packet {
    Packet::parse(&f.sctp, ParseOptions::default())
        .unwrap_or_else(|e| panic!("frame {}: {e}", f.frame))
}

/// What a capture holds, counted.
#[derive(Debug, Default)]
struct Summary {
    packets: usize,
    udp: usize,
    ipv6: usize,
    chunks: BTreeMap<u8, usize>,
    /// (IPv4 address, IPv6 address, State Cookie) parameter counts of each INIT ACK.
    init_acks: Vec<(usize, usize, usize)>,
    sacks_with_gaps: usize,
    sacks_with_dups: usize,
}

fn summary(name: &str) -> Summary {
    let mut s = Summary::default();
    for f in frames(name) {
        let p = parse(&f);
        s.packets += 1;
        s.udp += usize::from(f.udp.is_some());
        s.ipv6 += usize::from(f.src.is_ipv6());
        for c in &p.chunks {
            *s.chunks.entry(c.chunk_type()).or_default() += 1;
            let raw = c.to_vec();
            match c.chunk_type() {
                types::INIT_ACK => s.init_acks.push(address_params(&raw)),
                types::SACK => {
                    // Header 4, cumulative TSN 4, a_rwnd 4, then the two counts.
                    s.sacks_with_gaps += usize::from(raw[12..14] != [0, 0]);
                    s.sacks_with_dups += usize::from(raw[14..16] != [0, 0]);
                }
                _ => {}
            }
        }
    }
    s
}

/// Count the IPv4 (5), IPv6 (6) and State Cookie (7) parameters of an INIT ACK chunk.
fn address_params(chunk: &[u8]) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    let mut at = 4 + 16; // chunk header, then the fixed part
    while at + 4 <= chunk.len() {
        let t = u16::from_be_bytes([chunk[at], chunk[at + 1]]);
        let len = usize::from(u16::from_be_bytes([chunk[at + 2], chunk[at + 3]]));
        match t {
            5 => counts.0 += 1,
            6 => counts.1 += 1,
            7 => counts.2 += 1,
            _ => {}
        }
        at += len.max(4).next_multiple_of(4);
    }
    counts
}

/// Packet and chunk counts, as `tshark -d udp.port==9899,sctp -d udp.port==9900,sctp` counts
/// them: (packets, in UDP, over IPv6) and (chunk type, count) pairs.
fn assert_counts(s: &Summary, packets: (usize, usize, usize), chunks: &[(u8, usize)]) {
    assert_eq!((s.packets, s.udp, s.ipv6), packets, "{s:?}");
    let want: BTreeMap<u8, usize> = chunks.iter().copied().collect();
    assert_eq!(s.chunks, want);
}

fn assert_has(s: &Summary, name: &str, wanted: &[u8]) {
    for t in wanted {
        assert!(
            s.chunks.contains_key(t),
            "{name}: no chunk of type {t}: {s:?}"
        );
    }
}

const HANDSHAKE_AND_SHUTDOWN: [u8; 7] = [
    types::INIT,
    types::INIT_ACK,
    types::COOKIE_ECHO,
    types::COOKIE_ACK,
    types::SHUTDOWN,
    types::SHUTDOWN_ACK,
    types::SHUTDOWN_COMPLETE,
];

#[test]
fn every_packet_parses_and_round_trips() {
    let mut files = 0;
    for entry in std::fs::read_dir(testdata()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pcap") {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let frames = frames(&name);
        assert!(!frames.is_empty(), "{name}: no SCTP packets");
        for f in &frames {
            let p = parse(f);
            assert_eq!(p.to_vec(), f.sctp, "{name} frame {}: round trip", f.frame);
        }
        files += 1;
    }
    assert_eq!(files, 5);
}

#[test]
fn one_flipped_byte_is_a_bad_checksum() {
    for name in [
        "usrsctp-echo.pcap",
        "usrsctp-tsctp-loss.pcap",
        "lksctp-proof.pcap",
    ] {
        for (i, f) in frames(name).iter().enumerate() {
            let mut v = f.sctp.to_vec();
            let at = (i * 7 + 1) % v.len();
            v[at] ^= 0x20;
            let e = Packet::parse(&Bytes::from(v), ParseOptions::default()).unwrap_err();
            assert!(
                matches!(e.kind, ParseErrorKind::BadChecksum { .. }),
                "{name} frame {} byte {at}: {e}",
                f.frame
            );
        }
    }
}

#[test]
fn usrsctp_echo() {
    let name = "usrsctp-echo.pcap";
    let s = summary(name);
    let chunks = [
        (0, 2),
        (1, 1),
        (2, 1),
        (3, 2),
        (4, 6),
        (5, 6),
        (7, 1),
        (8, 1),
        (10, 1),
    ];
    assert_counts(
        &s,
        (23, 23, 8),
        &[&chunks[..], &[(11, 1), (14, 1)]].concat(),
    );
    assert_has(&s, name, &HANDSHAKE_AND_SHUTDOWN);
    let more = [
        types::DATA,
        types::SACK,
        types::HEARTBEAT,
        types::HEARTBEAT_ACK,
    ];
    assert_has(&s, name, &more);
    assert_eq!(s.chunks[&types::DATA], 2); // the line and its echo
                                           // Bound to the wildcard address, usrsctp lists two IPv4 and two IPv6 addresses.
    assert_eq!(s.init_acks, [(2, 2, 1)]);
}

#[test]
fn usrsctp_tsctp() {
    let name = "usrsctp-tsctp.pcap";
    let s = summary(name);
    let chunks = [
        (0, 60),
        (1, 1),
        (2, 1),
        (3, 58),
        (4, 2),
        (5, 2),
        (7, 1),
        (8, 1),
        (10, 1),
    ];
    assert_counts(
        &s,
        (129, 129, 0),
        &[&chunks[..], &[(11, 1), (14, 1)]].concat(),
    );
    assert_has(&s, name, &HANDSHAKE_AND_SHUTDOWN);
    assert_has(
        &s,
        name,
        &[
            types::DATA,
            types::SACK,
            types::HEARTBEAT,
            types::HEARTBEAT_ACK,
        ],
    );
    // tsctp uses an IPv4 socket: only the two IPv4 addresses are listed.
    assert_eq!(s.init_acks, [(2, 0, 1)]);
    assert_eq!((s.sacks_with_gaps, s.sacks_with_dups), (0, 0));
}

#[test]
fn usrsctp_tsctp_with_loss() {
    let name = "usrsctp-tsctp-loss.pcap";
    let s = summary(name);
    // 100 messages, 8 DATA chunks sent again; SHUTDOWN ACK retransmitted twice.
    let chunks = [
        (0, 108),
        (1, 1),
        (2, 1),
        (3, 102),
        (4, 4),
        (5, 4),
        (7, 1),
        (8, 3),
        (10, 1),
    ];
    assert_counts(
        &s,
        (227, 227, 0),
        &[&chunks[..], &[(11, 1), (14, 1)]].concat(),
    );
    assert_has(&s, name, &HANDSHAKE_AND_SHUTDOWN);
    assert_eq!((s.sacks_with_gaps, s.sacks_with_dups), (19, 4));
}

#[test]
fn lksctp_proof() {
    let name = "lksctp-proof.pcap";
    let s = summary(name);
    let chunks = [
        (0, 9),
        (1, 12),
        (2, 12),
        (3, 9),
        (7, 6),
        (8, 6),
        (10, 6),
        (11, 6),
        (14, 6),
    ];
    assert_counts(&s, (70, 22, 15), &chunks);
    assert_has(&s, name, &HANDSHAKE_AND_SHUTDOWN);
    // The kernel's INIT ACKs carry a cookie and list its four addresses to an IPv4 peer, its
    // two IPv6 ones to an IPv6 peer; the last two come from the host-side test script.
    let count = |a| s.init_acks.iter().filter(|&&x| x == a).count();
    assert_eq!(
        (count((2, 2, 1)), count((0, 2, 1))),
        (7, 3),
        "{:?}",
        s.init_acks
    );
}

#[test]
fn lksctp_with_usrsctp() {
    let name = "lksctp-usrsctp.pcap";
    let s = summary(name);
    let chunks = [
        (0, 2),
        (1, 1),
        (2, 1),
        (3, 2),
        (4, 7),
        (5, 7),
        (7, 1),
        (8, 1),
        (10, 1),
    ];
    assert_counts(
        &s,
        (25, 25, 8),
        &[&chunks[..], &[(11, 1), (14, 1)]].concat(),
    );
    assert_has(&s, name, &HANDSHAKE_AND_SHUTDOWN);
    let more = [
        types::DATA,
        types::SACK,
        types::HEARTBEAT,
        types::HEARTBEAT_ACK,
    ];
    assert_has(&s, name, &more);
    assert_eq!(s.init_acks, [(2, 2, 1)]);
}

/// A chunk's type number survives `to_vec` whatever its variant.
#[test]
fn chunk_type_is_the_first_byte() {
    for f in frames("usrsctp-echo.pcap") {
        for c in parse(&f).chunks {
            assert_eq!(c.to_vec()[0], c.chunk_type());
            assert!(!matches!(c, Chunk::Unknown(ref u) if u.chunk_type != c.chunk_type()));
        }
    }
}
