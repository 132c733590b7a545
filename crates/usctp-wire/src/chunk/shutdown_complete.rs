//! SHUTDOWN COMPLETE (RFC 9260 §3.3.13).

use core::fmt;

use bytes::BufMut;

use super::abort::FLAG_T;
use super::{types, ChunkBody};
use crate::{ParseError, Reader};

/// Shutdown Complete: ends a graceful close. No value.
///
/// ```text
/// |   Type = 14   |Reserved     |T|      Length = 4               |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShutdownComplete {
    /// T bit: the packet carries the sender's own verification tag (RFC 9260 §8.5.1).
    pub t_bit: bool,
}

impl ChunkBody for ShutdownComplete {
    const TYPE: u8 = types::SHUTDOWN_COMPLETE;

    fn decode(flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        value.expect_len(0)?;
        Ok(Self {
            t_bit: flags & FLAG_T != 0,
        })
    }

    fn flags(&self) -> u8 {
        u8::from(self.t_bit) * FLAG_T
    }

    fn value_len(&self) -> usize {
        0
    }

    fn encode_value<B: BufMut>(&self, _out: &mut B) {}
}

impl fmt::Display for ShutdownComplete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SHUTDOWN_COMPLETE t={}", u8::from(self.t_bit))
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
        let c = Chunk::from(ShutdownComplete { t_bit: true });
        assert_eq!(c.to_vec(), [14, 1, 0, 4]);
        assert_eq!(Chunk::parse_one(Bytes::from(c.to_vec()), 0), Ok(c));
        // Reserved flag bits are ignored.
        assert_eq!(
            Chunk::parse_one(Bytes::from_static(&[14, 0xfe, 0, 4]), 0),
            Ok(Chunk::from(ShutdownComplete { t_bit: false }))
        );
        let e = Chunk::parse_one(Bytes::from_static(&[14, 0, 0, 8, 0, 0, 0, 0]), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset)),
            Some((
                ParseErrorKind::LengthMismatch {
                    length: 8,
                    expected: 4
                },
                12
            ))
        );
    }
}
