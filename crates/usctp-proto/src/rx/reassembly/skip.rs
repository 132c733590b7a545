//! PR-SCTP at reassembly (RFC 3758 §3.6): fragments of abandoned messages are dropped when a
//! FORWARD TSN moves the cumulative ack past them.

use super::Reassembly;

/// What [`Reassembly::skip_through`] dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// Payload bytes of the fragments dropped.
    pub bytes: usize,
    /// The message being delivered in pieces lost its rest.
    pub partial_aborted: bool,
}

impl Reassembly {
    /// Drop every fragment with an unwrapped TSN up to `tsn`.
    pub(crate) fn skip_through(&mut self, tsn: u64) -> Skipped {
        let mut out = Skipped::default();
        if let Some(run) = self.run.as_ref() {
            let start = run.next - 1 - run.rest.len() as u64;
            if start <= tsn {
                // Its first fragment is skipped, so the whole message was abandoned (the sender
                // abandons whole messages, RFC 3758 §3.5 A3).
                out.bytes += run.len;
                self.bytes -= run.len;
                self.run = None;
            }
        }
        while let Some((&t, _)) = self.fragments.first_key_value() {
            if t > tsn {
                break;
            }
            if let Some(f) = self.fragments.remove(&t) {
                out.bytes += f.payload.len();
                self.bytes -= f.payload.len();
            }
        }
        self.held.remove_through(tsn);
        self.begins = self.begins.split_off(&(tsn + 1));
        self.ends = self.ends.split_off(&(tsn + 1));
        self.scan = None;
        if self.partial.as_ref().is_some_and(|p| p.next <= tsn) {
            self.partial = None;
            out.partial_aborted = true;
        }
        out
    }
}
