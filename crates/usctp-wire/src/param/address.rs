//! Conversions between [`IpAddr`] and the two address parameters (RFC 9260 §3.3.2.1.1,
//! §3.3.2.1.2), shared by INIT and the ASCONF parameters (RFC 5061 §4.2.1).

use std::net::IpAddr;

use super::{Ipv4Address, Ipv6Address, Parameter};

impl Parameter {
    /// The address of an IPv4 or IPv6 Address parameter; `None` for any other parameter.
    pub fn address(&self) -> Option<IpAddr> {
        match self {
            Self::Ipv4Address(a) => Some(IpAddr::V4(a.0)),
            Self::Ipv6Address(a) => Some(IpAddr::V6(a.0)),
            _ => None,
        }
    }
}

impl From<IpAddr> for Parameter {
    /// The IPv4 or IPv6 Address parameter for `addr`.
    fn from(addr: IpAddr) -> Self {
        match addr {
            IpAddr::V4(a) => Self::Ipv4Address(Ipv4Address(a)),
            IpAddr::V6(a) => Self::Ipv6Address(Ipv6Address(a)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::EcnCapable;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn address_round_trips_through_parameter() {
        for a in [
            IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ] {
            assert_eq!(Parameter::from(a).address(), Some(a));
        }
        assert_eq!(Parameter::from(EcnCapable).address(), None);
    }
}
