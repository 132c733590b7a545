//! DATA (RFC 9260 §3.3.1).

use core::fmt;

use bytes::{BufMut, Bytes};

use super::{types, ChunkBody};
use crate::{ParseError, Ppid, Reader, Ssn, StreamId, Tsn};

/// Payload Data.
///
/// ```text
/// |   Type = 0    |  Res  |I|U|B|E|         Length                |
/// |                              TSN                              |
/// |      Stream Identifier S      |   Stream Sequence Number n    |
/// |                  Payload Protocol Identifier                  |
/// \                 User Data (seq n of Stream S)                 \
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Data {
    /// Transmission Sequence Number.
    pub tsn: Tsn,
    /// Stream identifier.
    pub stream: StreamId,
    /// Stream sequence number (ignored when `unordered`).
    pub ssn: Ssn,
    /// Payload protocol identifier.
    pub ppid: Ppid,
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

/// Fixed part of the value: TSN, stream, SSN, PPID.
const FIXED: usize = 12;

pub(crate) const FLAG_E: u8 = 0x01;
pub(crate) const FLAG_B: u8 = 0x02;
pub(crate) const FLAG_U: u8 = 0x04;
pub(crate) const FLAG_I: u8 = 0x08;

/// The flags byte of DATA and I-DATA, which share the I, U, B and E bits (RFC 8260 §2.1).
#[inline]
pub(crate) const fn flags(immediate: bool, unordered: bool, beginning: bool, ending: bool) -> u8 {
    (immediate as u8 * FLAG_I)
        | (unordered as u8 * FLAG_U)
        | (beginning as u8 * FLAG_B)
        | (ending as u8 * FLAG_E)
}

impl Data {
    /// Bytes of chunk header and fixed fields that precede the payload.
    pub const HEADER_LEN: usize = 4 + FIXED;
}

impl ChunkBody for Data {
    const TYPE: u8 = types::DATA;

    #[inline]
    fn decode(flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        // A DATA chunk without user data parses; the association answers it with an ABORT
        // carrying No User Data (RFC 9260 §6.2). One bounds check for the fixed fields.
        let [t0, t1, t2, t3, s0, s1, n0, n1, p0, p1, p2, p3] =
            value.array::<FIXED>("DATA fixed fields")?;
        Ok(Self {
            tsn: Tsn(u32::from_be_bytes([t0, t1, t2, t3])),
            stream: StreamId(u16::from_be_bytes([s0, s1])),
            ssn: Ssn(u16::from_be_bytes([n0, n1])),
            ppid: Ppid(u32::from_be_bytes([p0, p1, p2, p3])),
            unordered: flags & FLAG_U != 0,
            beginning: flags & FLAG_B != 0,
            ending: flags & FLAG_E != 0,
            immediate: flags & FLAG_I != 0,
            payload: value.rest(),
        })
    }

    #[inline]
    fn flags(&self) -> u8 {
        flags(self.immediate, self.unordered, self.beginning, self.ending)
    }

    #[inline]
    fn value_len(&self) -> usize {
        FIXED + self.payload.len()
    }

    #[inline]
    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.tsn.0);
        out.put_u16(self.stream.0);
        out.put_u16(self.ssn.0);
        out.put_u32(self.ppid.0);
        out.put_slice(&self.payload);
    }
}

impl fmt::Display for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DATA tsn={} sid={} ssn={} ppid={} len={} flags={}{}{}{}",
            self.tsn,
            self.stream,
            self.ssn,
            self.ppid,
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
    fn round_trip_with_padding() {
        let d = Data {
            tsn: Tsn(0xdead_beef),
            stream: StreamId(3),
            ssn: Ssn(7),
            ppid: Ppid(51),
            unordered: true,
            beginning: true,
            ending: true,
            immediate: true,
            payload: Bytes::from_static(b"hello"),
        };
        let bytes = Chunk::from(d.clone()).to_vec();
        assert_eq!(&bytes[..4], &[0, 0x0f, 0, 21]);
        assert_eq!(bytes.len(), 24);
        assert_eq!(Chunk::parse_one(Bytes::from(bytes), 0), Ok(Chunk::Data(d)));
    }

    #[test]
    fn short_value_is_truncated_error() {
        let e = Chunk::parse_one(
            Bytes::from_static(&[0, 3, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0]),
            12,
        );
        let e = e.err().map(|e| (e.kind, e.offset, e.chunk_type));
        assert_eq!(
            e,
            Some((
                ParseErrorKind::Truncated {
                    field: "DATA fixed fields",
                    needed: 12,
                    available: 8
                },
                16,
                Some(0)
            ))
        );
    }
}
