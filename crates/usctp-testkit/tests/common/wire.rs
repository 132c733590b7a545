//! Hand-built packets fed straight into an endpoint, for the security tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use usctp_proto::{DatagramMeta, Endpoint, TransportAddr};
use usctp_wire::chunk::{Chunk, Data, Init};
use usctp_wire::{CommonHeader, Packet, ParseOptions, Ppid, Ssn, StreamId, Tsn, VerificationTag};

pub const SERVER: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));
pub const PEER: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
pub const SPORT: u16 = 5000;
pub const PPORT: u16 = 40_000;

pub fn meta_from(ip: IpAddr) -> DatagramMeta {
    DatagramMeta {
        src: TransportAddr::raw(ip),
        dst: SERVER,
    }
}

pub fn packet(vtag: u32, chunks: Vec<Chunk>) -> Bytes {
    let p = Packet {
        header: CommonHeader {
            src_port: PPORT,
            dst_port: SPORT,
            vtag: VerificationTag(vtag),
        },
        chunks,
    };
    Bytes::from(p.to_vec())
}

pub fn init(tag: u32) -> Chunk {
    Chunk::Init(Init {
        initiate_tag: VerificationTag(tag),
        a_rwnd: 65_536,
        outbound_streams: 10,
        inbound_streams: 10,
        initial_tsn: Tsn(1000),
        params: vec![],
    })
}

/// Everything the endpoint sends now, parsed.
pub fn drain(ep: &mut Endpoint, now: Instant) -> Vec<Packet> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    while let Some(t) = ep.poll_transmit(now, &mut buf) {
        let bytes = Bytes::from(buf[buf.len() - t.len..].to_vec());
        out.push(Packet::parse(&bytes, ParseOptions::default()).unwrap());
    }
    out
}

pub fn server(now: Instant) -> Endpoint {
    let cfg = super::endpoint_config(99, Default::default());
    Endpoint::new(cfg, SPORT, vec![SERVER], now)
}

/// Send INIT, return the cookie from the INIT ACK.
pub fn get_cookie(ep: &mut Endpoint, now: Instant, tag: u32) -> Bytes {
    ep.handle(now, meta_from(PEER), packet(0, vec![init(tag)]));
    let out = drain(ep, now);
    let Some(Chunk::InitAck(ack)) = out.first().and_then(|p| p.chunks.first()) else {
        panic!("no INIT ACK: {out:?}");
    };
    ack.state_cookie().unwrap()
}

/// A one-byte DATA chunk ("x") with `tsn` on stream 0.
pub fn data(tsn: u32) -> Chunk {
    Chunk::Data(Data {
        tsn: Tsn(tsn),
        stream: StreamId(0),
        ssn: Ssn(0),
        ppid: Ppid(0),
        beginning: true,
        ending: true,
        payload: Bytes::from_static(b"x"),
        ..Default::default()
    })
}

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}
