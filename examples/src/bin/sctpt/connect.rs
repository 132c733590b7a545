//! Opening an association as `client` and `ctraffic` do: the server port and addresses, the
//! local addresses on one ephemeral port, and the connect with the C tool's messages.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use usctp::{Association, CloseReason, ConnectError, Endpoint};

use super::cli::Parsed;
use super::log::{self, atoi, die};
use super::net::{self, Net};

/// How long the C client waits for the connect (its poll for writability).
pub const C_CONNECT_LIMIT: Duration = Duration::from_secs(2);

/// Where to connect: what `client` and `ctraffic` parse alike.
#[derive(Debug, Clone)]
pub struct Target {
    /// Server port.
    pub port: u16,
    /// Server addresses.
    pub addrs: Vec<IpAddr>,
    /// Local addresses.
    pub laddrs: Vec<IpAddr>,
}

/// The target of `p` (dying with the C tool's messages), after setting the log level.
pub fn target(p: &Parsed) -> Target {
    if let Some(l) = p.get("log") {
        log::set_level(atoi(l));
    }
    let port_s = p.or("port", "6000");
    if atoi(port_s) == 0 {
        die(&format!("Invalid port [{port_s}]\n"));
    }
    let port = u16::try_from(atoi(port_s)).unwrap_or(0);
    let addr_s = p.or("addr", "::1");
    let Some(addrs) = net::parse_addrs(addr_s) else {
        die(&format!("Invalid addresses [{addr_s}]\n"))
    };
    let laddr_s = p.or("laddr", "::1");
    let Some(laddrs) = net::parse_addrs(laddr_s) else {
        die(&format!("Invalid local addresses [{laddr_s}]\n"))
    };
    Target {
        port,
        addrs,
        laddrs,
    }
}

/// A connected association and the addresses to print.
pub struct Connected {
    /// The association.
    pub assoc: Arc<Association>,
    /// Keeps the endpoint (and its driver) alive.
    pub endpoint: Endpoint,
    /// The local SCTP port.
    pub lport: u16,
}

impl Connected {
    /// At `level`: `header`, then the local (`laddrs`) and the peer addresses.
    pub async fn log(&self, level: u8, header: &str, laddrs: &[IpAddr]) {
        if log::enabled(level) {
            let peers = net::peer_addrs(&self.assoc).await;
            let mut s = format!("{header}Local addresses\n");
            s.extend(laddrs.iter().map(|ip| log::addr_line(*ip, self.lport)));
            s.push_str("Peer addresses\n");
            let port = self.assoc.peer_port();
            s.extend(peers.iter().map(|ip| log::addr_line(*ip, port)));
            log::log(level, &s);
        }
    }
}

/// Why no association came of a connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotConnected {
    /// The wall-clock limit passed first.
    Timeout,
    /// The handshake failed; the `strerror` text Linux would give.
    Failed(String),
}

impl NotConnected {
    /// The C client's message for it.
    pub fn client_message(&self) -> String {
        match self {
            Self::Timeout => "sctp_connectx timeout\n".into(),
            Self::Failed(e) => format!("sctp_connectx (getsockopt) {e}\n"),
        }
    }
}

impl fmt::Display for NotConnected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout => f.write_str("Connection timed out"),
            Self::Failed(e) => f.write_str(e),
        }
    }
}

/// An ephemeral SCTP port, as the kernel would pick for `bind(port 0)`.
pub fn ephemeral_port() -> u16 {
    32768 + (net::random_u64() % (60999 - 32768 + 1)) as u16
}

/// Bind the local addresses of `t` (one ephemeral port for all) and connect to its server,
/// dying with the C tool's messages when binding fails. `limit` is the C client's 2 s poll;
/// `None` waits until the handshake ends (after Max.Init.Retransmits, RFC 9260 §5.1).
pub async fn connect(
    p: &Parsed,
    transport: &Net,
    t: &Target,
    limit: Option<Duration>,
) -> Result<Connected, NotConnected> {
    let bound = net::bind_list(&t.laddrs);
    if let Err(e) = net::check_local(&bound) {
        die(&format!("sctp_bindx {}\n", net::strerror(&e)));
    }
    let (lport, cfg) = loop {
        let lport = ephemeral_port();
        if let Some(cfg) = transport.endpoint_config(p, bound.clone(), lport) {
            break (lport, cfg);
        }
    };
    let endpoint = match Endpoint::bind(cfg).await {
        Ok(ep) => ep,
        Err(e) => die(&format!("sctp_bindx {e}\n")),
    };
    let peers: Vec<_> = t.addrs.iter().map(|ip| transport.peer(*ip)).collect();
    let fut = endpoint.connect(&peers, t.port);
    let res = match limit {
        Some(l) => match tokio::time::timeout(l, fut).await {
            Ok(r) => r,
            Err(_) => {
                endpoint.close().await;
                return Err(NotConnected::Timeout);
            }
        },
        None => fut.await,
    };
    let failed = |s: &str| Err(NotConnected::Failed(s.into()));
    match res {
        Ok(a) => {
            super::sched::apply(p, &a).await;
            Ok(Connected {
                assoc: Arc::new(a),
                endpoint,
                lport,
            })
        }
        // Linux fails the connect with ECONNREFUSED on an ABORT and, in COOKIE-WAIT, on an
        // ICMP protocol unreachable alike.
        Err(ConnectError::Failed(CloseReason::Refused(_)) | ConnectError::NoSctpListener(_)) => {
            failed("Connection refused")
        }
        Err(ConnectError::Failed(CloseReason::InitFailed)) => failed("Connection timed out"),
        Err(ConnectError::Invalid(_)) => failed("Invalid argument"),
        Err(e) => failed(&e.to_string()),
    }
}
