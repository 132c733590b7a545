//! AUTH (RFC 4895) between usctp (namespace `ukv`) and the guest kernel's SCTP through
//! interop/kernel/peer/kernel_peer (a server; usctp connects), DATA authenticated, raw IPv4:
//! the cases of auth_interop/mod.rs (`AuthKind`). The guest runs them with
//! `net.sctp.auth_enable=1` (kernel_peer also asks per socket); it is set back to 0 after.
//! Every capture is decoded twice: by the suite's `capture::decode` (CRC32c, malformed,
//! addresses) and by `auth_interop::decode` (AUTH parameters and chunks).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Runtime;
use usctp::{Endpoint, EndpointConfig};

use super::cases::finish;
use super::reconfig::{guest_start, guest_wait};
use super::usctp_client::Net;
use super::vm::{guest, host, in_netns, Vm, UDP_PORT};
use crate::auth_interop::{auth_config, check, decode, run_usctp, AuthKind};
use crate::pr_interop::{capture_drops, pcap_log, tune, PeerOut, PEER_RTO};

/// usctp's addresses (both paths, IPv4).
fn usctp_addrs() -> Vec<IpAddr> {
    vec![host('A', false), host('B', false)]
}

fn bind(rt: &Runtime, net: Net, port: u16, kind: AuthKind) -> Result<Endpoint, String> {
    let mut cfg = if net.udp {
        EndpointConfig::udp(usctp_addrs(), port, UDP_PORT)
    } else {
        EndpointConfig::raw(usctp_addrs(), port)
    };
    let a = &mut cfg.protocol.association;
    tune(a);
    auth_config(a, kind);
    a.hb_interval = Some(Duration::from_millis(500));
    in_netns(|| rt.block_on(Endpoint::bind(cfg))).map_err(|e| format!("bind: {e}"))
}

/// One case: a kernel_peer server on `guest_port` with the case's options; usctp (bound to
/// `port`) connects over path A and runs its side.
pub fn auth_case(
    vm: &Vm,
    rt: &Runtime,
    pcap: &str,
    net: Net,
    kind: AuthKind,
    port: u16,
    guest_port: u16,
) -> Result<String, String> {
    let name = "h20a";
    vm.exec(10, "sysctl -qw net.sctp.auth_enable=1")?;
    guest_start(
        vm,
        name,
        &format!(
            "--role server --lport {guest_port} --rto {PEER_RTO} --timeout 15 {}",
            kind.peer_args().join(" ")
        ),
    )?;
    std::thread::sleep(Duration::from_millis(300));
    let r = bind(rt, net, port, kind).and_then(|ep| {
        rt.block_on(async {
            let a = super::usctp_client::connect_to(&ep, guest('A', false), net.udp, guest_port)
                .await?;
            let r = run_usctp(kind, Arc::new(a)).await;
            ep.close().await;
            r
        })
    });
    let p = guest_wait(vm, name);
    let _ = vm.exec(10, "sysctl -qw net.sctp.auth_enable=0");
    let suite = finish(vm, pcap);
    let drops = capture_drops(&pcap_log(std::path::Path::new(pcap)));
    let verdict = (|| {
        let (p, peer_ok) = p?;
        let p = PeerOut::parse(&p.text);
        let r = r.map_err(|e| format!("{e}; kernel_peer: {}", p.tail()))?;
        suite?;
        let pkts = decode(pcap, &usctp_addrs())?;
        check(kind, &r, &p, peer_ok, &pkts, net.udp)
    })();
    let note = |s: String| format!("{s}; capture drops {drops}");
    verdict.map(note).map_err(note)
}
