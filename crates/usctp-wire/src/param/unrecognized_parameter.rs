//! Unrecognized Parameter (RFC 9260 §3.3.3.1).

use core::fmt;

use bytes::Bytes;

use super::{types, Parameter};
use crate::ParseError;

/// In an INIT ACK: a parameter of the INIT that the sender did not recognise, copied whole
/// (type, length, value and whatever padding the sender included).
///
/// The copy is kept raw so that re-encoding is exact even when it is malformed; decode it with
/// [`UnrecognizedParameter::parameter`].
///
/// ```text
/// |         Type = 8              |          Length               |
/// /                  Unrecognized Parameter TLV                   /
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnrecognizedParameter {
    /// The copied parameter, header included, a zero-copy slice of the received packet.
    pub raw: Bytes,
}

bytes_param!(UnrecognizedParameter { raw } = types::UNRECOGNIZED_PARAMETER);

impl UnrecognizedParameter {
    /// The type of the copied parameter, if at least its type field is present.
    pub fn param_type(&self) -> Option<u16> {
        match self.raw.get(..2) {
            Some(&[hi, lo]) => Some(u16::from_be_bytes([hi, lo])),
            _ => None,
        }
    }

    /// Decode the copied parameter. Error offsets are relative to the start of [`Self::raw`].
    pub fn parameter(&self) -> Result<Parameter, ParseError> {
        Parameter::parse_one(self.raw.clone(), 0)
    }
}

impl fmt::Display for UnrecognizedParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only the header: decoding (and displaying) the copy could recurse once per nesting.
        match self.param_type() {
            Some(t) => write!(
                f,
                "UNRECOGNIZED_PARAM type={t:#06x} {} bytes",
                self.raw.len()
            ),
            None => write!(f, "UNRECOGNIZED_PARAM {} bytes", self.raw.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::param::test_util::{assert_round_trip, parse_err};
    use crate::param::UnknownParameter;
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_inner_parse() {
        let p = UnrecognizedParameter {
            raw: Bytes::from_static(&[0x80, 0x77, 0, 5, 0xaa, 0, 0, 0]),
        };
        assert_eq!(p.param_type(), Some(0x8077));
        assert_eq!(p.to_string(), "UNRECOGNIZED_PARAM type=0x8077 8 bytes");
        assert_eq!(
            p.parameter(),
            Ok(Parameter::Unknown(UnknownParameter {
                param_type: 0x8077,
                value: Bytes::from_static(&[0xaa]),
            }))
        );
        assert_round_trip(p, &[0, 8, 0, 12, 0x80, 0x77, 0, 5, 0xaa, 0, 0, 0]);
    }

    #[test]
    fn malformed_copy_round_trips_raw() {
        // The copy claims 9 bytes but has 3: kept as is, the error surfaces only on decode.
        let p = UnrecognizedParameter {
            raw: Bytes::from_static(&[0xc0, 0x01, 0]),
        };
        assert_eq!(p.param_type(), Some(0xc001));
        assert_round_trip(p.clone(), &[0, 8, 0, 7, 0xc0, 0x01, 0, 0]);
        assert_eq!(
            p.parameter().err().map(|e| (e.kind, e.offset)),
            Some((
                ParseErrorKind::Truncated {
                    field: "TLV length",
                    needed: 2,
                    available: 1
                },
                2
            ))
        );
        assert_eq!(
            parse_err(&[0, 8, 0, 9, 0, 0, 0, 0], 12),
            Some((
                ParseErrorKind::LengthBeyondEnd {
                    length: 9,
                    available: 8
                },
                12
            ))
        );
    }
}
