//! Stream reconfiguration (RFC 6525) between usctp and usrsctp
//! (interop/usrsctp/peer/usrsctp_peer on Debian's libusrsctp), over raw IP and over UDP 9899.
//! usctp connects to a usrsctp_peer server; the cases (reconfig_interop/mod.rs, `Kind`):
//!
//! * `usctp_resets_out_1` / `_all`: usctp sends on streams 1 and 2, `reset_streams(&[1])` (or
//!   all), sends more; usrsctp reports `stream_reset flags=incoming`, receives stream 1 (all:
//!   both) with SSNs 0,1,2 again; usctp's `StreamsReset` (outgoing); in the capture the
//!   Outgoing SSN Reset Request, "Success - Performed", and no DATA on the stream between.
//! * `peer_resets_out_1`: usrsctp `--reset-streams out:1` after 3 messages; usctp's
//!   `StreamsReset` (incoming); usrsctp's echoes of usctp's messages start at SSN 0.
//! * `usctp_requests_peer_reset_1`: `request_peer_reset(&[1])`: the Incoming SSN Reset Request
//!   answered by usrsctp's Outgoing SSN Reset Request.
//! * `usctp_adds_2_out` / `peer_adds_2_out`: Add Outgoing Streams either way, then data on a
//!   new stream.
//! * `usctp_resets_ssn_tsn` / `peer_resets_ssn_tsn`: SSN/TSN reset either way, then data.
//!
//! `peer_resets_ssn_tsn` found a usctp bug: after its SSN/TSN reset usrsctp sends a FORWARD
//! TSN whose new cumulative TSN is its new initial TSN - 1 + 2^31, which usctp used to accept
//! and acknowledge (TSNs usrsctp never sent: it ABORTed); usctp now discards a FORWARD TSN
//! beyond the reach DATA has. The check that caught it: usctp's cum acks after the reset stay
//! within what the peer sent.
//!
//! Each case captures in usctp's namespace, decodes the capture with tshark (CRC32c good,
//! nothing malformed, no expert error, RE-CONFIG parameters and results, DATA SSNs) and
//! prints `PASS name (secs): numbers` or `FAIL name (secs): why`. Namespaces `h11a-<pid>`
//! (usctp, 10.79.1.1) and `h11b-<pid>` (usrsctp, 10.79.1.2); wrap runs in
//! `flock /tmp/usctp-lab.lock`. Needs root, ip, tcpdump, tshark, gcc and libusrsctp-dev
//! (installed when missing): skips without root, or when a tool cannot be had unless
//! USCTP_REQUIRE_TOOLS=1. USCTP_RECONFIG_CASES=a,b runs only the cases whose names contain a
//! or b; KEEP=1 keeps the captures.

mod pr_interop;
mod reconfig_interop;
mod usrsctp_lab;

use std::net::IpAddr;
use std::path::Path;
use std::process::Child;
use std::sync::Arc;
use std::time::Duration;

use pr_interop::{tune, Capture, UDP_PORT};
use reconfig_interop::*;
use tokio::runtime::Runtime;
use usctp::{Endpoint, EndpointConfig};
use usrsctp_lab::{in_netns, Lab, USCTP_IP};

const PEER_PORT: u16 = 6001;
const USCTP_PORT: u16 = 6002;

/// Wait for the peer (its own --timeout bounds it): its output, and whether it exited 0.
fn peer_done(mut c: Child, out: &Path) -> (PeerLines, bool) {
    let ok = c.wait().is_ok_and(|s| s.success());
    (
        PeerLines::parse(&std::fs::read_to_string(out).unwrap_or_default()),
        ok,
    )
}

/// usctp's endpoint in namespace A.
fn bind(rt: &Runtime, lab: &Lab, udp: bool) -> Result<Endpoint, String> {
    let local = vec![IpAddr::from(USCTP_IP)];
    let mut cfg = if udp {
        EndpointConfig::udp(local, USCTP_PORT, UDP_PORT)
    } else {
        EndpointConfig::raw(local, USCTP_PORT)
    };
    tune(&mut cfg.protocol.association);
    in_netns(&lab.a, || rt.block_on(Endpoint::bind(cfg))).map_err(|e| format!("bind: {e}"))
}

fn transport_args(udp: bool) -> Vec<String> {
    let p = if udp { UDP_PORT } else { 0 };
    vec![
        "--udp".into(),
        p.to_string(),
        "--rudp".into(),
        p.to_string(),
    ]
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// One case: a usrsctp_peer server with the case's options, usctp connects and runs its side.
fn run_case(rt: &Runtime, lab: &Lab, name: &str, udp: bool, kind: Kind) -> Result<String, String> {
    let pcap = lab.dir.join(format!("{name}.pcap"));
    let out = lab.dir.join(format!("{name}.peer"));
    let cap = Capture::start(&lab.a, &pcap, &[])?;
    let mut args = strings(&["--role", "server", "--lport", "6001", "--timeout", "15"]);
    args.extend(strings(&["--rto", pr_interop::PEER_RTO]));
    args.extend(transport_args(udp));
    args.extend(kind.peer_args());
    let peer = lab.peer(&args, &out)?;
    std::thread::sleep(Duration::from_millis(300));
    let ep = bind(rt, lab, udp)?;
    let r = rt.block_on(async {
        let a = usrsctp_lab::connect(&ep, udp.then_some(UDP_PORT), PEER_PORT).await?;
        let r = run_usctp(kind, Arc::new(a)).await;
        ep.close().await;
        r
    });
    let (p, peer_ok) = peer_done(peer, &out);
    let drops = cap.stop(&pcap);
    let verdict = (|| {
        let r = r.map_err(|e| format!("{e}; peer: {}", p.tail()))?;
        let pkts = decode(&pcap.display().to_string(), &[IpAddr::from(USCTP_IP)])?;
        check(kind, &r, &p, peer_ok, &pkts, udp)
    })();
    let note = |s: String| format!("{s}; capture: {drops} packets dropped by the kernel");
    verdict.map(note).map_err(note)
}

#[test]
fn usrsctp_reconfig_interop() {
    let Some((lab, rt)) = usrsctp_lab::open(
        "interop_usrsctp_reconfig",
        "h11",
        "ip tcpdump tshark gcc ethtool",
    ) else {
        return;
    };
    let (rt, lab) = (&rt, &lab);
    let mut cases: Vec<usrsctp_lab::Case<'_>> = Vec::new();
    for udp in [false, true] {
        let t = if udp { "udp" } else { "raw" };
        for kind in Kind::ALL {
            let n = format!("usrsctp {t} {}", kind.name());
            cases.push((
                n.clone(),
                Box::new(move || run_case(rt, lab, &n.replace(' ', "_"), udp, kind)),
            ));
        }
    }
    usrsctp_lab::run_cases("interop_usrsctp_reconfig", "USCTP_RECONFIG_CASES", &cases);
}
