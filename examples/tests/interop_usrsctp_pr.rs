//! PR-SCTP (RFC 3758, RFC 7496) and large messages between usctp and usrsctp
//! (interop/usrsctp/peer/usrsctp_peer on Debian's libusrsctp), over raw IP and over UDP 9899:
//!
//! * `send_ttl` / `send_rtx`: usctp sends 50 messages on 3 streams with a lifetime (50 ms)
//!   or a retransmission limit (0) while 30% of the DATA packets toward usrsctp are dropped
//!   (nftables in usrsctp's namespace); every message is received by usrsctp or in usctp's
//!   `Event::Abandoned`, none twice, in order per stream; FORWARD TSN from usctp; usctp
//!   shuts down gracefully.
//! * `recv_ttl` / `recv_rtx`: usrsctp sends 50 messages with `--pr ttl:50` / `--pr rtx:0`
//!   under 30% DATA loss toward usctp; usctp receives each at most once, in order, the
//!   association does not stall (usrsctp's shutdown completes), received + usrsctp's
//!   abandoned >= sent, FORWARD TSN from usrsctp, usctp SACKs past every one.
//! * `large`: a 4 MiB message from usrsctp to usctp with a 256 KiB receive window.
//!
//! Each case captures in usctp's namespace and checks the capture with tshark (CRC32c good,
//! nothing malformed, no expert error), and prints `PASS name numbers` or `FAIL name why`.
//! Namespaces `h10a-<pid>` (usctp, 10.79.1.1) and `h10b-<pid>` (usrsctp, 10.79.1.2), one veth
//! pair, their names unique to the run; wrap runs in `flock /tmp/usctp-lab.lock` (the test
//! takes no lock itself, so the wrapper cannot deadlock with it). Needs root, ip, tcpdump,
//! tshark, nft, gcc and libusrsctp-dev (installed when missing): skips without root, or when
//! a tool cannot be had unless USCTP_REQUIRE_TOOLS=1. USCTP_PR_CASES=a,b runs only the cases
//! whose names contain a or b. About 30 s.

mod pr_interop;
mod usrsctp_lab;

use std::net::IpAddr;
use std::path::Path;
use std::process::Child;
use std::sync::Arc;
use std::time::Duration;

use pr_interop::*;
use tokio::runtime::Runtime;
use tokio::time::timeout;
use usctp::{Endpoint, EndpointConfig};
use usrsctp_lab::{in_netns, Lab, USCTP_IP};

const PEER_PORT: u16 = 6001;
const USCTP_PORT: u16 = 6002;
const N: u32 = 50;
const SIZE: usize = 1000;
const LOSS: u32 = 30;
const BIG: usize = 4 << 20;
const RWND: u32 = 262_144;

/// Drop `LOSS`% of the packets whose first chunk is DATA arriving in namespace `ns`.
fn loss(lab: &Lab, ns: &str, udp: bool) -> Result<(), String> {
    let rule = if udp {
        format!("udp dport {UDP_PORT} @th,160,8 0")
    } else {
        "meta l4proto sctp @th,96,8 0".into()
    };
    let table = lab.loss_table();
    let nft = format!(
        "table inet {table} {{\n chain in {{ type filter hook input priority 0; {rule} \
         numgen random mod 100 < {LOSS} drop; }}\n}}"
    );
    lab.sh(&format!("ip netns exec {ns} nft -f - <<'NFT'\n{nft}\nNFT"))
        .map(|_| ())
}

/// Wait for the peer (its own --timeout bounds it); its output.
fn peer_done(mut c: Child, out: &Path) -> Result<PeerOut, String> {
    let st = c.wait().map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(out).unwrap_or_default();
    let p = PeerOut::parse(&text);
    if !st.success() {
        return Err(format!("usrsctp_peer exited {st}: {}", p.tail()));
    }
    Ok(p)
}

/// usctp's endpoint in namespace A.
fn bind(rt: &Runtime, lab: &Lab, udp: bool, rwnd: Option<u32>) -> Result<Endpoint, String> {
    let local = vec![IpAddr::from(USCTP_IP)];
    let mut cfg = if udp {
        EndpointConfig::udp(local, USCTP_PORT, UDP_PORT)
    } else {
        EndpointConfig::raw(local, USCTP_PORT)
    };
    tune(&mut cfg.protocol.association);
    if let Some(w) = rwnd {
        cfg.protocol.association.receive_window = w;
    }
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

/// Case 1: usctp sends with `policy` under DATA loss toward usrsctp.
fn usctp_sends(
    rt: &Runtime,
    lab: &Lab,
    name: &str,
    udp: bool,
    policy: Policy,
) -> Result<String, String> {
    let pcap = lab.dir.join(format!("{name}.pcap"));
    let out = lab.dir.join(format!("{name}.peer"));
    let cap = Capture::start(&lab.a, &pcap, &[])?;
    let mut args = strings(&["--role", "server", "--lport", "6001", "--timeout", "25"]);
    args.extend(strings(&["--rto", PEER_RTO]));
    args.extend(transport_args(udp));
    let peer = lab.peer(&args, &out)?;
    std::thread::sleep(Duration::from_millis(300));
    loss(lab, &lab.b, udp)?;
    let ep = bind(rt, lab, udp, None)?;
    let r = rt.block_on(async {
        let a = usrsctp_lab::connect(&ep, udp.then_some(UDP_PORT), PEER_PORT).await?;
        let r = usctp_send(Arc::new(a), N, SIZE, 3, policy, Duration::from_millis(10)).await;
        ep.close().await;
        r
    });
    lab.loss_off();
    let p = peer_done(peer, &out);
    let drops = cap.stop(&pcap);
    let verdict = (|| {
        let (r, p) = (r?, p?);
        let pkts = decode(&pcap.display().to_string(), &[IpAddr::from(USCTP_IP)])?;
        check_usctp_sent(&r, SIZE, &p, &pkts, udp)
    })();
    with_drops(verdict, drops)
}

/// The capture's kernel drops appended to the verdict (a dropped control packet can make a
/// check fail that the association passed).
fn with_drops(v: Result<String, String>, drops: u64) -> Result<String, String> {
    let note = |s: String| format!("{s}; capture: {drops} packets dropped by the kernel");
    v.map(note).map_err(note)
}

/// usctp's server side: accept one association and read it to its end.
fn usctp_receives<F>(
    rt: &Runtime,
    lab: &Lab,
    name: &str,
    udp: bool,
    large: bool,
    peer_args: &[String],
    check: F,
) -> Result<String, String>
where
    F: FnOnce(&RecvReport, &PeerOut, &[Pkt]) -> Result<String, String>,
{
    let pcap = lab.dir.join(format!("{name}.pcap"));
    let out = lab.dir.join(format!("{name}.peer"));
    // The large message: a 256 KiB window, no loss, control packets captured only.
    let (rwnd, size) = if large {
        (Some(RWND), BIG)
    } else {
        (None, SIZE)
    };
    let filter = match (large, udp) {
        (false, _) => &[][..],
        (true, false) => CONTROL_ONLY_RAW,
        (true, true) => CONTROL_ONLY_UDP,
    };
    let cap = Capture::start(&lab.a, &pcap, filter)?;
    let ep = bind(rt, lab, udp, rwnd)?;
    if !large {
        loss(lab, &lab.a, udp)?;
    }
    let mut args = strings(&["--role", "client", "--remote"]);
    args.push(IpAddr::from(USCTP_IP).to_string());
    args.extend(strings(&[
        "--port",
        "6002",
        "--timeout",
        "25",
        "--rto",
        PEER_RTO,
    ]));
    args.extend(transport_args(udp));
    args.extend(peer_args.iter().cloned());
    let peer = lab.peer(&args, &out)?;
    let r = rt.block_on(async {
        let a = timeout(Duration::from_secs(10), ep.accept())
            .await
            .map_err(|_| "no association within 10 s".to_string())?
            .ok_or("endpoint closed")?;
        let r = usctp_recv(Arc::new(a), size, Duration::from_secs(20)).await;
        ep.close().await;
        Ok::<_, String>(r)
    });
    lab.loss_off();
    let p = peer_done(peer, &out);
    let drops = cap.stop(&pcap);
    let verdict = (|| {
        let (r, p) = (r?, p?);
        let pkts = decode(&pcap.display().to_string(), &[IpAddr::from(USCTP_IP)])?;
        check(&r, &p, &pkts)
    })();
    with_drops(verdict, drops)
}

/// Case 2: usrsctp sends with `policy` under DATA loss toward usctp.
fn peer_sends(
    rt: &Runtime,
    lab: &Lab,
    name: &str,
    udp: bool,
    policy: Policy,
) -> Result<String, String> {
    let args = vec![
        "--send".into(),
        N.to_string(),
        "--size".into(),
        SIZE.to_string(),
        "--stream".into(),
        "1".into(),
        "--interval".into(),
        "10".into(),
        "--pr".into(),
        policy.peer_arg(),
        "--hold".into(),
        "2000".into(),
    ];
    usctp_receives(rt, lab, name, udp, false, &args, |r, p, pkts| {
        if p.field("sent") != u64::from(N) {
            return Err(format!(
                "usrsctp sent {} of {N}: {}",
                p.field("sent"),
                p.tail()
            ));
        }
        check_usctp_received(
            r,
            N,
            SIZE,
            p.field("abandoned"),
            &p.abandoned_idx,
            pkts,
            udp,
        )
    })
}

/// Case 3: a 4 MiB message from usrsctp to usctp's 256 KiB window.
fn large(rt: &Runtime, lab: &Lab, name: &str, udp: bool) -> Result<String, String> {
    let args = strings(&["--send", "1", "--size", "4m", "--hold", "500"]);
    usctp_receives(rt, lab, name, udp, true, &args, |r, _, pkts| {
        check_large(r, BIG, RWND, pkts, udp)
    })
}

#[test]
fn usrsctp_pr_sctp_interop() {
    let Some((lab, rt)) = usrsctp_lab::open(
        "interop_usrsctp_pr",
        "h10",
        "ip tcpdump tshark nft gcc ethtool",
    ) else {
        return;
    };
    let (rt, lab) = (&rt, &lab);
    let mut cases: Vec<usrsctp_lab::Case<'_>> = Vec::new();
    for udp in [false, true] {
        let t = if udp { "udp" } else { "raw" };
        for (what, policy) in [("ttl", Policy::Ttl(50)), ("rtx", Policy::Rtx(0))] {
            let n = format!("usrsctp {t} send_{what}");
            cases.push((
                n.clone(),
                Box::new(move || usctp_sends(rt, lab, &n.replace(' ', "_"), udp, policy)),
            ));
            let n = format!("usrsctp {t} recv_{what}");
            cases.push((
                n.clone(),
                Box::new(move || peer_sends(rt, lab, &n.replace(' ', "_"), udp, policy)),
            ));
        }
        let n = format!("usrsctp {t} large");
        cases.push((
            n.clone(),
            Box::new(move || large(rt, lab, &n.replace(' ', "_"), udp)),
        ));
    }
    usrsctp_lab::run_cases("interop_usrsctp_pr", "USCTP_PR_CASES", &cases);
}
