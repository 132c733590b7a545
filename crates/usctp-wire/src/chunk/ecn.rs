//! ECNE and CWR (RFC 9260 Appendix A), which share one layout.

use core::fmt;

use bytes::BufMut;

use super::{types, ChunkBody};
use crate::{ParseError, Reader, Tsn};

/// The ECNE / CWR layout; use it through [`Ecne`] and [`Cwr`].
///
/// ```text
/// |  Type = 12/13 | Chunk  Flags  |           Length = 8          |
/// |                      Lowest TSN Number                        |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EcnChunk<const T: u8> {
    /// ECNE: the lowest TSN of a packet that arrived marked CE. CWR: the lowest TSN whose
    /// ECNE caused the window reduction.
    pub lowest_tsn: Tsn,
}

/// Explicit Congestion Notification Echo (RFC 9260 Appendix A), chunk type 12.
pub type Ecne = EcnChunk<{ types::ECNE }>;

/// Congestion Window Reduced (RFC 9260 Appendix A), chunk type 13.
pub type Cwr = EcnChunk<{ types::CWR }>;

impl<const T: u8> ChunkBody for EcnChunk<T> {
    const TYPE: u8 = T;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        value.expect_len(4)?;
        Ok(Self {
            lowest_tsn: Tsn(value.u32("lowest TSN")?),
        })
    }

    fn value_len(&self) -> usize {
        4
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.lowest_tsn.0);
    }
}

impl<const T: u8> fmt::Display for EcnChunk<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if T == types::ECNE { "ECNE" } else { "CWR" };
        write!(f, "{name} lowest_tsn={}", self.lowest_tsn)
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
        let e = Ecne {
            lowest_tsn: Tsn(0x0102_0304),
        };
        let wire = Chunk::from(e).to_vec();
        assert_eq!(wire, [12, 0, 0, 8, 1, 2, 3, 4]);
        assert_eq!(Chunk::parse_one(Bytes::from(wire), 0), Ok(Chunk::Ecne(e)));
        let c = Cwr { lowest_tsn: Tsn(5) };
        let wire = Chunk::from(c).to_vec();
        assert_eq!(wire, [13, 0, 0, 8, 0, 0, 0, 5]);
        assert_eq!(Chunk::parse_one(Bytes::from(wire), 0), Ok(Chunk::Cwr(c)));
        let e = Chunk::parse_one(Bytes::from_static(&[13, 0, 0, 4]), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset, e.chunk_type)),
            Some((
                ParseErrorKind::LengthMismatch {
                    length: 4,
                    expected: 8
                },
                12,
                Some(13)
            ))
        );
    }
}
