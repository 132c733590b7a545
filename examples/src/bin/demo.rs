//! The loopback demo: a client and a server, each with two addresses (127.0.0.1 and
//! 127.0.0.2), talk SCTP over UDP (RFC 6951). The client sends a stream of messages that the
//! server echoes; part-way the client's primary path (toward the server's 127.0.0.1) is cut
//! with the fault injector, later restored. Path events are printed as they happen, then a
//! graceful shutdown and a summary. Exit code 0 only if every message came back.
//!
//! `cargo run --release -p usctp-examples --bin demo`

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use usctp::{
    Endpoint, EndpointConfig, Event, Faults, FaultyTransport, SendOptions, TransportAddr,
    TransportConfig, UdpConfig, UdpTransport,
};

const LO1: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
const LO2: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
const MESSAGES: u32 = 2000;
const PACE: Duration = Duration::from_millis(1);

type Error = Box<dyn std::error::Error + Send + Sync>;

/// An endpoint over UDP (a free port) with faults applied, timers scaled for loopback.
async fn endpoint(port: u16, addrs: [IpAddr; 2], faults: &Faults) -> Result<Endpoint, Error> {
    let mut udp = UdpConfig::with_port(0);
    udp.ipv6 = false;
    let t = FaultyTransport::new(UdpTransport::bind(&udp)?, faults.clone());
    let mut cfg = EndpointConfig::new(addrs.to_vec(), port, TransportConfig::Custom(Arc::new(t)));
    let a = &mut cfg.protocol.association;
    a.rto_initial = Duration::from_millis(100);
    a.rto_min = Duration::from_millis(30);
    a.rto_max = Duration::from_millis(400);
    a.hb_interval = Some(Duration::from_millis(100));
    a.sack_delay = Duration::from_millis(10);
    Ok(Endpoint::bind(cfg).await?)
}

fn describe(e: &Event) -> Option<String> {
    Some(match e {
        Event::Connected => "association established".into(),
        Event::PathAdded { path, addr } => format!("path {} added: {addr}", path.0),
        Event::PathStateChanged { path, addr, state } => {
            format!("path {} ({addr}) is now {state:?}", path.0)
        }
        Event::PrimaryChanged { path, addr } => format!("primary is now path {} ({addr})", path.0),
        Event::PeerShutdown => "peer started shutdown".into(),
        Event::ShutdownComplete => "shutdown complete".into(),
        Event::Closed(r) => format!("closed: {r:?}"),
        _ => return None,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<bool, Error> {
    let t0 = Instant::now();
    let stamp = move || format!("{:>7.3}s", t0.elapsed().as_secs_f64());
    let client_faults = Faults::new(1);
    // The core sends a path's packets from the first local address of the family unless the
    // path came from a received COOKIE ECHO; listing 127.0.0.2 first makes the server's
    // second path leave from the address that stays reachable.
    let server = endpoint(5000, [LO2, LO1], &Faults::new(2)).await?;
    let client = endpoint(5001, [LO1, LO2], &client_faults).await?;
    let server_udp = server.local_udp_port().ok_or("no UDP port")?;
    println!("server: SCTP port 5000 on {LO1}, {LO2} over UDP port {server_udp}");
    println!(
        "client: SCTP port 5001 on {LO1}, {LO2} over UDP port {}",
        client.local_udp_port().ok_or("no UDP port")?
    );

    let echo = tokio::spawn(async move {
        let a = Arc::new(server.accept().await?);
        let events = Arc::clone(&a);
        tokio::spawn(async move {
            while let Some(e) = events.event().await {
                if let Some(text) = describe(&e) {
                    println!("{} server: {text}", stamp());
                }
            }
        });
        while let Ok(m) = a.recv().await {
            a.send_with(m.payload.clone(), SendOptions::reply_to(&m))
                .await
                .ok()?;
        }
        Some(())
    });

    let peers = [
        TransportAddr::udp(LO1, server_udp),
        TransportAddr::udp(LO2, server_udp),
    ];
    let assoc = Arc::new(client.connect(&peers, 5000).await?);
    let changes = Arc::new(Mutex::new(HashMap::<IpAddr, u32>::new()));
    let printer = {
        let (a, changes) = (Arc::clone(&assoc), Arc::clone(&changes));
        tokio::spawn(async move {
            while let Some(e) = a.event().await {
                if let Event::PathStateChanged { addr, .. } = &e {
                    *changes
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .entry(addr.ip)
                        .or_default() += 1;
                }
                if let Some(text) = describe(&e) {
                    println!("{} client: {text}", stamp());
                }
            }
        })
    };

    let sent_at = Arc::new(Mutex::new(HashMap::<u32, Instant>::new()));
    let receiver = {
        let (a, sent_at) = (Arc::clone(&assoc), Arc::clone(&sent_at));
        tokio::spawn(async move {
            let (mut n, mut max) = (0u32, Duration::ZERO);
            while n < MESSAGES {
                let Ok(m) = a.recv().await else { break };
                let seq = u32::from_be_bytes(m.payload[..4].try_into().unwrap_or_default());
                if let Some(t) = sent_at
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(&seq)
                {
                    max = max.max(t.elapsed());
                }
                n += 1;
            }
            (n, max)
        })
    };

    for seq in 0..MESSAGES {
        if seq == MESSAGES / 3 {
            println!(
                "{} fault: cutting the client's primary path (to {LO1})",
                stamp()
            );
            client_faults.block_sends_to(LO1);
        }
        if seq == 2 * MESSAGES / 3 {
            println!("{} fault: restoring the path to {LO1}", stamp());
            client_faults.bring_up(LO1);
        }
        let mut body = seq.to_be_bytes().to_vec();
        body.resize(64 + (seq as usize * 97) % 1400, 0x5a);
        sent_at
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(seq, Instant::now());
        assoc.send(0, body).await?;
        tokio::time::sleep(PACE).await;
    }
    let (received, max_latency) = tokio::time::timeout(Duration::from_secs(30), receiver).await??;
    let stats = assoc.stats().await.ok_or("association gone")?;
    assoc.shutdown().await?;
    printer.await?;
    let _ = echo.await;
    client.close().await;

    println!();
    println!("path                      state        changes  pkts out  pkts in  srtt");
    let changes = changes.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for p in &stats.paths {
        println!(
            "{:<25} {:<12} {:>7} {:>9} {:>8}  {}",
            format!(
                "{}{}",
                p.remote,
                if p.id == stats.primary {
                    " (primary)"
                } else {
                    ""
                }
            ),
            format!("{:?}", p.state),
            changes.get(&p.remote.ip).copied().unwrap_or(0),
            p.counters.packets_sent,
            p.counters.packets_received,
            p.srtt.map_or("-".into(), |d| format!("{d:.2?}")),
        );
    }
    let ok = received == MESSAGES;
    println!(
        "summary: sent {MESSAGES}, echoed back {received}, max round trip {max_latency:.2?}, packets lost to the fault {}: {}",
        client_faults.dropped(),
        if ok { "OK" } else { "MESSAGES LOST" }
    );
    Ok(ok)
}
