//! Errors, one enum per API boundary.

use std::net::IpAddr;

use usctp_proto::SendError as QueueError;
use usctp_proto::{CloseReason, State, TransportAddr};
use usctp_transport::TransportError;

/// Why [`Endpoint::bind`](crate::Endpoint::bind) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BindError {
    /// The transport could not be set up (port in use, permissions, ...).
    #[error("transport: {0}")]
    Transport(#[from] TransportError),
    /// SCTP port 0 is not valid.
    #[error("SCTP port 0 is not valid; choose a port such as 5000")]
    InvalidPort,
    /// `bind` was called outside a tokio runtime.
    #[error("Endpoint::bind must run inside a tokio runtime")]
    NoRuntime,
    /// More than one worker was asked for with a custom transport: each worker binds its
    /// own sockets, so it needs the UDP or raw transport.
    #[error("EndpointConfig::workers > 1 needs the UDP or raw transport (each worker binds its own sockets)")]
    WorkersNeedSockets,
}

/// Why [`Endpoint::connect`](crate::Endpoint::connect) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The request was refused before anything was sent (no address, bad port, limit).
    #[error(transparent)]
    Invalid(#[from] usctp_proto::ConnectError),
    /// The handshake failed: unanswered INITs (peer unreachable), or the peer refused.
    #[error("association setup failed: {0:?}")]
    Failed(CloseReason),
    /// Nothing at this peer address speaks SCTP: our INIT drew an ICMP protocol unreachable
    /// (raw IP) or port unreachable (UDP encapsulation: nothing on the peer's UDP port), so
    /// the attempt ended at once instead of after Max.Init.Retransmits (RFC 9260 Appendix C
    /// ICMP8, RFC 6951 §5.5). In the core this is
    /// [`CloseReason::ProtocolUnreachable`].
    #[error("no SCTP listener at {0}: the INIT drew an ICMP {kind}", kind = unreachable_kind(.0))]
    NoSctpListener(TransportAddr),
    /// The endpoint was closed.
    #[error("endpoint closed")]
    EndpointClosed,
}

fn unreachable_kind(a: &TransportAddr) -> &'static str {
    match a.udp_port {
        Some(_) => "port unreachable (nothing on that UDP port)",
        None => "protocol unreachable (no SCTP stack on that host)",
    }
}

impl ConnectError {
    /// The error for a handshake that ended for `reason`.
    pub(crate) fn failed(reason: CloseReason) -> Self {
        match reason {
            CloseReason::ProtocolUnreachable(at) => Self::NoSctpListener(at),
            r => Self::Failed(r),
        }
    }
}

/// Why an operation on an [`Association`](crate::Association) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The association ended: gracefully (`None`) or for this reason.
    #[error("association closed ({0:?})")]
    Closed(Option<CloseReason>),
    /// The association is shutting down: no new data is accepted.
    #[error("association is {0}: no new data accepted")]
    NotWritable(State),
    /// The message is larger than `max_message_size`.
    #[error("message of {size} bytes exceeds the maximum of {max}")]
    TooLarge {
        /// Message size.
        size: usize,
        /// Largest accepted.
        max: usize,
    },
    /// The stream number is not below the negotiated outbound stream count.
    #[error("stream {stream} is not below the {streams} outbound streams")]
    InvalidStream {
        /// Stream asked for.
        stream: u16,
        /// Outbound streams.
        streams: u16,
    },
    /// A received message grew past `max_message_size` while [`recv`] joined its pieces:
    /// the rest of it is dropped. [`recv_partial`] reads messages of any size.
    ///
    /// [`recv`]: crate::Association::recv
    /// [`recv_partial`]: crate::Association::recv_partial
    #[error("received message on stream {stream} exceeds the maximum of {max} bytes")]
    ReceivedTooLarge {
        /// Its stream.
        stream: u16,
        /// Largest joined (`max_message_size`).
        max: usize,
    },
    /// Zero-length messages cannot be sent (RFC 9260 §6.2).
    #[error("empty message")]
    Empty,
    /// No path of the association has this peer address.
    #[error("no path to {0}")]
    NoSuchPath(IpAddr),
    /// The endpoint's driver has stopped (the endpoint was closed).
    #[error("endpoint closed")]
    EndpointClosed,
    /// Stream reconfiguration (RFC 6525) was not negotiated with the peer.
    #[error("stream reconfiguration (RFC 6525) was not negotiated")]
    NotNegotiated,
    /// A stream reconfiguration request is already waiting or outstanding (RFC 6525 §5.1.1:
    /// one at a time); retry after its event.
    #[error("a stream reconfiguration request is already in progress")]
    ReconfigInProgress,
    /// More streams than a direction can have (65535), or than one request may list.
    #[error("too many streams")]
    TooManyStreams,
    /// A shared-key operation of SCTP AUTH (RFC 4895) was refused.
    #[error(transparent)]
    AuthKey(#[from] usctp_proto::AuthKeyError),
    /// An address change was refused before reaching the peer (RFC 5061: not negotiated, an
    /// address already in use or unknown, the last address, too many requests waiting).
    #[error(transparent)]
    Address(usctp_proto::AssocError),
}

impl Error {
    /// Map the core's error; `QueueFull` never reaches users (the driver waits instead).
    pub(crate) fn from_core(e: usctp_proto::AssocError) -> Self {
        use usctp_proto::AssocError as A;
        match e {
            A::NotWritable(State::Closed) => Self::Closed(None),
            A::NotWritable(s) => Self::NotWritable(s),
            A::Send(QueueError::TooLarge { size, max }) => Self::TooLarge { size, max },
            A::Send(QueueError::InvalidStream { stream, streams }) => Self::InvalidStream {
                stream: stream.0,
                streams,
            },
            A::Send(QueueError::Empty) => Self::Empty,
            A::InvalidStream { stream, streams } => Self::InvalidStream {
                stream: stream.0,
                streams,
            },
            A::NotNegotiated => Self::NotNegotiated,
            A::ReconfigInProgress => Self::ReconfigInProgress,
            A::TooManyStreams => Self::TooManyStreams,
            e @ (A::AsconfNotNegotiated
            | A::AddressInUse(_)
            | A::UnknownAddress(_)
            | A::LastAddress(_)
            | A::TooManyRequests) => Self::Address(e),
            other => {
                tracing::debug!(?other, "unexpected association error");
                Self::Closed(None)
            }
        }
    }
}
