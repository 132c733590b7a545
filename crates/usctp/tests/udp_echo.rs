//! An echo round trip over UDP encapsulation (RFC 6951) on loopback.

mod common;

use common::{udp_endpoint, LO1};
use usctp::{Event, SendOptions, TransportAddr};

#[tokio::test]
async fn echo_round_trip_and_graceful_shutdown() {
    let server = udp_endpoint(&[LO1], 7000).await;
    let client = udp_endpoint(&[LO1], 7001).await;
    let server_udp = server.local_udp_port().expect("udp port");

    let echo = tokio::spawn(async move {
        let a = server.accept().await.expect("incoming");
        let mut n = 0;
        while let Ok(m) = a.recv().await {
            a.send_with(m.payload.clone(), SendOptions::reply_to(&m))
                .await
                .expect("echo");
            n += 1;
        }
        n
    });

    let a = client
        .connect(&[TransportAddr::udp(LO1, server_udp)], 7000)
        .await
        .expect("connect");
    assert_eq!(a.event().await, Some(Event::Connected));
    for (i, text) in ["one", "two", "three"].iter().enumerate() {
        a.send_with(
            text.as_bytes().to_vec(),
            SendOptions::new(i as u16).ppid(42),
        )
        .await
        .expect("send");
        let m = a.recv().await.expect("echo");
        assert_eq!(
            (&m.payload[..], m.stream.0, m.ppid.0),
            (text.as_bytes(), i as u16, 42)
        );
    }
    let stats = a.stats().await.expect("stats");
    assert_eq!(stats.messages_sent, 3);
    assert!(stats.paths[0].srtt.is_some());
    a.shutdown().await.expect("graceful shutdown");
    assert!(a.recv().await.is_err());
    assert_eq!(echo.await.expect("server task"), 3);
    client.close().await;
}

#[tokio::test]
async fn unreachable_peer_fails_connect_with_init_failed() {
    let mut cfg = usctp::EndpointConfig::udp(vec![LO1], 7002, 0);
    cfg.protocol.association.max_init_retransmits = 2;
    cfg.protocol.association.rto_initial = std::time::Duration::from_millis(50);
    cfg.protocol.association.rto_max = std::time::Duration::from_millis(100);
    let client = usctp::Endpoint::bind(common::fast(cfg))
        .await
        .expect("bind");
    // A UDP socket that never reads: the INITs vanish without an answer (a closed port
    // would answer ICMP port unreachable, which fails the connect at once instead; see
    // udp_icmp.rs).
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("probe");
    let port = silent.local_addr().expect("addr").port();
    let e = client
        .connect(&[TransportAddr::udp(LO1, port)], 7000)
        .await
        .expect_err("nobody there");
    assert_eq!(
        e,
        usctp::ConnectError::Failed(usctp::CloseReason::InitFailed)
    );
}
