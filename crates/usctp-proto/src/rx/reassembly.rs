//! Fragments to messages (RFC 9260 §6.9): a message is a run of consecutive TSNs from a B
//! fragment to an E fragment.

use std::collections::{BTreeMap, BTreeSet};

use bytes::{Bytes, BytesMut};
use usctp_wire::chunk::Data;
use usctp_wire::{Ppid, Ssn, StreamId};

use super::range_set::RangeSet;

mod partial;
mod skip;

pub(crate) use partial::Pulled;
use partial::{join, Partial, Scan};

/// A complete message, before ordering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assembled {
    pub(crate) stream: StreamId,
    pub(crate) ssn: Ssn,
    pub(crate) ppid: Ppid,
    pub(crate) unordered: bool,
    pub(crate) payload: Bytes,
}

impl Assembled {
    fn from_chunk(c: &Data, payload: Bytes) -> Self {
        Self {
            stream: c.stream,
            ssn: c.ssn,
            ppid: c.ppid,
            unordered: c.unordered,
            payload,
        }
    }
}

/// Fragments waiting for the rest of their message, keyed by unwrapped TSN.
///
/// Invariant: no run `b..=e` of held TSNs has a B fragment at `b` and an E fragment at `e`
/// (it would have been taken out when its last fragment arrived). So when TSN `t` arrives,
/// the only message it can complete runs from the last B at or before `t` to the first E at or
/// after `t`, both inside the consecutive run that holds `t`: each step is O(log n), whatever
/// order or framing the peer sends.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reassembly {
    fragments: BTreeMap<u64, Data>,
    held: RangeSet,
    begins: BTreeSet<u64>,
    ends: BTreeSet<u64>,
    bytes: usize,
    /// The message arriving in TSN order, kept out of the maps (the common case: no loss).
    /// Only started while the maps are empty, and moved into them by any other arrival, so
    /// the maps' invariant never has to account for it.
    run: Option<Run>,
    /// The message being delivered in pieces, if any (its B fragment is no longer held).
    partial: Option<Partial>,
    scan: Option<Scan>,
}

/// Fragments `start..next` of one message, in order, starting with its B fragment.
#[derive(Debug, Clone)]
struct Run {
    /// The B fragment (its header fields name the message).
    first: Data,
    /// Payloads after the first.
    rest: Vec<Bytes>,
    next: u64,
    len: usize,
}

impl Reassembly {
    /// Add the fragment with (new, never seen) unwrapped TSN `tsn`; returns the message it
    /// completes. A whole message in one chunk is returned at once with its payload as
    /// received (zero-copy).
    pub(crate) fn insert(&mut self, tsn: u64, chunk: &Data) -> Option<Assembled> {
        if chunk.beginning && chunk.ending {
            return Some(Assembled::from_chunk(chunk, chunk.payload.clone()));
        }
        if let Some(run) = self
            .run
            .as_mut()
            .filter(|r| r.next == tsn && !chunk.beginning)
        {
            run.rest.push(chunk.payload.clone());
            run.next += 1;
            run.len += chunk.payload.len();
            self.bytes += chunk.payload.len();
            if !chunk.ending {
                return None;
            }
            let run = self.run.take()?;
            self.bytes -= run.len;
            let payload = join(&run.first.payload, &run.rest, run.len);
            return Some(Assembled::from_chunk(&run.first, payload));
        }
        self.spill_run();
        // During a partial delivery everything goes to the maps, where it is pulled from.
        if chunk.beginning && self.held.is_empty() && self.partial.is_none() {
            self.bytes += chunk.payload.len();
            self.run = Some(Run {
                first: chunk.clone(),
                rest: Vec::new(),
                next: tsn + 1,
                len: chunk.payload.len(),
            });
            return None;
        }
        self.insert_held(tsn, chunk)
    }

    /// Move the in-order run into the maps, fragment by fragment.
    fn spill_run(&mut self) {
        let Some(run) = self.run.take() else { return };
        self.bytes -= run.len;
        let start = run.next - 1 - run.rest.len() as u64;
        let first = run.first.clone();
        self.insert_held(start, &run.first);
        for (t, payload) in (start + 1..).zip(run.rest) {
            let f = Data {
                beginning: false,
                ending: false,
                payload,
                ..first.clone()
            };
            self.insert_held(t, &f);
        }
    }

    /// The general path: hold the fragment and take out the message it completes, if any.
    fn insert_held(&mut self, tsn: u64, chunk: &Data) -> Option<Assembled> {
        if !self.held.insert(tsn) {
            return None; // The tracker never passes a TSN twice; ignore if it did.
        }
        if chunk.beginning {
            self.begins.insert(tsn);
        }
        if chunk.ending {
            self.ends.insert(tsn);
        }
        self.bytes += chunk.payload.len();
        self.fragments.insert(tsn, chunk.clone());
        let (run_start, run_end) = self.held.range_of(tsn)?;
        let b = *self.begins.range(run_start..=tsn).next_back()?;
        let e = *self.ends.range(tsn..=run_end).next()?;
        Some(self.take(b, e))
    }

    /// Take out the fragments `b..=e` (all held) as one message, copied once into a
    /// contiguous buffer. Stream, SSN, PPID and U come from the first fragment (RFC 9260
    /// §6.9: they are the same in every fragment of a message).
    fn take(&mut self, b: u64, e: u64) -> Assembled {
        let total: usize = self
            .fragments
            .range(b..=e)
            .map(|(_, f)| f.payload.len())
            .sum();
        let mut buf = BytesMut::with_capacity(total);
        let mut first: Option<Data> = None;
        for t in b..=e {
            if let Some(f) = self.fragments.remove(&t) {
                buf.extend_from_slice(&f.payload);
                first.get_or_insert(f);
            }
        }
        self.held.remove_within(b, e);
        self.begins.remove(&b);
        self.ends.remove(&e);
        self.bytes -= total;
        let first = first.unwrap_or_default();
        Assembled::from_chunk(&first, buf.freeze())
    }

    /// No fragment is held and no message is being delivered in pieces: nothing for
    /// partial delivery to do.
    pub(crate) fn is_idle(&self) -> bool {
        self.run.is_none() && self.fragments.is_empty() && self.partial.is_none()
    }

    /// Payload bytes held in incomplete messages.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use usctp_wire::Tsn;

    fn frag(tsn: u32, b: bool, e: bool, payload: &'static [u8]) -> Data {
        Data {
            tsn: Tsn(tsn),
            stream: StreamId(1),
            ssn: Ssn(4),
            ppid: Ppid(53),
            beginning: b,
            ending: e,
            payload: Bytes::from_static(payload),
            ..Data::default()
        }
    }

    fn feed(r: &mut Reassembly, chunks: &[Data]) -> Vec<Bytes> {
        chunks
            .iter()
            .filter_map(|c| r.insert(u64::from(c.tsn.0), c))
            .map(|m| m.payload)
            .collect()
    }

    #[test]
    fn single_chunk_message_is_zero_copy() {
        let mut r = Reassembly::default();
        let c = frag(1, true, true, b"whole");
        let m = r.insert(1, &c).map(|m| m.payload);
        assert_eq!(m.as_deref(), Some(&b"whole"[..]));
        assert_eq!(m.map(|p| p.as_ptr()), Some(c.payload.as_ptr()));
        assert_eq!(r.bytes(), 0);
    }

    #[test]
    fn fragments_in_order_reassemble() {
        let mut r = Reassembly::default();
        let c = [
            frag(1, true, false, b"ab"),
            frag(2, false, false, b"cd"),
            frag(3, false, true, b"e"),
        ];
        assert_eq!(feed(&mut r, &c[..2]), Vec::<Bytes>::new());
        assert_eq!(r.bytes(), 4);
        assert_eq!(feed(&mut r, &c[2..]), [Bytes::from_static(b"abcde")]);
        assert_eq!(r.bytes(), 0);
    }

    #[test]
    fn in_order_run_spills_when_a_fragment_is_missing() {
        // 1 2 in order (the fast path), 4 skips 3, then 3 completes 1..=4 from the maps.
        let mut r = Reassembly::default();
        let c = [
            frag(1, true, false, b"ab"),
            frag(2, false, false, b"cd"),
            frag(4, false, true, b"g"),
        ];
        assert_eq!(feed(&mut r, &c), Vec::<Bytes>::new());
        assert_eq!(r.bytes(), 5);
        let got = feed(&mut r, &[frag(3, false, false, b"ef")]);
        assert_eq!(got, [Bytes::from_static(b"abcdefg")]);
        assert_eq!(r.bytes(), 0);
    }

    #[test]
    fn a_new_beginning_ends_an_unfinished_run() {
        // 1 (B) 2 in order, then a B at 3: the first message stays held (its E never came)
        // and the second completes from the maps.
        let mut r = Reassembly::default();
        let c = [
            frag(1, true, false, b"a"),
            frag(2, false, false, b"b"),
            frag(3, true, false, b"c"),
            frag(4, false, true, b"d"),
        ];
        assert_eq!(feed(&mut r, &c), [Bytes::from_static(b"cd")]);
        assert_eq!(r.bytes(), 2);
    }

    #[test]
    fn fragments_out_of_order_reassemble() {
        let mut r = Reassembly::default();
        let c = [
            frag(3, false, true, b"e"),
            frag(1, true, false, b"ab"),
            frag(2, false, false, b"cd"),
        ];
        assert_eq!(feed(&mut r, &c), [Bytes::from_static(b"abcde")]);
    }

    #[test]
    fn adjacent_messages_complete_separately() {
        // Two messages back to back; the one in the middle arrives last.
        let mut r = Reassembly::default();
        let c = [
            frag(1, true, false, b"a"),
            frag(4, false, true, b"d"),
            frag(3, true, false, b"c"),
            frag(2, false, true, b"b"),
        ];
        let got = feed(&mut r, &c);
        assert_eq!(got, [Bytes::from_static(b"cd"), Bytes::from_static(b"ab")]);
        assert_eq!(r.bytes(), 0);
    }

    #[test]
    fn malformed_framing_never_completes_a_wrong_run() {
        // B B E: only the second B..E is a message; the lone B waits for nothing.
        let mut r = Reassembly::default();
        let c = [
            frag(1, true, false, b"x"),
            frag(3, false, true, b"z"),
            frag(2, true, false, b"y"),
        ];
        assert_eq!(feed(&mut r, &c), [Bytes::from_static(b"yz")]);
        assert_eq!(r.bytes(), 1);
    }
}
