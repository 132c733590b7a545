//! Observation of every datagram: sent, delivered, dropped.

use std::fmt;
use std::time::{Duration, Instant};

use crate::{Datagram, LinkId};

/// Sequence number the simulator gives each datagram a node sends; a duplicate keeps the
/// number of its original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PacketId(pub u64);

/// Why the network dropped a datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DropReason {
    /// No link joins the source and destination addresses, or the source address does not
    /// belong to the sending host.
    NoRoute,
    /// The link was down when the datagram entered it or when it was due to arrive.
    LinkDown,
    /// The datagram (with IP/UDP headers) is larger than the link MTU.
    Mtu,
    /// Independent random loss.
    RandomLoss,
    /// Gilbert-Elliott burst loss.
    BurstLoss,
    /// The bandwidth queue was full (tail drop).
    QueueFull,
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoRoute => "no route",
            Self::LinkDown => "link down",
            Self::Mtu => "larger than MTU",
            Self::RandomLoss => "random loss",
            Self::BurstLoss => "burst loss",
            Self::QueueFull => "queue full",
        })
    }
}

/// What happened to a datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A node sent it (reported before routing, so a datagram with no route is both sent
    /// and dropped).
    Sent,
    /// It reached the destination host (reported just before the node handles it).
    Delivered,
    /// The network dropped it.
    Dropped(DropReason),
}

/// One observation, passed to every [`Observer`].
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// Virtual time since the simulation started.
    pub time: Duration,
    /// The same moment as an `Instant` (the simulation's base plus `time`).
    pub instant: Instant,
    /// What happened.
    pub kind: EventKind,
    /// The datagram's sequence number.
    pub id: PacketId,
    /// The link carrying it; `None` when there is no route.
    pub link: Option<LinkId>,
    /// The datagram itself.
    pub datagram: &'a Datagram,
}

impl fmt::Display for Event<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.time.as_secs_f64();
        match self.kind {
            EventKind::Sent => write!(f, "{t:.6} sent #{} {}", self.id.0, self.datagram),
            EventKind::Delivered => write!(f, "{t:.6} delivered #{} {}", self.id.0, self.datagram),
            EventKind::Dropped(why) => {
                write!(f, "{t:.6} dropped #{} {} ({why})", self.id.0, self.datagram)
            }
        }
    }
}

/// Receives every [`Event`]. Any `FnMut(&Event<'_>)` closure is an observer.
pub trait Observer {
    /// Called once per event, in virtual-time order.
    fn observe(&mut self, event: &Event<'_>);
}

impl<F: FnMut(&Event<'_>)> Observer for F {
    fn observe(&mut self, event: &Event<'_>) {
        self(event)
    }
}
