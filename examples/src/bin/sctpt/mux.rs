//! One transport shared by every endpoint of the process, as the kernel shares one raw IP
//! socket and one UDP tunnelling socket (`net.sctp.udp_port`) among all SCTP sockets:
//! `ctraffic` runs one endpoint per client, each on its own SCTP port, over one socket.
//! Received packets are routed to the endpoint of their destination SCTP port, ICMP errors
//! to the endpoint whose packet they quote; every packet sent or received passes the
//! optional pcap [`Tap`].

use std::collections::HashMap;
use std::future::poll_fn;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::mpsc;
use usctp::{Datagram, IcmpReport, Outgoing, Transport};

use super::tap::Tap;

/// Packets queued for one endpoint at most; more are dropped like a full socket buffer.
const QUEUE: usize = 4096;

/// What the receive task hands one endpoint.
#[derive(Debug)]
enum Input {
    Packet(Datagram),
    /// An ICMP error about a packet this endpoint sent.
    Icmp(IcmpReport),
}

/// The shared transport.
#[derive(Debug)]
pub struct Mux {
    inner: Arc<dyn Transport>,
    routes: Mutex<HashMap<u16, mpsc::Sender<Input>>>,
    tap: Option<Tap>,
}

impl Mux {
    /// Share `inner`, writing packets to `tap` when given. Starts the receive task.
    pub fn start(inner: Arc<dyn Transport>, tap: Option<Tap>) -> Arc<Self> {
        let mux = Arc::new(Self {
            inner,
            routes: Mutex::new(HashMap::new()),
            tap,
        });
        tokio::spawn(Arc::clone(&mux).pump());
        mux
    }

    /// A transport for the endpoint on SCTP `port`; `None` when the port is taken.
    pub fn port(self: &Arc<Self>, port: u16) -> Option<Arc<PortTransport>> {
        let (tx, rx) = mpsc::channel(QUEUE);
        let mut routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        if routes.get(&port).is_some_and(|t| !t.is_closed()) {
            return None;
        }
        routes.insert(port, tx);
        Some(Arc::new(PortTransport {
            mux: Arc::clone(self),
            rx: Mutex::new(rx),
            icmp: Mutex::new(Vec::new()),
            retrying: AtomicBool::new(false),
        }))
    }

    async fn pump(self: Arc<Self>) {
        let mut buf = Vec::new();
        let mut icmp = Vec::new();
        loop {
            if let Err(e) = poll_fn(|cx| self.inner.poll_recv(cx, &mut buf)).await {
                tracing::debug!(%e, "receive failed");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            for d in buf.drain(..) {
                if let Some(t) = &self.tap {
                    t.received(&d, self.inner.local_udp_port());
                }
                // The destination port of the SCTP common header (RFC 9260 §3.1).
                if let Some(port) = port_at(&d.data, 2) {
                    self.route(port, Input::Packet(d));
                }
            }
            // An ICMP error quotes our packet: its source port is the endpoint's.
            self.inner.take_icmp(&mut icmp);
            for r in icmp.drain(..) {
                if let Some(port) = port_at(&r.quoted, 0) {
                    self.route(port, Input::Icmp(r));
                }
            }
        }
    }

    fn route(&self, port: u16, input: Input) {
        let routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = routes.get(&port) {
            let _ = tx.try_send(input);
        }
    }
}

/// The big-endian port at `at` in an SCTP common header.
fn port_at(header: &[u8], at: usize) -> Option<u16> {
    let b = header.get(at..at + 2)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

/// The view of the [`Mux`] that one endpoint uses.
#[derive(Debug)]
pub struct PortTransport {
    mux: Arc<Mux>,
    rx: Mutex<mpsc::Receiver<Input>>,
    /// ICMP errors received and not yet taken by the driver.
    icmp: Mutex<Vec<IcmpReport>>,
    /// The last send was `Pending`: the next one is the same packet again.
    retrying: AtomicBool,
}

impl Transport for PortTransport {
    fn poll_recv(&self, cx: &mut Context<'_>, out: &mut Vec<Datagram>) -> Poll<io::Result<()>> {
        let mut rx = self.rx.lock().unwrap_or_else(|p| p.into_inner());
        let mut got = false;
        while out.len() < 256 {
            match rx.poll_recv(cx) {
                Poll::Ready(Some(Input::Packet(d))) => {
                    out.push(d);
                    got = true;
                }
                Poll::Ready(Some(Input::Icmp(r))) => {
                    self.icmp.lock().unwrap_or_else(|p| p.into_inner()).push(r);
                    got = true;
                }
                Poll::Ready(None) | Poll::Pending => break,
            }
        }
        if got {
            Poll::Ready(Ok(()))
        } else {
            Poll::Pending
        }
    }

    fn poll_send(&self, cx: &mut Context<'_>, pkt: &Outgoing<'_>) -> Poll<io::Result<()>> {
        // Captured before it leaves, so that the reply cannot be captured first; a packet
        // that met a full socket comes again (the driver retries it) but is captured once.
        if let Some(t) = &self.mux.tap {
            if !self.retrying.swap(false, Ordering::Relaxed) {
                t.sent(pkt, self.mux.inner.local_udp_port());
            }
        }
        let r = self.mux.inner.poll_send(cx, pkt);
        match &r {
            Poll::Pending => {
                self.retrying.store(true, Ordering::Relaxed);
                // A socket keeps one waker per direction and several endpoints share it:
                // poll again shortly instead of relying on a waker another one may replace.
                let w = cx.waker().clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    w.wake();
                });
            }
            Poll::Ready(_) => {}
        }
        r
    }

    fn take_icmp(&self, out: &mut Vec<IcmpReport>) {
        out.append(&mut self.icmp.lock().unwrap_or_else(|p| p.into_inner()));
    }

    fn local_udp_port(&self) -> Option<u16> {
        self.mux.inner.local_udp_port()
    }
}
