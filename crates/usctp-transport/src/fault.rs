//! Fault injection: wrap a transport to take local addresses down or lose packets at random.

use std::collections::HashSet;
use std::io;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::{Datagram, Outgoing, Transport};

#[derive(Debug)]
struct State {
    down: HashSet<IpAddr>,
    blocked_to: HashSet<IpAddr>,
    loss: f64,
    rng: StdRng,
    dropped: u64,
}

/// Shared fault settings; clone it to control the same faults from a test or a demo, and
/// share one between several [`FaultyTransport`]s to fail an address for everybody.
#[derive(Debug, Clone)]
pub struct Faults {
    state: Arc<Mutex<State>>,
}

impl Faults {
    /// No faults; `seed` drives the random loss.
    pub fn new(seed: u64) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                down: HashSet::new(),
                blocked_to: HashSet::new(),
                loss: 0.0,
                rng: StdRng::seed_from_u64(seed),
                dropped: 0,
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Make `ip` unreachable: packets sent to it, or received at it, are lost. Paths toward
    /// that address fail; packets it sends still leave (a broken receive side).
    pub fn take_down(&self, ip: IpAddr) {
        self.lock().down.insert(ip);
    }

    /// Undo [`Faults::take_down`] and [`Faults::block_sends_to`].
    pub fn bring_up(&self, ip: IpAddr) {
        let mut s = self.lock();
        s.down.remove(&ip);
        s.blocked_to.remove(&ip);
    }

    /// Lose the packets the wrapped transport sends to `ip` (one direction of one path):
    /// the sender's path toward `ip` fails while the peer's packets still arrive, whatever
    /// source addresses they use.
    pub fn block_sends_to(&self, ip: IpAddr) {
        self.lock().blocked_to.insert(ip);
    }

    /// Lose each packet with probability `p` (0.0 to 1.0), in both directions.
    pub fn set_loss(&self, p: f64) {
        self.lock().loss = p.clamp(0.0, 1.0);
    }

    /// Packets dropped so far.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }

    /// Whether a packet to `dst` is lost (counted); `sending` on the way out.
    fn drops(&self, dst: IpAddr, sending: bool) -> bool {
        let mut s = self.lock();
        let loss = s.loss;
        let lost = s.down.contains(&dst)
            || (sending && s.blocked_to.contains(&dst))
            || (loss > 0.0 && s.rng.gen_bool(loss));
        if lost {
            s.dropped += 1;
        }
        lost
    }
}

/// A transport with [`Faults`] applied on both send and receive.
#[derive(Debug)]
pub struct FaultyTransport<T> {
    inner: T,
    faults: Faults,
}

impl<T: Transport> FaultyTransport<T> {
    /// Wrap `inner`.
    pub fn new(inner: T, faults: Faults) -> Self {
        Self { inner, faults }
    }

    /// The fault controls.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }
}

impl<T: Transport> Transport for FaultyTransport<T> {
    fn poll_recv(&self, cx: &mut Context<'_>, out: &mut Vec<Datagram>) -> Poll<io::Result<()>> {
        loop {
            let start = out.len();
            match self.inner.poll_recv(cx, out) {
                // Nothing received: an ICMP error woke the receiver.
                Poll::Ready(Ok(())) if out.len() == start => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => {}
                other => return other,
            }
            let fresh = out.split_off(start);
            out.extend(
                fresh
                    .into_iter()
                    .filter(|d| !self.faults.drops(d.meta.dst, false)),
            );
            if out.len() > start {
                return Poll::Ready(Ok(()));
            }
        }
    }

    fn poll_send(&self, cx: &mut Context<'_>, pkt: &Outgoing<'_>) -> Poll<io::Result<()>> {
        if self.faults.drops(pkt.dst.ip, true) {
            return Poll::Ready(Ok(()));
        }
        self.inner.poll_send(cx, pkt)
    }

    fn take_icmp(&self, out: &mut Vec<crate::IcmpReport>) {
        self.inner.take_icmp(out)
    }

    fn local_udp_port(&self) -> Option<u16> {
        self.inner.local_udp_port()
    }
}
