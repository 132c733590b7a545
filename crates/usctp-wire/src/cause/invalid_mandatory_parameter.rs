//! Invalid Mandatory Parameter (RFC 9260 §3.3.10.7).

super::shape::empty_cause! {
    /// A mandatory parameter of an INIT or INIT ACK is set to an invalid value.
    ///
    /// ```text
    /// |     Cause Code = 7            |      Cause Length = 4         |
    /// ```
    InvalidMandatoryParameter = INVALID_MANDATORY_PARAMETER, "Invalid Mandatory Parameter"
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_bad_length() {
        crate::cause::shape::tests::assert_empty(super::InvalidMandatoryParameter.into());
    }
}
