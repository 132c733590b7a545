//! Dynamic addresses (RFC 5061, ASCONF with AUTH) between usctp and usrsctp
//! (interop/usrsctp/peer/usrsctp_peer on Debian's libusrsctp), on a live association, over
//! raw IP and over UDP 9899. Each namespace has a second address on the link: usctp 10.79.1.1
//! and 10.79.1.11, usrsctp 10.79.1.2 and 10.79.1.12 (added before usrsctp starts: it reads
//! the interfaces once). usctp connects from its first address to a usrsctp_peer server bound
//! to its first; the cases (asconf_interop/mod.rs, `AsconfKind`):
//!
//! * `asconf_usctp_adds_sets_primary_deletes`: usctp `add_local_address`, `set_peer_primary`
//!   and `remove_local_address` of its first address, messages echoed between the steps.
//! * `asconf_peer_adds_sets_primary_deletes`: usrsctp `usrsctp_bindx` add, SCTP_SET_PEER_PRIMARY_ADDR,
//!   `usrsctp_bindx` remove of its first address; usctp reports PathAdded, PrimaryRequested and
//!   PathRemoved and sends to the new primary.
//! * `sctpt_client_asconf` (raw IP): the same changes as the first case typed at the prompt of
//!   `sctpt client --asconf on --auth-chunks 0` (`!add`, `!primary`, `!del` between echoed
//!   lines) against a usrsctp_peer that echoes and requires DATA authenticated.
//!
//! Over UDP only the first case runs: usrsctp's UDP-encapsulated packets leave from whatever
//! source address the kernel picks (its first), so its DELETE-IP of that address comes from
//! that very address; usctp refuses it as RFC 5061 §5.2 requires (Error Cause "Request to
//! Delete Source IP Address") and sends the ASCONF-ACK to that source, which usrsctp has
//! already unbound: it answers the ACK with an ABORT with the T bit, apparently as out of the
//! blue (seen in a run). Over raw IP usrsctp sends the DELETE-IP from its new address. The
//! Linux kernel does both ways over UDP too (interop_kernel `RFC 5061`).
//!
//! The verdicts read the capture (tshark: CRC32c good, nothing malformed, no expert error):
//! ADD-IP / SET-PRIMARY / DELETE-IP in ASCONF chunks and ASCONF-ACKs without an Error Cause
//! Indication, each with AUTH before it; the new address confirmed by HEARTBEAT / ACK before
//! DATA goes there, DATA to it after SET-PRIMARY, nothing to the deleted address after its
//! ACK. Namespaces `h21a-<pid>` / `h21b-<pid>`; wrap runs in `flock /tmp/usctp-lab.lock`.
//! Needs root, ip, tcpdump, tshark, gcc and libusrsctp-dev (installed when missing): skips
//! without root, or when a tool cannot be had unless USCTP_REQUIRE_TOOLS=1.
//! USCTP_ASCONF_CASES=a,b runs only the cases whose names contain a or b; KEEP=1 keeps the
//! captures.

mod asconf_interop;
mod pr_interop;
mod usrsctp_lab;

use std::net::IpAddr;
use std::process::Child;
use std::sync::Arc;
use std::time::Duration;

use asconf_interop::*;
use pr_interop::{tune, Capture, PeerOut, UDP_PORT};
use tokio::runtime::Runtime;
use usctp::{Endpoint, EndpointConfig};
use usrsctp_lab::{in_netns, Lab, PEER_IP, USCTP_IP};

const PEER_PORT: u16 = 6001;
const USCTP_PORT: u16 = 6002;

/// The second addresses (first: usrsctp_lab's).
const USCTP_IP2: [u8; 4] = [10, 79, 1, 11];
const PEER_IP2: [u8; 4] = [10, 79, 1, 12];

fn addrs() -> Addrs {
    Addrs {
        usctp: [IpAddr::from(USCTP_IP), IpAddr::from(USCTP_IP2)],
        peer: [IpAddr::from(PEER_IP), IpAddr::from(PEER_IP2)],
    }
}

/// usctp's endpoint in namespace A on its first address, ASCONF offered.
fn bind(rt: &Runtime, lab: &Lab, udp: bool) -> Result<Endpoint, String> {
    let local = vec![IpAddr::from(USCTP_IP)];
    let mut cfg = if udp {
        EndpointConfig::udp(local, USCTP_PORT, UDP_PORT)
    } else {
        EndpointConfig::raw(local, USCTP_PORT)
    };
    tune(&mut cfg.protocol.association);
    asconf_config(&mut cfg.protocol.association);
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
    kind: AsconfKind,
) -> Result<String, String> {
    let pcap = lab.dir.join(format!("{name}.pcap"));
    let out = lab.dir.join(format!("{name}.peer"));
    let cap = Capture::start(&lab.a, &pcap, &[])?;
    let p = if udp { UDP_PORT } else { 0 }.to_string();
    let mut args: Vec<String> = ["--role", "server", "--lport", "6001", "--timeout", "30"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(["--rto".into(), pr_interop::PEER_RTO.into()]);
    args.extend(["--udp".into(), p.clone(), "--rudp".into(), p]);
    args.extend(kind.peer_args(&addrs()));
    let peer = lab.peer(&args, &out)?;
    std::thread::sleep(Duration::from_millis(300));
    let ep = bind(rt, lab, udp)?;
    let r = rt.block_on(async {
        let a = usrsctp_lab::connect(&ep, udp.then_some(UDP_PORT), PEER_PORT).await?;
        let r = run_usctp(kind, Arc::new(a), addrs()).await;
        ep.close().await;
        r
    });
    let (p, peer_ok) = peer_done(peer, &out);
    let drops = cap.stop(&pcap);
    let verdict = (|| {
        let r = r.map_err(|e| format!("{e}; peer: {}", p.tail()))?;
        let pkts = decode(&pcap.display().to_string(), &addrs().usctp)?;
        check(kind, &addrs(), &r, &p, peer_ok, &pkts, udp)
    })();
    let note = |s: String| format!("{s}; capture: {drops} packets dropped by the kernel");
    verdict.map(note).map_err(note)
}

/// The sctpt case: `sctpt client --asconf on --auth-chunks 0` over raw IP, its lines and
/// address commands (`SCTPT_SCRIPT`) typed at its prompt a second apart, against a
/// usrsctp_peer that echoes and requires DATA authenticated.
fn run_sctpt(lab: &Lab) -> Result<String, String> {
    let name = "usrsctp_raw_sctpt_client_asconf";
    let pcap = lab.dir.join(format!("{name}.pcap"));
    let out = lab.dir.join(format!("{name}.peer"));
    let cap = Capture::start(&lab.a, &pcap, &[])?;
    let ad = addrs();
    let mut args: Vec<String> = ["--role", "server", "--lport", "6001", "--timeout", "30"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(["--rto".into(), pr_interop::PEER_RTO.into()]);
    args.extend(["--udp", "0", "--rudp", "0", "--echo"].map(String::from));
    args.extend(["--auth-chunks".into(), "0".into()]);
    args.extend(AsconfKind::UsctpChanges.peer_args(&ad));
    let peer = lab.peer(&args, &out)?;
    std::thread::sleep(Duration::from_millis(300));
    let (u1, u2) = (ad.usctp[0].to_string(), ad.usctp[1].to_string());
    let mut sctpt = std::process::Command::new("ip")
        .args(["netns", "exec", &lab.a, "timeout", "30"])
        .arg(env!("CARGO_BIN_EXE_sctpt"))
        .args([
            "client",
            "--addr",
            &IpAddr::from(PEER_IP).to_string(),
            "--port",
            "6001",
        ])
        .args([
            "--laddr",
            &u1,
            "--asconf",
            "on",
            "--auth-chunks",
            "0",
            "--log",
            "7",
        ])
        .args([
            "--rto-initial",
            "1000",
            "--rto-min",
            "500",
            "--rto-max",
            "1000",
        ])
        .args(["--hb-interval", "500"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("sctpt: {e}"))?;
    if let Some(mut stdin) = sctpt.stdin.take() {
        use std::io::Write;
        for l in SCTPT_SCRIPT {
            std::thread::sleep(Duration::from_millis(1000));
            let l = l.replace("U1", &u1).replace("U2", &u2);
            if writeln!(stdin, "{l}").is_err() {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(1000));
    }
    let o = sctpt
        .wait_with_output()
        .map_err(|e| format!("sctpt: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(lab.dir.join(format!("{name}.sctpt")), &text).map_err(|e| e.to_string())?;
    let (p, peer_ok) = peer_done(peer, &out);
    let drops = cap.stop(&pcap);
    let verdict = decode(&pcap.display().to_string(), &ad.usctp)
        .and_then(|pkts| check_sctpt(&ad, &text, o.status.success(), &p, peer_ok, &pkts));
    let note = |s: String| format!("{s}; capture: {drops} packets dropped by the kernel");
    verdict.map(note).map_err(note)
}

#[test]
fn usrsctp_asconf_interop() {
    let Some((lab, rt)) = usrsctp_lab::open(
        "interop_usrsctp_asconf",
        "h21",
        "ip tcpdump tshark gcc ethtool",
    ) else {
        return;
    };
    let (rt, lab) = (&rt, &lab);
    let second = |ns: &str, side: char, ip: [u8; 4]| {
        let dev = format!("{}{side}{}", lab.tag, std::process::id());
        lab.sh(&format!(
            "ip -n {ns} addr add {}/24 dev {dev}",
            IpAddr::from(ip)
        ))
    };
    if let Err(e) = second(&lab.a, 'a', USCTP_IP2).and(second(&lab.b, 'b', PEER_IP2)) {
        panic!("second addresses: {e}");
    }
    let mut cases: Vec<usrsctp_lab::Case<'_>> = Vec::new();
    for udp in [false, true] {
        let t = if udp { "udp" } else { "raw" };
        // Over UDP usrsctp cannot delete the address its UDP socket sends from (module doc).
        let kinds: &[AsconfKind] = if udp {
            &[AsconfKind::UsctpChanges]
        } else {
            &AsconfKind::ALL
        };
        for &kind in kinds {
            let n = format!("usrsctp {t} {}", kind.name());
            cases.push((
                n.clone(),
                Box::new(move || run_case(rt, lab, &n.replace(' ', "_"), udp, kind)),
            ));
        }
    }
    cases.push((
        "usrsctp raw sctpt_client_asconf".into(),
        Box::new(move || run_sctpt(lab)),
    ));
    usrsctp_lab::run_cases("interop_usrsctp_asconf", "USCTP_ASCONF_CASES", &cases);
}
