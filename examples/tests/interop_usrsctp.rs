//! The usrsctp interop suite (interop/usrsctp/run) against this build's `sctpt` and `tput`:
//! echo both ways with multihomed usrsctp (IPv4 + IPv6 addresses in INIT / INIT ACK),
//! tsctp <-> tput both ways (100,000 x 1200 B and 5,000 x 64 KiB), and SHUTDOWN / ABORT from
//! each side that can start one. Every case's capture is checked with tshark.
//!
//! Needs root (network namespaces), tcpdump, tshark and Debian's libusrsctp-examples: skips
//! without root; without the tools it skips, or fails when USCTP_REQUIRE_TOOLS=1.

use std::path::Path;
use std::process::Command;

#[test]
fn usrsctp_interop_suite() {
    if !nix::unistd::Uid::effective().is_root() {
        eprintln!("SKIP usrsctp interop: needs root (network namespaces)");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../interop/usrsctp/run");
    let out = Command::new("bash")
        .arg(&script)
        .env("SCTPT", env!("CARGO_BIN_EXE_sctpt"))
        .env("TPUT", env!("CARGO_BIN_EXE_tput"))
        .output()
        .expect("run interop/usrsctp/run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The per-case result lines are the report: show them.
    println!("{stdout}");
    match out.status.code() {
        Some(77) if std::env::var_os("USCTP_REQUIRE_TOOLS").is_none() => {
            eprintln!("SKIP usrsctp interop: {}", stdout.trim());
        }
        Some(0) => {
            let passed = stdout.lines().filter(|l| l.starts_with("PASS ")).count();
            assert!(passed >= 8, "too few cases passed:\n{stdout}");
            assert!(!stdout.contains("FAIL "), "{stdout}");
        }
        code => panic!("interop/usrsctp/run exited {code:?}\n{stdout}\n{stderr}"),
    }
}
