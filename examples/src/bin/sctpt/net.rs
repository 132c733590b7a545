//! What the C tool gets from the kernel: address parsing, the transport (the sysctls
//! `net.sctp.udp_port` / `encap_port` become options and environment variables; raw IP
//! otherwise), protocol tunables, and event printing at `--log 7`.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::Duration;

use usctp::{
    Association, AssociationConfig, EndpointConfig, Extensions, PlpmtudConfig, RawConfig,
    RawTransport, Transport, TransportAddr, TransportConfig, TransportError, UdpConfig,
    UdpTransport,
};

use super::cli::Parsed;
use super::log::{self, atoi, die, DEBUG, WARNING};
use super::mux::Mux;
use super::tap::Tap;

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

/// The `strerror` text the C tool would print for an association error.
pub fn describe(e: &usctp::Error) -> String {
    match e {
        usctp::Error::Closed(Some(usctp::CloseReason::PeerAborted(_))) => {
            "Connection reset by peer".into()
        }
        usctp::Error::Closed(Some(usctp::CloseReason::CommunicationLost)) => {
            "Connection timed out".into()
        }
        other => other.to_string(),
    }
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

/// The process's transport, chosen once like the kernel's sysctls: UDP encapsulation
/// (RFC 6951) when `--udp-port` / `SCTP_UDP_PORT` is set and non-zero, else native SCTP
/// over raw IP. Dies with a message saying what to do when it cannot be opened.
#[derive(Debug)]
pub struct Net {
    mux: Arc<Mux>,
    /// The remote UDP port of peer addresses (`None`: raw IP).
    remote_udp: Option<u16>,
}

impl Net {
    /// Open the transport (and the `--pcap` file) for the options in `p`.
    pub fn open(p: &Parsed) -> Self {
        let udp_port = port_setting(p, "udp-port", "SCTP_UDP_PORT");
        let encap_port = port_setting(p, "encap-port", "SCTP_ENCAP_PORT");
        let (inner, remote_udp): (Arc<dyn Transport>, _) = match udp_port {
            Some(l) => match UdpTransport::bind(&UdpConfig::with_port(l)) {
                Ok(t) => (
                    Arc::new(t),
                    Some(encap_port.unwrap_or(usctp::DEFAULT_UDP_PORT)),
                ),
                Err(e) => die(&format!("socket {e}\n")),
            },
            None => match RawTransport::bind(&RawConfig::default()) {
                Ok(t) => (Arc::new(t), None),
                Err(TransportError::PermissionDenied { .. }) => die(
                    "socket Operation not permitted: native SCTP over raw IP needs root \
                     (CAP_NET_RAW); use --udp-port P (or SCTP_UDP_PORT) for SCTP over UDP\n",
                ),
                Err(e) => die(&format!("socket {e}\n")),
            },
        };
        let tap = p.get("pcap").map(|path| match Tap::create(path) {
            Ok(t) => t,
            Err(e) => die(&format!("pcap {path}: {}\n", strerror(&e))),
        });
        Self {
            mux: Mux::start(inner, tap),
            remote_udp,
        }
    }

    /// An endpoint on SCTP `port` with `local` addresses and the tunables of `p`; `None`
    /// when another endpoint of this process has the port.
    pub fn endpoint_config(
        &self,
        p: &Parsed,
        local: Vec<IpAddr>,
        port: u16,
    ) -> Option<EndpointConfig> {
        let t: Arc<dyn Transport> = self.mux.port(port)?;
        let mut cfg = EndpointConfig::new(local, port, TransportConfig::Custom(t));
        tunables(p, &mut cfg.protocol.association);
        // NAT-friendly: no ABORT for a HEARTBEAT no association claims.
        match p.get("ootb-heartbeat") {
            None | Some("abort") => {}
            Some("drop") => cfg.protocol.abort_ootb_heartbeats = false,
            Some(v) => die(&format!("Invalid ootb-heartbeat [{v}]: abort or drop\n")),
        }
        // The addresses the INIT / INIT ACK lists, when not the bound ones (a VIP behind a
        // load balancer, or none at all behind a NAT).
        match p.get("advertise") {
            None => {}
            Some("none") => cfg.protocol.advertised_addresses = Some(Vec::new()),
            Some(list) => match parse_addrs(list) {
                Some(v) => cfg.protocol.advertised_addresses = Some(v),
                None => die(&format!("Invalid advertise [{list}]\n")),
            },
        }
        cfg.accept_backlog = 64;
        Some(cfg)
    }

    /// A peer transport address for `ip` under the chosen transport.
    pub fn peer(&self, ip: IpAddr) -> TransportAddr {
        match self.remote_udp {
            Some(u) => TransportAddr::udp(ip, u),
            None => TransportAddr::raw(ip),
        }
    }
}

fn tunables(p: &Parsed, a: &mut AssociationConfig) {
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
    match p.get("peer-addresses") {
        None | Some("list") => {}
        Some("source") => a.use_peer_address_list = false,
        Some(v) => die(&format!("Invalid peer-addresses [{v}]: list or source\n")),
    }
    let on = |name: &str| match p.get(name) {
        None | Some("off") => false,
        Some("on") => true,
        Some(v) => die(&format!("Invalid {name} [{v}]: on or off\n")),
    };
    if on("auth") {
        a.extensions = a.extensions.with(Extensions::AUTH);
    }
    if let Some(list) = p.get("auth-chunks") {
        a.auth_chunks = list
            .split(',')
            .map(|t| t.trim().parse::<u8>())
            .collect::<Result<_, _>>()
            .unwrap_or_else(|_| die(&format!("Invalid auth-chunks [{list}]\n")));
    }
    if on("asconf") {
        a.extensions = a.extensions.with(Extensions::ASCONF);
    }
    match p.get("idata") {
        None | Some("off") => {}
        Some("on") => a.extensions = a.extensions.with(Extensions::I_DATA),
        // Linux numbers the fragments after the first from FSN 0 (see FsnNumbering).
        Some("linux") => {
            a.extensions = a.extensions.with(Extensions::I_DATA);
            a.i_data_fsn = usctp::FsnNumbering::SecondIsZero;
        }
        Some(v) => die(&format!("Invalid idata [{v}]: on, linux or off\n")),
    }
    a.plpmtud = match p.get("plpmtud") {
        None | Some("off") => None,
        Some("on") => Some(PlpmtudConfig::default()),
        Some(v) => Some(plpmtud_ceiling(v)),
    };
    match p.get("nat-friendly") {
        None | Some("off") => {}
        Some("on") => a.nat_friendly = true,
        Some("heartbeat") => {
            a.nat_friendly = true;
            a.nat_open_with_heartbeat = true;
        }
        Some(v) => die(&format!(
            "Invalid nat-friendly [{v}]: on, heartbeat or off\n"
        )),
    }
    if let Some(n) = count(p, "streams") {
        a.outbound_streams = u16::try_from(n.max(1)).unwrap_or(u16::MAX);
    }
    super::sched::scheduler(p, a);
    // `client --stream N` needs N + 1 outbound streams (RFC 9260 §5.1.1).
    if let Some(s) = p.get("stream").and_then(|v| v.parse::<u16>().ok()) {
        a.outbound_streams = a.outbound_streams.max(s.saturating_add(1));
    }
}

/// `--plpmtud MAX`: PLPMTUD probing up to MAX, which must be at least BASE_PLPMTU (1200,
/// RFC 8899 §5.1.2) and fit an IP packet.
fn plpmtud_ceiling(v: &str) -> PlpmtudConfig {
    let mut c = PlpmtudConfig::default();
    match v.parse::<usize>() {
        Ok(n) if (1200..=65535).contains(&n) => c.max_mtu = n,
        _ => die(&format!(
            "Invalid plpmtud [{v}]: on, off or an MTU of 1200-65535\n"
        )),
    }
    c
}

/// A random number, for ephemeral ports and the pacing offset (std's hasher keys are
/// random per process; mixing in a counter makes each call differ).
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(N.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    h.finish()
}

/// The peer's addresses as `sctp_getpaddrs` lists them: the paths, primary first.
pub async fn peer_addrs(a: &Association) -> Vec<IpAddr> {
    let Some(st) = a.stats().await else {
        return Vec::new();
    };
    let mut paths = st.paths;
    paths.sort_by_key(|p| p.id != st.primary);
    let mut v: Vec<IpAddr> = Vec::new();
    for p in paths {
        if !v.contains(&p.remote.ip) {
            v.push(p.remote.ip);
        }
    }
    v
}

/// At `--log 7`, print the association's events (`<tag>: <event>`) until it ends, and its
/// paths after each event that changes its addresses.
pub fn print_events(tag: String, a: &Arc<Association>) {
    if !log::enabled(DEBUG) {
        return;
    }
    let a = Arc::clone(a);
    tokio::spawn(async move {
        while let Some(e) = a.event().await {
            log::log(DEBUG, &format!("{tag}: event {e:?}\n"));
            if super::paths::changes_addresses(&e) {
                let t = super::paths::of(&a, &format!("{tag}: paths")).await;
                log::log(DEBUG, &t);
            }
        }
    });
}
