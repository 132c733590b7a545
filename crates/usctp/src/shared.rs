//! State an [`Association`](crate::Association) handle shares with the driver: received
//! messages, events, and how the association ended.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

use bytes::BytesMut;
use tokio::sync::Notify;
use usctp_proto::Message;
use usctp_proto::{CloseReason, Event};

/// Events kept for a handle that does not read them at most; older ones are dropped.
const MAX_EVENTS: usize = 1024;

/// What a handle buffers at most.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecvLimits {
    /// Bytes of messages pulled from the core and not yet read (the receive window).
    pub buffered: usize,
    /// Largest message `recv` joins from pieces (`max_message_size`).
    pub message: usize,
}

/// The pieces of a partially delivered message that `recv` is joining: kept here, not in
/// `recv`'s future, so that a cancelled `recv` loses nothing.
#[derive(Debug, Default)]
pub(crate) struct Joining {
    /// The first piece (payload moved to `buf`), once one has come.
    head: Option<Message>,
    buf: BytesMut,
    /// The message outgrew the limit: its remaining pieces are dropped up to its end.
    discarding: bool,
}

/// What one more piece made of the message being joined.
pub(crate) enum Joined {
    /// The whole message.
    Whole(Message),
    /// More pieces to come.
    More,
    /// Past the limit: dropped (this stream).
    TooLarge(u16),
}

impl Joining {
    /// Add `m`, a whole message or the next piece, joining at most `max` bytes.
    pub fn push(&mut self, m: Message, max: usize) -> Joined {
        if m.aborted {
            // The sender abandoned it (PR-SCTP): what was joined is not a message.
            self.discarding = false;
            self.head = None;
            self.buf = BytesMut::new();
            return Joined::More;
        }
        if self.discarding {
            self.discarding = !m.end_of_message;
            return Joined::More;
        }
        if self.head.is_none() && m.end_of_message {
            return Joined::Whole(m); // A whole message: no copy.
        }
        if self.buf.len().saturating_add(m.payload.len()) > max {
            self.discarding = !m.end_of_message;
            self.head = None;
            self.buf = BytesMut::new();
            return Joined::TooLarge(m.stream.0);
        }
        self.buf.extend_from_slice(&m.payload);
        let end = m.end_of_message;
        let head = self.head.get_or_insert(m);
        if !end {
            return Joined::More;
        }
        let mut whole = head.clone();
        self.head = None;
        whole.payload = std::mem::take(&mut self.buf).freeze();
        whole.end_of_message = true;
        Joined::Whole(whole)
    }

    /// The bytes joined so far, as one piece (for `recv_partial` after `recv`).
    pub fn take_partial(&mut self) -> Option<Message> {
        let mut m = self.head.take()?;
        m.payload = std::mem::take(&mut self.buf).freeze();
        m.end_of_message = false;
        Some(m)
    }

    /// True while the rest of a too-large message is being dropped.
    pub fn discarding(&self) -> bool {
        self.discarding
    }

    /// Drop `m`, a piece of the too-large message.
    pub fn discard(&mut self, m: &Message) {
        self.discarding = !m.end_of_message;
    }
}

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
    /// The message `recv` is joining.
    pub joining: Joining,
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
