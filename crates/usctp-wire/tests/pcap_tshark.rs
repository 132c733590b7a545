//! tshark, when installed, must dissect what usctp-pcap writes of usctp-wire packets as SCTP with
//! good checksums (here, not in usctp-pcap, which depends on nothing of usctp).
#![allow(clippy::unwrap_used)]

use std::net::{IpAddr, SocketAddr};
use std::process::Command;
use std::time::Duration;

use bytes::Bytes;
use usctp_pcap::PcapWriter;
use usctp_wire::chunk::{Chunk, CookieAck, Data};
use usctp_wire::{CommonHeader, Packet, Ppid, Ssn, StreamId, Tsn, VerificationTag};

fn sctp_packet() -> Vec<u8> {
    let data = Data {
        tsn: Tsn(7),
        stream: StreamId(1),
        ssn: Ssn(0),
        ppid: Ppid(51),
        unordered: false,
        beginning: true,
        ending: true,
        immediate: false,
        payload: Bytes::from_static(b"hello"),
    };
    Packet {
        header: CommonHeader {
            src_port: 5000,
            dst_port: 5001,
            vtag: VerificationTag(0xdead_beef),
        },
        chunks: vec![Chunk::CookieAck(CookieAck), Chunk::Data(data)],
    }
    .to_vec()
}

#[test]
fn tshark_dissects_written_packets_as_sctp() {
    if Command::new("tshark").arg("-v").output().is_err() {
        eprintln!("SKIPPED: tshark is not installed");
        return;
    }
    let a4: IpAddr = "192.0.2.1".parse().unwrap();
    let b4: IpAddr = "192.0.2.2".parse().unwrap();
    let a6: IpAddr = "2001:db8::1".parse().unwrap();
    let b6: IpAddr = "2001:db8::2".parse().unwrap();
    let sctp = sctp_packet();
    let mut w = PcapWriter::new(Vec::new()).unwrap();
    let t = |ms: u64| Duration::from_millis(1_700_000_000_000 + ms);
    w.write_sctp(t(0), a4, b4, &sctp).unwrap();
    w.write_sctp(t(1), a6, b6, &sctp).unwrap();
    w.write_udp(
        t(2),
        SocketAddr::new(a4, 40000),
        SocketAddr::new(b4, 9899),
        &sctp,
    )
    .unwrap();
    w.write_udp(
        t(3),
        SocketAddr::new(b6, 9899),
        SocketAddr::new(a6, 40001),
        &sctp,
    )
    .unwrap();
    let path = std::env::temp_dir().join(format!("usctp-pcap-tshark-{}.pcap", std::process::id()));
    std::fs::write(&path, w.into_inner()).unwrap();

    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(&path)
        .args([
            "-o",
            "sctp.checksum:automatic",
            "-o",
            "ip.check_checksum:TRUE",
        ])
        .args(["-o", "udp.check_checksum:TRUE", "-d", "udp.port==9899,sctp"])
        .args(["-T", "fields", "-E", "separator=|", "-e", "frame.protocols"])
        .args(["-e", "sctp.chunk_type", "-e", "sctp.checksum.status"])
        .args([
            "-e",
            "ip.checksum.status",
            "-e",
            "udp.checksum.status",
            "-e",
            "_ws.malformed",
        ])
        .output()
        .unwrap();
    std::fs::remove_file(&path).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // What tshark makes of the DATA payload varies with its version: cut the protocols after sctp.
    let lines: Vec<String> = text
        .lines()
        .map(|l| match (l.find(":sctp"), l.find('|')) {
            (Some(s), Some(bar)) if s < bar => format!("{}{}", &l[..s + 5], &l[bar..]),
            _ => l.to_string(),
        })
        .collect();
    // protocols | chunk types | sctp crc (1 = good) | ip checksum | udp checksum | malformed
    let want = [
        "raw:ip:sctp|11,0|1|1||",
        "raw:ipv6:sctp|11,0|1|||",
        "raw:ip:udp:sctp|11,0|1|1|1|",
        "raw:ipv6:udp:sctp|11,0|1||1|",
    ];
    assert_eq!(lines, want, "tshark output:\n{text}");
}
