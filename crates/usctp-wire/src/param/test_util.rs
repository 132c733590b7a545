//! Helpers for the parameters' unit tests.

use bytes::Bytes;

use super::Parameter;
use crate::ParseErrorKind;

/// Assert that `p` encodes to exactly `wire` and that `wire` parses back to `p`.
#[track_caller]
pub(crate) fn assert_round_trip(p: impl Into<Parameter>, wire: &[u8]) {
    let p = p.into();
    assert_eq!(p.to_vec(), wire, "encoding of {p}");
    assert_eq!(Parameter::parse_one(Bytes::copy_from_slice(wire), 0), Ok(p));
}

/// The error kind and offset of parsing `wire` as one parameter found at packet offset `at`.
pub(crate) fn parse_err(wire: &[u8], at: usize) -> Option<(ParseErrorKind, usize)> {
    Parameter::parse_one(Bytes::copy_from_slice(wire), at)
        .err()
        .map(|e| (e.kind, e.offset))
}

/// `LengthMismatch { length, expected }` at `offset`, for comparing with [`parse_err`].
pub(crate) fn mismatch(
    length: usize,
    expected: usize,
    offset: usize,
) -> Option<(ParseErrorKind, usize)> {
    Some((ParseErrorKind::LengthMismatch { length, expected }, offset))
}
