//! Outgoing SSN Reset Request parameter (RFC 6525 §4.1).

use core::fmt;

use bytes::BufMut;

use super::simple::{decode_list, encode_list, list_len, ListDisplay};
use super::{types, ParamBody};
use crate::{ParseError, Reader, StreamId, Tsn};

/// In a RE-CONFIG: the sender resets its outgoing streams (all of them when `streams` is empty).
///
/// ```text
/// |     Parameter Type = 13       | Parameter Length = 16 + 2 * N |
/// |           Re-configuration Request Sequence Number            |
/// |           Re-configuration Response Sequence Number           |
/// |                Sender's Last Assigned TSN                     |
/// |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutgoingSsnResetRequest {
    /// Re-configuration request sequence number of this request.
    pub request_seq: u32,
    /// Sequence number of the peer's Incoming SSN Reset Request this answers, if any.
    pub response_seq: u32,
    /// The last TSN the sender assigned before the reset.
    pub last_tsn: Tsn,
    /// Streams to reset; empty means all.
    pub streams: Vec<StreamId>,
}

/// Request, response and last-TSN fields.
const FIXED: usize = 12;

impl ParamBody for OutgoingSsnResetRequest {
    const TYPE: u16 = types::OUTGOING_SSN_RESET_REQUEST;

    fn decode(value: &mut Reader<'_>) -> Result<Self, ParseError> {
        Ok(Self {
            request_seq: value.u32("request sequence number")?,
            response_seq: value.u32("response sequence number")?,
            last_tsn: Tsn(value.u32("sender's last assigned TSN")?),
            streams: decode_list(value, "stream numbers")?,
        })
    }

    fn value_len(&self) -> usize {
        FIXED + list_len(&self.streams)
    }

    fn encode_value<B: BufMut>(&self, out: &mut B) {
        out.put_u32(self.request_seq);
        out.put_u32(self.response_seq);
        out.put_u32(self.last_tsn.0);
        encode_list(&self.streams, out);
    }
}

impl fmt::Display for OutgoingSsnResetRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "OUT_SSN_RESET req={} resp={} last_tsn={} streams={}",
            self.request_seq,
            self.response_seq,
            self.last_tsn,
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
        let p = OutgoingSsnResetRequest {
            request_seq: 1,
            response_seq: 2,
            last_tsn: Tsn(0x0a0b_0c0d),
            streams: vec![StreamId(4), StreamId(0x102)],
        };
        assert_eq!(
            p.to_string(),
            "OUT_SSN_RESET req=1 resp=2 last_tsn=168496141 streams=[4, 258]"
        );
        let wire = [
            0, 13, 0, 20, 0, 0, 0, 1, 0, 0, 0, 2, 10, 11, 12, 13, 0, 4, 1, 2,
        ];
        assert_round_trip(p, &wire);
        let odd = [0, 13, 0, 17, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 9, 0, 0, 0];
        assert_eq!(
            parse_err(&odd, 100),
            Some((
                ParseErrorKind::NotMultiple {
                    field: "stream numbers",
                    length: 1,
                    unit: 2
                },
                116
            ))
        );
        let short = [0, 13, 0, 12, 0, 0, 0, 1, 0, 0, 0, 2];
        assert_eq!(
            parse_err(&short, 0),
            Some((
                ParseErrorKind::Truncated {
                    field: "sender's last assigned TSN",
                    needed: 4,
                    available: 0
                },
                12
            ))
        );
    }
}
