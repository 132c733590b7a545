//! State an [`Association`](crate::Association) handle shares with the driver: received
//! messages, events, how the association ended, and the messages it sends (sendq.rs).

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

use bytes::BytesMut;
use tokio::sync::Notify;
use usctp_proto::Message;
use usctp_proto::{CloseReason, Event};

use crate::sendq::SendQueue;

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

/// What a handle may have outstanding in sending (sendq.rs).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SendLimits {
    /// Bytes queued, in the core, or held for retransmission (`send_queue_limit`).
    pub budget: usize,
    /// Largest message (`max_message_size`).
    pub message: usize,
}

/// The pieces of partially delivered messages that `recv` is joining: kept here, not in
/// `recv`'s future, so that a cancelled `recv` loses nothing. One message at a time per
/// stream and U flag: with I-DATA (RFC 8260) pieces of messages on different streams
/// interleave.
#[derive(Debug, Default)]
pub(crate) struct Joining {
    parts: Vec<Part>,
}

/// One message being joined.
#[derive(Debug)]
struct Part {
    stream: u16,
    unordered: bool,
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
    fn part(&mut self, m: &Message) -> Option<usize> {
        self.parts
            .iter()
            .position(|p| p.stream == m.stream.0 && p.unordered == m.unordered)
    }

    /// Add `m`, a whole message or the next piece, joining at most `max` bytes.
    pub fn push(&mut self, m: Message, max: usize) -> Joined {
        let i = self.part(&m);
        if m.aborted {
            // The sender abandoned it (PR-SCTP): what was joined is not a message.
            if let Some(i) = i {
                self.parts.swap_remove(i);
            }
            return Joined::More;
        }
        let Some(i) = i else {
            if m.end_of_message {
                return Joined::Whole(m); // A whole message: no copy.
            }
            let stream = m.stream.0;
            let too_large = m.payload.len() > max;
            self.parts.push(Part {
                stream,
                unordered: m.unordered,
                buf: if too_large {
                    BytesMut::new()
                } else {
                    BytesMut::from(&m.payload[..])
                },
                head: (!too_large).then_some(m),
                discarding: too_large,
            });
            return if too_large {
                Joined::TooLarge(stream)
            } else {
                Joined::More
            };
        };
        let Some(p) = self.parts.get_mut(i) else {
            return Joined::More;
        };
        if p.discarding {
            if m.end_of_message {
                self.parts.swap_remove(i);
            }
            return Joined::More;
        }
        if p.buf.len().saturating_add(m.payload.len()) > max {
            let stream = m.stream.0;
            if m.end_of_message {
                self.parts.swap_remove(i);
            } else {
                p.discarding = true;
                p.head = None;
                p.buf = BytesMut::new();
            }
            return Joined::TooLarge(stream);
        }
        p.buf.extend_from_slice(&m.payload);
        if !m.end_of_message {
            return Joined::More;
        }
        let p = self.parts.swap_remove(i);
        let mut whole = p.head.unwrap_or(m);
        whole.payload = p.buf.freeze();
        whole.end_of_message = true;
        Joined::Whole(whole)
    }

    /// The bytes joined so far of one message, as one piece (for `recv_partial` after
    /// `recv`).
    pub fn take_partial(&mut self) -> Option<Message> {
        let i = self.parts.iter().position(|p| p.head.is_some())?;
        let p = self.parts.swap_remove(i);
        let mut m = p.head?;
        m.payload = p.buf.freeze();
        m.end_of_message = false;
        Some(m)
    }

    /// `m` is a piece of a too-large message being dropped: drop it (true).
    pub fn discard(&mut self, m: &Message) -> bool {
        let Some(i) = self.part(m) else { return false };
        if !self.parts.get(i).is_some_and(|p| p.discarding) {
            return false;
        }
        if m.end_of_message || m.aborted {
            self.parts.swap_remove(i);
        }
        true
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
    /// Messages `send` queued for the driver, and the send budget.
    pub sendq: SendQueue,
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

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use usctp_wire::{Ppid, StreamId};

    fn piece(stream: u16, payload: &'static [u8], end: bool) -> Message {
        Message {
            stream: StreamId(stream),
            ppid: Ppid(0),
            unordered: false,
            end_of_message: end,
            aborted: false,
            payload: Bytes::from_static(payload),
        }
    }

    fn whole(j: Joined) -> Option<(u16, Bytes)> {
        match j {
            Joined::Whole(m) => Some((m.stream.0, m.payload)),
            _ => None,
        }
    }

    #[test]
    fn pieces_interleaved_across_streams_are_joined_per_stream() {
        let mut j = Joining::default();
        assert!(whole(j.push(piece(0, b"ab", false), 100)).is_none());
        assert!(whole(j.push(piece(1, b"xy", false), 100)).is_none());
        let small = whole(j.push(piece(2, b"small", true), 100));
        assert_eq!(small, Some((2, Bytes::from_static(b"small"))));
        let one = whole(j.push(piece(1, b"z", true), 100));
        assert_eq!(one, Some((1, Bytes::from_static(b"xyz"))));
        let zero = whole(j.push(piece(0, b"c", true), 100));
        assert_eq!(zero, Some((0, Bytes::from_static(b"abc"))));
        assert!(j.take_partial().is_none());
    }

    #[test]
    fn a_too_large_message_is_dropped_without_touching_other_streams() {
        let mut j = Joining::default();
        j.push(piece(0, b"abcd", false), 5);
        j.push(piece(1, b"xy", false), 5);
        assert!(matches!(
            j.push(piece(0, b"ef", false), 5),
            Joined::TooLarge(0)
        ));
        assert!(j.discard(&piece(0, b"g", true)));
        let one = whole(j.push(piece(1, b"z", true), 5));
        assert_eq!(one, Some((1, Bytes::from_static(b"xyz"))));
    }
}
