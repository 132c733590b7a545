//! PAD (RFC 4820 §3).

use core::fmt;

use bytes::{BufMut, Bytes};

use super::{types, ChunkBody};
use crate::{ParseError, Reader};

/// Padding chunk: fills a packet (e.g. for path MTU probing); the receiver ignores the value.
///
/// ```text
/// | Type = 0x84   |   Flags=0     |             Length            |
/// \                         Padding Data                          \
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pad {
    /// The padding data, kept so re-encoding is exact; a zero-copy slice.
    pub padding: Bytes,
}

impl ChunkBody for Pad {
    const TYPE: u8 = types::PAD;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            padding: value.rest(),
        })
    }

    fn value_len(&self) -> usize {
        self.padding.len()
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_slice(&self.padding);
    }
}

impl fmt::Display for Pad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PAD len={}", self.padding.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::Chunk;
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let p = Pad {
            padding: Bytes::from_static(&[0; 6]),
        };
        let wire = Chunk::from(p.clone()).to_vec();
        assert_eq!(wire, [0x84, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(Chunk::parse_one(Bytes::from(wire), 0), Ok(Chunk::Pad(p)));
        let e = Chunk::parse_one(Bytes::from_static(&[0x84, 0, 0, 2]), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset)),
            Some((ParseErrorKind::LengthTooSmall { length: 2, min: 4 }, 12))
        );
    }
}
