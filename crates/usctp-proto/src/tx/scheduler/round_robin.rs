//! Round robin (RFC 8260 §3.2), the default: the streams with data take turns.

use std::collections::VecDeque;

use super::Scheduler;

/// Streams with data, each once, in turn order; the front one's turn is next or running.
#[derive(Debug, Default)]
pub(crate) struct RoundRobin {
    ready: VecDeque<u16>,
}

impl Scheduler for RoundRobin {
    fn ready(&mut self, stream: u16, _seq: u64, _value: u16) {
        self.ready.push_back(stream);
    }

    fn next(&self) -> Option<u16> {
        self.ready.front().copied()
    }

    fn turn_end(&mut self, stream: u16, more: Option<u64>) {
        if self.ready.front() == Some(&stream) {
            self.ready.pop_front();
        } else {
            self.ready.retain(|&s| s != stream);
        }
        if more.is_some() {
            self.ready.push_back(stream);
        }
    }

    fn update(&mut self, stream: u16, candidate: Option<u64>) {
        if candidate.is_none() {
            self.ready.retain(|&s| s != stream);
        }
    }
}
