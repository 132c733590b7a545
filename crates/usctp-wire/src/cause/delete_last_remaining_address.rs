//! Request to Delete Last Remaining IP Address (RFC 5061 §4.3.1).

super::shape::asconf_copy_cause! {
    /// An ASCONF asked to delete the association's last remaining address; refused.
    ///
    /// ```text
    /// |     Cause Code = 0x00A0       |      Cause Length             |
    /// /                  TLV-Copied-From-ASCONF                       /
    /// ```
    DeleteLastRemainingAddress = DELETE_LAST_REMAINING_ADDRESS, "Request to Delete Last Remaining IP Address"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::shape::tests::assert_opaque;

    #[test]
    fn round_trip_and_bad_length() {
        assert_opaque(|request| DeleteLastRemainingAddress { request }.into());
    }
}
