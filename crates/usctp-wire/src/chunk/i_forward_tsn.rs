//! I-FORWARD-TSN (RFC 8260 §2.3.1).

use core::fmt;

use bytes::BufMut;

use super::{items, types, ChunkBody};
use crate::{Mid, ParseError, Reader, StreamId, Tsn};

/// Forward Cumulative TSN for I-DATA: skipped messages are named by MID.
///
/// ```text
/// |   Type = 194  | Flags = 0x00  |      Length = Variable        |
/// |                       New Cumulative TSN                      |
/// |       Stream Identifier       |          Reserved           |U|
/// |                       Message Identifier                      |
/// \                              ...                              \
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IForwardTsn {
    /// The new cumulative TSN.
    pub new_cum_tsn: Tsn,
    /// For each stream (and ordered/unordered side) with skipped messages, the largest MID.
    pub streams: Vec<IForwardTsnStream>,
}

/// One entry of an I-FORWARD-TSN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IForwardTsnStream {
    /// The stream.
    pub stream: StreamId,
    /// U bit: the MID is of the unordered message sequence.
    pub unordered: bool,
    /// Largest MID skipped.
    pub mid: Mid,
}

/// The U bit in the second 16-bit word of an entry; the rest is reserved.
const FLAG_U: u16 = 0x0001;

impl ChunkBody for IForwardTsn {
    const TYPE: u8 = types::I_FORWARD_TSN;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            new_cum_tsn: Tsn(value.u32("new cumulative TSN")?),
            streams: items::decode_rest(
                value,
                "I-FORWARD-TSN streams",
                |[a, b, c, d, e, f, g, h]| IForwardTsnStream {
                    stream: StreamId(u16::from_be_bytes([a, b])),
                    unordered: u16::from_be_bytes([c, d]) & FLAG_U != 0,
                    mid: Mid(u32::from_be_bytes([e, f, g, h])),
                },
            )?,
        })
    }

    fn value_len(&self) -> usize {
        4 + 8 * self.streams.len()
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.new_cum_tsn.0);
        for s in &self.streams {
            out.put_u16(s.stream.0);
            out.put_u16(u16::from(s.unordered) * FLAG_U);
            out.put_u32(s.mid.0);
        }
    }
}

impl fmt::Display for IForwardTsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "I_FORWARD_TSN cum={} streams={}",
            self.new_cum_tsn,
            self.streams.len()
        )
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
        let f = IForwardTsn {
            new_cum_tsn: Tsn(1),
            streams: vec![IForwardTsnStream {
                stream: StreamId(0x0203),
                unordered: true,
                mid: Mid(0x0405_0607),
            }],
        };
        let wire = Chunk::from(f.clone()).to_vec();
        assert_eq!(wire, [0xc2, 0, 0, 16, 0, 0, 0, 1, 2, 3, 0, 1, 4, 5, 6, 7]);
        assert_eq!(
            Chunk::parse_one(Bytes::from(wire), 0),
            Ok(Chunk::IForwardTsn(f))
        );
        // Reserved bits are ignored.
        let wire = [0xc2, 0, 0, 16, 0, 0, 0, 1, 0, 1, 0xff, 0xfe, 0, 0, 0, 2];
        let parsed = Chunk::parse_one(Bytes::copy_from_slice(&wire), 0);
        let Ok(Chunk::IForwardTsn(parsed)) = parsed else {
            panic!("{parsed:?}")
        };
        assert_eq!(parsed.streams.first().map(|s| s.unordered), Some(false));
        let wire = [0xc2, 0, 0, 12, 0, 0, 0, 1, 0, 1, 0, 0];
        let e = Chunk::parse_one(Bytes::copy_from_slice(&wire), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset)),
            Some((
                ParseErrorKind::NotMultiple {
                    field: "I-FORWARD-TSN streams",
                    length: 4,
                    unit: 8
                },
                20
            ))
        );
    }
}
