//! Checking that a local address belongs to this host.

use std::io;
use std::net::{IpAddr, SocketAddr, UdpSocket};

use crate::TransportError;

/// Whether `ip` is assigned to this host (in the current network namespace): binding a UDP
/// socket to it succeeds. Sockets bound to the wildcard address would otherwise only fail
/// later, per packet, when a path tries to use it as a source.
///
/// ```
/// use std::net::{IpAddr, Ipv4Addr};
/// assert!(usctp_transport::check_local_address(IpAddr::V4(Ipv4Addr::LOCALHOST)).is_ok());
/// // TEST-NET-3, never on a host.
/// let far = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9));
/// assert!(usctp_transport::check_local_address(far).is_err());
/// ```
pub fn check_local_address(ip: IpAddr) -> Result<(), TransportError> {
    match UdpSocket::bind(SocketAddr::new(ip, 0)) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AddrNotAvailable => Err(TransportError::NotLocal(ip)),
        Err(e) => Err(TransportError::io("bind to a local address", e)),
    }
}
