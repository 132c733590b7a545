//! Round robin per packet (RFC 8260 §3.3): the new data of one packet comes from one stream;
//! the streams take turns packet by packet.

use std::collections::VecDeque;

use super::Scheduler;

#[derive(Debug, Default)]
pub(crate) struct RoundRobinPacket {
    /// Streams with data, in turn order.
    ready: VecDeque<u16>,
    /// The stream that sent in the packet being built: the only one that may go on in it.
    packet: Option<u16>,
}

impl Scheduler for RoundRobinPacket {
    fn ready(&mut self, stream: u16, _seq: u64, _value: u16) {
        self.ready.push_back(stream);
    }

    fn next(&self) -> Option<u16> {
        match self.packet {
            // That stream has nothing more: the packet ends without another stream's data.
            Some(s) => self.ready.contains(&s).then_some(s),
            None => self.ready.front().copied(),
        }
    }

    fn sent(&mut self, stream: u16, _bytes: usize) {
        self.packet = Some(stream);
    }

    fn turn_end(&mut self, stream: u16, more: Option<u64>) {
        // The stream keeps its place until the packet ends.
        if more.is_none() {
            self.ready.retain(|&s| s != stream);
        }
    }

    fn update(&mut self, stream: u16, candidate: Option<u64>) {
        if candidate.is_none() {
            self.ready.retain(|&s| s != stream);
        }
    }

    fn packet_end(&mut self) {
        let Some(s) = self.packet.take() else { return };
        if let Some(i) = self.ready.iter().position(|&r| r == s) {
            self.ready.remove(i);
            self.ready.push_back(s);
        }
    }
}
