//! IPv4 Address parameter (RFC 9260 §3.3.2.1.1).

use core::fmt;
use std::net::Ipv4Addr;

use bytes::BufMut;

use super::{types, ParamBody};
use crate::{ParseError, Reader};

/// An IPv4 address of the sender, in INIT, INIT ACK and ASCONF.
///
/// ```text
/// |        Type = 5               |      Length = 8               |
/// |                        IPv4 Address                           |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ipv4Address(pub Ipv4Addr);

impl ParamBody for Ipv4Address {
    const TYPE: u16 = types::IPV4_ADDRESS;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        value.expect_len(4)?;
        Ok(Self(Ipv4Addr::from(value.array::<4>("IPv4 address")?)))
    }

    fn value_len(&self) -> usize {
        4
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_slice(&self.0.octets());
    }
}

impl fmt::Display for Ipv4Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IPv4 {}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::Parameter;
    use crate::ParseErrorKind;
    use bytes::Bytes;

    #[test]
    fn round_trip_and_bad_length() {
        // From a Linux 6.1 INIT ACK (sctplab): IPv4-Address 10.1.1.2.
        let wire = [0, 5, 0, 8, 10, 1, 1, 2];
        let p = Parameter::parse_one(Bytes::copy_from_slice(&wire), 0);
        assert_eq!(
            p,
            Ok(Parameter::Ipv4Address(Ipv4Address(Ipv4Addr::new(
                10, 1, 1, 2
            ))))
        );
        assert_eq!(p.map(|p| p.to_vec()), Ok(wire.to_vec()));
        let e = Parameter::parse_one(Bytes::from_static(&[0, 5, 0, 6, 10, 1, 0, 0]), 20);
        assert_eq!(
            e.err().map(|e| (e.kind, e.offset)),
            Some((
                ParseErrorKind::LengthMismatch {
                    length: 6,
                    expected: 8
                },
                20
            ))
        );
    }
}
