//! Illegal ASCONF-ACK (RFC 5061 §4.3.4).

super::shape::empty_cause! {
    /// An ABORT reason: an ASCONF-ACK arrived whose sequence number answers no ASCONF sent.
    ///
    /// ```text
    /// |     Cause Code = 0x00A3       |      Cause Length = 4         |
    /// ```
    IllegalAsconfAck = ILLEGAL_ASCONF_ACK, "Illegal ASCONF-ACK"
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_bad_length() {
        crate::cause::shape::tests::assert_empty(super::IllegalAsconfAck.into());
    }
}
