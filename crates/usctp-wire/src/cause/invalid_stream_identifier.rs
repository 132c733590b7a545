//! Invalid Stream Identifier (RFC 9260 §3.3.10.1).

use core::fmt;

use bytes::BufMut;

use super::{codes, CauseBody};
use crate::{ParseError, Reader, StreamId};

/// DATA was received for a stream that does not exist.
///
/// ```text
/// |     Cause Code = 1            |       Cause Length = 8        |
/// |        Stream Identifier      |         (Reserved)            |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidStreamIdentifier {
    /// The offending stream.
    pub stream: StreamId,
}

impl CauseBody for InvalidStreamIdentifier {
    const TYPE: u16 = codes::INVALID_STREAM_IDENTIFIER;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        value.expect_len(4)?;
        let stream = StreamId(value.u16("stream identifier")?);
        value.u16("reserved")?;
        Ok(Self { stream })
    }

    fn value_len(&self) -> usize {
        4
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u16(self.stream.0);
        out.put_u16(0);
    }
}

impl fmt::Display for InvalidStreamIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Invalid Stream Identifier {}", self.stream)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::ErrorCause;
    use crate::ParseErrorKind;
    use bytes::Bytes;

    #[test]
    fn round_trip_and_bad_length() {
        let c = ErrorCause::from(InvalidStreamIdentifier {
            stream: StreamId(9),
        });
        let wire = c.to_vec();
        assert_eq!(wire, [0, 1, 0, 8, 0, 9, 0, 0]);
        assert_eq!(ErrorCause::parse_one(Bytes::from(wire), 0), Ok(c));
        let e = ErrorCause::parse_one(Bytes::from_static(&[0, 1, 0, 6, 0, 9, 0, 0]), 0);
        assert_eq!(
            e.err().map(|e| e.kind),
            Some(ParseErrorKind::LengthMismatch {
                length: 6,
                expected: 8
            })
        );
    }
}
