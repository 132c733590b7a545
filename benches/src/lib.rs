//! Benchmarks for usctp against its peers: see `benches/` and the `compare` script.
//!
//! Each peer stack gets a small adapter behind [`Contender`]; one loop ([`bulk::run`]) drives
//! all of them over the same in-memory link, so the comparison measures the stacks, not the
//! harnesses.

pub mod bulk;
pub mod cpu;
pub mod dcsctp_pair;
pub mod failover;
pub mod handshake;
pub mod hol;
pub mod latency;
pub mod link;
pub mod memory;
pub mod report;
pub mod sctp_proto_pair;
pub mod usctp_pair;

pub use link::{Contender, Link, PairConfig, Refused, Side};
