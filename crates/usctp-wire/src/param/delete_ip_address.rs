//! Delete IP Address parameter (RFC 5061 §4.2.2).

use std::net::IpAddr;

use super::types;

/// In an ASCONF: remove `address` from the association.
///
/// ```text
/// |        Type = 0xC002          |    Length = Variable          |
/// |               ASCONF-Request Correlation ID                   |
/// |                       Address Parameter                       |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeleteIpAddress {
    /// Matches the request to its answer in the ASCONF-ACK.
    pub correlation_id: u32,
    /// The address to delete (an IPv4 or IPv6 Address parameter on the wire).
    pub address: IpAddr,
}

asconf_address_param!(DeleteIpAddress = types::DELETE_IP_ADDRESS, "DELETE_IP");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, mismatch, parse_err};
    use crate::ParseErrorKind;
    use std::net::Ipv6Addr;

    #[test]
    fn round_trip_and_bad_inner() {
        let p = DeleteIpAddress {
            correlation_id: 0x0a0b_0c0d,
            address: IpAddr::V6(Ipv6Addr::LOCALHOST),
        };
        let mut wire = vec![0xc0, 2, 0, 28, 10, 11, 12, 13, 0, 6, 0, 20];
        wire.extend([0; 15]);
        wire.push(1);
        assert_round_trip(p, &wire);
        // No inner parameter at all.
        assert_eq!(
            parse_err(&[0xc0, 2, 0, 8, 0, 0, 0, 1], 0),
            Some((
                ParseErrorKind::Truncated {
                    field: "address parameter",
                    needed: 4,
                    available: 0
                },
                8
            ))
        );
        // An IPv6 Address parameter of the wrong length.
        let short = [0xc0, 2, 0, 16, 0, 0, 0, 1, 0, 6, 0, 8, 0, 0, 0, 0];
        assert_eq!(parse_err(&short, 0), mismatch(8, 20, 8));
    }
}
