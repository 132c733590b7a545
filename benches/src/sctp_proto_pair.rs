//! sctp-proto (crates.io): two `sctp_proto::Endpoint`s and their associations.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sctp_proto::{
    Association, AssociationHandle, ClientConfig, DatagramEvent, Endpoint, EndpointConfig, Event,
    Payload, PayloadProtocolIdentifier, ServerConfig, TransportConfig,
};

use crate::link::{Contender, Link, PairConfig, Refused, Side};

/// The one stream every sctp-proto driver here uses.
pub const STREAM: u16 = 0;

fn addr(last: u8) -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)), 9899)
}

/// Transport parameters matching [`PairConfig`].
pub fn transport_config(cfg: &PairConfig) -> TransportConfig {
    let size = u32::try_from(cfg.max_message).unwrap_or(u32::MAX);
    TransportConfig::default()
        .with_max_receive_buffer_size(u32::try_from(cfg.receive_window).unwrap_or(u32::MAX))
        .with_max_send_message_size(size)
        .with_max_receive_message_size(size)
        .with_max_num_outbound_streams(16)
        .with_max_num_inbound_streams(16)
}

/// Endpoint parameters: DATA payload so that a packet is `cfg.sctp_packet` bytes (sctp-proto
/// adds 28 bytes of common and DATA header).
pub fn endpoint_config(cfg: &PairConfig) -> Arc<EndpointConfig> {
    let mut e = EndpointConfig::new();
    e.max_payload_size(u32::try_from(cfg.sctp_packet - 28).unwrap_or(1200));
    Arc::new(e)
}

/// A server endpoint.
pub fn server_endpoint(cfg: &PairConfig) -> Endpoint {
    let mut server = ServerConfig::new();
    server.transport = Arc::new(transport_config(cfg));
    Endpoint::new(endpoint_config(cfg), Some(Arc::new(server)))
}

/// A client configuration.
pub fn client_config(cfg: &PairConfig) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.transport = Arc::new(transport_config(cfg));
    c
}

/// Append every packet of `t` to `out`.
pub fn packets(t: sctp_proto::Transmit, mut out: impl FnMut(Bytes)) {
    if let Payload::RawEncode(v) = t.payload {
        v.into_iter().for_each(&mut out);
    }
}

struct End {
    endpoint: Endpoint,
    assoc: Option<(AssociationHandle, Association)>,
    addr: SocketAddr,
    connected: bool,
}

/// Handle one association's events: note the connection in `connected`, read every message
/// on [`STREAM`] and pass its length to `on_message` (the data is dropped), and exchange
/// endpoint events with `endpoint`.
pub fn drain_events(
    endpoint: &mut Endpoint,
    (h, a): &mut (AssociationHandle, Association),
    connected: &mut bool,
    mut on_message: impl FnMut(usize),
) {
    while let Some(e) = a.poll() {
        match e {
            Event::Connected => *connected = true,
            Event::Stream(_) => {
                if let Ok(mut s) = a.stream(STREAM) {
                    while let Ok(Some(chunks)) = s.read_sctp() {
                        on_message(chunks.len());
                    }
                }
            }
            _ => {}
        }
    }
    while let Some(e) = a.poll_endpoint_event() {
        if let Some(back) = endpoint.handle_event(*h, e) {
            a.handle_event(back);
        }
    }
}

impl End {
    fn drain_events(&mut self) -> usize {
        let mut delivered = 0;
        if let Some(assoc) = self.assoc.as_mut() {
            drain_events(&mut self.endpoint, assoc, &mut self.connected, |n| {
                delivered += n;
            });
        }
        delivered
    }
}

/// Both ends of an sctp-proto pair.
pub struct SctpProtoPair {
    epoch: Instant,
    client: End,
    server: End,
    client_cfg: ClientConfig,
    stream_open: bool,
    send_buffer: usize,
    delivered: usize,
}

impl SctpProtoPair {
    fn end(&mut self, side: Side) -> &mut End {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }
}

impl Contender for SctpProtoPair {
    const NAME: &'static str = "sctp-proto";

    fn new(cfg: &PairConfig) -> Self {
        let client_cfg = client_config(cfg);
        let end = |endpoint, a| End {
            endpoint,
            assoc: None,
            addr: addr(a),
            connected: false,
        };
        Self {
            epoch: Instant::now(),
            client: end(Endpoint::new(endpoint_config(cfg), None), 1),
            server: end(server_endpoint(cfg), 2),
            client_cfg,
            stream_open: false,
            send_buffer: cfg.send_buffer,
            delivered: 0,
        }
    }

    fn connect(&mut self, _now: Duration) {
        let to = self.server.addr;
        let cfg = self.client_cfg.clone();
        self.client.assoc = self.client.endpoint.connect(cfg, to).ok();
    }

    fn is_connected(&self) -> bool {
        self.client.connected && self.server.connected
    }

    fn send(&mut self, _now: Duration, message: &Bytes) -> Result<(), Refused> {
        let failed = |e: sctp_proto::Error| Refused::Failed(e.to_string());
        let Some((_, a)) = self.client.assoc.as_mut() else {
            return Err(Refused::Failed("not connected".into()));
        };
        if !self.stream_open {
            a.open_stream(STREAM, PayloadProtocolIdentifier::Binary)
                .map_err(failed)?;
            self.stream_open = true;
        }
        let mut s = a.stream(STREAM).map_err(failed)?;
        // sctp-proto queues without limit: the harness applies the send buffer itself.
        if s.buffered_amount().map_err(failed)? >= self.send_buffer {
            return Err(Refused::Full);
        }
        s.write_sctp(message, PayloadProtocolIdentifier::Binary)
            .map(drop)
            .map_err(failed)
    }

    fn transmit(&mut self, side: Side, now: Duration, link: &mut Link) {
        let at = self.epoch + now;
        let end = self.end(side);
        while let Some(t) = end.endpoint.poll_transmit() {
            packets(t, |p| link.push(side, p));
        }
        if let Some((_, a)) = end.assoc.as_mut() {
            while let Some(t) = a.poll_transmit(at) {
                packets(t, |p| link.push(side, p));
            }
        }
        self.delivered += self.end(side).drain_events();
    }

    fn receive(&mut self, side: Side, now: Duration, packet: Bytes) {
        let at = self.epoch + now;
        let from = self.end(side.peer()).addr;
        let end = self.end(side);
        match end.endpoint.handle(at, from, None, None, packet) {
            Some((h, DatagramEvent::NewAssociation(a))) => end.assoc = Some((h, a)),
            Some((_, DatagramEvent::AssociationEvent(e))) => {
                if let Some((_, a)) = end.assoc.as_mut() {
                    a.handle_event(e);
                }
            }
            None => {}
        }
        self.delivered += self.end(side).drain_events();
    }

    fn take_delivered(&mut self) -> usize {
        std::mem::take(&mut self.delivered)
    }

    fn next_timeout(&mut self) -> Option<Duration> {
        [&self.client, &self.server]
            .into_iter()
            .filter_map(|e| e.assoc.as_ref().and_then(|(_, a)| a.poll_timeout()))
            .min()
            .map(|t| t.saturating_duration_since(self.epoch))
    }

    fn handle_timeout(&mut self, now: Duration) {
        let at = self.epoch + now;
        for side in [Side::Client, Side::Server] {
            if let Some((_, a)) = self.end(side).assoc.as_mut() {
                a.handle_timeout(at);
            }
            self.delivered += self.end(side).drain_events();
        }
    }
}
