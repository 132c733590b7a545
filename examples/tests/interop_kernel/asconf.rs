//! Dynamic addresses (RFC 5061, ASCONF with AUTH) between usctp (namespace `ukv`) and the
//! guest kernel's SCTP through interop/kernel/peer/kernel_peer (a server; usctp connects):
//! the cases of asconf_interop/mod.rs (`AsconfKind`) on path A. For each case the namespace
//! gets 10.77.1.11 on tap `ukva` and the guest 10.77.1.12 on `patha`, and the guest runs with
//! `net.sctp.addip_enable=1` and `auth_enable=1`; all of it is undone after the case. The
//! capture is decoded by `asconf_interop::decode` (CRC32c, malformed, expert errors, ASCONF
//! parameters): the suite's own decoding takes only the topology's .1 / .2 addresses.

use std::net::IpAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Runtime;
use usctp::{Endpoint, EndpointConfig};

use super::reconfig::{guest_start, guest_wait};
use super::usctp_client::Net;
use super::vm::{guest, host, in_netns, Vm, UDP_PORT};
use crate::asconf_interop::{asconf_config, check, decode, run_usctp, Addrs, AsconfKind};
use crate::pr_interop::{capture_drops, pcap_log, tune, PeerOut, PEER_RTO};

/// The second addresses on path A (the first: the topology's .1 and .2).
const HOST_2: [u8; 4] = [10, 77, 1, 11];
pub const GUEST_2: [u8; 4] = [10, 77, 1, 12];

fn addrs() -> Addrs {
    Addrs {
        usctp: [host('A', false), IpAddr::from(HOST_2)],
        peer: [guest('A', false), IpAddr::from(GUEST_2)],
    }
}

fn bind(rt: &Runtime, net: Net, port: u16) -> Result<Endpoint, String> {
    let local = vec![host('A', false)];
    let mut cfg = if net.udp {
        EndpointConfig::udp(local, port, UDP_PORT)
    } else {
        EndpointConfig::raw(local, port)
    };
    let a = &mut cfg.protocol.association;
    tune(a);
    asconf_config(a);
    in_netns(|| rt.block_on(Endpoint::bind(cfg))).map_err(|e| format!("bind: {e}"))
}

/// `ip -n ukv addr add|del` of usctp's second address.
fn host_addr(op: &str) -> Result<(), String> {
    let a = format!("{}/24", IpAddr::from(HOST_2));
    let out = Command::new("ip")
        .args(["-n", "ukv", "addr", op, &a, "dev", "ukva"])
        .output()
        .map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip addr {op} {a}: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The guest's side of the setup (`on`) or its undoing.
pub fn guest_setup(vm: &Vm, on: bool) -> Result<String, String> {
    let (op, v) = if on { ("add", 1) } else { ("del", 0) };
    vm.exec(
        10,
        &format!(
            "ip addr {op} {}/24 dev patha; \
             sysctl -qw net.sctp.addip_enable={v} net.sctp.auth_enable={v}",
            IpAddr::from(GUEST_2)
        ),
    )
}

/// One case: a kernel_peer server on `guest_port` bound to the guest's first address;
/// usctp (bound to `port` on its first) connects and runs its side.
pub fn asconf_case(
    vm: &Vm,
    rt: &Runtime,
    pcap: &str,
    net: Net,
    kind: AsconfKind,
    port: u16,
    guest_port: u16,
) -> Result<String, String> {
    let name = "h21a";
    host_addr("add")?;
    let r = guest_setup(vm, true).and_then(|_| {
        guest_start(
            vm,
            name,
            &format!(
                "--role server --lport {guest_port} --rto {PEER_RTO} --timeout 30 {}",
                kind.peer_args(&addrs()).join(" ")
            ),
        )
    });
    let r = r.and_then(|_| {
        std::thread::sleep(Duration::from_millis(300));
        let ep = bind(rt, net, port)?;
        rt.block_on(async {
            let a = super::usctp_client::connect_to(&ep, guest('A', false), net.udp, guest_port)
                .await?;
            let r = run_usctp(kind, Arc::new(a), addrs()).await;
            ep.close().await;
            r
        })
    });
    let p = guest_wait(vm, name);
    let _ = guest_setup(vm, false);
    let _ = host_addr("del");
    std::thread::sleep(Duration::from_millis(300));
    let stopped = vm.ukv(&["capture", "stop"]);
    let drops = capture_drops(&pcap_log(std::path::Path::new(pcap)));
    let verdict = (|| {
        let (p, peer_ok) = p?;
        let p = PeerOut::parse(&p.text);
        let r = r.map_err(|e| format!("{e}; kernel_peer: {}", p.tail()))?;
        stopped?;
        let pkts = decode(pcap, &addrs().usctp)?;
        check(kind, &addrs(), &r, &p, peer_ok, &pkts, net.udp)
    })();
    let note = |s: String| format!("{s}; capture drops {drops}");
    verdict.map(note).map_err(note)
}
