//! Protocol Violation (RFC 9260 §3.3.10.13).

super::shape::opaque_cause! {
    /// The peer broke the protocol in a way no other cause describes.
    ///
    /// ```text
    /// |     Cause Code = 13           |      Cause Length             |
    /// /                    Additional Information                     /
    /// ```
    ProtocolViolation {
        /// Implementation-specific detail of the violation.
        info
    } = PROTOCOL_VIOLATION, "Protocol Violation"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::shape::tests::assert_opaque;

    #[test]
    fn round_trip_and_bad_length() {
        assert_opaque(|info| ProtocolViolation { info }.into());
    }
}
