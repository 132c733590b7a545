//! Plain UDP on loopback, no SCTP: the limit of the machine that `benches/udp-compare` puts
//! next to the SCTP stacks.
//!
//! ```text
//! udp-limit recv PORT COUNT LENGTH [gro]   # prints "bytes=.. messages=.. secs=.."
//! udp-limit send PORT COUNT LENGTH [gso]   # to 127.0.0.1:PORT
//! ```
//!
//! `send` makes one `send` per datagram, or with `gso` one per 50 datagrams (UDP_SEGMENT);
//! `recv` reads one datagram per call, or with `gro` coalesced runs (UDP_GRO). Datagrams the
//! receiver's buffer cannot hold are lost, as UDP does: the receiver reports what arrived,
//! and stops once all arrived or after a second of silence.

use std::net::{Ipv4Addr, UdpSocket};
use std::time::{Duration, Instant};

use nix::sys::socket::{setsockopt, sockopt};

/// Datagrams per GSO send (as in ../shared/bench/peers.md's reference figure).
const GSO_SEGMENTS: usize = 50;
/// Socket buffer asked for: usctp's default.
const BUFFER: usize = 4 << 20;
const SILENCE: Duration = Duration::from_secs(1);

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
    let mut left = count;
    while left > 0 {
        let n = left.min(per_send);
        // ECONNREFUSED from an earlier ICMP, ENOBUFS: the datagram is lost, as UDP does.
        let _ = sock.send(&buf[..n * length]);
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
    while bytes < want {
        // Wait as long as it takes for the first datagram, then at most SILENCE.
        sock.set_read_timeout(first.map(|_| SILENCE))?;
        match sock.recv(&mut buf) {
            Ok(n) => {
                let now = Instant::now();
                first.get_or_insert(now);
                last = Some(now);
                bytes += n as u64;
                calls += 1;
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
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize| args.get(i).and_then(|a| a.parse::<usize>().ok());
    let (Some(role), Some(port), Some(count), Some(length)) =
        (args.first(), num(1), num(2), num(3))
    else {
        eprintln!("usage: udp-limit recv|send PORT COUNT LENGTH [gro|gso]");
        std::process::exit(2);
    };
    let port = u16::try_from(port).unwrap_or(0);
    let opt = args.get(4).map(String::as_str);
    let r = match (role.as_str(), opt) {
        ("send", None | Some("gso")) => send(port, count, length.max(1), opt.is_some()),
        ("recv", None | Some("gro")) => recv(port, count, length.max(1), opt.is_some()),
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
