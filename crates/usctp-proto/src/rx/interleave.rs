//! I-DATA receive (RFC 8260 §2.1, §2.3): fragments reassembled by (stream, U, MID, FSN),
//! ordered delivery by MID per stream, partial delivery that interleaves across streams, and
//! the I-FORWARD-TSN skips.
//!
//! Fragments of a message need not carry consecutive TSNs, so every message in reception is
//! its own entry. Each fragment holds at least one byte and the receiver bounds the bytes held
//! by its window, so the entries are bounded too.

use std::collections::{BTreeMap, HashMap, VecDeque};

use bytes::{Bytes, BytesMut};
use usctp_wire::chunk::IData;
use usctp_wire::{Ppid, StreamId};

use super::Message;

/// (stream, U, MID).
type Key = (u16, bool, u32);

/// One message in reception.
#[derive(Debug, Clone, Default)]
struct InMessage {
    /// PPID, from the B fragment (RFC 8260 §2.1: only it carries the PPID).
    ppid: Ppid,
    /// Fragments not yet delivered, by FSN.
    frags: BTreeMap<u32, Bytes>,
    /// FSN of the E fragment, once received.
    last: Option<u32>,
    /// Next FSN to deliver: pieces up to it went to the application.
    next: u32,
    /// Bytes in `frags`.
    bytes: usize,
}

/// The framing of a message was broken: the association aborts (Protocol Violation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Broken;

/// What a fragment or skip did: payload bytes it released from the count held (discarded
/// duplicates, or the fragments of skipped messages).
pub(crate) type Released = usize;

/// The I-DATA receive state of one association.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interleaved {
    messages: BTreeMap<Key, InMessage>,
    /// Next ordered MID per stream (absent: 0).
    next_mid: HashMap<u16, u32>,
    /// Payload bytes in `messages`.
    held: usize,
    /// The unordered message of each stream being delivered in pieces: until it ends, the
    /// stream's other unordered messages wait, so that pieces of two messages never mix on
    /// one stream (a reader tells messages apart by stream only, RFC 6458 §8.1.20).
    unordered_in_pieces: HashMap<u16, u32>,
}

/// `a` before `b` in MID serial arithmetic (RFC 1982 on 32 bits).
fn before(a: u32, b: u32) -> bool {
    a != b && b.wrapping_sub(a) < 1 << 31
}

impl Interleaved {
    /// One I-DATA fragment with a new TSN and a valid stream: pieces and whole messages it
    /// makes deliverable go to `ready`, pieces of at least `pd_point` bytes (RFC 6458 §3.1.4)
    /// for a message that is next in order (or unordered).
    pub(crate) fn insert(
        &mut self,
        c: &IData,
        pd_point: usize,
        ready: &mut VecDeque<Message>,
    ) -> Result<Released, Broken> {
        let len = c.payload.len();
        let next_mid = self.next_mid_of(c.stream.0);
        if !c.unordered && before(c.mid.0, next_mid) {
            return Ok(len); // A message already delivered or skipped.
        }
        let key = (c.stream.0, c.unordered, c.mid.0);
        // The common case: a whole message, next in order, delivered as received.
        let next_in_order = if c.unordered {
            self.unordered_in_pieces
                .get(&c.stream.0)
                .is_none_or(|&m| m == c.mid.0)
        } else {
            c.mid.0 == next_mid
        };
        if c.beginning && c.ending && next_in_order && !self.messages.contains_key(&key) {
            ready.push_back(piece(key, c.ppid, c.payload.clone(), true));
            if !c.unordered {
                self.next_mid.insert(key.0, next_mid.wrapping_add(1));
                self.release_ordered(key.0, pd_point, ready);
            }
            return Ok(0);
        }
        let fsn = if c.beginning { 0 } else { c.fsn.0 };
        // RFC 8260 §2.1: the first fragment has FSN 0, and only it carries B.
        if !c.beginning && fsn == 0 {
            return Err(Broken);
        }
        let m = self.messages.entry(key).or_default();
        if fsn < m.next || m.frags.contains_key(&fsn) {
            return Ok(len); // Duplicate fragment under a new TSN.
        }
        if m.last.is_some_and(|l| fsn > l || c.ending)
            || (c.ending && m.frags.last_key_value().is_some_and(|(&k, _)| k > fsn))
        {
            return Err(Broken); // A second E, or fragments beyond the E.
        }
        if c.beginning {
            m.ppid = c.ppid;
        }
        if c.ending {
            m.last = Some(fsn);
        }
        m.frags.insert(fsn, c.payload.clone());
        m.bytes += len;
        self.held += len;
        match (next_in_order, c.unordered) {
            (false, _) => {}
            (true, true) => self.progress_unordered(key, pd_point, ready),
            (true, false) => self.release_ordered(key.0, pd_point, ready),
        }
        Ok(0)
    }

    fn next_mid_of(&self, stream: u16) -> u32 {
        self.next_mid.get(&stream).copied().unwrap_or(0)
    }

    /// Deliver what message `key` (next in order, or unordered) has contiguous from its next
    /// FSN: all of it once complete, else a piece once it, or all messages held together,
    /// reach `pd_point` bytes (several large messages interleaved must not fill the window
    /// without any reaching it). True when the message was completed and removed.
    fn progress(&mut self, key: Key, pd_point: usize, ready: &mut VecDeque<Message>) -> bool {
        let Some(m) = self.messages.get_mut(&key) else {
            return false;
        };
        let mut n = 0usize;
        let mut bytes = 0usize;
        let mut fsn = m.next;
        for (&k, p) in m.frags.range(m.next..) {
            if k != fsn {
                break;
            }
            n += 1;
            bytes += p.len();
            fsn = fsn.wrapping_add(1);
        }
        let complete = m.last.is_some_and(|l| l.wrapping_add(1) == fsn && n > 0);
        if n == 0 || (!complete && bytes < pd_point && self.held < pd_point) {
            return false;
        }
        let start = m.next;
        let payload = take(&mut m.frags, start, n, bytes);
        m.bytes -= bytes;
        self.held -= bytes;
        m.next = fsn;
        ready.push_back(piece(key, m.ppid, payload, complete));
        if complete {
            self.messages.remove(&key);
        }
        complete
    }

    /// [`progress`](Self::progress) for an unordered message; when it ends a delivery in
    /// pieces, the stream's unordered messages that waited for that go in turn.
    fn progress_unordered(&mut self, key: Key, pd_point: usize, ready: &mut VecDeque<Message>) {
        if self.progress(key, pd_point, ready) {
            if self.unordered_in_pieces.remove(&key.0).is_some() {
                self.release_unordered(key.0, pd_point, ready);
            }
        } else if self.messages.get(&key).is_some_and(|m| m.next > 0) {
            self.unordered_in_pieces.insert(key.0, key.2);
        }
    }

    /// Unordered messages of `stream`, waiting, given their turn until one is left in pieces.
    fn release_unordered(&mut self, stream: u16, pd_point: usize, ready: &mut VecDeque<Message>) {
        let keys: Vec<Key> = self
            .messages
            .range((stream, true, 0)..=(stream, true, u32::MAX))
            .map(|(k, _)| *k)
            .collect();
        for k in keys {
            if self.unordered_in_pieces.contains_key(&stream) {
                return;
            }
            self.progress_unordered(k, pd_point, ready);
        }
    }

    /// The ordered messages of `stream` that became next in order, delivered in turn.
    fn release_ordered(&mut self, stream: u16, pd_point: usize, ready: &mut VecDeque<Message>) {
        loop {
            let mid = self.next_mid_of(stream);
            if !self.progress((stream, false, mid), pd_point, ready) {
                return;
            }
            self.next_mid.insert(stream, mid.wrapping_add(1));
        }
    }

    /// I-FORWARD-TSN (RFC 8260 §2.3.2): the messages of `stream` with U flag `unordered` up
    /// to and including `mid` were abandoned. Their fragments are dropped; one being
    /// delivered in pieces ends with an aborted empty piece (its stream is returned in
    /// `aborted`); ordered delivery moves on past `mid`.
    pub(crate) fn skip(
        &mut self,
        stream: StreamId,
        unordered: bool,
        mid: u32,
        pd_point: usize,
        ready: &mut VecDeque<Message>,
        aborted: &mut Option<StreamId>,
    ) -> Released {
        let s = stream.0;
        let dropped: Vec<Key> = self
            .messages
            .range((s, unordered, 0)..=(s, unordered, u32::MAX))
            .filter(|(k, _)| !before(mid, k.2))
            .map(|(k, _)| *k)
            .collect();
        let mut released = 0;
        for k in dropped {
            if let Some(m) = self.messages.remove(&k) {
                released += m.bytes;
                self.held -= m.bytes;
                if k.1 && self.unordered_in_pieces.get(&s) == Some(&k.2) {
                    self.unordered_in_pieces.remove(&s);
                }
                if m.next > 0 {
                    let mut p = piece(k, m.ppid, Bytes::new(), true);
                    p.aborted = true;
                    ready.push_back(p);
                    *aborted = Some(stream);
                }
            }
        }
        if unordered {
            self.release_unordered(s, pd_point, ready);
        } else if !before(mid, self.next_mid_of(s)) {
            self.next_mid.insert(s, mid.wrapping_add(1));
            self.release_ordered(s, pd_point, ready);
        }
        released
    }

    /// Forget the ordered and unordered state of `stream` (RFC 6525 stream reset): its MIDs
    /// start again at 0.
    pub(crate) fn reset_stream(&mut self, stream: StreamId) -> Released {
        self.next_mid.remove(&stream.0);
        self.unordered_in_pieces.remove(&stream.0);
        let keys: Vec<Key> = self
            .messages
            .range((stream.0, false, 0)..=(stream.0, true, u32::MAX))
            .map(|(k, _)| *k)
            .collect();
        let released: usize = keys
            .iter()
            .filter_map(|k| self.messages.remove(k))
            .map(|m| m.bytes)
            .sum();
        self.held -= released;
        released
    }
}

impl Interleaved {
    /// [`reset_stream`](Self::reset_stream) for every stream.
    pub(crate) fn reset_all(&mut self) -> Released {
        self.next_mid.clear();
        self.unordered_in_pieces.clear();
        self.messages.clear();
        std::mem::take(&mut self.held)
    }
}

fn piece(key: Key, ppid: Ppid, payload: Bytes, end_of_message: bool) -> Message {
    Message {
        stream: StreamId(key.0),
        ppid,
        unordered: key.1,
        end_of_message,
        aborted: false,
        payload,
    }
}

/// Take `n` fragments from `start` (all held, consecutive) as one payload: the fragment
/// itself when there is one, else one copy.
fn take(frags: &mut BTreeMap<u32, Bytes>, start: u32, n: usize, bytes: usize) -> Bytes {
    if n == 1 {
        return frags.remove(&start).unwrap_or_default();
    }
    let mut buf = BytesMut::with_capacity(bytes);
    let mut fsn = start;
    for _ in 0..n {
        if let Some(p) = frags.remove(&fsn) {
            buf.extend_from_slice(&p);
        }
        fsn = fsn.wrapping_add(1);
    }
    buf.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;
    use usctp_wire::{Fsn, Mid, Tsn};

    fn frag(stream: u16, u: bool, mid: u32, fsn: u32, b: bool, e: bool, p: &'static [u8]) -> IData {
        IData {
            tsn: Tsn(0),
            stream: StreamId(stream),
            mid: Mid(mid),
            ppid: Ppid(if b { 9 } else { 0 }),
            fsn: Fsn(if b { 0 } else { fsn }),
            unordered: u,
            beginning: b,
            ending: e,
            payload: Bytes::from_static(p),
            ..IData::default()
        }
    }

    fn feed(r: &mut Interleaved, pd: usize, chunks: &[IData]) -> Vec<(u16, Vec<u8>, bool)> {
        let mut ready = VecDeque::new();
        for c in chunks {
            r.insert(c, pd, &mut ready).expect("accepted");
        }
        ready
            .into_iter()
            .map(|m| (m.stream.0, m.payload.to_vec(), m.end_of_message))
            .collect()
    }

    #[test]
    fn fragments_in_any_order_reassemble_and_ordered_mids_wait_for_earlier_ones() {
        let mut r = Interleaved::default();
        let got = feed(
            &mut r,
            1000,
            &[
                frag(0, false, 1, 0, true, true, b"second"),
                frag(0, false, 0, 2, false, true, b"c"),
                frag(0, false, 0, 1, false, false, b"b"),
            ],
        );
        assert!(got.is_empty());
        let got = feed(&mut r, 1000, &[frag(0, false, 0, 0, true, false, b"a")]);
        assert_eq!(
            got,
            [(0, b"abc".to_vec(), true), (0, b"second".to_vec(), true)]
        );
        assert_eq!(r.held, 0);
        assert!(r.messages.is_empty());
    }

    #[test]
    fn partial_delivery_interleaves_across_streams() {
        // pd point 4: stream 0's large message goes in pieces; stream 1's whole message is
        // delivered between them.
        let mut r = Interleaved::default();
        let got = feed(
            &mut r,
            4,
            &[
                frag(0, false, 0, 0, true, false, b"aa"),
                frag(0, false, 0, 1, false, false, b"bb"),
                frag(1, false, 0, 0, true, true, b"small"),
                frag(0, false, 0, 2, false, false, b"cccc"),
                frag(0, false, 0, 3, false, true, b"d"),
            ],
        );
        assert_eq!(
            got,
            [
                (0, b"aabb".to_vec(), false),
                (1, b"small".to_vec(), true),
                (0, b"cccc".to_vec(), false),
                (0, b"d".to_vec(), true),
            ]
        );
    }

    #[test]
    fn broken_framing_is_reported_and_duplicates_are_released() {
        let mut r = Interleaved::default();
        let mut ready = VecDeque::new();
        assert_eq!(
            r.insert(&frag(0, false, 0, 0, false, false, b"x"), 9, &mut ready),
            Err(Broken)
        );
        r.insert(&frag(0, false, 0, 3, false, true, b"e"), 9, &mut ready)
            .expect("accepted");
        // Beyond the E, or a second E.
        assert_eq!(
            r.insert(&frag(0, false, 0, 4, false, false, b"y"), 9, &mut ready),
            Err(Broken)
        );
        assert_eq!(
            r.insert(&frag(0, false, 0, 2, false, true, b"y"), 9, &mut ready),
            Err(Broken)
        );
        // The same FSN again under a new TSN: its bytes are released.
        assert_eq!(
            r.insert(&frag(0, false, 0, 3, false, true, b"e"), 9, &mut ready),
            Ok(1)
        );
        assert!(ready.is_empty());
    }

    #[test]
    fn skip_drops_abandoned_messages_ends_a_piecewise_one_and_frees_the_stream() {
        let mut r = Interleaved::default();
        let mut ready = VecDeque::new();
        // MID 0 delivered in part (pd point 1), MID 1 complete and waiting.
        r.insert(&frag(3, false, 0, 0, true, false, b"part"), 1, &mut ready)
            .expect("accepted");
        r.insert(&frag(3, false, 1, 0, true, true, b"next"), 1, &mut ready)
            .expect("accepted");
        assert_eq!(ready.len(), 1);
        let mut aborted = None;
        let released = r.skip(StreamId(3), false, 0, 1, &mut ready, &mut aborted);
        assert_eq!(released, 0);
        assert_eq!(aborted, Some(StreamId(3)));
        let got: Vec<_> = ready
            .iter()
            .map(|m| (m.payload.to_vec(), m.aborted))
            .collect();
        assert_eq!(
            got,
            [
                (b"part".to_vec(), false),
                (vec![], true),
                (b"next".to_vec(), false)
            ]
        );
        // A late fragment of the skipped message is dropped.
        assert_eq!(
            r.insert(&frag(3, false, 0, 1, false, true, b"z"), 1, &mut ready),
            Ok(1)
        );
    }

    #[test]
    fn unordered_messages_of_a_stream_never_mix_their_pieces() {
        let mut r = Interleaved::default();
        let got = feed(
            &mut r,
            2,
            &[
                frag(0, true, 0, 0, true, false, b"aa"),
                frag(0, true, 1, 0, true, true, b"other"),
                frag(0, true, 0, 1, false, true, b"b"),
            ],
        );
        assert_eq!(
            got,
            [
                (0, b"aa".to_vec(), false),
                (0, b"b".to_vec(), true),
                (0, b"other".to_vec(), true),
            ]
        );
    }

    #[test]
    fn mids_wrap() {
        assert!(before(u32::MAX, 0));
        assert!(!before(0, u32::MAX));
        let mut r = Interleaved::default();
        r.next_mid.insert(0, u32::MAX);
        let got = feed(
            &mut r,
            9,
            &[
                frag(0, false, 0, 0, true, true, b"after"),
                frag(0, false, u32::MAX, 0, true, true, b"last"),
            ],
        );
        assert_eq!(
            got,
            [(0, b"last".to_vec(), true), (0, b"after".to_vec(), true)]
        );
    }
}
