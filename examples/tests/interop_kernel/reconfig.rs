//! Stream reconfiguration (RFC 6525) between usctp (namespace `ukv`) and the guest kernel's
//! SCTP through interop/kernel/peer/kernel_peer (a server; usctp connects), raw IPv4 and
//! UDP 9899: the cases of reconfig_interop/mod.rs (`Kind`): resets of outgoing streams
//! either way, usctp's Incoming SSN Reset Request, Add Outgoing Streams either way, SSN/TSN
//! reset either way. The events of both sides, the SSNs after a reset, and the RE-CONFIG
//! exchange in the capture (parameters, result codes, no DATA on a stream between its reset
//! request and the response) are checked. Every capture is decoded twice: by the suite's
//! `capture::decode` (CRC32c, malformed, addresses) and by `reconfig_interop::decode`.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Runtime;
use usctp::{Endpoint, EndpointConfig};

use super::cases::finish;
use super::usctp_client::Net;
use super::vm::{guest, host, in_netns, Vm, UDP_PORT};
use crate::pr_interop::{capture_drops, pcap_log, tune, PEER_RTO};
use crate::reconfig_interop::{check, decode, run_usctp, Kind, PeerLines};

/// usctp's addresses (both paths, IPv4).
fn usctp_addrs() -> Vec<IpAddr> {
    vec![host('A', false), host('B', false)]
}

fn bind(rt: &Runtime, net: Net, port: u16) -> Result<Endpoint, String> {
    let mut cfg = if net.udp {
        EndpointConfig::udp(usctp_addrs(), port, UDP_PORT)
    } else {
        EndpointConfig::raw(usctp_addrs(), port)
    };
    let a = &mut cfg.protocol.association;
    tune(a);
    a.hb_interval = Some(Duration::from_millis(500));
    in_netns(|| rt.block_on(Endpoint::bind(cfg))).map_err(|e| format!("bind: {e}"))
}

/// kernel_peer ARGS in the guest's background; its output (and `exit N`) in /tmp/NAME.out.
pub fn guest_start(vm: &Vm, name: &str, args: &str) -> Result<(), String> {
    vm.exec(
        10,
        &format!(
            "(kernel_peer {args}; echo \"exit $?\") >/tmp/{name}.out 2>&1 </dev/null & \
             echo $! >/tmp/{name}.pid"
        ),
    )
    .map(|_| ())
}

/// Wait (20 s at most) for kernel_peer NAME to end: its output, and whether it exited 0.
pub fn guest_wait(vm: &Vm, name: &str) -> Result<(PeerLines, bool), String> {
    let text = vm.exec(
        30,
        &format!(
            "n=0; while kill -0 $(cat /tmp/{name}.pid) 2>/dev/null && [ $n -lt 200 ]; do \
             usleep 100000; n=$((n+1)); done; cat /tmp/{name}.out"
        ),
    )?;
    let ok = text.lines().any(|l| l == "exit 0");
    Ok((PeerLines::parse(&text), ok))
}

/// One case: a kernel_peer server on `guest_port` with the case's options; usctp (bound to
/// `port`) connects over path A and runs its side.
pub fn reconfig_case(
    vm: &Vm,
    rt: &Runtime,
    pcap: &str,
    net: Net,
    kind: Kind,
    port: u16,
    guest_port: u16,
) -> Result<String, String> {
    let name = "h11r";
    guest_start(
        vm,
        name,
        &format!(
            "--role server --lport {guest_port} --rto {PEER_RTO} --timeout 15 {}",
            kind.peer_args().join(" ")
        ),
    )?;
    std::thread::sleep(Duration::from_millis(300));
    let ep = bind(rt, net, port)?;
    let r = rt.block_on(async {
        let a =
            super::usctp_client::connect_to(&ep, guest('A', false), net.udp, guest_port).await?;
        let r = run_usctp(kind, Arc::new(a)).await;
        ep.close().await;
        r
    });
    let p = guest_wait(vm, name);
    let suite = finish(vm, pcap);
    let drops = capture_drops(&pcap_log(std::path::Path::new(pcap)));
    let verdict = (|| {
        let (p, peer_ok) = p?;
        let r = r.map_err(|e| format!("{e}; kernel_peer: {}", p.tail()))?;
        suite?;
        let pkts = decode(pcap, &usctp_addrs())?;
        check(kind, &r, &p, peer_ok, &pkts, net.udp)
    })();
    let note = |s: String| format!("{s}; capture drops {drops}");
    verdict.map(note).map_err(note)
}
