//! SCTP over UDP (RFC 6951): one UDP socket per address family on one local port, with
//! per-packet source selection and destination reporting through `quinn-udp` (pktinfo, GRO).

use std::io::{self, IoSliceMut};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::task::{Context, Poll};

use bytes::Bytes;
use quinn_udp::{RecvMeta, UdpSocketState};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

use crate::errqueue::{ErrQueue, Inbox};
use crate::{
    Datagram, DatagramMeta, IcmpReport, Outgoing, Transport, TransportAddr, TransportError,
};

/// The UDP port IANA assigned to SCTP over UDP (RFC 6951 §5.1).
pub const DEFAULT_UDP_PORT: u16 = 9899;

/// Largest UDP payload, the size of one receive slot (a GRO batch fits in it).
const SLOT: usize = 65_535;
/// Receive slots per `recvmmsg` call.
const SLOTS: usize = 8;
/// Datagrams one receive call can return: a call that returns fewer found the socket empty.
const RECV_BATCH: usize = if SLOTS < quinn_udp::BATCH_SIZE {
    SLOTS
} else {
    quinn_udp::BATCH_SIZE
};

/// How to bind a [`UdpTransport`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UdpConfig {
    /// Local UDP port for both families; 0 picks a free one (the same for both).
    pub port: u16,
    /// Bind an IPv4 socket (on 0.0.0.0, so every local IPv4 address can be a path).
    pub ipv4: bool,
    /// Bind an IPv6 socket (on `::`, IPv6 only). Skipped with a log line when the host has no
    /// IPv6.
    pub ipv6: bool,
    /// Socket receive and send buffer size asked for, bytes (the kernel may cap it).
    pub buffer_size: usize,
    /// Send runs of same-sized packets to one destination as one UDP GSO batch where the
    /// kernel supports it (default on; off to measure without it).
    pub gso: bool,
}

impl Default for UdpConfig {
    fn default() -> Self {
        Self {
            port: DEFAULT_UDP_PORT,
            ipv4: true,
            ipv6: true,
            buffer_size: 4 << 20,
            gso: true,
        }
    }
}

impl UdpConfig {
    /// The defaults on `port`.
    pub fn with_port(port: u16) -> Self {
        Self {
            port,
            ..Self::default()
        }
    }
}

#[derive(Debug)]
pub(crate) struct Sock {
    /// Registered with tokio for reading only: every packet sent gives buffer space back
    /// and so raises EPOLLOUT, which would wake the runtime once per send for nothing.
    /// Sends go straight to the socket and wait for room only after EAGAIN (`room`).
    pub(crate) io: AsyncFd<std::net::UdpSocket>,
    /// Waits for send buffer space once a send found none (room.rs).
    pub(crate) room: crate::room::Room,
    pub(crate) state: UdpSocketState,
    bufs: Mutex<Vec<Vec<u8>>>,
    /// The address the socket is bound to (the wildcard): the destination of packets that
    /// arrive without pktinfo. Kept to spare a `getsockname` per receive batch.
    local: IpAddr,
    /// ICMP errors about packets sent from this socket (`None` if the OS refused).
    errq: Option<ErrQueue>,
}

/// SCTP over UDP (RFC 6951) on one local port.
///
/// Received packets report the peer's UDP port in their source [`TransportAddr`], so the core
/// learns it per path (RFC 6951 §5.4).
#[derive(Debug)]
pub struct UdpTransport {
    pub(crate) v4: Option<Sock>,
    pub(crate) v6: Option<Sock>,
    port: u16,
    icmp: Inbox,
    pub(crate) gso: bool,
    pub(crate) stats: crate::udp_send::Counters,
}

impl UdpTransport {
    /// Bind the sockets. Must be called inside a tokio runtime.
    pub fn bind(cfg: &UdpConfig) -> Result<Self, TransportError> {
        Self::bind_with(cfg, false)
    }

    /// [`bind`](Self::bind), with `SO_REUSEPORT` set before binding when `reuse_port`
    /// (the sockets of a sharded endpoint's workers, see shard_bind.rs).
    pub(crate) fn bind_with(cfg: &UdpConfig, reuse_port: bool) -> Result<Self, TransportError> {
        let mut port = cfg.port;
        let v4 = if cfg.ipv4 {
            let s = bind_one(
                SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)),
                cfg,
                reuse_port,
            )?;
            port =
                s.io.get_ref()
                    .local_addr()
                    .map_err(|e| TransportError::io("local_addr", e))?
                    .port();
            Some(s)
        } else {
            None
        };
        let v6 = if cfg.ipv6 {
            match bind_one(
                SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
                cfg,
                reuse_port,
            ) {
                Ok(s) => {
                    port =
                        s.io.get_ref()
                            .local_addr()
                            .map_err(|e| TransportError::io("local_addr", e))?
                            .port();
                    Some(s)
                }
                Err(TransportError::Io { source, .. }) if v4.is_some() && no_ipv6(&source) => {
                    tracing::info!(%source, "no IPv6 on this host; UDP transport is IPv4 only");
                    None
                }
                Err(e) => return Err(e),
            }
        } else {
            None
        };
        if v4.is_none() && v6.is_none() {
            return Err(TransportError::NoFamily);
        }
        Ok(Self {
            v4,
            v6,
            port,
            icmp: Inbox::default(),
            gso: cfg.gso,
            stats: Default::default(),
        })
    }

    /// The local UDP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    pub(crate) fn socket_for(&self, ip: IpAddr) -> Option<&Sock> {
        match ip {
            IpAddr::V4(_) => self.v4.as_ref(),
            IpAddr::V6(_) => self.v6.as_ref(),
        }
    }
}

fn no_ipv6(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::AddrNotAvailable | io::ErrorKind::Unsupported
    ) || e.raw_os_error() == Some(97) // EAFNOSUPPORT on Linux
}

fn bind_one(addr: SocketAddr, cfg: &UdpConfig, reuse_port: bool) -> Result<Sock, TransportError> {
    let what = if addr.is_ipv4() {
        "UDP/IPv4"
    } else {
        "UDP/IPv6"
    };
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
        .map_err(|e| TransportError::io("socket", e))?;
    if addr.is_ipv6() {
        socket
            .set_only_v6(true)
            .map_err(|e| TransportError::io("IPV6_V6ONLY", e))?;
    }
    if reuse_port {
        socket
            .set_reuse_port(true)
            .map_err(|e| TransportError::io("SO_REUSEPORT", e))?;
    }
    // Best effort: the kernel caps these at its limits.
    let _ = socket.set_recv_buffer_size(cfg.buffer_size);
    let _ = socket.set_send_buffer_size(cfg.buffer_size);
    socket.bind(&addr.into()).map_err(|e| match e.kind() {
        io::ErrorKind::AddrInUse => TransportError::PortInUse {
            what,
            port: addr.port(),
        },
        io::ErrorKind::PermissionDenied => TransportError::PermissionDenied {
            what,
            hint: "ports below 1024 need privileges; use an unprivileged port such as 9899",
        },
        _ => TransportError::io("bind", e),
    })?;
    let errq = ErrQueue::new(&socket, addr.is_ipv6(), true)
        .map_err(|e| tracing::info!(%e, "{what}: no ICMP errors (IP_RECVERR)"))
        .ok();
    let state = UdpSocketState::new((&socket).into())
        .map_err(|e| TransportError::io("UDP socket options (pktinfo)", e))?;
    let local = addr.ip();
    let std_sock: std::net::UdpSocket = socket.into();
    // SAFETY: the `AsyncFd` owns the socket, whose descriptor stays open and unchanged until
    // the `AsyncFd` drops it, so the registered descriptor is always this socket's.
    #[allow(unsafe_code)]
    let io = unsafe { AsyncFd::register_with_interest(std_sock, Interest::READABLE) }
        .map_err(|e| TransportError::io("register with tokio", e.into()))?;
    Ok(Sock {
        io,
        room: crate::room::Room::default(),
        state,
        // One zeroed allocation per slot (not `vec![vec; n]`, which copies the first and so
        // touches every page): untouched pages stay unmapped, which keeps an idle endpoint
        // at a few KiB of resident memory instead of 512 KiB.
        bufs: Mutex::new((0..SLOTS).map(|_| vec![0; SLOT]).collect()),
        local,
        errq,
    })
}

impl Sock {
    /// One non-blocking receive batch: how many datagrams it took (each may hold a GRO
    /// run).
    fn recv_batch(&self, out: &mut Vec<Datagram>, calls: &AtomicU64) -> io::Result<usize> {
        let mut bufs = self.bufs.lock().unwrap_or_else(|p| p.into_inner());
        let mut metas = [RecvMeta::default(); SLOTS];
        let local = self.local;
        let n = {
            // On the stack: no allocation per receive batch.
            let mut it = bufs.iter_mut();
            let mut slices: [IoSliceMut<'_>; SLOTS] =
                std::array::from_fn(|_| IoSliceMut::new(it.next().map_or(&mut [], |b| &mut b[..])));
            calls.fetch_add(1, Ordering::Relaxed);
            self.state
                .recv(self.io.get_ref().into(), &mut slices, &mut metas)?
        };
        for (meta, buf) in metas.iter().zip(bufs.iter()).take(n) {
            let src = TransportAddr::udp(meta.addr.ip().to_canonical(), meta.addr.port());
            let dst = meta.dst_ip.map_or(local, |ip| ip.to_canonical());
            let stride = meta.stride.max(1);
            let data = buf.get(..meta.len).unwrap_or_default();
            // GRO may have coalesced several datagrams of `stride` bytes. One copy and one
            // allocation per slot, which its datagrams share (and so do the chunk payloads the
            // core slices from them), not one per datagram. A payload kept pins at most the
            // slot's bytes, as a single datagram of that size would.
            let whole = Bytes::copy_from_slice(data);
            let meta = DatagramMeta { src, dst };
            if whole.len() <= stride {
                out.push(Datagram { meta, data: whole });
                continue;
            }
            for at in (0..whole.len()).step_by(stride) {
                let data = whole.slice(at..whole.len().min(at + stride));
                out.push(Datagram { meta, data });
            }
        }
        Ok(n)
    }

    fn poll_recv(
        &self,
        cx: &mut Context<'_>,
        out: &mut Vec<Datagram>,
        calls: &AtomicU64,
    ) -> Poll<io::Result<()>> {
        loop {
            // The readiness seen before the read: only that is cleared (tokio's tick), so a
            // datagram arriving after the read wakes the task again.
            let mut ready = match self.io.poll_read_ready(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(g)) => g,
            };
            match self.recv_batch(out, calls) {
                Ok(n) => {
                    // A short batch found the socket empty: spare the next poll a read that
                    // would only return EAGAIN (drained.rs says why no wake-up is lost).
                    if crate::drained::drained(n, RECV_BATCH) {
                        ready.clear_ready();
                    }
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => ready.clear_ready(),
                // ICMP errors reported on the socket concern one peer: keep receiving.
                Err(e) if transient(&e) => tracing::debug!(%e, "UDP receive error ignored"),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

fn transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::Interrupted
    )
}

impl Transport for UdpTransport {
    fn poll_recv(&self, cx: &mut Context<'_>, out: &mut Vec<Datagram>) -> Poll<io::Result<()>> {
        // Poll both families every time so both register the waker.
        let socks = || [self.v4.as_ref(), self.v6.as_ref()].into_iter().flatten();
        let icmp = self.icmp.poll(cx, socks().filter_map(|s| s.errq.as_ref()));
        let calls = &self.stats.receives;
        crate::merge_recv_polls(icmp, socks().map(|s| s.poll_recv(cx, out, calls)))
    }

    fn poll_send(&self, cx: &mut Context<'_>, pkt: &Outgoing<'_>) -> Poll<io::Result<()>> {
        self.poll_transmit(cx, pkt, None)
    }

    fn max_batch(&self) -> usize {
        self.gso_segments()
    }

    fn poll_send_batch(
        &self,
        cx: &mut Context<'_>,
        pkt: &Outgoing<'_>,
        segment: usize,
    ) -> Poll<io::Result<()>> {
        self.poll_transmit(cx, pkt, Some(segment))
    }

    fn take_icmp(&self, out: &mut Vec<IcmpReport>) {
        self.icmp.take(out);
    }

    fn local_udp_port(&self) -> Option<u16> {
        Some(self.port)
    }
}
