//! Requested HMAC Algorithm parameter (RFC 4895 §3.3).

use super::types;

/// The HMAC identifiers the sender supports for SCTP-AUTH, most preferred first (1 = SHA-1,
/// 3 = SHA-256).
///
/// ```text
/// |     Parameter Type = 0x8004   |       Parameter Length        |
/// |          HMAC Identifier 1    |      HMAC Identifier 2        |
/// /                              ...                              /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestedHmacAlgorithm {
    /// HMAC identifiers in order of preference.
    pub hmac_ids: Vec<u16>,
}

list_param!(
    RequestedHmacAlgorithm {
        hmac_ids: "HMAC identifiers"
    } = types::REQUESTED_HMAC_ALGORITHM,
    "HMAC_ALGO"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_odd_length() {
        let p = RequestedHmacAlgorithm {
            hmac_ids: vec![3, 1],
        };
        assert_round_trip(p, &[0x80, 4, 0, 8, 0, 3, 0, 1]);
        assert_eq!(
            parse_err(&[0x80, 4, 0, 5, 0, 0, 0, 0], 0),
            Some((
                ParseErrorKind::NotMultiple {
                    field: "HMAC identifiers",
                    length: 1,
                    unit: 2
                },
                4
            ))
        );
    }
}
