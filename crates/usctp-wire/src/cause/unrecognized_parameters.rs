//! Unrecognized Parameters (RFC 9260 §3.3.10.8).

use crate::param::Parameter;
use crate::{ParseError, Reader};

super::shape::opaque_cause! {
    /// An INIT ACK carried parameters the sender does not know, with upper bits asking for a
    /// report; sent in an ERROR bundled with the COOKIE ECHO.
    ///
    /// ```text
    /// |     Cause Code = 8            |      Cause Length             |
    /// /                  Unrecognized Parameters                      /
    /// ```
    UnrecognizedParameters {
        /// The unrecognised parameter TLVs (headers and inner padding included) as sent.
        parameters
    } = UNRECOGNIZED_PARAMETERS, "Unrecognized Parameters"
}

impl UnrecognizedParameters {
    /// Decode the copied parameters; error offsets count from the first byte of the copy.
    pub fn parse_parameters(&self) -> Result<Vec<Parameter>, ParseError> {
        Parameter::parse_list(&mut Reader::new(&self.parameters, 0, None))
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::cause::shape::tests::assert_opaque;
    use crate::param::UnknownParameter;
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        assert_opaque(|parameters| UnrecognizedParameters { parameters }.into());
    }

    #[test]
    fn parses_the_copied_parameters() {
        let parameters = Bytes::from_static(&[0x40, 0x77, 0, 5, 9, 0, 0, 0, 0xc0, 0x77, 0, 4]);
        let c = UnrecognizedParameters { parameters };
        let raw = |param_type, value| {
            Parameter::Unknown(UnknownParameter {
                param_type,
                value: Bytes::from_static(value),
            })
        };
        let want = vec![raw(0x4077, &[9]), raw(0xc077, &[])];
        assert_eq!(c.parse_parameters(), Ok(want));
        let c = UnrecognizedParameters {
            parameters: Bytes::from_static(&[0x40, 0x77, 0, 9, 1]),
        };
        let e = c.parse_parameters().err().map(|e| (e.kind, e.offset));
        let bad = ParseErrorKind::LengthBeyondEnd {
            length: 9,
            available: 5,
        };
        assert_eq!(e, Some((bad, 0)));
    }
}
