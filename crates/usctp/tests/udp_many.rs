//! 1,000 concurrent associations on one server endpoint over UDP on loopback, each echoing
//! messages; every one completes. Prints the memory used per association.
//!
//! Each client is its own endpoint (its own SCTP port and UDP socket), since one SCTP port
//! pair and address pair make one association. Each echoes 100 messages (issue 5).

mod common;

use std::time::{Duration, Instant};

use common::LO1;
use usctp::{Endpoint, EndpointConfig, SendOptions, TransportAddr, TransportConfig, UdpConfig};

const ASSOCIATIONS: u16 = 1000;
const MESSAGES: u32 = 100;
const SERVER_PORT: u16 = 9000;

fn cfg(port: u16) -> EndpointConfig {
    let mut udp = UdpConfig::with_port(0);
    udp.ipv6 = false;
    udp.buffer_size = 256 << 10;
    EndpointConfig::new(vec![LO1], port, TransportConfig::Udp(udp))
}

/// Resident set size, bytes (Linux `/proc/self/statm`, second field, in pages of 4 KiB).
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_associations_on_one_endpoint_each_echo() {
    let started = Instant::now();
    let server = Endpoint::bind(cfg(SERVER_PORT)).await.expect("bind server");
    let server_udp = server.local_udp_port().expect("udp port");
    let acceptor = {
        let server = server.clone();
        tokio::spawn(async move {
            let mut echoers = tokio::task::JoinSet::new();
            for _ in 0..ASSOCIATIONS {
                let a = server.accept().await.expect("incoming");
                echoers.spawn(async move {
                    let mut n = 0u32;
                    while let Ok(m) = a.recv().await {
                        a.send_with(m.payload, SendOptions::new(m.stream.0).ppid(m.ppid.0))
                            .await
                            .expect("echo");
                        n += 1;
                    }
                    n
                });
            }
            let mut total = 0u64;
            while let Some(n) = echoers.join_next().await {
                total += u64::from(n.expect("echoer"));
            }
            total
        })
    };

    let mut clients = Vec::new();
    for i in 0..ASSOCIATIONS {
        clients.push(Endpoint::bind(cfg(10_000 + i)).await.expect("bind client"));
    }
    let before = rss();

    // Phase 1: every association up at once.
    let peer = [TransportAddr::udp(LO1, server_udp)];
    let mut connecting = tokio::task::JoinSet::new();
    for c in &clients {
        let c = c.clone();
        connecting.spawn(async move { c.connect(&peer, SERVER_PORT).await });
    }
    let mut assocs = Vec::new();
    while let Some(r) = connecting.join_next().await {
        assocs.push(r.expect("task").expect("connect"));
    }
    let established = rss();
    let setup = started.elapsed();

    // Phase 2: all echo concurrently.
    let mut echoing = tokio::task::JoinSet::new();
    for (i, a) in assocs.into_iter().enumerate() {
        echoing.spawn(async move {
            for seq in 0..MESSAGES {
                let msg = format!(
                    "assoc {i} message {seq} {}",
                    "x".repeat((seq as usize * 37) % 500)
                );
                a.send_with(
                    msg.clone().into_bytes(),
                    SendOptions::new((seq % 2) as u16).ppid(1),
                )
                .await
                .expect("send");
                let echo = a.recv().await.expect("echo");
                assert_eq!(&echo.payload[..], msg.as_bytes());
            }
            let after = rss();
            a.shutdown().await.expect("graceful shutdown");
            after
        });
    }
    let mut peak = 0;
    while let Some(r) = tokio::time::timeout(Duration::from_secs(120), echoing.join_next())
        .await
        .expect("echoes in time")
    {
        peak = peak.max(r.expect("association task"));
    }
    let total = tokio::time::timeout(Duration::from_secs(60), acceptor)
        .await
        .expect("server done in time")
        .expect("acceptor");
    assert_eq!(total, u64::from(ASSOCIATIONS) * u64::from(MESSAGES));

    let per_pair = established.saturating_sub(before) / u64::from(ASSOCIATIONS);
    let per_pair_busy = peak.saturating_sub(before) / u64::from(ASSOCIATIONS);
    eprintln!(
        "{ASSOCIATIONS} associations x {MESSAGES} echoed messages in {:.1?} (setup {setup:.1?}); \
         RSS {} KiB with idle endpoints, +{} KiB established, +{} KiB while echoing: \
         {:.1} KiB per association (both ends, idle), {:.1} KiB busy",
        started.elapsed(),
        before / 1024,
        established.saturating_sub(before) / 1024,
        peak.saturating_sub(before) / 1024,
        per_pair as f64 / 1024.0,
        per_pair_busy as f64 / 1024.0,
    );
    for c in clients {
        c.close().await;
    }
    server.close().await;
}
