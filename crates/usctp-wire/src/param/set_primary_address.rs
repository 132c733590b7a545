//! Set Primary Address parameter (RFC 5061 §4.2.4).

use std::net::IpAddr;

use super::types;

/// In an ASCONF (or INIT / INIT ACK): ask the peer to use `address` as its primary path.
///
/// ```text
/// |        Type = 0xC004          |    Length = Variable          |
/// |               ASCONF-Request Correlation ID                   |
/// |                       Address Parameter                       |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetPrimaryAddress {
    /// Matches the request to its answer in the ASCONF-ACK.
    pub correlation_id: u32,
    /// The preferred primary address (an IPv4 or IPv6 Address parameter on the wire).
    pub address: IpAddr,
}

asconf_address_param!(
    SetPrimaryAddress = types::SET_PRIMARY_ADDRESS,
    "SET_PRIMARY"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;
    use std::net::Ipv4Addr;

    #[test]
    fn round_trip_and_trailing_bytes() {
        let p = SetPrimaryAddress {
            correlation_id: 2,
            address: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        };
        assert_eq!(p.to_string(), "SET_PRIMARY corr=2 10.0.0.1");
        assert_round_trip(p, &[0xc0, 4, 0, 16, 0, 0, 0, 2, 0, 5, 0, 8, 10, 0, 0, 1]);
        let extra = [
            0xc0, 4, 0, 20, 0, 0, 0, 2, 0, 5, 0, 8, 10, 0, 0, 1, 0, 0, 0, 0,
        ];
        assert_eq!(
            parse_err(&extra, 4),
            Some((
                ParseErrorKind::TrailingBytes {
                    field: "address parameter",
                    count: 4
                },
                20
            ))
        );
    }
}
