//! Shared by the PLPMTUD (RFC 8899) interop cases (`interop_usrsctp_plpmtud.rs`,
//! `interop_kernel/plpmtud.rs`): the workload through the black hole, and what the capture
//! shows of usctp's probes.

use std::net::IpAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::{timeout, Instant};
use usctp::Association;

use crate::pr_interop::body;

/// Messages sent, their size, the message before which the hole opens.
pub const N: u32 = 1500;
pub const SIZE: usize = 700;
pub const HOLE_AT: u32 = 500;
/// The largest IP packet the black hole lets through; the MTU usctp probes up to.
pub const HOLE_MTU: usize = 1300;
pub const MAX_MTU: usize = 1500;

/// Wait (30 s at most) until nothing is outstanding or queued.
async fn acked(a: &Association) {
    let until = Instant::now() + Duration::from_secs(30);
    while Instant::now() < until {
        let Some(st) = a.stats().await else { break };
        if st.outstanding_bytes == 0 && st.queued_bytes == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// usctp's path MTU.
async fn mtu(a: &Association) -> usize {
    a.stats()
        .await
        .and_then(|s| s.paths.first().map(|p| p.mtu))
        .unwrap_or(0)
}

/// Wait for the search to confirm `MAX_MTU`, send `N` messages unpaced, wait for every
/// acknowledgement, shut down: the MTU before the hole and at the end. `hole(true)` opens the
/// black hole before message `HOLE_AT` and drops all of usctp's packets while the rest is
/// queued; `hole(false)`, 300 ms later, lets the small ones through again, so that what usctp
/// (re)transmits from then on is bundled (on an idle link it sends each message alone).
pub async fn transfer(
    a: Arc<Association>,
    hole: impl Fn(bool) -> Result<(), String>,
) -> Result<(usize, usize), String> {
    let until = Instant::now() + Duration::from_secs(5);
    while mtu(&a).await < MAX_MTU && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before = mtu(&a).await;
    for i in 0..N {
        if i == HOLE_AT {
            hole(true)?;
        }
        a.send(0, body(i, SIZE))
            .await
            .map_err(|e| format!("send {i}: {e}"))?;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    hole(false)?;
    acked(&a).await;
    let after = mtu(&a).await;
    timeout(Duration::from_secs(15), a.shutdown())
        .await
        .map_err(|_| format!("shutdown did not complete (stalled; MTU {after})"))?
        .map_err(|e| format!("shutdown: {e} (MTU {after})"))?;
    Ok((before, after))
}

/// One SCTP packet usctp sent: its IP length, whether it is a probe (HEARTBEAT + PAD, RFC 8899
/// §6.2.1), whether it carries DATA or I-DATA.
struct Sent {
    len: usize,
    probe: bool,
    data: bool,
}

/// The capture `pcap` (SCTP in UDP 9899 too) must show: no ICMP at all, probes, at least
/// `lost` of them larger than `hole` (lost in the black hole, when the capture point is before
/// it), and the last 50 DATA packets within `hole`. A summary of the probes and DATA sizes.
pub fn probes_without_icmp(
    pcap: &str,
    usctp: &[IpAddr],
    hole: usize,
    lost: usize,
) -> Result<String, String> {
    let out = Command::new("tshark")
        .args([
            "-r",
            pcap,
            "-n",
            "-d",
            "udp.port==9899,sctp",
            "-T",
            "fields",
        ])
        .args([
            "-E",
            "separator=|",
            "-E",
            "occurrence=a",
            "-E",
            "aggregator=,",
        ])
        .args([
            "-e",
            "ip.src",
            "-e",
            "ip.len",
            "-e",
            "sctp.chunk_type",
            "-e",
            "icmp.type",
        ])
        .output()
        .map_err(|e| format!("tshark: {e}"))?;
    let (mut sent, mut icmp) = (Vec::new(), 0);
    for l in String::from_utf8_lossy(&out.stdout).lines() {
        let [src, len, types, it] = l.split('|').collect::<Vec<_>>()[..] else {
            return Err(format!("tshark line: {l}"));
        };
        if !it.is_empty() {
            icmp += 1;
            continue;
        }
        let src = src.split(',').next().and_then(|s| s.parse::<IpAddr>().ok());
        if !src.is_some_and(|s| usctp.contains(&s)) || types.is_empty() {
            continue;
        }
        let t: Vec<&str> = types.split(',').collect();
        sent.push(Sent {
            len: len
                .split(',')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0),
            probe: t.contains(&"4") && t.contains(&"132"),
            data: t.contains(&"0") || t.contains(&"64"),
        });
    }
    let probes: Vec<usize> = sent.iter().filter(|p| p.probe).map(|p| p.len).collect();
    let data: Vec<usize> = sent.iter().filter(|p| p.data).map(|p| p.len).collect();
    let big = probes.iter().filter(|&&s| s > hole).count();
    let tail = data.iter().rev().take(50).max().copied().unwrap_or(0);
    if icmp > 0 || probes.is_empty() || big < lost || tail > hole {
        return Err(format!(
            "ICMP {icmp}, probes {probes:?}, largest of the last 50 DATA packets {tail}"
        ));
    }
    let over = data.iter().filter(|&&s| s > hole).count();
    Ok(format!(
        "no ICMP in the capture; {} HEARTBEAT+PAD probes, IP sizes {probes:?}; {} DATA \
         packets, {over} over {hole} (before the hole, or lost in it), the last 50 at most {tail}",
        probes.len(),
        data.len()
    ))
}
