//! Helpers for the multihoming scenario tests: a record of every datagram on the wire.
#![allow(dead_code, clippy::unwrap_used)]

use std::cell::RefCell;
use std::net::IpAddr;
use std::rc::Rc;
use std::time::Duration;

use usctp_proto::{AssocId, AssociationStats};
use usctp_sim::{EventKind, Sim};
use usctp_testkit::SctpNode;
use usctp_wire::chunk::Chunk;
use usctp_wire::{Packet, ParseOptions};

/// One datagram seen by the simulator.
#[derive(Debug, Clone)]
pub struct Seen {
    pub at: Duration,
    pub kind: EventKind,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub chunks: Vec<Chunk>,
}

impl Seen {
    pub fn has_data(&self) -> bool {
        self.chunks.iter().any(|c| matches!(c, Chunk::Data(_)))
    }
    pub fn only_heartbeats(&self) -> bool {
        self.chunks.iter().all(|c| matches!(c, Chunk::Heartbeat(_)))
    }
    pub fn has_init(&self) -> bool {
        self.chunks.iter().any(|c| matches!(c, Chunk::Init(_)))
    }
    /// TSNs of the DATA chunks it carries.
    pub fn tsns(&self) -> Vec<u32> {
        self.chunks
            .iter()
            .filter_map(|c| match c {
                Chunk::Data(d) => Some(d.tsn.0),
                _ => None,
            })
            .collect()
    }
}

pub type Wire = Rc<RefCell<Vec<Seen>>>;

/// Record every datagram from now on.
pub fn capture(sim: &mut Sim) -> Wire {
    let wire: Wire = Rc::default();
    let w = wire.clone();
    sim.observe(move |e: &usctp_sim::Event<'_>| {
        let chunks = Packet::parse(&e.datagram.payload, ParseOptions::default())
            .map(|p| p.chunks)
            .unwrap_or_default();
        w.borrow_mut().push(Seen {
            at: e.time,
            kind: e.kind,
            src: e.datagram.src.ip,
            dst: e.datagram.dst.ip,
            chunks,
        });
    });
    wire
}

/// Datagrams sent (not the delivery or drop records).
pub fn sent(wire: &Wire) -> Vec<Seen> {
    wire.borrow()
        .iter()
        .filter(|s| s.kind == EventKind::Sent)
        .cloned()
        .collect()
}

/// The stats snapshot of association `id` on `node`.
pub fn stats(sim: &mut Sim, node: usctp_sim::NodeId<SctpNode>, id: AssocId) -> AssociationStats {
    sim.with_node(node, |n, _| n.ep.with_association(id, |a| a.stats()))
        .unwrap()
}
