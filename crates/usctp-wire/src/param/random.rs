//! Random parameter (RFC 4895 §3.1).

use bytes::Bytes;

use super::types;

/// The endpoint's random number for SCTP-AUTH key derivation, in INIT and INIT ACK. RFC 4895
/// §3.1 asks for 32 bytes; the length check is left to the protocol layer.
///
/// ```text
/// |     Parameter Type = 0x8002   |       Parameter Length        |
/// /                         Random Number                         /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Random {
    /// The random bytes, a zero-copy slice of the received packet.
    pub random: Bytes,
}

bytes_param!(Random { random } = types::RANDOM, "RANDOM");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let p = Random {
            random: Bytes::from_static(&[9; 6]),
        };
        assert_round_trip(p, &[0x80, 2, 0, 10, 9, 9, 9, 9, 9, 9, 0, 0]);
        assert_eq!(
            parse_err(&[0x80, 2, 0, 1], 8),
            Some((ParseErrorKind::LengthTooSmall { length: 1, min: 4 }, 8))
        );
    }
}
