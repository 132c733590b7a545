//! Zero Checksum Acceptable parameter (RFC 9653 §3).

use super::types;

/// The sender accepts packets with a zero checksum when the named alternate error detection
/// method is in use, in INIT and INIT ACK.
///
/// ```text
/// |     Parameter Type = 0x8001   |     Parameter Length = 8      |
/// |          Error Detection Method Identifier (EDMID)            |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ZeroChecksumAcceptable {
    /// Error Detection Method Identifier (1 = DTLS, RFC 9653 §7).
    pub edmid: u32,
}

u32_param!(
    ZeroChecksumAcceptable { edmid: "EDMID" } = types::ZERO_CHECKSUM_ACCEPTABLE,
    "ZERO_CHECKSUM_ACCEPTABLE edmid={}"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, mismatch, parse_err};

    #[test]
    fn round_trip_and_bad_length() {
        assert_round_trip(
            ZeroChecksumAcceptable { edmid: 1 },
            &[0x80, 1, 0, 8, 0, 0, 0, 1],
        );
        assert_eq!(parse_err(&[0x80, 1, 0, 4], 12), mismatch(4, 8, 12));
    }
}
