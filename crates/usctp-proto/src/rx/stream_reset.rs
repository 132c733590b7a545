//! The receiver's part in stream reconfiguration (RFC 6525 §5.2.2, §5.2.4, §5.2.5): incoming
//! streams back to SSN 0 (and MID 0 with I-DATA), the TSN restart of an SSN/TSN reset, more inbound streams.

use usctp_wire::chunk::{Data, IData};
use usctp_wire::{StreamId, Tsn};

use super::tsn_tracker::TsnStatus;
use super::Receiver;
use crate::config::AssociationConfig;

impl Receiver {
    /// RFC 6525 §5.2.2 E3: the listed incoming streams (all when empty) expect SSN 0 next.
    pub(crate) fn reset_streams(&mut self, streams: &[StreamId]) {
        let dropped = if streams.is_empty() {
            self.order.reset_all() + self.interleaved.reset_all()
        } else {
            let i = &mut self.interleaved;
            streams
                .iter()
                .map(|s| self.order.reset(s.0) + i.reset_stream(*s))
                .sum()
        };
        self.held = self.held.saturating_sub(dropped);
    }

    /// RFC 6525 §5.1.4 / §5.2.4: the peer's next TSN is `next`; every incoming stream
    /// expects SSN 0. Messages ready for the application stay; fragments and out-of-order
    /// chunks (none when the reset happens as the RFC requires) are dropped.
    pub(crate) fn restart_tsn(&mut self, next: Tsn, cfg: &AssociationConfig) {
        let fresh = Receiver::new(next, self.inbound_streams, cfg);
        self.tracker = fresh.tracker;
        self.reassembly = fresh.reassembly;
        self.order = fresh.order;
        self.interleaved = fresh.interleaved;
        let waiting: usize = self.held_back.iter().map(|m| m.payload.len()).sum();
        let ready: usize = self.ready.iter().map(|m| m.payload.len()).sum();
        self.held = waiting + ready;
    }

    /// Inbound streams accepted.
    pub(crate) fn inbound_streams(&self) -> u16 {
        self.inbound_streams
    }

    /// RFC 6525 §5.2.5: the peer added outgoing streams.
    pub(crate) fn set_inbound_streams(&mut self, n: u16) {
        self.inbound_streams = n;
    }
}

/// A chunk kept aside while a reset of its stream waits (RFC 6525 §5.2.2 E2): DATA, or
/// I-DATA when that is in force (RFC 8260 §2.3: the reset sets the MIDs back to 0).
#[derive(Debug, Clone)]
pub(crate) enum AsideChunk {
    Data(Data),
    IData(IData),
}

impl Receiver {
    /// RFC 6525 §5.2.2 E2: a DATA chunk past a deferred reset's Sender's Last Assigned TSN,
    /// on a stream that reset concerns, carries the SSNs that follow the reset: it is
    /// acknowledged (its TSN recorded, its bytes counted against the window) but kept aside
    /// until the reset is performed. Returns its unwrapped TSN when it was taken; `None`
    /// when it is a duplicate or there is no room (dropped, as `on_data` would).
    pub(crate) fn take_aside(&mut self, tsn: Tsn, len: usize) -> Option<u64> {
        self.timing.on_chunk(self.tracker.has_gaps());
        let t = match self.tracker.classify(tsn) {
            TsnStatus::New(t) if len > 0 && self.fits(t, len) => t,
            _ => {
                self.timing.mark_urgent();
                return None;
            }
        };
        self.tracker.record(t);
        self.held += len;
        Some(t)
    }

    /// A chunk kept aside by [`Self::take_aside`], now that its stream was reset: into
    /// reassembly and delivery like any other.
    pub(crate) fn replay(&mut self, t: u64, chunk: &AsideChunk) {
        let chunk = match chunk {
            AsideChunk::Data(d) => d,
            AsideChunk::IData(d) => return self.replay_idata(d),
        };
        if chunk.stream.0 >= self.inbound_streams {
            self.held = self.held.saturating_sub(chunk.payload.len());
            return;
        }
        if let Some(m) = self.reassembly.insert(t, chunk) {
            if self.partial.is_some() {
                self.held_back.push_back(m);
            } else {
                self.deliver(m);
            }
        }
        if !self.reassembly.is_idle() {
            // A broken framing here was the peer's; it only stalls its own stream.
            let _ = self.progress_partial();
        }
    }

    /// An I-DATA chunk kept aside: into its stream's reassembly, as `on_idata` would (its
    /// bytes were counted when it was taken).
    fn replay_idata(&mut self, chunk: &IData) {
        if chunk.stream.0 >= self.inbound_streams {
            self.held = self.held.saturating_sub(chunk.payload.len());
            return;
        }
        let pd_point = self.pd_point;
        // A broken framing here was the peer's; it only stalls its own stream.
        if let Ok(released) = self.interleaved.insert(chunk, pd_point, &mut self.ready) {
            self.held = self.held.saturating_sub(released);
        }
    }
}
