//! What handles ask the driver.

use std::net::IpAddr;

use bytes::Bytes;
use tokio::sync::oneshot;
use usctp_proto::{AssocId, TransportAddr};

use crate::sendq::Submission;
use crate::stats::AssocStats;
use crate::{Association, ConnectError, Error};

/// Shared-key operations of SCTP AUTH (RFC 4895 §6.1) a handle can make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthKeyOp {
    Add(u16, Bytes),
    Activate(u16),
    Delete(u16),
}

impl AuthKeyOp {
    /// Apply it to `a`.
    pub(crate) fn apply(
        self,
        a: &mut usctp_proto::Association,
    ) -> Result<(), usctp_proto::AuthKeyError> {
        match self {
            Self::Add(id, key) => a.add_auth_key(id, key),
            Self::Activate(id) => a.set_active_auth_key(id),
            Self::Delete(id) => a.delete_auth_key(id),
        }
    }
}

/// A message waiting to be queued in the core: from the submission queue (no reply: its
/// caller was answered when it was queued there), or sent directly with a reply.
#[derive(Debug)]
pub(crate) struct Pending {
    pub m: Submission,
    pub reply: Option<oneshot::Sender<Result<(), Error>>>,
}

impl Pending {
    pub fn queued(m: Submission) -> Self {
        Self { m, reply: None }
    }
}

/// The stream reconfiguration requests (RFC 6525) a handle can make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reconfig {
    ResetStreams(Vec<u16>),
    RequestPeerReset(Vec<u16>),
    ResetSsnTsn,
    AddStreams { outbound: u16, inbound: u16 },
}

impl Reconfig {
    /// Make the request on `a`.
    pub(crate) fn apply(
        &self,
        a: &mut usctp_proto::Association,
    ) -> Result<(), usctp_proto::AssocError> {
        match self {
            Self::ResetStreams(s) => a.reset_streams(s),
            Self::RequestPeerReset(s) => a.request_peer_reset(s),
            Self::ResetSsnTsn => a.reset_ssn_tsn(),
            Self::AddStreams { outbound, inbound } => a.add_streams(*outbound, *inbound),
        }
    }
}

/// Address changes (RFC 5061) a handle can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddressOp {
    Add(IpAddr),
    Remove(IpAddr),
    SetPeerPrimary(IpAddr),
}

#[derive(Debug)]
pub(crate) enum Command {
    Connect {
        peers: Vec<TransportAddr>,
        port: u16,
        reply: oneshot::Sender<Result<Association, ConnectError>>,
    },
    /// A message sent directly (see sendq.rs), answered once the core took it.
    Send(AssocId, Pending),
    /// The submission queue went from empty to not empty.
    Submitted(AssocId),
    /// A send waits for budget: watch the core for freed bytes.
    Starved(AssocId),
    /// The handle consumed messages: pull more from the core.
    Read(AssocId),
    Shutdown(AssocId, oneshot::Sender<Result<(), Error>>),
    Abort(AssocId, Option<Bytes>),
    SetPrimary(AssocId, IpAddr, oneshot::Sender<Result<(), Error>>),
    Stats(AssocId, oneshot::Sender<Option<AssocStats>>),
    /// A stream reconfiguration request (RFC 6525).
    Reconfig(AssocId, Reconfig, oneshot::Sender<Result<(), Error>>),
    /// A shared-key operation (RFC 4895).
    AuthKey(AssocId, AuthKeyOp, oneshot::Sender<Result<(), Error>>),
    /// An address change of one association (RFC 5061).
    Address(AssocId, AddressOp, oneshot::Sender<Result<(), Error>>),
    /// Set a stream's priority or weight for the stream scheduler (RFC 8260 §3).
    SetStreamPriority(AssocId, u16, u16, oneshot::Sender<Result<(), Error>>),
    /// A stream's priority or weight.
    StreamPriority(AssocId, u16, oneshot::Sender<Result<u16, Error>>),
    /// An address change of the whole endpoint: how many associations were asked.
    EndpointAddress(AddressOp, oneshot::Sender<Result<usize, Error>>),
    /// The handle was dropped.
    Dropped(AssocId),
    /// Abort everything and stop.
    Close,
}
