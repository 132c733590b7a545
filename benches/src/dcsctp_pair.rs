//! dcsctp (crates.io, Google's Rust port of dcSCTP): two sockets.
//!
//! dcsctp hex-dumps every packet for its log whether or not a logger prints it (see
//! ../shared/bench/peers.md); no option turns that off, so the figures include it.

use std::time::Duration;

use bytes::Bytes;
use dcsctp::api::{
    DcSctpSocket, Message, Options, PpId, SendError, SendOptions, SocketEvent, SocketTime, StreamId,
};

use crate::link::{Contender, Link, PairConfig, Refused, Side};

/// Socket options matching [`PairConfig`].
pub fn options(cfg: &PairConfig) -> Options {
    Options {
        mtu: cfg.sctp_packet,
        max_message_size: cfg.max_message,
        max_receiver_window_buffer_size: cfg.receive_window,
        max_burst: i32::try_from(cfg.max_burst).unwrap_or(i32::MAX),
        // The harness applies `send_buffer` itself, the same way for every stack.
        max_send_buffer_size: 2 * cfg.send_buffer,
        per_stream_send_queue_limit: 2 * cfg.send_buffer,
        ..Options::default()
    }
}

struct End {
    socket: Box<dyn DcSctpSocket>,
    connected: bool,
    outbox: Vec<Vec<u8>>,
}

impl End {
    fn new(name: &str, cfg: &PairConfig) -> Self {
        Self {
            socket: dcsctp::new_socket(name, &options(cfg)),
            connected: false,
            outbox: Vec::new(),
        }
    }

    fn drain(&mut self) -> usize {
        while let Some(e) = self.socket.poll_event() {
            match e {
                SocketEvent::SendPacket(p) => self.outbox.push(p),
                SocketEvent::OnConnected() => self.connected = true,
                _ => {}
            }
        }
        let mut delivered = 0;
        while let Some(m) = self.socket.get_next_message() {
            delivered += m.payload.len();
        }
        delivered
    }
}

/// Both ends of a dcsctp pair.
pub struct DcsctpPair {
    client: End,
    server: End,
    send_buffer: usize,
    delivered: usize,
}

impl DcsctpPair {
    fn end(&mut self, side: Side) -> &mut End {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }
}

fn at(now: Duration) -> SocketTime {
    SocketTime::zero() + now
}

impl Contender for DcsctpPair {
    const NAME: &'static str = "dcsctp";

    fn new(cfg: &PairConfig) -> Self {
        Self {
            client: End::new("client", cfg),
            server: End::new("server", cfg),
            send_buffer: cfg.send_buffer,
            delivered: 0,
        }
    }

    fn connect(&mut self, now: Duration) {
        self.client.socket.advance_time(at(now));
        self.client.socket.connect();
    }

    fn is_connected(&self) -> bool {
        self.client.connected && self.server.connected
    }

    fn send(&mut self, now: Duration, message: &Bytes) -> Result<(), Refused> {
        let s = &mut self.client.socket;
        if s.buffered_amount(StreamId(0)) >= self.send_buffer {
            return Err(Refused::Full);
        }
        s.advance_time(at(now));
        let m = Message::new(StreamId(0), PpId(53), message.to_vec());
        match s.send(m, &SendOptions::default()) {
            Ok(()) => Ok(()),
            Err(SendError::ResourceExhaustion) => Err(Refused::Full),
            Err(e) => Err(Refused::Failed(e.to_string())),
        }
    }

    fn transmit(&mut self, side: Side, _now: Duration, link: &mut Link) {
        let end = self.end(side);
        let n = end.drain();
        for p in end.outbox.drain(..) {
            link.push(side, Bytes::from(p));
        }
        self.delivered += n;
    }

    fn receive(&mut self, side: Side, now: Duration, packet: Bytes) {
        let end = self.end(side);
        end.socket.advance_time(at(now));
        end.socket.handle_input(&packet);
        self.delivered += end.drain();
    }

    fn take_delivered(&mut self) -> usize {
        std::mem::take(&mut self.delivered)
    }

    fn next_timeout(&mut self) -> Option<Duration> {
        [&self.client, &self.server]
            .into_iter()
            .map(|e| e.socket.poll_timeout())
            .filter(|t| *t != SocketTime::infinite_future())
            .min()
            .map(|t| t - SocketTime::zero())
    }

    fn handle_timeout(&mut self, now: Duration) {
        for side in [Side::Client, Side::Server] {
            let end = self.end(side);
            end.socket.advance_time(at(now));
            self.delivered += end.drain();
        }
    }
}
