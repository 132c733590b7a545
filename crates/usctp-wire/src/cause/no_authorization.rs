//! Request Refused - No Authorization (RFC 5061 §4.3.5).

super::shape::asconf_copy_cause! {
    /// An ASCONF request was refused for lack of authorization.
    ///
    /// ```text
    /// |     Cause Code = 0x00A4       |      Cause Length             |
    /// /                  TLV-Copied-From-ASCONF                       /
    /// ```
    NoAuthorization = NO_AUTHORIZATION, "Request Refused - No Authorization"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::shape::tests::assert_opaque;

    #[test]
    fn round_trip_and_bad_length() {
        assert_opaque(|request| NoAuthorization { request }.into());
    }
}
