//! UDP GSO on loopback: a bulk transfer sends runs of packets as GSO batches (counted by the
//! transport), every SCTP packet keeps its own checksum (the receiver, splitting GRO batches
//! by their stride, accepts them all) and the data arrives intact; with GSO turned off no
//! batch is sent.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{body, check, fast, LO1};
use usctp::{
    Endpoint, EndpointConfig, TransportAddr, TransportConfig, UdpConfig, UdpStats, UdpTransport,
};

const MESSAGES: u32 = 400;
const SIZE: usize = 20_000;

async fn transfer(gso: bool, port: u16) -> UdpStats {
    let mut udp = UdpConfig::with_port(0);
    udp.ipv6 = false;
    udp.gso = gso;
    let t = Arc::new(UdpTransport::bind(&udp).expect("bind"));
    let client_cfg = EndpointConfig::new(vec![LO1], port, TransportConfig::Custom(t.clone()));
    let client = Endpoint::bind(fast(client_cfg)).await.expect("bind client");
    let server_cfg = EndpointConfig::new(vec![LO1], port + 1, TransportConfig::Udp(udp));
    let server = Endpoint::bind(fast(server_cfg)).await.expect("bind server");
    let to = [TransportAddr::udp(
        LO1,
        server.local_udp_port().expect("udp"),
    )];
    let receiver = tokio::spawn({
        let server = server.clone();
        async move {
            let a = server.accept().await.expect("incoming");
            let mut next = 0;
            while next < MESSAGES {
                let m = a.recv().await.expect("message");
                assert_eq!(check(&m.payload), next, "out of order");
                assert_eq!(m.payload.len(), SIZE);
                next += 1;
            }
            a
        }
    });
    let a = client.connect(&to, port + 1).await.expect("connect");
    for seq in 0..MESSAGES {
        a.send(0, body(seq, SIZE)).await.expect("send");
    }
    let peer = tokio::time::timeout(Duration::from_secs(60), receiver)
        .await
        .expect("transfer within 60 s")
        .expect("receiver");
    a.shutdown().await.expect("shutdown");
    drop(peer);
    client.close().await;
    server.close().await;
    t.stats()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_transfer_with_gso_batches_and_without() {
    let with = transfer(true, 7121).await;
    let without = transfer(false, 7123).await;
    println!("GSO on: {with:?}\nGSO off: {without:?}");
    assert!(with.gso_batches > 0, "no GSO batch sent: {with:?}");
    assert!(with.sends < with.packets, "{with:?}");
    assert_eq!(without.gso_batches, 0, "{without:?}");
    assert_eq!(without.sends, without.packets, "{without:?}");
}
