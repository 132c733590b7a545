//! Add IP Address parameter (RFC 5061 §4.2.1).

use std::net::IpAddr;

use super::types;

/// In an ASCONF: add `address` to the association.
///
/// ```text
/// |        Type = 0xC001          |    Length = Variable          |
/// |               ASCONF-Request Correlation ID                   |
/// |                       Address Parameter                       |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddIpAddress {
    /// Matches the request to its answer in the ASCONF-ACK.
    pub correlation_id: u32,
    /// The address to add (an IPv4 or IPv6 Address parameter on the wire).
    pub address: IpAddr,
}

asconf_address_param!(AddIpAddress = types::ADD_IP_ADDRESS, "ADD_IP");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;
    use std::net::Ipv4Addr;

    #[test]
    fn round_trip_and_non_address_inner() {
        let p = AddIpAddress {
            correlation_id: 1,
            address: IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
        };
        assert_eq!(p.to_string(), "ADD_IP corr=1 192.0.2.1");
        let wire = [0xc0, 1, 0, 16, 0, 0, 0, 1, 0, 5, 0, 8, 192, 0, 2, 1];
        assert_round_trip(p, &wire);
        // The inner TLV is an ECN Capable parameter, not an address.
        let bad = [0xc0, 1, 0, 12, 0, 0, 0, 1, 0x80, 0, 0, 4];
        assert_eq!(
            parse_err(&bad, 20),
            Some((
                ParseErrorKind::InvalidValue {
                    field: "address parameter"
                },
                28
            ))
        );
    }
}
