//! What handles ask the driver.

use std::net::IpAddr;

use bytes::Bytes;
use tokio::sync::oneshot;
use usctp_proto::{AssocId, SendOptions, TransportAddr};

use crate::stats::AssocStats;
use crate::{Association, ConnectError, Error};

/// A message waiting to be queued in the core.
#[derive(Debug)]
pub(crate) struct SendReq {
    pub opts: SendOptions,
    pub data: Bytes,
    pub reply: oneshot::Sender<Result<(), Error>>,
}

#[derive(Debug)]
pub(crate) enum Command {
    Connect {
        peers: Vec<TransportAddr>,
        port: u16,
        reply: oneshot::Sender<Result<Association, ConnectError>>,
    },
    Send(AssocId, SendReq),
    /// The handle consumed messages: pull more from the core.
    Read(AssocId),
    Shutdown(AssocId, oneshot::Sender<Result<(), Error>>),
    Abort(AssocId, Option<Bytes>),
    SetPrimary(AssocId, IpAddr, oneshot::Sender<Result<(), Error>>),
    Stats(AssocId, oneshot::Sender<Option<AssocStats>>),
    /// The handle was dropped.
    Dropped(AssocId),
    /// Abort everything and stop.
    Close,
}
