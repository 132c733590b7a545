//! Plain UDP on loopback, no SCTP: the limit of the machine that `benches/udp-compare` puts
//! next to the SCTP stacks.
//!
//! ```text
//! udp-limit recv PORT COUNT LENGTH [gro]   # prints "bytes=.. messages=.. secs=.."
//! udp-limit send PORT COUNT LENGTH [gso]   # to 127.0.0.1:PORT
//! udp-limit echo PORT                      # send every datagram back
//! udp-limit ping PORT SECS LENGTH          # one at a time; prints "rtts=.. p50_us=.."
//! ```
//!
//! `echo` and `ping` are the floor of the ping-pong latency rows: one datagram out, its echo
//! back, the next only then. `echo` stops after a second of silence.
//!
//! `send` makes one `send` per datagram, or with `gso` one per 50 datagrams (UDP_SEGMENT);
//! `recv` reads one datagram per call, or with `gro` coalesced runs (UDP_GRO). The receiver
//! grants credit (an 8-byte count of bytes received, every [`CREDIT_EVERY`] bytes) and the
//! sender keeps at most [`WINDOW`] bytes beyond it, far less than the socket buffers, so no
//! datagram is lost on loopback and the receiver's count can be checked against
//! COUNT × LENGTH. The receiver reports what arrived and stops once all arrived or after a
//! second of silence; it exits with status 3 when it got less.

use std::net::{Ipv4Addr, UdpSocket};
use std::time::{Duration, Instant};

use nix::sys::socket::{setsockopt, sockopt};

/// Datagrams per GSO send (as in ../shared/bench/peers.md's reference figure).
const GSO_SEGMENTS: usize = 50;
/// Socket buffer asked for: usctp's default.
const BUFFER: usize = 4 << 20;
const SILENCE: Duration = Duration::from_secs(1);
/// Bytes the sender may have beyond the receiver's last credit (a quarter of the buffer).
const WINDOW: u64 = 1 << 20;
/// The receiver sends credit each time this many more bytes arrived.
const CREDIT_EVERY: u64 = 128 << 10;

fn buffers(sock: &UdpSocket) {
    // Best effort: the kernel caps it at net.core.{r,w}mem_max.
    let s = socket2::SockRef::from(sock);
    let _ = s.set_recv_buffer_size(BUFFER);
    let _ = s.set_send_buffer_size(BUFFER);
}

fn send(port: u16, count: usize, length: usize, gso: bool) -> std::io::Result<()> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    buffers(&sock);
    sock.connect((Ipv4Addr::LOCALHOST, port))?;
    let per_send = if gso {
        let seg = i32::try_from(length).unwrap_or(i32::MAX);
        setsockopt(&sock, sockopt::UdpGsoSegment, &seg)?;
        GSO_SEGMENTS
    } else {
        1
    };
    let buf = vec![0x61u8; length * per_send];
    let (mut left, mut sent, mut credit) = (count, 0u64, 0u64);
    let mut ack = [0u8; 8];
    sock.set_read_timeout(Some(SILENCE))?;
    while left > 0 {
        // Wait for credit when the window is used up (the receiver is behind).
        while sent >= credit + WINDOW {
            match sock.recv(&mut ack) {
                Ok(8) => credit = credit.max(u64::from_be_bytes(ack)),
                Ok(_) => {}
                Err(e) => return Err(std::io::Error::other(format!("no credit: {e}"))),
            }
        }
        let n = left.min(per_send);
        // ENOBUFS: the datagram is lost, and the receiver's count will say so.
        let _ = sock.send(&buf[..n * length]);
        sent += (n * length) as u64;
        left -= n;
    }
    Ok(())
}

fn recv(port: u16, count: usize, length: usize, gro: bool) -> std::io::Result<()> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, port))?;
    buffers(&sock);
    if gro {
        setsockopt(&sock, sockopt::UdpGroSegment, &true)?;
    }
    let mut buf = vec![0u8; 65_536];
    let want = (count * length) as u64;
    let (mut bytes, mut calls) = (0u64, 0u64);
    let (mut first, mut last) = (None, None);
    let mut credited = 0u64;
    while bytes < want {
        // Wait as long as it takes for the first datagram, then at most SILENCE.
        sock.set_read_timeout(first.map(|_| SILENCE))?;
        match sock.recv_from(&mut buf) {
            Ok((n, from)) => {
                let now = Instant::now();
                first.get_or_insert(now);
                last = Some(now);
                bytes += n as u64;
                calls += 1;
                if bytes >= credited + CREDIT_EVERY {
                    credited = bytes;
                    let _ = sock.send_to(&bytes.to_be_bytes(), from);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => break,
            Err(e) => return Err(e),
        }
    }
    let secs = match (first, last) {
        (Some(f), Some(l)) => (l - f).as_secs_f64(),
        _ => 0.0,
    };
    let messages = bytes / length.max(1) as u64;
    println!("bytes={bytes} messages={messages} secs={secs:.6} recv_calls={calls}");
    if bytes < want {
        eprintln!("udp-limit: received {bytes} of {want} bytes");
        std::process::exit(3);
    }
    Ok(())
}

fn echo(port: u16) -> std::io::Result<()> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, port))?;
    let mut buf = vec![0u8; 65_536];
    let mut started = false;
    loop {
        sock.set_read_timeout(started.then_some(SILENCE))?;
        match sock.recv_from(&mut buf) {
            Ok((n, from)) => {
                started = true;
                sock.send_to(&buf[..n], from)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

fn ping(port: u16, secs: usize, length: usize) -> std::io::Result<()> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    sock.connect((Ipv4Addr::LOCALHOST, port))?;
    sock.set_read_timeout(Some(SILENCE))?;
    let out = vec![0x61u8; length];
    let mut back = vec![0u8; 65_536];
    let end = Instant::now() + Duration::from_secs(secs as u64);
    let mut rtts = Vec::new();
    while Instant::now() < end {
        let t0 = Instant::now();
        sock.send(&out)?;
        // A lost datagram or a short echo ends the run: the row must not hide it.
        let n = sock.recv(&mut back)?;
        if n != length {
            return Err(std::io::Error::other(format!(
                "echo of {n} bytes, sent {length}"
            )));
        }
        rtts.push(t0.elapsed());
    }
    println!("{}", usctp_benches::latency::summary(rtts));
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize| args.get(i).and_then(|a| a.parse::<usize>().ok());
    let (Some(role), Some(port), Some(count), Some(length)) =
        (args.first(), num(1), num(2), num(3))
    else {
        if let (Some("echo"), Some(port)) = (args.first().map(String::as_str), num(1)) {
            if let Err(e) = echo(u16::try_from(port).unwrap_or(0)) {
                eprintln!("udp-limit: {e}");
                std::process::exit(1);
            }
            return;
        }
        eprintln!("usage: udp-limit recv|send PORT COUNT LENGTH [gro|gso] | echo PORT | ping PORT SECS LENGTH");
        std::process::exit(2);
    };
    let port = u16::try_from(port).unwrap_or(0);
    let opt = args.get(4).map(String::as_str);
    let r = match (role.as_str(), opt) {
        ("send", None | Some("gso")) => send(port, count, length.max(1), opt.is_some()),
        ("recv", None | Some("gro")) => recv(port, count, length.max(1), opt.is_some()),
        ("ping", None) => ping(port, count, length.max(1)),
        _ => {
            eprintln!("udp-limit: unknown role or option");
            std::process::exit(2);
        }
    };
    if let Err(e) = r {
        eprintln!("udp-limit: {e}");
        std::process::exit(1);
    }
}
