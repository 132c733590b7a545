//! State Cookie parameter (RFC 9260 §3.3.3.1).

use bytes::Bytes;

use super::types;

/// The State Cookie in an INIT ACK, echoed back in COOKIE ECHO. Opaque to the receiver; only
/// its creator can interpret it.
///
/// ```text
/// |         Type = 7              |          Length               |
/// /                           Cookie                              /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StateCookie {
    /// The cookie, a zero-copy slice of the received packet.
    pub cookie: Bytes,
}

bytes_param!(StateCookie { cookie } = types::STATE_COOKIE, "STATE_COOKIE");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let p = StateCookie {
            cookie: Bytes::from_static(b"cookie!!"),
        };
        assert_round_trip(p, b"\x00\x07\x00\x0ccookie!!");
        assert_eq!(
            parse_err(&[0, 7, 0, 2], 0),
            Some((ParseErrorKind::LengthTooSmall { length: 2, min: 4 }, 0))
        );
    }
}
