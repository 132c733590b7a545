//! Add Outgoing Streams Request parameter (RFC 6525 §4.5).

use core::fmt;

use bytes::BufMut;

use super::{add_streams, types, ParamBody};
use crate::{ParseError, Reader};

/// In a RE-CONFIG: the sender adds this many outgoing streams.
///
/// ```text
/// |     Parameter Type = 17       |      Parameter Length = 12    |
/// |          Re-configuration Request Sequence Number             |
/// |      Number of new streams    |         Reserved              |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddOutgoingStreamsRequest {
    /// Re-configuration request sequence number of this request.
    pub request_seq: u32,
    /// How many streams to add.
    pub new_streams: u16,
}

impl ParamBody for AddOutgoingStreamsRequest {
    const TYPE: u16 = types::ADD_OUTGOING_STREAMS_REQUEST;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        let (request_seq, new_streams) = add_streams::decode(value)?;
        Ok(Self {
            request_seq,
            new_streams,
        })
    }

    fn value_len(&self) -> usize {
        add_streams::VALUE_LEN
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        add_streams::encode(out, self.request_seq, self.new_streams);
    }
}

impl fmt::Display for AddOutgoingStreamsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ADD_OUT_STREAMS req={} +{}",
            self.request_seq, self.new_streams
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, mismatch, parse_err};
    use crate::param::Parameter;
    use bytes::Bytes;

    #[test]
    fn round_trip_and_bad_length() {
        let p = AddOutgoingStreamsRequest {
            request_seq: 0x0102_0304,
            new_streams: 0x0506,
        };
        assert_round_trip(p, &[0, 17, 0, 12, 1, 2, 3, 4, 5, 6, 0, 0]);
        // Reserved bits are ignored on receipt.
        let wire = Bytes::from_static(&[0, 17, 0, 12, 1, 2, 3, 4, 5, 6, 0xff, 0xff]);
        assert_eq!(Parameter::parse_one(wire, 0), Ok(p.into()));
        assert_eq!(
            parse_err(&[0, 17, 0, 8, 1, 2, 3, 4], 28),
            mismatch(8, 12, 28)
        );
    }
}
