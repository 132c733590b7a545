//! Success Indication parameter (RFC 5061 §4.2.5).

use super::types;

/// In an ASCONF-ACK: the request with this correlation ID succeeded.
///
/// ```text
/// |     Parameter Type = 0xC005   |      Parameter Length = 8     |
/// |                  ASCONF-Request Correlation ID                |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SuccessIndication {
    /// The correlation ID of the request being acknowledged.
    pub correlation_id: u32,
}

u32_param!(
    SuccessIndication {
        correlation_id: "correlation ID"
    } = types::SUCCESS_INDICATION,
    "SUCCESS_INDICATION corr={}"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, mismatch, parse_err};

    #[test]
    fn round_trip_and_bad_length() {
        assert_round_trip(
            SuccessIndication { correlation_id: 7 },
            &[0xc0, 5, 0, 8, 0, 0, 0, 7],
        );
        assert_eq!(
            parse_err(&[0xc0, 5, 0, 12, 0, 0, 0, 7, 0, 0, 0, 0], 8),
            mismatch(12, 8, 8)
        );
    }
}
