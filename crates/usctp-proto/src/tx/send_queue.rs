//! User messages waiting for their first transmission: one FIFO per stream, the stream
//! scheduler's turns (RFC 8260 §3), SSN assignment and fragmentation.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use usctp_wire::{Ppid, Ssn, StreamId};

use super::abandon::{AbandonReason, PrMessage, PrRecord};
use super::scheduler::{Sched, StreamScheduler};
use super::{SendError, SendOptions};

mod interleave;
mod reset;

/// One fragment of a user message, ready to get a TSN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fragment {
    pub stream: StreamId,
    pub ssn: Ssn,
    /// Message identifier, for I-DATA (RFC 8260 §2.1): per stream, ordered and unordered
    /// apart.
    pub mid: u32,
    /// Fragment sequence number, for I-DATA: 0 for the first fragment.
    pub fsn: u32,
    pub ppid: Ppid,
    pub unordered: bool,
    pub beginning: bool,
    pub ending: bool,
    /// A zero-copy slice of the user's message.
    pub payload: Bytes,
    /// The I bit: the message's last fragment, sent with `sack_immediately` (RFC 7053 §3).
    pub immediate: bool,
    /// The message's PR-SCTP policy.
    pub pr: Option<Arc<PrMessage>>,
}

#[derive(Debug)]
struct Pending {
    ppid: Ppid,
    unordered: bool,
    payload: Bytes,
    sack_immediately: bool,
    pr: Option<Arc<PrMessage>>,
    /// Position in the order messages were queued (FCFS).
    seq: u64,
}

#[derive(Debug, Default)]
struct OutStream {
    next_ssn: Ssn,
    /// Next I-DATA message identifiers, ordered and unordered (RFC 8260 §2.1).
    next_mid: u32,
    next_unordered_mid: u32,
    queue: VecDeque<Pending>,
    /// With I-DATA, `seq` of the stream's message cut after a fragment to let another
    /// stream's go (RFC 8260 §3), held in `SendQueue::parked`: at most one per stream, so
    /// MIDs leave a stream in order.
    parked: Option<u64>,
    /// Priority or weight, as the scheduler reads it.
    value: u16,
}

impl OutStream {
    /// `seq` of the message the stream would send next (its parked one first).
    fn candidate(&self) -> Option<u64> {
        self.parked.or_else(|| self.queue.front().map(|m| m.seq))
    }
}

/// A message being fragmented. With DATA its turn lasts until its last fragment, because
/// fragments of one message need consecutive TSNs (RFC 9260 §6.9); with I-DATA it is parked
/// after each fragment.
#[derive(Debug)]
struct InProgress {
    stream: StreamId,
    ssn: Ssn,
    mid: u32,
    fsn: u32,
    ppid: Ppid,
    unordered: bool,
    payload: Bytes,
    sack_immediately: bool,
    pr: Option<Arc<PrMessage>>,
    offset: usize,
    seq: u64,
}

/// Bounds on what `push` accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Bytes queued plus bytes held for retransmission, at most.
    pub queue_limit: usize,
    /// Largest message.
    pub max_message: usize,
}

#[derive(Debug)]
pub(crate) struct SendQueue {
    /// Streams that were ever used; the map keeps their next SSN.
    streams: BTreeMap<u16, OutStream>,
    /// Whose turn is next, among the streams with a message to start or resume.
    sched: Sched,
    /// The message of the stream whose turn it is.
    current: Option<InProgress>,
    /// With I-DATA, messages cut after a fragment (one per stream at most); kept apart so
    /// that the per-stream state stays small.
    parked: Vec<InProgress>,
    /// I-DATA in force: a turn is one fragment, not one message.
    interleave: bool,
    /// `seq` of the next message queued.
    next_seq: u64,
    /// User bytes not yet sent (including the rest of `current`).
    bytes: usize,
    /// Queued messages with a lifetime: `drop_expired` has nothing to look at without them.
    timed: usize,
    outbound_streams: u16,
    limits: Limits,
}

impl SendQueue {
    pub(super) fn new(outbound_streams: u16, limits: Limits, scheduler: StreamScheduler) -> Self {
        Self {
            streams: BTreeMap::new(),
            sched: Sched::new(scheduler),
            current: None,
            parked: Vec::new(),
            interleave: false,
            next_seq: 0,
            bytes: 0,
            timed: 0,
            outbound_streams,
            limits,
        }
    }

    pub(super) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(super) fn is_empty(&self) -> bool {
        self.bytes == 0
    }

    #[cfg(test)]
    pub(super) fn outbound_streams(&self) -> u16 {
        self.outbound_streams
    }

    /// Queue a message; `held` is the bytes still held for retransmission, `now` the time
    /// its lifetime counts from. With `pr` (PR-SCTP negotiated) a full queue makes room by
    /// abandoning messages of lower priority (RFC 7496 §3.3) into `abandoned`.
    pub(super) fn push(
        &mut self,
        payload: Bytes,
        opts: &SendOptions,
        held: usize,
        now: Option<Instant>,
        pr: bool,
        abandoned: &mut PrRecord,
    ) -> Result<(), SendError> {
        let stream = opts.stream;
        let size = payload.len();
        if size == 0 {
            // RFC 9260 §6.2: a DATA chunk without user data is an error at the peer.
            return Err(SendError::Empty);
        }
        if stream.0 >= self.outbound_streams {
            return Err(SendError::InvalidStream {
                stream,
                streams: self.outbound_streams,
            });
        }
        // A message above the queue limit could never be accepted: report it as too large.
        let max = self.limits.max_message.min(self.limits.queue_limit);
        if size > max {
            return Err(SendError::TooLarge { size, max });
        }
        let over = (self.bytes + held + size).saturating_sub(self.limits.queue_limit);
        if over > 0 {
            let room = match opts.priority.filter(|_| pr) {
                Some(p) => self.make_room(over, p, abandoned),
                None => false,
            };
            if !room {
                return Err(SendError::QueueFull);
            }
        }
        let policy = opts.policy();
        let pr_msg = PrMessage::new(
            &policy.limits,
            stream,
            opts.ppid,
            opts.unordered,
            &payload,
            now,
        );
        self.timed += usize::from(timed(&pr_msg));
        let seq = self.next_seq;
        self.next_seq += 1;
        let in_turn = self.in_turn(stream.0);
        let s = self.streams.entry(stream.0).or_default();
        let idle = !in_turn && s.candidate().is_none();
        s.queue.push_back(Pending {
            ppid: opts.ppid,
            unordered: opts.unordered,
            payload,
            sack_immediately: policy.sack_immediately,
            pr: pr_msg,
            seq,
        });
        if idle {
            self.sched.ready(stream.0, seq, s.value);
        }
        self.bytes += size;
        Ok(())
    }

    /// `id` has a message in progress in its turn.
    fn in_turn(&self, id: u16) -> bool {
        self.current.as_ref().is_some_and(|c| c.stream.0 == id)
    }

    /// Messages of `id` were dropped outside its turn: tell the scheduler what is left.
    fn refresh(&mut self, id: u16) {
        if !self.in_turn(id) {
            let c = self.streams.get(&id).and_then(OutStream::candidate);
            self.sched.update(id, c);
        }
    }

    /// `id`'s turn is over.
    fn end_turn(&mut self, id: u16) {
        let more = self.streams.get(&id).and_then(OutStream::candidate);
        self.sched.turn_end(id, more);
    }

    /// Length left of the message stream `id` would send next, and whether it was started.
    fn candidate_len(&self, id: u16) -> Option<(usize, bool)> {
        let s = self.streams.get(&id)?;
        if s.parked.is_some() {
            let p = self.parked.iter().find(|p| p.stream.0 == id)?;
            return Some((p.payload.len() - p.offset, true));
        }
        Some((s.queue.front()?.payload.len(), false))
    }

    /// A packet with new data is complete (for the per-packet scheduler).
    pub(super) fn packet_end(&mut self) {
        self.sched.packet_end();
    }

    /// Payload length of the fragment `pop_fragment(max_payload)` would return.
    pub(super) fn peek_len(&self, max_payload: usize) -> Option<usize> {
        let remaining = match &self.current {
            Some(c) => c.payload.len() - c.offset,
            None => self.candidate_len(self.sched.next()?)?.0,
        };
        Some(remaining.min(max_payload)).filter(|&n| n > 0)
    }

    /// Length of the next message when none is in progress (its first fragment not yet sent).
    pub(super) fn next_unstarted_len(&self) -> Option<usize> {
        if self.current.is_some() {
            return None;
        }
        match self.candidate_len(self.sched.next()?)? {
            (len, false) => Some(len),
            (_, true) => None,
        }
    }

    /// The next fragment of at most `max_payload` bytes, in the scheduler's stream order.
    pub(super) fn pop_fragment(&mut self, max_payload: usize) -> Option<Fragment> {
        if max_payload == 0 {
            return None;
        }
        while self.current.is_none() {
            let id = self.sched.next()?;
            self.current = self.take_candidate(id);
            if self.current.is_none() {
                // Nothing there after all: take the stream out of the schedule.
                self.sched.update(id, None);
            }
        }
        let c = self.current.as_mut()?;
        let n = (c.payload.len() - c.offset).min(max_payload);
        let ending = c.offset + n == c.payload.len();
        let frag = Fragment {
            stream: c.stream,
            ssn: c.ssn,
            mid: c.mid,
            fsn: c.fsn,
            ppid: c.ppid,
            unordered: c.unordered,
            beginning: c.offset == 0,
            ending,
            payload: c.payload.slice(c.offset..c.offset + n),
            // On the last fragment only, as Linux and FreeBSD do: the SACK that matters is
            // the one covering the whole message; earlier ones follow the usual rules.
            immediate: ending && c.sack_immediately,
            pr: c.pr.clone(),
        };
        c.offset += n;
        c.fsn = c.fsn.wrapping_add(1);
        self.bytes -= n;
        let id = frag.stream.0;
        self.sched.sent(id, n);
        if frag.ending {
            self.current = None;
            self.end_turn(id);
        } else if self.interleave {
            // RFC 8260 §3: with I-DATA a turn is one fragment.
            self.park();
        }
        Some(frag)
    }

    /// Put the current message aside until its stream's next turn.
    fn park(&mut self) {
        let Some(c) = self.current.take() else { return };
        let (id, seq) = (c.stream.0, c.seq);
        self.streams.entry(id).or_default().parked = Some(seq);
        self.parked.push(c);
        self.sched.turn_end(id, Some(seq));
    }

    /// Stream `id`'s parked message, or its next one started.
    fn take_candidate(&mut self, id: u16) -> Option<InProgress> {
        let s = self.streams.get_mut(&id)?;
        if s.parked.take().is_some() {
            if let Some(i) = self.parked.iter().position(|p| p.stream.0 == id) {
                return Some(self.parked.swap_remove(i));
            }
        }
        let m = s.queue.pop_front()?;
        self.timed -= usize::from(timed(&m.pr));
        // RFC 9260 §6.6: ordered messages carry the stream's next SSN, assigned when the
        // first fragment leaves; unordered ones leave the SSN unused (zero).
        let ssn = if m.unordered {
            Ssn(0)
        } else {
            let ssn = s.next_ssn;
            s.next_ssn = ssn.next();
            ssn
        };
        // RFC 8260 §2.1: the MID counts messages per stream, ordered and unordered apart.
        let next = if m.unordered {
            &mut s.next_unordered_mid
        } else {
            &mut s.next_mid
        };
        let mid = *next;
        *next = mid.wrapping_add(1);
        Some(InProgress {
            stream: StreamId(id),
            ssn,
            mid,
            fsn: 0,
            ppid: m.ppid,
            unordered: m.unordered,
            payload: m.payload,
            sack_immediately: m.sack_immediately,
            pr: m.pr,
            offset: 0,
            seq: m.seq,
        })
    }

    /// RFC 7496 §3.3: free `need` bytes by abandoning queued, unsent messages of a lower
    /// priority than `priority` (larger values first, the newest first among equals). Nothing
    /// is abandoned unless that frees enough.
    fn make_room(&mut self, need: usize, priority: u16, abandoned: &mut PrRecord) -> bool {
        let mut victims: Vec<(u16, u16, usize, usize)> = Vec::new();
        for (&id, s) in &self.streams {
            for (i, m) in s.queue.iter().enumerate() {
                if let Some(p) = m.pr.as_ref().and_then(|pr| pr.priority) {
                    if p > priority {
                        victims.push((p, id, i, m.payload.len()));
                    }
                }
            }
        }
        if victims.iter().map(|v| v.3).sum::<usize>() < need {
            return false;
        }
        victims.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(b.2.cmp(&a.2)));
        let mut freed = 0;
        let mut chosen: Vec<(u16, usize)> = Vec::new();
        for &(_, id, i, len) in &victims {
            if freed >= need {
                break;
            }
            freed += len;
            chosen.push((id, i));
        }
        // Highest index first, so the indexes still to remove stay valid.
        chosen.sort_unstable_by(|a, b| b.cmp(a));
        for &(id, i) in &chosen {
            let Some(m) = self.streams.get_mut(&id).and_then(|s| s.queue.remove(i)) else {
                continue;
            };
            self.bytes -= m.payload.len();
            self.timed -= usize::from(timed(&m.pr));
            if let Some(pr) = m.pr {
                abandoned.record(pr.report(AbandonReason::Priority, false));
            }
        }
        for &(id, _) in &chosen {
            self.refresh(id);
        }
        true
    }

    /// Abandon the messages at the head of the schedule whose lifetime ran out before any of
    /// them was sent (RFC 7496 §3.1): they never get a TSN or an SSN.
    pub(super) fn drop_expired(&mut self, now: Instant, abandoned: &mut PrRecord) {
        if self.current.is_some() || self.timed == 0 {
            return;
        }
        while let Some(id) = self.sched.next() {
            let Some(s) = self.streams.get_mut(&id) else {
                return;
            };
            let expired = s.parked.is_none()
                && s.queue
                    .front()
                    .and_then(|m| m.pr.as_ref())
                    .is_some_and(|pr| pr.expired(now));
            if !expired {
                return;
            }
            let Some(m) = s.queue.pop_front() else { return };
            let left = s.candidate();
            self.sched.update(id, left);
            self.bytes -= m.payload.len();
            self.timed -= usize::from(timed(&m.pr));
            if let Some(pr) = m.pr {
                abandoned.record(pr.report(AbandonReason::Lifetime, false));
            }
        }
    }

    /// The message being fragmented was abandoned: its unsent rest is dropped.
    pub(super) fn drop_current(&mut self) {
        if let Some(c) = self.current.take() {
            self.bytes -= c.payload.len() - c.offset;
            self.end_turn(c.stream.0);
        }
    }

    /// The negotiated outbound stream count: drop messages queued on streams `>= n` and return
    /// how many. A message already partly sent is finished, since its first fragments have TSNs.
    pub(super) fn set_outbound_streams(&mut self, n: u16) -> usize {
        self.outbound_streams = n;
        let dropped = self.streams.split_off(&n);
        let mut count = 0;
        for (id, mut s) in dropped {
            count += s.queue.len();
            self.bytes -= s.queue.iter().map(|m| m.payload.len()).sum::<usize>();
            self.timed -= s.queue.iter().filter(|m| timed(&m.pr)).count();
            s.queue.clear();
            if s.parked.is_some() || self.in_turn(id) {
                // Kept until that message is finished.
                self.streams.insert(id, s);
            } else {
                self.sched.update(id, None);
            }
        }
        count
    }

    /// Set `stream`'s priority or weight (RFC 8260 §3.4, §3.6).
    pub(super) fn set_stream_value(&mut self, stream: u16, value: u16) -> Result<(), SendError> {
        self.check_stream(stream)?;
        self.streams.entry(stream).or_default().value = value;
        self.sched.set_value(stream, value);
        Ok(())
    }

    /// `stream`'s priority or weight (0 unless set).
    pub(super) fn stream_value(&self, stream: u16) -> Result<u16, SendError> {
        self.check_stream(stream)?;
        Ok(self.streams.get(&stream).map_or(0, |s| s.value))
    }

    fn check_stream(&self, stream: u16) -> Result<(), SendError> {
        if stream >= self.outbound_streams {
            return Err(SendError::InvalidStream {
                stream: StreamId(stream),
                streams: self.outbound_streams,
            });
        }
        Ok(())
    }
}

/// The message has a lifetime (a deadline to check while it waits).
fn timed(pr: &Option<Arc<PrMessage>>) -> bool {
    pr.as_ref().is_some_and(|p| p.deadline.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue() -> SendQueue {
        SendQueue::new(
            4,
            Limits {
                queue_limit: 1000,
                max_message: 600,
            },
            StreamScheduler::RoundRobin,
        )
    }

    fn opts(stream: u16, ppid: u32, unordered: bool) -> SendOptions {
        SendOptions::new(stream).ppid(ppid).unordered(unordered)
    }

    fn push(q: &mut SendQueue, stream: u16, unordered: bool, len: usize) {
        let payload = Bytes::from(vec![stream as u8; len]);
        assert_eq!(
            q.push(
                payload,
                &opts(stream, 9, unordered),
                0,
                None,
                false,
                &mut PrRecord::default()
            ),
            Ok(())
        );
    }

    #[test]
    fn fragmentation_sets_b_and_e_flags_and_slices_without_copy() {
        let mut q = queue();
        let msg = Bytes::from((0..250u8).collect::<Vec<_>>());
        assert_eq!(
            q.push(
                msg.clone(),
                &opts(1, 7, false),
                0,
                None,
                false,
                &mut PrRecord::default()
            ),
            Ok(())
        );
        let f: Vec<_> = std::iter::from_fn(|| q.pop_fragment(100)).collect();
        let flags: Vec<_> = f.iter().map(|f| (f.beginning, f.ending)).collect();
        assert_eq!(flags, [(true, false), (false, false), (false, true)]);
        let lens: Vec<_> = f.iter().map(|f| f.payload.len()).collect();
        assert_eq!(lens, [100, 100, 50]);
        // Zero copy: each fragment points into the user's buffer.
        assert_eq!(f[1].payload.as_ptr(), msg[100..].as_ptr());
        assert!(f.iter().all(|f| f.ssn == Ssn(0) && f.ppid == Ppid(7)));
        assert_eq!(q.bytes(), 0);
    }

    #[test]
    fn unfragmented_message_has_both_b_and_e() {
        let mut q = queue();
        push(&mut q, 0, false, 10);
        assert_eq!(q.peek_len(100), Some(10));
        let f = q.pop_fragment(100).map(|f| (f.beginning, f.ending));
        assert_eq!(f, Some((true, true)));
        assert_eq!(q.pop_fragment(100), None);
    }

    #[test]
    fn ssn_per_stream_for_ordered_messages_only() {
        let mut q = queue();
        for (stream, unordered) in [(0, false), (1, false), (0, true), (0, false), (1, false)] {
            push(&mut q, stream, unordered, 5);
        }
        let got: Vec<_> = std::iter::from_fn(|| q.pop_fragment(100))
            .map(|f| (f.stream.0, f.unordered, f.ssn.0))
            .collect();
        // Round robin: stream 0, 1, 0, 1, 0.
        assert_eq!(
            got,
            [
                (0, false, 0),
                (1, false, 0),
                (0, true, 0),
                (1, false, 1),
                (0, false, 1)
            ]
        );
    }

    #[test]
    fn ssn_wraps_after_65535() {
        let mut q = queue();
        q.streams.entry(2).or_default().next_ssn = Ssn(u16::MAX);
        push(&mut q, 2, false, 1);
        push(&mut q, 2, false, 1);
        assert_eq!(q.pop_fragment(10).map(|f| f.ssn), Some(Ssn(u16::MAX)));
        assert_eq!(q.pop_fragment(10).map(|f| f.ssn), Some(Ssn(0)));
    }

    #[test]
    fn scheduler_finishes_a_message_before_switching_stream() {
        let mut q = queue();
        push(&mut q, 0, false, 30);
        push(&mut q, 1, false, 30);
        let got: Vec<_> = std::iter::from_fn(|| q.pop_fragment(10))
            .map(|f| f.stream.0)
            .collect();
        assert_eq!(got, [0, 0, 0, 1, 1, 1]);
    }

    #[test]
    fn back_pressure_counts_queued_and_held_bytes() {
        let mut q = queue();
        push(&mut q, 0, false, 600);
        let p = Bytes::from(vec![0; 300]);
        assert_eq!(
            q.push(
                p.clone(),
                &opts(0, 0, false),
                101,
                None,
                false,
                &mut PrRecord::default()
            ),
            Err(SendError::QueueFull)
        );
        assert_eq!(
            q.push(
                p,
                &opts(0, 0, false),
                100,
                None,
                false,
                &mut PrRecord::default()
            ),
            Ok(())
        );
        assert_eq!(q.bytes(), 900);
    }

    #[test]
    fn push_rejects_empty_too_large_and_invalid_stream() {
        let mut q = queue();
        let e = |q: &mut SendQueue, s: u16, len: usize| {
            q.push(
                Bytes::from(vec![0; len]),
                &opts(s, 0, false),
                0,
                None,
                false,
                &mut PrRecord::default(),
            )
            .err()
        };
        assert_eq!(e(&mut q, 0, 0), Some(SendError::Empty));
        assert_eq!(
            e(&mut q, 4, 1),
            Some(SendError::InvalidStream {
                stream: StreamId(4),
                streams: 4
            })
        );
        assert_eq!(
            e(&mut q, 0, 601),
            Some(SendError::TooLarge {
                size: 601,
                max: 600
            })
        );
        assert_eq!(q.bytes(), 0);
    }

    #[test]
    fn fewer_outbound_streams_drop_queued_messages_but_finish_the_current_one() {
        let mut q = queue();
        push(&mut q, 3, false, 20);
        push(&mut q, 3, false, 20);
        push(&mut q, 1, false, 5);
        push(&mut q, 2, false, 7);
        assert!(q.pop_fragment(10).is_some()); // stream 3 message started
        assert_eq!(q.set_outbound_streams(2), 2);
        assert_eq!(q.bytes(), 10 + 5);
        let got: Vec<_> = std::iter::from_fn(|| q.pop_fragment(10))
            .map(|f| f.stream.0)
            .collect();
        assert_eq!(got, [3, 1]);
        assert_eq!(q.outbound_streams(), 2);
    }

    #[test]
    fn fcfs_order_follows_the_new_head_after_a_message_is_abandoned_for_room() {
        let limits = Limits {
            queue_limit: 1000,
            max_message: 600,
        };
        let mut q = SendQueue::new(4, limits, StreamScheduler::Fcfs);
        let mut abandoned = PrRecord::default();
        for (stream, priority) in [(1, 5), (0, 1), (1, 1), (2, 0)] {
            let o = opts(stream, 0, false).priority(priority);
            let r = q.push(Bytes::from(vec![0; 300]), &o, 0, None, true, &mut abandoned);
            assert_eq!(r, Ok(()));
        }
        // RFC 7496 §3.3: stream 1's first message (priority 5) made room for stream 2's.
        assert_eq!(abandoned.stats().total(), 1);
        let got: Vec<_> = std::iter::from_fn(|| q.pop_fragment(600))
            .map(|f| f.stream.0)
            .collect();
        assert_eq!(got, [0, 1, 2]);
    }
}
