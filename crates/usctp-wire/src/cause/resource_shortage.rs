//! Operation Refused Due to Resource Shortage (RFC 5061 §4.3.2).

super::shape::asconf_copy_cause! {
    /// An ASCONF request could not be performed for lack of resources.
    ///
    /// ```text
    /// |     Cause Code = 0x00A1       |      Cause Length             |
    /// /                  TLV-Copied-From-ASCONF                       /
    /// ```
    ResourceShortage = RESOURCE_SHORTAGE, "Operation Refused Due to Resource Shortage"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::shape::tests::assert_opaque;

    #[test]
    fn round_trip_and_bad_length() {
        assert_opaque(|request| ResourceShortage { request }.into());
    }
}
