//! Stream reconfiguration (RFC 6525) through the tokio API, over UDP on loopback: a stream
//! reset with messages before and after it, added streams, and the error without
//! negotiation.

mod common;

use std::net::IpAddr;
use std::time::Duration;

use common::{fast, LO1};
use usctp::{
    Association, Endpoint, EndpointConfig, Error, Event, Extensions, StreamDirection,
    TransportAddr, TransportConfig, UdpConfig,
};

fn cfg(port: u16, extensions: Extensions) -> EndpointConfig {
    let mut u = UdpConfig::with_port(0);
    u.ipv6 = false;
    let mut c = fast(EndpointConfig::new(
        vec![LO1],
        port,
        TransportConfig::Udp(u),
    ));
    c.protocol.association.extensions = extensions;
    c
}

/// A connected pair: (client's association, server's association).
async fn pair(port: u16, server_ext: Extensions) -> (Association, Association, [Endpoint; 2]) {
    let server = Endpoint::bind(cfg(port, server_ext)).await.expect("bind");
    let client = Endpoint::bind(cfg(port + 1, Extensions::RECONFIG))
        .await
        .expect("bind");
    let udp = server.local_udp_port().expect("udp");
    let accept = tokio::spawn({
        let server = server.clone();
        async move { server.accept().await }
    });
    let peer: IpAddr = LO1;
    let a = client
        .connect(&[TransportAddr::udp(peer, udp)], port)
        .await
        .expect("connect");
    let b = accept.await.expect("join").expect("accepted");
    (a, b, [server, client])
}

/// Wait for an event matching `f`.
async fn wait_for(a: &Association, f: impl Fn(&Event) -> bool) -> Event {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let e = a.event().await.expect("association ended");
            if f(&e) {
                return e;
            }
        }
    })
    .await
    .expect("event did not come")
}

#[tokio::test]
async fn reset_streams_delivers_everything_in_order_and_reports_both_sides() {
    let (a, b, _eps) = pair(7650, Extensions::RECONFIG).await;
    for m in ["one", "two"] {
        a.send(3, m).await.expect("send");
    }
    a.reset_streams(&[3]).await.expect("reset");
    // One request at a time.
    assert_eq!(a.add_streams(1, 0).await, Err(Error::ReconfigInProgress));
    a.send(3, "three").await.expect("send");
    let mut got = Vec::new();
    for _ in 0..3 {
        let m = tokio::time::timeout(Duration::from_secs(5), b.recv())
            .await
            .expect("recv timed out")
            .expect("recv");
        assert_eq!(m.stream.0, 3);
        got.push(m.payload);
    }
    assert_eq!(got, ["one", "two", "three"]);
    let mine = wait_for(&a, |e| matches!(e, Event::StreamsReset { .. })).await;
    assert!(matches!(
        mine,
        Event::StreamsReset {
            direction: StreamDirection::Outgoing,
            ..
        }
    ));
    let theirs = wait_for(&b, |e| matches!(e, Event::StreamsReset { .. })).await;
    assert!(matches!(
        theirs,
        Event::StreamsReset {
            direction: StreamDirection::Incoming,
            ..
        }
    ));
}

#[tokio::test]
async fn add_streams_then_use_them() {
    let (a, b, _eps) = pair(7660, Extensions::RECONFIG).await;
    assert!(matches!(
        a.send(12, "too early").await,
        Err(Error::InvalidStream { stream: 12, .. })
    ));
    a.add_streams(4, 0).await.expect("add");
    let e = wait_for(&a, |e| matches!(e, Event::StreamsAdded { .. })).await;
    assert_eq!(
        e,
        Event::StreamsAdded {
            outbound: 14,
            inbound: 10
        }
    );
    a.send(12, "new stream").await.expect("send");
    let m = tokio::time::timeout(Duration::from_secs(5), b.recv())
        .await
        .expect("recv timed out")
        .expect("recv");
    assert_eq!((m.stream.0, &m.payload[..]), (12, &b"new stream"[..]));
}

#[tokio::test]
async fn without_negotiation_the_requests_fail() {
    let (a, _b, _eps) = pair(7670, Extensions::NONE).await;
    assert_eq!(a.reset_streams(&[]).await, Err(Error::NotNegotiated));
    assert_eq!(a.request_peer_reset(&[0]).await, Err(Error::NotNegotiated));
}
