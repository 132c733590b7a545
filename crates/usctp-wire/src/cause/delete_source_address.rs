//! Request to Delete Source IP Address (RFC 5061 §4.3.3).

super::shape::asconf_copy_cause! {
    /// An ASCONF asked to delete the address it was sent from; refused.
    ///
    /// ```text
    /// |     Cause Code = 0x00A2       |      Cause Length             |
    /// /                  TLV-Copied-From-ASCONF                       /
    /// ```
    DeleteSourceAddress = DELETE_SOURCE_ADDRESS, "Request to Delete Source IP Address"
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::cause::shape::tests::assert_opaque;
    use crate::param::{Parameter, UnknownParameter};
    use crate::ParseErrorKind;

    #[test]
    fn round_trip_and_bad_length() {
        assert_opaque(|request| DeleteSourceAddress { request }.into());
    }

    #[test]
    fn parses_the_copied_request() {
        // A parameter type no codec entity claims, so it stays raw.
        let c = DeleteSourceAddress {
            request: Bytes::from_static(&[0xc0, 0x77, 0, 6, 1, 2, 0, 0]),
        };
        let raw = UnknownParameter {
            param_type: 0xc077,
            value: Bytes::from_static(&[1, 2]),
        };
        assert_eq!(c.parse_request(), Ok(Parameter::Unknown(raw)));
        let c = DeleteSourceAddress {
            request: Bytes::from_static(&[0xc0, 0x77, 0, 6, 1, 2, 0, 0, 9]),
        };
        let e = c.parse_request().err().map(|e| e.kind);
        let extra = ParseErrorKind::TrailingBytes {
            field: "parameter",
            count: 1,
        };
        assert_eq!(e, Some(extra));
    }
}
