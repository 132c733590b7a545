//! Transport addresses and the metadata that travels with datagrams.

use core::fmt;
use std::net::IpAddr;

/// An IP address plus the way SCTP packets reach it: natively (IP protocol 132) or inside UDP
/// to a given port (RFC 6951). Paths are keyed by it, so one IP address reached natively and
/// over UDP makes two paths (see "The sans-IO contract" in the repository's ARCHITECTURE.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransportAddr {
    /// The peer's (or our) IP address.
    pub ip: IpAddr,
    /// `None` for native SCTP; `Some(port)` for SCTP over UDP to that UDP port (RFC 6951 §5).
    pub udp_port: Option<u16>,
}

impl TransportAddr {
    /// A native (raw IP) transport address.
    pub const fn raw(ip: IpAddr) -> Self {
        Self { ip, udp_port: None }
    }

    /// A UDP-encapsulated transport address.
    pub const fn udp(ip: IpAddr, port: u16) -> Self {
        Self {
            ip,
            udp_port: Some(port),
        }
    }

    /// Bytes of IP (and UDP) header in front of every SCTP packet sent to this address.
    pub const fn header_overhead(&self) -> usize {
        let ip = match self.ip {
            IpAddr::V4(_) => 20,
            IpAddr::V6(_) => 40,
        };
        match self.udp_port {
            Some(_) => ip + 8,
            None => ip,
        }
    }
}

impl fmt::Display for TransportAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.ip, self.udp_port) {
            (ip, None) => write!(f, "{ip}"),
            (IpAddr::V4(ip), Some(p)) => write!(f, "udp:{ip}:{p}"),
            (IpAddr::V6(ip), Some(p)) => write!(f, "udp:[{ip}]:{p}"),
        }
    }
}

/// What the transport knows about a received datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatagramMeta {
    /// Where it came from (for UDP, with the peer's source port: RFC 6951 §5.4).
    pub src: TransportAddr,
    /// The local address it was sent to.
    pub dst: IpAddr,
}

/// An address a path may go to or come from: unicast only (RFC 9260 §5.1.2: what cannot
/// be used is ignored).
pub(crate) fn is_unicast(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !(v4.is_unspecified() || v4.is_multicast() || v4.is_broadcast()),
        IpAddr::V6(v6) => !(v6.is_unspecified() || v6.is_multicast()),
    }
}

/// A packet the caller must send: the bytes were appended to the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit {
    /// Destination transport address.
    pub dst: TransportAddr,
    /// Source address chosen for the path (the transport must send from it).
    pub src: Option<IpAddr>,
    /// Length of the SCTP packet appended to the buffer.
    pub len: usize,
    /// The packet is a retransmission larger than the path MTU now allows: send it without
    /// DF so that IPv4 routers may fragment it (RFC 9260 §7.3). Every other packet keeps DF.
    pub may_fragment: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn overhead_and_display() {
        let v4 = TransportAddr::udp(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), 9899);
        let v6 = TransportAddr::raw(IpAddr::V6(Ipv6Addr::LOCALHOST));
        assert_eq!((v4.header_overhead(), v6.header_overhead()), (28, 40));
        assert_eq!(
            (v4.to_string(), v6.to_string()),
            ("udp:10.0.0.1:9899".into(), "::1".into())
        );
    }
}
