//! I-DATA (RFC 8260 §2.1).

use core::fmt;

use bytes::{BufMut, Bytes};

use super::data::{self, FLAG_B, FLAG_E, FLAG_I, FLAG_U};
use super::{types, ChunkBody};
use crate::{Fsn, Mid, ParseError, Ppid, Reader, StreamId, Tsn};

/// Interleaved Payload Data.
///
/// ```text
/// |   Type = 64   |  Res  |I|U|B|E|       Length = Variable       |
/// |                              TSN                              |
/// |        Stream Identifier      |           Reserved            |
/// |                      Message Identifier                       |
/// |    Payload Protocol Identifier / Fragment Sequence Number     |
/// \                           User Data                           \
/// ```
///
/// The fourth word is the PPID when B is set and the FSN otherwise; the first fragment's FSN
/// is implicitly 0. So `ppid` is written when `beginning` and `fsn` otherwise, and decoding
/// sets the one not on the wire to 0.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IData {
    /// Transmission Sequence Number.
    pub tsn: Tsn,
    /// Stream identifier.
    pub stream: StreamId,
    /// Message identifier.
    pub mid: Mid,
    /// Payload protocol identifier; carried only when `beginning` (0 otherwise).
    pub ppid: Ppid,
    /// Fragment sequence number; carried only when not `beginning` (0 otherwise).
    pub fsn: Fsn,
    /// U bit: unordered delivery.
    pub unordered: bool,
    /// B bit: first fragment of a message.
    pub beginning: bool,
    /// E bit: last fragment of a message.
    pub ending: bool,
    /// I bit: the receiver should SACK at once (RFC 7053).
    pub immediate: bool,
    /// User data, a zero-copy slice of the received packet.
    pub payload: Bytes,
}

/// TSN, stream, reserved, MID, PPID/FSN.
const FIXED: usize = 16;

impl IData {
    /// Bytes of chunk header and fixed fields that precede the payload.
    pub const HEADER_LEN: usize = 4 + FIXED;
}

impl ChunkBody for IData {
    const TYPE: u8 = types::I_DATA;

    #[inline]
    fn decode(flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        let tsn = Tsn(value.u32("TSN")?);
        let stream = StreamId(value.u16("stream identifier")?);
        value.u16("reserved")?;
        let mid = Mid(value.u32("message identifier")?);
        let word = value.u32("PPID/FSN")?;
        let beginning = flags & FLAG_B != 0;
        let (ppid, fsn) = if beginning {
            (Ppid(word), Fsn(0))
        } else {
            (Ppid(0), Fsn(word))
        };
        Ok(Self {
            tsn,
            stream,
            mid,
            ppid,
            fsn,
            unordered: flags & FLAG_U != 0,
            beginning,
            ending: flags & FLAG_E != 0,
            immediate: flags & FLAG_I != 0,
            payload: value.rest(),
        })
    }

    #[inline]
    fn flags(&self) -> u8 {
        data::flags(self.immediate, self.unordered, self.beginning, self.ending)
    }

    #[inline]
    fn value_len(&self) -> usize {
        FIXED + self.payload.len()
    }

    #[inline]
    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.tsn.0);
        out.put_u16(self.stream.0);
        out.put_u16(0);
        out.put_u32(self.mid.0);
        out.put_u32(if self.beginning {
            self.ppid.0
        } else {
            self.fsn.0
        });
        out.put_slice(&self.payload);
    }
}

impl fmt::Display for IData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "I-DATA tsn={} sid={} mid={} ",
            self.tsn, self.stream, self.mid
        )?;
        if self.beginning {
            write!(f, "ppid={}", self.ppid)?;
        } else {
            write!(f, "fsn={}", self.fsn)?;
        }
        write!(
            f,
            " len={} flags={}{}{}{}",
            self.payload.len(),
            if self.immediate { "I" } else { "" },
            if self.unordered { "U" } else { "" },
            if self.beginning { "B" } else { "" },
            if self.ending { "E" } else { "" },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::Chunk;
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_first_and_middle_fragment() {
        let first = IData {
            tsn: Tsn(1),
            stream: StreamId(2),
            mid: Mid(3),
            ppid: Ppid(0x0a0b_0c0d),
            unordered: true,
            beginning: true,
            payload: Bytes::from_static(b"x"),
            ..IData::default()
        };
        let wire = Chunk::from(first.clone()).to_vec();
        #[rustfmt::skip]
        let expected = [
            64, 0x06, 0, 21,
            0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 10, 11, 12, 13,
            b'x', 0, 0, 0,
        ];
        assert_eq!(wire, expected);
        assert_eq!(
            Chunk::parse_one(Bytes::from(wire), 0),
            Ok(Chunk::IData(first))
        );
        let middle = IData {
            fsn: Fsn(7),
            ending: true,
            immediate: true,
            ..IData::default()
        };
        let wire = Chunk::from(middle.clone()).to_vec();
        assert_eq!(&wire[..4], &[64, 0x09, 0, 20]);
        assert_eq!(&wire[16..], &[0, 0, 0, 7]);
        assert_eq!(
            Chunk::parse_one(Bytes::from(wire), 0),
            Ok(Chunk::IData(middle))
        );
    }

    #[test]
    fn short_value_is_truncated_error() {
        let wire = [64, 3, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        let e = Chunk::parse_one(Bytes::copy_from_slice(&wire), 12).err();
        assert_eq!(
            e.map(|e| (e.kind, e.offset, e.chunk_type)),
            Some((
                ParseErrorKind::Truncated {
                    field: "PPID/FSN",
                    needed: 4,
                    available: 0
                },
                28,
                Some(64)
            ))
        );
    }
}
