//! Protocol invariants on hostile input, shared by the fuzz targets (`fuzz/`) and the corpus
//! replay test (`tests/fuzz_corpus.rs`). Not part of the stable API.
//!
//! - [`check_endpoint`]: datagrams from anywhere into a listening server that also holds
//!   established associations.
//! - [`check_association`]: one association, single- or multihomed, in a chosen starting
//!   state, driven by a sequence of peer packets, user calls, timer expiries, path cuts and
//!   ICMP reports.
//! - [`check_sim`]: two endpoints over faulty simulated paths: reliable delivery or a
//!   reported failure.
//!
//! - [`check_adversary`]: an adversarial peer against a server with an honest client.
//!
//! All panic on a violated invariant and return normally otherwise.

mod adversary;
mod assoc_check;
mod assoc_paths;
mod association;
mod endpoint;
mod input;
mod signing;
mod sim;
mod templates;
mod templates_ext;

pub use adversary::check_adversary;
pub use association::check_association;
pub use endpoint::check_endpoint;
pub use sim::check_sim;

use std::time::Instant;

use bytes::Bytes;
use usctp_wire::{Packet, ParseOptions};

use usctp_proto::{Endpoint, Transmit};

/// Everything `ep` sends now, parsed: our own output must always be a valid packet.
fn drain(ep: &mut Endpoint, now: Instant) -> Vec<(Transmit, Bytes, Packet)> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    while let Some(t) = ep.poll_transmit(now, &mut buf) {
        assert!(t.len <= buf.len(), "transmit longer than the buffer");
        let bytes = Bytes::copy_from_slice(&buf[buf.len() - t.len..]);
        let p = Packet::parse(&bytes, ParseOptions::default());
        let p = p.unwrap_or_else(|e| panic!("we sent an invalid packet: {e:?}"));
        out.push((t, bytes, p));
        buf.clear();
    }
    out
}
