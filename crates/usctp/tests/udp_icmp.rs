//! ICMP over real sockets: once the server's UDP socket is gone, the client's packets to it
//! draw ICMP port unreachable on loopback; the kernel queues it on the client's socket
//! (IP_RECVERR), the transport reads it and the core counts it on the path and marks the
//! path potentially failed, without ending the association. An INIT to a UDP port nobody
//! listens on fails the connect at once (RFC 6951 §5.5, RFC 9260 Appendix C ICMP8).

mod common;

use std::time::Duration;

use common::{faulty_udp_endpoint, udp_endpoint, LO1};
use usctp::{
    ConnectError, Endpoint, EndpointConfig, Event, Faults, PathState, TransportAddr,
    TransportConfig, UdpConfig,
};

#[tokio::test]
async fn port_unreachable_on_loopback_reaches_the_core() {
    let faults = Faults::new(1);
    let server = faulty_udp_endpoint(&[LO1], 7101, &faults).await;
    let client = udp_endpoint(&[LO1], 7102).await;
    let udp = server.local_udp_port().expect("udp port");
    let accept = tokio::spawn({
        let server = server.clone();
        async move { server.accept().await }
    });
    let assoc = client
        .connect(&[TransportAddr::udp(LO1, udp)], 7101)
        .await
        .expect("connect");
    let _server_side = accept.await.expect("join").expect("accepted");
    let before = assoc.stats().await.expect("stats").paths[0].counters;
    assert_eq!(before.icmp_unreachable, 0);

    // The server vanishes without a word (its ABORT is lost): its UDP port is closed.
    faults.block_sends_to(LO1);
    server.close().await;
    assoc.send(0, &b"anyone there?"[..]).await.expect("queued");

    let mut marked = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !marked {
        let ev = tokio::time::timeout_at(deadline, assoc.event())
            .await
            .expect("no path state change within 5 s");
        marked = matches!(
            ev,
            Some(Event::PathStateChanged {
                state: PathState::PotentiallyFailed,
                ..
            })
        );
        assert!(
            !matches!(ev, None | Some(Event::Closed(_))),
            "association ended: {ev:?}"
        );
    }
    let stats = assoc.stats().await.expect("association still there");
    let counters = stats.paths[0].counters;
    println!("after the server closed: {counters:?}");
    assert!(counters.icmp_unreachable >= 1, "{counters:?}");
    assert_eq!(counters.icmp_too_big, 0);
    client.close().await;
}

#[tokio::test]
async fn connect_to_a_closed_udp_port_fails_at_once_with_no_sctp_listener() {
    // Timers so long that only the ICMP report can end the attempt within the test's bound:
    // the first INIT retransmission would come after a minute.
    let mut udp = UdpConfig::with_port(0);
    udp.ipv6 = false;
    let mut cfg = EndpointConfig::new(vec![LO1], 7103, TransportConfig::Udp(udp));
    let a = &mut cfg.protocol.association;
    a.rto_initial = Duration::from_secs(60);
    a.rto_max = Duration::from_secs(60);
    let client = Endpoint::bind(cfg).await.expect("bind");
    let closed = std::net::UdpSocket::bind((LO1, 0)).expect("probe");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let peer = TransportAddr::udp(LO1, port);
    let start = std::time::Instant::now();
    let r = tokio::time::timeout(Duration::from_secs(30), client.connect(&[peer], 7104))
        .await
        .expect("connect still pending: the port unreachable did not end it");
    println!("connect failed after {:?}: {r:?}", start.elapsed());
    let e = r.expect_err("nobody listens");
    assert_eq!(e, ConnectError::NoSctpListener(peer));
    let text = e.to_string();
    assert!(
        text.contains("no SCTP listener") && text.contains("port unreachable"),
        "{text}"
    );
    // The endpoint still works: the next attempt fails the same way.
    let again = client.connect(&[peer], 7104).await;
    assert_eq!(again.err(), Some(ConnectError::NoSctpListener(peer)));
    client.close().await;
}
