//! ECN Capable parameter (RFC 9260 Appendix A).

use super::types;

/// The sender supports Explicit Congestion Notification, in INIT and INIT ACK. No value.
///
/// ```text
/// |     Parameter Type = 0x8000   |     Parameter Length = 4      |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EcnCapable;

empty_param!(EcnCapable = types::ECN_CAPABLE, "ECN_CAPABLE");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, mismatch, parse_err};

    #[test]
    fn round_trip_and_bad_length() {
        assert_round_trip(EcnCapable, &[0x80, 0, 0, 4]);
        assert_eq!(parse_err(&[0x80, 0, 0, 5, 1], 32), mismatch(5, 4, 32));
    }
}
