//! An endpoint on several workers: each has its own sockets, driver task and sans-IO
//! endpoint; the kernel sends each packet to the worker its SCTP ports hash to
//! (`usctp_transport::shard`), and `connect` picks the worker the same way, so every
//! packet of an association, on every path, reaches the driver that owns it.
//!
//! The drivers are tasks on the caller's runtime: the sockets register with that runtime's
//! reactor, the application's own tasks (accept loops, readers) share its threads, and a
//! multi-threaded runtime runs the drivers in parallel (benches/README.md measures it).

use std::io;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::task::{Context, Poll};

use usctp_transport::{Datagram, IcmpReport, Outgoing, RawTransport, Transport, UdpTransport};

use crate::config::{EndpointConfig, TransportConfig};
use crate::BindError;

/// The chunk types counted per worker (RFC 9260 §3.2).
const INIT: u8 = 1;
const COOKIE_ECHO: u8 = 10;

/// One transport per worker, worker `i` at index `i`.
pub(crate) fn transports(
    config: &EndpointConfig,
    workers: usize,
) -> Result<Vec<Arc<dyn Transport>>, BindError> {
    Ok(match &config.transport {
        TransportConfig::Udp(udp) => UdpTransport::bind_workers(udp, workers)?
            .into_iter()
            .map(|t| Arc::new(t) as Arc<dyn Transport>)
            .collect(),
        TransportConfig::Raw(raw) => (0..workers)
            .map(|w| Ok(Arc::new(RawTransport::bind_worker(raw, w, workers)?) as _))
            .collect::<Result<_, BindError>>()?,
        TransportConfig::Custom(_) => return Err(BindError::WorkersNeedSockets),
    })
}

/// What one worker of a sharded endpoint received (see
/// [`Endpoint::worker_stats`](crate::Endpoint::worker_stats)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkerStats {
    /// SCTP packets received.
    pub packets: u64,
    /// Packets starting with an INIT chunk.
    pub inits: u64,
    /// Packets starting with a COOKIE ECHO chunk.
    pub cookie_echoes: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    packets: AtomicU64,
    inits: AtomicU64,
    cookie_echoes: AtomicU64,
}

impl Counters {
    pub fn snapshot(&self) -> WorkerStats {
        WorkerStats {
            packets: self.packets.load(Relaxed),
            inits: self.inits.load(Relaxed),
            cookie_echoes: self.cookie_echoes.load(Relaxed),
        }
    }
}

/// A worker's transport, counting what it receives.
#[derive(Debug)]
pub(crate) struct Counted {
    pub inner: Arc<dyn Transport>,
    pub counters: Arc<Counters>,
}

impl Transport for Counted {
    fn poll_recv(&self, cx: &mut Context<'_>, out: &mut Vec<Datagram>) -> Poll<io::Result<()>> {
        let start = out.len();
        let r = self.inner.poll_recv(cx, out);
        for d in out.iter().skip(start) {
            self.counters.packets.fetch_add(1, Relaxed);
            // The first chunk's type follows the 12-byte common header.
            match d.data.get(12) {
                Some(&INIT) => self.counters.inits.fetch_add(1, Relaxed),
                Some(&COOKIE_ECHO) => self.counters.cookie_echoes.fetch_add(1, Relaxed),
                _ => 0,
            };
        }
        r
    }

    fn max_batch(&self) -> usize {
        self.inner.max_batch()
    }

    fn poll_send_batch(
        &self,
        cx: &mut Context<'_>,
        pkt: &Outgoing<'_>,
        segment: usize,
    ) -> Poll<io::Result<()>> {
        self.inner.poll_send_batch(cx, pkt, segment)
    }

    fn take_icmp(&self, out: &mut Vec<IcmpReport>) {
        self.inner.take_icmp(out);
    }

    fn poll_send(&self, cx: &mut Context<'_>, pkt: &Outgoing<'_>) -> Poll<io::Result<()>> {
        self.inner.poll_send(cx, pkt)
    }

    fn local_udp_port(&self) -> Option<u16> {
        self.inner.local_udp_port()
    }
}
