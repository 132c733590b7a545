//! Partial delivery (RFC 6458 §3.1.4, §8.1.21): the start of a message too large to wait for
//! is taken out of reassembly in pieces, so that its bytes leave the receive window.

use bytes::{Bytes, BytesMut};
use usctp_wire::chunk::Data;

use super::{Assembled, Reassembly};

/// The message being delivered in pieces: its next fragment's unwrapped TSN.
#[derive(Debug, Clone)]
pub(super) struct Partial {
    pub(super) next: u64,
}

/// How far the contiguous start of the lowest held message has been counted, so that each
/// fragment is counted once however often the check runs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scan {
    begin: u64,
    to: u64,
    bytes: usize,
}

/// What [`Reassembly::pull_partial`] found at the partial message's next TSN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pulled {
    /// Consecutive fragments; `end`: the last one was the E fragment.
    Piece { payload: Bytes, end: bool },
    /// A B fragment inside the message: the peer broke RFC 9260 §6.9 framing.
    Broken,
}

impl Reassembly {
    /// Start a partial delivery when the message at the cumulative ack point (its B fragment
    /// at or below `cum + 1`) has `point` bytes in sequence and `deliverable` says its turn
    /// has come. Returns its first piece (never its end). Only that message: it is the one
    /// the cumulative ack waits on, so the window cannot fill with a later one's pieces.
    pub(crate) fn start_partial(
        &mut self,
        cum: u64,
        point: usize,
        deliverable: impl Fn(&Data) -> bool,
    ) -> Option<Assembled> {
        if self.partial.is_some() {
            return None;
        }
        if let Some(run) = &self.run {
            let start = run.next - 1 - run.rest.len() as u64;
            if run.len < point || start > cum + 1 || !deliverable(&run.first) {
                return None;
            }
            let run = self.run.take()?;
            self.bytes -= run.len;
            self.partial = Some(Partial { next: run.next });
            let payload = join(&run.first.payload, &run.rest, run.len);
            return Some(Assembled::from_chunk(&run.first, payload));
        }
        let b = *self.begins.first()?;
        if b > cum + 1 {
            return None;
        }
        let scan = self.scan_from(b, point)?;
        if scan.bytes < point || !deliverable(self.fragments.get(&b)?) {
            return None;
        }
        let first = self.fragments.get(&b)?.clone();
        let payload = self.take_fragments(b, scan.to);
        self.begins.remove(&b);
        self.scan = None;
        self.partial = Some(Partial { next: scan.to + 1 });
        Some(Assembled::from_chunk(&first, payload))
    }

    /// Count the in-sequence bytes of the message beginning at `b`, up to `point`.
    fn scan_from(&mut self, b: u64, point: usize) -> Option<Scan> {
        let mut s = match self.scan {
            Some(s) if s.begin == b => s,
            _ => Scan {
                begin: b,
                to: b,
                bytes: self.fragments.get(&b)?.payload.len(),
            },
        };
        while s.bytes < point {
            let Some(f) = self.fragments.get(&(s.to + 1)) else {
                break;
            };
            if f.beginning || f.ending {
                break; // Never part of this message's incomplete start (see the invariant).
            }
            s.to += 1;
            s.bytes += f.payload.len();
        }
        self.scan = Some(s);
        Some(s)
    }

    /// The fragments that continue the partial message, as one piece.
    pub(crate) fn pull_partial(&mut self) -> Option<Pulled> {
        let next = self.partial.as_ref()?.next;
        let first = self.fragments.get(&next)?;
        if first.beginning {
            self.partial = None;
            return Some(Pulled::Broken);
        }
        let mut to = next;
        let mut end = first.ending;
        while !end {
            match self.fragments.get(&(to + 1)) {
                Some(f) if !f.beginning => {
                    to += 1;
                    end = f.ending;
                }
                _ => break,
            }
        }
        let payload = self.take_fragments(next, to);
        if end {
            self.ends.remove(&to);
            self.partial = None;
        } else {
            self.partial = Some(Partial { next: to + 1 });
        }
        Some(Pulled::Piece { payload, end })
    }

    /// Remove the held fragments `a..=b` (consecutive) and return their bytes in one buffer
    /// (the fragment's own when there is one: zero-copy).
    fn take_fragments(&mut self, a: u64, b: u64) -> Bytes {
        self.held.remove_within(a, b);
        if a == b {
            let payload = self.fragments.remove(&a).map(|f| f.payload);
            let payload = payload.unwrap_or_default();
            self.bytes -= payload.len();
            return payload;
        }
        let parts: Vec<Bytes> = (a..=b)
            .filter_map(|t| self.fragments.remove(&t))
            .map(|f| f.payload)
            .collect();
        let total = parts.iter().map(Bytes::len).sum();
        self.bytes -= total;
        join(&Bytes::new(), &parts, total)
    }
}

/// `first` then `rest`, copied once into a buffer of `len` bytes.
pub(super) fn join(first: &Bytes, rest: &[Bytes], len: usize) -> Bytes {
    let mut buf = BytesMut::with_capacity(len);
    buf.extend_from_slice(first);
    for p in rest {
        buf.extend_from_slice(p);
    }
    buf.freeze()
}
