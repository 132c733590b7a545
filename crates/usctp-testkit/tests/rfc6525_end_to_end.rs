//! RFC 6525 (stream reconfiguration) between two usctp associations on the simulator: each
//! request type end to end, the pending-data rule seen on the wire, and resets with data in
//! flight under random loss, which must lose, duplicate or reorder nothing.
#![allow(clippy::unwrap_used)]

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use bytes::Bytes;
use common::Pair;
use usctp_proto::{
    AssocError, AssocId, Association, AssociationConfig, Event, Extensions, StreamDirection,
};
use usctp_sim::{EventKind, LinkConfig, NodeId, Sim};
use usctp_testkit::SctpNode;
use usctp_wire::chunk::Chunk;
use usctp_wire::param::Parameter;
use usctp_wire::{Packet, ParseOptions, StreamId};

fn cfg() -> AssociationConfig {
    let mut c = AssociationConfig::default();
    c.extensions = Extensions::RECONFIG;
    c.hb_interval = None;
    c
}

fn pair(seed: u64, link: LinkConfig) -> (Pair, AssocId, AssocId) {
    let mut p = Pair::new(seed, 1, link, cfg());
    let c = p.establish();
    let s = p.sim.node(p.server).ep.association_ids().next().unwrap();
    (p, c, s)
}

fn lan() -> LinkConfig {
    LinkConfig::with_latency(Duration::from_millis(10))
}

fn on<R>(
    sim: &mut Sim,
    node: NodeId<SctpNode>,
    id: AssocId,
    f: impl FnOnce(&mut Association) -> R,
) -> R {
    sim.with_node(node, |n, _| n.ep.with_association(id, f))
        .unwrap()
}

fn send(sim: &mut Sim, node: NodeId<SctpNode>, id: AssocId, stream: u16, payload: String) {
    on(sim, node, id, |a| {
        a.send(StreamId(stream), Bytes::from(payload))
    })
    .unwrap();
}

/// What one side put on the wire, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Wire {
    Data {
        stream: u16,
        ssn: u16,
        payload: Bytes,
    },
    Request,
    Response,
}

/// Record the DATA and RE-CONFIG chunks `from` sends (first transmissions and retransmissions
/// alike).
fn record(p: &mut Pair, from: std::net::IpAddr) -> Rc<RefCell<Vec<Wire>>> {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l2 = log.clone();
    p.sim.observe(move |e: &usctp_sim::Event<'_>| {
        if e.kind != EventKind::Sent || e.datagram.src.ip != from {
            return;
        }
        let Ok(pkt) = Packet::parse(&e.datagram.payload, ParseOptions::default()) else {
            return;
        };
        for c in pkt.chunks {
            match c {
                Chunk::Data(d) => l2.borrow_mut().push(Wire::Data {
                    stream: d.stream.0,
                    ssn: d.ssn.0,
                    payload: d.payload,
                }),
                Chunk::ReConfig(r) => {
                    let resp = r
                        .params
                        .iter()
                        .all(|p| matches!(p, Parameter::ReconfigurationResponse(_)));
                    l2.borrow_mut()
                        .push(if resp { Wire::Response } else { Wire::Request });
                }
                _ => {}
            }
        }
    });
    log
}

fn payloads_on(sim: &Sim, node: NodeId<SctpNode>, stream: u16) -> Vec<Bytes> {
    sim.node(node)
        .messages
        .iter()
        .filter(|(_, m)| m.stream.0 == stream)
        .map(|(_, m)| m.payload.clone())
        .collect()
}

fn saw(sim: &Sim, node: NodeId<SctpNode>, f: impl Fn(&Event) -> bool) -> bool {
    sim.node(node).events.iter().any(|(_, e)| f(e))
}

#[test]
fn rfc6525_5_1_2_outgoing_reset_end_to_end_with_the_pending_data_rule_on_the_wire() {
    let (mut p, c, s) = pair(1, lan());
    let wire = record(&mut p, common::addr(1, 0));
    let (client, server) = (p.client, p.server);
    for i in 0..3 {
        send(&mut p.sim, client, c, 1, format!("before {i}"));
    }
    on(&mut p.sim, client, c, |a| a.reset_streams(&[1])).unwrap();
    for i in 0..2 {
        send(&mut p.sim, client, c, 1, format!("after {i}"));
    }
    p.sim.run_for(Duration::from_secs(2));
    let got = payloads_on(&p.sim, server, 1);
    let want: Vec<Bytes> = ["before 0", "before 1", "before 2", "after 0", "after 1"]
        .map(Bytes::from)
        .to_vec();
    assert_eq!(got, want);
    // On the wire: the three old SSNs, the request, then SSN 0 and 1 again; nothing of
    // stream 1 between the request and the peer's answer.
    let w = wire.borrow().clone();
    let data = |ssn: u16, s: &str| Wire::Data {
        stream: 1,
        ssn,
        payload: Bytes::from(s.to_owned()),
    };
    assert_eq!(
        w,
        [
            data(0, "before 0"),
            data(1, "before 1"),
            data(2, "before 2"),
            Wire::Request,
            data(0, "after 0"),
            data(1, "after 1"),
        ]
    );
    assert!(saw(
        &p.sim,
        client,
        |e| matches!(e, Event::StreamsReset { direction: StreamDirection::Outgoing, streams } if streams == &[StreamId(1)])
    ));
    assert!(saw(
        &p.sim,
        server,
        |e| matches!(e, Event::StreamsReset { direction: StreamDirection::Incoming, streams } if streams == &[StreamId(1)])
    ));
    let _ = s;
}

#[test]
fn rfc6525_5_1_3_incoming_reset_end_to_end() {
    let (mut p, c, s) = pair(2, lan());
    let server_wire = record(&mut p, common::addr(2, 0));
    let (client, server) = (p.client, p.server);
    send(&mut p.sim, server, s, 2, "one".into());
    send(&mut p.sim, server, s, 2, "two".into());
    on(&mut p.sim, client, c, |a| a.request_peer_reset(&[2])).unwrap();
    // The request reached the server (10 ms), whose "one" and "two" are not acked yet:
    // "three" is held until its reset went through.
    p.sim.run_for(Duration::from_millis(15));
    send(&mut p.sim, server, s, 2, "three".into());
    p.sim.run_for(Duration::from_secs(2));
    assert_eq!(
        payloads_on(&p.sim, client, 2),
        ["one", "two", "three"].map(Bytes::from)
    );
    let ssns: Vec<u16> = server_wire
        .borrow()
        .iter()
        .filter_map(|w| match w {
            Wire::Data { ssn, .. } => Some(*ssn),
            _ => None,
        })
        .collect();
    assert_eq!(ssns, [0, 1, 0], "three sent after the server's reset");
    assert!(saw(&p.sim, client, |e| matches!(
        e,
        Event::StreamsReset {
            direction: StreamDirection::Incoming,
            ..
        }
    )));
    assert!(saw(&p.sim, server, |e| matches!(
        e,
        Event::StreamsReset {
            direction: StreamDirection::Outgoing,
            ..
        }
    )));
}

#[test]
fn rfc6525_5_1_4_ssn_tsn_reset_end_to_end() {
    let (mut p, c, s) = pair(3, lan());
    let (client, server) = (p.client, p.server);
    send(&mut p.sim, client, c, 0, "c before".into());
    send(&mut p.sim, server, s, 0, "s before".into());
    on(&mut p.sim, client, c, |a| a.reset_ssn_tsn()).unwrap();
    send(&mut p.sim, client, c, 0, "c after".into());
    p.sim.run_for(Duration::from_secs(2));
    send(&mut p.sim, server, s, 0, "s after".into());
    p.sim.run_for(Duration::from_secs(2));
    assert_eq!(
        payloads_on(&p.sim, server, 0),
        ["c before", "c after"].map(Bytes::from)
    );
    assert_eq!(
        payloads_on(&p.sim, client, 0),
        ["s before", "s after"].map(Bytes::from)
    );
    let reset = |node: NodeId<SctpNode>| {
        p.sim.node(node).events.iter().find_map(|(_, e)| match e {
            Event::AssociationReset {
                local_tsn,
                peer_tsn,
            } => Some((*local_tsn, *peer_tsn)),
            _ => None,
        })
    };
    let (cl, cp) = reset(client).expect("client event");
    let (sl, sp) = reset(server).expect("server event");
    assert_eq!((cl, cp), (sp, sl), "both sides agree");
    // The client's TSNs jumped 2^31 (RFC 6525 §5.2.4 G1).
    let (_, next) =
        usctp_proto::internals::tsn_window(p.sim.node(client).ep.association(c).unwrap());
    assert_eq!(next, cl.add(1));
}

#[test]
fn rfc6525_5_1_5_and_5_1_6_add_streams_both_ways() {
    let (mut p, c, s) = pair(4, lan());
    let (client, server) = (p.client, p.server);
    assert_eq!(on(&mut p.sim, client, c, |a| a.stream_counts()), (10, 10));
    assert!(matches!(
        on(&mut p.sim, client, c, |a| a
            .send(StreamId(14), Bytes::from("x"))),
        Err(AssocError::Send(_))
    ));
    on(&mut p.sim, client, c, |a| a.add_streams(5, 3)).unwrap();
    p.sim.run_for(Duration::from_secs(1));
    assert_eq!(on(&mut p.sim, client, c, |a| a.stream_counts()), (15, 13));
    assert_eq!(on(&mut p.sim, server, s, |a| a.stream_counts()), (13, 15));
    send(&mut p.sim, client, c, 14, "to the new stream".into());
    send(&mut p.sim, server, s, 12, "from the new stream".into());
    p.sim.run_for(Duration::from_secs(1));
    assert_eq!(
        payloads_on(&p.sim, server, 14),
        [Bytes::from("to the new stream")]
    );
    assert_eq!(
        payloads_on(&p.sim, client, 12),
        [Bytes::from("from the new stream")]
    );
    assert!(saw(&p.sim, client, |e| *e
        == Event::StreamsAdded {
            outbound: 15,
            inbound: 13
        }));
    // Beyond 65535: refused before anything is sent.
    assert_eq!(
        on(&mut p.sim, client, c, |a| a.add_streams(u16::MAX, 0)),
        Err(AssocError::TooManyStreams)
    );
}

/// Messages on three streams with resets of all or some streams in between, under random
/// loss: every message arrives once, in order per stream.
fn reset_under_loss(seed: u64) -> Result<(), String> {
    let mut link = lan();
    link.loss = 0.1;
    let (mut p, c, _) = pair(seed, link);
    let (client, server) = (p.client, p.server);
    let mut sent: BTreeMap<u16, Vec<Bytes>> = BTreeMap::new();
    let mut resets = 0;
    let mut batch = |p: &mut Pair, round: u32, part: &str| {
        for i in 0..6u32 {
            let stream = (i % 3) as u16;
            let payload = format!("r{round} {part} m{i}");
            sent.entry(stream)
                .or_default()
                .push(Bytes::from(payload.clone()));
            send(&mut p.sim, client, c, stream, payload);
        }
    };
    for round in 0..8u32 {
        // Queued before the reset: they go first, with the old SSNs.
        batch(&mut p, round, "before");
        let streams: &[u16] = if round % 2 == 0 { &[] } else { &[1] };
        let mut tries = 0;
        loop {
            match on(&mut p.sim, client, c, |a| a.reset_streams(streams)) {
                Ok(()) => break,
                Err(AssocError::ReconfigInProgress) if tries < 600 => {
                    tries += 1;
                    p.sim.run_for(Duration::from_millis(100));
                }
                Err(e) => return Err(format!("reset_streams: {e}")),
            }
        }
        resets += 1;
        // Sent during the reset: held (the reset streams) or sent at once (the others).
        batch(&mut p, round, "after");
        p.sim.run_for(Duration::from_millis(30));
    }
    let total: usize = sent.values().map(Vec::len).sum();
    let done = p.sim.run_until_cond(Duration::from_secs(300), |s| {
        s.node(server).messages.len() >= total
            && s.node(client).ep.association(c).is_some_and(|a| {
                let st = a.stats();
                st.queued_bytes == 0 && st.outstanding_bytes == 0
            })
    });
    p.sim.run_for(Duration::from_secs(5));
    for (stream, want) in &sent {
        let got = payloads_on(&p.sim, server, *stream);
        if &got != want {
            return Err(format!("stream {stream}: got {got:?}, want {want:?}"));
        }
    }
    if !done {
        return Err("not all delivered".into());
    }
    let performed = p
        .sim
        .node(client)
        .events
        .iter()
        .filter(|(_, e)| matches!(e, Event::StreamsReset { .. }))
        .count();
    if performed != resets {
        return Err(format!("{performed} resets performed of {resets}"));
    }
    Ok(())
}

#[test]
fn rfc6525_reset_with_data_in_flight_under_random_loss_loses_nothing() {
    for seed in 1..=5 {
        if let Err(e) = reset_under_loss(seed) {
            panic!("seed {seed}: {e}");
        }
    }
}

/// `send_buffered_bytes` counts what `send_queue_limit` bounds: queued, sent and not yet
/// acknowledged, and held back by a reset (RFC 6525 §5.1.2); a message fits exactly when
/// it plus that is within the limit (the tokio API budgets `send` by it).
#[test]
fn rfc6525_5_1_2_held_messages_count_in_send_buffered_bytes() {
    let mut c = cfg();
    c.send_queue_limit = 100;
    let mut p = Pair::new(7, 1, lan(), c);
    let c = p.establish();
    let client = p.client;
    let sent = |p: &mut Pair, len: usize| {
        on(&mut p.sim, client, c, |a| {
            a.send(StreamId(1), Bytes::from(vec![b'x'; len]))
        })
    };
    let buffered = |p: &mut Pair| on(&mut p.sim, client, c, |a| a.send_buffered_bytes());
    sent(&mut p, 30).unwrap();
    on(&mut p.sim, client, c, |a| a.reset_streams(&[1])).unwrap();
    sent(&mut p, 40).unwrap(); // held until the peer answers
    assert_eq!(buffered(&mut p), 70);
    assert_eq!(
        sent(&mut p, 31),
        Err(AssocError::Send(usctp_proto::SendError::QueueFull))
    );
    sent(&mut p, 30).unwrap();
    assert_eq!(buffered(&mut p), 100);
    p.sim.run_for(Duration::from_secs(2));
    assert_eq!(buffered(&mut p), 0, "everything acknowledged");
}
