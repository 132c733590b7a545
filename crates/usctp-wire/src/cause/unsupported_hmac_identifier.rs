//! Unsupported HMAC Identifier (RFC 4895 §6.1).

use core::fmt;

use bytes::BufMut;

use super::{codes, CauseBody};
use crate::{ParseError, Reader};

/// An AUTH chunk used an HMAC algorithm the receiver does not support.
///
/// ```text
/// |     Cause Code = 0x0105       |       Cause Length = 6        |
/// |        HMAC Identifier        |          (padding)            |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnsupportedHmacIdentifier {
    /// The HMAC identifier the AUTH chunk carried (RFC 4895 §3.3 registry).
    pub hmac_id: u16,
}

impl CauseBody for UnsupportedHmacIdentifier {
    const TYPE: u16 = codes::UNSUPPORTED_HMAC_IDENTIFIER;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        value.expect_len(2)?;
        Ok(Self {
            hmac_id: value.u16("HMAC identifier")?,
        })
    }

    fn value_len(&self) -> usize {
        2
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u16(self.hmac_id);
    }
}

impl fmt::Display for UnsupportedHmacIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Unsupported HMAC Identifier {}", self.hmac_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::shape::tests::{assert_wire, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let c = UnsupportedHmacIdentifier { hmac_id: 3 };
        assert_wire(c.into(), &[1, 5, 0, 6, 0, 3, 0, 0]);
        let e = parse_err(&[1, 5, 0, 8, 0, 3, 0, 0]);
        let bad = ParseErrorKind::LengthMismatch {
            length: 8,
            expected: 6,
        };
        assert_eq!(e, Some((bad, 20)));
    }
}
