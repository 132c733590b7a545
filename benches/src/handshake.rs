//! Many handshakes through one server endpoint, in memory: the handshake rate, and the idle
//! associations left behind (for the memory rows).
//!
//! Each handshake uses a fresh client endpoint with its own addresses (the server tells
//! associations apart by the peer's address and port), in turn; the server keeps every
//! association. Virtual time advances 0.5 ms per handshake.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp_proto::{DatagramMeta, Endpoint, Event, PathState, TransportAddr};

use crate::cpu::{Elapsed, Stopwatch};
use crate::link::PairConfig;
use crate::{sctp_proto_pair, usctp_pair};

const UDP_PORT: u16 = 9899;
const SERVER_PORT: u16 = 5000;
const CLIENT_PORT: u16 = 40_000;

/// The `path`-th address of client `k` (distinct for every k < 2^24 and path < 8).
fn client_ip(k: u32, path: u8) -> IpAddr {
    let [_, a, b, c] = k.to_be_bytes();
    IpAddr::V4(Ipv4Addr::new(11 + path, a, b, c))
}

fn server_ip(path: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1 + path))
}

/// A usctp server endpoint holding the associations of `count` handshakes.
pub struct UsctpServer {
    /// The server endpoint.
    pub server: Endpoint,
    /// CPU and wall time of the handshakes (endpoint creation and teardown of the clients
    /// included).
    pub elapsed: Elapsed,
}

/// Deliver packets between one client and the server until both are quiet; packets for other
/// addresses (older associations) are dropped. `buf` is the caller's transmit buffer, reused as
/// a driver would; each packet is copied out of it into its own `Bytes` (the "wire").
fn exchange(
    now: Instant,
    client: &mut Endpoint,
    client_ips: &[IpAddr],
    server: &mut Endpoint,
    buf: &mut Vec<u8>,
) {
    loop {
        let mut moved = false;
        while let Some(t) = client.poll_transmit(now, buf) {
            let src = TransportAddr::udp(t.src.unwrap_or(client_ips[0]), UDP_PORT);
            let meta = DatagramMeta { src, dst: t.dst.ip };
            let packet = Bytes::copy_from_slice(buf);
            buf.clear();
            server.handle(now, meta, packet);
            moved = true;
        }
        while let Some(t) = server.poll_transmit(now, buf) {
            let packet = Bytes::copy_from_slice(buf);
            buf.clear();
            if client_ips.contains(&t.dst.ip) {
                let src = TransportAddr::udp(t.src.unwrap_or(server_ip(0)), UDP_PORT);
                client.handle(now, DatagramMeta { src, dst: t.dst.ip }, packet);
                moved = true;
            }
        }
        if !moved {
            return;
        }
    }
}

/// `count` usctp handshakes with `paths` addresses on each side; with more than one path,
/// each handshake also confirms the other addresses (RFC 9260 §5.4) before the next starts.
pub fn usctp(cfg: &PairConfig, count: u32, paths: u8) -> UsctpServer {
    let mut assoc = usctp_pair::association_config(cfg);
    // Idle means idle: no periodic heartbeats (path confirmation still runs).
    assoc.hb_interval = None;
    let mut ecfg = usctp_pair::endpoint_config(2, assoc.clone());
    ecfg.max_associations = count as usize + 1;
    let start = Instant::now();
    let server_ips: Vec<_> = (0..paths).map(server_ip).collect();
    let mut server = Endpoint::new(ecfg, SERVER_PORT, server_ips.clone(), start);
    let remotes: Vec<_> = server_ips
        .iter()
        .map(|ip| TransportAddr::udp(*ip, UDP_PORT))
        .collect();
    let mut buf = Vec::new();
    let clock = Stopwatch::start();
    for k in 0..count {
        // Virtual time: 2,000 handshakes per second, within the endpoint's default limit on
        // INIT ACKs per second (a flood guard, RFC 9260 §11.2.4).
        let now = start + Duration::from_micros(500) * k;
        let ips: Vec<_> = (0..paths).map(|p| client_ip(k, p)).collect();
        let ccfg = usctp_pair::endpoint_config(u64::from(k) + 3, assoc.clone());
        let mut client = Endpoint::new(ccfg, CLIENT_PORT, ips.clone(), now);
        let id = client.connect(now, &remotes, SERVER_PORT, None).ok();
        let mut up = false;
        for _ in 0..8 {
            exchange(now, &mut client, &ips, &mut server, &mut buf);
            client.handle_timeout(now);
            server.handle_timeout(now);
            while let Some((_, e)) = client.poll_event() {
                up |= e == Event::Connected;
            }
            while server.poll_event().is_some() {}
            // One path: confirmed by the handshake itself (no stats snapshot in the timed loop).
            let confirmed = paths == 1
                || id.and_then(|id| client.association(id)).is_some_and(|a| {
                    let st = a.stats();
                    st.paths.iter().all(|p| p.state != PathState::Unconfirmed)
                });
            if up && confirmed {
                break;
            }
        }
        assert!(up, "usctp handshake {k} did not complete");
    }
    UsctpServer {
        server,
        elapsed: clock.elapsed(),
    }
}

/// A sctp-proto server endpoint holding its associations (the endpoint alone does not own
/// them in sctp-proto's API).
pub struct SctpProtoServer {
    /// The endpoint.
    pub endpoint: sctp_proto::Endpoint,
    /// Its associations (the completed handshakes).
    pub associations: Vec<sctp_proto::Association>,
    /// CPU and wall time of the handshakes.
    pub elapsed: Elapsed,
}

/// `count` sctp-proto handshakes (single path: sctp-proto has no multihoming).
pub fn sctp_proto(cfg: &PairConfig, count: u32) -> SctpProtoServer {
    use sctp_proto::{DatagramEvent, Event as SEvent};
    let now = Instant::now();
    let mut server = sctp_proto_pair::server_endpoint(cfg);
    let server_addr = SocketAddr::new(server_ip(0), UDP_PORT);
    let client_cfg = sctp_proto_pair::client_config(cfg);
    let mut associations = Vec::with_capacity(count as usize);
    let clock = Stopwatch::start();
    for k in 0..count {
        let from = SocketAddr::new(client_ip(k, 0), UDP_PORT);
        let mut client = sctp_proto::Endpoint::new(sctp_proto_pair::endpoint_config(cfg), None);
        let Ok((_, mut ca)) = client.connect(client_cfg.clone(), server_addr) else {
            panic!("sctp-proto connect {k} failed");
        };
        let mut sa: Option<sctp_proto::Association> = None;
        let (mut c_up, mut s_up) = (false, false);
        for _ in 0..16 {
            let mut to_server = Vec::new();
            while let Some(t) = ca.poll_transmit(now) {
                sctp_proto_pair::packets(t, |p| to_server.push(p));
            }
            for p in to_server {
                match server.handle(now, from, None, None, p) {
                    Some((_, DatagramEvent::NewAssociation(a))) => sa = Some(a),
                    Some((_, DatagramEvent::AssociationEvent(e))) => {
                        if let Some(a) = sa.as_mut() {
                            a.handle_event(e);
                        }
                    }
                    None => {}
                }
            }
            let mut to_client = Vec::new();
            while let Some(t) = server.poll_transmit() {
                sctp_proto_pair::packets(t, |p| to_client.push(p));
            }
            if let Some(a) = sa.as_mut() {
                while let Some(t) = a.poll_transmit(now) {
                    sctp_proto_pair::packets(t, |p| to_client.push(p));
                }
                while let Some(e) = a.poll() {
                    s_up |= matches!(e, SEvent::Connected);
                }
            }
            for p in to_client {
                if let Some((_, DatagramEvent::AssociationEvent(e))) =
                    client.handle(now, server_addr, None, None, p)
                {
                    ca.handle_event(e);
                }
            }
            while let Some(e) = ca.poll() {
                c_up |= matches!(e, SEvent::Connected);
            }
            if c_up && s_up {
                break;
            }
        }
        // sctp-proto picks association ids at random and, past ~10^4 associations, now and
        // then collides with one it holds: that handshake fails and is not counted.
        if c_up && s_up {
            associations.extend(sa);
        }
    }
    SctpProtoServer {
        endpoint: server,
        associations,
        elapsed: clock.elapsed(),
    }
}

/// Handshakes per CPU second.
pub fn rate(count: u32, elapsed: Elapsed) -> f64 {
    f64::from(count) / elapsed.cpu.max(Duration::from_nanos(1)).as_secs_f64()
}
