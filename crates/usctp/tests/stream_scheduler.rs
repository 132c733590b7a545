//! Stream schedulers (RFC 8260 §3) through the tokio API, over UDP on loopback: the
//! configured scheduler, per-stream priorities set and read back through the driver, an
//! invalid stream refused, and messages on several streams all delivered.

mod common;

use std::time::Duration;

use common::{fast, LO1};
use usctp::{
    Association, Endpoint, EndpointConfig, Error, StreamScheduler, TransportAddr, TransportConfig,
    UdpConfig,
};

fn cfg(port: u16, scheduler: StreamScheduler) -> EndpointConfig {
    let mut u = UdpConfig::with_port(0);
    u.ipv6 = false;
    let mut c = fast(EndpointConfig::new(
        vec![LO1],
        port,
        TransportConfig::Udp(u),
    ));
    c.protocol.association.scheduler = scheduler;
    c
}

/// A connected pair: (client's association, server's association).
async fn pair(port: u16, scheduler: StreamScheduler) -> (Association, Association, [Endpoint; 2]) {
    let server = Endpoint::bind(cfg(port, StreamScheduler::RoundRobin))
        .await
        .expect("bind");
    let client = Endpoint::bind(cfg(port + 1, scheduler))
        .await
        .expect("bind");
    let udp = server.local_udp_port().expect("udp");
    let accept = tokio::spawn({
        let server = server.clone();
        async move { server.accept().await }
    });
    let a = client
        .connect(&[TransportAddr::udp(LO1, udp)], port)
        .await
        .expect("connect");
    let b = accept.await.expect("join").expect("accepted");
    (a, b, [server, client])
}

#[tokio::test]
async fn rfc8260_3_stream_priority_through_the_driver() {
    let (a, b, _eps) = pair(7940, StreamScheduler::Priority).await;
    assert_eq!(a.stream_priority(2).await, Ok(0));
    a.set_stream_priority(2, 5).await.expect("set");
    a.set_stream_priority(1, 1).await.expect("set");
    assert_eq!(a.stream_priority(2).await, Ok(5));
    // Outbound streams: the default 10 we ask for (the peer accepts up to 2048).
    let out = usctp::AssociationConfig::default().outbound_streams;
    assert_eq!(
        a.set_stream_priority(out, 1).await,
        Err(Error::InvalidStream {
            stream: out,
            streams: out
        })
    );
    for i in 0..30u16 {
        a.send(i % 3, vec![i as u8; 500]).await.expect("send");
    }
    let mut per_stream = [0; 3];
    for _ in 0..30 {
        let m = tokio::time::timeout(Duration::from_secs(5), b.recv())
            .await
            .expect("recv timed out")
            .expect("recv");
        per_stream[usize::from(m.stream.0)] += 1;
    }
    assert_eq!(per_stream, [10, 10, 10]);
}
