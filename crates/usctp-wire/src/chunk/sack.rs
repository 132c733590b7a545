//! SACK (RFC 9260 §3.3.4).

use core::fmt;

use bytes::BufMut;

use super::{items, types, ChunkBody};
use crate::{ParseError, ParseErrorKind, Reader, Tsn};

/// Selective Acknowledgement.
///
/// ```text
/// |   Type = 3    |Chunk  Flags   |      Chunk Length             |
/// |                      Cumulative TSN Ack                       |
/// |          Advertised Receiver Window Credit (a_rwnd)           |
/// | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = M |
/// |    Gap Ack Block #1 Start     |     Gap Ack Block #1 End      |
/// /                              ...                              /
/// |                        Duplicate TSN 1                        |
/// /                              ...                              /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sack {
    /// Highest TSN received in sequence.
    pub cum_tsn_ack: Tsn,
    /// Advertised receiver window credit.
    pub a_rwnd: u32,
    /// Received TSN ranges beyond `cum_tsn_ack`, as offsets from it.
    pub gap_blocks: Vec<GapBlock>,
    /// TSNs received more than once since the previous SACK.
    pub dup_tsns: Vec<Tsn>,
}

/// One Gap Ack Block: TSNs `cum_tsn_ack + start ..= cum_tsn_ack + end` were received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct GapBlock {
    /// Offset of the first TSN of the block from the cumulative TSN ack.
    pub start: u16,
    /// Offset of the last TSN of the block from the cumulative TSN ack.
    pub end: u16,
}

/// Cumulative TSN ack, a_rwnd, the two counts.
const FIXED: usize = 12;

impl ChunkBody for Sack {
    const TYPE: u8 = types::SACK;

    #[inline]
    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        let start = value.offset().saturating_sub(4);
        let cum_tsn_ack = Tsn(value.u32("cumulative TSN ack")?);
        let a_rwnd = value.u32("a_rwnd")?;
        let gaps = usize::from(value.u16("number of gap ack blocks")?);
        let dups = usize::from(value.u16("number of duplicate TSNs")?);
        // The counts fix the length; check it before allocating either list.
        let expected = 4 + FIXED + 4 * (gaps + dups);
        let length = 4 + FIXED + value.remaining();
        if length != expected {
            return Err(value.error_at(start, ParseErrorKind::LengthMismatch { length, expected }));
        }
        Ok(Self {
            cum_tsn_ack,
            a_rwnd,
            gap_blocks: items::decode(value, gaps, "gap ack blocks", |[a, b, c, d]| GapBlock {
                start: u16::from_be_bytes([a, b]),
                end: u16::from_be_bytes([c, d]),
            })?,
            dup_tsns: items::decode(value, dups, "duplicate TSNs", |b| {
                Tsn(u32::from_be_bytes(b))
            })?,
        })
    }

    #[inline]
    fn value_len(&self) -> usize {
        FIXED + 4 * (self.gap_blocks.len() + self.dup_tsns.len())
    }

    #[inline]
    fn encode_value<B: BufMut>(&self, out: &mut B) {
        // Counts above u16::MAX cannot fit a chunk; tlv::put_header asserts the total length.
        out.put_u32(self.cum_tsn_ack.0);
        out.put_u32(self.a_rwnd);
        out.put_u16(self.gap_blocks.len() as u16);
        out.put_u16(self.dup_tsns.len() as u16);
        for g in &self.gap_blocks {
            out.put_u16(g.start);
            out.put_u16(g.end);
        }
        for d in &self.dup_tsns {
            out.put_u32(d.0);
        }
    }
}

impl fmt::Display for Sack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SACK cum={} a_rwnd={} gaps={} dups={}",
            self.cum_tsn_ack,
            self.a_rwnd,
            self.gap_blocks.len(),
            self.dup_tsns.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::Chunk;
    use bytes::Bytes;

    #[test]
    fn round_trip() {
        let s = Sack {
            cum_tsn_ack: Tsn(0x0102_0304),
            a_rwnd: 0x0000_ffff,
            gap_blocks: vec![GapBlock { start: 2, end: 3 }, GapBlock { start: 5, end: 9 }],
            dup_tsns: vec![Tsn(0x0102_0300)],
        };
        let wire = Chunk::from(s.clone()).to_vec();
        #[rustfmt::skip]
        let expected = [
            3, 0, 0, 28,
            1, 2, 3, 4, 0, 0, 0xff, 0xff, 0, 2, 0, 1,
            0, 2, 0, 3, 0, 5, 0, 9,
            1, 2, 3, 0,
        ];
        assert_eq!(wire, expected);
        assert_eq!(Chunk::parse_one(Bytes::from(wire), 0), Ok(Chunk::Sack(s)));
        assert_eq!(
            Sack::default().to_string(),
            "SACK cum=0 a_rwnd=0 gaps=0 dups=0"
        );
    }

    fn mismatch(wire: &'static [u8]) -> Option<(ParseErrorKind, usize, Option<u8>)> {
        let e = Chunk::parse_one(Bytes::from_static(wire), 12).err();
        e.map(|e| (e.kind, e.offset, e.chunk_type))
    }

    #[test]
    fn counts_must_match_length() {
        // Claims 1 gap block and 65535 duplicates with no bytes for them: no allocation.
        assert_eq!(
            mismatch(&[3, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0xff, 0xff]),
            Some((
                ParseErrorKind::LengthMismatch {
                    length: 16,
                    expected: 16 + 4 * 65536
                },
                12,
                Some(3)
            ))
        );
        // One gap block too many bytes.
        assert_eq!(
            mismatch(&[3, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]),
            Some((
                ParseErrorKind::LengthMismatch {
                    length: 20,
                    expected: 16
                },
                12,
                Some(3)
            ))
        );
        // Fixed part cut short.
        assert_eq!(
            mismatch(&[3, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0]),
            Some((
                ParseErrorKind::Truncated {
                    field: "number of gap ack blocks",
                    needed: 2,
                    available: 0
                },
                24,
                Some(3)
            ))
        );
    }
}
