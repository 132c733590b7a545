//! The endpoint handle.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, oneshot, watch, Mutex};
use usctp_proto::TransportAddr;
use usctp_transport::shard::worker_for;
use usctp_transport::{check_local_address, Transport};

use crate::config::{EndpointConfig, TransportConfig};
use crate::driver::{AddressOp, Command, Driver};
use crate::shared::{RecvLimits, SendLimits};
use crate::workers::{self, Counted, Counters, WorkerStats};
use crate::{Association, BindError, ConnectError, Error};

/// The channels to one worker's driver.
#[derive(Debug)]
struct Worker {
    cmd: mpsc::UnboundedSender<Command>,
    done: watch::Receiver<bool>,
    /// What it received (sharded endpoints only).
    counters: Option<Arc<Counters>>,
}

#[derive(Debug)]
struct Inner {
    /// One (the default), or one per worker, worker `i` at index `i`.
    workers: Vec<Worker>,
    incoming: Mutex<mpsc::Receiver<Association>>,
    port: u16,
    udp_port: Option<u16>,
}

/// An SCTP endpoint: one SCTP port on one transport, any number of associations.
///
/// A driver task owns the protocol state and the sockets; this handle and every
/// [`Association`] talk to it over channels. Cloning the handle is cheap. When the endpoint
/// handles and all associations are dropped, the driver finishes the graceful shutdowns
/// the drops started and then exits, closing its sockets; [`Endpoint::close`] stops it at
/// once.
///
/// With [`EndpointConfig::workers`] > 1 there is one driver per worker, each with its own
/// sockets: the kernel hands each packet to the worker its SCTP ports hash to
/// ([`worker_for`](crate::worker_for)), `connect` goes to the same worker, and this handle
/// covers all of them (accept, addresses, close).
#[derive(Debug, Clone)]
pub struct Endpoint {
    inner: Arc<Inner>,
}

impl Endpoint {
    /// Create the transport and start the driver. Must run inside a tokio runtime.
    ///
    /// Fails with a [`BindError`] saying what to change: a local address not on this host,
    /// a UDP port in use, raw sockets without CAP_NET_RAW, SCTP port 0.
    ///
    /// ```
    /// use std::net::{IpAddr, Ipv4Addr};
    /// use usctp::{BindError, Endpoint, EndpointConfig};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), BindError> {
    /// let lo = IpAddr::V4(Ipv4Addr::LOCALHOST);
    /// // SCTP port 5000 over UDP; UDP port 0 lets the OS choose (the default is 9899).
    /// let ep = Endpoint::bind(EndpointConfig::udp(vec![lo], 5000, 0)).await?;
    /// assert_eq!(ep.port(), 5000);
    /// assert!(ep.local_udp_port().is_some());
    /// // A second endpoint on the same UDP port is refused with a clear error.
    /// let udp = ep.local_udp_port().unwrap();
    /// let taken = Endpoint::bind(EndpointConfig::udp(vec![lo], 5001, udp)).await;
    /// assert!(taken.unwrap_err().to_string().contains("already in use"));
    /// ep.close().await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn bind(config: EndpointConfig) -> Result<Self, BindError> {
        if config.port == 0 {
            return Err(BindError::InvalidPort);
        }
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(BindError::NoRuntime);
        }
        if !matches!(config.transport, TransportConfig::Custom(_)) {
            for ip in &config.local_addrs {
                check_local_address(*ip)?;
            }
        }
        let n = config.workers.max(1);
        let mut threads = if config.worker_threads {
            workers::runtimes(n)?
        } else {
            Vec::new()
        };
        let handles: Vec<_> = if threads.is_empty() {
            vec![tokio::runtime::Handle::current(); n]
        } else {
            threads.iter().map(|rt| rt.handle().clone()).collect()
        };
        let transports = workers::transports(&config, &handles)?;
        threads.reverse(); // popped in worker order below
        let udp_port = transports.first().and_then(|t| t.local_udp_port());
        let assoc = &config.protocol.association;
        let recv_limits = RecvLimits {
            buffered: usize::try_from(assoc.receive_window)
                .unwrap_or(usize::MAX)
                .max(1),
            message: assoc.max_message_size,
        };
        let send_limits = SendLimits {
            budget: assoc.send_queue_limit,
            message: assoc.max_message_size,
        };
        let (incoming_tx, incoming) = mpsc::channel(config.accept_backlog.max(1));
        let mut workers = Vec::with_capacity(n);
        for (i, mut transport) in transports.into_iter().enumerate() {
            let mut protocol = config.protocol.clone();
            // Distinct tags and secrets per worker even when the tests fix the seed.
            protocol.rng_seed = protocol.rng_seed.map(|s| s.wrapping_add(i as u64));
            let mut core = usctp_proto::Endpoint::new(
                protocol,
                config.port,
                config.local_addrs.clone(),
                Instant::now(),
            );
            core.set_accepting(config.accept);
            if let Some(f) = config.accept_filter.clone() {
                core.set_accept_filter(move |i| (f.0)(i));
            }
            let counters = (n > 1).then(|| Arc::new(Counters::default()));
            if let Some(c) = &counters {
                transport = Arc::new(Counted {
                    inner: transport,
                    counters: Arc::clone(c),
                });
            }
            let (cmd, cmd_rx) = mpsc::unbounded_channel();
            let (done_tx, done) = watch::channel(false);
            let rt = threads.pop();
            // On a thread of its own, the worker reports done once its runtime is gone.
            let (driver_done, thread_done) = match rt {
                Some(_) => (watch::channel(false).0, Some(done_tx)),
                None => (done_tx, None),
            };
            let driver = Driver::new(
                core,
                transport,
                cmd_rx,
                cmd.downgrade(),
                incoming_tx.clone(),
                driver_done,
                (recv_limits, send_limits),
            )
            .on_worker(i);
            match (rt, thread_done) {
                (Some(rt), Some(done_tx)) => workers::spawn_thread(i, rt, driver, done_tx)?,
                _ => drop(tokio::spawn(driver.run())),
            }
            workers.push(Worker {
                cmd,
                done,
                counters,
            });
        }
        Ok(Self {
            inner: Arc::new(Inner {
                workers,
                incoming: Mutex::new(incoming),
                port: config.port,
                udp_port,
            }),
        })
    }

    /// Bind our address `ip` too and add it to every association where ASCONF is in force
    /// (RFC 5061): returns how many were asked. Associations made later list it.
    pub async fn add_address(&self, ip: IpAddr) -> Result<usize, Error> {
        self.endpoint_address(AddressOp::Add(ip)).await
    }

    /// Unbind our address `ip` and delete it from every association where ASCONF is in
    /// force: returns how many were asked. Refused for the last address.
    pub async fn remove_address(&self, ip: IpAddr) -> Result<usize, Error> {
        self.endpoint_address(AddressOp::Remove(ip)).await
    }

    async fn endpoint_address(&self, op: AddressOp) -> Result<usize, Error> {
        let mut asked = 0;
        for w in &self.inner.workers {
            let (reply, rx) = oneshot::channel();
            w.cmd
                .send(Command::EndpointAddress(op, reply))
                .map_err(|_| Error::EndpointClosed)?;
            asked += rx.await.map_err(|_| Error::EndpointClosed)??;
        }
        Ok(asked)
    }

    /// How many workers serve the endpoint ([`EndpointConfig::workers`]).
    pub fn workers(&self) -> usize {
        self.inner.workers.len()
    }

    /// What each worker received, worker `i` at index `i`; empty with a single worker
    /// (nothing is counted then).
    pub fn worker_stats(&self) -> Vec<WorkerStats> {
        self.inner
            .workers
            .iter()
            .filter_map(|w| w.counters.as_ref().map(|c| c.snapshot()))
            .collect()
    }

    /// The SCTP port.
    pub fn port(&self) -> u16 {
        self.inner.port
    }

    /// The local UDP port of the encapsulating transport, if it encapsulates (useful when
    /// the configuration asked for port 0).
    pub fn local_udp_port(&self) -> Option<u16> {
        self.inner.udp_port
    }

    /// Open an association to the peer's transport addresses (tried in order; the first is
    /// the primary) on SCTP port `port`. Completes once the handshake finished.
    ///
    /// With UDP encapsulation, each address carries the peer's UDP port, e.g.
    /// `TransportAddr::udp(ip, 9899)`. The [crate-level example](crate) connects, sends,
    /// receives and shuts down.
    pub async fn connect(
        &self,
        peers: &[TransportAddr],
        port: u16,
    ) -> Result<Association, ConnectError> {
        let (reply, rx) = oneshot::channel();
        let cmd = Command::Connect {
            peers: peers.to_vec(),
            port,
            reply,
        };
        // Where the peer's packets will arrive: the worker their ports hash to.
        let w = worker_for(port, self.inner.port, self.inner.workers.len());
        self.inner
            .workers
            .get(w)
            .ok_or(ConnectError::EndpointClosed)?
            .cmd
            .send(cmd)
            .map_err(|_| ConnectError::EndpointClosed)?;
        rx.await.unwrap_or(Err(ConnectError::EndpointClosed))
    }

    /// The next association a peer opened; `None` once the endpoint is closed. Which peers
    /// may open one is decided by [`EndpointConfig::accept_filter`]; the
    /// [crate-level example](crate) accepts and echoes.
    pub async fn accept(&self) -> Option<Association> {
        self.inner.incoming.lock().await.recv().await
    }

    /// Abort every association, stop the drivers and close the sockets; completes when
    /// every driver has exited.
    pub async fn close(&self) {
        for w in &self.inner.workers {
            let _ = w.cmd.send(Command::Close);
        }
        self.closed().await;
    }

    /// Completes when every driver has exited.
    pub async fn closed(&self) {
        for w in &self.inner.workers {
            let mut done = w.done.clone();
            while !*done.borrow_and_update() {
                if done.changed().await.is_err() {
                    break;
                }
            }
        }
    }
}
