//! Missing Mandatory Parameter (RFC 9260 §3.3.10.2).

use core::fmt;

use bytes::BufMut;

use super::{codes, CauseBody};
use crate::{ParseError, ParseErrorKind, Reader};

/// An INIT or INIT ACK lacked mandatory parameters.
///
/// ```text
/// |     Cause Code = 2            |      Cause Length = 8 + 2N    |
/// |                   Number of missing params = N                |
/// |   Missing Param Type #1       |   Missing Param Type #2       |
/// |   Missing Param Type #N-1     |   Missing Param Type #N       |
/// ```
///
/// With N odd the length does not count the final 2 bytes of padding (RFC 9260 §3.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MissingMandatoryParameter {
    /// Types of the missing parameters; the count field is their number.
    pub missing: Vec<u16>,
}

impl CauseBody for MissingMandatoryParameter {
    const TYPE: u16 = codes::MISSING_MANDATORY_PARAMETER;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        let start = value.offset().saturating_sub(4);
        let length = value.remaining() + 4;
        if length < 8 {
            let kind = ParseErrorKind::LengthTooSmall { length, min: 8 };
            return Err(value.error_at(start, kind));
        }
        let count = value.u32("number of missing params")? as usize;
        let expected = count.saturating_mul(2).saturating_add(8);
        if length != expected {
            let kind = ParseErrorKind::LengthMismatch { length, expected };
            return Err(value.error_at(start, kind));
        }
        // The length check above guarantees 2 * count bytes remain.
        let mut missing = Vec::with_capacity(count);
        while !value.is_empty() {
            missing.push(value.u16("missing param type")?);
        }
        Ok(Self { missing })
    }

    fn value_len(&self) -> usize {
        4 + 2 * self.missing.len()
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.missing.len() as u32);
        for &t in &self.missing {
            out.put_u16(t);
        }
    }
}

impl fmt::Display for MissingMandatoryParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Missing Mandatory Parameter")?;
        for t in &self.missing {
            write!(f, " {t:#06x}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::shape::tests::{assert_wire, parse_err};

    #[test]
    fn round_trip() {
        // One missing State Cookie (7): length 10, then 2 bytes of padding.
        let c = MissingMandatoryParameter { missing: vec![7] };
        assert_wire(c.into(), &[0, 2, 0, 10, 0, 0, 0, 1, 0, 7, 0, 0]);
        let c = MissingMandatoryParameter {
            missing: vec![5, 0xc000],
        };
        assert_wire(c.into(), &[0, 2, 0, 12, 0, 0, 0, 2, 0, 5, 0xc0, 0]);
        let c = MissingMandatoryParameter::default();
        assert_wire(c.into(), &[0, 2, 0, 8, 0, 0, 0, 0]);
    }

    #[test]
    fn count_must_match_length() {
        let e = parse_err(&[0, 2, 0, 10, 0, 0, 0, 2, 0, 7, 0, 0]);
        let bad = ParseErrorKind::LengthMismatch {
            length: 10,
            expected: 12,
        };
        assert_eq!(e, Some((bad, 20)));
        // A huge count is rejected before anything is allocated for it.
        let e = parse_err(&[0, 2, 0, 10, 0xff, 0xff, 0xff, 0xff, 0, 7, 0, 0]);
        let bad = ParseErrorKind::LengthMismatch {
            length: 10,
            expected: 0x1_ffff_fffe + 8,
        };
        assert_eq!(e, Some((bad, 20)));
        let e = parse_err(&[0, 2, 0, 12, 0, 0, 0, 1, 0, 7, 0, 5]);
        let bad = ParseErrorKind::LengthMismatch {
            length: 12,
            expected: 10,
        };
        assert_eq!(e, Some((bad, 20)));
        let e = parse_err(&[0, 2, 0, 6, 0, 0, 0, 0]);
        let bad = ParseErrorKind::LengthTooSmall { length: 6, min: 8 };
        assert_eq!(e, Some((bad, 20)));
    }
}
