//! `send` and `send_with`: each message arrives on the stream, PPID and U flag it was sent
//! with; options the peer cannot see (PR-SCTP limits until PR-SCTP acts on them, the I bit)
//! change nothing in delivery. Both ends report the negotiated extensions.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{fast, LO1};
use usctp::TransportConfig;
use usctp::{Endpoint, EndpointConfig, Extensions, MemoryNetwork, SendOptions, TransportAddr};

async fn memory_endpoint(net: &MemoryNetwork, port: u16) -> Endpoint {
    let t = Arc::new(net.bind(&[LO1], port).expect("bind"));
    let cfg = EndpointConfig::new(vec![LO1], port, TransportConfig::Custom(t));
    Endpoint::bind(fast(cfg)).await.expect("endpoint")
}

#[tokio::test]
async fn send_and_send_with_deliver_as_asked() {
    let net = MemoryNetwork::new();
    let server = memory_endpoint(&net, 1).await;
    let client = memory_endpoint(&net, 2).await;
    let a = client
        .connect(&[TransportAddr::udp(LO1, 1)], 1)
        .await
        .expect("connect");
    let b = server.accept().await.expect("accept");
    a.send(3, &b"plain"[..]).await.expect("send");
    let opts = SendOptions::new(2)
        .ppid(99)
        .unordered(true)
        .sack_immediately(true)
        .lifetime(Duration::from_secs(5))
        .max_retransmissions(1);
    a.send_with(&b"with options"[..], opts)
        .await
        .expect("send_with");
    let mut got = Vec::new();
    for _ in 0..2 {
        let m = b.recv().await.expect("message");
        got.push((m.payload.to_vec(), m.stream.0, m.ppid.0, m.unordered));
    }
    got.sort();
    assert_eq!(
        got,
        [
            (b"plain".to_vec(), 3, 0, false),
            (b"with options".to_vec(), 2, 99, true)
        ]
    );
    // usctp to usctp: both extensions offered by both, so in force at both ends.
    for s in [
        a.stats().await.expect("stats"),
        b.stats().await.expect("stats"),
    ] {
        assert_eq!(s.extensions, Extensions::default());
    }
}
