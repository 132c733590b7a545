//! Padding parameter (RFC 4820 §4).

use bytes::Bytes;

use super::types;

/// Pads an INIT to probe the path MTU. The receiver ignores the content (RFC 4820 §4); it is
/// kept raw so that re-encoding reproduces the packet exactly.
///
/// ```text
/// |     Parameter Type = 0x8005   |       Parameter Length        |
/// /                          Padding Data                         /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Padding {
    /// The padding bytes (normally zero), a zero-copy slice of the received packet.
    pub data: Bytes,
}

bytes_param!(Padding { data } = types::PADDING, "PADDING");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        let p = Padding {
            data: Bytes::from_static(&[0; 4]),
        };
        assert_round_trip(p, &[0x80, 5, 0, 8, 0, 0, 0, 0]);
        assert_eq!(
            parse_err(&[0x80, 5, 0, 9, 0, 0, 0, 0], 4),
            Some((
                ParseErrorKind::LengthBeyondEnd {
                    length: 9,
                    available: 8
                },
                4
            ))
        );
    }
}
