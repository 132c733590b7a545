//! Interleaving with I-DATA (RFC 8260 §1.2, §3): fragments of messages on different streams
//! take turns, so a small message is not stuck behind a large one on another stream.
//!
//! A message cut after a fragment is parked on its stream (one per stream, so MIDs leave a
//! stream in order); the scheduler then picks the next stream, which resumes its parked
//! message or starts a new one.

use std::sync::Arc;

use super::{InProgress, PrMessage, SendQueue};

impl SendQueue {
    /// Interleave fragments of different streams (I-DATA in force).
    pub(in crate::tx) fn set_interleave(&mut self, on: bool) {
        self.interleave = on;
    }

    /// The message with policy `pr` was abandoned: its unsent rest, current or parked, is
    /// dropped.
    pub(in crate::tx) fn drop_message(&mut self, pr: &Arc<PrMessage>) {
        let is = |c: &InProgress| c.pr.as_ref().is_some_and(|p| Arc::ptr_eq(p, pr));
        if self.current.as_ref().is_some_and(is) {
            self.drop_current();
        }
        if let Some(i) = self.parked.iter().position(is) {
            let c = self.parked.swap_remove(i);
            self.bytes -= c.payload.len() - c.offset;
            let id = c.stream.0;
            if let Some(s) = self.streams.get_mut(&id) {
                s.parked = None;
            }
            self.refresh(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::tx::abandon::PrRecord;

    use bytes::Bytes;

    use super::super::Limits;
    use super::*;
    use crate::tx::scheduler::StreamScheduler;
    use crate::tx::SendOptions;

    fn queue(interleave: bool) -> SendQueue {
        let limits = Limits {
            queue_limit: 10_000,
            max_message: 1000,
        };
        let mut q = SendQueue::new(4, limits, StreamScheduler::RoundRobin);
        q.set_interleave(interleave);
        q
    }

    fn push(q: &mut SendQueue, stream: u16, unordered: bool, len: usize) {
        let opts = SendOptions::new(stream).unordered(unordered);
        let payload = Bytes::from(vec![stream as u8; len]);
        let r = q.push(payload, &opts, 0, None, false, &mut PrRecord::default());
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

    #[test]
    fn fewer_outbound_streams_drop_queued_messages_but_finish_a_parked_one() {
        let mut q = queue(true);
        push(&mut q, 3, false, 20);
        push(&mut q, 3, false, 5);
        push(&mut q, 1, false, 5);
        assert_eq!(q.pop_fragment(10).map(|f| f.stream.0), Some(3));
        assert_eq!(q.set_outbound_streams(2), 1);
        assert_eq!(
            drain(&mut q, 10),
            [(1, 0, 0, true, true), (3, 0, 1, false, true)]
        );
    }
}
