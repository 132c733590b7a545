//! No User Data (RFC 9260 §3.3.10.9).

use core::fmt;

use bytes::BufMut;

use super::{codes, CauseBody};
use crate::{ParseError, Reader, Tsn};

/// A DATA chunk arrived with no user data (RFC 9260 §6.2), usually sent in an ABORT.
///
/// ```text
/// |     Cause Code = 9            |       Cause Length = 8        |
/// |                  TSN value                                    |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoUserData {
    /// The TSN of the empty DATA chunk.
    pub tsn: Tsn,
}

impl CauseBody for NoUserData {
    const TYPE: u16 = codes::NO_USER_DATA;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        value.expect_len(4)?;
        Ok(Self {
            tsn: Tsn(value.u32("TSN")?),
        })
    }

    fn value_len(&self) -> usize {
        4
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.tsn.0);
    }
}

impl fmt::Display for NoUserData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "No User Data tsn={}", self.tsn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::shape::tests::{assert_wire, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let c = NoUserData {
            tsn: Tsn(0xdead_beef),
        };
        assert_wire(c.into(), &[0, 9, 0, 8, 0xde, 0xad, 0xbe, 0xef]);
        let e = parse_err(&[0, 9, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0]);
        let bad = ParseErrorKind::LengthMismatch {
            length: 12,
            expected: 8,
        };
        assert_eq!(e, Some((bad, 20)));
    }
}
