//! RFC 9260 §3.3.10.5 on the wire: the ABORT that refuses an INIT carrying a Host Name
//! Address holds an Unresolvable Address cause with the whole parameter, and tshark dissects
//! it without a malformed-packet or error-level expert report (it flagged the old, empty
//! cause as malformed).
#![allow(clippy::unwrap_used)]

mod common;

use std::net::IpAddr;
use std::process::Command;
use std::time::Duration;

use common::tester::*;
use usctp_pcap::PcapWriter;
use usctp_wire::chunk::Chunk;
use usctp_wire::param::HostNameAddress;

#[test]
fn rfc9260_3_3_10_5_abort_with_unresolvable_address_dissects_cleanly() {
    if Command::new("tshark").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("USCTP_REQUIRE_TOOLS").is_none(),
            "tshark is required"
        );
        eprintln!("SKIPPED: tshark is not installed");
        return;
    }
    let mut t = Tester::listen(quiet());
    let host = HostNameAddress {
        raw: bytes::Bytes::from_static(b"peer.example.org\0"),
    };
    let out = t.send_tag(0, vec![init_with(vec![host.into()])]);
    let abort = out
        .iter()
        .find(|p| matches!(p.chunks.first(), Some(Chunk::Abort(_))))
        .expect("ABORT");
    let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
    let mut w = PcapWriter::new(Vec::new()).unwrap();
    w.write_sctp(Duration::from_secs(1_700_000_000), a, b, &abort.to_vec())
        .unwrap();
    let path = std::env::temp_dir().join(format!("usctp-unresolvable-{}.pcap", std::process::id()));
    std::fs::write(&path, w.into_inner()).unwrap();
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(&path)
        .args([
            "-o",
            "sctp.checksum:automatic",
            "-T",
            "fields",
            "-E",
            "separator=|",
        ])
        .args(["-e", "sctp.chunk_type", "-e", "sctp.cause_code"])
        .args(["-e", "_ws.malformed", "-e", "_ws.expert.severity"])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let f: Vec<&str> = text.split('|').collect();
    let [chunk, cause, malformed, severity] = f[..] else {
        panic!("tshark: {text:?} {}", String::from_utf8_lossy(&out.stderr));
    };
    let code = u16::from_str_radix(cause.trim_start_matches("0x"), 16).ok();
    assert_eq!(
        (chunk, code),
        ("6", Some(5)),
        "ABORT with Unresolvable Address: {text}"
    );
    assert!(malformed.is_empty(), "malformed: {text}");
    // Expert severities: 0x00800000 is error; notes and warnings are tolerated.
    let worst = severity
        .split(',')
        .filter_map(|s| s.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    assert!(worst < 0x0080_0000, "expert error: {text}");
}
