//! Supported Extensions parameter (RFC 5061 §4.2.7).

use bytes::BufMut;

use super::{types, ChunkTypes, ParamBody};
use crate::{ParseError, Reader};

/// The extension chunk types the sender supports, in INIT and INIT ACK.
///
/// ```text
/// |     Parameter Type = 0x8008   |      Parameter Length         |
/// | CHUNK TYPE 1  |  CHUNK TYPE 2 |  CHUNK TYPE 3 |  CHUNK TYPE 4 |
/// /                              ...                              /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SupportedExtensions {
    /// Chunk type numbers, in wire order (held in place: no allocation for a usual list).
    pub chunk_types: ChunkTypes,
}

impl ParamBody for SupportedExtensions {
    const TYPE: u16 = types::SUPPORTED_EXTENSIONS;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            chunk_types: value.rest_slice().into(),
        })
    }

    fn value_len(&self) -> usize {
        self.chunk_types.len()
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_slice(&self.chunk_types);
    }
}

impl core::fmt::Display for SupportedExtensions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let list = super::simple::ListDisplay(self.chunk_types.as_slice());
        write!(f, "SUPPORTED_EXTENSIONS {list}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        // FORWARD TSN, ASCONF, ASCONF-ACK, RE-CONFIG, I-DATA, I-FORWARD-TSN.
        let p = SupportedExtensions {
            chunk_types: [0xc0, 0xc1, 0x80, 0x82, 0x40, 0xc2].into(),
        };
        let wire = [0x80, 8, 0, 10, 0xc0, 0xc1, 0x80, 0x82, 0x40, 0xc2, 0, 0];
        assert_round_trip(p, &wire);
        assert_eq!(
            parse_err(&[0x80, 8, 0, 3], 4),
            Some((ParseErrorKind::LengthTooSmall { length: 3, min: 4 }, 4))
        );
    }
}
