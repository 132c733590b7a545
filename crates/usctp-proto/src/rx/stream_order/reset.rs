//! Stream order after a stream reset (RFC 6525 §5.2.2 E3): the next expected SSN is 0.

use super::StreamOrder;

impl StreamOrder {
    /// `stream` expects SSN 0 next. Returns the payload bytes of messages that waited on it
    /// for earlier SSNs (a peer that skipped SSNs before its reset); they are discarded.
    pub(in crate::rx) fn reset(&mut self, stream: u16) -> usize {
        self.streams
            .remove(&stream)
            .map_or(0, |q| q.waiting.values().map(|m| m.payload.len()).sum())
    }

    /// Every stream expects SSN 0 next; returns the bytes discarded as [`Self::reset`].
    pub(in crate::rx) fn reset_all(&mut self) -> usize {
        let ids: Vec<u16> = self.streams.keys().copied().collect();
        ids.into_iter().map(|s| self.reset(s)).sum()
    }
}
