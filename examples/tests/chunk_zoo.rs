//! tshark dissects the chunk zoo cleanly: every packet as SCTP with a good CRC32c, nothing
//! malformed, no error-level expert info, and every chunk type, parameter type and error cause
//! of the codec recognised as such.
//!
//! Skipped with a message when tshark is missing, unless `USCTP_REQUIRE_TOOLS` is set (CI).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use usctp_examples::zoo::{packets, write_pcap, CARRIERS};

/// Wireshark's `PI_ERROR` expert severity.
const PI_ERROR: u32 = 0x0080_0000;

fn tshark(pcap: &Path, extra: &[&str]) -> String {
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(pcap)
        .args(["-o", "sctp.checksum:crc-32c", "-d", "udp.port==9899,sctp"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "tshark failed: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// The comma-separated numbers of one field column, decimal or 0x-hex.
fn numbers(column: &str) -> impl Iterator<Item = u32> + '_ {
    column.split(',').filter(|s| !s.is_empty()).map(|s| {
        let n = match s.strip_prefix("0x") {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => s.parse(),
        };
        n.unwrap_or_else(|e| panic!("tshark field value {s:?}: {e}"))
    })
}

#[test]
fn tshark_dissects_the_zoo_cleanly() {
    if Command::new("tshark").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("USCTP_REQUIRE_TOOLS").is_none(),
            "tshark is required (USCTP_REQUIRE_TOOLS is set) but not installed"
        );
        // Straight to stderr, not eprintln!, which the test harness captures.
        let msg = "SKIPPED: tshark is not installed (set USCTP_REQUIRE_TOOLS to make this fail)\n";
        std::io::stderr().write_all(msg.as_bytes()).ok();
        return;
    }
    let path = std::env::temp_dir().join(format!("usctp-chunk-zoo-{}.pcap", std::process::id()));
    let mut file = Vec::new();
    let records = write_pcap(&mut file).unwrap();
    std::fs::write(&path, file).unwrap();
    let fields = tshark(
        &path,
        &[
            "-T",
            "fields",
            "-E",
            "separator=|",
            "-e",
            "frame.number",
            "-e",
            "frame.protocols",
            "-e",
            "sctp.checksum.status",
            "-e",
            "sctp.chunk_type",
            "-e",
            "sctp.parameter_type",
            "-e",
            "sctp.cause_code",
            "-e",
            "_ws.expert.severity",
            "-e",
            "_ws.expert.message",
        ],
    );
    let malformed = tshark(
        &path,
        &["-Y", "_ws.malformed", "-T", "fields", "-e", "frame.number"],
    );
    std::fs::remove_file(&path).ok();

    let expected: usize = CARRIERS.iter().map(|&c| packets(c).len()).sum();
    assert_eq!(records, expected);
    let lines: Vec<&str> = fields.lines().collect();
    assert_eq!(
        lines.len(),
        expected,
        "tshark saw a different packet count:\n{fields}"
    );
    let (mut chunks, mut params, mut causes) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for line in &lines {
        let cols: Vec<&str> = line.split('|').collect();
        let [frame, protocols, checksum, chunk, param, cause, severity, message] = cols[..] else {
            panic!("unexpected tshark line {line:?}");
        };
        assert!(
            protocols.contains(":sctp"),
            "frame {frame} not dissected as SCTP: {line}"
        );
        assert_eq!(checksum, "1", "frame {frame}: CRC32c not good: {line}");
        assert!(
            numbers(severity).all(|s| s < PI_ERROR),
            "frame {frame}: error-level expert info: {message}"
        );
        chunks.extend(numbers(chunk));
        params.extend(numbers(param));
        causes.extend(numbers(cause));
    }
    assert_eq!(malformed.trim(), "", "malformed frames");
    assert!(
        chunks.len() >= 23,
        "tshark saw {} chunk types: {chunks:?}",
        chunks.len()
    );
    // Every type the codec knows, by number (tshark names some of the newer ones "Unknown",
    // but sees them as parameters and causes, not as garbage).
    let codec_chunks = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 64, 128, 130, 132, 192, 193, 194,
    ];
    let missing: Vec<_> = codec_chunks
        .iter()
        .filter(|t| !chunks.contains(t))
        .collect();
    assert!(
        missing.is_empty(),
        "chunk types tshark did not see: {missing:?}"
    );
    let codec_params = [
        1, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 0x8000, 0x8001, 0x8002, 0x8003, 0x8004,
        0x8005, 0x8008, 0xc000, 0xc001, 0xc002, 0xc003, 0xc004, 0xc005, 0xc006,
    ];
    let missing: Vec<_> = codec_params
        .iter()
        .filter(|t| !params.contains(t))
        .collect();
    assert!(
        missing.is_empty(),
        "parameter types tshark did not see: {missing:x?}"
    );
    let codec_causes = [
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0x105,
    ];
    let missing: Vec<_> = codec_causes
        .iter()
        .filter(|t| !causes.contains(t))
        .collect();
    assert!(
        missing.is_empty(),
        "error causes tshark did not see: {missing:x?}"
    );
}
