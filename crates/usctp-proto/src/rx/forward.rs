//! FORWARD TSN at the receiver (RFC 3758 §3.6): move the cumulative ack past abandoned data,
//! drop its fragments, move ordered streams past its SSNs, deliver what that frees. And
//! I-FORWARD-TSN (RFC 8260 §2.3.2), the same by (stream, U, MID).

use bytes::Bytes;
use usctp_wire::chunk::{ForwardTsn, IForwardTsn};
use usctp_wire::StreamId;

use super::{Message, Receiver};

/// What a FORWARD TSN did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ForwardOutcome {
    /// The message being delivered in pieces on this stream was abandoned.
    pub aborted_partial: Option<StreamId>,
    /// Messages became ready.
    pub delivered: bool,
}

impl Receiver {
    /// One FORWARD TSN (PR-SCTP negotiated). For the SACK it counts as DATA (RFC 3758 §3.6);
    /// an out-of-date one asks for a SACK at once, since the last one may have been lost.
    pub(crate) fn on_forward_tsn(&mut self, f: &ForwardTsn) -> ForwardOutcome {
        self.timing.on_chunk(self.tracker.has_gaps());
        let mut out = ForwardOutcome::default();
        let Some(through) = self.tracker.forward(f.new_cum_tsn) else {
            self.timing.mark_urgent();
            return out;
        };
        let ready_before = self.ready.len();
        let skipped = self.reassembly.skip_through(through);
        self.held = self.held.saturating_sub(skipped.bytes);
        if skipped.partial_aborted {
            if let Some(head) = self.partial.take() {
                out.aborted_partial = Some(head.stream);
                // The in-band end of the message, so a reader joining pieces drops them.
                self.ready.push_back(Message {
                    stream: head.stream,
                    ppid: head.ppid,
                    unordered: head.unordered,
                    end_of_message: true,
                    aborted: true,
                    payload: Bytes::new(),
                });
                while let Some(m) = self.held_back.pop_front() {
                    self.deliver(m);
                }
            }
        }
        for s in &f.streams {
            // RFC 9260 §6.5: a stream the peer may not use has no order to move.
            if s.stream.0 < self.inbound_streams {
                self.order.skip(s.stream, s.ssn, &mut self.ready);
            }
        }
        // The message now at the cumulative ack may be due for partial delivery; broken
        // framing there is caught by the next DATA chunk.
        if !self.reassembly.is_idle() {
            let _ = self.progress_partial();
        }
        out.delivered = self.ready.len() > ready_before;
        out
    }
}

impl Receiver {
    /// One I-FORWARD-TSN (I-DATA and PR-SCTP in force, RFC 8260 §2.3.2): the cumulative ack
    /// moves as for FORWARD TSN; each entry drops the fragments of its stream's messages up
    /// to its MID (ordered or unordered by its U flag), and ordered delivery moves past it.
    pub(crate) fn on_i_forward_tsn(&mut self, f: &IForwardTsn) -> ForwardOutcome {
        self.timing.on_chunk(self.tracker.has_gaps());
        let mut out = ForwardOutcome::default();
        if self.tracker.forward(f.new_cum_tsn).is_none() {
            self.timing.mark_urgent();
        }
        // The skips apply even when the TSN is out of date: the sender names the messages
        // it abandoned, and when every fragment it sent was received already, the rest of
        // a message cut short would otherwise be awaited for ever.
        let ready_before = self.ready.len();
        for s in &f.streams {
            // RFC 9260 §6.5: a stream the peer may not use has nothing to skip.
            if s.stream.0 >= self.inbound_streams {
                continue;
            }
            let released = self.interleaved.skip(
                s.stream,
                s.unordered,
                s.mid.0,
                self.pd_point,
                &mut self.ready,
                &mut out.aborted_partial,
            );
            self.held = self.held.saturating_sub(released);
        }
        out.delivered = self.ready.len() > ready_before;
        out
    }
}
