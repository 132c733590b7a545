//! Sending on the UDP transport: one packet, or a run of packets as one GSO batch
//! (`UDP_SEGMENT`, through quinn-udp's `segment_size`).

use std::io;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{ready, Context, Poll};

use crate::dont_fragment::send_maybe_fragmented;

use crate::{Outgoing, UdpTransport};

/// Largest GSO batch, bytes: a UDP datagram's payload limit.
pub(crate) const MAX_BATCH_BYTES: usize = 65_000;

/// What the UDP transport sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UdpStats {
    /// Send calls that reached the socket (one per packet, or one per GSO batch).
    pub sends: u64,
    /// SCTP packets sent.
    pub packets: u64,
    /// Sends that carried more than one packet (GSO).
    pub gso_batches: u64,
    /// Receive calls (`recvmmsg`) made, those that found nothing included.
    pub receives: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    sends: AtomicU64,
    packets: AtomicU64,
    gso_batches: AtomicU64,
    pub(crate) receives: AtomicU64,
}

impl UdpTransport {
    /// Counters of what was sent.
    pub fn stats(&self) -> UdpStats {
        let c = &self.stats;
        UdpStats {
            sends: c.sends.load(Ordering::Relaxed),
            packets: c.packets.load(Ordering::Relaxed),
            gso_batches: c.gso_batches.load(Ordering::Relaxed),
            receives: c.receives.load(Ordering::Relaxed),
        }
    }

    /// Packets one GSO send may carry: what the kernel reports (1 without GSO, or when
    /// turned off in [`UdpConfig`](crate::UdpConfig)), the same for both families.
    pub(crate) fn gso_segments(&self) -> usize {
        if !self.gso {
            return 1;
        }
        [self.v4.as_ref(), self.v6.as_ref()]
            .into_iter()
            .flatten()
            .map(|s| s.state.max_gso_segments())
            .min()
            .unwrap_or(1)
    }

    /// Send `pkt` as one datagram, or with `segment` as packets of that size (GSO).
    pub(crate) fn poll_transmit(
        &self,
        cx: &mut Context<'_>,
        pkt: &Outgoing<'_>,
        segment: Option<usize>,
    ) -> Poll<io::Result<()>> {
        let Some(port) = pkt.dst.udp_port else {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "UDP transport: destination has no UDP port (a raw IP transport address)",
            )));
        };
        let Some(s) = self.socket_for(pkt.dst.ip) else {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::AddrNotAvailable,
                "UDP transport: no socket of the destination's address family",
            )));
        };
        // One segment, or a batch too large for one datagram: no GSO.
        let segment =
            segment.filter(|&n| n > 0 && n < pkt.data.len() && pkt.data.len() <= MAX_BATCH_BYTES);
        let transmit = quinn_udp::Transmit {
            destination: SocketAddr::new(pkt.dst.ip, port),
            ecn: None,
            contents: pkt.data,
            segment_size: segment,
            src_ip: pkt.src.filter(|ip| ip.is_ipv4() == pkt.dst.ip.is_ipv4()),
        };
        let fd = s.io.as_raw_fd();
        let v6 = pkt.dst.ip.is_ipv6();
        let frag = pkt.may_fragment && segment.is_none();
        let sock = s.io.get_ref();
        let r = ready!(s.room.poll_send(cx, sock, || {
            send_maybe_fragmented(fd, v6, frag, || s.state.try_send(sock.into(), &transmit))
        }));
        let n = segment.map_or(1, |seg| pkt.data.len().div_ceil(seg));
        self.stats.sends.fetch_add(1, Ordering::Relaxed);
        self.stats.packets.fetch_add(n as u64, Ordering::Relaxed);
        if n > 1 {
            self.stats.gso_batches.fetch_add(1, Ordering::Relaxed);
        }
        Poll::Ready(r)
    }
}
