//! Endpoint configuration.

use std::net::IpAddr;
use std::sync::Arc;

use usctp_proto::Incoming;
use usctp_transport::{RawConfig, Transport, UdpConfig};

/// Which transport an endpoint uses.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TransportConfig {
    /// SCTP over UDP (RFC 6951) with these socket settings.
    Udp(UdpConfig),
    /// Native SCTP over raw IP sockets (protocol 132); needs CAP_NET_RAW, and the kernel's
    /// SCTP module must not be loaded (it would answer the same packets).
    Raw(RawConfig),
    /// A transport built by the caller (in-memory, fault-injecting, ...).
    Custom(Arc<dyn Transport>),
}

/// Decides, per incoming association, whether to accept it (see
/// [`EndpointConfig::accept_filter`]).
#[derive(Clone)]
pub struct AcceptFilter(pub(crate) Arc<dyn Fn(&Incoming) -> bool + Send + Sync>);

impl AcceptFilter {
    /// A filter from a closure: `true` accepts.
    pub fn new(f: impl Fn(&Incoming) -> bool + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }
}

impl std::fmt::Debug for AcceptFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AcceptFilter")
    }
}

/// Everything [`Endpoint::bind`](crate::Endpoint::bind) needs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EndpointConfig {
    /// Local addresses: advertised to peers when more than one, and used as the sources of
    /// the paths. Empty: the OS picks source addresses and only one is in use. With the UDP
    /// and raw transports, `bind` checks that each is assigned to this host.
    pub local_addrs: Vec<IpAddr>,
    /// The SCTP port.
    pub port: u16,
    /// The transport.
    pub transport: TransportConfig,
    /// Protocol tunables (RTO, retransmission limits, heartbeats, windows, limits).
    pub protocol: usctp_proto::EndpointConfig,
    /// Accept incoming associations (hand them out with `accept`); when false, INITs are
    /// answered with ABORT.
    pub accept: bool,
    /// Associations waiting for `accept` at most; more are aborted.
    pub accept_backlog: usize,
    /// Decides on each incoming association from the peer's port and addresses, when its
    /// INIT arrives and again at its COOKIE ECHO; refused INITs are answered with ABORT.
    /// `None` accepts all (subject to `accept`).
    pub accept_filter: Option<AcceptFilter>,
    /// Workers serving the endpoint (default 1): each has its own sockets, driver task and
    /// protocol state, and the kernel steers every packet by a hash of its SCTP ports, so
    /// all paths of an association reach one worker. Associations whose ports are the same
    /// (say, from one peer endpoint) share a worker. UDP and raw transports only.
    pub workers: usize,
    /// Run each worker's driver on a thread of its own with a current-thread runtime
    /// (default false: tasks on the runtime that calls `bind`).
    pub worker_threads: bool,
}

impl EndpointConfig {
    /// SCTP `port` over UDP encapsulation on UDP port `udp_port`, with `local_addrs`.
    pub fn udp(local_addrs: Vec<IpAddr>, port: u16, udp_port: u16) -> Self {
        Self::new(
            local_addrs,
            port,
            TransportConfig::Udp(UdpConfig::with_port(udp_port)),
        )
    }

    /// SCTP `port` over raw IP (protocol 132, IPv4 and IPv6), with `local_addrs`.
    pub fn raw(local_addrs: Vec<IpAddr>, port: u16) -> Self {
        Self::new(
            local_addrs,
            port,
            TransportConfig::Raw(RawConfig::default()),
        )
    }

    /// SCTP `port` on `transport`, with `local_addrs` and default tunables.
    pub fn new(local_addrs: Vec<IpAddr>, port: u16, transport: TransportConfig) -> Self {
        Self {
            local_addrs,
            port,
            transport,
            protocol: usctp_proto::EndpointConfig::default(),
            accept: true,
            accept_backlog: 1024,
            accept_filter: None,
            workers: 1,
            worker_threads: false,
        }
    }

    /// Accept only the associations `f` approves (see
    /// [`accept_filter`](Self::accept_filter)).
    ///
    /// ```
    /// use std::net::{IpAddr, Ipv4Addr};
    /// use usctp::EndpointConfig;
    ///
    /// let lo = IpAddr::V4(Ipv4Addr::LOCALHOST);
    /// // Only peers using SCTP ports below 10000.
    /// let cfg = EndpointConfig::udp(vec![lo], 5000, 0).with_accept_filter(|i| i.peer_port < 10_000);
    /// # let _ = cfg;
    /// ```
    pub fn with_accept_filter(
        mut self,
        f: impl Fn(&Incoming) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.accept_filter = Some(AcceptFilter::new(f));
        self
    }
}
