//! Conversions between [`IpAddr`] and the two address parameters (RFC 9260 §3.3.2.1.1,
//! §3.3.2.1.2), shared by INIT and the ASCONF parameters (RFC 5061 §4.2.1).

use std::net::IpAddr;

use super::{types, Ipv4Address, Ipv6Address, Parameter, UnknownParameter};
use crate::{tlv, ParseError, Reader};

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

impl Parameter {
    /// Decode a list where only IPv4/IPv6 Address parameters are decoded and every other
    /// parameter is kept raw as [`Parameter::Unknown`]. For address lists nested in error
    /// causes: a hostile packet cannot make decoding recurse through parameters and causes.
    pub fn parse_address_list(r: &mut Reader<'_>) -> Result<Vec<Self>, ParseError> {
        let mut v = Vec::new();
        while let Some(mut t) = tlv::next(r)? {
            v.push(match t.word {
                types::IPV4_ADDRESS | types::IPV6_ADDRESS => Self::decode(t.word, &mut t.value)?,
                param_type => Self::Unknown(UnknownParameter {
                    param_type,
                    value: t.value.rest(),
                }),
            });
        }
        Ok(v)
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

    #[test]
    fn address_list_keeps_other_parameters_raw() {
        let list = [
            Parameter::from(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))),
            EcnCapable.into(),
        ];
        let mut out = Vec::new();
        Parameter::write_list(&list, &mut out);
        let buf = bytes::Bytes::from(out);
        let mut r = Reader::new(&buf, 0, None);
        let got = Parameter::parse_address_list(&mut r);
        let raw = UnknownParameter {
            param_type: 0x8000,
            value: bytes::Bytes::new(),
        };
        assert_eq!(got, Ok(vec![list[0].clone(), Parameter::Unknown(raw)]));
    }
}
