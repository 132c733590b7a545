//! What an association tells its application.

use usctp_wire::cause::ErrorCause;

use usctp_wire::param::ReconfigResult;
use usctp_wire::{StreamId, Tsn};

use crate::asconf::AddressRequest;
use crate::path::PathId;
use crate::reconfig::{ReconfigRequest, StreamDirection};
use crate::tx::AbandonedMessage;
use crate::TransportAddr;

/// Identifies an association within its endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AssocId(pub u64);

/// Why an association ended other than by a graceful shutdown.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// The peer sent ABORT, with these causes.
    PeerAborted(Vec<ErrorCause>),
    /// We aborted at the user's request.
    LocalAbort,
    /// We aborted because the peer violated the protocol; the ABORT carried this cause.
    ProtocolError(ErrorCause),
    /// INIT or COOKIE ECHO went unanswered Max.Init.Retransmits times (RFC 9260 §5.1).
    InitFailed,
    /// Association.Max.Retrans consecutive timeouts: the peer is unreachable (RFC 9260 §8.1).
    CommunicationLost,
    /// The T5-shutdown-guard expired (RFC 9260 §9.2).
    ShutdownGuardExpired,
    /// The peer refused the association (ABORT in reply to INIT / COOKIE ECHO).
    Refused(Vec<ErrorCause>),
    /// Our INIT to this address drew an ICMP protocol unreachable (raw IP) or port
    /// unreachable (UDP encapsulation): no SCTP stack listens there, which RFC 9260 Appendix
    /// C (ICMP8) and RFC 6951 §5.5 let us handle like an ABORT.
    ProtocolUnreachable(TransportAddr),
}

/// A path's reachability as the association sees it (RFC 9260 §8.2, RFC 7829).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PathState {
    /// Not yet confirmed by a HEARTBEAT ACK (RFC 9260 §5.4): no DATA goes there.
    Unconfirmed,
    /// Reachable.
    Active,
    /// Potentially failed (RFC 7829): probed, not used for data while another path is active.
    PotentiallyFailed,
    /// Failed after Path.Max.Retrans errors; still probed with heartbeats.
    Inactive,
}

/// Events for the application, drained with `poll_event`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The association is established (COOKIE ACK received, or a valid COOKIE ECHO accepted).
    Connected,
    /// Messages are ready: drain them with `poll_message`.
    MessagesReady,
    /// Queued messages could not be sent and were dropped (the association ended first).
    SendFailure {
        /// How many messages.
        messages: usize,
        /// How many bytes of user data.
        bytes: usize,
    },
    /// Space in the send queue after a `QueueFull` error.
    Writable,
    /// PR-SCTP gave up on a message (RFC 3758, RFC 7496): it is returned with the reason.
    /// (Boxed: abandonment is rare, and a large variant would make every event larger.)
    Abandoned(Box<AbandonedMessage>),
    /// The peer abandoned the message being delivered in pieces (a FORWARD TSN skipped its
    /// rest, RFC 3758 §3.6): the pieces delivered so far are all there will be
    /// (SCTP_PARTIAL_DELIVERY_ABORTED, RFC 6458 §6.1.7).
    PartialDeliveryAborted {
        /// The stream of the aborted message.
        stream: StreamId,
    },
    /// Graceful shutdown finished.
    ShutdownComplete,
    /// The peer started a graceful shutdown; no more data will arrive.
    PeerShutdown,
    /// The association ended abnormally.
    Closed(CloseReason),
    /// The peer restarted the association (RFC 9260 §5.2.4 action A); queued data survives.
    Restarted,
    /// The peer reported an error (ERROR chunk).
    PeerError(Vec<ErrorCause>),
    /// A path was added.
    PathAdded {
        /// Its id.
        path: PathId,
        /// Its transport address.
        addr: TransportAddr,
    },
    /// A path was removed: the peer deleted its address (RFC 5061 §4.2.2).
    PathRemoved {
        /// Its id (a later path may reuse it).
        path: PathId,
        /// Its transport address.
        addr: TransportAddr,
    },
    /// The peer asked us to send to this path by preference (RFC 5061 Set Primary
    /// Address); a [`Event::PrimaryChanged`] follows when it was not the primary.
    PrimaryRequested {
        /// Its id.
        path: PathId,
        /// Its transport address.
        addr: TransportAddr,
    },
    /// The peer acknowledged an address change of ours (RFC 5061 §5.3): an added address is
    /// in use from now on, a deleted one no longer.
    AddressRequestDone(AddressRequest),
    /// The peer refused an address change of ours with these causes (none: the association
    /// ended before it answered).
    AddressRequestFailed {
        /// What was asked.
        request: AddressRequest,
        /// The peer's Error Cause Indication.
        causes: Vec<ErrorCause>,
    },
    /// The peer's Adaptation Layer Indication (RFC 5061 §4.2.6).
    AdaptationIndication(u32),
    /// A path changed state.
    PathStateChanged {
        /// Its id.
        path: PathId,
        /// Its transport address.
        addr: TransportAddr,
        /// The new state.
        state: PathState,
    },
    /// The primary path changed.
    PrimaryChanged {
        /// The new primary.
        path: PathId,
        /// Its transport address.
        addr: TransportAddr,
    },
    /// Streams were reset (RFC 6525 §5.1.2, §5.2.2): their SSNs start at 0 again.
    StreamsReset {
        /// Ours to send on (our request was performed), or the peer's (its request was).
        direction: StreamDirection,
        /// The streams; empty means all of them.
        streams: Vec<StreamId>,
    },
    /// Streams were added (RFC 6525 §5.1.5, §5.2.5); the new totals.
    StreamsAdded {
        /// Outbound streams now.
        outbound: u16,
        /// Inbound streams now.
        inbound: u16,
    },
    /// Every SSN and both TSNs were reset (RFC 6525 §5.1.4, §5.2.4).
    AssociationReset {
        /// The TSN our next DATA chunk carries.
        local_tsn: Tsn,
        /// The TSN the peer's next DATA chunk carries.
        peer_tsn: Tsn,
    },
    /// A re-configuration request of ours was refused or failed (RFC 6525 §4.4); messages
    /// held back by a refused stream reset are sent with the streams' old SSNs.
    ReconfigFailed {
        /// What was asked.
        request: ReconfigRequest,
        /// The peer's answer.
        result: ReconfigResult,
    },
}
