//! Errors of setting up a transport.

use std::io;

/// Why a transport could not be created.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The port is taken by another socket (or another in-memory transport).
    #[error("{what} port {port} is already in use; choose another port or stop the other user")]
    PortInUse {
        /// "UDP/IPv4", "UDP/IPv6" or "in-memory".
        what: &'static str,
        /// The port.
        port: u16,
    },
    /// The OS refused the operation (a privileged port, or raw sockets without CAP_NET_RAW).
    #[error("permission denied for {what}: {hint}")]
    PermissionDenied {
        /// What was attempted.
        what: &'static str,
        /// What to do about it.
        hint: &'static str,
    },
    /// No address family was enabled, or none could be bound.
    #[error("no address family to bind (enable IPv4 or IPv6)")]
    NoFamily,
    /// An address given is not usable (for instance not one of the transport's addresses).
    #[error("address {0} is not usable here")]
    BadAddress(std::net::IpAddr),
    /// A local address given is not assigned to any interface of this host.
    #[error(
        "local address {0} is not assigned to this host (see `ip addr`); use one of its addresses"
    )]
    NotLocal(std::net::IpAddr),
    /// Any other OS error, with the operation that failed.
    #[error("{op}: {source}")]
    Io {
        /// The operation.
        op: &'static str,
        /// The OS error.
        #[source]
        source: io::Error,
    },
}

impl TransportError {
    pub(crate) fn io(op: &'static str, source: io::Error) -> Self {
        Self::Io { op, source }
    }
}
