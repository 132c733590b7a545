//! The kernel test peer's self-test (interop/kernel/peer/selftest --in-vm) in this suite's
//! guest: kernel_peer against itself over the guest's loopback, and against usrsctp_peer in
//! namespace `ukv` over UDP 9899 (PR-SCTP under loss, stream reconfiguration, large
//! messages). It exercises the peers usctp's extensions will be checked against.

use std::path::Path;
use std::process::Command;

use crate::vm::Vm;

/// Run the self-test's `cases` in the running guest; the PASS and NOTE lines, or the output.
pub fn peer_selftest(_vm: &Vm, cases: &[&str]) -> Result<String, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../interop/kernel/peer/selftest");
    let out = Command::new("bash")
        .arg(&script)
        .arg("--in-vm")
        .args(cases)
        .output()
        .map_err(|e| format!("{}: {e}", script.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let passed: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("PASS ") || l.starts_with("NOTE "))
        .collect();
    let npass = passed.iter().filter(|l| l.starts_with("PASS ")).count();
    if out.status.success() && npass == cases.len() && !stdout.contains("FAIL ") {
        Ok(format!("\n  {}", passed.join("\n  ")))
    } else {
        Err(format!(
            "{}: {}\n{stdout}{}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
