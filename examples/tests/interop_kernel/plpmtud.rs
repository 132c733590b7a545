//! PLPMTUD (RFC 8899) toward the guest kernel, raw IPv4 and UDP 9899: usctp (PLPMTUD up to
//! 1500, the taps' MTU; one path, `use_peer_address_list` off; PotentiallyFailed.Max.Retrans
//! 3 and RTO.Max 4 s, see interop_usrsctp_plpmtud.rs for why) sends 1500 messages of 700 bytes, unpaced, to a
//! kernel_peer server with a 64 KiB receive buffer (the queue backs up and bundles two
//! messages to a packet); after the first 500, nftables in `ukv` drops every IPv4
//! packet over 1300 bytes leaving on the taps (netdev egress: silently, no ICMP; ICMP into
//! `ukv` is dropped too); for the first 300 ms all of usctp's packets are dropped, so that the
//! rest is queued and then sent bundled. Checks: the kernel received every message whole, usctp's path MTU
//! fell from 1500 into 1200..=1300, the capture shows HEARTBEAT + PAD probes, no ICMP, the last
//! DATA packets within 1300. The capture point is after the egress hook, so the probes lost in
//! the black hole are not in it (the usrsctp lab case shows those).
//!
//! Over UDP 9899 the same, with usctp sending packet by packet (GSO off): the hole is a
//! length match at the tap's egress hook, which sees a GSO batch whole, before it is cut into
//! packets, so every batch of small packets fell in it too and the association was lost.

use std::net::IpAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Runtime;
use usctp::{Endpoint, EndpointConfig, PlpmtudConfig, TransportConfig};

use super::cases::finish;
use super::reconfig::{guest_start, guest_wait};
use super::usctp_client::Net;
use super::vm::{guest, host, in_netns, Vm, UDP_PORT};
use crate::plpmtud_interop::{probes_without_icmp, transfer, HOLE_MTU, MAX_MTU, N, SIZE};
use crate::pr_interop::{capture_drops, decode, pcap_log};

const TABLE: &str = "h23mtu";
/// All of usctp's packets dropped for 300 ms when the hole opens, while the rest is queued.
const STOP: &str = "h23stop";

fn bind(rt: &Runtime, net: Net, port: u16) -> Result<Endpoint, String> {
    let local = vec![host('A', false)];
    let mut cfg = if net.udp {
        let mut c = EndpointConfig::udp(local, port, UDP_PORT);
        // The black hole is a length match at the tap's egress hook, which sees a GSO batch
        // before it is cut into packets: a batch of small packets would fall in the hole.
        if let TransportConfig::Udp(u) = &mut c.transport {
            u.gso = false;
        }
        c
    } else {
        EndpointConfig::raw(local, port)
    };
    let a = &mut cfg.protocol.association;
    let mut pl = PlpmtudConfig::default();
    pl.max_mtu = MAX_MTU;
    a.plpmtud = Some(pl);
    a.pf_max_retrans = Some(3);
    // T3 backs off to RTO.Max: at the default 60 s the first retransmission after the PMTU
    // fell can come a minute later; at 2 s, T3s came faster than three lost probes confirmed
    // the black hole (kernel, UDP), and the association was lost.
    a.rto_max = Duration::from_secs(4);
    a.use_peer_address_list = false;
    in_netns(|| rt.block_on(Endpoint::bind(cfg))).map_err(|e| format!("bind: {e}"))
}

fn nft(script: &str) -> Result<(), String> {
    let out = Command::new("ip")
        .args(["netns", "exec", "ukv", "bash", "-c"])
        .arg(format!("nft -f - <<'NFT'\n{script}\nNFT"))
        .output()
        .map_err(|e| format!("nft: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("nft: {}", String::from_utf8_lossy(&out.stderr)))
    }
}

fn black_hole() -> Result<(), String> {
    let m = format!("meta protocol ip ip length > {HOLE_MTU} drop;");
    nft(&format!(
        "table netdev {TABLE} {{\n\
         chain a {{ type filter hook egress device \"ukva\" priority 0; {m} }}\n\
         chain b {{ type filter hook egress device \"ukvb\" priority 0; {m} }}\n}}\n\
         table inet {TABLE} {{\n\
         chain in {{ type filter hook input priority 0; meta l4proto icmp drop; }}\n}}"
    ))
}

fn black_hole_off() {
    for family in ["netdev", "inet"] {
        let _ = Command::new("ip")
            .args([
                "netns", "exec", "ukv", "nft", "delete", "table", family, TABLE,
            ])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// One case: usctp bound to `port`, a kernel_peer server on `guest_port`.
pub fn plpmtud_case(
    vm: &Vm,
    rt: &Runtime,
    pcap: &str,
    net: Net,
    port: u16,
    guest_port: u16,
) -> Result<String, String> {
    let name = "h23p";
    guest_start(
        vm,
        name,
        &format!("--role server --lport {guest_port} --timeout 45 --rcvbuf 65536"),
    )?;
    std::thread::sleep(Duration::from_millis(300));
    let r = bind(rt, net, port).and_then(|ep| {
        rt.block_on(async {
            let a = super::usctp_client::connect_to(&ep, guest('A', false), net.udp, guest_port)
                .await?;
            let hole = |on: bool| {
                if !on {
                    return nft(&format!("delete table netdev {STOP}"));
                }
                black_hole()?;
                nft(&format!(
                    "table netdev {STOP} {{\n chain a {{ type filter hook egress device \"ukva\" \
                     priority 0; meta protocol ip drop; }}\n}}"
                ))
            };
            let r = transfer(Arc::new(a), hole).await;
            ep.close().await;
            r
        })
    });
    black_hole_off();
    let p = guest_wait(vm, name);
    let suite = finish(vm, pcap);
    let drops = capture_drops(&pcap_log(std::path::Path::new(pcap)));
    let verdict = (|| {
        let (p, ok) = p?;
        let (before, after) = r.map_err(|e| format!("{e}; kernel_peer: {}", p.tail()))?;
        suite?;
        let whole = p
            .text
            .lines()
            .filter(|l| l.starts_with("msg ") && l.contains(&format!(" len={SIZE} ")))
            .filter(|l| l.ends_with(" eor"))
            .count();
        if !ok || whole != N as usize {
            return Err(format!(
                "kernel_peer ok {ok}, {whole} of {N} whole: {}",
                p.tail()
            ));
        }
        if before != MAX_MTU || !(1200..=HOLE_MTU).contains(&after) {
            return Err(format!("path MTU {before} before the hole, {after} after"));
        }
        let usctp: [IpAddr; 1] = [host('A', false)];
        decode(pcap, &usctp)?;
        let shown = probes_without_icmp(pcap, &usctp, HOLE_MTU, 0)?;
        Ok(format!(
            "the kernel received {N} x {SIZE} B; path MTU {before} -> {after} without ICMP; \
             {shown}"
        ))
    })();
    let note = |s: String| format!("{s}; capture drops {drops}");
    verdict.map(note).map_err(note)
}
