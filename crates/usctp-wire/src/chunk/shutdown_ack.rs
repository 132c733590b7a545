//! SHUTDOWN ACK (RFC 9260 §3.3.9).

use core::fmt;

use bytes::BufMut;

use super::{types, ChunkBody};
use crate::{ParseError, Reader};

/// Shutdown Acknowledgement: no value.
///
/// ```text
/// |   Type = 8    |Chunk  Flags   |      Length = 4               |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShutdownAck;

impl ChunkBody for ShutdownAck {
    const TYPE: u8 = types::SHUTDOWN_ACK;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        value.expect_len(0)?;
        Ok(Self)
    }

    fn value_len(&self) -> usize {
        0
    }

    fn encode_value<B: BufMut>(&self, _out: &mut B) {}
}

impl fmt::Display for ShutdownAck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SHUTDOWN_ACK")
    }
}

#[cfg(test)]
mod tests {
    use crate::chunk::Chunk;
    use crate::ParseErrorKind;
    use bytes::Bytes;

    #[test]
    fn round_trip_and_bad_length() {
        let c = Chunk::from(super::ShutdownAck);
        assert_eq!(c.to_vec(), [8, 0, 0, 4]);
        assert_eq!(Chunk::parse_one(Bytes::from(c.to_vec()), 0), Ok(c));
        let e = Chunk::parse_one(Bytes::from_static(&[8, 0, 0, 5, 0, 0, 0, 0]), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset)),
            Some((
                ParseErrorKind::LengthMismatch {
                    length: 5,
                    expected: 4
                },
                12
            ))
        );
    }
}
