//! Restart of an Association with New Addresses (RFC 9260 §3.3.10.11).

use core::fmt;

use bytes::BufMut;

use super::{codes, CauseBody};
use crate::param::Parameter;
use crate::{ParseError, Reader};

/// An INIT tried to restart an association with addresses it did not have before; sent in
/// the ABORT that refuses it (RFC 9260 §5.2.1).
///
/// ```text
/// |     Cause Code = 11           |      Cause Length             |
/// /                  New Address TLVs                             /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RestartWithNewAddresses {
    /// The address parameters that were added.
    pub addresses: Vec<Parameter>,
}

impl CauseBody for RestartWithNewAddresses {
    const TYPE: u16 = codes::RESTART_WITH_NEW_ADDRESSES;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            addresses: Parameter::parse_address_list(value)?,
        })
    }

    fn value_len(&self) -> usize {
        Parameter::list_len(&self.addresses)
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        Parameter::write_list(&self.addresses, out);
    }
}

impl fmt::Display for RestartWithNewAddresses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Restart with New Addresses")?;
        for a in &self.addresses {
            write!(f, " [{a}]")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::cause::shape::tests::{assert_wire, parse_err};
    use crate::param::Ipv4Address;
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let ip = |d| Parameter::Ipv4Address(Ipv4Address(Ipv4Addr::new(192, 0, 2, d)));
        let c = RestartWithNewAddresses {
            addresses: vec![ip(1), ip(2)],
        };
        let wire = [
            0, 11, 0, 20, 0, 5, 0, 8, 192, 0, 2, 1, 0, 5, 0, 8, 192, 0, 2, 2,
        ];
        assert_wire(c.into(), &wire);
        assert_wire(RestartWithNewAddresses::default().into(), &[0, 11, 0, 4]);
        // The inner address claims more bytes than the cause holds.
        let e = parse_err(&[0, 11, 0, 12, 0, 5, 0, 9, 192, 0, 2, 1]);
        let bad = ParseErrorKind::LengthBeyondEnd {
            length: 9,
            available: 8,
        };
        assert_eq!(e, Some((bad, 24)));
    }
}
