//! Heartbeat Info parameter (RFC 9260 §3.3.5).

use bytes::Bytes;

use super::types;

/// Sender-specific data in a HEARTBEAT, echoed unchanged in the HEARTBEAT ACK (RFC 9260
/// §3.3.6). Opaque to the receiver.
///
/// ```text
/// |    Heartbeat Info Type = 1    |         HB Info Length        |
/// /                  Sender-Specific Heartbeat Info               /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeartbeatInfo {
    /// The opaque info, a zero-copy slice of the received packet.
    pub info: Bytes,
}

bytes_param!(HeartbeatInfo { info } = types::HEARTBEAT_INFO, "HB_INFO");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let p = HeartbeatInfo {
            info: Bytes::from_static(&[1, 2, 3, 4, 5]),
        };
        assert_round_trip(p, &[0, 1, 0, 9, 1, 2, 3, 4, 5, 0, 0, 0]);
        assert_round_trip(HeartbeatInfo::default(), &[0, 1, 0, 4]);
        assert_eq!(
            parse_err(&[0, 1, 0, 12, 1, 2, 3, 4], 40),
            Some((
                ParseErrorKind::LengthBeyondEnd {
                    length: 12,
                    available: 8
                },
                40
            ))
        );
    }
}
