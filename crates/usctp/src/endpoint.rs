//! The endpoint handle.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, oneshot, watch, Mutex};
use usctp_proto::TransportAddr;
use usctp_transport::{check_local_address, RawTransport, Transport, UdpTransport};

use crate::config::{EndpointConfig, TransportConfig};
use crate::driver::{AddressOp, Command, Driver};
use crate::shared::{RecvLimits, SendLimits};
use crate::{Association, BindError, ConnectError, Error};

#[derive(Debug)]
struct Inner {
    cmd: mpsc::UnboundedSender<Command>,
    incoming: Mutex<mpsc::Receiver<Association>>,
    done: watch::Receiver<bool>,
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
        let transport: Arc<dyn Transport> = match &config.transport {
            TransportConfig::Udp(udp) => Arc::new(UdpTransport::bind(udp)?),
            TransportConfig::Raw(raw) => Arc::new(RawTransport::bind(raw)?),
            TransportConfig::Custom(t) => Arc::clone(t),
        };
        let udp_port = transport.local_udp_port();
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
        let mut core = usctp_proto::Endpoint::new(
            config.protocol.clone(),
            config.port,
            config.local_addrs.clone(),
            Instant::now(),
        );
        core.set_accepting(config.accept);
        if let Some(f) = config.accept_filter.clone() {
            core.set_accept_filter(move |i| (f.0)(i));
        }
        let (cmd, cmd_rx) = mpsc::unbounded_channel();
        let (incoming_tx, incoming) = mpsc::channel(config.accept_backlog.max(1));
        let (done_tx, done) = watch::channel(false);
        let driver = Driver::new(
            core,
            transport,
            cmd_rx,
            cmd.downgrade(),
            incoming_tx,
            done_tx,
            (recv_limits, send_limits),
        );
        tokio::spawn(driver.run());
        Ok(Self {
            inner: Arc::new(Inner {
                cmd,
                incoming: Mutex::new(incoming),
                done,
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
        let (reply, rx) = oneshot::channel();
        self.inner
            .cmd
            .send(Command::EndpointAddress(op, reply))
            .map_err(|_| Error::EndpointClosed)?;
        rx.await.map_err(|_| Error::EndpointClosed)?
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
        self.inner
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

    /// Abort every association, stop the driver and close the sockets; completes when the
    /// driver has exited.
    pub async fn close(&self) {
        let _ = self.inner.cmd.send(Command::Close);
        self.closed().await;
    }

    /// Completes when the driver has exited.
    pub async fn closed(&self) {
        let mut done = self.inner.done.clone();
        while !*done.borrow_and_update() {
            if done.changed().await.is_err() {
                return;
            }
        }
    }
}
