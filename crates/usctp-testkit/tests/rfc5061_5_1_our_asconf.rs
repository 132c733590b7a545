//! RFC 5061 §5.1 and §5.3 from the requesting side. Against a scripted peer: the ASCONF goes
//! authenticated, carries the serial number that starts at our initial TSN, is sent again
//! unchanged on T-4 with the error counted, and only an authenticated ASCONF-ACK for it
//! counts. Between two usctp endpoints on the simulator: an address added under load is
//! confirmed and carries data, and deleting the address the peer uses as primary moves the
//! traffic to the other path with nothing lost.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bytes::Bytes;
use common::auth::*;
use common::tester::*;
use common::wire::PEER;
use common::{addr, endpoint_config, CLIENT_PORT, SERVER_PORT};
use usctp_proto::{
    AddressRequest, AssocError, AssocId, AssociationConfig, Endpoint, Event, Extensions,
    TransportAddr,
};
use usctp_sim::{LinkConfig, NodeId, Sim};
use usctp_testkit::SctpNode;
use usctp_wire::chunk::{Asconf, AsconfAck, Chunk};
use usctp_wire::param::{AddIpAddress, Parameter, SupportedExtensions};
use usctp_wire::StreamId;

const ASCONF: u8 = 0xc1;
const ASCONF_ACK: u8 = 0x80;

fn asconf_on() -> AssociationConfig {
    let mut c = AssociationConfig::default();
    c.extensions = Extensions::default().with(Extensions::ASCONF);
    c
}

/// The ASCONFs the SUT sent in `sent`, each checked to follow an AUTH chunk.
fn asconfs(sent: &[Sent]) -> Vec<Asconf> {
    let mut v = Vec::new();
    for s in sent {
        for (i, c) in s.packet.chunks.iter().enumerate() {
            if let Chunk::Asconf(a) = c {
                assert!(
                    matches!(s.packet.chunks[..i], [.., Chunk::Auth(_)]),
                    "{}",
                    s.packet
                );
                v.push(a.clone());
            }
        }
    }
    v
}

#[test]
fn rfc5061_5_1_one_asconf_serial_from_initial_tsn_resent_on_t4_until_an_authenticated_ack() {
    let mut cfg = quiet();
    cfg.extensions = Extensions::default().with(Extensions::ASCONF);
    let (mut t, init) = Tester::connect(cfg);
    let side = Side::tester(0x21, Some(&[ASCONF, ASCONF_ACK]), &[SHA256, SHA1]);
    let mut ack = t.init_ack();
    let mut params = side.params();
    params[0] = SupportedExtensions {
        chunk_types: vec![AUTH, ASCONF, ASCONF_ACK].into(),
    }
    .into();
    ack.params.extend(params);
    let out = t.send(vec![Chunk::InitAck(ack)]);
    assert!(matches!(first(&out), Some(Chunk::CookieEcho(_))), "{out:?}");
    t.send(vec![Chunk::CookieAck(usctp_wire::chunk::CookieAck)]);
    assert!(t.user(|a| a.extensions().contains(Extensions::ASCONF)));
    let key = association_key(&[], &Side::of(&init.params).unwrap(), &side);
    let new = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 3));
    let other = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 4));
    let from = t.log.len();
    t.user(|a| a.add_local_address(new)).unwrap();
    t.user(|a| a.add_local_address(other)).unwrap();
    // One outstanding (A2), serial = our initial TSN (§4.1.1), the address in an ADD-IP.
    t.run(Duration::from_millis(10));
    let first_try = asconfs(&t.log[from..]);
    assert_eq!(first_try.len(), 1, "{first_try:?}");
    let a = &first_try[0];
    assert_eq!(a.serial, init.initial_tsn.0);
    assert!(
        matches!(a.params[1], Parameter::AddIpAddress(AddIpAddress { address, .. }) if address == new)
    );
    // T-4 (A4, A5): the same ASCONF again after an RTO, the error counted; an unsigned ACK
    // changes nothing.
    let unsigned = AsconfAck {
        serial: a.serial,
        params: vec![],
    };
    t.send(vec![Chunk::AsconfAck(unsigned.clone())]);
    let again = asconfs(&t.run(Duration::from_millis(1500)));
    assert_eq!(again, std::slice::from_ref(a));
    assert!(t.user(|a| a.stats().error_count) >= 1);
    assert!(!t.user(|a| a.local_addresses().contains(&new)));
    // Authenticated: done, the address is ours to use, and the next request goes out.
    let p = signed_packet(
        t.sut_tag,
        &[],
        (0, SHA256, &key),
        &[Chunk::AsconfAck(unsigned)],
    );
    let out = t.send_bytes(PEER, p);
    assert!(t
        .events
        .contains(&Event::AddressRequestDone(AddressRequest::Add(new))));
    assert!(t.user(|a| a.local_addresses().contains(&new)));
    let next: Vec<Asconf> = out
        .iter()
        .flat_map(|p| p.chunks.iter())
        .filter_map(|c| match c {
            Chunk::Asconf(a) => Some(a.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].serial, init.initial_tsn.0.wrapping_add(1));
    // Refusals of the API: a known address, an unknown one, the last one.
    assert_eq!(
        t.user(|a| a.add_local_address(new)),
        Err(AssocError::AddressInUse(new))
    );
    let stranger = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 1));
    assert_eq!(
        t.user(|a| a.remove_local_address(stranger)),
        Err(AssocError::UnknownAddress(stranger))
    );
}

#[test]
fn rfc5061_asconf_api_refused_when_not_negotiated() {
    let mut t = Tester::connected(quiet());
    let ip = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 3));
    assert_eq!(
        t.user(|a| a.add_local_address(ip)),
        Err(AssocError::AsconfNotNegotiated)
    );
}

/// Client and server on the simulator, the client's endpoint bound to `bound` of its
/// host's `client_addrs`, the server to all of `server_addrs`; one link between each pair.
struct Net {
    sim: Sim,
    client: NodeId<SctpNode>,
    server: NodeId<SctpNode>,
    ids: (AssocId, AssocId),
}

impl Net {
    fn new(seed: u64, client_addrs: &[IpAddr], bound: &[IpAddr], server_addrs: &[IpAddr]) -> Self {
        Self::with(seed, (client_addrs, bound, asconf_on()), server_addrs)
    }

    fn with(
        seed: u64,
        (client_addrs, bound, client_cfg): (&[IpAddr], &[IpAddr], AssociationConfig),
        server_addrs: &[IpAddr],
    ) -> Self {
        let mut sim = Sim::new(seed);
        let now = sim.now();
        let cep = Endpoint::new(
            endpoint_config(seed ^ 1, client_cfg),
            CLIENT_PORT,
            bound.to_vec(),
            now,
        );
        let sep = Endpoint::new(
            endpoint_config(seed ^ 2, asconf_on()),
            SERVER_PORT,
            server_addrs.to_vec(),
            now,
        );
        let client = sim.add_node(
            SctpNode::new(cep, client_addrs.to_vec()),
            client_addrs.to_vec(),
        );
        let server = sim.add_node(
            SctpNode::new(sep, server_addrs.to_vec()),
            server_addrs.to_vec(),
        );
        let link = LinkConfig {
            bandwidth_bps: Some(20_000_000),
            ..LinkConfig::with_latency(Duration::from_millis(5))
        };
        for c in client_addrs {
            for s in server_addrs {
                if c.is_ipv4() == s.is_ipv4()
                    && (server_addrs.len() == 1 || c.octets_path() == s.octets_path())
                {
                    sim.add_link(*c, *s, link.clone());
                }
            }
        }
        let remotes: Vec<_> = server_addrs
            .iter()
            .map(|ip| TransportAddr::raw(*ip))
            .collect();
        let cid = sim
            .with_node(client, |n, now| {
                n.ep.connect(now, &remotes, SERVER_PORT, None)
            })
            .unwrap();
        let ok = sim.run_until_cond(Duration::from_secs(30), |s| {
            s.node(server)
                .events
                .iter()
                .any(|(_, e)| *e == Event::Connected)
                && s.node(client)
                    .events
                    .iter()
                    .any(|(_, e)| *e == Event::Connected)
        });
        assert!(ok, "not established");
        let sid = sim.node(server).events[0].0;
        Self {
            sim,
            client,
            server,
            ids: (cid, sid),
        }
    }

    /// The server queues `n` messages of `len` bytes to the client.
    fn server_sends(&mut self, n: usize, len: usize) {
        let sid = self.ids.1;
        self.sim.with_node(self.server, |node, _| {
            node.ep.with_association(sid, |a| {
                for i in 0..n {
                    a.send(StreamId(0), Bytes::from(vec![i as u8; len]))
                        .unwrap();
                }
            })
        });
    }

    fn delivered(&self) -> usize {
        self.sim.node(self.client).messages.len()
    }

    fn server_stats(&self) -> usctp_proto::AssociationStats {
        self.sim
            .node(self.server)
            .ep
            .association(self.ids.1)
            .unwrap()
            .stats()
    }
}

/// `10.p.0.s`'s path number `p`.
trait PathOctet {
    fn octets_path(&self) -> u8;
}

impl PathOctet for IpAddr {
    fn octets_path(&self) -> u8 {
        match self {
            IpAddr::V4(v4) => v4.octets()[1],
            IpAddr::V6(_) => 0,
        }
    }
}

#[test]
fn rfc5061_4_2_1_an_address_added_under_load_is_confirmed_and_carries_data() {
    let (c0, c1, s0) = (addr(1, 0), addr(1, 1), addr(2, 0));
    let mut net = Net::new(11, &[c0, c1], &[c0], &[s0]);
    net.server_sends(600, 1000);
    net.sim.run_for(Duration::from_millis(50));
    assert!(net.delivered() < 600, "not under load");
    // Endpoint-wide: bound and announced to the association.
    let asked = net.sim.with_node(net.client, |n, _| n.ep.add_address(c1));
    assert_eq!(asked, 1);
    let cid = net.ids.0;
    let done = Event::AddressRequestDone(AddressRequest::Add(c1));
    let confirmed = net.sim.run_until_cond(Duration::from_secs(5), |s| {
        let st = s
            .node(net.server)
            .ep
            .association(net.ids.1)
            .unwrap()
            .stats();
        let active = |p: &usctp_proto::PathStats| p.state == usctp_proto::PathState::Active;
        st.paths.iter().any(|p| p.remote.ip == c1 && active(p))
            && s.node(net.client).events_of(cid).any(|e| *e == done)
    });
    assert!(confirmed, "{:?}", net.server_stats());
    assert!(net.delivered() < 600, "no longer under load");
    // Make it the server's primary: the rest of the transfer goes there.
    net.sim
        .with_node(net.client, |n, _| {
            n.ep.with_association(cid, |a| a.set_peer_primary(c1))
        })
        .unwrap()
        .unwrap();
    net.server_sends(200, 1000);
    let done = net.sim.run_until_cond(Duration::from_secs(60), |s| {
        s.node(net.client).messages.len() == 800
    });
    assert!(done, "delivered {}", net.delivered());
    let st = net.server_stats();
    let new = st.paths.iter().find(|p| p.remote.ip == c1).unwrap();
    assert_eq!(new.origin, usctp_proto::PathOrigin::Asconf);
    assert!(new.counters.bytes_sent > 100_000, "{new:?}");
    assert_eq!(st.path(st.primary).unwrap().remote.ip, c1);
    let msgs = &net.sim.node(net.client).messages;
    assert!(msgs
        .iter()
        .enumerate()
        .all(|(i, (_, m))| m.payload[0] == (i % 600) as u8 || i >= 600));
}

#[test]
fn rfc5061_5_3_deleting_the_primary_moves_traffic_to_the_other_path_with_nothing_lost() {
    let (c0, c1, s0, s1) = (addr(1, 0), addr(1, 1), addr(2, 0), addr(2, 1));
    let mut net = Net::new(12, &[c0, c1], &[c0, c1], &[s0, s1]);
    let st = net.server_stats();
    assert_eq!(st.path(st.primary).unwrap().remote.ip, c0);
    net.server_sends(800, 1000);
    net.sim.run_for(Duration::from_millis(80));
    assert!(net.delivered() < 800, "not under load");
    let cid = net.ids.0;
    net.sim
        .with_node(net.client, |n, _| {
            n.ep.with_association(cid, |a| a.remove_local_address(c0))
        })
        .unwrap()
        .unwrap();
    let removed = net.sim.run_until_cond(Duration::from_secs(5), |s| {
        s.node(net.server)
            .events_of(net.ids.1)
            .any(|e| matches!(e, Event::PathRemoved { addr, .. } if addr.ip == c0))
    });
    assert!(removed);
    let to_c0 = |sim: &Sim| {
        let link = sim.link(sim.link_between(s0, c0).unwrap());
        link.stats(link.direction_from(s0).unwrap()).sent
    };
    let sent_before = to_c0(&net.sim);
    let done = net.sim.run_until_cond(Duration::from_secs(60), |s| {
        s.node(net.client).messages.len() == 800
    });
    assert!(done, "delivered {}", net.delivered());
    let msgs = &net.sim.node(net.client).messages;
    assert!(msgs
        .iter()
        .enumerate()
        .all(|(i, (_, m))| m.payload[0] == i as u8));
    assert_eq!(
        to_c0(&net.sim),
        sent_before,
        "the server still sent to the deleted address"
    );
    let st = net.server_stats();
    assert_eq!(st.paths.len(), 1);
    assert_eq!(st.path(st.primary).unwrap().remote.ip, c1);
    assert!(net
        .sim
        .node(net.client)
        .events_of(cid)
        .any(|e| *e == Event::AddressRequestDone(AddressRequest::Delete(c0))));
    assert!(!net
        .sim
        .node(net.client)
        .ep
        .association(cid)
        .unwrap()
        .local_addresses()
        .contains(&c0));
}

#[test]
fn rfc5061_4_2_4_nat_friendly_client_announces_its_other_address_from_it() {
    let (c0, c1, s0, s1) = (addr(1, 0), addr(1, 1), addr(2, 0), addr(2, 1));
    let mut cfg = AssociationConfig::default();
    cfg.nat_friendly = true; // brings ASCONF and AUTH
    let mut net = Net::with(13, (&[c0, c1], &[c0, c1], cfg), &[s0, s1]);
    // The server first knows only the INIT's source: the INIT listed no address.
    let both = net.sim.run_until_cond(Duration::from_secs(10), |s| {
        let st = s
            .node(net.server)
            .ep
            .association(net.ids.1)
            .unwrap()
            .stats();
        st.paths.len() == 2
            && st
                .paths
                .iter()
                .all(|p| p.state == usctp_proto::PathState::Active)
    });
    assert!(both, "{:?}", net.server_stats());
    let st = net.server_stats();
    let added = st.paths.iter().find(|p| p.remote.ip == c1).unwrap();
    assert_eq!(added.origin, usctp_proto::PathOrigin::Asconf);
    let cid = net.ids.0;
    let done = Event::AddressRequestDone(AddressRequest::AddSource(c1));
    assert!(net.sim.node(net.client).events_of(cid).any(|e| *e == done));
    // Both directions fail over: cut path 0, the transfer completes over path 1.
    let link = net.sim.link_between(c0, s0).unwrap();
    let at = net.sim.elapsed();
    net.sim
        .link_mut(link)
        .cut(at, at + Duration::from_secs(3600));
    net.server_sends(300, 1000);
    let done = net.sim.run_until_cond(Duration::from_secs(60), |s| {
        s.node(net.client).messages.len() == 300
    });
    assert!(done, "delivered {}", net.delivered());
}

#[test]
fn rfc5061_4_2_4_nat_friendly_client_of_a_single_homed_server_fails_over_on_its_side_too() {
    // The Kubernetes shape: the service has one address, the client two. The ASCONF for c1
    // leaves from c1 toward the one server address; when c0's link dies, the server sends to
    // c1 and the client's one path tries its other announced source.
    let (c0, c1, s0) = (addr(1, 0), addr(1, 1), addr(2, 0));
    let mut cfg = AssociationConfig::default();
    cfg.nat_friendly = true;
    cfg.rto_min = Duration::from_millis(100);
    cfg.rto_initial = Duration::from_millis(200);
    let mut net = Net::with(14, (&[c0, c1], &[c0, c1], cfg), &[s0]);
    let both = net.sim.run_until_cond(Duration::from_secs(10), |s| {
        let st = s
            .node(net.server)
            .ep
            .association(net.ids.1)
            .unwrap()
            .stats();
        st.paths.len() == 2
            && st
                .paths
                .iter()
                .all(|p| p.state == usctp_proto::PathState::Active)
    });
    assert!(both, "{:?}", net.server_stats());
    let link = net.sim.link_between(c0, s0).unwrap();
    let at = net.sim.elapsed();
    net.sim
        .link_mut(link)
        .cut(at, at + Duration::from_secs(3600));
    net.server_sends(100, 1000);
    let cid = net.ids.0;
    net.sim.with_node(net.client, |n, _| {
        n.ep.with_association(cid, |a| {
            for i in 0..100u8 {
                a.send(StreamId(0), Bytes::from(vec![i; 500])).unwrap();
            }
        })
    });
    let done = net.sim.run_until_cond(Duration::from_secs(120), |s| {
        s.node(net.client).messages.len() == 100 && s.node(net.server).messages.len() == 100
    });
    assert!(
        done,
        "client got {}, server got {}",
        net.delivered(),
        net.sim.node(net.server).messages.len()
    );
    let client = net
        .sim
        .node(net.client)
        .ep
        .association(cid)
        .unwrap()
        .stats();
    assert_eq!(client.paths[0].local, Some(c1), "{client:?}");
}
