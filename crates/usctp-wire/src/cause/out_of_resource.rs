//! Out of Resource (RFC 9260 §3.3.10.4).

super::shape::empty_cause! {
    /// The sender is out of resources, usually sent in an ABORT.
    ///
    /// ```text
    /// |     Cause Code = 4            |      Cause Length = 4         |
    /// ```
    OutOfResource = OUT_OF_RESOURCE, "Out of Resource"
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_bad_length() {
        crate::cause::shape::tests::assert_empty(super::OutOfResource.into());
    }
}
