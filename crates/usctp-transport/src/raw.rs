//! Native SCTP over raw IP sockets (IP protocol 132), one socket per address family.
//!
//! Receive: an IPv4 raw socket delivers the IP header, which is stripped here and gives the
//! source and destination addresses; an IPv6 raw socket delivers no IP header, so the
//! destination comes from `IPV6_RECVPKTINFO` and the source from the socket address.
//! Send: the kernel builds the IP header; the source address is chosen per packet with an
//! `IP_PKTINFO` / `IPV6_PKTINFO` control message (`ipi_spec_dst` / `ipi6_addr`), which Linux
//! honours on raw sockets. That keeps one socket per family instead of one per local
//! address, and a local address added later works without rebinding.
//!
//! Needs CAP_NET_RAW. A raw socket sees every SCTP packet for the host (or network
//! namespace); the core drops those for other SCTP ports. If the kernel's own SCTP module is
//! loaded it sees them too and answers packets for ports it does not serve with ABORT,
//! which breaks associations: [`RawTransport::bind`] logs a warning then.

use std::io::{self, IoSlice, IoSliceMut};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use std::os::fd::AsRawFd;
use std::sync::Mutex;
use std::task::{Context, Poll};

use bytes::Bytes;
use nix::libc;
use nix::sys::socket::{
    recvmsg, sendmsg, setsockopt, sockopt, ControlMessage, ControlMessageOwned, MsgFlags,
    SockaddrIn, SockaddrIn6,
};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::io::unix::AsyncFd;

use crate::errqueue::{ErrQueue, Inbox};
use crate::{Datagram, DatagramMeta, Outgoing, Transport, TransportAddr, TransportError};

/// The IP protocol number of SCTP (IANA).
pub const IPPROTO_SCTP: i32 = 132;

/// Largest IP packet, the size of the receive buffer.
const BUF: usize = 65_535;
/// Packets read per wake-up at most, so one busy socket does not starve the other.
const BATCH: usize = 64;

/// What to tell a user who lacks CAP_NET_RAW.
pub(crate) const NO_CAP_NET_RAW: &str = "raw IP sockets need CAP_NET_RAW (run as root, or \
    `setcap cap_net_raw+ep` on the binary); without privileges use SCTP over UDP \
    encapsulation (RFC 6951) instead";

/// How to open a [`RawTransport`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RawConfig {
    /// Open an IPv4 raw socket.
    pub ipv4: bool,
    /// Open an IPv6 raw socket. Skipped with a log line when the host has no IPv6.
    pub ipv6: bool,
    /// Socket receive and send buffer size asked for, bytes (the kernel may cap it).
    pub buffer_size: usize,
}

impl Default for RawConfig {
    fn default() -> Self {
        Self {
            ipv4: true,
            ipv6: true,
            buffer_size: 4 << 20,
        }
    }
}

#[derive(Debug)]
struct RawSock {
    fd: AsyncFd<Socket>,
    buf: Mutex<Vec<u8>>,
    /// ICMP errors about packets sent from this socket (`None` if the OS refused).
    errq: Option<ErrQueue>,
}

/// Native SCTP over raw IP sockets (protocol 132) for IPv4 and IPv6.
#[derive(Debug)]
pub struct RawTransport {
    v4: Option<RawSock>,
    v6: Option<RawSock>,
    kernel_sctp: bool,
    icmp: Inbox,
}

/// Whether the host kernel's SCTP module is loaded (it then answers our peers too).
pub fn kernel_sctp_loaded() -> bool {
    std::path::Path::new("/sys/module/sctp").exists()
        || std::path::Path::new("/proc/net/sctp").exists()
}

impl RawTransport {
    /// Open the raw sockets. Must be called inside a tokio runtime.
    ///
    /// Without CAP_NET_RAW this fails with [`TransportError::PermissionDenied`], whose text
    /// says so and suggests UDP encapsulation.
    pub fn bind(cfg: &RawConfig) -> Result<Self, TransportError> {
        let v4 = if cfg.ipv4 {
            Some(open(Domain::IPV4, cfg)?)
        } else {
            None
        };
        let v6 = if cfg.ipv6 {
            match open(Domain::IPV6, cfg) {
                Ok(s) => Some(s),
                Err(TransportError::Io { source, .. })
                    if v4.is_some() && source.raw_os_error() == Some(libc::EAFNOSUPPORT) =>
                {
                    tracing::info!(%source, "no IPv6 on this host; raw transport is IPv4 only");
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
        let kernel_sctp = kernel_sctp_loaded();
        if kernel_sctp {
            tracing::warn!(
                "the kernel SCTP module is loaded: it also receives SCTP packets and answers \
                 those for ports it does not serve with ABORT, which tears down raw IP \
                 associations; unload it (`modprobe -r sctp`) or use UDP encapsulation"
            );
        }
        Ok(Self {
            v4,
            v6,
            kernel_sctp,
            icmp: Inbox::default(),
        })
    }

    /// Whether the kernel SCTP module was loaded when the transport was opened.
    pub fn kernel_sctp_loaded(&self) -> bool {
        self.kernel_sctp
    }
}

/// Map the error of `socket(AF_INET*, SOCK_RAW, 132)`.
pub(crate) fn socket_error(e: io::Error) -> TransportError {
    match e.raw_os_error() {
        Some(libc::EPERM | libc::EACCES) => TransportError::PermissionDenied {
            what: "raw IP socket (protocol 132)",
            hint: NO_CAP_NET_RAW,
        },
        _ => TransportError::io("raw socket", e),
    }
}

fn open(domain: Domain, cfg: &RawConfig) -> Result<RawSock, TransportError> {
    let socket =
        Socket::new(domain, Type::RAW, Some(Protocol::from(IPPROTO_SCTP))).map_err(socket_error)?;
    socket
        .set_nonblocking(true)
        .map_err(|e| TransportError::io("O_NONBLOCK", e))?;
    // An IPv6 raw socket sees only IPv6 packets (IPV6_V6ONLY does not apply to it).
    if domain == Domain::IPV6 {
        setsockopt(&socket, sockopt::Ipv6RecvPacketInfo, &true)
            .map_err(|e| TransportError::io("IPV6_RECVPKTINFO", e.into()))?;
    }
    // Best effort: the kernel caps these at its limits.
    let _ = socket.set_recv_buffer_size(cfg.buffer_size);
    let _ = socket.set_send_buffer_size(cfg.buffer_size);
    let errq = ErrQueue::new(&socket, domain == Domain::IPV6, false)
        .map_err(|e| tracing::info!(%e, "raw socket: no ICMP errors (IP_RECVERR)"))
        .ok();
    // SAFETY: `Socket` owns its file descriptor, which stays open and unchanged until the
    // `Socket` is dropped, and the `AsyncFd` owns the `Socket`, so the descriptor outlives
    // the registration and `as_raw_fd` always returns the same one.
    #[allow(unsafe_code)]
    let fd = unsafe { AsyncFd::register(socket) }
        .map_err(|e| TransportError::io("register with tokio", e.into()))?;
    Ok(RawSock {
        fd,
        buf: Mutex::new(vec![0; BUF]),
        errq,
    })
}

/// Split an IPv4 packet into (source, destination, payload); `None` if it is malformed.
pub(crate) fn strip_ipv4(pkt: &[u8]) -> Option<(Ipv4Addr, Ipv4Addr, &[u8])> {
    let first = *pkt.first()?;
    let ihl = usize::from(first & 0x0f) * 4;
    if first >> 4 != 4 || ihl < 20 {
        return None;
    }
    let total = usize::from(u16::from_be_bytes(pkt.get(2..4)?.try_into().ok()?));
    let src: [u8; 4] = pkt.get(12..16)?.try_into().ok()?;
    let dst: [u8; 4] = pkt.get(16..20)?.try_into().ok()?;
    // Trust the shorter of the buffer and the header's total length (no trailing padding).
    let end = if total >= ihl {
        total.min(pkt.len())
    } else {
        pkt.len()
    };
    Some((src.into(), dst.into(), pkt.get(ihl..end)?))
}

impl RawSock {
    /// Read packets until the socket is empty or a batch is full.
    fn read_some(&self, v6: bool, out: &mut Vec<Datagram>) -> io::Result<usize> {
        let mut buf = self.buf.lock().unwrap_or_else(|p| p.into_inner());
        let fd = self.fd.get_ref().as_raw_fd();
        let mut n = 0;
        while n < BATCH {
            let r = if v6 {
                recv_v6(fd, &mut buf)
            } else {
                recv_v4(fd, &mut buf)
            };
            match r {
                Ok(Some(d)) => {
                    out.push(d);
                    n += 1;
                }
                Ok(None) => n += 1, // malformed: dropped, but it counts as progress
                Err(e) if n > 0 && e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    fn poll_recv(
        &self,
        v6: bool,
        cx: &mut Context<'_>,
        out: &mut Vec<Datagram>,
    ) -> Poll<io::Result<()>> {
        loop {
            let mut guard = match self.fd.poll_read_ready(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(g)) => g,
            };
            match guard.try_io(|_| self.read_some(v6, out)) {
                Ok(Ok(_)) => return Poll::Ready(Ok(())),
                // ICMP errors queued on the socket concern one peer: keep receiving.
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted || icmp(&e) => {
                    tracing::debug!(%e, "raw receive error ignored");
                }
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                Err(_would_block) => {}
            }
        }
    }

    fn poll_send(&self, cx: &mut Context<'_>, pkt: &Outgoing<'_>) -> Poll<io::Result<()>> {
        let fd = self.fd.get_ref().as_raw_fd();
        loop {
            let mut guard = match self.fd.poll_write_ready(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(g)) => g,
            };
            match guard.try_io(|_| send_one(fd, pkt)) {
                Ok(r) => return Poll::Ready(r),
                Err(_would_block) => {}
            }
        }
    }
}

fn icmp(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
    )
}

fn recv_v4(fd: i32, buf: &mut [u8]) -> io::Result<Option<Datagram>> {
    let len = {
        let mut iov = [IoSliceMut::new(buf)];
        recvmsg::<SockaddrIn>(fd, &mut iov, None, MsgFlags::empty())
            .map_err(io::Error::from)?
            .bytes
    };
    let Some((src, dst, data)) = buf.get(..len).and_then(strip_ipv4) else {
        tracing::debug!(len, "malformed IPv4 packet on the raw socket dropped");
        return Ok(None);
    };
    Ok(Some(Datagram {
        meta: DatagramMeta {
            src: TransportAddr::raw(IpAddr::V4(src)),
            dst: IpAddr::V4(dst),
        },
        data: Bytes::copy_from_slice(data),
    }))
}

fn recv_v6(fd: i32, buf: &mut [u8]) -> io::Result<Option<Datagram>> {
    let mut cmsg = nix::cmsg_space!(libc::in6_pktinfo);
    let (len, src, dst) = {
        let mut iov = [IoSliceMut::new(buf)];
        let msg = recvmsg::<SockaddrIn6>(fd, &mut iov, Some(&mut cmsg), MsgFlags::empty())
            .map_err(io::Error::from)?;
        let dst = msg.cmsgs().map_err(io::Error::from)?.find_map(|c| match c {
            ControlMessageOwned::Ipv6PacketInfo(pi) => Some(Ipv6Addr::from(pi.ipi6_addr.s6_addr)),
            _ => None,
        });
        (msg.bytes, msg.address.map(|a| a.ip()), dst)
    };
    let (Some(src), Some(dst), Some(data)) = (src, dst, buf.get(..len)) else {
        tracing::debug!(
            len,
            "IPv6 packet without addresses on the raw socket dropped"
        );
        return Ok(None);
    };
    Ok(Some(Datagram {
        meta: DatagramMeta {
            src: TransportAddr::raw(IpAddr::V6(src)),
            dst: IpAddr::V6(dst),
        },
        data: Bytes::copy_from_slice(data),
    }))
}

fn send_one(fd: i32, pkt: &Outgoing<'_>) -> io::Result<()> {
    let v6 = pkt.dst.ip.is_ipv6();
    crate::dont_fragment::send_maybe_fragmented(fd, v6, pkt.may_fragment, || sendmsg_one(fd, pkt))
}

fn sendmsg_one(fd: i32, pkt: &Outgoing<'_>) -> io::Result<()> {
    let iov = [IoSlice::new(pkt.data)];
    let r = match (pkt.dst.ip, pkt.src) {
        (IpAddr::V4(dst), src) => {
            let to = SockaddrIn::from(SocketAddrV4::new(dst, 0));
            let info = match src {
                Some(IpAddr::V4(s)) => Some(libc::in_pktinfo {
                    ipi_ifindex: 0,
                    ipi_spec_dst: libc::in_addr {
                        s_addr: u32::from_ne_bytes(s.octets()),
                    },
                    ipi_addr: libc::in_addr { s_addr: 0 },
                }),
                _ => None,
            };
            let cmsgs: Vec<ControlMessage<'_>> =
                info.iter().map(ControlMessage::Ipv4PacketInfo).collect();
            sendmsg(fd, &iov, &cmsgs, MsgFlags::empty(), Some(&to))
        }
        (IpAddr::V6(dst), src) => {
            let to = SockaddrIn6::from(SocketAddrV6::new(dst, 0, 0, 0));
            let info = match src {
                Some(IpAddr::V6(s)) => Some(libc::in6_pktinfo {
                    ipi6_addr: libc::in6_addr {
                        s6_addr: s.octets(),
                    },
                    ipi6_ifindex: 0,
                }),
                _ => None,
            };
            let cmsgs: Vec<ControlMessage<'_>> =
                info.iter().map(ControlMessage::Ipv6PacketInfo).collect();
            sendmsg(fd, &iov, &cmsgs, MsgFlags::empty(), Some(&to))
        }
    };
    r.map(|_| ()).map_err(io::Error::from)
}

impl Transport for RawTransport {
    fn poll_recv(&self, cx: &mut Context<'_>, out: &mut Vec<Datagram>) -> Poll<io::Result<()>> {
        // Poll both families every time so both register the waker.
        let socks = [self.v4.as_ref(), self.v6.as_ref()];
        let queues = socks.into_iter().flatten().filter_map(|s| s.errq.as_ref());
        let icmp = self.icmp.poll(cx, queues);
        let families = [(self.v4.as_ref(), false), (self.v6.as_ref(), true)];
        let polls = families
            .into_iter()
            .filter_map(|(s, v6)| Some(s?.poll_recv(v6, cx, out)));
        crate::merge_recv_polls(icmp, polls)
    }

    fn poll_send(&self, cx: &mut Context<'_>, pkt: &Outgoing<'_>) -> Poll<io::Result<()>> {
        if pkt.dst.udp_port.is_some() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "raw IP transport: destination is a UDP-encapsulated address",
            )));
        }
        let s = match pkt.dst.ip {
            IpAddr::V4(_) => self.v4.as_ref(),
            IpAddr::V6(_) => self.v6.as_ref(),
        };
        let Some(s) = s else {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::AddrNotAvailable,
                "raw IP transport: no socket of the destination's address family",
            )));
        };
        s.poll_send(cx, pkt)
    }

    fn take_icmp(&self, out: &mut Vec<crate::IcmpReport>) {
        self.icmp.take(out);
    }

    fn local_udp_port(&self) -> Option<u16> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_ipv4_header_with_options() {
        let mut pkt = vec![
            0x46, 0, 0, 30, 0, 0, 0, 0, 64, 132, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        pkt.extend_from_slice(&[1, 1, 1, 1]); // 4 bytes of options (IHL 6)
        pkt.extend_from_slice(&[9, 8, 7, 6, 5, 4]);
        let (s, d, data) = strip_ipv4(&pkt).expect("valid");
        assert_eq!(
            (s, d),
            (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2))
        );
        assert_eq!(data, &[9, 8, 7, 6, 5, 4]);
    }

    #[test]
    fn malformed_ipv4_headers_are_rejected_without_panic() {
        assert!(strip_ipv4(&[]).is_none());
        assert!(strip_ipv4(&[0x45, 0, 0]).is_none());
        assert!(strip_ipv4(&[0x44; 40]).is_none()); // IHL below 5
        assert!(strip_ipv4(&[0x65; 40]).is_none()); // not version 4
        assert!(strip_ipv4(&[0x4f; 40]).is_none()); // IHL 60 > length
    }

    #[test]
    fn missing_cap_net_raw_says_so_and_suggests_udp() {
        for errno in [libc::EPERM, libc::EACCES] {
            let e = socket_error(io::Error::from_raw_os_error(errno));
            assert!(matches!(e, TransportError::PermissionDenied { .. }));
            let text = e.to_string();
            assert!(text.contains("CAP_NET_RAW"), "{text}");
            assert!(text.contains("UDP encapsulation"), "{text}");
        }
        let other = socket_error(io::Error::from_raw_os_error(libc::EMFILE));
        assert!(matches!(other, TransportError::Io { .. }));
    }
}
