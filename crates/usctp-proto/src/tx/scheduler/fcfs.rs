//! First come, first served (RFC 8260 §3.1): the oldest queued message goes next, whatever
//! its stream.

use super::{remove_by, Scheduler};

/// Streams with data and the queue position of their candidate.
#[derive(Debug, Default)]
pub(crate) struct Fcfs {
    ready: Vec<(u16, u64)>,
}

impl Fcfs {
    fn set(&mut self, stream: u16, seq: Option<u64>) {
        match (self.ready.iter_mut().find(|e| e.0 == stream), seq) {
            (Some(e), Some(seq)) => e.1 = seq,
            (None, Some(seq)) => self.ready.push((stream, seq)),
            (_, None) => {
                remove_by(&mut self.ready, |e| e.0 == stream);
            }
        }
    }
}

impl Scheduler for Fcfs {
    fn ready(&mut self, stream: u16, seq: u64, _value: u16) {
        self.set(stream, Some(seq));
    }

    fn next(&self) -> Option<u16> {
        self.ready.iter().min_by_key(|e| e.1).map(|e| e.0)
    }

    fn turn_end(&mut self, stream: u16, more: Option<u64>) {
        self.set(stream, more);
    }

    fn update(&mut self, stream: u16, candidate: Option<u64>) {
        self.set(stream, candidate);
    }
}
