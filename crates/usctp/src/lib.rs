//! User-space SCTP (RFC 9260) for tokio, multihoming first.
//!
//! An [`Endpoint`] owns one SCTP port on one transport (SCTP over UDP, RFC 6951, by default;
//! native SCTP over raw IP with CAP_NET_RAW; or an in-memory network for tests). [`Endpoint::connect`] and [`Endpoint::accept`] give
//! [`Association`]s, which send and receive messages on streams, report path and
//! association events, and shut down gracefully.
//!
//! One driver task per endpoint owns the sans-IO protocol state (`usctp-proto`) and the
//! sockets; handles talk to it over channels. With [`EndpointConfig::workers`] > 1 each
//! worker has its own driver, sockets and state, and packets are steered by SCTP ports.
//!
//! # Example
//!
//! Two endpoints over UDP on 127.0.0.1, an echo, and a graceful shutdown (the README shows the
//! same program):
//!
//! ```
//! use std::net::{IpAddr, Ipv4Addr};
//! use usctp::{Endpoint, EndpointConfig, SendOptions, TransportAddr};
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let lo = IpAddr::V4(Ipv4Addr::LOCALHOST);
//!     // UDP port 0: let the OS choose (the default is 9899).
//!     let server = Endpoint::bind(EndpointConfig::udp(vec![lo], 5000, 0)).await?;
//!     let client = Endpoint::bind(EndpointConfig::udp(vec![lo], 5001, 0)).await?;
//!     let server_udp = server.local_udp_port().unwrap();
//!
//!     tokio::spawn(async move {
//!         let assoc = server.accept().await.unwrap();
//!         while let Ok(m) = assoc.recv().await {
//!             // Echo on the message's stream, with its PPID and U flag.
//!             assoc.send_with(m.payload.clone(), SendOptions::reply_to(&m)).await.unwrap();
//!         }
//!     });
//!
//!     let assoc = client.connect(&[TransportAddr::udp(lo, server_udp)], 5000).await?;
//!     assoc.send(0, &b"hello"[..]).await?;
//!     let echo = assoc.recv().await?;
//!     assert_eq!(&echo.payload[..], b"hello");
//!     assoc.shutdown().await?;
//!     Ok(())
//! }
//! ```
#![deny(unsafe_code)]

mod association;
mod config;
mod driver;
mod endpoint;
mod error;
mod events;
mod sendq;
mod shared;
mod stats;
mod workers;

pub use association::Association;
pub use config::{AcceptFilter, EndpointConfig, TransportConfig};
pub use endpoint::Endpoint;
pub use error::{BindError, ConnectError, Error};
pub use events::Events;
/// The trait [`Events`] implements (re-exported from `futures-core`).
pub use futures_core::Stream;
pub use stats::AssocStats;
pub use usctp_proto::PathStats;
/// The worker of a sharded endpoint that owns associations between SCTP ports
/// `(peer, local)`, of `workers` (see [`EndpointConfig::workers`]).
pub use usctp_transport::shard::worker_for;
pub use workers::WorkerStats;

pub use usctp_proto::Message;
pub use usctp_proto::{
    AbandonReason, AbandonedMessage, AssocId, AssociationConfig, CloseReason, Event, Extensions,
    Incoming, PathState, PlpmtudConfig, PrStats, SendOptions, State, StreamScheduler,
};
pub use usctp_proto::{AddressRequest, AssocError, PathCounters, PathId, PathOrigin};
pub use usctp_proto::{AuthKeyError, AuthStats, HmacAlgorithm, SharedKeys};
pub use usctp_proto::{FsnNumbering, ReconfigRequest, ReconfigResult, StreamDirection};
pub use usctp_transport::{
    kernel_sctp_loaded, Faults, FaultyTransport, MemoryNetwork, MemoryTransport, RawConfig,
    RawTransport, Transport, TransportAddr, TransportError, UdpConfig, UdpStats, UdpTransport,
    DEFAULT_UDP_PORT,
};
/// The packet types of [`Transport`], so that callers can implement or wrap one (for
/// instance to capture every packet) and pass it as [`TransportConfig::Custom`].
pub use usctp_transport::{Datagram, DatagramMeta, IcmpKind, IcmpReport, Outgoing};

/// The protocol tunables of an endpoint (`usctp_proto::EndpointConfig`).
pub use usctp_proto::EndpointConfig as ProtocolConfig;
