//! User-Initiated Abort (RFC 9260 §3.3.10.12).

super::shape::opaque_cause! {
    /// The upper layer aborted the association, optionally saying why.
    ///
    /// ```text
    /// |     Cause Code = 12           |      Cause Length             |
    /// /                 Upper Layer Abort Reason                      /
    /// ```
    UserInitiatedAbort {
        /// The reason the upper layer gave, opaque to SCTP.
        reason
    } = USER_INITIATED_ABORT, "User-Initiated Abort"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cause::shape::tests::{assert_opaque, assert_wire};

    #[test]
    fn round_trip_and_bad_length() {
        assert_opaque(|reason| UserInitiatedAbort { reason }.into());
        let c = UserInitiatedAbort {
            reason: bytes::Bytes::from_static(b"bye"),
        };
        assert_wire(c.into(), &[0, 12, 0, 7, b'b', b'y', b'e', 0]);
    }
}
