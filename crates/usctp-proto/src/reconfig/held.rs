//! Messages the user sent on a stream whose reset is pending or outstanding (RFC 6525
//! §5.1.2, §5.1.4): they wait here, outside the send queue, so that they take the SSNs that
//! follow the reset (or, if it fails, the old ones) and nothing of them leaves in between.

use std::collections::VecDeque;

use std::time::Instant;

use bytes::Bytes;

use crate::tx::SendOptions;

/// A held message: its payload, options, and when it was sent (its lifetime's reference).
pub(crate) type HeldMessage = (Bytes, SendOptions, Option<Instant>);

/// Held messages, in the order sent.
#[derive(Debug, Default)]
pub(crate) struct Held {
    queue: VecDeque<HeldMessage>,
    bytes: usize,
}

impl Held {
    /// User bytes held (they count against the send queue limit).
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub(crate) fn push(&mut self, payload: Bytes, opts: SendOptions, at: Option<Instant>) {
        self.bytes += payload.len();
        self.queue.push_back((payload, opts, at));
    }

    /// Everything held, in order, leaving nothing.
    pub(crate) fn take(&mut self) -> VecDeque<HeldMessage> {
        self.bytes = 0;
        std::mem::take(&mut self.queue)
    }

    /// Put back what could not be released yet (in order, ahead of anything newer).
    pub(crate) fn restore(&mut self, rest: VecDeque<HeldMessage>) {
        self.bytes += rest.iter().map(|(p, _, _)| p.len()).sum::<usize>();
        let newer = std::mem::replace(&mut self.queue, rest);
        self.queue.extend(newer);
    }
}
