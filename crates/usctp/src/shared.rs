//! State an [`Association`](crate::Association) handle shares with the driver: received
//! messages, events, and how the association ended.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

use tokio::sync::Notify;
use usctp_proto::Message;
use usctp_proto::{CloseReason, Event};

/// Events kept for a handle that does not read them at most; older ones are dropped.
const MAX_EVENTS: usize = 1024;

/// How an association ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ended {
    /// Graceful shutdown completed.
    Graceful,
    /// Closed for this reason.
    Reason(CloseReason),
    /// The endpoint's driver stopped.
    EndpointGone,
}

#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub messages: VecDeque<Message>,
    /// Payload bytes in `messages`.
    pub buffered: usize,
    pub events: VecDeque<Event>,
    pub ended: Option<Ended>,
    /// The driver left messages in the core because `messages` was full.
    pub more_in_core: bool,
    /// A `Read` command is on its way to the driver.
    pub read_requested: bool,
    pub received: u64,
}

/// Shared between one handle and the driver.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    inner: Mutex<Inner>,
    pub readable: Notify,
    pub eventful: Notify,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn push_message(&self, m: Message) {
        let mut g = self.lock();
        g.buffered += m.payload.len();
        g.received += 1;
        g.messages.push_back(m);
        drop(g);
        self.readable.notify_one();
    }

    pub fn push_event(&self, e: Event) {
        let mut g = self.lock();
        if g.events.len() >= MAX_EVENTS {
            g.events.pop_front();
        }
        g.events.push_back(e);
        drop(g);
        self.eventful.notify_one();
    }

    pub fn end(&self, how: Ended) {
        let mut g = self.lock();
        if g.ended.is_none() {
            g.ended = Some(how);
        }
        drop(g);
        for n in [&self.readable, &self.eventful] {
            n.notify_waiters();
            n.notify_one();
        }
    }
}
