//! SCTP AUTH (RFC 4895) through the tokio API, over UDP on loopback: in force when both ends
//! turn it on, DATA authenticated, the active key switched on both ends, and the typed
//! errors (active key, no AUTH).

mod common;

use std::net::IpAddr;
use std::time::Duration;

use common::{fast, LO1};
use usctp::{
    Association, AuthKeyError, Endpoint, EndpointConfig, Error, Extensions, TransportAddr,
    TransportConfig, UdpConfig,
};

fn cfg(port: u16, auth: bool) -> EndpointConfig {
    let mut u = UdpConfig::with_port(0);
    u.ipv6 = false;
    let mut c = fast(EndpointConfig::new(
        vec![LO1],
        port,
        TransportConfig::Udp(u),
    ));
    let a = &mut c.protocol.association;
    if auth {
        a.extensions = a.extensions.with(Extensions::AUTH);
        a.auth_chunks = vec![0]; // DATA
        a.auth_keys.add(1, &b"shared secret"[..]);
    }
    c
}

/// A connected pair: (client's association, server's association).
async fn pair(port: u16, auth: bool) -> (Association, Association, [Endpoint; 2]) {
    let server = Endpoint::bind(cfg(port, auth)).await.expect("bind");
    let client = Endpoint::bind(cfg(port + 1, auth)).await.expect("bind");
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

async fn recv(b: &Association) -> bytes::Bytes {
    tokio::time::timeout(Duration::from_secs(5), b.recv())
        .await
        .expect("recv timed out")
        .expect("recv")
        .payload
}

#[tokio::test]
async fn auth_in_force_and_the_active_key_switched_on_both_ends() {
    let (a, b, _eps) = pair(7710, true).await;
    let stats = a.stats().await.expect("stats");
    assert!(stats.extensions.contains(Extensions::AUTH));
    a.send(0, "key 0").await.expect("send");
    assert_eq!(recv(&b).await, "key 0");
    a.set_active_auth_key(1).await.expect("activate");
    b.set_active_auth_key(1).await.expect("activate");
    assert_eq!(
        a.delete_auth_key(1).await,
        Err(Error::AuthKey(AuthKeyError::ActiveKey(1)))
    );
    a.send(0, "key 1").await.expect("send");
    assert_eq!(recv(&b).await, "key 1");
    b.send(0, "back").await.expect("send");
    assert_eq!(recv(&a).await, "back");
    assert_eq!(b.stats().await.expect("stats").auth.failed, 0);
}

#[tokio::test]
async fn key_operations_without_auth_are_refused() {
    let (a, _b, _eps) = pair(7712, false).await;
    assert_eq!(
        a.add_auth_key(1, "k").await,
        Err(Error::AuthKey(AuthKeyError::NotNegotiated))
    );
}
