//! An endpoint on several workers: each has its own sockets, driver task and sans-IO
//! endpoint; the kernel sends each packet to the worker its SCTP ports hash to
//! (`usctp_transport::shard`), and `connect` picks the worker the same way, so every
//! packet of an association, on every path, reaches the driver that owns it.
//!
//! The drivers are tasks on the caller's runtime by default: the sockets register with that
//! runtime's reactor, the application's own tasks (accept loops, readers) share its threads,
//! and a multi-threaded runtime runs the drivers in parallel. With
//! [`EndpointConfig::worker_threads`] each worker has a thread and a current-thread runtime
//! of its own instead (benches/README.md compares them).

use std::io;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::runtime::{Handle, Runtime};
use tokio::sync::watch;
use usctp_transport::{Datagram, IcmpReport, Outgoing, RawTransport, Transport, UdpTransport};

use crate::config::{EndpointConfig, TransportConfig};
use crate::driver::Driver;
use crate::BindError;

/// The chunk types counted per worker (RFC 9260 §3.2).
const INIT: u8 = 1;
const COOKIE_ECHO: u8 = 10;

/// One transport per worker, worker `i` at index `i`, its sockets registered with the
/// runtime `runtimes[i]`. One worker: the endpoint's usual sockets (no `SO_REUSEPORT`).
pub(crate) fn transports(
    config: &EndpointConfig,
    runtimes: &[Handle],
) -> Result<Vec<Arc<dyn Transport>>, BindError> {
    let workers = runtimes.len();
    if let [rt] = runtimes {
        let _in = rt.enter();
        return Ok(vec![match &config.transport {
            TransportConfig::Udp(udp) => Arc::new(UdpTransport::bind(udp)?),
            TransportConfig::Raw(raw) => Arc::new(RawTransport::bind(raw)?),
            TransportConfig::Custom(t) => Arc::clone(t),
        }]);
    }
    Ok(match &config.transport {
        TransportConfig::Udp(udp) => UdpTransport::bind_workers_on(udp, runtimes)?
            .into_iter()
            .map(|t| Arc::new(t) as Arc<dyn Transport>)
            .collect(),
        TransportConfig::Raw(raw) => runtimes
            .iter()
            .enumerate()
            .map(|(w, rt)| {
                let _in = rt.enter();
                Ok(Arc::new(RawTransport::bind_worker(raw, w, workers)?) as _)
            })
            .collect::<Result<_, BindError>>()?,
        TransportConfig::Custom(_) => return Err(BindError::WorkersNeedSockets),
    })
}

/// A current-thread runtime per worker, for [`EndpointConfig::worker_threads`].
pub(crate) fn runtimes(workers: usize) -> Result<Vec<Runtime>, BindError> {
    (0..workers)
        .map(|_| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| thread_error("worker runtime", e))
        })
        .collect()
}

/// Run `driver` on its own thread in `rt`; `done` is told once the runtime, and with it
/// the worker's sockets, is gone.
pub(crate) fn spawn_thread(
    worker: usize,
    rt: Runtime,
    driver: Driver,
    done: watch::Sender<bool>,
) -> Result<(), BindError> {
    std::thread::Builder::new()
        .name(format!("usctp-worker-{worker}"))
        .spawn(move || {
            rt.block_on(driver.run());
            drop(rt);
            let _ = done.send(true);
        })
        .map(drop)
        .map_err(|e| thread_error("worker thread", e))
}

fn thread_error(op: &'static str, source: io::Error) -> BindError {
    BindError::Transport(usctp_transport::TransportError::Io { op, source })
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
