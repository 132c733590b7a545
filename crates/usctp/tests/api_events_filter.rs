//! The events `Stream` and the per-association accept decision, over UDP on loopback.

mod common;

use std::future::poll_fn;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{fast, LO1};
use usctp::{
    CloseReason, ConnectError, Endpoint, EndpointConfig, Event, Stream, TransportAddr,
    TransportConfig, UdpConfig,
};

fn cfg(port: u16) -> EndpointConfig {
    let mut u = UdpConfig::with_port(0);
    u.ipv6 = false;
    fast(EndpointConfig::new(
        vec![LO1],
        port,
        TransportConfig::Udp(u),
    ))
}

#[tokio::test]
async fn events_stream_yields_the_events_then_ends() {
    let server = Endpoint::bind(cfg(7111)).await.expect("bind");
    let client = Endpoint::bind(cfg(7112)).await.expect("bind");
    let udp = server.local_udp_port().expect("udp");
    let accept = tokio::spawn({
        let server = server.clone();
        async move { server.accept().await }
    });
    let assoc = client
        .connect(&[TransportAddr::udp(LO1, udp)], 7111)
        .await
        .expect("connect");
    let peer = accept.await.expect("join").expect("accepted");
    // The peer aborts: the stream reports Connected, then Closed, then ends.
    peer.abort(&b"bye"[..]);
    let mut events = pin!(assoc.events());
    let mut seen = Vec::new();
    let drained = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(ev) = poll_fn(|cx| events.as_mut().poll_next(cx)).await {
            seen.push(ev);
        }
    })
    .await;
    assert!(drained.is_ok(), "stream did not end; saw {seen:?}");
    assert_eq!(seen.first(), Some(&Event::Connected), "{seen:?}");
    assert!(
        matches!(
            seen.last(),
            Some(Event::Closed(CloseReason::PeerAborted(_)))
        ),
        "{seen:?}"
    );
}

#[tokio::test]
async fn accept_filter_refuses_by_peer_port_and_the_peer_gets_an_abort() {
    let asked = Arc::new(AtomicUsize::new(0));
    let server_cfg = cfg(7113).with_accept_filter({
        let asked = Arc::clone(&asked);
        move |i| {
            asked.fetch_add(1, Ordering::SeqCst);
            assert!(i.addresses.iter().any(|a| a.ip == LO1), "{i:?}");
            i.peer_port == 7114
        }
    });
    let server = Endpoint::bind(server_cfg).await.expect("bind");
    let udp = server.local_udp_port().expect("udp");
    let to = [TransportAddr::udp(LO1, udp)];

    let refused = Endpoint::bind(cfg(7115)).await.expect("bind");
    let r = tokio::time::timeout(Duration::from_secs(5), refused.connect(&to, 7113))
        .await
        .expect("refusal takes an ABORT, not a timeout");
    assert!(
        matches!(r, Err(ConnectError::Failed(CloseReason::Refused(_)))),
        "{r:?}"
    );

    let welcome = Endpoint::bind(cfg(7114)).await.expect("bind");
    let assoc = welcome.connect(&to, 7113).await.expect("accepted");
    let peer = server.accept().await.expect("incoming");
    assoc.send(0, &b"hi"[..]).await.expect("send");
    assert_eq!(&peer.recv().await.expect("message").payload[..], b"hi");
    assert!(asked.load(Ordering::SeqCst) >= 2);
}
