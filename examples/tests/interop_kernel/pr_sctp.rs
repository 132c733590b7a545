//! PR-SCTP (RFC 3758, RFC 7496) and a large message between usctp (namespace `ukv`) and the
//! guest kernel's SCTP through interop/kernel/peer/kernel_peer, raw IPv4 and UDP 9899:
//!
//! * usctp sends 50 messages on 3 streams with a lifetime (50 ms) or a retransmission limit
//!   (0) to a kernel_peer server while 30% of the DATA packets toward the guest are dropped
//!   (nftables netdev egress on both taps: after the capture point is passed the packet is
//!   gone, so the capture does not show those); each message is received by the kernel or in
//!   usctp's `Event::Abandoned`, none twice, in order per stream; FORWARD TSN from usctp;
//!   usctp's SHUTDOWN completes.
//! * a kernel_peer client sends 50 messages with `--pr ttl:50` / `--pr rtx:0` under 30% DATA
//!   loss toward usctp (nftables input hook in `ukv`, after the capture); usctp receives each
//!   at most once, in order; received + the kernel's abandoned (SCTP_PR_ASSOC_STATUS) >=
//!   sent; FORWARD TSN from the kernel, usctp SACKs past each; the kernel's SHUTDOWN
//!   completes (no stall).
//! * a kernel_peer client sends one 4 MiB message to usctp with a 256 KiB receive window.
//!
//! Every capture is decoded twice: by the suite's `capture::decode` (CRC32c, malformed,
//! expert errors, addresses) and by `pr_interop::decode` (FORWARD TSN, SACK and INIT fields).

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::time::timeout;
use usctp::{Endpoint, EndpointConfig};

use super::cases::finish;
use super::usctp_client::Net;
use super::vm::{guest, host, in_netns, Vm, UDP_PORT};
use crate::pr_interop::*;

const N: u32 = 50;
const SIZE: usize = 1000;
const LOSS: u32 = 30;
const BIG: usize = 4 << 20;
const RWND: u32 = 262_144;

/// usctp's addresses (both paths, IPv4).
fn usctp_addrs() -> Vec<IpAddr> {
    vec![host('A', false), host('B', false)]
}

/// usctp's endpoint in `ukv` on `port`, PR-SCTP offered; receive window `rwnd` if given.
fn bind(rt: &Runtime, net: Net, port: u16, rwnd: Option<u32>) -> Result<Endpoint, String> {
    let mut cfg = if net.udp {
        EndpointConfig::udp(usctp_addrs(), port, UDP_PORT)
    } else {
        EndpointConfig::raw(usctp_addrs(), port)
    };
    let a = &mut cfg.protocol.association;
    tune(a);
    a.hb_interval = Some(Duration::from_millis(500));
    if let Some(w) = rwnd {
        a.receive_window = w;
    }
    in_netns(|| rt.block_on(Endpoint::bind(cfg))).map_err(|e| format!("bind: {e}"))
}

/// The nft rule body matching a packet whose first chunk is DATA.
fn data_first(udp: bool) -> String {
    if udp {
        format!("udp dport {UDP_PORT} @th,160,8 0")
    } else {
        "meta l4proto sctp @th,96,8 0".into()
    }
}

/// Drop `LOSS`% of usctp's DATA toward the guest (egress of both taps) or of the guest's
/// DATA toward usctp (input).
fn loss_on(toward_guest: bool, udp: bool) -> Result<(), String> {
    let m = data_first(udp);
    let rules = if toward_guest {
        format!(
            "table netdev h10loss {{\n\
             chain a {{ type filter hook egress device \"ukva\" priority 0; {m} numgen random mod 100 < {LOSS} drop; }}\n\
             chain b {{ type filter hook egress device \"ukvb\" priority 0; {m} numgen random mod 100 < {LOSS} drop; }}\n}}"
        )
    } else {
        format!(
            "table inet h10loss {{\n\
             chain in {{ type filter hook input priority 0; {m} numgen random mod 100 < {LOSS} drop; }}\n}}"
        )
    };
    let mut c = std::process::Command::new("ip");
    c.args(["netns", "exec", "ukv", "nft", "-f", "-"]);
    c.stdin(std::process::Stdio::piped());
    c.stdout(std::process::Stdio::piped());
    c.stderr(std::process::Stdio::piped());
    let mut child = c.spawn().map_err(|e| format!("nft: {e}"))?;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().ok_or("nft stdin")?;
        stdin
            .write_all(rules.as_bytes())
            .map_err(|e| format!("nft: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| format!("nft: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "nft: {}\n{rules}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn loss_off() {
    for family in ["netdev", "inet"] {
        let _ = std::process::Command::new("ip")
            .args([
                "netns", "exec", "ukv", "nft", "delete", "table", family, "h10loss",
            ])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// kernel_peer ARGS in the guest's background; its output (and `exit N`) in /tmp/NAME.out.
fn guest_start(vm: &Vm, name: &str, args: &str) -> Result<(), String> {
    vm.exec(
        10,
        &format!(
            "(kernel_peer {args}; echo \"exit $?\") >/tmp/{name}.out 2>&1 </dev/null & \
             echo $! >/tmp/{name}.pid"
        ),
    )
    .map(|_| ())
}

/// Wait (30 s at most) for kernel_peer NAME to end; its output. `Err` when it failed.
fn guest_wait(vm: &Vm, name: &str) -> Result<PeerOut, String> {
    let text = vm.exec(
        40,
        &format!(
            "n=0; while kill -0 $(cat /tmp/{name}.pid) 2>/dev/null && [ $n -lt 300 ]; do \
             usleep 100000; n=$((n+1)); done; cat /tmp/{name}.out"
        ),
    )?;
    let p = PeerOut::parse(&text);
    if !text.lines().any(|l| l == "exit 0") {
        return Err(format!("kernel_peer failed: {}", p.tail()));
    }
    Ok(p)
}

/// The capture stopped and decoded: the suite's checks, then the PR-SCTP fields.
fn packets(vm: &Vm, pcap: &str) -> Result<(Vec<Pkt>, u64), String> {
    finish(vm, pcap)?;
    let drops = capture_drops(&pcap_log(Path::new(pcap)));
    Ok((decode(pcap, &usctp_addrs())?, drops))
}

fn rto_arg() -> String {
    format!("--rto {PEER_RTO}")
}

/// usctp sends with `policy` to a kernel_peer server, DATA toward the guest lost.
pub fn usctp_sends_pr(
    vm: &Vm,
    rt: &Runtime,
    pcap: &str,
    net: Net,
    policy: Policy,
    port: u16,
    guest_port: u16,
) -> Result<String, String> {
    guest_start(
        vm,
        "h10s",
        &format!(
            "--role server --lport {guest_port} {} --timeout 25",
            rto_arg()
        ),
    )?;
    std::thread::sleep(Duration::from_millis(300));
    let ep = bind(rt, net, port, None)?;
    loss_on(true, net.udp)?;
    let r = rt.block_on(async {
        let a =
            super::usctp_client::connect_to(&ep, guest('A', false), net.udp, guest_port).await?;
        let r = usctp_send(Arc::new(a), N, SIZE, 3, policy, Duration::from_millis(10)).await;
        ep.close().await;
        r
    });
    loss_off();
    let p = guest_wait(vm, "h10s");
    let caps = packets(vm, pcap);
    let (r, p) = (r?, p?);
    let (pkts, drops) = caps?;
    check_usctp_sent(&r, SIZE, &p, &pkts, net.udp)
        .map(|d| format!("{d}; capture drops {drops}"))
        .map_err(|e| format!("{e}; capture drops {drops}"))
}

/// A kernel_peer client sends to usctp's server: `args` after the common ones; with
/// `loss`, 30% of its DATA toward usctp dropped.
#[allow(clippy::too_many_arguments)]
fn kernel_sends(
    vm: &Vm,
    rt: &Runtime,
    pcap: &str,
    net: Net,
    port: u16,
    rwnd: Option<u32>,
    size: usize,
    args: &str,
) -> Result<(RecvReport, PeerOut, Vec<Pkt>, u64), String> {
    let ep = bind(rt, net, port, rwnd)?;
    if rwnd.is_none() {
        loss_on(false, net.udp)?;
    }
    // The large message: the suite's full capture drops packets under the bulk; capture the
    // control packets only (with a larger buffer) into the same file instead.
    let own = if rwnd.is_some() {
        vm.ukv(&["capture", "stop"])?;
        let f = if net.udp {
            CONTROL_ONLY_UDP
        } else {
            CONTROL_ONLY_RAW
        };
        Some(Capture::start("ukv", Path::new(pcap), f)?)
    } else {
        None
    };
    let rudp = if net.udp {
        format!("--rudp {UDP_PORT}")
    } else {
        String::new()
    };
    let started = guest_start(
        vm,
        "h10c",
        &format!(
            "--role client --remote {} --port {port} {rudp} {} --timeout 25 {args}",
            host('A', false),
            rto_arg()
        ),
    );
    let r = started.and_then(|_| {
        rt.block_on(async {
            let a = timeout(Duration::from_secs(10), ep.accept())
                .await
                .map_err(|_| "no association from the kernel within 10 s".to_string())?
                .ok_or("endpoint closed")?;
            let r = usctp_recv(Arc::new(a), size, Duration::from_secs(20)).await;
            ep.close().await;
            Ok::<_, String>(r)
        })
    });
    loss_off();
    let p = guest_wait(vm, "h10c");
    if let Some(c) = own {
        c.stop(Path::new(pcap));
    }
    let caps = packets(vm, pcap);
    let (r, p) = (r?, p?);
    let (pkts, drops) = caps?;
    Ok((r, p, pkts, drops))
}

/// The kernel sends 50 messages with `policy`, its DATA toward usctp lost.
pub fn kernel_sends_pr(
    vm: &Vm,
    rt: &Runtime,
    pcap: &str,
    net: Net,
    policy: Policy,
    port: u16,
) -> Result<String, String> {
    let args = format!(
        "--send {N} --size {SIZE} --stream 1 --interval 10 --pr {} --hold 2000",
        policy.peer_arg()
    );
    let (r, p, pkts, drops) = kernel_sends(vm, rt, pcap, net, port, None, SIZE, &args)?;
    if p.field("sent") != u64::from(N) {
        return Err(format!(
            "the kernel sent {} of {N}: {}",
            p.field("sent"),
            p.tail()
        ));
    }
    // SCTP_PR_ASSOC_STATUS: Linux does not send SCTP_SEND_FAILED_EVENT for every one.
    let ab = p.field("pr_abandoned_sent") + p.field("pr_abandoned_unsent");
    check_usctp_received(&r, N, SIZE, ab, &p.abandoned_idx, &pkts, net.udp)
        .map(|d| {
            format!(
                "{d}; kernel SCTP_PR_ASSOC_STATUS abandoned sent {} / unsent {}, \
                 SCTP_SEND_FAILED_EVENTs {}; capture drops {drops}",
                p.field("pr_abandoned_sent"),
                p.field("pr_abandoned_unsent"),
                p.field("abandoned")
            )
        })
        .map_err(|e| format!("{e}; capture drops {drops}"))
}

/// The kernel sends one 4 MiB message to usctp's 256 KiB window.
pub fn kernel_sends_large(
    vm: &Vm,
    rt: &Runtime,
    pcap: &str,
    net: Net,
    port: u16,
) -> Result<String, String> {
    let args = "--send 1 --size 4m --hold 500";
    let (r, _, pkts, drops) = kernel_sends(vm, rt, pcap, net, port, Some(RWND), BIG, args)?;
    check_large(&r, BIG, RWND, &pkts, net.udp)
        .map(|d| format!("{d}; capture drops {drops}"))
        .map_err(|e| format!("{e}; capture drops {drops}"))
}
