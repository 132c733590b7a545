//! usctp: two `usctp_proto::Endpoint`s driven directly (no simulator, no tracing observer).

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp_proto::SendError;
use usctp_proto::{
    AssocError, AssocId, AssociationConfig, DatagramMeta, Endpoint, EndpointConfig, Event,
    TransportAddr,
};
use usctp_wire::StreamId;

use crate::link::{Contender, Link, PairConfig, Refused, Side};

/// The UDP port both ends use (RFC 6951 encapsulation, so the packet size matches UDP).
const UDP_PORT: u16 = 9899;
const CLIENT_PORT: u16 = 40_000;
const SERVER_PORT: u16 = 5000;

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 0, 0, last))
}

/// Association parameters matching [`PairConfig`] (the IP/UDP headers are added back to the
/// SCTP packet size, since usctp's MTU counts them).
pub fn association_config(cfg: &PairConfig) -> AssociationConfig {
    let mut a = AssociationConfig::default();
    a.initial_mtu = cfg.sctp_packet + 28;
    a.receive_window = u32::try_from(cfg.receive_window).unwrap_or(u32::MAX);
    a.send_queue_limit = cfg.send_buffer;
    a.max_message_size = cfg.max_message;
    a.max_burst = cfg.max_burst;
    a
}

/// An endpoint configuration with a fixed seed and `assoc` defaults.
pub fn endpoint_config(seed: u64, assoc: AssociationConfig) -> EndpointConfig {
    let mut e = EndpointConfig::default();
    e.rng_seed = Some(seed);
    e.association = assoc;
    e
}

/// Both ends of a usctp pair.
pub struct UsctpPair {
    epoch: Instant,
    client: Endpoint,
    server: Endpoint,
    client_assoc: Option<AssocId>,
    server_assoc: Option<AssocId>,
    client_up: bool,
    delivered: usize,
    /// Room for a Max.Burst of full packets and a control packet.
    burst_bytes: usize,
    /// Packet lengths of the transmit in progress (kept to reuse its allocation).
    lens: Vec<usize>,
}

impl UsctpPair {
    fn endpoint(&mut self, side: Side) -> &mut Endpoint {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }

    fn drain_events(&mut self, side: Side) {
        loop {
            let ev = self.endpoint(side).poll_event();
            let Some((id, ev)) = ev else { return };
            match (side, ev) {
                (Side::Client, Event::Connected) => self.client_up = true,
                (Side::Server, Event::Connected) => self.server_assoc = Some(id),
                (Side::Server, Event::MessagesReady) => {
                    let mut n = 0;
                    self.server.with_association(id, |a| {
                        while let Some(m) = a.poll_message() {
                            n += m.payload.len();
                        }
                    });
                    self.delivered += n;
                }
                _ => {}
            }
        }
    }
}

impl Contender for UsctpPair {
    const NAME: &'static str = "usctp";

    #[allow(clippy::disallowed_methods)] // the benchmark's epoch; time is virtual after it
    fn new(cfg: &PairConfig) -> Self {
        let epoch = Instant::now();
        let assoc = association_config(cfg);
        let client = Endpoint::new(
            endpoint_config(1, assoc.clone()),
            CLIENT_PORT,
            vec![ip(1)],
            epoch,
        );
        let server = Endpoint::new(endpoint_config(2, assoc), SERVER_PORT, vec![ip(2)], epoch);
        Self {
            epoch,
            client,
            server,
            client_assoc: None,
            server_assoc: None,
            client_up: false,
            delivered: 0,
            burst_bytes: (cfg.max_burst as usize + 1) * cfg.sctp_packet,
            lens: Vec::new(),
        }
    }

    fn connect(&mut self, now: Duration) {
        let server = TransportAddr::udp(ip(2), UDP_PORT);
        let id = self
            .client
            .connect(self.epoch + now, &[server], SERVER_PORT, None)
            .ok();
        self.client_assoc = id;
    }

    fn is_connected(&self) -> bool {
        self.client_up && self.server_assoc.is_some()
    }

    fn send(&mut self, _now: Duration, message: &Bytes) -> Result<(), Refused> {
        let Some(id) = self.client_assoc else {
            return Err(Refused::Failed("not connected".into()));
        };
        let r = self
            .client
            .with_association(id, |a| a.send(StreamId(0), message.clone()));
        match r {
            Some(Ok(())) => Ok(()),
            Some(Err(AssocError::Send(SendError::QueueFull))) => Err(Refused::Full),
            Some(Err(e)) => Err(Refused::Failed(e.to_string())),
            None => Err(Refused::Failed("association gone".into())),
        }
    }

    fn transmit(&mut self, side: Side, now: Duration, link: &mut Link) {
        let at = self.epoch + now;
        // `poll_transmit` appends: one buffer takes the whole burst (as it would for GSO),
        // then each packet goes on the link as a slice of it.
        let mut buf = Vec::with_capacity(self.burst_bytes);
        let mut lens = std::mem::take(&mut self.lens);
        while let Some(t) = self.endpoint(side).poll_transmit(at, &mut buf) {
            lens.push(t.len);
        }
        let buf = Bytes::from(buf);
        let mut start = 0;
        for len in lens.drain(..) {
            link.push(side, buf.slice(start..start + len));
            start += len;
        }
        self.lens = lens;
        self.drain_events(side);
    }

    fn receive(&mut self, side: Side, now: Duration, packet: Bytes) {
        let (src, dst) = match side {
            Side::Client => (ip(2), ip(1)),
            Side::Server => (ip(1), ip(2)),
        };
        let meta = DatagramMeta {
            src: TransportAddr::udp(src, UDP_PORT),
            dst,
        };
        let at = self.epoch + now;
        self.endpoint(side).handle(at, meta, packet);
        self.drain_events(side);
    }

    fn take_delivered(&mut self) -> usize {
        std::mem::take(&mut self.delivered)
    }

    fn next_timeout(&mut self) -> Option<Duration> {
        let c = self.client.poll_timeout();
        let s = self.server.poll_timeout();
        let t = match (c, s) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        t.map(|t| t.saturating_duration_since(self.epoch))
    }

    fn handle_timeout(&mut self, now: Duration) {
        let at = self.epoch + now;
        self.client.handle_timeout(at);
        self.server.handle_timeout(at);
        self.drain_events(Side::Client);
        self.drain_events(Side::Server);
    }
}
