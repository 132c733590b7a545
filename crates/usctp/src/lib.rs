//! User-space SCTP for tokio (being built).
