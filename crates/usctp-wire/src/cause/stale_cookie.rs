//! Stale Cookie (RFC 9260 §3.3.10.3).

use core::fmt;

use bytes::BufMut;

use super::{codes, CauseBody};
use crate::{ParseError, Reader};

/// A COOKIE ECHO carried an expired State Cookie.
///
/// ```text
/// |     Cause Code = 3            |       Cause Length = 8        |
/// |                 Measure of Staleness (usec)                   |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StaleCookie {
    /// How long past its lifetime the cookie was, in microseconds.
    pub staleness_us: u32,
}

impl CauseBody for StaleCookie {
    const TYPE: u16 = codes::STALE_COOKIE;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        value.expect_len(4)?;
        Ok(Self {
            staleness_us: value.u32("measure of staleness")?,
        })
    }

    fn value_len(&self) -> usize {
        4
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.staleness_us);
    }
}

impl fmt::Display for StaleCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stale Cookie staleness={}us", self.staleness_us)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::shape::tests::{assert_wire, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let c = StaleCookie {
            staleness_us: 0x0001_e240,
        };
        assert_wire(c.into(), &[0, 3, 0, 8, 0, 1, 0xe2, 0x40]);
        let e = parse_err(&[0, 3, 0, 6, 0, 1, 0, 0]);
        let bad = ParseErrorKind::LengthMismatch {
            length: 6,
            expected: 8,
        };
        assert_eq!(e, Some((bad, 20)));
    }
}
