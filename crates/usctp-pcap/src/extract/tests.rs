//! Tests of the extract module.

use super::*;
use crate::testutil::{ipv4, ipv6, pcap, udp, SCTP};
use crate::PcapReader;

fn frames(link: u32, frames: &[Vec<u8>]) -> Vec<Result<SctpFrame, PcapError>> {
    PcapReader::new(pcap(link, frames, false, false, 0))
        .unwrap()
        .sctp_packets()
        .collect()
}

fn one(link: u32, frame: Vec<u8>) -> SctpFrame {
    let mut v = frames(link, &[frame]);
    assert_eq!(v.len(), 1, "{v:?}");
    v.remove(0).unwrap()
}

fn with_prefix(prefix: &[u8], ip: &[u8]) -> Vec<u8> {
    [prefix, ip].concat()
}

#[test]
fn every_link_type() {
    let v4 = ipv4(132, 0x4000, &SCTP);
    let v6 = ipv6(132, &SCTP);
    let mac = [0u8; 12];
    let eth4 = with_prefix(&[&mac[..], &[0x08, 0]].concat(), &v4);
    let vlan6 = with_prefix(&[&mac[..], &[0x81, 0, 0, 5, 0x86, 0xdd]].concat(), &v6);
    let mut sll = [0u8; 16];
    sll[14..].copy_from_slice(&[0x86, 0xdd]);
    let mut sll2 = [0u8; 20];
    sll2[..2].copy_from_slice(&[0x08, 0]);
    let cases = [
        (0, with_prefix(&2u32.to_le_bytes(), &v4), 4),
        (0, with_prefix(&30u32.to_be_bytes(), &v6), 6),
        (1, eth4, 4),
        (1, vlan6, 6),
        (101, v4.clone(), 4),
        (101, v6.clone(), 6),
        (108, with_prefix(&24u32.to_be_bytes(), &v6), 6),
        (113, with_prefix(&sll, &v6), 6),
        (276, with_prefix(&sll2, &v4), 4),
        (228, v4, 4),
        (229, v6, 6),
    ];
    for (link, frame, version) in cases {
        let f = one(link, frame);
        assert_eq!(&f.sctp[..], &SCTP[..], "link {link}");
        assert_eq!(f.udp, None);
        let want_v4 = version == 4;
        assert_eq!(
            (f.src.is_ipv4(), f.dst.is_ipv4()),
            (want_v4, want_v4),
            "link {link}"
        );
    }
}

#[test]
fn non_sctp_frames_are_passed_over() {
    let arp = [vec![0u8; 12], vec![0x08, 0x06], vec![0; 28]].concat();
    let tcp = [vec![0u8; 12], vec![0x08, 0], ipv4(6, 0, &[0; 20])].concat();
    let dns = [
        vec![0u8; 12],
        vec![0x86, 0xdd],
        ipv6(17, &udp(5353, 53, &[0; 12])),
    ]
    .concat();
    let sctp = [vec![0u8; 12], vec![0x08, 0], ipv4(132, 0, &SCTP)].concat();
    let got = frames(1, &[arp, tcp, dns, sctp]);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].as_ref().unwrap().frame, 4);
}

#[test]
fn udp_encapsulation_and_custom_ports() {
    let f = one(101, ipv4(17, 0, &udp(9900, 9899, &SCTP)));
    assert_eq!(
        f.udp,
        Some(UdpPorts {
            src: 9900,
            dst: 9899
        })
    );
    assert_eq!(&f.sctp[..], &SCTP[..]);
    let file = pcap(101, &[ipv6(17, &udp(5000, 6000, &SCTP))], false, false, 0);
    let r = PcapReader::new(file).unwrap();
    assert_eq!(r.sctp_packets().count(), 0);
    let opts = ExtractOptions {
        udp_ports: vec![6000],
    };
    let f = r.sctp_packets_with(opts).next().unwrap().unwrap();
    assert_eq!(
        f.udp,
        Some(UdpPorts {
            src: 5000,
            dst: 6000
        })
    );
}

#[test]
fn link_padding_after_the_ip_packet_is_dropped() {
    let mut eth = [
        vec![0u8; 12],
        vec![0x08, 0],
        ipv4(17, 0, &udp(9899, 9899, &SCTP)),
    ]
    .concat();
    eth.extend_from_slice(&[0xee; 6]);
    assert_eq!(&one(1, eth).sctp[..], &SCTP[..]);
}

#[test]
fn ipv6_extension_headers() {
    // Hop-by-hop (8 bytes) then an atomic fragment header, then SCTP.
    let ext = [
        vec![44, 0, 0, 0, 0, 0, 0, 0],
        vec![132, 0, 0, 0, 0, 0, 0, 1],
        SCTP.to_vec(),
    ]
    .concat();
    assert_eq!(&one(101, ipv6(0, &ext)).sctp[..], &SCTP[..]);
    // A first fragment (More Fragments set).
    let frag = [vec![132, 0, 0, 1, 0, 0, 0, 1], SCTP.to_vec()].concat();
    assert!(matches!(
        frames(101, &[ipv6(44, &frag)])[0],
        Err(PcapError::Fragment { frame: 1 })
    ));
    // No next header: nothing to report.
    assert!(frames(101, &[ipv6(59, &[])]).is_empty());
}

#[test]
fn malformed_frames_are_typed_errors_and_iteration_goes_on() {
    let mut bad_ihl = ipv4(132, 0, &SCTP);
    bad_ihl[0] = 0x44;
    let mut long_total = ipv4(132, 0, &SCTP);
    long_total[3] += 1;
    let mut bad_udp_len = ipv4(17, 0, &udp(1, 9899, &SCTP));
    bad_udp_len[20 + 5] = 7;
    type Check = fn(&PcapError) -> bool;
    let cases: Vec<(Vec<u8>, Check)> = vec![
        (bad_ihl, |e| {
            matches!(
                e,
                PcapError::BadHeader {
                    layer: "ipv4",
                    field: "header length",
                    ..
                }
            )
        }),
        (long_total, |e| {
            matches!(
                e,
                PcapError::Truncated {
                    layer: "ipv4",
                    needed: 37,
                    available: 36,
                    ..
                }
            )
        }),
        (bad_udp_len, |e| {
            matches!(
                e,
                PcapError::BadHeader {
                    layer: "udp",
                    field: "length",
                    ..
                }
            )
        }),
        (ipv4(132, 0x2000, &SCTP), |e| {
            matches!(e, PcapError::Fragment { .. })
        }),
        (ipv4(132, 0, &SCTP[..8]), |e| {
            matches!(e, PcapError::Truncated { layer: "sctp", .. })
        }),
        (vec![0x50; 30], |e| {
            matches!(
                e,
                PcapError::BadHeader {
                    layer: "ip",
                    field: "version",
                    ..
                }
            )
        }),
        (vec![0x60; 39], |e| {
            matches!(
                e,
                PcapError::Truncated {
                    layer: "ipv6",
                    needed: 40,
                    ..
                }
            )
        }),
        (ipv6(0, &[]), |e| {
            matches!(
                e,
                PcapError::BadHeader {
                    field: "payload length",
                    ..
                }
            )
        }),
    ];
    for (frame, check) in cases {
        let got = frames(101, &[frame.clone(), ipv4(132, 0, &SCTP)]);
        assert_eq!(got.len(), 2, "{frame:?}");
        assert!(check(got[0].as_ref().unwrap_err()), "{:?}", got[0]);
        assert!(got[1].is_ok());
    }
}

#[test]
fn snapped_frames_say_so() {
    let ip = ipv4(132, 0, &SCTP);
    let f = pcap(101, &[ip[..30].to_vec()], false, false, 6);
    let got: Vec<_> = PcapReader::new(f).unwrap().sctp_packets().collect();
    assert!(matches!(
        got[0],
        Err(PcapError::Snapped {
            frame: 1,
            captured: 30,
            original: 36
        })
    ));
}

#[test]
fn unsupported_link_type_is_reported_once() {
    let got = frames(105, &[vec![0; 40], vec![0; 40]]);
    assert!(matches!(
        got[..],
        [Err(PcapError::UnsupportedLinkType { link_type: 105 })]
    ));
}

#[test]
fn short_link_headers() {
    for (link, len) in [(1, 13), (113, 15), (276, 19), (0, 3), (1, 17)] {
        let mut frame = vec![0u8; len];
        if link == 1 && len == 17 {
            frame[12..16].copy_from_slice(&[0x81, 0, 0, 0]); // a VLAN tag, then nothing
        }
        let got = frames(link, &[frame]);
        assert!(
            matches!(got[..], [Err(PcapError::Truncated { .. })]),
            "{link} {len}: {got:?}"
        );
    }
}

/// Every prefix of a file, and every single-byte change of it, decodes without a panic.
#[test]
fn no_panic_on_cut_or_corrupted_files() {
    let mut eth = [vec![0u8; 12], vec![0x81, 0, 0, 1, 0x86, 0xdd]].concat();
    let ext = [vec![60, 0, 0, 0, 0, 0, 0, 0], vec![17, 0, 0, 0, 0, 0, 0, 0]].concat();
    eth.extend(ipv6(0, &[ext, udp(9899, 1, &SCTP)].concat()));
    let file = pcap(
        1,
        &[
            eth,
            [vec![0u8; 12], vec![8, 0], ipv4(132, 0, &SCTP)].concat(),
        ],
        false,
        false,
        0,
    );
    for cut in 0..file.len() {
        if let Ok(r) = PcapReader::new(file.slice(..cut)) {
            let _ = r.sctp_packets().count();
        }
    }
    for at in 0..file.len() {
        for x in [0x01, 0x0f, 0x80, 0xff] {
            let mut v = file.to_vec();
            v[at] ^= x;
            if let Ok(r) = PcapReader::new(v.into()) {
                let _ = r.sctp_packets().count();
            }
        }
    }
}
