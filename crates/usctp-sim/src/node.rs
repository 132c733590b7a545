//! The `Node` trait the simulator drives, and typed node handles.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::time::Instant;

use crate::Datagram;

/// A participant in the simulation: a host running some protocol, sans-IO style.
///
/// After every input (`handle_datagram`, `handle_timeout`, or a caller's
/// [`Sim::with_node`](crate::Sim::with_node)) the simulator drains `poll_transmit` until it
/// returns `None`, then reads `poll_timeout` and keeps that deadline in its event queue.
/// A node must be deterministic given its inputs (own RNG seeded by the test, no clock).
pub trait Node: AsAny {
    /// A datagram addressed to one of this host's addresses arrived.
    fn handle_datagram(&mut self, now: Instant, datagram: Datagram);

    /// The next datagram to send, if any. `src.ip` must be an address of this host.
    fn poll_transmit(&mut self, now: Instant) -> Option<Datagram>;

    /// The next deadline at which `handle_timeout` must be called; a past deadline fires at
    /// the current virtual time.
    fn poll_timeout(&mut self) -> Option<Instant> {
        None
    }

    /// The deadline returned by `poll_timeout` was reached.
    fn handle_timeout(&mut self, now: Instant) {
        let _ = now;
    }
}

/// Lets the simulator hand back the concrete node type from a `Box<dyn Node>`.
///
/// Implemented for every `'static` type; node authors never implement it by hand. (Trait
/// upcasting to `dyn Any` would do this directly but needs Rust 1.86.)
pub trait AsAny: Any {
    /// `self` as `&dyn Any`.
    fn as_any(&self) -> &dyn Any;
    /// `self` as `&mut dyn Any`.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Any> AsAny for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Untyped index of a host in a [`Sim`](crate::Sim).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HostId(pub usize);

impl fmt::Display for HostId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "host{}", self.0)
    }
}

/// Typed handle returned by [`Sim::add_node`](crate::Sim::add_node): gives back `&T`
/// without the caller naming the type again.
pub struct NodeId<T> {
    host: HostId,
    _type: PhantomData<fn() -> T>,
}

impl<T> NodeId<T> {
    pub(crate) fn new(host: HostId) -> Self {
        Self {
            host,
            _type: PhantomData,
        }
    }

    /// The untyped host index.
    pub fn host(self) -> HostId {
        self.host
    }
}

// Manual impls: derives would require `T: Clone` etc.
impl<T> Clone for NodeId<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for NodeId<T> {}
impl<T> PartialEq for NodeId<T> {
    fn eq(&self, other: &Self) -> bool {
        self.host == other.host
    }
}
impl<T> Eq for NodeId<T> {}
impl<T> fmt::Debug for NodeId<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeId({})", self.host.0)
    }
}
