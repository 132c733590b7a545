//! Plain UDP ping-pong through tokio, no SCTP: where a tokio-based stack's round trip
//! starts (benches/README.md, "Ping-pong latency"), between `udp-limit ping` (blocking
//! calls) and `usctp-ping`.
//!
//! ```text
//! tokio-udp-ping echo PORT [task]              # send every datagram back
//! tokio-udp-ping ping PORT SECS LENGTH [task]  # to 127.0.0.1; prints "rtts=.. p50_us=.."
//! ```
//!
//! A current-thread runtime with I/O and timers, the application in `block_on`, as
//! `usctp-ping` runs. Without `task` the application reads and writes the socket itself;
//! with `task` a spawned task owns the socket and the application sends and receives
//! through two channels, as usctp's handles talk to its driver task: the cost of that hop.
//! `echo` stops on the empty datagram `ping` sends last.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// The socket's side of `task`: datagrams from `out` to `to`, datagrams received to `back`.
async fn io_task(
    sock: UdpSocket,
    to: Option<SocketAddr>,
    mut out: mpsc::UnboundedReceiver<(Vec<u8>, SocketAddr)>,
    back: mpsc::UnboundedSender<(Vec<u8>, SocketAddr)>,
) {
    let mut buf = vec![0u8; 65_536];
    loop {
        tokio::select! {
            m = out.recv() => {
                let Some((d, dst)) = m else { return };
                if sock.send_to(&d, to.unwrap_or(dst)).await.is_err() {
                    return;
                }
            }
            r = sock.recv_from(&mut buf) => {
                let Ok((n, from)) = r else { return };
                if back.send((buf[..n].to_vec(), from)).is_err() {
                    return;
                }
            }
        }
    }
}

/// Send and receive, on the socket itself or through `io_task`.
enum Link {
    Direct(UdpSocket, Vec<u8>),
    Task(
        mpsc::UnboundedSender<(Vec<u8>, SocketAddr)>,
        mpsc::UnboundedReceiver<(Vec<u8>, SocketAddr)>,
        tokio::task::JoinHandle<()>,
    ),
}

impl Link {
    fn new(sock: UdpSocket, task: bool, to: Option<SocketAddr>) -> Self {
        if !task {
            return Link::Direct(sock, vec![0u8; 65_536]);
        }
        let (out_tx, out_rx) = mpsc::unbounded_channel();
        let (back_tx, back_rx) = mpsc::unbounded_channel();
        let io = tokio::spawn(io_task(sock, to, out_rx, back_tx));
        Link::Task(out_tx, back_rx, io)
    }

    async fn send(&mut self, d: &[u8], to: SocketAddr) -> std::io::Result<()> {
        match self {
            Link::Direct(s, _) => s.send_to(d, to).await.map(drop),
            Link::Task(tx, _, _) => tx
                .send((d.to_vec(), to))
                .map_err(|_| std::io::Error::other("I/O task ended")),
        }
    }

    async fn recv(&mut self) -> std::io::Result<(Vec<u8>, SocketAddr)> {
        match self {
            Link::Direct(s, buf) => {
                let (n, from) = s.recv_from(buf).await?;
                Ok((buf[..n].to_vec(), from))
            }
            Link::Task(_, rx, _) => rx
                .recv()
                .await
                .ok_or_else(|| std::io::Error::other("I/O task ended")),
        }
    }

    /// Wait until what was sent left (the I/O task sends what is queued, then ends).
    async fn close(self) {
        if let Link::Task(tx, _, io) = self {
            drop(tx);
            let _ = io.await;
        }
    }
}

async fn echo(port: u16, task: bool) -> std::io::Result<()> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, port)).await?;
    let mut link = Link::new(sock, task, None);
    loop {
        let (d, from) = link.recv().await?;
        if d.is_empty() {
            return Ok(()); // the end of a `ping`
        }
        link.send(&d, from).await?;
    }
}

async fn ping(port: u16, secs: u64, length: usize, task: bool) -> std::io::Result<()> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let to = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut link = Link::new(sock, task, Some(to));
    let out = vec![0x61u8; length];
    let (end, mut rtts) = (Instant::now() + Duration::from_secs(secs), Vec::new());
    while Instant::now() < end {
        let t0 = Instant::now();
        link.send(&out, to).await?;
        // No timer per round trip (usctp-ping sets none): a lost datagram hangs the run,
        // which the caller's timeout reports.
        let (d, _) = link.recv().await?;
        if d.len() != length {
            let e = format!("echo of {} bytes, sent {length}", d.len());
            return Err(std::io::Error::other(e));
        }
        rtts.push(t0.elapsed());
    }
    println!("{}", usctp_benches::latency::summary(rtts));
    link.send(&[], to).await?; // ends `echo`
    link.close().await;
    Ok(())
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.iter().skip(2).any(|a| a == "task");
    args.retain(|a| a != "task");
    let num = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok());
    let port = num(1).and_then(|p| u16::try_from(p).ok());
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tokio-udp-ping: tokio runtime: {e}");
            std::process::exit(1);
        }
    };
    let r = match (args.first().map(String::as_str), port, num(2), num(3)) {
        (Some("echo"), Some(port), None, None) => rt.block_on(echo(port, task)),
        (Some("ping"), Some(port), Some(secs), Some(length)) => {
            let length = usize::try_from(length).unwrap_or(1).max(1);
            rt.block_on(ping(port, secs, length, task))
        }
        _ => {
            eprintln!("usage: tokio-udp-ping echo PORT [task] | ping PORT SECS LENGTH [task]");
            std::process::exit(2);
        }
    };
    if let Err(e) = r {
        eprintln!("tokio-udp-ping: {e}");
        std::process::exit(1);
    }
}
