//! Helpers shared by the integration tests: endpoints over UDP on loopback.

#![allow(dead_code)]

pub mod netns;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use usctp::{
    Endpoint, EndpointConfig, Faults, FaultyTransport, TransportConfig, UdpConfig, UdpTransport,
};

pub const LO1: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
pub const LO2: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

/// Timers scaled for loopback so failures are detected in tens of milliseconds.
pub fn fast(mut cfg: EndpointConfig) -> EndpointConfig {
    let a = &mut cfg.protocol.association;
    a.rto_initial = Duration::from_millis(100);
    a.rto_min = Duration::from_millis(30);
    a.rto_max = Duration::from_millis(500);
    a.hb_interval = Some(Duration::from_millis(100));
    a.sack_delay = Duration::from_millis(20);
    cfg
}

fn udp_cfg() -> UdpConfig {
    let mut u = UdpConfig::with_port(0);
    u.ipv6 = false;
    u
}

/// An endpoint on SCTP `port` over UDP (ephemeral UDP port) with `addrs`.
pub async fn udp_endpoint(addrs: &[IpAddr], port: u16) -> Endpoint {
    let cfg = EndpointConfig::new(addrs.to_vec(), port, TransportConfig::Udp(udp_cfg()));
    Endpoint::bind(fast(cfg)).await.expect("bind")
}

/// An endpoint over UDP whose packets go through `faults`.
pub async fn faulty_udp_endpoint(addrs: &[IpAddr], port: u16, faults: &Faults) -> Endpoint {
    faulty_udp_endpoint_with(addrs, port, faults, |_| {}).await
}

/// As [`faulty_udp_endpoint`], `tune` adjusting the configuration first.
pub async fn faulty_udp_endpoint_with(
    addrs: &[IpAddr],
    port: u16,
    faults: &Faults,
    tune: impl FnOnce(&mut EndpointConfig),
) -> Endpoint {
    let udp = UdpTransport::bind(&udp_cfg()).expect("bind UDP");
    let t = Arc::new(FaultyTransport::new(udp, faults.clone()));
    let mut cfg = fast(EndpointConfig::new(
        addrs.to_vec(),
        port,
        TransportConfig::Custom(t),
    ));
    tune(&mut cfg);
    Endpoint::bind(cfg).await.expect("bind")
}

/// A message body: `seq` in the first 4 bytes, then a pattern derived from it.
pub fn body(seq: u32, len: usize) -> Vec<u8> {
    let mut v: Vec<u8> = (0..len).map(|i| (i as u32 ^ seq) as u8).collect();
    v[..4].copy_from_slice(&seq.to_be_bytes());
    v
}

/// Check a body made by [`body`] and return its `seq`.
pub fn check(data: &[u8]) -> u32 {
    let seq = u32::from_be_bytes(data[..4].try_into().expect("4 bytes"));
    assert_eq!(data, &body(seq, data.len())[..], "message {seq} corrupted");
    seq
}

/// Message sizes: mostly small, some medium, a few of 256 KiB.
pub fn size_of(seq: u32) -> usize {
    match seq % 100 {
        0 => 256 * 1024,
        1..=9 => 4 + (seq as usize * 7919) % 16_384,
        _ => 4 + (seq as usize * 131) % 1200,
    }
}

/// Wait until every path of `a` is active and has received packets.
pub async fn all_paths_active(a: &usctp::Association, paths: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let s = a.stats().await.expect("association alive");
        let ok = s.paths.len() == paths
            && s.paths
                .iter()
                .all(|p| p.state == usctp::PathState::Active && p.counters.packets_received > 0);
        if ok {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "paths not all active: {:?}",
            s.paths
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
