//! Two endpoints on the simulator, joined by one link per path.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bytes::Bytes;
use usctp_proto::{AssocId, AssociationConfig, Endpoint, EndpointConfig, Event, TransportAddr};
use usctp_sim::{LinkConfig, LinkId, NodeId, Sim};
use usctp_testkit::SctpNode;
use usctp_wire::StreamId;

pub const CLIENT_PORT: u16 = 40_000;
pub const SERVER_PORT: u16 = 5000;

pub mod auth;
pub mod tester;
pub mod tshark;
pub mod wire;

/// A client and a server with `paths` addresses each, one link per path.
pub struct Pair {
    pub sim: Sim,
    pub client: NodeId<SctpNode>,
    pub server: NodeId<SctpNode>,
    pub links: Vec<LinkId>,
    pub server_addrs: Vec<IpAddr>,
    pub assoc: Option<AssocId>,
}

pub fn addr(side: u8, path: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, path, 0, side))
}

pub fn endpoint_config(seed: u64, assoc: AssociationConfig) -> EndpointConfig {
    let mut cfg = EndpointConfig::default();
    cfg.rng_seed = Some(seed);
    cfg.association = assoc;
    cfg
}

impl Pair {
    pub fn new(seed: u64, paths: u8, link: LinkConfig, assoc: AssociationConfig) -> Self {
        Self::new_with(seed, paths, link, assoc.clone(), assoc)
    }

    /// As [`Pair::new`], the client and the server each with its own configuration.
    pub fn new_with(
        seed: u64,
        paths: u8,
        link: LinkConfig,
        assoc: AssociationConfig,
        server_assoc: AssociationConfig,
    ) -> Self {
        let mut sim = Sim::new(seed);
        let now = sim.now();
        let caddrs: Vec<_> = (0..paths).map(|p| addr(1, p)).collect();
        let saddrs: Vec<_> = (0..paths).map(|p| addr(2, p)).collect();
        let cep = Endpoint::new(
            endpoint_config(seed ^ 1, assoc.clone()),
            CLIENT_PORT,
            caddrs.clone(),
            now,
        );
        let sep = Endpoint::new(
            endpoint_config(seed ^ 2, server_assoc),
            SERVER_PORT,
            saddrs.clone(),
            now,
        );
        let client = sim.add_node(SctpNode::new(cep, caddrs.clone()), caddrs.clone());
        let server = sim.add_node(SctpNode::new(sep, saddrs.clone()), saddrs.clone());
        let links = (0..usize::from(paths))
            .map(|i| sim.add_link(caddrs[i], saddrs[i], link.clone()))
            .collect();
        Self {
            sim,
            client,
            server,
            links,
            server_addrs: saddrs,
            assoc: None,
        }
    }

    /// Connect the client to every server address; returns the client's association id.
    pub fn connect(&mut self) -> AssocId {
        let remotes: Vec<_> = self
            .server_addrs
            .iter()
            .map(|ip| TransportAddr::raw(*ip))
            .collect();
        let id = self
            .sim
            .with_node(self.client, |n, now| {
                n.ep.connect(now, &remotes, SERVER_PORT, None)
            })
            .unwrap();
        self.assoc = Some(id);
        id
    }

    pub fn client_connected(&self) -> bool {
        self.sim
            .node(self.client)
            .events
            .iter()
            .any(|(_, e)| *e == Event::Connected)
    }

    pub fn server_connected(&self) -> bool {
        self.sim
            .node(self.server)
            .events
            .iter()
            .any(|(_, e)| *e == Event::Connected)
    }

    /// Connect and run until both sides report Connected.
    pub fn establish(&mut self) -> AssocId {
        let id = self.connect();
        let ok = self.sim.run_until_cond(Duration::from_secs(120), |s| {
            let c = s
                .node(self.client)
                .events
                .iter()
                .any(|(_, e)| *e == Event::Connected);
            let v = s
                .node(self.server)
                .events
                .iter()
                .any(|(_, e)| *e == Event::Connected);
            c && v
        });
        assert!(ok, "association not established");
        id
    }

    pub fn send(&mut self, stream: u16, payload: Bytes) -> bool {
        let id = self.assoc.unwrap();
        self.sim
            .with_node(self.client, |n, _| {
                n.ep.with_association(id, |a| a.send(StreamId(stream), payload))
            })
            .is_some_and(|r| r.is_ok())
    }
}
