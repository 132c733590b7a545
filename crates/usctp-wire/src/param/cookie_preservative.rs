//! Cookie Preservative parameter (RFC 9260 §3.3.2.1.3).

use super::types;

/// Asks the peer for a longer State Cookie life-span after a stale cookie, in INIT.
///
/// ```text
/// |          Type = 9             |          Length = 8           |
/// |         Suggested Cookie Life-Span Increment (msec.)          |
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CookiePreservative {
    /// Suggested increment of the cookie life-span, in milliseconds.
    pub increment_ms: u32,
}

u32_param!(
    CookiePreservative {
        increment_ms: "life-span increment"
    } = types::COOKIE_PRESERVATIVE,
    "COOKIE_PRESERVATIVE +{}ms"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, mismatch, parse_err};

    #[test]
    fn round_trip_and_bad_length() {
        let p = CookiePreservative {
            increment_ms: 0x0102_0304,
        };
        assert_eq!(p.to_string(), "COOKIE_PRESERVATIVE +16909060ms");
        assert_round_trip(p, &[0, 9, 0, 8, 1, 2, 3, 4]);
        assert_eq!(parse_err(&[0, 9, 0, 6, 1, 2, 0, 0], 24), mismatch(6, 8, 24));
    }
}
