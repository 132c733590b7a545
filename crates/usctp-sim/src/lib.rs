//! Deterministic network simulator for usctp: datagrams between addressed hosts on virtual
//! time. It knows nothing of SCTP; protocol tests, fuzzers and benchmarks plug their
//! sans-IO endpoints in as [`Node`]s.
//!
//! - Virtual clock: one [`epoch`] at [`Sim::new`], then time moves only from event
//!   to event; times are reported both as `Instant` and as `Duration` since the start.
//! - One seeded RNG: the same seed and node behaviour reproduce a run exactly
//!   ([`Sim::trace_hash`]).
//! - Hosts own several IPv4/IPv6 addresses; a [`Link`] joins one address of a host to one
//!   address of another. A datagram takes the link whose ends are its source and
//!   destination IP addresses, or is dropped as [`DropReason::NoRoute`].
//! - Each link direction has a [`LinkConfig`]: latency, jitter, random and burst
//!   ([`GilbertElliott`]) loss, reordering, duplication, MTU (IP/UDP headers included),
//!   bandwidth with a tail-drop queue; each link an up/down schedule.
//! - [`Observer`]s see every datagram sent, delivered and dropped (with the reason), for
//!   counting in tests or writing pcaps; [`Stats`] count per link direction.
//!
//! ```
//! use std::net::Ipv4Addr;
//! use std::time::{Duration, Instant};
//! use bytes::Bytes;
//! use usctp_sim::{Addr, Datagram, LinkConfig, Node, Sim};
//!
//! /// Sends one datagram at start, counts what comes back.
//! struct Hello { me: Addr, peer: Addr, pending: bool, got: usize }
//! impl Node for Hello {
//!     fn handle_datagram(&mut self, _now: Instant, _d: Datagram) { self.got += 1; }
//!     fn poll_transmit(&mut self, _now: Instant) -> Option<Datagram> {
//!         let payload = Bytes::from_static(b"hi");
//!         std::mem::take(&mut self.pending)
//!             .then(|| Datagram { src: self.me, dst: self.peer, payload, may_fragment: false })
//!     }
//! }
//!
//! let (a, b) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
//! let mut sim = Sim::new(7);
//! let ha = sim.add_node(Hello { me: Addr::raw(a), peer: Addr::raw(b), pending: true, got: 0 }, [a]);
//! let hb = sim.add_node(Hello { me: Addr::raw(b), peer: Addr::raw(a), pending: false, got: 0 }, [b]);
//! sim.add_link(a, b, LinkConfig::with_latency(Duration::from_millis(5)));
//! assert!(sim.run_until_cond(Duration::from_secs(1), |sim| sim.node(hb).got == 1));
//! assert_eq!(sim.elapsed(), Duration::from_millis(5));
//! assert_eq!(sim.node(ha).got, 0);
//! ```
#![forbid(unsafe_code)]

mod addr;
mod config;
mod epoch;
mod link;
mod node;
mod observer;
mod pcap;
mod queue;
mod sim;
mod stats;
mod trace;

pub use addr::{Addr, Datagram, IPV4_HEADER_LEN, IPV6_HEADER_LEN, UDP_HEADER_LEN};
pub use config::{GilbertElliott, LinkConfig};
pub use epoch::epoch;
pub use link::{Direction, Link, LinkId};
pub use node::{AsAny, HostId, Node, NodeId};
pub use observer::{DropReason, Event, EventKind, Observer, PacketId};
pub use pcap::PcapCapture;
pub use sim::Sim;
pub use stats::{DropCounts, Stats};
