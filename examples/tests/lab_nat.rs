//! The lab's NAT experiments (`lab/lab s7|nat`) against the `sctpt` cargo built for this
//! test: S7, a pod behind a Kubernetes-like node (nftables DNAT, masquerade, conntrack), with
//! usctp and with the Linux kernel (QEMU guest) as the client, and issue 20's NAT lab, a
//! client behind two masquerading routers. Each runs over raw IP and UDP 9899.
//!
//! Root only; skipped otherwise, with a message. Every runner builds its own namespaces
//! (`usctplab-s7-*`, `usctplab-nat-*`) and removes them, so the runners of this file take
//! turns (lab_run's lock). Each prints one result line, some an explanation first, and exits
//! 0 only on pass.

mod lab_run;

/// S7 with default settings, then the two fixes that need nothing from ASCONF: the failure
/// is asserted (the client's ABORT with the T bit, and what it does: dropped by conntrack on
/// raw IP, the association aborted over UDP), and each fix runs ctraffic with nothing lost.
const S7: &[(&str, &[&str])] = &[
    ("4", &["s7", "fail", "raw"]),
    ("4", &["s7", "fail", "udp"]),
    ("4", &["s7", "source", "raw"]),
    ("4", &["s7", "source", "udp"]),
    ("4", &["s7", "drop", "raw"]),
    ("4", &["s7", "drop", "udp"]),
];

/// S7's failure with the Linux kernel as the client (interop/kernel's QEMU guest runs
/// `sctp_darn`); each run boots the guest, about 45 s.
const S7_KERNEL: &[(&str, &[&str])] = &[("4", &["s7-kernel", "raw"]), ("4", &["s7-kernel", "udp"])];

/// Issue 20's negative control: without the NAT-friendly client, the server answers the
/// HEARTBEAT that arrives through the second NAT with an ABORT.
const NAT_CONTROL: &[(&str, &[&str])] = &[
    ("4", &["nat", "control", "raw"]),
    ("4", &["nat", "control", "udp"]),
];

/// The NAT-friendly client (ASCONF ADD-IP with the wildcard address through each NAT) over
/// UDP 9899, in the NAT lab and in S7: the second path confirmed, path A cut during
/// ctraffic, DATA over path B, nothing lost.
const NAT_FRIENDLY_UDP: &[(&str, &[&str])] = &[
    ("4", &["nat", "friendly", "udp"]),
    ("4", &["s7", "natf", "udp"]),
];

/// The same over raw IP. Linux conntrack opens an SCTP flow only on INIT, HEARTBEAT or an
/// OOTB SHUTDOWN ACK; a first packet that starts with AUTH (AUTH + ASCONF) is invalid and
/// would leave NAT B untranslated. So the client runs `--nat-friendly heartbeat`: a lone
/// HEARTBEAT from the new address opens the flow first, and usctp's server answers it.
const NAT_FRIENDLY_RAW: &[(&str, &[&str])] = &[
    ("4", &["nat", "friendly", "raw"]),
    ("4", &["s7", "natf", "raw"]),
];

fn pass(what: &str, runs: &[(&str, &[&str])]) {
    if !lab_run::can_run(what) {
        return;
    }
    let failed = lab_run::run_all(runs);
    assert!(failed.is_empty(), "{what} failed: {failed:?}");
}

#[test]
fn s7_kubernetes_failure_and_fixes() {
    pass("S7's scenarios", S7);
}

#[test]
fn s7_kernel_client_failure() {
    pass("S7 with the kernel client", S7_KERNEL);
}

#[test]
fn nat_lab_control() {
    pass("the NAT lab", NAT_CONTROL);
}

#[test]
fn nat_friendly_client_udp() {
    pass("the NAT-friendly client over UDP", NAT_FRIENDLY_UDP);
}

#[test]
fn nat_friendly_client_raw_ip() {
    pass("the NAT-friendly client over raw IP", NAT_FRIENDLY_RAW);
}
