//! Priority (RFC 8260 §3.4): the stream with the lowest priority value goes first (0 is the
//! most urgent); streams of equal value take turns.

use super::{remove_by, Scheduler};

/// Streams with data and their priority value, in turn order among equals.
#[derive(Debug, Default)]
pub(crate) struct Priority {
    ready: Vec<(u16, u16)>,
}

impl Scheduler for Priority {
    fn ready(&mut self, stream: u16, _seq: u64, value: u16) {
        self.ready.push((stream, value));
    }

    fn next(&self) -> Option<u16> {
        // `min_by_key` keeps the first of equal minimums: the one whose turn it is.
        self.ready.iter().min_by_key(|e| e.1).map(|e| e.0)
    }

    fn turn_end(&mut self, stream: u16, more: Option<u64>) {
        let e = remove_by(&mut self.ready, |e| e.0 == stream);
        if let (Some(e), Some(_)) = (e, more) {
            self.ready.push(e);
        }
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
