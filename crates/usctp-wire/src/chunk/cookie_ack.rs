//! COOKIE ACK (RFC 9260 §3.3.12).

use core::fmt;

use bytes::BufMut;

use super::{types, ChunkBody};
use crate::{ParseError, Reader};

/// Cookie Acknowledgement: completes association setup. No value.
///
/// ```text
/// |   Type = 11   |Chunk  Flags   |     Length = 4                |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CookieAck;

impl ChunkBody for CookieAck {
    const TYPE: u8 = types::COOKIE_ACK;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        value.expect_len(0)?;
        Ok(Self)
    }

    fn value_len(&self) -> usize {
        0
    }

    fn encode_value<B: BufMut>(&self, _out: &mut B) {}
}

impl fmt::Display for CookieAck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("COOKIE_ACK")
    }
}

#[cfg(test)]
mod tests {
    use crate::chunk::Chunk;
    use crate::ParseErrorKind;
    use bytes::Bytes;

    #[test]
    fn round_trip_and_bad_length() {
        let c = Chunk::from(super::CookieAck);
        assert_eq!(c.to_vec(), [11, 0, 0, 4]);
        assert_eq!(Chunk::parse_one(Bytes::from(c.to_vec()), 0), Ok(c));
        let e = Chunk::parse_one(Bytes::from_static(&[11, 0, 0, 8, 0, 0, 0, 0]), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset, e.chunk_type)),
            Some((
                ParseErrorKind::LengthMismatch {
                    length: 8,
                    expected: 4
                },
                12,
                Some(11)
            ))
        );
    }
}
