//! Interleaving with I-DATA (RFC 8260 §1.2, §3): fragments of messages on different streams
//! take turns, so a small message is not stuck behind a large one on another stream.
//!
//! A message cut after a fragment is parked; the next turn starts a message on a stream
//! without one in progress if there is any, else resumes the oldest parked message. Each
//! stream has at most one message in progress, so MIDs leave a stream in order.

use std::sync::Arc;

use super::{InProgress, PrMessage, SendQueue};

impl SendQueue {
    /// Interleave fragments of different streams (I-DATA in force).
    pub(in crate::tx) fn set_interleave(&mut self, on: bool) {
        self.interleave = on;
    }

    /// A stream has a message in progress (current or parked).
    fn busy(&self, id: u16) -> bool {
        self.current.as_ref().is_some_and(|c| c.stream.0 == id)
            || self.parked.iter().any(|p| p.stream.0 == id)
    }

    /// Position in `ready` of the first stream with no message in progress.
    fn free_ready(&self) -> Option<usize> {
        self.ready.iter().position(|&id| !self.busy(id))
    }

    /// The message whose turn it is, when none is current: a new one on a free stream first,
    /// else the oldest parked.
    pub(super) fn next_turn(&mut self) -> Option<InProgress> {
        if let Some(i) = self.free_ready() {
            self.ready.swap(0, i);
            if let Some(m) = self.start_next_message() {
                return Some(m);
            }
        }
        self.parked.pop_front()
    }

    /// Payload length the next turn's message has left.
    pub(super) fn next_turn_len(&self) -> Option<usize> {
        if let Some(id) = self.free_ready().and_then(|i| self.ready.get(i)) {
            return Some(self.streams.get(id)?.queue.front()?.payload.len());
        }
        self.parked.front().map(|p| p.payload.len() - p.offset)
    }

    /// Length of the next message to start, if the next turn starts one.
    pub(super) fn next_unstarted_turn_len(&self) -> Option<usize> {
        let id = self.ready.get(self.free_ready()?)?;
        Some(self.streams.get(id)?.queue.front()?.payload.len())
    }

    /// After a fragment that did not end its message: park it if another message may go
    /// next.
    pub(super) fn maybe_park(&mut self) {
        if !self.interleave || (self.parked.is_empty() && self.free_ready().is_none()) {
            return;
        }
        if let Some(c) = self.current.take() {
            self.parked.push_back(c);
        }
    }

    /// The message with policy `pr` was abandoned: its unsent rest, current or parked, is
    /// dropped.
    pub(in crate::tx) fn drop_message(&mut self, pr: &Arc<PrMessage>) {
        let is = |c: &InProgress| c.pr.as_ref().is_some_and(|p| Arc::ptr_eq(p, pr));
        if self.current.as_ref().is_some_and(is) {
            self.drop_current();
        }
        let mut freed = 0;
        self.parked.retain(|c| {
            let keep = !is(c);
            if !keep {
                freed += c.payload.len() - c.offset;
            }
            keep
        });
        self.bytes -= freed;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use bytes::Bytes;

    use super::super::Limits;
    use super::*;
    use crate::tx::SendOptions;

    fn queue(interleave: bool) -> SendQueue {
        let limits = Limits {
            queue_limit: 10_000,
            max_message: 1000,
        };
        let mut q = SendQueue::new(4, limits);
        q.set_interleave(interleave);
        q
    }

    fn push(q: &mut SendQueue, stream: u16, unordered: bool, len: usize) {
        let opts = SendOptions::new(stream).unordered(unordered);
        let payload = Bytes::from(vec![stream as u8; len]);
        let r = q.push(payload, &opts, 0, None, false, &mut VecDeque::new());
        assert_eq!(r, Ok(()));
    }

    /// (stream, MID, FSN, B, E) of every fragment, `max` bytes each.
    fn drain(q: &mut SendQueue, max: usize) -> Vec<(u16, u32, u32, bool, bool)> {
        let mut out = Vec::new();
        while let Some(len) = q.peek_len(max) {
            let f = q.pop_fragment(max).expect("peeked");
            assert_eq!(f.payload.len(), len);
            out.push((f.stream.0, f.mid, f.fsn, f.beginning, f.ending));
        }
        assert_eq!(q.bytes(), 0);
        out
    }

    #[test]
    fn a_small_message_goes_between_the_fragments_of_a_large_one() {
        let mut q = queue(true);
        push(&mut q, 0, false, 30);
        push(&mut q, 1, false, 5);
        push(&mut q, 0, false, 5);
        let got = drain(&mut q, 10);
        assert_eq!(
            got,
            [
                (0, 0, 0, true, false),
                (1, 0, 0, true, true),
                (0, 0, 1, false, false),
                (0, 0, 2, false, true),
                (0, 1, 0, true, true),
            ]
        );
    }

    #[test]
    fn large_messages_on_two_streams_alternate_and_mids_count_ordered_and_unordered_apart() {
        let mut q = queue(true);
        push(&mut q, 0, false, 20);
        push(&mut q, 1, true, 20);
        push(&mut q, 1, false, 5);
        push(&mut q, 1, true, 5);
        let got = drain(&mut q, 10);
        assert_eq!(
            got,
            [
                (0, 0, 0, true, false),
                (1, 0, 0, true, false),
                (0, 0, 1, false, true),
                (1, 0, 1, false, true),
                (1, 0, 0, true, true),
                (1, 1, 0, true, true),
            ]
        );
    }

    #[test]
    fn without_interleaving_a_message_is_finished_first() {
        let mut q = queue(false);
        push(&mut q, 0, false, 20);
        push(&mut q, 1, false, 5);
        let got: Vec<u16> = drain(&mut q, 10).iter().map(|f| f.0).collect();
        assert_eq!(got, [0, 0, 1]);
    }
}
