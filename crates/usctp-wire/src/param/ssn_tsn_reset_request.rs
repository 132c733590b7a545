//! SSN/TSN Reset Request parameter (RFC 6525 §4.3).

use super::types;

/// In a RE-CONFIG: asks the peer to reset all streams' sequence numbers and both TSNs.
///
/// ```text
/// |     Parameter Type = 15       |      Parameter Length = 8     |
/// |         Re-configuration Request Sequence Number              |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SsnTsnResetRequest {
    /// Re-configuration request sequence number.
    pub request_seq: u32,
}

u32_param!(
    SsnTsnResetRequest {
        request_seq: "request sequence number"
    } = types::SSN_TSN_RESET_REQUEST,
    "SSN_TSN_RESET req={}"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, mismatch, parse_err};

    #[test]
    fn round_trip_and_bad_length() {
        assert_round_trip(
            SsnTsnResetRequest {
                request_seq: 0x1234,
            },
            &[0, 15, 0, 8, 0, 0, 0x12, 0x34],
        );
        assert_eq!(parse_err(&[0, 15, 0, 5, 0], 4), mismatch(5, 8, 4));
    }
}
