//! IPv6 Address parameter (RFC 9260 §3.3.2.1.2).

use core::fmt;
use std::net::Ipv6Addr;

use bytes::BufMut;

use super::{types, ParamBody};
use crate::{ParseError, Reader};

/// An IPv6 address of the sender, in INIT, INIT ACK and ASCONF.
///
/// ```text
/// |            Type = 6           |          Length = 20          |
/// |                                                               |
/// |                         IPv6 Address                          |
/// |                        (128 bits)                             |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ipv6Address(pub Ipv6Addr);

impl ParamBody for Ipv6Address {
    const TYPE: u16 = types::IPV6_ADDRESS;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        value.expect_len(16)?;
        Ok(Self(Ipv6Addr::from(value.array::<16>("IPv6 address")?)))
    }

    fn value_len(&self) -> usize {
        16
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_slice(&self.0.octets());
    }
}

impl fmt::Display for Ipv6Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IPv6 {}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, mismatch, parse_err};

    #[test]
    fn round_trip_and_bad_length() {
        let a = Ipv6Address(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
        assert_eq!(a.to_string(), "IPv6 2001:db8::1");
        let mut wire = vec![0, 6, 0, 20, 0x20, 0x01, 0x0d, 0xb8];
        wire.extend([0; 11]);
        wire.push(1);
        assert_round_trip(a, &wire);
        let mut short = vec![0, 6, 0, 8];
        short.extend([0; 4]);
        assert_eq!(parse_err(&short, 36), mismatch(8, 20, 36));
    }
}
