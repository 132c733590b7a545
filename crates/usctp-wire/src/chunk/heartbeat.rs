//! HEARTBEAT and HEARTBEAT ACK (RFC 9260 §3.3.5, §3.3.6), which share one layout.

use core::fmt;

use bytes::{BufMut, Bytes};

use super::{types, ChunkBody};
use crate::param::types::HEARTBEAT_INFO;
use crate::{tlv, ParseError, ParseErrorKind, Reader};

/// The HEARTBEAT / HEARTBEAT ACK layout; use it through [`Heartbeat`] and [`HeartbeatAck`].
///
/// ```text
/// |   Type = 4/5  | Chunk  Flags  |      Heartbeat Length         |
/// |    Heartbeat Info Type = 1    |      HB Info Length           |
/// /            Sender-Specific Heartbeat Info                     /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeartbeatChunk<const T: u8> {
    /// The Heartbeat Info value: opaque to the receiver, echoed back unchanged in the ACK.
    pub info: Bytes,
}

/// Heartbeat Request (RFC 9260 §3.3.5), chunk type 4.
pub type Heartbeat = HeartbeatChunk<{ types::HEARTBEAT }>;

/// Heartbeat Acknowledgement (RFC 9260 §3.3.6), chunk type 5.
pub type HeartbeatAck = HeartbeatChunk<{ types::HEARTBEAT_ACK }>;

impl<const T: u8> ChunkBody for HeartbeatChunk<T> {
    const TYPE: u8 = T;

    fn decode(_flags: u8, value: &mut Reader<'_>) -> Result<Self, ParseError> {
        let at = value.offset();
        match tlv::next(value)? {
            Some(t) if t.word == HEARTBEAT_INFO => {
                let mut info = t.value;
                value.finish("heartbeat info")?;
                Ok(Self { info: info.rest() })
            }
            _ => Err(value.error_at(
                at,
                ParseErrorKind::MissingParameter {
                    param_type: HEARTBEAT_INFO,
                },
            )),
        }
    }

    fn value_len(&self) -> usize {
        tlv::HEADER_LEN + self.info.len()
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        // The chunk's own padding pads the parameter too.
        tlv::put_header(out, HEARTBEAT_INFO, self.info.len());
        out.put_slice(&self.info);
    }
}

impl<const T: u8> fmt::Display for HeartbeatChunk<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = if T == types::HEARTBEAT {
            "HEARTBEAT"
        } else {
            "HEARTBEAT_ACK"
        };
        write!(f, "{name} info_len={}", self.info.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::Chunk;

    #[test]
    fn round_trip() {
        let hb = Heartbeat {
            info: Bytes::from_static(&[1, 2, 3]),
        };
        let wire = Chunk::from(hb.clone()).to_vec();
        assert_eq!(wire, [4, 0, 0, 11, 0, 1, 0, 7, 1, 2, 3, 0]);
        assert_eq!(
            Chunk::parse_one(Bytes::from(wire), 0),
            Ok(Chunk::Heartbeat(hb))
        );
        let ack = HeartbeatAck {
            info: Bytes::from_static(&[9; 4]),
        };
        let wire = Chunk::from(ack.clone()).to_vec();
        assert_eq!(wire, [5, 0, 0, 12, 0, 1, 0, 8, 9, 9, 9, 9]);
        assert_eq!(
            Chunk::parse_one(Bytes::from(wire), 0),
            Ok(Chunk::HeartbeatAck(ack))
        );
    }

    fn err(wire: &'static [u8]) -> Option<(ParseErrorKind, usize)> {
        let e = Chunk::parse_one(Bytes::from_static(wire), 12).err();
        e.map(|e| (e.kind, e.offset))
    }

    #[test]
    fn malformed() {
        let missing = ParseErrorKind::MissingParameter { param_type: 1 };
        assert_eq!(err(&[4, 0, 0, 4]), Some((missing.clone(), 16)));
        assert_eq!(err(&[5, 0, 0, 8, 0, 5, 0, 4]), Some((missing, 16)));
        assert_eq!(
            err(&[4, 0, 0, 8, 0, 1, 0, 9]),
            Some((
                ParseErrorKind::LengthBeyondEnd {
                    length: 9,
                    available: 4
                },
                16
            ))
        );
        assert_eq!(
            err(&[4, 0, 0, 12, 0, 1, 0, 4, 0, 5, 0, 4]),
            Some((
                ParseErrorKind::TrailingBytes {
                    field: "heartbeat info",
                    count: 4
                },
                20
            ))
        );
    }
}
