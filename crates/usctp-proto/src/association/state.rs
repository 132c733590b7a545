//! Association states (RFC 9260 §4). The state changes only in `Association::set_state`, and to
//! `Closed` in `Association::close` (both in `association/mod.rs`); both log why.

use core::fmt;

/// The states of RFC 9260 §4 (CLOSED is represented by the association no longer existing, or
/// by `Closed` until the owner reaps it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum State {
    /// INIT sent, waiting for INIT ACK.
    CookieWait,
    /// COOKIE ECHO sent, waiting for COOKIE ACK.
    CookieEchoed,
    /// Data may flow both ways.
    Established,
    /// The user asked to shut down; waiting for outstanding data to be acknowledged.
    ShutdownPending,
    /// SHUTDOWN sent.
    ShutdownSent,
    /// SHUTDOWN received; finishing our outstanding data.
    ShutdownReceived,
    /// SHUTDOWN ACK sent.
    ShutdownAckSent,
    /// Gone: shut down, aborted or failed.
    Closed,
}

impl State {
    /// Whether user data may still be queued for sending.
    pub fn accepts_user_data(self) -> bool {
        matches!(
            self,
            Self::CookieWait | Self::CookieEchoed | Self::Established
        )
    }

    /// Whether DATA from the peer is still accepted (RFC 9260 §9.2: until SHUTDOWN is
    /// received, and in SHUTDOWN-SENT).
    pub fn accepts_peer_data(self) -> bool {
        matches!(
            self,
            Self::Established | Self::ShutdownPending | Self::ShutdownSent
        )
    }

    /// Whether we may still send DATA (and what rides with it): established, or shutting down
    /// with queued data still to send (RFC 9260 §9.2).
    pub(crate) fn sends_data(self) -> bool {
        matches!(
            self,
            Self::Established | Self::ShutdownPending | Self::ShutdownReceived
        )
    }

    /// Whether DATA may still flow one way or the other, so SACKs and RE-CONFIG matter:
    /// established, or shutting down with data still to acknowledge.
    pub(crate) fn data_may_flow(self) -> bool {
        matches!(
            self,
            Self::Established | Self::ShutdownPending | Self::ShutdownSent | Self::ShutdownReceived
        )
    }

    /// Whether we are in one of the shutdown states.
    pub fn is_shutting_down(self) -> bool {
        matches!(
            self,
            Self::ShutdownPending
                | Self::ShutdownSent
                | Self::ShutdownReceived
                | Self::ShutdownAckSent
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CookieWait => "COOKIE-WAIT",
            Self::CookieEchoed => "COOKIE-ECHOED",
            Self::Established => "ESTABLISHED",
            Self::ShutdownPending => "SHUTDOWN-PENDING",
            Self::ShutdownSent => "SHUTDOWN-SENT",
            Self::ShutdownReceived => "SHUTDOWN-RECEIVED",
            Self::ShutdownAckSent => "SHUTDOWN-ACK-SENT",
            Self::Closed => "CLOSED",
        })
    }
}
