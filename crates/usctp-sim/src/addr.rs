//! Transport addresses and datagrams.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use bytes::Bytes;

/// IPv4 header without options, as the MTU check counts it.
pub const IPV4_HEADER_LEN: usize = 20;
/// IPv6 fixed header, without extension headers.
pub const IPV6_HEADER_LEN: usize = 40;
/// UDP header added by RFC 6951 encapsulation.
pub const UDP_HEADER_LEN: usize = 8;

/// A transport address: an IP address plus the encapsulation.
///
/// `port: None` is raw IP (SCTP directly over IP, protocol 132); `Some(port)` is SCTP over
/// UDP (RFC 6951) with that UDP port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Addr {
    /// The IP address; links and routing only look at this.
    pub ip: IpAddr,
    /// The UDP port for RFC 6951 encapsulation, `None` for raw IP.
    pub port: Option<u16>,
}

impl Addr {
    /// A raw IP transport address.
    pub fn raw(ip: impl Into<IpAddr>) -> Self {
        Self {
            ip: ip.into(),
            port: None,
        }
    }

    /// A UDP-encapsulated transport address (RFC 6951).
    pub fn udp(ip: impl Into<IpAddr>, port: u16) -> Self {
        Self {
            ip: ip.into(),
            port: Some(port),
        }
    }

    /// Bytes of IP (and UDP) header in front of the payload on the wire.
    pub fn header_len(&self) -> usize {
        let ip = match self.ip {
            IpAddr::V4(_) => IPV4_HEADER_LEN,
            IpAddr::V6(_) => IPV6_HEADER_LEN,
        };
        ip + if self.port.is_some() {
            UDP_HEADER_LEN
        } else {
            0
        }
    }
}

impl From<SocketAddr> for Addr {
    fn from(addr: SocketAddr) -> Self {
        Self::udp(addr.ip(), addr.port())
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.port {
            Some(port) => write!(f, "{}", SocketAddr::new(self.ip, port)),
            None => write!(f, "{}", self.ip),
        }
    }
}

/// One datagram between two transport addresses. The payload is what the node hands over
/// (an SCTP packet); the simulator adds no header bytes, it only counts them for the MTU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datagram {
    /// Source transport address; its IP must belong to the sending host.
    pub src: Addr,
    /// Destination transport address.
    pub dst: Addr,
    /// The payload, for example an SCTP common header and chunks.
    pub payload: Bytes,
    /// Sent without DF: over IPv4 a link with a smaller MTU fragments it (and the receiver
    /// reassembles it) instead of dropping it. IPv6 routers never fragment (RFC 8200 §5).
    pub may_fragment: bool,
}

impl Datagram {
    /// Size on the wire: payload plus IP header, plus UDP header when the destination is
    /// UDP-encapsulated. This is what the MTU and the bandwidth model count.
    pub fn wire_len(&self) -> usize {
        self.payload.len() + self.dst.header_len()
    }

    /// The datagram that answers this one: source and destination swapped.
    pub fn reply(&self, payload: Bytes) -> Self {
        Self {
            src: self.dst,
            dst: self.src,
            payload,
            may_fragment: false,
        }
    }
}

impl fmt::Display for Datagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} -> {} len={}", self.src, self.dst, self.payload.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn wire_len_counts_headers() {
        let v4 = Ipv4Addr::new(10, 0, 0, 1);
        let v6 = Ipv6Addr::LOCALHOST;
        let d = |src: Addr, dst: Addr| Datagram {
            src,
            dst,
            payload: Bytes::from(vec![0; 100]),
            may_fragment: false,
        };
        assert_eq!(d(Addr::raw(v4), Addr::raw(v4)).wire_len(), 120);
        assert_eq!(d(Addr::udp(v4, 9899), Addr::udp(v4, 9899)).wire_len(), 128);
        assert_eq!(d(Addr::raw(v6), Addr::raw(v6)).wire_len(), 140);
        assert_eq!(d(Addr::udp(v6, 1), Addr::udp(v6, 2)).wire_len(), 148);
    }

    #[test]
    fn display() {
        assert_eq!(
            Addr::udp(Ipv6Addr::LOCALHOST, 9899).to_string(),
            "[::1]:9899"
        );
        assert_eq!(
            Addr::raw(Ipv4Addr::new(10, 0, 0, 1)).to_string(),
            "10.0.0.1"
        );
    }
}
