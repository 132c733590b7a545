//! AUTH (RFC 4895) between usctp and usrsctp (interop/usrsctp/peer/usrsctp_peer on Debian's
//! libusrsctp), DATA authenticated, over raw IP and over UDP 9899. usctp connects to a
//! usrsctp_peer server; the cases (auth_interop/mod.rs, `AuthKind`):
//!
//! * `auth_usctp_sends_data`: usrsctp requires DATA authenticated (`--auth-chunks 0`); usctp
//!   sends 5 messages, each DATA packet with an AUTH before it.
//! * `auth_peer_sends_data`: usctp requires it (`auth_chunks = [0]`); usrsctp sends 5.
//! * `auth_echo_both_ways_peer_sha1`: both require it; usctp sends, usrsctp echoes.
//!
//! usrsctp (0.9.5) implements HMAC-SHA-1 only, so every AUTH here is HMAC 1, which usctp
//! picks from usrsctp's HMAC-ALGO although it prefers SHA-256. Each case captures in usctp's
//! namespace and decodes the capture with tshark (CRC32c good, nothing malformed, no expert
//! error; RANDOM / CHUNKS / HMAC-ALGO of INIT and INIT ACK; AUTH before DATA, its HMAC and key
//! identifiers). Namespaces `h20a-<pid>` (usctp, 10.79.1.1) and `h20b-<pid>` (usrsctp,
//! 10.79.1.2); wrap runs in `flock /tmp/usctp-lab.lock`. Needs root, ip, tcpdump, tshark, gcc
//! and libusrsctp-dev (installed when missing): skips without root, or when a tool cannot be
//! had unless USCTP_REQUIRE_TOOLS=1. USCTP_AUTH_CASES=a,b runs only the cases whose names
//! contain a or b; KEEP=1 keeps the captures.

mod auth_interop;
mod pr_interop;
mod usrsctp_lab;

use std::net::IpAddr;
use std::process::Child;
use std::sync::Arc;
use std::time::Duration;

use auth_interop::*;
use pr_interop::{tune, Capture, PeerOut, UDP_PORT};
use tokio::runtime::Runtime;
use usctp::{Endpoint, EndpointConfig};
use usrsctp_lab::{in_netns, Lab, USCTP_IP};

const PEER_PORT: u16 = 6001;
const USCTP_PORT: u16 = 6002;

/// usctp's endpoint in namespace A, AUTH as `kind` wants it.
fn bind(rt: &Runtime, lab: &Lab, udp: bool, kind: AuthKind) -> Result<Endpoint, String> {
    let local = vec![IpAddr::from(USCTP_IP)];
    let mut cfg = if udp {
        EndpointConfig::udp(local, USCTP_PORT, UDP_PORT)
    } else {
        EndpointConfig::raw(local, USCTP_PORT)
    };
    tune(&mut cfg.protocol.association);
    auth_config(&mut cfg.protocol.association, kind);
    in_netns(&lab.a, || rt.block_on(Endpoint::bind(cfg))).map_err(|e| format!("bind: {e}"))
}

/// Wait for the peer (its own --timeout bounds it): its output, and whether it exited 0.
fn peer_done(mut c: Child, out: &std::path::Path) -> (PeerOut, bool) {
    let ok = c.wait().is_ok_and(|s| s.success());
    (
        PeerOut::parse(&std::fs::read_to_string(out).unwrap_or_default()),
        ok,
    )
}

/// One case: a usrsctp_peer server with the case's options, usctp connects and runs its side.
fn run_case(
    rt: &Runtime,
    lab: &Lab,
    name: &str,
    udp: bool,
    kind: AuthKind,
) -> Result<String, String> {
    let pcap = lab.dir.join(format!("{name}.pcap"));
    let out = lab.dir.join(format!("{name}.peer"));
    let cap = Capture::start(&lab.a, &pcap, &[])?;
    let p = if udp { UDP_PORT } else { 0 }.to_string();
    let mut args: Vec<String> = ["--role", "server", "--lport", "6001", "--timeout", "15"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(["--rto".into(), pr_interop::PEER_RTO.into()]);
    args.extend(["--udp".into(), p.clone(), "--rudp".into(), p]);
    args.extend(kind.peer_args());
    let peer = lab.peer(&args, &out)?;
    std::thread::sleep(Duration::from_millis(300));
    let ep = bind(rt, lab, udp, kind)?;
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
fn usrsctp_auth_interop() {
    let Some((lab, rt)) = usrsctp_lab::open(
        "interop_usrsctp_auth",
        "h20",
        "ip tcpdump tshark gcc ethtool",
    ) else {
        return;
    };
    let (rt, lab) = (&rt, &lab);
    let kinds = [
        AuthKind::UsctpSends,
        AuthKind::PeerSends,
        AuthKind::Echo { peer_hmac: "sha1" },
    ];
    let mut cases: Vec<usrsctp_lab::Case<'_>> = Vec::new();
    for udp in [false, true] {
        let t = if udp { "udp" } else { "raw" };
        for kind in kinds {
            let n = format!("usrsctp {t} {}", kind.name());
            cases.push((
                n.clone(),
                Box::new(move || run_case(rt, lab, &n.replace(' ', "_"), udp, kind)),
            ));
        }
    }
    usrsctp_lab::run_cases("interop_usrsctp_auth", "USCTP_AUTH_CASES", &cases);
}
