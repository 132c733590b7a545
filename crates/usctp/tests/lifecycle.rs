//! Abort, close and drop: the peer is told, and the driver and its sockets go away.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{fast, udp_endpoint, LO1, LO2};
use usctp::{
    CloseReason, Endpoint, EndpointConfig, Error, Event, MemoryNetwork, SendOptions, TransportAddr,
    TransportConfig, UdpConfig, UdpTransport,
};

async fn memory_endpoint(net: &MemoryNetwork, addrs: &[std::net::IpAddr], port: u16) -> Endpoint {
    let t = Arc::new(net.bind(addrs, port).expect("bind"));
    let cfg = EndpointConfig::new(addrs.to_vec(), port, TransportConfig::Custom(t));
    Endpoint::bind(fast(cfg)).await.expect("endpoint")
}

#[tokio::test]
async fn abort_reaches_the_peer_over_the_memory_transport() {
    let net = MemoryNetwork::new();
    let server = memory_endpoint(&net, &[LO1, LO2], 1).await;
    let client = memory_endpoint(&net, &[LO1, LO2], 2).await;
    let a = client
        .connect(&[TransportAddr::udp(LO1, 1)], 1)
        .await
        .expect("connect");
    let b = server.accept().await.expect("accept");
    a.send_with(
        &b"before abort"[..],
        SendOptions::new(1).ppid(7).unordered(true),
    )
    .await
    .expect("send");
    assert_eq!(
        &b.recv().await.expect("message").payload[..],
        b"before abort"
    );
    a.abort(&b"bye"[..]);
    assert!(b.recv().await.is_err());
    let mut last = None;
    while let Some(e) = b.event().await {
        last = Some(e);
    }
    assert!(
        matches!(last, Some(Event::Closed(CloseReason::PeerAborted(_)))),
        "{last:?}"
    );
    let e = b.send(0, &b"x"[..]).await;
    assert!(
        matches!(e, Err(Error::Closed(Some(CloseReason::PeerAborted(_))))),
        "{e:?}"
    );
}

fn udp_port_free(port: u16) -> bool {
    let mut cfg = UdpConfig::with_port(port);
    cfg.ipv6 = false;
    UdpTransport::bind(&cfg).is_ok()
}

#[tokio::test]
async fn close_stops_the_driver_and_frees_the_port() {
    let ep = udp_endpoint(&[LO1], 7300).await;
    let port = ep.local_udp_port().expect("udp port");
    assert!(!udp_port_free(port));
    ep.close().await;
    assert!(udp_port_free(port), "socket closed with the driver");
    assert!(ep.accept().await.is_none());
    let e = ep.connect(&[TransportAddr::udp(LO1, 9)], 1).await;
    assert_eq!(e.err(), Some(usctp::ConnectError::EndpointClosed));
}

#[tokio::test]
async fn dropping_every_handle_ends_the_driver_after_a_graceful_shutdown() {
    let server = udp_endpoint(&[LO1], 7400).await;
    let client = udp_endpoint(&[LO1], 7401).await;
    let (sp, cp) = (
        server.local_udp_port().expect("port"),
        client.local_udp_port().expect("port"),
    );
    let a = client
        .connect(&[TransportAddr::udp(LO1, sp)], 7400)
        .await
        .expect("connect");
    let b = server.accept().await.expect("accept");
    a.send(0, vec![1u8; 100_000]).await.expect("send");
    drop((a, client));
    // The drop started a graceful shutdown that still delivers the queued message.
    let m = b
        .recv()
        .await
        .expect("delivered after the handle was dropped");
    assert_eq!(m.payload.len(), 100_000);
    assert!(b.recv().await.is_err());
    for _ in 0..100 {
        if udp_port_free(cp) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("client driver still holds UDP port {cp}");
}
