//! [`SctpNode`]: a usctp-proto [`Endpoint`] as a simulator node, with an application that
//! records events and reads every message.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use usctp_proto::Message;
use usctp_proto::{AssocId, DatagramMeta, Endpoint, Event, TransportAddr};

use usctp_sim::{Addr, Datagram, Node};

/// An endpoint on a simulated host.
#[derive(Debug)]
pub struct SctpNode {
    /// The endpoint under test.
    pub ep: Endpoint,
    /// Local UDP port used as the source of encapsulated packets (RFC 6951).
    pub udp_port: u16,
    /// Every event, in order.
    pub events: Vec<(AssocId, Event)>,
    /// Every message read, in order; the pieces of a partial delivery are joined into one
    /// message here once its end is read.
    pub messages: Vec<(AssocId, Message)>,
    /// Every piece of every partially delivered message, as read (RFC 6458 §3.1.4).
    pub pieces: Vec<(AssocId, Message)>,
    /// The partial messages still missing their end, by association, stream and U flag
    /// (one at a time per association with DATA; one per stream with I-DATA, RFC 8260).
    partial: HashMap<(AssocId, u16, bool), (Message, BytesMut)>,
    /// Read messages as soon as they are ready (default true).
    pub auto_read: bool,
    addrs: Vec<IpAddr>,
    buf: Vec<u8>,
}

impl SctpNode {
    /// Wrap `ep`, whose host has `addrs`.
    pub fn new(ep: Endpoint, addrs: Vec<IpAddr>) -> Self {
        Self {
            ep,
            udp_port: 9899,
            events: Vec::new(),
            messages: Vec::new(),
            pieces: Vec::new(),
            partial: HashMap::new(),
            auto_read: true,
            addrs,
            buf: Vec::with_capacity(65_536),
        }
    }

    /// Move the endpoint's events here and read ready messages.
    pub fn drain(&mut self) {
        while let Some((id, e)) = self.ep.poll_event() {
            if e == Event::MessagesReady && self.auto_read {
                self.read(id);
            }
            self.events.push((id, e));
        }
    }

    /// Read every ready message of `id`.
    pub fn read(&mut self, id: AssocId) {
        let mut got = Vec::new();
        self.ep
            .with_association(id, |a| got.extend(std::iter::from_fn(|| a.poll_message())));
        for m in got {
            self.take(id, m);
        }
    }

    /// Record one read: a whole message, or a piece joined to those before it.
    fn take(&mut self, id: AssocId, m: Message) {
        let key = (id, m.stream.0, m.unordered);
        if m.aborted {
            // PR-SCTP: the sender abandoned the message being delivered in pieces.
            self.partial.remove(&key);
            self.pieces.push((id, m));
            return;
        }
        let first = !self.partial.contains_key(&key);
        if first && m.end_of_message {
            self.messages.push((id, m));
            return;
        }
        self.pieces.push((id, m.clone()));
        let (head, buf) = self
            .partial
            .entry(key)
            .or_insert_with(|| (m.clone(), BytesMut::new()));
        buf.extend_from_slice(&m.payload);
        if m.end_of_message {
            let whole = Message {
                payload: std::mem::take(buf).freeze(),
                end_of_message: true,
                ..head.clone()
            };
            self.partial.remove(&key);
            self.messages.push((id, whole));
        }
    }

    /// Bytes of the unfinished partial message of `id` read so far.
    pub fn partial_bytes(&self, id: AssocId) -> usize {
        self.partial
            .iter()
            .filter(|(k, _)| k.0 == id)
            .map(|(_, (_, b))| b.len())
            .sum()
    }

    /// Events of one association.
    pub fn events_of(&self, id: AssocId) -> impl Iterator<Item = &Event> {
        self.events
            .iter()
            .filter(move |(i, _)| *i == id)
            .map(|(_, e)| e)
    }

    fn source_for(&self, dst: IpAddr) -> IpAddr {
        let same = self.addrs.iter().find(|a| a.is_ipv4() == dst.is_ipv4());
        same.or(self.addrs.first()).copied().unwrap_or(dst)
    }
}

impl Node for SctpNode {
    fn handle_datagram(&mut self, now: Instant, d: Datagram) {
        let src = TransportAddr {
            ip: d.src.ip,
            udp_port: d.src.port,
        };
        self.ep
            .handle(now, DatagramMeta { src, dst: d.dst.ip }, d.payload);
        self.drain();
    }

    fn poll_transmit(&mut self, now: Instant) -> Option<Datagram> {
        self.drain();
        self.buf.clear();
        let t = self.ep.poll_transmit(now, &mut self.buf)?;
        let ip = t.src.unwrap_or_else(|| self.source_for(t.dst.ip));
        let src = Addr {
            ip,
            port: t.dst.udp_port.map(|_| self.udp_port),
        };
        let dst = Addr {
            ip: t.dst.ip,
            port: t.dst.udp_port,
        };
        Some(Datagram {
            src,
            dst,
            payload: Bytes::copy_from_slice(&self.buf),
            may_fragment: t.may_fragment,
        })
    }

    fn poll_timeout(&mut self) -> Option<Instant> {
        self.ep.poll_timeout()
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.ep.handle_timeout(now);
        self.drain();
    }
}
