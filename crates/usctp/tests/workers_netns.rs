//! A sharded endpoint (2 workers) between two network namespaces joined by two veth links
//! with IPv4 and IPv6 on each, over raw IP and over UDP: every path of every multihomed
//! association (4 paths: 2 links x 2 families) reaches the worker its SCTP ports hash to,
//! exercising the IPv4 (IP header, IHL) and IPv6 (no IP header) raw filters and both UDP
//! reuseport groups. A packet on the wrong worker would be out of the blue there and draw an
//! ABORT (RFC 9260 §8.4), so surviving associations with all paths active are the proof,
//! with the per-worker counters and the owner in the stats.
//!
//! Needs root (namespaces and CAP_NET_RAW); skips with a message otherwise.

mod common;

use std::net::IpAddr;
use std::time::Duration;

use common::netns::{in_netns, link_addrs, skip_reason, Netns};
use common::{all_paths_active, fast};
use usctp::{
    worker_for, Endpoint, EndpointConfig, PathState, TransportAddr, TransportConfig, UdpConfig,
};

const PORT: u16 = 5000;
const WORKERS: usize = 2;

fn addrs(server: bool) -> Vec<IpAddr> {
    [1, 2]
        .into_iter()
        .flat_map(link_addrs)
        .map(|(c, s)| if server { s } else { c })
        .collect()
}

fn bind_in(ns: &str, udp: bool, local: Vec<IpAddr>, port: u16, workers: usize) -> Endpoint {
    let rt = tokio::runtime::Handle::current();
    in_netns(ns, move || {
        // The server on the RFC 6951 port, each client on its own.
        let udp_port = if workers > 1 { 9899 } else { 0 };
        let mut cfg = if udp {
            EndpointConfig::new(
                local,
                port,
                TransportConfig::Udp(UdpConfig::with_port(udp_port)),
            )
        } else {
            EndpointConfig::raw(local, port)
        };
        cfg.workers = workers;
        rt.block_on(Endpoint::bind(fast(cfg))).expect("bind")
    })
}

async fn every_path_on_one_worker(tag: char, udp: bool) {
    if let Some(why) = skip_reason() {
        eprintln!("SKIPPED sharded endpoint namespace test: {why}");
        return;
    }
    let ns = Netns::create_with_prefix("uwk", tag).expect("namespaces");
    let server = bind_in(&ns.server, udp, addrs(true), PORT, WORKERS);
    let peers: Vec<_> = addrs(true)
        .into_iter()
        .map(|ip| match udp {
            true => TransportAddr::udp(ip, 9899),
            false => TransportAddr::raw(ip),
        })
        .collect();
    // Two client ports per worker.
    let ports: Vec<u16> = (0..WORKERS)
        .flat_map(|w| {
            (6000u16..)
                .filter(move |&p| worker_for(p, PORT, WORKERS) == w)
                .take(2)
        })
        .collect();
    let mut pairs = Vec::new();
    for &port in &ports {
        let client = bind_in(&ns.client, udp, addrs(false), port, 1);
        let (c, s) = tokio::join!(client.connect(&peers, PORT), server.accept());
        pairs.push((client, c.expect("connect"), s.expect("accept")));
    }
    for (_, c, s) in &pairs {
        all_paths_active(c, 4).await;
        all_paths_active(s, 4).await;
    }
    // A second of heartbeats on every path, then data both ways.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut on = vec![0; WORKERS];
    for (_, c, s) in &pairs {
        c.send(0, &b"ping"[..]).await.expect("send");
        assert_eq!(&s.recv().await.expect("recv").payload[..], b"ping");
        s.send(0, &b"pong"[..]).await.expect("send");
        assert_eq!(&c.recv().await.expect("recv").payload[..], b"pong");
        let st = s.stats().await.expect("server side alive");
        assert_eq!(st.worker, worker_for(s.peer_port(), PORT, WORKERS));
        assert!(st.paths.iter().all(|p| p.state == PathState::Active));
        on[st.worker] += 1;
    }
    let ws = server.worker_stats();
    eprintln!(
        "{} over 4 paths each: associations per worker {on:?}; received {ws:?}",
        if udp { "UDP" } else { "raw IP" }
    );
    assert_eq!(on, vec![2; WORKERS]);
    for w in &ws {
        assert!(w.inits >= 2 && w.cookie_echoes >= 2, "{ws:?}");
    }
    for (client, c, _) in pairs {
        c.shutdown().await.expect("graceful shutdown");
        client.close().await;
    }
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc9260_2_3_raw_ip_every_path_of_each_association_on_its_worker() {
    every_path_on_one_worker('r', false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc6951_5_1_udp_every_path_of_each_association_on_its_worker() {
    every_path_on_one_worker('u', true).await;
}
