//! usctp's side of the ping-pong latency rows (`benches/udp-pingpong`), through the tokio
//! API: one association over UDP (RFC 6951) on loopback, one stream.
//!
//! ```text
//! usctp-ping echo UDP_PORT [spawn] [mt]              # SCTP port 5001; sends every message back
//! usctp-ping ping UDP_PORT SECS LENGTH [spawn] [mt]  # to 127.0.0.1; prints "rtts=.. p50_us=.."
//! ```
//!
//! `ping` sends one message, awaits its echo (`send` then `recv`), and again for SECS seconds;
//! a current-thread runtime, as `tput` uses (`mt`: a multi-thread runtime, tokio's default
//! worker count). `echo` ends when the association does.
//!
//! The application runs in `block_on`, as `#[tokio::main]` runs it; with `spawn` in a task
//! of its own instead (`block_on` awaits its handle). On a current-thread runtime that spares
//! a wake-up of `block_on`'s future, which tokio follows with a non-blocking `epoll_wait`
//! before it polls the future: one system call and one pass through the runtime's park per
//! message received (benches/README.md, "Ping-pong latency").

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp::{Endpoint, EndpointConfig, TransportAddr, TransportConfig, UdpConfig};

const SCTP_PORT: u16 = 5001;
const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn config(sctp_port: u16, udp_port: u16, length: usize) -> EndpointConfig {
    let mut cfg = EndpointConfig::new(
        vec![LOCAL],
        sctp_port,
        TransportConfig::Udp(UdpConfig::with_port(udp_port)),
    );
    let a = &mut cfg.protocol.association;
    a.max_message_size = a.max_message_size.max(length);
    cfg
}

async fn echo(udp_port: u16) -> Result<(), String> {
    let ep = Endpoint::bind(config(SCTP_PORT, udp_port, 0))
        .await
        .map_err(|e| format!("bind: {e}"))?;
    let a = ep.accept().await.ok_or("endpoint closed")?;
    while let Ok(m) = a.recv().await {
        if a.send(m.stream.0, m.payload).await.is_err() {
            break;
        }
    }
    drop(a);
    ep.close().await;
    Ok(())
}

async fn ping(udp_port: u16, secs: u64, length: usize) -> Result<(), String> {
    // An ephemeral SCTP port from the process id, as tput's client picks one.
    let port = 32_768 + (std::process::id() % 28_000) as u16;
    let ep = Endpoint::bind(config(port, 0, length))
        .await
        .map_err(|e| format!("bind: {e}"))?;
    let peer = TransportAddr::udp(LOCAL, udp_port);
    let a = tokio::time::timeout(Duration::from_secs(5), ep.connect(&[peer], SCTP_PORT))
        .await
        .map_err(|_| "connect: timed out".to_string())?
        .map_err(|e| format!("connect: {e}"))?;
    let message = Bytes::from(vec![0x61u8; length]);
    let (end, mut rtts) = (Instant::now() + Duration::from_secs(secs), Vec::new());
    while Instant::now() < end {
        let t0 = Instant::now();
        a.send(0, message.clone())
            .await
            .map_err(|e| format!("send: {e}"))?;
        let m = a.recv().await.map_err(|e| format!("recv: {e}"))?;
        rtts.push(t0.elapsed());
        if m.payload.len() != length {
            return Err(format!("echo of {} bytes, sent {length}", m.payload.len()));
        }
    }
    println!("{}", usctp_benches::latency::summary(rtts));
    let _ = a.shutdown().await;
    ep.close().await;
    Ok(())
}

/// Run `app` in `block_on`, or with `spawn` in a task of its own.
fn run<F>(rt: &tokio::runtime::Runtime, spawn: bool, app: F) -> Result<(), String>
where
    F: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    if !spawn {
        return rt.block_on(app);
    }
    rt.block_on(rt.spawn(app))
        .unwrap_or_else(|e| Err(format!("task: {e}")))
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut flag = |name: &str| {
        let found = args.iter().skip(2).any(|a| a == name);
        args.retain(|a| a != name);
        found
    };
    let (spawn, mt) = (flag("spawn"), flag("mt"));
    let rt = if mt {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    }
    .enable_all()
    .build();
    let rt = match rt {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("usctp-ping: tokio runtime: {e}");
            std::process::exit(1);
        }
    };
    let num = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok());
    let port = |i| num(i).and_then(|p| u16::try_from(p).ok());
    let r = match (
        args.first().map(String::as_str),
        port(1),
        num(2),
        num(3),
        args.len(),
    ) {
        (Some("echo"), Some(p), _, _, 2) => run(&rt, spawn, echo(p)),
        (Some("ping"), Some(p), Some(secs), Some(len), 4) => {
            let len = usize::try_from(len).unwrap_or(100);
            run(&rt, spawn, ping(p, secs, len))
        }
        _ => {
            eprintln!(
                "usage: usctp-ping echo UDP_PORT [spawn] [mt] | ping UDP_PORT SECS LENGTH [spawn] [mt]"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = r {
        eprintln!("usctp-ping: {e}");
        std::process::exit(1);
    }
}
