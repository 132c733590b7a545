//! sctp-proto (crates.io) over UDP on loopback, one process per end, for `benches/udp-compare`.
//!
//! ```text
//! sctp-proto-udp recv PORT COUNT LENGTH      # prints "bytes=.. messages=.. secs=.."
//! sctp-proto-udp send PORT COUNT LENGTH      # to 127.0.0.1:PORT
//! ```
//!
//! One thread, a non-blocking std UDP socket, one `send` per SCTP packet (what sctp-proto
//! hands out), `poll(2)` to wait. The configuration is the in-memory comparison's
//! ([`PairConfig`]): 1472-byte SCTP packets (1500-byte path), 1 MiB receive window and send
//! buffer, one stream, reliable ordered.

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use bytes::Bytes;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
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
}

impl Side {
    fn new(sock: UdpSocket, ep: Endpoint) -> std::io::Result<Self> {
        sock.set_nonblocking(true)?;
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
        })
    }

    /// Receive everything waiting; returns the number of packets.
    fn receive(&mut self) -> usize {
        let mut n = 0;
        while let Ok((len, from)) = self.sock.recv_from(&mut self.buf) {
            n += 1;
            let data = Bytes::copy_from_slice(&self.buf[..len]);
            match self.ep.handle(Instant::now(), from, None, None, data) {
                Some((h, DatagramEvent::NewAssociation(a))) => self.assoc = Some((h, a)),
                Some((_, DatagramEvent::AssociationEvent(e))) => {
                    if let Some((_, a)) = self.assoc.as_mut() {
                        a.handle_event(e);
                    }
                }
                None => {}
            }
            self.events();
        }
        if n > 0 {
            self.heard = Instant::now();
        }
        n
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
        for (to, p) in out {
            // A full socket buffer drops the packet, as the network would: SCTP retransmits.
            if self.sock.send_to(&p, to).is_err() {
                self.send_errors += 1;
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

fn send(port: u16, count: u64, length: usize, cfg: &PairConfig) -> Result<(), String> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("bind: {e}"))?;
    let peer = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut s = Side::new(sock, Endpoint::new(endpoint_config(cfg), None))
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

fn recv(port: u16, count: u64, cfg: &PairConfig) -> Result<(), String> {
    let sock = UdpSocket::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| format!("bind: {e}"))?;
    let mut s = Side::new(sock, server_endpoint(cfg)).map_err(|e| format!("socket: {e}"))?;
    let mut done: Option<Instant> = None;
    while done.is_none_or(|t| t.elapsed() < LINGER) {
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
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok());
    let (Some(role), Some(port), Some(count), Some(length)) =
        (args.first(), num(1), num(2), num(3))
    else {
        eprintln!("usage: sctp-proto-udp recv|send PORT COUNT LENGTH");
        std::process::exit(2);
    };
    let cfg = PairConfig {
        max_message: (length as usize).max(PairConfig::default().max_message),
        ..PairConfig::default()
    };
    let port = u16::try_from(port).unwrap_or(0);
    let r = match role.as_str() {
        "send" => send(port, count, length as usize, &cfg),
        "recv" => recv(port, count, &cfg),
        _ => Err(format!("unknown role {role}")),
    };
    if let Err(e) = r {
        eprintln!("sctp-proto-udp: {e}");
        std::process::exit(1);
    }
}
