//! sctp-proto (crates.io) over UDP on loopback, one process per end, for `benches/udp-compare`.
//!
//! ```text
//! sctp-proto-udp recv PORT COUNT LENGTH [gso]  # prints "bytes=.. messages=.. secs=.."
//! sctp-proto-udp send PORT COUNT LENGTH [gso]  # to 127.0.0.1:PORT
//! sctp-proto-udp echo PORT 0 LENGTH            # send every message back
//! sctp-proto-udp ping PORT SECS LENGTH         # one at a time; prints "rtts=.. p50_us=.."
//! ```
//!
//! One thread, a non-blocking std UDP socket, `poll(2)` to wait; one `send` per SCTP packet
//! (what sctp-proto hands out), or with `gso` the packets of one poll batched into GSO sends
//! (UDP_SEGMENT) and received coalesced (UDP_GRO), the way usctp's driver uses the socket.
//! The receiver exits with status 3 when fewer than COUNT × LENGTH bytes arrived. The configuration is the in-memory comparison's
//! ([`PairConfig`]): 1472-byte SCTP packets (1500-byte path), 1 MiB receive window and send
//! buffer, one stream, reliable ordered.

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};

use bytes::Bytes;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::socket::{
    recvmsg, sendmsg, setsockopt, sockopt, ControlMessage, ControlMessageOwned, MsgFlags,
    SockaddrIn,
};
use sctp_proto::{
    Association, AssociationHandle, DatagramEvent, Endpoint, PayloadProtocolIdentifier,
};
use usctp_benches::sctp_proto_pair::{
    client_config, drain_events, endpoint_config, packets, server_endpoint, STREAM,
};
use usctp_benches::PairConfig;

const PPI: PayloadProtocolIdentifier = PayloadProtocolIdentifier::Binary;
/// The receiver keeps answering this long after the last message (its final SACKs).
const LINGER: Duration = Duration::from_millis(300);
/// The sender gives up when the peer has been silent this long.
const SILENCE: Duration = Duration::from_secs(3);
/// Most segments in one GSO send (the kernel's limit is 64).
const GSO_MAX: usize = 64;

struct Side {
    sock: UdpSocket,
    ep: Endpoint,
    assoc: Option<(AssociationHandle, Association)>,
    connected: bool,
    buf: Vec<u8>,
    /// Messages and bytes delivered, first and last delivery.
    messages: u64,
    bytes: u64,
    first: Option<Instant>,
    last: Option<Instant>,
    heard: Instant,
    /// Packets the socket refused (full buffer): lost, SCTP retransmits them.
    send_errors: u64,
    /// Waits that ended without a packet (timer or cap).
    idle_waits: u64,
    /// GSO send and GRO receive.
    gso: bool,
}

impl Side {
    fn new(sock: UdpSocket, ep: Endpoint, gso: bool) -> std::io::Result<Self> {
        sock.set_nonblocking(true)?;
        if gso {
            setsockopt(&sock, sockopt::UdpGroSegment, &true)?;
        }
        // usctp's default socket buffers, so that a window's burst fits as it does for usctp.
        let s = socket2::SockRef::from(&sock);
        s.set_recv_buffer_size(4 << 20)?;
        s.set_send_buffer_size(4 << 20)?;
        Ok(Self {
            sock,
            ep,
            assoc: None,
            connected: false,
            buf: vec![0; 65_536],
            messages: 0,
            bytes: 0,
            first: None,
            last: None,
            heard: Instant::now(),
            send_errors: 0,
            idle_waits: 0,
            gso,
        })
    }

    /// One datagram (or with GRO a coalesced run): its length, sender and segment size.
    fn recv_one(&mut self) -> Option<(usize, SocketAddr, usize)> {
        if !self.gso {
            let (len, from) = self.sock.recv_from(&mut self.buf).ok()?;
            return Some((len, from, len));
        }
        let mut cmsg = nix::cmsg_space!(i32);
        let mut iov = [std::io::IoSliceMut::new(&mut self.buf)];
        let fd = self.sock.as_raw_fd();
        let m = recvmsg::<SockaddrIn>(fd, &mut iov, Some(&mut cmsg), MsgFlags::empty()).ok()?;
        let mut seg = m.bytes;
        for c in m.cmsgs().ok()? {
            if let ControlMessageOwned::UdpGroSegments(s) = c {
                seg = usize::try_from(s).unwrap_or(m.bytes).max(1);
            }
        }
        let from = SocketAddr::from(std::net::SocketAddrV4::from(m.address?));
        Some((m.bytes, from, seg))
    }

    /// Receive everything waiting; returns the number of packets.
    fn receive(&mut self) -> usize {
        let mut n = 0;
        while let Some((len, from, seg)) = self.recv_one() {
            for start in (0..len).step_by(seg.max(1)) {
                n += 1;
                let data = Bytes::copy_from_slice(&self.buf[start..len.min(start + seg)]);
                match self.ep.handle(Instant::now(), from, None, None, data) {
                    Some((h, DatagramEvent::NewAssociation(a))) => self.assoc = Some((h, a)),
                    Some((_, DatagramEvent::AssociationEvent(e))) => {
                        if let Some((_, a)) = self.assoc.as_mut() {
                            a.handle_event(e);
                        }
                    }
                    None => {}
                }
            }
            self.events();
        }
        if n > 0 {
            self.heard = Instant::now();
        }
        n
    }

    /// Send `out` as GSO batches: runs of packets to one address whose lengths are equal but
    /// for a shorter last one (UDP_SEGMENT's rule), at most [`GSO_MAX`] and 64 KB each.
    fn send_gso(&mut self, out: &[(SocketAddr, Bytes)]) {
        let mut i = 0;
        let mut batch = Vec::with_capacity(65_536);
        while i < out.len() {
            let (to, seg) = (out[i].0, out[i].1.len());
            let mut j = i;
            batch.clear();
            while j < out.len()
                && j - i < GSO_MAX
                && out[j].0 == to
                && out[j].1.len() <= seg
                && batch.len() + out[j].1.len() <= 65_000
            {
                batch.extend_from_slice(&out[j].1);
                j += 1;
                if out[j - 1].1.len() < seg {
                    break;
                }
            }
            let SocketAddr::V4(v4) = to else {
                self.send_errors += 1;
                i = j;
                continue;
            };
            let addr = SockaddrIn::from(v4);
            let iov = [std::io::IoSlice::new(&batch)];
            let seg16 = u16::try_from(seg).unwrap_or(u16::MAX);
            let gso = [ControlMessage::UdpGsoSegments(&seg16)];
            let cmsgs: &[ControlMessage<'_>] = if j - i > 1 { &gso } else { &[] };
            let fd = self.sock.as_raw_fd();
            if sendmsg(fd, &iov, cmsgs, MsgFlags::empty(), Some(&addr)).is_err() {
                self.send_errors += 1;
            }
            i = j;
        }
    }

    /// Handle association events: connection, readable data (counted and dropped).
    fn events(&mut self) {
        let Some(assoc) = self.assoc.as_mut() else {
            return;
        };
        let (first, last) = (&mut self.first, &mut self.last);
        let (messages, bytes) = (&mut self.messages, &mut self.bytes);
        drain_events(&mut self.ep, assoc, &mut self.connected, |len| {
            let now = Instant::now();
            first.get_or_insert(now);
            *last = Some(now);
            *messages += 1;
            *bytes += len as u64;
        });
    }

    /// Timers, then every packet due, one `send` each.
    fn transmit(&mut self) {
        let now = Instant::now();
        let mut out = Vec::new();
        while let Some(t) = self.ep.poll_transmit() {
            let to = t.remote;
            packets(t, |p| out.push((to, p)));
        }
        if let Some((_, a)) = self.assoc.as_mut() {
            if a.poll_timeout().is_some_and(|t| t <= now) {
                a.handle_timeout(now);
            }
            while let Some(t) = a.poll_transmit(now) {
                let to = t.remote;
                packets(t, |p| out.push((to, p)));
            }
        }
        // A full socket buffer drops the packet, as the network would: SCTP retransmits.
        if self.gso {
            self.send_gso(&out);
        } else {
            for (to, p) in out {
                if self.sock.send_to(&p, to).is_err() {
                    self.send_errors += 1;
                }
            }
        }
        self.events();
    }

    /// Wait for a packet, at most until the next timer or `cap`.
    fn wait(&mut self, cap: Duration) {
        let now = Instant::now();
        let timer = self
            .assoc
            .as_ref()
            .and_then(|(_, a)| a.poll_timeout())
            .map_or(cap, |t| t.saturating_duration_since(now).min(cap));
        let ms = u16::try_from(timer.as_millis().max(1)).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(self.sock.as_fd(), PollFlags::POLLIN)];
        if poll(&mut fds, PollTimeout::from(ms)).unwrap_or(0) == 0 {
            self.idle_waits += 1;
        }
    }

    fn buffered(&mut self) -> usize {
        self.assoc
            .as_mut()
            .and_then(|(_, a)| a.stream(STREAM).ok())
            .and_then(|s| s.buffered_amount().ok())
            .unwrap_or(0)
    }
}

fn send(port: u16, count: u64, length: usize, cfg: &PairConfig, gso: bool) -> Result<(), String> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("bind: {e}"))?;
    let peer = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut s = Side::new(sock, Endpoint::new(endpoint_config(cfg), None), gso)
        .map_err(|e| format!("socket: {e}"))?;
    let (h, mut a) =
        s.ep.connect(client_config(cfg), peer)
            .map_err(|e| format!("connect: {e:?}"))?;
    a.open_stream(STREAM, PPI)
        .map_err(|e| format!("open_stream: {e:?}"))?;
    s.assoc = Some((h, a));
    let message = Bytes::from(vec![0x61u8; length]);
    let mut written = 0u64;
    loop {
        if s.connected {
            while written < count && s.buffered() < cfg.send_buffer {
                let Some((_, a)) = s.assoc.as_mut() else {
                    break;
                };
                // The send buffer is checked above: a write error is not back-pressure.
                match a
                    .stream(STREAM)
                    .and_then(|mut st| st.write_sctp(&message, PPI))
                {
                    Ok(_) => written += 1,
                    Err(e) => return Err(format!("write: {e}; {written} of {count} written")),
                }
            }
        }
        s.transmit();
        let got = s.receive();
        if written == count && s.buffered() == 0 {
            eprintln!("send errors {}, idle waits {}", s.send_errors, s.idle_waits);
            return Ok(());
        }
        if s.heard.elapsed() > SILENCE {
            return Err(format!(
                "peer silent; {written} of {count} messages written"
            ));
        }
        if got == 0 {
            s.wait(Duration::from_millis(50));
        }
    }
}

fn recv(port: u16, count: u64, length: usize, cfg: &PairConfig, gso: bool) -> Result<(), String> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| format!("bind: {e}"))?;
    let mut s = Side::new(sock, server_endpoint(cfg), gso).map_err(|e| format!("socket: {e}"))?;
    let mut done: Option<Instant> = None;
    // Stop at LINGER after the last message, or after SILENCE once the transfer began.
    while done.is_none_or(|t| t.elapsed() < LINGER)
        && (s.first.is_none() || s.heard.elapsed() < SILENCE)
    {
        if s.receive() == 0 {
            s.wait(Duration::from_millis(50));
        }
        s.transmit();
        if done.is_none() && s.messages >= count {
            done = Some(Instant::now());
        }
    }
    let secs = match (s.first, s.last) {
        (Some(f), Some(l)) => (l - f).as_secs_f64(),
        _ => 0.0,
    };
    println!(
        "bytes={} messages={} secs={secs:.6} send_errors={} idle_waits={}",
        s.bytes, s.messages, s.send_errors, s.idle_waits
    );
    let want = count * length as u64;
    if s.bytes < want {
        eprintln!("sctp-proto-udp: received {} of {want} bytes", s.bytes);
        std::process::exit(3);
    }
    Ok(())
}

/// Answer every message with one of `length` bytes until the peer has been silent for
/// [`SILENCE`] (after the first packet).
fn echo(port: u16, length: usize, cfg: &PairConfig) -> Result<(), String> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| format!("bind: {e}"))?;
    let mut s = Side::new(sock, server_endpoint(cfg), false).map_err(|e| format!("socket: {e}"))?;
    let reply = Bytes::from(vec![0x62u8; length]);
    let mut answered = 0u64;
    while s.assoc.is_none() || s.heard.elapsed() < SILENCE {
        if s.receive() == 0 {
            s.wait(Duration::from_millis(50));
        }
        while answered < s.messages {
            let Some((_, a)) = s.assoc.as_mut() else {
                break;
            };
            a.stream(STREAM)
                .and_then(|mut st| st.write_sctp(&reply, PPI))
                .map_err(|e| format!("echo write: {e}"))?;
            answered += 1;
        }
        s.transmit();
    }
    Ok(())
}

/// Send one message of `length` bytes, wait for its echo, again for `secs` seconds; print
/// the round trips' percentiles.
fn ping(port: u16, secs: u64, length: usize, cfg: &PairConfig) -> Result<(), String> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("bind: {e}"))?;
    let peer = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut s = Side::new(sock, Endpoint::new(endpoint_config(cfg), None), false)
        .map_err(|e| format!("socket: {e}"))?;
    let (h, mut a) =
        s.ep.connect(client_config(cfg), peer)
            .map_err(|e| format!("connect: {e:?}"))?;
    a.open_stream(STREAM, PPI)
        .map_err(|e| format!("open_stream: {e:?}"))?;
    s.assoc = Some((h, a));
    while !s.connected {
        s.transmit();
        if s.receive() == 0 {
            s.wait(Duration::from_millis(50));
        }
        if s.heard.elapsed() > SILENCE {
            return Err("handshake: peer silent".into());
        }
    }
    let message = Bytes::from(vec![0x61u8; length]);
    let end = Instant::now() + Duration::from_secs(secs);
    let mut rtts = Vec::new();
    while Instant::now() < end {
        let before = (s.messages, s.bytes);
        let t0 = Instant::now();
        if let Some((_, a)) = s.assoc.as_mut() {
            a.stream(STREAM)
                .and_then(|mut st| st.write_sctp(&message, PPI))
                .map_err(|e| format!("write: {e}"))?;
        }
        s.transmit();
        while s.messages == before.0 {
            if s.receive() == 0 {
                s.wait(Duration::from_millis(50));
                if s.heard.elapsed() > SILENCE {
                    return Err("no echo: peer silent".into());
                }
                // Timers (a retransmission) while waiting.
                s.transmit();
            }
        }
        rtts.push(t0.elapsed());
        if s.messages != before.0 + 1 || s.bytes != before.1 + length as u64 {
            return Err(format!(
                "echo of {} bytes, sent {length}",
                s.bytes - before.1
            ));
        }
        // Acknowledge the echo (or arm the delayed SACK) before the next request.
        s.transmit();
    }
    println!("{}", usctp_benches::latency::summary(rtts));
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok());
    let (Some(role), Some(port), Some(count), Some(length)) =
        (args.first(), num(1), num(2), num(3))
    else {
        eprintln!("usage: sctp-proto-udp recv|send PORT COUNT LENGTH [gso]");
        std::process::exit(2);
    };
    let cfg = PairConfig {
        max_message: (length as usize).max(PairConfig::default().max_message),
        ..PairConfig::default()
    };
    let port = u16::try_from(port).unwrap_or(0);
    let gso = match args.get(4).map(String::as_str) {
        None => false,
        Some("gso") => true,
        Some(o) => {
            eprintln!("sctp-proto-udp: unknown option {o}");
            std::process::exit(2);
        }
    };
    let r = match role.as_str() {
        "send" => send(port, count, length as usize, &cfg, gso),
        "recv" => recv(port, count, length as usize, &cfg, gso),
        "echo" => echo(port, length as usize, &cfg),
        "ping" => ping(port, count, length as usize, &cfg),
        _ => Err(format!("unknown role {role}")),
    };
    if let Err(e) = r {
        eprintln!("sctp-proto-udp: {e}");
        std::process::exit(1);
    }
}
