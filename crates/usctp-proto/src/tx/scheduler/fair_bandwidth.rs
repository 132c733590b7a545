//! Fair bandwidth (RFC 8260 §3.5): the stream with data that has sent the fewest bytes so
//! far goes next, the lowest stream id among equals. A stream idle for long catches up
//! first: the counts are kept for the association's lifetime.

use std::collections::BTreeMap;

use super::{remove_by, Scheduler};

#[derive(Debug, Default)]
pub(crate) struct FairBandwidth {
    ready: Vec<u16>,
    /// User bytes sent per stream (at most one entry per outbound stream).
    sent: BTreeMap<u16, u64>,
}

impl FairBandwidth {
    fn sent_by(&self, stream: u16) -> u64 {
        self.sent.get(&stream).copied().unwrap_or(0)
    }
}

impl Scheduler for FairBandwidth {
    fn ready(&mut self, stream: u16, _seq: u64, _value: u16) {
        self.ready.push(stream);
    }

    fn next(&self) -> Option<u16> {
        self.ready
            .iter()
            .copied()
            .min_by_key(|&s| (self.sent_by(s), s))
    }

    fn sent(&mut self, stream: u16, bytes: usize) {
        *self.sent.entry(stream).or_default() += bytes as u64;
    }

    fn turn_end(&mut self, stream: u16, more: Option<u64>) {
        self.update(stream, more);
    }

    fn update(&mut self, stream: u16, candidate: Option<u64>) {
        if candidate.is_none() {
            remove_by(&mut self.ready, |&s| s == stream);
        }
    }
}
