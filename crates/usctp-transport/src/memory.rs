//! An in-process network: transports bound to (addresses, port) exchange packets over
//! channels, behaving like UDP encapsulation on a lossless, zero-latency LAN.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::{Datagram, DatagramMeta, Outgoing, Transport, TransportAddr, TransportError};

/// Packets queued for one transport at most; more are dropped, like a full socket buffer.
const QUEUE: usize = 8192;

type Routes = HashMap<(IpAddr, u16), mpsc::Sender<Datagram>>;

/// An in-memory network. Clone it to share; [`MemoryNetwork::bind`] attaches a transport.
///
/// Packets to a [`TransportAddr`] with a UDP port go to the transport bound to that address
/// and port; packets to nowhere vanish, as on a real network.
#[derive(Debug, Clone, Default)]
pub struct MemoryNetwork {
    routes: Arc<Mutex<Routes>>,
}

impl MemoryNetwork {
    /// An empty network.
    pub fn new() -> Self {
        Self::default()
    }

    /// Attach a transport owning `addrs` on `port` (the "UDP port" of encapsulation).
    pub fn bind(&self, addrs: &[IpAddr], port: u16) -> Result<MemoryTransport, TransportError> {
        if addrs.is_empty() {
            return Err(TransportError::NoFamily);
        }
        let mut routes = self.lock();
        if addrs.iter().any(|ip| routes.contains_key(&(*ip, port))) {
            return Err(TransportError::PortInUse {
                what: "in-memory",
                port,
            });
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        for ip in addrs {
            routes.insert((*ip, port), tx.clone());
        }
        Ok(MemoryTransport {
            net: self.clone(),
            addrs: addrs.to_vec(),
            port,
            rx: Mutex::new(rx),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Routes> {
        self.routes.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One attachment to a [`MemoryNetwork`]; detached when dropped.
#[derive(Debug)]
pub struct MemoryTransport {
    net: MemoryNetwork,
    addrs: Vec<IpAddr>,
    port: u16,
    rx: Mutex<mpsc::Receiver<Datagram>>,
}

impl MemoryTransport {
    /// The addresses it owns.
    pub fn addrs(&self) -> &[IpAddr] {
        &self.addrs
    }
}

impl Drop for MemoryTransport {
    fn drop(&mut self) {
        let mut routes = self.net.lock();
        for ip in &self.addrs {
            routes.remove(&(*ip, self.port));
        }
    }
}

impl Transport for MemoryTransport {
    fn poll_recv(&self, cx: &mut Context<'_>, out: &mut Vec<Datagram>) -> Poll<io::Result<()>> {
        let mut rx = self.rx.lock().unwrap_or_else(|p| p.into_inner());
        match rx.poll_recv_many(cx, out, 64) {
            Poll::Ready(0) => Poll::Ready(Err(io::ErrorKind::NotConnected.into())),
            Poll::Ready(_) => Poll::Ready(Ok(())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_send(&self, _cx: &mut Context<'_>, pkt: &Outgoing<'_>) -> Poll<io::Result<()>> {
        let Some(port) = pkt.dst.udp_port else {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "in-memory transport: destination has no port",
            )));
        };
        let src = match pkt.src {
            Some(ip) if self.addrs.contains(&ip) => ip,
            Some(ip) => {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::AddrNotAvailable,
                    format!("in-memory transport: {ip} is not one of its addresses"),
                )))
            }
            None => match self
                .addrs
                .iter()
                .find(|a| a.is_ipv4() == pkt.dst.ip.is_ipv4())
            {
                Some(ip) => *ip,
                None => return Poll::Ready(Err(io::ErrorKind::AddrNotAvailable.into())),
            },
        };
        let route = self.net.lock().get(&(pkt.dst.ip, port)).cloned();
        if let Some(tx) = route {
            let d = Datagram {
                meta: DatagramMeta {
                    src: TransportAddr::udp(src, self.port),
                    dst: pkt.dst.ip,
                },
                data: Bytes::copy_from_slice(pkt.data),
            };
            // A full queue drops the packet, like a full socket buffer.
            let _ = tx.try_send(d);
        }
        Poll::Ready(Ok(()))
    }

    fn local_udp_port(&self) -> Option<u16> {
        Some(self.port)
    }
}
