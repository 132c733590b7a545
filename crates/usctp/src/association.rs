//! The handle of one association.

use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};
use usctp_proto::Message;
use usctp_proto::{AssocId, Event, SendOptions};

use crate::driver::{AddressOp, AuthKeyOp, Command, Pending, Reconfig};
use crate::sendq::{Push, Submission};
use crate::shared::{Ended, Inner, Joined, RecvLimits, Shared};
use crate::stats::AssocStats;
use crate::Error;

/// One SCTP association. Obtained from [`Endpoint::connect`](crate::Endpoint::connect) or
/// [`Endpoint::accept`](crate::Endpoint::accept).
///
/// Every method takes `&self`, so one task can send while another receives (wrap it in an
/// `Arc`). Dropping the handle starts a graceful shutdown: data already accepted by
/// [`send`](Self::send) is still delivered.
#[derive(Debug)]
pub struct Association {
    id: AssocId,
    cmd: mpsc::UnboundedSender<Command>,
    shared: Arc<Shared>,
    /// What received data is kept here at most.
    limits: RecvLimits,
    peer_port: u16,
}

impl Association {
    pub(crate) fn new(
        id: AssocId,
        cmd: mpsc::UnboundedSender<Command>,
        shared: Arc<Shared>,
        limits: RecvLimits,
        peer_port: u16,
    ) -> Self {
        Self {
            id,
            cmd,
            shared,
            limits,
            peer_port,
        }
    }

    /// Its id within the endpoint.
    pub fn id(&self) -> AssocId {
        self.id
    }

    /// The peer's SCTP port. (Its addresses are the paths' remote addresses in
    /// [`stats`](Self::stats).)
    pub fn peer_port(&self) -> u16 {
        self.peer_port
    }

    fn ended_error(&self) -> Option<Error> {
        self.shared.lock().ended.clone().map(|e| match e {
            Ended::Graceful => Error::Closed(None),
            Ended::Reason(r) => Error::Closed(Some(r)),
            Ended::EndpointGone => Error::EndpointClosed,
        })
    }

    async fn ask<T>(
        &self,
        cmd: Command,
        rx: oneshot::Receiver<Result<T, Error>>,
    ) -> Result<T, Error> {
        if let Some(e) = self.ended_error() {
            return Err(e);
        }
        if self.cmd.send(cmd).is_err() {
            return Err(self.ended_error().unwrap_or(Error::EndpointClosed));
        }
        match rx.await {
            Ok(Err(Error::Closed(None))) => Err(self.ending().await),
            Ok(r) => r,
            Err(_) => Err(self.ended_error().unwrap_or(Error::EndpointClosed)),
        }
    }

    /// How the association ended, once the driver has said so. The driver answers
    /// `Closed(None)` for an association it no longer has or that the core has closed, which
    /// can be before it has handed the handle the close event with the reason (the core
    /// emits that event whenever it closes), so wait for it rather than report a graceful end
    /// that may have been an ABORT.
    async fn ending(&self) -> Error {
        loop {
            let notified = self.shared.eventful.notified();
            let mut notified = std::pin::pin!(notified);
            // `Shared::end` wakes every registered waiter: register before looking.
            notified.as_mut().enable();
            if let Some(e) = self.ended_error() {
                return e;
            }
            notified.await;
        }
    }

    /// Send `data` as one message on `stream`: PPID 0, ordered, reliable (see
    /// [`Association::send_with`]).
    pub async fn send(&self, stream: u16, data: impl Into<Bytes>) -> Result<(), Error> {
        self.send_with(data, SendOptions::new(stream)).await
    }

    /// Send `data` as one message as `opts` say: stream, PPID, unordered, PR-SCTP limits
    /// (honoured once PR-SCTP is negotiated), the I bit.
    ///
    /// The message goes into this association's submission queue, which the endpoint's
    /// driver moves into the protocol's send queue in one go (so that messages sent one
    /// after another still share packets and GSO batches); `Ok` means queued, in call
    /// order, not delivered.
    ///
    /// Back-pressure: the bytes queued here, in the protocol's send queue and sent but not
    /// yet acknowledged never exceed `send_queue_limit`
    /// ([`AssociationConfig`](crate::AssociationConfig)); when the message does not fit,
    /// this waits until acknowledgements make room. Cancel-safe: if the future is dropped
    /// before it returns, the message was not queued.
    ///
    /// Errors: an empty or too large message, a stream not below the outbound stream count,
    /// a shutdown under way ([`Error::NotWritable`]) and an ended association are refused
    /// here. A message queued just before the association began to shut down, or ended, is
    /// not sent: [`Event::SendFailure`] counts it (as the protocol counts the data it still
    /// had), and the following `send` fails.
    ///
    /// With the priority policy ([`SendOptions::priority`], RFC 7496 §3.3) a message that
    /// does not fit is handed to the protocol directly, which may make room by abandoning
    /// lower-priority messages; that wait is not cancel-safe (dropped, the message may or may
    /// not have been queued).
    pub async fn send_with(&self, data: impl Into<Bytes>, opts: SendOptions) -> Result<(), Error> {
        // The fast path never waits: take part in tokio's cooperative budget so that a loop
        // of sends still lets the driver (and other tasks on this thread) run.
        tokio::task::consume_budget().await;
        let m = Submission::new(data.into(), opts);
        let sendq = &self.shared.sendq;
        let r = match sendq.try_push(m) {
            Push::Full(m) if m.opts.priority.is_some() => return self.send_direct(m).await,
            Push::Full(m) => {
                let starving = || {
                    let _ = self.cmd.send(Command::Starved(self.id));
                };
                sendq.push(m, starving).await
            }
            r => r,
        };
        match r {
            Push::Queued(true) => {
                // One wake-up per batch: the driver takes the whole queue.
                if self.cmd.send(Command::Submitted(self.id)).is_err() {
                    return Err(self.ended_error().unwrap_or(Error::EndpointClosed));
                }
                Ok(())
            }
            Push::Queued(false) => Ok(()),
            Push::Refused(e) => Err(e),
            Push::Full(_) | Push::Closed => Err(self.ending().await),
        }
    }

    /// Hand `m` to the driver and wait until the core took it.
    async fn send_direct(&self, m: Submission) -> Result<(), Error> {
        let (reply, rx) = oneshot::channel();
        let p = Pending {
            m,
            reply: Some(reply),
        };
        self.ask(Command::Send(self.id, p), rx).await
    }

    /// The next whole message. Messages delivered in pieces (larger than the partial
    /// delivery point, [`AssociationConfig::partial_delivery_point`]) are joined here, up to
    /// `max_message_size` bytes: past that, the message's pieces are dropped and this returns
    /// [`Error::ReceivedTooLarge`] once (read such messages with
    /// [`recv_partial`](Self::recv_partial)). Once the association has ended and every
    /// message was read: [`Error::Closed`] with how it ended.
    ///
    /// Cancel-safe: pieces joined so far are kept for the next call.
    ///
    /// [`AssociationConfig::partial_delivery_point`]: crate::AssociationConfig::partial_delivery_point
    pub async fn recv(&self) -> Result<Message, Error> {
        let max = self.limits.message;
        self.next(|g, m| match g.joining.push(m, max) {
            Joined::Whole(m) => Some(Ok(m)),
            Joined::More => None,
            Joined::TooLarge(stream) => Some(Err(Error::ReceivedTooLarge { stream, max })),
        })
        .await
    }

    /// The next message or piece of one, as the core delivers it: a message larger than the
    /// partial delivery point comes in pieces, in order, with nothing between them (but
    /// pieces of messages on other streams, with I-DATA, RFC 8260), and
    /// [`Message::end_of_message`] set on the last (RFC 6458 MSG_EOR). Memory stays within
    /// the receive window whatever the message size. After a [`recv`](Self::recv) that
    /// joined part of a message, the part joined comes first, as one piece.
    pub async fn recv_partial(&self) -> Result<Message, Error> {
        if let Some(m) = self.shared.lock().joining.take_partial() {
            return Ok(m);
        }
        self.next(|g, m| (!g.joining.discard(&m)).then_some(Ok(m)))
            .await
    }

    /// Take messages from the driver until `take` makes something of one.
    async fn next(
        &self,
        mut take: impl FnMut(&mut Inner, Message) -> Option<Result<Message, Error>>,
    ) -> Result<Message, Error> {
        loop {
            let notified = self.shared.readable.notified();
            {
                let mut g = self.shared.lock();
                while let Some(m) = g.messages.pop_front() {
                    g.buffered -= m.payload.len();
                    let half = self.limits.buffered / 2;
                    if g.more_in_core && !g.read_requested && g.buffered < half {
                        g.read_requested = true;
                        let _ = self.cmd.send(Command::Read(self.id));
                    }
                    if let Some(r) = take(&mut g, m) {
                        return r;
                    }
                }
                if g.ended.is_some() {
                    drop(g);
                    return Err(self.ended_error().unwrap_or(Error::Closed(None)));
                }
            }
            notified.await;
        }
    }

    /// The next association or path event (connection, path state changes, primary changes,
    /// peer shutdown, close); `None` once the association has ended and every event was read.
    pub async fn event(&self) -> Option<Event> {
        loop {
            let notified = self.shared.eventful.notified();
            {
                let mut g = self.shared.lock();
                if let Some(e) = g.events.pop_front() {
                    return Some(e);
                }
                if g.ended.is_some() {
                    return None;
                }
            }
            notified.await;
        }
    }

    /// The same events as [`event`](Self::event), as a [`Stream`](futures_core::Stream)
    /// (for `StreamExt` combinators or `select!` loops).
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::pin;
    /// use usctp::{Association, Event, Stream};
    ///
    /// async fn watch(assoc: &Association) {
    ///     let mut events = pin!(assoc.events());
    ///     // With `tokio_stream::StreamExt` (or `futures::StreamExt`): `events.next().await`.
    ///     while let Some(ev) = poll_fn(|cx| events.as_mut().poll_next(cx)).await {
    ///         if let Event::PathStateChanged { addr, state, .. } = ev {
    ///             println!("{addr}: {state:?}");
    ///         }
    ///     }
    /// }
    /// ```
    pub fn events(&self) -> crate::Events<'_> {
        crate::Events::new(self)
    }

    /// Gracefully shut down (RFC 9260 §9.2): completes when the peer has acknowledged all
    /// our data and the SHUTDOWN / SHUTDOWN ACK / SHUTDOWN COMPLETE exchange finished.
    /// Messages the peer sent before its SHUTDOWN ACK can still be read with `recv`.
    pub async fn shutdown(&self) -> Result<(), Error> {
        if let Some(e) = self.ended_error() {
            return match e {
                Error::Closed(None) => Ok(()),
                e => Err(e),
            };
        }
        let (reply, rx) = oneshot::channel();
        match self.ask(Command::Shutdown(self.id, reply), rx).await {
            Err(Error::Closed(None)) => Ok(()),
            r => r,
        }
    }

    /// Abort now (RFC 9260 §9.1), telling the peer `reason` (a User-Initiated Abort cause).
    /// Queued and unacknowledged data is discarded.
    pub fn abort(&self, reason: impl Into<Bytes>) {
        let reason: Bytes = reason.into();
        let reason = (!reason.is_empty()).then_some(reason);
        let _ = self.cmd.send(Command::Abort(self.id, reason));
    }

    /// Make the path to peer address `ip` the primary destination for new data.
    pub async fn set_primary(&self, ip: IpAddr) -> Result<(), Error> {
        let (reply, rx) = oneshot::channel();
        self.ask(Command::SetPrimary(self.id, ip, reply), rx).await
    }

    /// Reset our outgoing `streams` (all of them when empty; RFC 6525 §5.1.2): their SSNs
    /// start at 0 again. Messages already sent on them are delivered first; messages sent on
    /// them from now on wait for the peer's answer. [`Event::StreamsReset`] reports the
    /// reset, [`Event::ReconfigFailed`] a refusal. Needs RE-CONFIG negotiated
    /// ([`Extensions::RECONFIG`](crate::Extensions::RECONFIG) on both sides).
    pub async fn reset_streams(&self, streams: &[u16]) -> Result<(), Error> {
        self.reconfig(Reconfig::ResetStreams(streams.to_vec()))
            .await
    }

    /// Ask the peer to reset its outgoing `streams`, our incoming ones (all when empty;
    /// RFC 6525 §5.1.3).
    pub async fn request_peer_reset(&self, streams: &[u16]) -> Result<(), Error> {
        self.reconfig(Reconfig::RequestPeerReset(streams.to_vec()))
            .await
    }

    /// Reset every SSN and both TSNs (RFC 6525 §5.1.4); [`Event::AssociationReset`] follows.
    pub async fn reset_ssn_tsn(&self) -> Result<(), Error> {
        self.reconfig(Reconfig::ResetSsnTsn).await
    }

    /// Add `outbound` streams of ours and ask the peer for `inbound` more of its own
    /// (RFC 6525 §5.1.5, §5.1.6); [`Event::StreamsAdded`] reports the new totals.
    pub async fn add_streams(&self, outbound: u16, inbound: u16) -> Result<(), Error> {
        self.reconfig(Reconfig::AddStreams { outbound, inbound })
            .await
    }

    /// Set outbound `stream`'s value for the stream scheduler
    /// (`AssociationConfig::scheduler`, RFC 8260 §3): its priority with
    /// [`StreamScheduler::Priority`](crate::StreamScheduler::Priority) (lower goes first), its
    /// weight with [`StreamScheduler::WeightedFair`](crate::StreamScheduler::WeightedFair);
    /// other schedulers ignore it. Streams not below the outbound stream count are refused.
    pub async fn set_stream_priority(&self, stream: u16, value: u16) -> Result<(), Error> {
        let (reply, rx) = oneshot::channel();
        let cmd = Command::SetStreamPriority(self.id, stream, value, reply);
        self.ask(cmd, rx).await
    }

    /// Outbound `stream`'s priority or weight (0 unless set).
    pub async fn stream_priority(&self, stream: u16) -> Result<u16, Error> {
        let (reply, rx) = oneshot::channel();
        self.ask(Command::StreamPriority(self.id, stream, reply), rx)
            .await
    }

    /// Add SCTP AUTH endpoint-pair shared key `key_id` (RFC 4895 §6.1), or replace the key
    /// with that identifier. Needs AUTH in force ([`Extensions::AUTH`](crate::Extensions::AUTH)
    /// on both sides); endpoint-wide keys go in `AssociationConfig::auth_keys`.
    pub async fn add_auth_key(&self, key_id: u16, key: impl Into<Bytes>) -> Result<(), Error> {
        self.auth_key(AuthKeyOp::Add(key_id, key.into())).await
    }

    /// Send with shared key `key_id` from now on (the peer must have it too).
    pub async fn set_active_auth_key(&self, key_id: u16) -> Result<(), Error> {
        self.auth_key(AuthKeyOp::Activate(key_id)).await
    }

    /// Remove shared key `key_id`; refused for the active key.
    pub async fn delete_auth_key(&self, key_id: u16) -> Result<(), Error> {
        self.auth_key(AuthKeyOp::Delete(key_id)).await
    }

    async fn auth_key(&self, op: AuthKeyOp) -> Result<(), Error> {
        if let Some(e) = self.ended_error() {
            return Err(e);
        }
        let (reply, rx) = oneshot::channel();
        self.ask(Command::AuthKey(self.id, op, reply), rx).await
    }

    /// Add our address `ip` to this association (RFC 5061 Add IP Address; ASCONF and AUTH
    /// must be in force: [`Extensions::ASCONF`](crate::Extensions::ASCONF) on both sides).
    /// The peer is asked by an ASCONF; [`Event::AddressRequestDone`] or
    /// [`Event::AddressRequestFailed`] tells the outcome. [`Endpoint::add_address`](crate::Endpoint::add_address)
    /// does it for every association.
    pub async fn add_local_address(&self, ip: IpAddr) -> Result<(), Error> {
        self.address(AddressOp::Add(ip)).await
    }

    /// Remove our address `ip` from this association (RFC 5061 Delete IP Address): packets
    /// stop leaving from it at once. The last address cannot be removed.
    pub async fn remove_local_address(&self, ip: IpAddr) -> Result<(), Error> {
        self.address(AddressOp::Remove(ip)).await
    }

    /// Ask the peer to send to our address `ip` by preference (RFC 5061 Set Primary
    /// Address).
    pub async fn set_peer_primary(&self, ip: IpAddr) -> Result<(), Error> {
        self.address(AddressOp::SetPeerPrimary(ip)).await
    }

    async fn address(&self, op: AddressOp) -> Result<(), Error> {
        if let Some(e) = self.ended_error() {
            return Err(e);
        }
        let (reply, rx) = oneshot::channel();
        self.ask(Command::Address(self.id, op, reply), rx).await
    }

    /// The request is made (queued in the core); its outcome comes as an event.
    async fn reconfig(&self, req: Reconfig) -> Result<(), Error> {
        if let Some(e) = self.ended_error() {
            return Err(e);
        }
        let (reply, rx) = oneshot::channel();
        self.ask(Command::Reconfig(self.id, req, reply), rx).await
    }

    /// A snapshot of the association and its paths; `None` once it is gone.
    pub async fn stats(&self) -> Option<AssocStats> {
        let (reply, rx) = oneshot::channel();
        self.cmd.send(Command::Stats(self.id, reply)).ok()?;
        rx.await.ok().flatten()
    }
}

impl Drop for Association {
    fn drop(&mut self) {
        let _ = self.cmd.send(Command::Dropped(self.id));
    }
}
