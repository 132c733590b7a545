//! SHUTDOWN (RFC 9260 §3.3.8).

use core::fmt;

use bytes::BufMut;

use super::{types, ChunkBody};
use crate::{ParseError, Reader, Tsn};

/// Shutdown: starts a graceful close and acknowledges data up to `cum_tsn_ack`.
///
/// ```text
/// |   Type = 7    | Chunk  Flags  |      Length = 8               |
/// |                      Cumulative TSN Ack                       |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shutdown {
    /// Highest TSN received in sequence.
    pub cum_tsn_ack: Tsn,
}

impl ChunkBody for Shutdown {
    const TYPE: u8 = types::SHUTDOWN;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        value.expect_len(4)?;
        Ok(Self {
            cum_tsn_ack: Tsn(value.u32("cumulative TSN ack")?),
        })
    }

    fn value_len(&self) -> usize {
        4
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.cum_tsn_ack.0);
    }
}

impl fmt::Display for Shutdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SHUTDOWN cum={}", self.cum_tsn_ack)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::Chunk;
    use crate::ParseErrorKind;
    use bytes::Bytes;

    #[test]
    fn round_trip_and_bad_length() {
        let s = Shutdown {
            cum_tsn_ack: Tsn(0x0a0b_0c0d),
        };
        let wire = Chunk::from(s).to_vec();
        assert_eq!(wire, [7, 0, 0, 8, 10, 11, 12, 13]);
        assert_eq!(
            Chunk::parse_one(Bytes::from(wire), 0),
            Ok(Chunk::Shutdown(s))
        );
        let e = Chunk::parse_one(Bytes::from_static(&[7, 0, 0, 6, 0, 0, 0, 0]), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset)),
            Some((
                ParseErrorKind::LengthMismatch {
                    length: 6,
                    expected: 8
                },
                12
            ))
        );
    }
}
