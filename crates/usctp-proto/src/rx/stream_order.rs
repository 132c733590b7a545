//! Ordered delivery per stream by SSN (RFC 9260 §6.5, §6.6).

use std::collections::{BTreeMap, HashMap, VecDeque};

use usctp_wire::{Ssn, StreamId};

use super::Message;

mod reset;

/// Unwrapped SSN of the first message on a stream: SSN 0 one period up, so that the low 16
/// bits are the wire SSN.
const FIRST_SSN: u64 = 1 << 16;

/// One stream's next expected SSN and the complete messages that wait for earlier ones.
#[derive(Debug, Clone)]
struct StreamQueue {
    next: u64,
    waiting: BTreeMap<u64, Message>,
}

/// Per-stream ordering state, created when a stream first carries an ordered message (the
/// map holds at most the negotiated number of inbound streams).
#[derive(Debug, Clone, Default)]
pub(crate) struct StreamOrder {
    streams: HashMap<u16, StreamQueue>,
}

impl StreamOrder {
    /// A complete ordered message with SSN `ssn`: appended to `ready` with every message it
    /// unblocks, or kept until the SSNs before it are delivered. Returns the payload bytes
    /// discarded: a message whose SSN was already delivered or is already waiting (a peer
    /// that reuses SSNs; RFC 9260 §6.5 gives each message of a stream its own SSN).
    pub(crate) fn push(&mut self, ssn: Ssn, msg: Message, ready: &mut VecDeque<Message>) -> usize {
        let q = self.streams.entry(msg.stream.0).or_insert(StreamQueue {
            next: FIRST_SSN,
            waiting: BTreeMap::new(),
        });
        // Unwrap relative to the next expected SSN: SSNs wrap (RFC 9260 §6.5).
        let offset = Ssn(q.next as u16).distance_to(ssn);
        let Ok(ahead) = u64::try_from(offset) else {
            return msg.payload.len(); // Already delivered.
        };
        let key = q.next + ahead;
        if key != q.next {
            if q.waiting.contains_key(&key) {
                return msg.payload.len();
            }
            q.waiting.insert(key, msg);
            return 0;
        }
        ready.push_back(msg);
        q.advance(ready);
        0
    }

    /// Whether `ssn` is the next message of `stream`: a partial delivery may start on it.
    pub(crate) fn is_next(&self, stream: StreamId, ssn: Ssn) -> bool {
        let next = self.streams.get(&stream.0).map_or(FIRST_SSN, |q| q.next);
        Ssn(next as u16) == ssn
    }

    /// The message `is_next` allowed was delivered in pieces to its end: move `stream` on
    /// and append the messages that waited for it to `ready`.
    pub(crate) fn advance(&mut self, stream: StreamId, ready: &mut VecDeque<Message>) {
        let q = self.streams.entry(stream.0).or_insert(StreamQueue {
            next: FIRST_SSN,
            waiting: BTreeMap::new(),
        });
        q.advance(ready);
    }

    /// A FORWARD TSN says the sender abandoned `stream`'s messages up to `ssn` (RFC 3758
    /// §3.6): those that arrived whole are delivered, the stream moves on past `ssn`, and
    /// the messages that waited for it follow. An SSN already passed changes nothing.
    pub(crate) fn skip(&mut self, stream: StreamId, ssn: Ssn, ready: &mut VecDeque<Message>) {
        let q = self.streams.entry(stream.0).or_insert(StreamQueue {
            next: FIRST_SSN,
            waiting: BTreeMap::new(),
        });
        let Ok(ahead) = u64::try_from(Ssn(q.next as u16).distance_to(ssn)) else {
            return;
        };
        let last = q.next + ahead;
        while let Some(entry) = q.waiting.first_entry() {
            if *entry.key() > last {
                break;
            }
            ready.push_back(entry.remove());
        }
        q.next = last;
        q.advance(ready);
    }
}

impl StreamQueue {
    /// The next message was delivered: deliver those that waited for it.
    fn advance(&mut self, ready: &mut VecDeque<Message>) {
        self.next += 1;
        while let Some(entry) = self.waiting.first_entry() {
            if *entry.key() != self.next {
                break;
            }
            ready.push_back(entry.remove());
            self.next += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use usctp_wire::Ppid;

    fn msg(stream: u16, tag: u32) -> Message {
        Message {
            stream: StreamId(stream),
            ppid: Ppid(tag),
            unordered: false,
            end_of_message: true,
            aborted: false,
            payload: Bytes::from_static(b"xy"),
        }
    }

    fn tags(ready: &mut VecDeque<Message>) -> Vec<(u16, u32)> {
        ready.drain(..).map(|m| (m.stream.0, m.ppid.0)).collect()
    }

    #[test]
    fn ordered_messages_wait_for_earlier_ssns() {
        let mut o = StreamOrder::default();
        let mut ready = VecDeque::new();
        assert_eq!(o.push(Ssn(2), msg(0, 2), &mut ready), 0);
        assert_eq!(o.push(Ssn(1), msg(0, 1), &mut ready), 0);
        assert!(ready.is_empty());
        o.push(Ssn(0), msg(0, 0), &mut ready);
        assert_eq!(tags(&mut ready), [(0, 0), (0, 1), (0, 2)]);
    }

    #[test]
    fn streams_are_ordered_independently() {
        let mut o = StreamOrder::default();
        let mut ready = VecDeque::new();
        o.push(Ssn(1), msg(7, 71), &mut ready);
        o.push(Ssn(0), msg(9, 90), &mut ready);
        assert_eq!(tags(&mut ready), [(9, 90)]);
        o.push(Ssn(0), msg(7, 70), &mut ready);
        assert_eq!(tags(&mut ready), [(7, 70), (7, 71)]);
    }

    #[test]
    fn ssn_wraps_after_65535() {
        let mut o = StreamOrder::default();
        let mut ready = VecDeque::new();
        for ssn in 0..=u16::MAX {
            o.push(Ssn(ssn), msg(3, u32::from(ssn)), &mut ready);
        }
        assert_eq!(ready.len(), 65536);
        ready.clear();
        o.push(Ssn(1), msg(3, 1), &mut ready);
        assert!(ready.is_empty());
        o.push(Ssn(0), msg(3, 0), &mut ready);
        assert_eq!(tags(&mut ready), [(3, 0), (3, 1)]);
    }

    #[test]
    fn advance_after_a_partial_delivery_releases_the_waiting_messages() {
        let mut o = StreamOrder::default();
        let mut ready = VecDeque::new();
        assert!(o.is_next(StreamId(2), Ssn(0)));
        o.push(Ssn(1), msg(2, 1), &mut ready);
        assert!(ready.is_empty() && o.is_next(StreamId(2), Ssn(0)));
        // SSN 0 went out in pieces; its end moves the stream on.
        o.advance(StreamId(2), &mut ready);
        assert_eq!(tags(&mut ready), [(2, 1)]);
        assert!(o.is_next(StreamId(2), Ssn(2)));
    }

    #[test]
    fn reused_or_stale_ssn_is_discarded() {
        let mut o = StreamOrder::default();
        let mut ready = VecDeque::new();
        o.push(Ssn(0), msg(1, 0), &mut ready);
        assert_eq!(o.push(Ssn(0), msg(1, 9), &mut ready), 2);
        o.push(Ssn(5), msg(1, 5), &mut ready);
        assert_eq!(o.push(Ssn(5), msg(1, 9), &mut ready), 2);
        assert_eq!(tags(&mut ready), [(1, 0)]);
    }
}
