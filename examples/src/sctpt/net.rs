//! What the C tool gets from the kernel: address parsing, the transport (the sysctls
//! `net.sctp.udp_port` / `encap_port` become options and environment variables), protocol
//! tunables, and event printing at `--log 7`.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::Duration;

use usctp::{Association, EndpointConfig, TransportAddr, TransportConfig, UdpConfig};

use super::cli::Parsed;
use super::log::{self, atoi, DEBUG, WARNING};

/// Parse a comma-separated list of numeric addresses like nfqlb's `parseAddrs`: `None` when
/// one is bad (after the warning `<gai_strerror> [<literal>]`).
pub fn parse_addrs(list: &str) -> Option<Vec<IpAddr>> {
    let mut v = Vec::new();
    for lit in list.split(',').filter(|s| !s.is_empty()) {
        match lit.parse::<IpAddr>() {
            Ok(ip) => {
                log::log(DEBUG, "Family 10, len 28\n");
                v.push(ip.to_canonical());
            }
            Err(_) => {
                log::log(WARNING, &format!("Name or service not known [{lit}]\n"));
                return None;
            }
        }
    }
    Some(v)
}

/// The wildcard (`::` or `0.0.0.0`) binds every address: usctp's empty address list.
pub fn bind_list(addrs: &[IpAddr]) -> Vec<IpAddr> {
    addrs
        .iter()
        .copied()
        .filter(|a| !a.is_unspecified())
        .collect()
}

/// Fail like `sctp_bindx` when an address is not local (EADDRNOTAVAIL).
pub fn check_local(addrs: &[IpAddr]) -> std::io::Result<()> {
    for ip in addrs {
        UdpSocket::bind(SocketAddr::new(*ip, 0))?;
    }
    Ok(())
}

/// `strerror` text of an io error, without Rust's " (os error N)" suffix.
pub fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn port_setting(p: &Parsed, opt: &str, env: &str) -> Option<u16> {
    let v = p
        .get(opt)
        .map(str::to_string)
        .or_else(|| std::env::var(env).ok())?;
    u16::try_from(atoi(&v)).ok().filter(|&n| n != 0)
}

fn ms(p: &Parsed, name: &str) -> Option<Duration> {
    p.get(name)
        .map(|v| Duration::from_millis(atoi(v).max(0) as u64))
}

fn count(p: &Parsed, name: &str) -> Option<u32> {
    p.get(name)
        .map(|v| atoi(v).clamp(0, i64::from(u32::MAX)) as u32)
}

/// An endpoint on SCTP `port` with `local` addresses, plus the remote UDP port to put in
/// peer addresses (`None`: native SCTP).
pub fn endpoint_config(p: &Parsed, local: Vec<IpAddr>, port: u16) -> (EndpointConfig, Option<u16>) {
    let udp_port = port_setting(p, "udp-port", "SCTP_UDP_PORT");
    let encap_port = port_setting(p, "encap-port", "SCTP_ENCAP_PORT");
    // ---- The one place where the transport is chosen. ----
    // TODO(raw IP): when usctp-transport has raw IP (protocol 132), select it here when
    // neither udp_port nor encap_port is set, and return `None` as the remote UDP port.
    // Until then both default to 9899 (RFC 6951's registered port).
    let (local_udp, remote_udp) = match (udp_port, encap_port) {
        (None, None) => (usctp::DEFAULT_UDP_PORT, usctp::DEFAULT_UDP_PORT),
        (Some(l), None) => (l, l),
        (None, Some(r)) => (0, r),
        (Some(l), Some(r)) => (l, r),
    };
    let transport = TransportConfig::Udp(UdpConfig::with_port(local_udp));
    // ---- end of transport selection ----
    let mut cfg = EndpointConfig::new(local, port, transport);
    let a = &mut cfg.protocol.association;
    if let Some(d) = ms(p, "rto-initial") {
        a.rto_initial = d;
    }
    if let Some(d) = ms(p, "rto-min") {
        a.rto_min = d;
    }
    if let Some(d) = ms(p, "rto-max") {
        a.rto_max = d;
    }
    if let Some(d) = ms(p, "hb-interval") {
        a.hb_interval = (!d.is_zero()).then_some(d);
    }
    if let Some(n) = count(p, "path-max-retrans") {
        a.path_max_retrans = n;
    }
    if let Some(n) = count(p, "assoc-max-retrans") {
        a.assoc_max_retrans = n;
    }
    if let Some(n) = count(p, "max-init-retrans") {
        a.max_init_retransmits = n;
    }
    if let Some(n) = count(p, "pf-max-retrans") {
        a.pf_max_retrans = Some(n);
    }
    if let Some(d) = ms(p, "sack-delay") {
        a.sack_delay = d;
    }
    if let Some(n) = count(p, "streams") {
        a.outbound_streams = u16::try_from(n.max(1)).unwrap_or(u16::MAX);
    }
    cfg.accept_backlog = 64;
    (cfg, Some(remote_udp))
}

/// A peer transport address for `ip` under the chosen transport.
pub fn peer(ip: IpAddr, remote_udp: Option<u16>) -> TransportAddr {
    match remote_udp {
        Some(u) => TransportAddr::udp(ip, u),
        None => TransportAddr::raw(ip),
    }
}

/// The peer's addresses as `sctp_getpaddrs` lists them: the paths, primary first.
pub async fn peer_addrs(a: &Association) -> Vec<IpAddr> {
    let Some(st) = a.stats().await else {
        return Vec::new();
    };
    let mut paths = st.paths;
    paths.sort_by_key(|p| !p.primary);
    let mut v: Vec<IpAddr> = Vec::new();
    for p in paths {
        if !v.contains(&p.remote.ip) {
            v.push(p.remote.ip);
        }
    }
    v
}

/// The peer's SCTP port. TODO(usctp API): the public API does not expose it yet (the core
/// knows it); until then 0 is printed where the C tool prints the peer's port.
pub fn peer_port(_a: &Association) -> u16 {
    0
}

/// At `--log 7`, print the association's events (`<tag>: <event>`) until it ends.
pub fn print_events(tag: String, a: &Arc<Association>) {
    if !log::enabled(DEBUG) {
        return;
    }
    let a = Arc::clone(a);
    tokio::spawn(async move {
        while let Some(e) = a.event().await {
            log::log(DEBUG, &format!("{tag}: event {e:?}\n"));
        }
    });
}
