//! The driver task: owns the sans-IO endpoint and the transport, serves the handles.
//!
//! Each turn: take one input (a command, received packets, or a timer), then drain the core
//! in the documented order: transmits until none, events (which may queue more output), and
//! finally the next deadline.

mod alarm;
mod command;
mod events;
mod output;
mod submit;

use std::collections::{HashMap, VecDeque};
use std::future::poll_fn;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, oneshot, watch};
use usctp_proto::{AssocId, Event, State};
use usctp_transport::{Datagram, Transport};

pub(crate) use command::{AddressOp, AuthKeyOp, Command, Pending, Reconfig};

use crate::shared::{Ended, Shared};
use crate::shared::{RecvLimits, SendLimits};
use crate::{Association, ConnectError, Error};

/// Most commands handled in one turn of the driver.
const COMMAND_BATCH: usize = 256;

/// One association as the driver sees it.
#[derive(Debug, Default)]
struct Entry {
    shared: Arc<Shared>,
    connect: Option<oneshot::Sender<Result<Association, ConnectError>>>,
    /// Messages waiting for room in the core's queue, in order.
    blocked: VecDeque<Pending>,
    /// Send budget (sendq.rs) the driver holds: bytes taken from the submission queue and
    /// not yet let go of by the core.
    budget_held: usize,
    /// Bytes of messages from the submission queue in `blocked`.
    blocked_bytes: usize,
    /// Messages from the submission queue the core refused, not yet reported (count, bytes).
    failed: (usize, usize),
    /// What the handle was last told the core takes: outbound streams, refusing state.
    view: (u16, Option<State>),
    /// Listed in `Driver::starved`.
    starved: bool,
    shutdown_waiters: Vec<oneshot::Sender<Result<(), Error>>>,
    /// A handle was created (connect completed or the association was accepted).
    has_handle: bool,
    handle_dropped: bool,
    sent: u64,
}

pub(crate) struct Driver {
    ep: usctp_proto::Endpoint,
    transport: Arc<dyn Transport>,
    cmd_rx: mpsc::UnboundedReceiver<Command>,
    cmd: mpsc::WeakUnboundedSender<Command>,
    incoming: mpsc::Sender<Association>,
    done: watch::Sender<bool>,
    entries: HashMap<AssocId, Entry>,
    /// Packets collected this turn, back to back (see output.rs).
    buf: Vec<u8>,
    /// Where the packets in `buf` go.
    pending: Vec<usctp_proto::Transmit>,
    limits: RecvLimits,
    /// Each association's send budget and largest message (sendq.rs).
    send_limits: SendLimits,
    /// Associations with a send waiting for budget the core may free (see submit.rs).
    starved: Vec<AssocId>,
    starved_scratch: Vec<AssocId>,
    /// No more commands can arrive (every handle is gone).
    orphaned: bool,
    closing: bool,
    /// Which worker of a sharded endpoint this is (reported in stats).
    worker: usize,
}

impl Driver {
    pub fn new(
        ep: usctp_proto::Endpoint,
        transport: Arc<dyn Transport>,
        cmd_rx: mpsc::UnboundedReceiver<Command>,
        cmd: mpsc::WeakUnboundedSender<Command>,
        incoming: mpsc::Sender<Association>,
        done: watch::Sender<bool>,
        (limits, send_limits): (RecvLimits, SendLimits),
    ) -> Self {
        Self {
            ep,
            transport,
            cmd_rx,
            cmd,
            incoming,
            done,
            entries: HashMap::new(),
            buf: Vec::with_capacity(65_536),
            pending: Vec::new(),
            limits,
            send_limits,
            starved: Vec::new(),
            starved_scratch: Vec::new(),
            orphaned: false,
            closing: false,
            worker: 0,
        }
    }

    /// This driver is worker `worker` of a sharded endpoint.
    pub fn on_worker(mut self, worker: usize) -> Self {
        self.worker = worker;
        self
    }

    pub async fn run(mut self) {
        let mut rx: Vec<Datagram> = Vec::new();
        let mut icmp = Vec::new();
        let mut alarm = alarm::Alarm::new();
        loop {
            self.flush().await;
            if self.closing || (self.orphaned && self.ep.association_count() == 0) {
                break;
            }
            alarm.set(self.ep.poll_timeout());
            let transport = Arc::clone(&self.transport);
            tokio::select! {
                cmd = self.cmd_rx.recv(), if !self.orphaned => match cmd {
                    Some(cmd) => self.commands(cmd),
                    None => self.orphan(),
                },
                r = poll_fn(|cx| transport.poll_recv(cx, &mut rx)) => {
                    if let Err(e) = r {
                        tracing::warn!(%e, "transport receive failed");
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    }
                    let now = Instant::now();
                    for d in rx.drain(..) {
                        self.ep.handle(now, d.meta, d.data);
                        self.collect(now);
                    }
                    transport.take_icmp(&mut icmp);
                    for r in icmp.drain(..) {
                        self.ep.handle_icmp(now, &r);
                    }
                }
                () = poll_fn(|cx| alarm.poll(cx)) => self.ep.handle_timeout(Instant::now()),
            }
        }
        for (_, e) in self.entries.drain() {
            fail_entry(e, Ended::EndpointGone, None);
        }
        let _ = self.done.send(true);
        tracing::debug!("endpoint driver stopped");
    }

    /// Handle `first` and the commands already waiting behind it (a bounded number, so
    /// that packets and timers get their turn), so that sends issued together are queued
    /// together and leave in as few packets and GSO batches as they can.
    fn commands(&mut self, first: Command) {
        self.command(first);
        self.collect(Instant::now());
        for _ in 1..COMMAND_BATCH {
            match self.cmd_rx.try_recv() {
                Ok(cmd) => {
                    self.command(cmd);
                    self.collect(Instant::now());
                }
                Err(mpsc::error::TryRecvError::Empty) => return,
                Err(mpsc::error::TryRecvError::Disconnected) => return self.orphan(),
            }
        }
    }

    fn command(&mut self, cmd: Command) {
        let now = Instant::now();
        match cmd {
            Command::Connect { peers, port, reply } => {
                match self.ep.connect(now, &peers, port, None) {
                    Ok(id) => {
                        let e = self.entries.entry(id).or_default();
                        e.connect = Some(reply);
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                    }
                }
            }
            Command::Submitted(id) => self.drain_submitted(id),
            Command::Starved(id) => self.starved(id),
            Command::Send(id, p) => self.send_direct(id, p),
            Command::Read(id) => {
                if let Some(e) = self.entries.get(&id) {
                    e.shared.lock().read_requested = false;
                }
                self.pull_messages(id, false);
            }
            Command::Shutdown(id, reply) => {
                let Some(e) = self.entries.get_mut(&id) else {
                    let _ = reply.send(Err(Error::Closed(None)));
                    return;
                };
                e.shutdown_waiters.push(reply);
                // What was sent before is delivered first.
                self.drain_submitted(id);
                self.ep.with_association(id, |a| a.shutdown(now));
                self.settle(id);
            }
            Command::Abort(id, reason) => {
                // Queued messages go to the core first, which reports them (SendFailure).
                self.drain_submitted(id);
                self.ep.with_association(id, |a| a.abort(reason));
            }
            Command::SetPrimary(id, ip, reply) => {
                let r = self.ep.with_association(id, |a| {
                    let path = a.find_path(ip).ok_or(Error::NoSuchPath(ip))?;
                    a.set_primary(path).map_err(|_| Error::NoSuchPath(ip))
                });
                let _ = reply.send(r.unwrap_or(Err(Error::Closed(None))));
            }
            Command::Reconfig(id, req, reply) => {
                // RFC 6525 §5.1.2: messages sent before a reset go out before it.
                self.drain_submitted(id);
                let r = self
                    .ep
                    .with_association(id, |a| req.apply(a).map_err(Error::from_core));
                let _ = reply.send(r.unwrap_or(Err(Error::Closed(None))));
                self.settle(id);
            }
            Command::SetStreamPriority(id, stream, value, reply) => {
                // Messages sent before are in the core's queue when the priority changes.
                self.drain_submitted(id);
                let r = self.ep.with_association(id, |a| {
                    a.set_stream_priority(stream, value)
                        .map_err(Error::from_core)
                });
                let _ = reply.send(r.unwrap_or(Err(Error::Closed(None))));
            }
            Command::StreamPriority(id, stream, reply) => {
                let r = self
                    .ep
                    .with_association(id, |a| a.stream_priority(stream).map_err(Error::from_core));
                let _ = reply.send(r.unwrap_or(Err(Error::Closed(None))));
            }
            Command::AuthKey(id, op, reply) => {
                let r = self
                    .ep
                    .with_association(id, |a| op.apply(a).map_err(Error::from));
                let _ = reply.send(r.unwrap_or(Err(Error::Closed(None))));
            }
            Command::Address(id, op, reply) => {
                let r = match op {
                    AddressOp::Add(ip) => self.ep.add_association_address(id, ip),
                    AddressOp::Remove(ip) => self
                        .ep
                        .with_association(id, |a| a.remove_local_address(ip))
                        .unwrap_or(Err(usctp_proto::AssocError::NotWritable(
                            usctp_proto::State::Closed,
                        ))),
                    AddressOp::SetPeerPrimary(ip) => self
                        .ep
                        .with_association(id, |a| a.set_peer_primary(ip))
                        .unwrap_or(Err(usctp_proto::AssocError::NotWritable(
                            usctp_proto::State::Closed,
                        ))),
                };
                let _ = reply.send(r.map_err(Error::from_core));
            }
            Command::EndpointAddress(op, reply) => {
                let r = match op {
                    AddressOp::Add(ip) => Ok(self.ep.add_address(ip)),
                    AddressOp::Remove(ip) => self.ep.remove_address(ip).map_err(Error::from_core),
                    AddressOp::SetPeerPrimary(_) => Ok(0),
                };
                let _ = reply.send(r);
            }
            Command::Stats(id, reply) => {
                let sent = self.entries.get(&id).map_or(0, |e| e.sent);
                let received = self
                    .entries
                    .get(&id)
                    .map_or(0, |e| e.shared.lock().received);
                let s = self
                    .ep
                    .association(id)
                    .map(|a| crate::AssocStats::of(a, sent, received))
                    .map(|s| crate::AssocStats {
                        worker: self.worker,
                        ..s
                    });
                let _ = reply.send(s);
            }
            Command::Dropped(id) => {
                if let Some(e) = self.entries.get_mut(&id) {
                    e.handle_dropped = true;
                }
                // Like closing a socket: a graceful shutdown that still delivers queued data.
                self.drain_submitted(id);
                self.ep.with_association(id, |a| a.shutdown(now));
                self.settle(id);
            }
            Command::Close => {
                let ids: Vec<_> = self.ep.association_ids().collect();
                for id in ids {
                    self.drain_submitted(id);
                    self.ep.with_association(id, |a| a.abort(None));
                }
                self.closing = true;
            }
        }
    }

    /// Every handle is gone: no one can accept, send or read any more.
    fn orphan(&mut self) {
        self.orphaned = true;
        self.ep.set_accepting(false);
        let now = Instant::now();
        let ids: Vec<_> = self.ep.association_ids().collect();
        for id in ids {
            self.ep.with_association(id, |a| a.shutdown(now));
        }
    }

    /// Move ready messages to the handle, up to the receive limit unless `all`.
    fn pull_messages(&mut self, id: AssocId, all: bool) {
        let Some(e) = self.entries.get(&id) else {
            return;
        };
        let shared = Arc::clone(&e.shared);
        let limit = self.limits.buffered;
        self.ep.with_association(id, |a| loop {
            if !all && shared.lock().buffered >= limit {
                shared.lock().more_in_core = true;
                return;
            }
            match a.poll_message() {
                Some(m) => shared.push_message(m),
                None => {
                    shared.lock().more_in_core = false;
                    return;
                }
            }
        });
    }

    /// A handle for `id`, unless every handle is gone already.
    fn handle(&mut self, id: AssocId) -> Option<Association> {
        let cmd = self.cmd.upgrade()?;
        let (peer_port, streams, state) =
            self.ep.association(id).map_or((0, 0, State::Closed), |a| {
                (a.ports().1, a.stream_counts().0, a.state())
            });
        let e = self.entries.get_mut(&id)?;
        if !e.has_handle {
            let l = self.send_limits;
            e.shared.sendq.open(l.budget, l.message, streams);
            e.view = (streams, None);
            if !state.accepts_user_data() {
                e.view.1 = Some(state);
                e.shared.sendq.set_view(streams, Some(state));
            }
        }
        e.has_handle = true;
        Some(Association::new(
            id,
            cmd,
            Arc::clone(&e.shared),
            self.limits,
            peer_port,
        ))
    }
}

/// Tell everybody waiting on an entry that the association ended (with event `ev`, after
/// a `SendFailure` for the messages sent and never queued in the core: the core reports
/// those it had the same way).
fn fail_entry(e: Entry, how: Ended, ev: Option<Event>) {
    let err = match &how {
        Ended::Graceful => Error::Closed(None),
        Ended::Reason(r) => Error::Closed(Some(r.clone())),
        Ended::EndpointGone => Error::EndpointClosed,
    };
    let (mut messages, mut bytes) = e.shared.sendq.close();
    messages += e.failed.0;
    bytes += e.failed.1;
    for p in e.blocked {
        match p.reply {
            Some(reply) => {
                let _ = reply.send(Err(err.clone()));
            }
            None => {
                messages += 1;
                bytes += p.m.data.len();
            }
        }
    }
    if messages > 0 {
        e.shared.push_event(Event::SendFailure { messages, bytes });
    }
    if let Some(ev) = ev {
        e.shared.push_event(ev);
    }
    for w in e.shutdown_waiters {
        let _ = w.send(match &how {
            Ended::Graceful => Ok(()),
            _ => Err(err.clone()),
        });
    }
    if let Some(c) = e.connect {
        let _ = c.send(Err(match &how {
            Ended::Reason(r) => ConnectError::failed(r.clone()),
            Ended::EndpointGone => ConnectError::EndpointClosed,
            Ended::Graceful => ConnectError::Failed(usctp_proto::CloseReason::LocalAbort),
        }));
    }
    e.shared.end(how);
}
