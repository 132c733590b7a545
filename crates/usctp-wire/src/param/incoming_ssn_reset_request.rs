//! Incoming SSN Reset Request parameter (RFC 6525 §4.2).

use core::fmt;

use bytes::BufMut;

use super::simple::{decode_list, encode_list, list_len, ListDisplay};
use super::{types, ParamBody};
use crate::{ParseError, Reader, StreamId};

/// In a RE-CONFIG: asks the peer to reset its outgoing streams, i.e. the sender's incoming ones
/// (all of them when `streams` is empty).
///
/// ```text
/// |     Parameter Type = 14       |  Parameter Length = 8 + 2 * N |
/// |          Re-configuration Request Sequence Number             |
/// |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IncomingSsnResetRequest {
    /// Re-configuration request sequence number of this request.
    pub request_seq: u32,
    /// Streams to reset; empty means all.
    pub streams: Vec<StreamId>,
}

impl ParamBody for IncomingSsnResetRequest {
    const TYPE: u16 = types::INCOMING_SSN_RESET_REQUEST;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            request_seq: value.u32("request sequence number")?,
            streams: decode_list(value, "stream numbers")?,
        })
    }

    fn value_len(&self) -> usize {
        4 + list_len(&self.streams)
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.request_seq);
        encode_list(&self.streams, out);
    }
}

impl fmt::Display for IncomingSsnResetRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "IN_SSN_RESET req={} streams={}",
            self.request_seq,
            ListDisplay(&self.streams)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_lengths() {
        let p = IncomingSsnResetRequest {
            request_seq: 9,
            streams: vec![StreamId(1)],
        };
        assert_round_trip(p, &[0, 14, 0, 10, 0, 0, 0, 9, 0, 1, 0, 0]);
        let all = IncomingSsnResetRequest {
            request_seq: 9,
            streams: vec![],
        };
        assert_eq!(all.to_string(), "IN_SSN_RESET req=9 streams=[]");
        assert_round_trip(all, &[0, 14, 0, 8, 0, 0, 0, 9]);
        assert_eq!(
            parse_err(&[0, 14, 0, 11, 0, 0, 0, 9, 0, 1, 2, 0], 0),
            Some((
                ParseErrorKind::NotMultiple {
                    field: "stream numbers",
                    length: 3,
                    unit: 2
                },
                8
            ))
        );
        assert_eq!(
            parse_err(&[0, 14, 0, 6, 0, 0, 0, 0], 0),
            Some((
                ParseErrorKind::Truncated {
                    field: "request sequence number",
                    needed: 4,
                    available: 2
                },
                4
            ))
        );
    }
}
