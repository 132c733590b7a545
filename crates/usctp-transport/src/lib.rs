//! Transports for usctp: how SCTP packets reach the network.
//!
//! A [`Transport`] sends a packet to a [`TransportAddr`] from a chosen local source address
//! and receives packets together with their source transport address and the local address
//! they were sent to (a [`DatagramMeta`]), which is what the sans-IO core needs for
//! multihoming: each path leaves from its own local address and replies are matched by both
//! ends.
//!
//! - [`UdpTransport`]: SCTP over UDP (RFC 6951), one socket per address family on one port
//!   (9899 by default), per-packet addresses through `IP_PKTINFO` / `IPV6_PKTINFO`.
//! - [`MemoryNetwork`] / [`MemoryTransport`]: an in-process network for tests and demos.
//! - [`FaultyTransport`] with [`Faults`]: wraps any transport to take addresses down or add
//!   random loss.
//!
//! - [`RawTransport`]: native SCTP over raw IP sockets (protocol 132), IPv4 and IPv6; needs
//!   CAP_NET_RAW.
//!
//! [`check_local_address`] tells whether an address is assigned to this host.
#![deny(unsafe_code)]

mod dont_fragment;
mod drained;
mod error;
mod errqueue;
mod fault;
mod local;
mod memory;
mod raw;
mod room;
pub mod shard;
mod shard_bind;
mod udp;
mod udp_send;

use std::fmt;
use std::io;
use std::net::IpAddr;
use std::task::{Context, Poll};

use bytes::Bytes;

pub use error::TransportError;
pub use fault::{Faults, FaultyTransport};
pub use local::check_local_address;
pub use memory::{MemoryNetwork, MemoryTransport};
pub use raw::{kernel_sctp_loaded, RawConfig, RawTransport, IPPROTO_SCTP};
pub use udp::{UdpConfig, UdpTransport, DEFAULT_UDP_PORT};
pub use udp_send::UdpStats;
pub use usctp_proto::{DatagramMeta, IcmpKind, IcmpReport, TransportAddr};

/// A received SCTP packet (IP and UDP headers already removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datagram {
    /// Where it came from and the local address it arrived at.
    pub meta: DatagramMeta,
    /// The SCTP packet.
    pub data: Bytes,
}

/// An SCTP packet to send.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// Destination transport address.
    pub dst: TransportAddr,
    /// Local source address; `None` lets the transport (or the OS) choose.
    pub src: Option<IpAddr>,
    /// The SCTP packet.
    pub data: &'a [u8],
    /// Send it without DF (RFC 9260 §7.3: a retransmission larger than the path MTU);
    /// never part of a GSO batch.
    pub may_fragment: bool,
}

/// A way to send and receive SCTP packets, driven by polling (so it can be used as a trait
/// object from any task).
///
/// Errors are per packet: the caller logs them and carries on (SCTP retransmits), so an
/// implementation returns `Err` only for problems with that packet or the socket, never for
/// an ordinary loss.
pub trait Transport: Send + Sync + fmt::Debug + 'static {
    /// Receive packets into `out` (appended), or register the waker and return `Pending`.
    /// `Ready` may come with no packet when an ICMP error arrived instead (see
    /// [`take_icmp`](Self::take_icmp)).
    fn poll_recv(&self, cx: &mut Context<'_>, out: &mut Vec<Datagram>) -> Poll<io::Result<()>>;

    /// Most packets one [`poll_send_batch`](Self::poll_send_batch) call takes (1: the
    /// transport does not batch).
    fn max_batch(&self) -> usize {
        1
    }

    /// Send several packets to `pkt.dst` from `pkt.src` at once: `pkt.data` holds them back
    /// to back, `segment` bytes each except the last, which may be shorter (UDP GSO). Only
    /// called with more than one packet when [`max_batch`](Self::max_batch) allows it. The
    /// default sends them one by one; packets that would have to wait are dropped, as a
    /// full socket buffer would (SCTP retransmits).
    fn poll_send_batch(
        &self,
        cx: &mut Context<'_>,
        pkt: &Outgoing<'_>,
        segment: usize,
    ) -> Poll<io::Result<()>> {
        for (i, data) in pkt.data.chunks(segment.max(1)).enumerate() {
            let one = Outgoing { data, ..*pkt };
            match self.poll_send(cx, &one) {
                Poll::Pending if i == 0 => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                _ => {}
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Move the ICMP errors received so far (about packets this transport sent) to `out`.
    /// Transports that cannot see ICMP report none.
    fn take_icmp(&self, out: &mut Vec<IcmpReport>) {
        let _ = out;
    }

    /// Send one packet, or register the waker and return `Pending` when the transport
    /// cannot take it now.
    fn poll_send(&self, cx: &mut Context<'_>, pkt: &Outgoing<'_>) -> Poll<io::Result<()>>;

    /// The local UDP port used for encapsulation, if this transport encapsulates.
    fn local_udp_port(&self) -> Option<u16>;
}

impl<T: Transport + ?Sized> Transport for std::sync::Arc<T> {
    fn poll_recv(&self, cx: &mut Context<'_>, out: &mut Vec<Datagram>) -> Poll<io::Result<()>> {
        (**self).poll_recv(cx, out)
    }

    fn take_icmp(&self, out: &mut Vec<IcmpReport>) {
        (**self).take_icmp(out)
    }

    fn max_batch(&self) -> usize {
        (**self).max_batch()
    }

    fn poll_send_batch(
        &self,
        cx: &mut Context<'_>,
        pkt: &Outgoing<'_>,
        segment: usize,
    ) -> Poll<io::Result<()>> {
        (**self).poll_send_batch(cx, pkt, segment)
    }

    fn poll_send(&self, cx: &mut Context<'_>, pkt: &Outgoing<'_>) -> Poll<io::Result<()>> {
        (**self).poll_send(cx, pkt)
    }

    fn local_udp_port(&self) -> Option<u16> {
        (**self).local_udp_port()
    }
}

/// Merge the receive polls of a transport's sockets, all of them polled so that each registers
/// the waker: an error ends the poll; any ready socket (or `ready`, e.g. ICMP reports read)
/// makes the transport ready.
pub(crate) fn merge_recv_polls(
    mut ready: bool,
    polls: impl IntoIterator<Item = Poll<io::Result<()>>>,
) -> Poll<io::Result<()>> {
    for p in polls {
        match p {
            Poll::Ready(Ok(())) => ready = true,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => {}
        }
    }
    if ready {
        Poll::Ready(Ok(()))
    } else {
        Poll::Pending
    }
}
