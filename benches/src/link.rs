//! The in-memory link every contender is driven over, and the adapter trait.

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;

/// One end of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Opens the association and sends the messages.
    Client,
    /// Accepts and receives.
    Server,
}

impl Side {
    /// The other end.
    pub fn peer(self) -> Self {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
}

/// Settings every contender is given the same way.
#[derive(Debug, Clone, Copy)]
pub struct PairConfig {
    /// Largest SCTP packet (common header included): 1472, what a 1500-byte IPv4 MTU leaves
    /// after the IP and UDP headers (RFC 6951).
    pub sctp_packet: usize,
    /// Receive window / receive buffer, bytes.
    pub receive_window: usize,
    /// Bytes the sender may have queued and not yet acknowledged before the harness waits.
    pub send_buffer: usize,
    /// Largest message.
    pub max_message: usize,
    /// Max.Burst (RFC 9260 §6.1: packets sent at once per SACK), 4 as the RFC suggests;
    /// applied to usctp and dcsctp (sctp-proto has no such limit).
    pub max_burst: u32,
}

impl Default for PairConfig {
    fn default() -> Self {
        Self {
            sctp_packet: 1472,
            receive_window: 1 << 20,
            send_buffer: 1 << 20,
            max_message: 256 << 10,
            max_burst: 4,
        }
    }
}

/// Why a contender did not queue a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The send buffer is full: try again once acknowledgements have made room.
    Full,
    /// The stack refused the message for good, for this reason (in its own words).
    Failed(String),
}

/// Packets in flight each way, with counters. No loss, no delay, no reordering.
#[derive(Debug, Default)]
pub struct Link {
    to_server: VecDeque<Bytes>,
    to_client: VecDeque<Bytes>,
    /// Packets carried client to server.
    pub packets_to_server: u64,
    /// Packets carried server to client.
    pub packets_to_client: u64,
}

impl Link {
    /// Queue a packet sent by `from`.
    pub fn push(&mut self, from: Side, packet: Bytes) {
        match from {
            Side::Client => {
                self.packets_to_server += 1;
                self.to_server.push_back(packet);
            }
            Side::Server => {
                self.packets_to_client += 1;
                self.to_client.push_back(packet);
            }
        }
    }

    /// The next packet waiting for `to`.
    pub fn pop(&mut self, to: Side) -> Option<Bytes> {
        match to {
            Side::Client => self.to_client.pop_front(),
            Side::Server => self.to_server.pop_front(),
        }
    }
}

/// Two ends of one stack in one process: the adapter each contender provides.
///
/// Time is virtual: `now` is the time since the pair was created, and the harness jumps to
/// the next timeout when nothing else can happen, so delayed-SACK timers cost no wall time.
pub trait Contender {
    /// Name in the tables.
    const NAME: &'static str;

    /// Both ends, not yet connected (the harness drives the handshake).
    fn new(cfg: &PairConfig) -> Self;

    /// Start the handshake from the client.
    fn connect(&mut self, now: Duration);

    /// Whether both ends are established (and the server knows its association).
    fn is_connected(&self) -> bool;

    /// Queue one message at the client, reliable ordered, stream 0. [`Refused::Full`] is
    /// back-pressure; anything else is an error the harness must not retry.
    fn send(&mut self, now: Duration, message: &Bytes) -> Result<(), Refused>;

    /// Hand everything `side` wants to send to the link.
    fn transmit(&mut self, side: Side, now: Duration, link: &mut Link);

    /// Feed one packet to `side`.
    fn receive(&mut self, side: Side, now: Duration, packet: Bytes);

    /// Bytes of whole messages the server delivered since the last call (the payload is
    /// taken from the stack, not copied).
    fn take_delivered(&mut self) -> usize;

    /// The earliest timer of either end.
    fn next_timeout(&mut self) -> Option<Duration>;

    /// Fire the timers due at `now` on both ends.
    fn handle_timeout(&mut self, now: Duration);
}

/// Move packets both ways until neither end has anything to send. Returns packets moved.
pub fn pump<C: Contender>(c: &mut C, now: Duration, link: &mut Link) -> u64 {
    let before = link.packets_to_server + link.packets_to_client;
    loop {
        let mark = link.packets_to_server + link.packets_to_client;
        for side in [Side::Client, Side::Server] {
            c.transmit(side, now, link);
            while let Some(p) = link.pop(side.peer()) {
                c.receive(side.peer(), now, p);
            }
        }
        if link.packets_to_server + link.packets_to_client == mark {
            return mark - before;
        }
    }
}

/// Advance virtual time to the next timeout and fire it; `false` when no timer is set.
pub fn advance<C: Contender>(c: &mut C, now: &mut Duration) -> bool {
    match c.next_timeout() {
        Some(t) => {
            *now = (*now).max(t);
            c.handle_timeout(*now);
            true
        }
        None => false,
    }
}

/// Connect a fresh pair; panics if the handshake does not finish within a virtual minute
/// (a harness bug, not a measurement).
pub fn connected<C: Contender>(cfg: &PairConfig) -> (C, Link, Duration) {
    let mut c = C::new(cfg);
    let mut link = Link::default();
    let mut now = Duration::ZERO;
    c.connect(now);
    while !c.is_connected() {
        if pump(&mut c, now, &mut link) == 0 && !c.is_connected() {
            assert!(
                advance(&mut c, &mut now) && now < Duration::from_secs(60),
                "{}: handshake did not complete",
                C::NAME
            );
        }
    }
    (c, link, now)
}
