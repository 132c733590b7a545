//! Sans-IO SCTP (RFC 9260): the endpoint and association state machines, with no sockets, no
//! clock and no global random generator.
//!
//! The caller feeds datagrams with `handle(now, meta, bytes)` calls, fires
//! timers with `handle_timeout(now)`, and drains outputs in a fixed order: `poll_transmit` until
//! it returns `None`, then `poll_timeout`, then events. Every call that depends on time takes
//! `now`; randomness comes from an RNG the endpoint owns and seeds from its configuration.
#![forbid(unsafe_code)]
// The public API is what lib.rs re-exports; everything else is crate-private.
#![warn(unreachable_pub)]

mod addr;
mod addr_list;
mod asconf;
mod association;
mod auth;
mod config;
mod endpoint;
mod event;
mod inline_first;
mod inline_queue;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod internals;
mod path;
mod reconfig;
mod rx;
mod setup;
#[cfg(test)]
mod test_epoch;
mod timer;
mod tx;

pub use addr::{DatagramMeta, Transmit, TransportAddr};
pub(crate) use addr_list::AddrList;
pub use asconf::AddressRequest;
pub use association::{AssocError, Association, IcmpKind, IcmpReport, State};
pub use auth::{AuthKeyError, AuthStats, HmacAlgorithm, SharedKeys};
pub use config::{AssociationConfig, EndpointConfig, FsnNumbering, PlpmtudConfig};
pub use endpoint::{AcceptFilter, ConnectError, Endpoint, EndpointStats, Incoming};
pub use event::{AssocId, CloseReason, Event, PathState};
pub use path::{AssociationStats, PathCounters, PathId, PathOrigin, PathStats};
pub use reconfig::{ReconfigRequest, StreamDirection};
pub use rx::Message;
pub use setup::Extensions;
pub use tx::{AbandonReason, AbandonedMessage, PrStats, SendError, SendOptions, StreamScheduler};
pub use usctp_wire::param::ReconfigResult;
