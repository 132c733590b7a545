//! The simulator's pcap output is read by tshark: every packet SCTP with a good checksum.

use std::process::Command;

use usctp_testkit::{run_transfer, TransferSpec};

#[test]
fn transfer_capture_dissects_cleanly_in_tshark() {
    let dir = std::env::temp_dir().join(format!("usctp-sim-pcap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("transfer.pcap");
    let spec = TransferSpec {
        messages: 50,
        loss: 0.1,
        pcap: Some(path.clone()),
        ..TransferSpec::default()
    };
    let r = run_transfer(&spec);
    assert!(r.is_perfect(), "{r}");
    let out = Command::new("tshark")
        .args(["-r"])
        .arg(&path)
        .args([
            "-o",
            "sctp.checksum:crc-32c",
            "-T",
            "fields",
            "-e",
            "sctp.checksum.status",
            "-e",
            "_ws.malformed",
        ])
        .output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        _ if std::env::var_os("USCTP_REQUIRE_TOOLS").is_some() => panic!("tshark is required"),
        _ => {
            println!("SKIPPED: tshark not available");
            return;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<_> = text.lines().collect();
    assert!(lines.len() > 50, "{} packets", lines.len());
    assert!(
        lines.iter().all(|l| l.trim() == "1"),
        "bad checksum or malformed: {text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
