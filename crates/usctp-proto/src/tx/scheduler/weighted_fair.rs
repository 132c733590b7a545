//! Weighted fair queueing (RFC 8260 §3.6): the stream with data whose bytes sent divided by
//! its weight is smallest goes next, the lowest stream id among equals. The weight is the
//! stream's priority value; 0 counts as 1.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::{remove_by, Scheduler};

#[derive(Debug, Default)]
pub(crate) struct WeightedFair {
    /// Streams with data and their weight.
    ready: Vec<(u16, u16)>,
    /// User bytes sent per stream (at most one entry per outbound stream).
    sent: BTreeMap<u16, u64>,
}

impl WeightedFair {
    /// `a` before `b`: sent_a / w_a < sent_b / w_b, compared without division.
    fn order(&self, a: (u16, u16), b: (u16, u16)) -> Ordering {
        let cost = |(s, _): (u16, u16), other: u16| {
            u128::from(self.sent.get(&s).copied().unwrap_or(0)) * u128::from(other.max(1))
        };
        cost(a, b.1).cmp(&cost(b, a.1)).then(a.0.cmp(&b.0))
    }
}

impl Scheduler for WeightedFair {
    fn ready(&mut self, stream: u16, _seq: u64, value: u16) {
        self.ready.push((stream, value));
    }

    fn next(&self) -> Option<u16> {
        self.ready
            .iter()
            .copied()
            .min_by(|&a, &b| self.order(a, b))
            .map(|e| e.0)
    }

    fn sent(&mut self, stream: u16, bytes: usize) {
        *self.sent.entry(stream).or_default() += bytes as u64;
    }

    fn turn_end(&mut self, stream: u16, more: Option<u64>) {
        self.update(stream, more);
    }

    fn update(&mut self, stream: u16, candidate: Option<u64>) {
        if candidate.is_none() {
            remove_by(&mut self.ready, |e| e.0 == stream);
        }
    }

    fn set_value(&mut self, stream: u16, value: u16) {
        if let Some(e) = self.ready.iter_mut().find(|e| e.0 == stream) {
            e.1 = value;
        }
    }
}
