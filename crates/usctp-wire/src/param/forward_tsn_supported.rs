//! Forward-TSN-Supported parameter (RFC 3758 §3.1).

use super::types;

/// The sender supports PR-SCTP (FORWARD TSN), in INIT and INIT ACK. No value.
///
/// ```text
/// |     Parameter Type = 0xC000   |     Parameter Length = 4      |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ForwardTsnSupported;

empty_param!(
    ForwardTsnSupported = types::FORWARD_TSN_SUPPORTED,
    "FORWARD_TSN_SUPPORTED"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, mismatch, parse_err};

    #[test]
    fn round_trip_and_bad_length() {
        assert_round_trip(ForwardTsnSupported, &[0xc0, 0, 0, 4]);
        assert_eq!(
            parse_err(&[0xc0, 0, 0, 8, 0, 0, 0, 0], 20),
            mismatch(8, 4, 20)
        );
    }
}
