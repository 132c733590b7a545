//! ICMP errors the kernel queues on a socket (`IP_RECVERR` / `IPV6_RECVERR`, read with
//! `MSG_ERRQUEUE`), turned into [`IcmpReport`]s for the core (RFC 9260 Appendix C).
//!
//! The error queue only raises `EPOLLERR`, which tokio does not count as readable; with
//! `SO_SELECT_ERR_QUEUE` it also raises `EPOLLPRI`, so a duplicate of the descriptor is
//! registered for priority events and wakes the receiving task.

use std::io::{self, IoSliceMut};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd};
use std::sync::Mutex;
use std::task::{Context, Poll};

use bytes::Bytes;
use nix::libc;
use nix::sys::socket::{
    recvmsg, setsockopt, sockopt, ControlMessageOwned, MsgFlags, SockaddrStorage,
};
use socket2::Socket;
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;
use usctp_proto::{IcmpKind, IcmpReport, TransportAddr};

/// `SO_SELECT_ERR_QUEUE` (asm-generic/socket.h; the libc crate lacks it).
const SO_SELECT_ERR_QUEUE: libc::c_int = 45;
/// Bytes of the quoted packet kept: the common header and the start of the first chunk
/// (enough for an INIT's Initiate Tag).
const QUOTE: usize = 64;
/// Reports read per wake-up at most, so a flood cannot starve packet reception.
const BATCH: usize = 64;

/// The error queue of one UDP or raw socket.
#[derive(Debug)]
pub(crate) struct ErrQueue {
    fd: AsyncFd<Socket>,
    /// The socket carries UDP-encapsulated SCTP (port unreachable means "no SCTP there",
    /// RFC 6951 §5.5).
    udp: bool,
}

impl ErrQueue {
    /// Ask for ICMP errors on `sock` and watch its error queue.
    pub fn new(sock: &Socket, v6: bool, udp: bool) -> io::Result<Self> {
        if v6 {
            setsockopt(sock, sockopt::Ipv6RecvErr, &true)?;
        } else {
            setsockopt(sock, sockopt::Ipv4RecvErr, &true)?;
        }
        let dup = sock.try_clone()?;
        dup.set_nonblocking(true)?;
        select_err_queue(&dup)?;
        // SAFETY: `Socket` owns its descriptor, open and unchanged until it is dropped, and
        // the `AsyncFd` owns the `Socket`, so `as_raw_fd` always returns the registered one.
        #[allow(unsafe_code)]
        let fd = unsafe { AsyncFd::register_with_interest(dup, Interest::PRIORITY) }
            .map_err(io::Error::from)?;
        Ok(Self { fd, udp })
    }

    /// Append queued reports to `out`; `Ready` once at least one error was read.
    pub fn poll(&self, cx: &mut Context<'_>, out: &mut Vec<IcmpReport>) -> Poll<()> {
        loop {
            let mut guard = match self.fd.poll_read_ready(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => {
                    tracing::debug!(%e, "error queue watch failed");
                    return Poll::Pending;
                }
                Poll::Ready(Ok(g)) => g,
            };
            let r = guard.try_io(|fd| self.drain(fd.get_ref(), out));
            match r {
                Ok(Ok(_)) => return Poll::Ready(()),
                Ok(Err(e)) => {
                    tracing::debug!(%e, "error queue read failed");
                    return Poll::Pending;
                }
                Err(_would_block) => {}
            }
        }
    }

    /// Read errors until the queue is empty (`WouldBlock` when it was empty already).
    fn drain(&self, sock: &Socket, out: &mut Vec<IcmpReport>) -> io::Result<usize> {
        let mut n = 0;
        while n < BATCH {
            match read_one(sock, self.udp) {
                Ok(report) => {
                    n += 1;
                    out.extend(report);
                }
                Err(e) if n > 0 && e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }
}

/// ICMP reports read from a transport's sockets and not yet taken by the driver.
#[derive(Debug, Default)]
pub(crate) struct Inbox(Mutex<Vec<IcmpReport>>);

/// Reports kept for the driver at most; more are dropped (it takes them after every wake-up).
const MAX_PENDING: usize = 256;

impl Inbox {
    /// Poll every queue (so each registers the waker); true if any report was read.
    pub fn poll<'a>(
        &self,
        cx: &mut Context<'_>,
        queues: impl Iterator<Item = &'a ErrQueue>,
    ) -> bool {
        let mut got = Vec::new();
        let mut ready = false;
        for q in queues {
            ready |= q.poll(cx, &mut got).is_ready();
        }
        if !got.is_empty() {
            let mut v = self.0.lock().unwrap_or_else(|p| p.into_inner());
            let room = MAX_PENDING.saturating_sub(v.len());
            v.extend(got.into_iter().take(room));
        }
        ready
    }

    /// Move the pending reports to `out`.
    pub fn take(&self, out: &mut Vec<IcmpReport>) {
        out.append(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()));
    }
}

fn select_err_queue(sock: &Socket) -> io::Result<()> {
    let on: libc::c_int = 1;
    // SAFETY: `sock` is an open socket for the whole call; the option value points to a live
    // `c_int` whose size is passed along, as setsockopt(2) requires.
    #[allow(unsafe_code)]
    let r = unsafe {
        libc::setsockopt(
            sock.as_fd().as_raw_fd(),
            libc::SOL_SOCKET,
            SO_SELECT_ERR_QUEUE,
            std::ptr::from_ref(&on).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// One queued error; `Ok(None)` for one that says nothing about a path (or not an ICMP).
fn read_one(sock: &Socket, udp: bool) -> io::Result<Option<IcmpReport>> {
    let mut buf = [0u8; QUOTE];
    // Room for the error and its offender, plus whatever else the socket asked for
    // (packet info, TOS / traffic class).
    let mut cmsg = nix::cmsg_space!(libc::sock_extended_err, libc::sockaddr_in6, [u8; 128]);
    let fd = sock.as_fd().as_raw_fd();
    let (len, dst, err) = {
        let mut iov = [IoSliceMut::new(&mut buf)];
        let msg = recvmsg::<SockaddrStorage>(
            fd,
            &mut iov,
            Some(&mut cmsg),
            MsgFlags::MSG_ERRQUEUE | MsgFlags::MSG_DONTWAIT,
        )?;
        let err = msg.cmsgs()?.find_map(|c| match c {
            ControlMessageOwned::Ipv4RecvErr(e, _) | ControlMessageOwned::Ipv6RecvErr(e, _) => {
                Some(e)
            }
            _ => None,
        });
        (msg.bytes, msg.address.and_then(socket_addr), err)
    };
    let (Some(dst), Some(err)) = (dst, err) else {
        return Ok(None);
    };
    let Some(kind) = classify(err.ee_origin, err.ee_type, err.ee_code, err.ee_info, udp) else {
        return Ok(None);
    };
    let ip = dst.ip().to_canonical();
    let dst = if udp {
        TransportAddr::udp(ip, dst.port())
    } else {
        TransportAddr::raw(ip)
    };
    let quoted = Bytes::copy_from_slice(buf.get(..len).unwrap_or_default());
    tracing::debug!(%dst, ?kind, "ICMP error received");
    Ok(Some(IcmpReport { dst, kind, quoted }))
}

fn socket_addr(a: SockaddrStorage) -> Option<SocketAddr> {
    if let Some(v4) = a.as_sockaddr_in() {
        return Some(SocketAddr::new(IpAddr::V4(v4.ip()), v4.port()));
    }
    a.as_sockaddr_in6()
        .map(|v6| SocketAddr::new(IpAddr::V6(v6.ip()), v6.port()))
}

/// What an extended socket error means for SCTP (RFC 9260 Appendix C ICMP1-ICMP4, ICMP7-9;
/// RFC 6951 §5.5 for UDP encapsulation). `None`: ignore it.
pub(crate) fn classify(origin: u8, ty: u8, code: u8, info: u32, udp: bool) -> Option<IcmpKind> {
    let mtu = || IcmpKind::PacketTooBig {
        mtu: usize::try_from(info).unwrap_or(usize::MAX),
    };
    // Port unreachable: nobody listens on the UDP port (no SCTP stack there) when
    // encapsulated; meaningless for native SCTP (ICMP3: ignore).
    let port = || udp.then_some(IcmpKind::ProtocolUnreachable);
    match (origin, ty, code) {
        // ICMPv4 destination unreachable (type 3).
        (libc::SO_EE_ORIGIN_ICMP, 3, 4) => Some(mtu()),
        (libc::SO_EE_ORIGIN_ICMP, 3, 2) => Some(IcmpKind::ProtocolUnreachable),
        (libc::SO_EE_ORIGIN_ICMP, 3, 3) => port(),
        (libc::SO_EE_ORIGIN_ICMP, 3, 0..=15) => Some(IcmpKind::Unreachable),
        // ICMPv6 destination unreachable (1), packet too big (2), parameter problem (4)
        // "unrecognized next header" (1).
        (libc::SO_EE_ORIGIN_ICMP6, 1, 4) => port(),
        (libc::SO_EE_ORIGIN_ICMP6, 1, _) => Some(IcmpKind::Unreachable),
        (libc::SO_EE_ORIGIN_ICMP6, 2, _) => Some(mtu()),
        (libc::SO_EE_ORIGIN_ICMP6, 4, 1) => Some(IcmpKind::ProtocolUnreachable),
        // The local stack refused a packet larger than the MTU it knows (`EMSGSIZE`).
        (libc::SO_EE_ORIGIN_LOCAL, _, _) if info > 0 => Some(mtu()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icmp_types_map_to_sctp_meanings() {
        let icmp = libc::SO_EE_ORIGIN_ICMP;
        let icmp6 = libc::SO_EE_ORIGIN_ICMP6;
        let ptb = Some(IcmpKind::PacketTooBig { mtu: 1280 });
        assert_eq!(classify(icmp, 3, 4, 1280, false), ptb);
        assert_eq!(classify(icmp6, 2, 0, 1280, true), ptb);
        assert_eq!(classify(icmp, 3, 1, 0, false), Some(IcmpKind::Unreachable));
        assert_eq!(classify(icmp6, 1, 3, 0, false), Some(IcmpKind::Unreachable));
        assert_eq!(
            classify(icmp, 3, 2, 0, false),
            Some(IcmpKind::ProtocolUnreachable)
        );
        // Port unreachable: only meaningful with UDP encapsulation.
        assert_eq!(classify(icmp, 3, 3, 0, false), None);
        assert_eq!(
            classify(icmp, 3, 3, 0, true),
            Some(IcmpKind::ProtocolUnreachable)
        );
        assert_eq!(
            classify(icmp6, 1, 4, 0, true),
            Some(IcmpKind::ProtocolUnreachable)
        );
        // Time exceeded, redirects, other parameter problems: ignored.
        assert_eq!(classify(icmp, 11, 0, 0, true), None);
        assert_eq!(classify(icmp6, 3, 0, 0, true), None);
        assert_eq!(classify(icmp6, 4, 0, 0, true), None);
    }
}
