//! I-DATA (RFC 8260) between usctp and usrsctp (interop/usrsctp/peer/usrsctp_peer `--idata`:
//! SCTP_FRAGMENT_INTERLEAVE 2 and SCTP_INTERLEAVING_SUPPORTED), over raw IP and UDP 9899:
//!
//! * `usctp_sends`: usctp queues a 1 MiB message on stream 0, then 100 bytes on stream 1.
//! * `usrsctp_sends`: usrsctp does the same (`--send 1 --size 1m --also 100,1`).
//!
//! * `pr_ttl usctp_sends` / `pr_ttl usrsctp_sends`: PR-SCTP with I-DATA (RFC 8260 §2.3): 50
//!   messages with a 50 ms lifetime under 30% I-DATA loss toward the receiver; abandoned ones
//!   are skipped with I-FORWARD-TSN (194), never FORWARD TSN; each message arrives at most
//!   once, in order per stream; each is received or reported abandoned by the sender.
//!
//! The first two check that the INIT and INIT ACK list I-DATA (64) in Supported Extensions, that
//! no DATA chunk carries user data, that the sender put stream 1's message on the wire before
//! stream 0's last fragment, that the receiver completed the small message first and both
//! intact, and that the capture (usctp's namespace) dissects cleanly in tshark with good
//! CRC32c. Prints `PASS name numbers` or `FAIL name why`. Namespaces `h22a-<pid>` (usctp,
//! 10.79.1.1) and `h22b-<pid>` (usrsctp, 10.79.1.2); wrap runs in
//! `flock /tmp/usctp-lab.lock`. Needs root, ip, tcpdump, tshark, gcc and libusrsctp-dev;
//! skips without them unless USCTP_REQUIRE_TOOLS=1. USCTP_IDATA_CASES=a,b selects cases.
//! About 10 s.

mod idata_interop;
mod pr_interop;
mod usrsctp_lab;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use idata_interop::*;
use pr_interop::{tune, usctp_send, Capture, PeerOut, Policy, UDP_PORT};
use tokio::runtime::Runtime;
use tokio::time::timeout;
use usctp::{Endpoint, EndpointConfig};
use usrsctp_lab::{in_netns, Lab, USCTP_IP};

const PEER_PORT: u16 = 6001;
const USCTP_PORT: u16 = 6002;

fn bind(rt: &Runtime, lab: &Lab, udp: bool) -> Result<Endpoint, String> {
    let local = vec![IpAddr::from(USCTP_IP)];
    let mut cfg = if udp {
        EndpointConfig::udp(local, USCTP_PORT, UDP_PORT)
    } else {
        EndpointConfig::raw(local, USCTP_PORT)
    };
    tune(&mut cfg.protocol.association);
    offer(&mut cfg.protocol.association);
    in_netns(&lab.a, || rt.block_on(Endpoint::bind(cfg))).map_err(|e| format!("bind: {e}"))
}

fn peer_args(udp: bool, role: &[&str]) -> Vec<String> {
    let p = if udp { UDP_PORT } else { 0 }.to_string();
    let mut v: Vec<String> = role.iter().map(|s| s.to_string()).collect();
    v.extend(["--udp", &p, "--rudp", &p, "--idata", "--timeout", "25"].map(String::from));
    v
}

/// usctp connects to usrsctp's server and sends the pair.
fn usctp_sends(rt: &Runtime, lab: &Lab, name: &str, udp: bool) -> Result<String, String> {
    let pcap = lab.dir.join(format!("{name}.pcap"));
    let out = lab.dir.join(format!("{name}.peer"));
    let cap = Capture::start(&lab.a, &pcap, &[])?;
    let args = peer_args(udp, &["--role", "server", "--lport", "6001"]);
    let mut peer = lab.peer(&args, &out)?;
    std::thread::sleep(Duration::from_millis(300));
    let ep = bind(rt, lab, udp)?;
    let sent = rt.block_on(async {
        let a = usrsctp_lab::connect(&ep, udp.then_some(UDP_PORT), PEER_PORT).await?;
        let r = usctp_send_pair(Arc::new(a)).await;
        ep.close().await;
        r
    });
    let st = peer.wait().map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let drops = cap.stop(&pcap);
    let verdict = (|| {
        let in_force = sent?;
        if !st.success() {
            return Err(format!("usrsctp_peer exited {st}: {text}"));
        }
        let w = wire(&pcap.display().to_string(), &[IpAddr::from(USCTP_IP)])?;
        check_despite_drops(true, in_force, &peer_done(&text), &w, drops)
    })();
    with_drops(verdict, drops)
}

/// usrsctp connects to usctp's server and sends the pair.
fn peer_sends(rt: &Runtime, lab: &Lab, name: &str, udp: bool) -> Result<String, String> {
    let pcap = lab.dir.join(format!("{name}.pcap"));
    let out = lab.dir.join(format!("{name}.peer"));
    let cap = Capture::start(&lab.a, &pcap, &[])?;
    let ep = bind(rt, lab, udp)?;
    let usctp_ip = IpAddr::from(USCTP_IP).to_string();
    let mut args = peer_args(
        udp,
        &["--role", "client", "--remote", &usctp_ip, "--port", "6002"],
    );
    args.extend(peer_send_args());
    args.extend(["--hold", "1000"].map(String::from));
    let mut peer = lab.peer(&args, &out)?;
    let got = rt.block_on(async {
        let a = timeout(Duration::from_secs(10), ep.accept())
            .await
            .map_err(|_| "no association within 10 s".to_string())?
            .ok_or("endpoint closed")?;
        let r = usctp_recv_interleaved(Arc::new(a), Duration::from_secs(20)).await;
        ep.close().await;
        Ok::<_, String>(r)
    });
    let st = peer.wait().map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let drops = cap.stop(&pcap);
    let verdict = (|| {
        let (done, in_force, end) = got?;
        if !st.success() {
            return Err(format!("usrsctp_peer exited {st}: {text}"));
        }
        if end != "graceful" {
            return Err(format!("usctp's association ended: {end}"));
        }
        let w = wire(&pcap.display().to_string(), &[IpAddr::from(USCTP_IP)])?;
        check_despite_drops(false, in_force, &done, &w, drops)
    })();
    with_drops(verdict, drops)
}

/// Drop 30% of the packets whose first chunk is I-DATA arriving in namespace `ns`.
fn idata_loss(lab: &Lab, ns: &str, udp: bool) -> Result<(), String> {
    let m = if udp {
        format!("udp dport {UDP_PORT} @th,160,8 {I_DATA}")
    } else {
        format!("meta l4proto sctp @th,96,8 {I_DATA}")
    };
    let t = lab.loss_table();
    let nft = format!(
        "table inet {t} {{\n chain in {{ type filter hook input priority 0; {m} numgen random \
         mod 100 < 30 drop; }}\n}}"
    );
    lab.sh(&format!("ip netns exec {ns} nft -f - <<'NFT'\n{nft}\nNFT"))
        .map(|_| ())
}

/// PR-SCTP with I-DATA: 50 messages of 1000 B, lifetime 50 ms, 30% I-DATA loss toward the
/// receiver; usctp sends on 3 streams, or usrsctp on stream 1.
fn pr(rt: &Runtime, lab: &Lab, name: &str, udp: bool, usctp_sends: bool) -> Result<String, String> {
    const N: u32 = 50;
    let pcap = lab.dir.join(format!("{name}.pcap"));
    let out = lab.dir.join(format!("{name}.peer"));
    let cap = Capture::start(&lab.a, &pcap, &[])?;
    let ep = bind(rt, lab, udp)?;
    let usctp_ip = IpAddr::from(USCTP_IP).to_string();
    let mut peer = if usctp_sends {
        let args = peer_args(
            udp,
            &["--role", "server", "--lport", "6001", "--pr", "ttl:50"],
        );
        let p = lab.peer(&args, &out)?;
        std::thread::sleep(Duration::from_millis(300));
        idata_loss(lab, &lab.b, udp)?;
        p
    } else {
        idata_loss(lab, &lab.a, udp)?;
        let mut args = peer_args(
            udp,
            &["--role", "client", "--remote", &usctp_ip, "--port", "6002"],
        );
        let more = [
            "--send",
            "50",
            "--size",
            "1000",
            "--stream",
            "1",
            "--interval",
            "10",
        ];
        args.extend(more.map(String::from));
        args.extend(["--pr", "ttl:50", "--hold", "2000"].map(String::from));
        lab.peer(&args, &out)?
    };
    let r = rt.block_on(async {
        let a = if usctp_sends {
            usrsctp_lab::connect(&ep, udp.then_some(UDP_PORT), PEER_PORT).await?
        } else {
            timeout(Duration::from_secs(10), ep.accept())
                .await
                .map_err(|_| "no association within 10 s".to_string())?
                .ok_or("endpoint closed")?
        };
        let a = Arc::new(a);
        let r = if usctp_sends {
            let pace = Duration::from_millis(10);
            let s = usctp_send(a, N, 1000, 3, Policy::Ttl(50), pace).await?;
            (Vec::new(), s.abandoned.iter().map(|a| a.1).collect())
        } else {
            let (done, _, end) = usctp_recv_interleaved(a, Duration::from_secs(20)).await;
            if end != "graceful" {
                return Err(format!("usctp's association ended: {end}"));
            }
            let got = done.iter().filter(|d| d.intact).map(|d| (d.stream, d.idx));
            (got.collect(), Vec::new())
        };
        ep.close().await;
        Ok::<_, String>(r)
    });
    lab.loss_off();
    let st = peer.wait().map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let drops = cap.stop(&pcap);
    let verdict = (|| {
        let (got, usctp_abandoned) = r?;
        if !st.success() {
            return Err(format!("usrsctp_peer exited {st}: {text}"));
        }
        let p = PeerOut::parse(&text);
        let w = wire(&pcap.display().to_string(), &[IpAddr::from(USCTP_IP)])?;
        if usctp_sends {
            let got: Vec<(u16, u32)> = p.msgs.iter().map(|m| (m.sid, m.idx)).collect();
            check_pr(true, N, &got, &usctp_abandoned, &w)
        } else {
            check_pr(false, N, &got, &p.abandoned_idx, &w)
        }
    })();
    with_drops(verdict, drops)
}

fn with_drops(v: Result<String, String>, drops: u64) -> Result<String, String> {
    let note = |s: String| format!("{s}; capture: {drops} packets dropped by the kernel");
    v.map(note).map_err(note)
}

#[test]
fn usrsctp_i_data_interop() {
    let Some((lab, rt)) =
        usrsctp_lab::open("interop_usrsctp_idata", "h22", "ip tcpdump tshark nft gcc")
    else {
        return;
    };
    let (rt, lab) = (&rt, &lab);
    let mut cases: Vec<usrsctp_lab::Case<'_>> = Vec::new();
    for udp in [false, true] {
        let t = if udp { "udp" } else { "raw" };
        let n = format!("usrsctp {t} usctp_sends");
        cases.push((
            n.clone(),
            Box::new(move || usctp_sends(rt, lab, &n.replace(' ', "_"), udp)),
        ));
        let n = format!("usrsctp {t} usrsctp_sends");
        cases.push((
            n.clone(),
            Box::new(move || peer_sends(rt, lab, &n.replace(' ', "_"), udp)),
        ));
        for usctp_sends in [true, false] {
            let who = if usctp_sends { "usctp" } else { "usrsctp" };
            let n = format!("usrsctp {t} pr_ttl {who}_sends");
            cases.push((
                n.clone(),
                Box::new(move || pr(rt, lab, &n.replace(' ', "_"), udp, usctp_sends)),
            ));
        }
    }
    usrsctp_lab::run_cases("interop_usrsctp_idata", "USCTP_IDATA_CASES", &cases);
}
