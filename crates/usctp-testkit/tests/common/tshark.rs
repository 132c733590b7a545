//! tshark as a second opinion on what the SUT puts on the wire: one packet written to a pcap
//! file and dissected, fields out.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::IpAddr;
use std::process::Command;
use std::time::Duration;

use usctp_pcap::PcapWriter;

/// tshark is installed; when not, the test is skipped unless USCTP_REQUIRE_TOOLS is set.
pub fn available() -> bool {
    if Command::new("tshark").arg("-v").output().is_ok() {
        return true;
    }
    assert!(
        std::env::var_os("USCTP_REQUIRE_TOOLS").is_none(),
        "tshark is required"
    );
    eprintln!("SKIPPED: tshark is not installed");
    false
}

/// `fields` of the SCTP packet `sctp` (common header on), then `_ws.malformed` and
/// `_ws.expert.severity`, separated by `|`.
pub fn fields(sctp: &[u8], name: &str, fields: &[&str]) -> String {
    let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
    let mut w = PcapWriter::new(Vec::new()).unwrap();
    w.write_sctp(Duration::from_secs(1_700_000_000), a, b, sctp)
        .unwrap();
    let path = std::env::temp_dir().join(format!("usctp-{name}-{}.pcap", std::process::id()));
    std::fs::write(&path, w.into_inner()).unwrap();
    let mut cmd = Command::new("tshark");
    cmd.args(["-n", "-r"]).arg(&path).args([
        "-o",
        "sctp.checksum:automatic",
        "-T",
        "fields",
        "-E",
        "separator=|",
    ]);
    for f in fields
        .iter()
        .chain(&["_ws.malformed", "_ws.expert.severity"])
    {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().unwrap();
    let _ = std::fs::remove_file(&path);
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        !text.is_empty(),
        "tshark: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// The last two fields of `fields`' output show no malformed packet and no expert report of
/// error level (notes and warnings are tolerated); returns the other fields.
pub fn assert_clean(text: &str) -> Vec<&str> {
    let mut f: Vec<&str> = text.split('|').collect();
    assert!(f.len() >= 2, "tshark: {text:?}");
    let severity = f.pop().unwrap();
    let malformed = f.pop().unwrap();
    assert!(malformed.is_empty(), "malformed: {text}");
    // Expert severities: 0x00800000 is error.
    let worst = severity
        .split(',')
        .filter_map(|s| s.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    assert!(worst < 0x0080_0000, "expert error: {text}");
    f
}

/// The numbers of a field (comma-separated for repeated fields), decimal or `0x` hex as the
/// tshark version prints them.
pub fn numbers(field: &str) -> Vec<u64> {
    let one = |s: &str| match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    };
    field.split(',').filter_map(one).collect()
}
