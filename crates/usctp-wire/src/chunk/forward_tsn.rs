//! FORWARD TSN (RFC 3758 §3.2).

use core::fmt;

use bytes::BufMut;

use super::{items, types, ChunkBody};
use crate::{ParseError, Reader, Ssn, StreamId, Tsn};

/// Forward Cumulative TSN: the receiver moves its cumulative TSN past abandoned data.
///
/// ```text
/// |   Type = 192  |  Flags = 0x00 |        Length = Variable      |
/// |                      New Cumulative TSN                       |
/// |         Stream-1              |       Stream Sequence-1       |
/// \                                                               /
/// |         Stream-N              |       Stream Sequence-N       |
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForwardTsn {
    /// The new cumulative TSN.
    pub new_cum_tsn: Tsn,
    /// For each ordered stream with skipped messages, the largest skipped SSN.
    pub streams: Vec<ForwardTsnStream>,
}

/// One stream entry of a FORWARD TSN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ForwardTsnStream {
    /// The stream.
    pub stream: StreamId,
    /// Largest SSN skipped on it.
    pub ssn: Ssn,
}

impl ChunkBody for ForwardTsn {
    const TYPE: u8 = types::FORWARD_TSN;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            new_cum_tsn: Tsn(value.u32("new cumulative TSN")?),
            streams: items::decode_rest(value, "FORWARD TSN streams", |[a, b, c, d]| {
                ForwardTsnStream {
                    stream: StreamId(u16::from_be_bytes([a, b])),
                    ssn: Ssn(u16::from_be_bytes([c, d])),
                }
            })?,
        })
    }

    fn value_len(&self) -> usize {
        4 + 4 * self.streams.len()
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.new_cum_tsn.0);
        for s in &self.streams {
            out.put_u16(s.stream.0);
            out.put_u16(s.ssn.0);
        }
    }
}

impl fmt::Display for ForwardTsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "FORWARD_TSN cum={} streams={}",
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
        let f = ForwardTsn {
            new_cum_tsn: Tsn(0x0102_0304),
            streams: vec![ForwardTsnStream {
                stream: StreamId(5),
                ssn: Ssn(6),
            }],
        };
        let wire = Chunk::from(f.clone()).to_vec();
        assert_eq!(wire, [0xc0, 0, 0, 12, 1, 2, 3, 4, 0, 5, 0, 6]);
        assert_eq!(
            Chunk::parse_one(Bytes::from(wire), 0),
            Ok(Chunk::ForwardTsn(f))
        );
        let wire = [0xc0, 0, 0, 10, 0, 0, 0, 1, 0, 5, 0, 0];
        let e = Chunk::parse_one(Bytes::copy_from_slice(&wire), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset, e.chunk_type)),
            Some((
                ParseErrorKind::NotMultiple {
                    field: "FORWARD TSN streams",
                    length: 2,
                    unit: 4
                },
                20,
                Some(0xc0)
            ))
        );
    }
}
