//! Tests of the writer module.

use super::*;
use crate::testutil::SCTP;
use crate::{PcapReader, UdpPorts};

fn written(f: impl FnOnce(&mut PcapWriter<Vec<u8>>) -> io::Result<()>) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new()).unwrap();
    f(&mut w).unwrap();
    w.into_inner()
}

#[test]
fn file_header_and_ipv4_record_bytes() {
    let ts = Duration::new(0x1234_5678, 9_000);
    let v = written(|w| w.write_ipv4(ts, [10, 0, 0, 1].into(), [10, 0, 0, 2].into(), &SCTP));
    let header: &[u8] = &[
        0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 101, 0, 0, 0,
    ];
    assert_eq!(&v[..24], header);
    let record: &[u8] = &[0x78, 0x56, 0x34, 0x12, 9, 0, 0, 0, 36, 0, 0, 0, 36, 0, 0, 0];
    assert_eq!(&v[24..40], record);
    let ip: &[u8] = &[
        0x45, 0, 0, 36, 0, 1, 0x40, 0, 64, 132, 0x26, 0x53, 10, 0, 0, 1, 10, 0, 0, 2,
    ];
    assert_eq!(&v[40..60], ip);
    assert_eq!(checksum::internet(&v[40..60]), 0);
    assert_eq!(&v[60..], &SCTP[..]);
}

#[test]
fn ipv6_record_bytes() {
    let v = written(|w| {
        w.write_ipv6(
            Duration::ZERO,
            "fd00::1".parse().unwrap(),
            "fd00::2".parse().unwrap(),
            &SCTP,
        )
    });
    assert_eq!(&v[40..48], &[0x60, 0, 0, 0, 0, 16, 132, 64]);
    assert_eq!(v[40 + 23], 1);
    assert_eq!(v[40 + 39], 2);
    assert_eq!(&v[80..], &SCTP[..]);
}

/// The one's-complement sum over pseudo-header and datagram, checksum included, is 0xffff.
#[test]
fn udp_checksums_verify() {
    for (src, dst) in [
        ("10.0.0.1:9900", "10.0.0.2:9899"),
        ("[fd00::1]:9899", "[fd00::2]:5"),
    ] {
        let (src, dst): (SocketAddr, SocketAddr) = (src.parse().unwrap(), dst.parse().unwrap());
        let v = written(|w| w.write_udp(Duration::ZERO, src, dst, &SCTP));
        let ip_len = if src.is_ipv4() { 20 } else { 40 };
        let dgram = &v[40 + ip_len..];
        assert_eq!(dgram.len(), 8 + SCTP.len());
        assert_eq!(
            &dgram[..6],
            &[
                (src.port() >> 8) as u8,
                src.port() as u8,
                (dst.port() >> 8) as u8,
                dst.port() as u8,
                0,
                24
            ]
        );
        assert_ne!(&dgram[6..8], &[0, 0]);
        // Recomputing over the datagram with its checksum in place yields "zero", sent as 0xffff.
        assert_eq!(checksum::udp(src.ip(), dst.ip(), dgram), 0xffff);
    }
}

#[test]
fn round_trip_all_kinds_both_resolutions() {
    for res in [TsResolution::Micro, TsResolution::Nano] {
        let mut w = PcapWriter::with_resolution(Vec::new(), res).unwrap();
        let a4: IpAddr = "10.1.1.1".parse().unwrap();
        let b4: IpAddr = "10.1.1.2".parse().unwrap();
        let a6: IpAddr = "fd00:1::1".parse().unwrap();
        let b6: IpAddr = "fd00:1::2".parse().unwrap();
        let ts = |n: u32| Duration::new(1_700_000_000, n * 1_001_001);
        w.write_sctp(ts(1), a4, b4, &SCTP).unwrap();
        w.write_sctp(ts(2), a6, b6, &SCTP).unwrap();
        w.write_udp(
            ts(3),
            SocketAddr::new(a4, 9899),
            SocketAddr::new(b4, 40000),
            &SCTP,
        )
        .unwrap();
        w.write_udp(
            ts(4),
            SocketAddr::new(b6, 1234),
            SocketAddr::new(a6, 9899),
            &SCTP,
        )
        .unwrap();
        let r = PcapReader::new(w.into_inner().into()).unwrap();
        assert_eq!(r.resolution(), res);
        let got: Vec<_> = r.sctp_packets().map(Result::unwrap).collect();
        let want = [
            (a4, b4, None),
            (a6, b6, None),
            (
                a4,
                b4,
                Some(UdpPorts {
                    src: 9899,
                    dst: 40000,
                }),
            ),
            (
                b6,
                a6,
                Some(UdpPorts {
                    src: 1234,
                    dst: 9899,
                }),
            ),
        ];
        assert_eq!(got.len(), want.len());
        for (i, (f, (src, dst, udp))) in got.iter().zip(want).enumerate() {
            assert_eq!((f.src, f.dst, f.udp), (src, dst, udp));
            assert_eq!(&f.sctp[..], &SCTP[..]);
            assert_eq!(f.frame, i as u64 + 1);
            let mut t = ts(i as u32 + 1);
            if res == TsResolution::Micro {
                t = Duration::new(t.as_secs(), t.subsec_micros() * 1000);
            }
            assert_eq!(f.ts, t);
        }
    }
}

#[test]
fn invalid_input() {
    let mut w = PcapWriter::new(Vec::new()).unwrap();
    let v4: IpAddr = "10.0.0.1".parse().unwrap();
    let v6: IpAddr = "fd00::1".parse().unwrap();
    let kind = |r: io::Result<()>| r.unwrap_err().kind();
    assert_eq!(
        kind(w.write_sctp(Duration::ZERO, v4, v6, &SCTP)),
        io::ErrorKind::InvalidInput
    );
    let (s4, s6) = (SocketAddr::new(v4, 1), SocketAddr::new(v6, 1));
    assert_eq!(
        kind(w.write_udp(Duration::ZERO, s6, s4, &SCTP)),
        io::ErrorKind::InvalidInput
    );
    let big = vec![0; 65_536 - 20];
    assert_eq!(
        kind(w.write_sctp(Duration::ZERO, v4, v4, &big)),
        io::ErrorKind::InvalidInput
    );
    let big6 = vec![0; 65_536 - 8];
    assert_eq!(
        kind(w.write_udp(Duration::ZERO, s6, s6, &big6)),
        io::ErrorKind::InvalidInput
    );
    let late = Duration::from_secs(1 << 32);
    assert_eq!(
        kind(w.write_sctp(late, v6, v6, &SCTP)),
        io::ErrorKind::InvalidInput
    );
    // Nothing was written after the file header.
    assert_eq!(w.into_inner().len(), 24);
    // The largest packets that fit go through.
    let mut w = PcapWriter::new(Vec::new()).unwrap();
    w.write_sctp(Duration::ZERO, v4, v4, &big[1..]).unwrap();
    w.write_udp(Duration::ZERO, s6, s6, &big6[1..]).unwrap();
}
