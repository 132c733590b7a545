//! Unresolvable Address (RFC 9260 §3.3.10.5).

use crate::param::Parameter;
use crate::ParseError;

super::shape::opaque_cause! {
    /// The sender could not resolve an address the peer listed (e.g. a host name).
    ///
    /// ```text
    /// |     Cause Code = 5            |      Cause Length             |
    /// /                    Unresolvable Address                       /
    /// ```
    UnresolvableAddress {
        /// The address parameter TLV (header included) as the peer sent it.
        address
    } = UNRESOLVABLE_ADDRESS, "Unresolvable Address"
}

impl UnresolvableAddress {
    /// The cause for `param`, which RFC 9260 §3.3.10.5 requires in full: its type, length and
    /// value (the last padding left out, as at the end of any list).
    pub fn of(param: &Parameter) -> Self {
        let mut address = Vec::new();
        Parameter::write_list(std::slice::from_ref(param), &mut address);
        Self {
            address: address.into(),
        }
    }

    /// Decode the copied address parameter; error offsets count from its first byte.
    pub fn parse_address(&self) -> Result<Parameter, ParseError> {
        Parameter::parse_one(self.address.clone(), 0)
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use bytes::Bytes;

    use super::*;
    use crate::cause::shape::tests::assert_opaque;
    use crate::param::Ipv4Address;

    #[test]
    fn round_trip_and_bad_length() {
        assert_opaque(|address| UnresolvableAddress { address }.into());
    }

    #[test]
    fn of_carries_the_whole_parameter() {
        let name = Parameter::HostNameAddress(crate::param::HostNameAddress {
            raw: Bytes::from_static(b"peer.example\0"),
        });
        let c = UnresolvableAddress::of(&name);
        assert_eq!(&c.address[..4], &[0, 11, 0, 17]);
        assert_eq!(&c.address[4..], b"peer.example\0");
        assert_eq!(c.parse_address(), Ok(name));
    }

    #[test]
    fn parses_the_copied_address() {
        let address = Bytes::from_static(&[0, 5, 0, 8, 192, 0, 2, 1]);
        let c = UnresolvableAddress { address };
        let ip = Ipv4Address(Ipv4Addr::new(192, 0, 2, 1));
        assert_eq!(c.parse_address(), Ok(Parameter::Ipv4Address(ip)));
    }
}
