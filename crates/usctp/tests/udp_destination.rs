//! The UDP transport listens on the wildcard address, so it receives packets sent to any
//! address of the host: an endpoint bound to 127.0.0.1 must not answer an INIT sent to
//! 127.0.0.2, while an endpoint bound to no address answers both.

mod common;

use std::time::Duration;

use common::{fast, udp_endpoint, LO1, LO2};
use usctp::{CloseReason, ConnectError, Endpoint, EndpointConfig, TransportAddr};

async fn client(port: u16) -> Endpoint {
    let mut cfg = fast(EndpointConfig::udp(vec![LO1], port, 0));
    cfg.protocol.association.max_init_retransmits = 1;
    cfg.protocol.association.rto_max = Duration::from_millis(200);
    Endpoint::bind(cfg).await.expect("bind")
}

#[tokio::test]
async fn an_init_to_an_address_the_server_is_not_bound_to_goes_unanswered() {
    let server = udp_endpoint(&[LO1], 7320).await;
    let udp = server.local_udp_port().expect("udp port");
    let client = client(7321).await;
    let e = client
        .connect(&[TransportAddr::udp(LO2, udp)], 7320)
        .await
        .expect_err("the server is not bound to 127.0.0.2");
    assert_eq!(e, ConnectError::Failed(CloseReason::InitFailed));
    // The same server answers on its own address.
    let a = client
        .connect(&[TransportAddr::udp(LO1, udp)], 7320)
        .await
        .expect("connect to the bound address");
    let b = server.accept().await.expect("accepted");
    let stats = b.stats().await.expect("stats");
    assert!(
        stats.paths.iter().all(|p| p.local == Some(LO1)),
        "{stats:?}"
    );
    drop((a, b));
    client.close().await;
    server.close().await;
}

#[tokio::test]
async fn an_endpoint_bound_to_no_address_answers_every_local_address() {
    let server = udp_endpoint(&[], 7322).await;
    let udp = server.local_udp_port().expect("udp port");
    let client = client(7323).await;
    for ip in [LO1, LO2] {
        let a = client
            .connect(&[TransportAddr::udp(ip, udp)], 7322)
            .await
            .unwrap_or_else(|e| panic!("connect to {ip}: {e}"));
        let b = server.accept().await.expect("accepted");
        drop((a, b));
    }
    client.close().await;
    server.close().await;
}
