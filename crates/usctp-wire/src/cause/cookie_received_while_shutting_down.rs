//! Cookie Received While Shutting Down (RFC 9260 §3.3.10.10).

super::shape::empty_cause! {
    /// A COOKIE ECHO arrived while the association was in SHUTDOWN-ACK-SENT.
    ///
    /// ```text
    /// |     Cause Code = 10           |      Cause Length = 4         |
    /// ```
    CookieReceivedWhileShuttingDown = COOKIE_RECEIVED_WHILE_SHUTTING_DOWN, "Cookie Received While Shutting Down"
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_bad_length() {
        crate::cause::shape::tests::assert_empty(super::CookieReceivedWhileShuttingDown.into());
    }
}
