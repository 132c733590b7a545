//! PR-SCTP through the tokio API over lossy UDP loopback: messages sent with a retransmission
//! limit are delivered in order or come back in `Event::Abandoned`, and the stats count them.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{body, faulty_udp_endpoint_with, LO1};
use usctp::{Event, Extensions, Faults, SendOptions, TransportAddr};

const N: u32 = 300;

/// The sequence number `body` put first.
fn seq_of(p: &[u8]) -> u32 {
    u32::from_be_bytes([p[0], p[1], p[2], p[3]])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_are_delivered_in_order_or_abandoned_to_the_sender() {
    let pr = |c: &mut usctp::EndpointConfig| {
        c.protocol.association.extensions = Extensions::PR_SCTP;
    };
    let faults = Faults::new(11);
    let server = faulty_udp_endpoint_with(&[LO1], 7310, &Faults::new(12), pr).await;
    let client = faulty_udp_endpoint_with(&[LO1], 7311, &faults, pr).await;
    let port = server.local_udp_port().expect("udp port");
    let a = client
        .connect(&[TransportAddr::udp(LO1, port)], 7310)
        .await
        .expect("connect");
    let b = server.accept().await.expect("accept");
    assert!(a
        .stats()
        .await
        .expect("stats")
        .extensions
        .contains(Extensions::PR_SCTP));
    faults.set_loss(0.2);
    let opts = SendOptions::new(1).max_retransmissions(1);
    for seq in 0..N {
        a.send_with(body(seq, 600), opts.clone())
            .await
            .expect("send");
    }
    // The counters while the transfer runs (the stats go with the association).
    tokio::time::sleep(Duration::from_secs(1)).await;
    let stats = a.stats().await.expect("stats");
    // A graceful shutdown completes only once every chunk is acknowledged or skipped by an
    // acknowledged FORWARD TSN; then the receiver has all it will ever deliver.
    tokio::time::timeout(Duration::from_secs(60), a.shutdown())
        .await
        .expect("shutdown in time")
        .expect("graceful shutdown");
    let mut got = Vec::new();
    while let Ok(Ok(m)) = tokio::time::timeout(Duration::from_secs(5), b.recv()).await {
        got.push(seq_of(&m.payload));
    }
    faults.set_loss(0.0);
    let mut abandoned = HashSet::new();
    while let Ok(Some(e)) = tokio::time::timeout(Duration::from_millis(50), a.event()).await {
        if let Event::Abandoned(m) = e {
            assert!(m.sent);
            abandoned.insert(seq_of(&m.payload));
        }
    }
    // In order, each at most once (the stream may skip abandoned messages).
    assert!(got.windows(2).all(|w| w[0] < w[1]), "order: {got:?}");
    let delivered: HashSet<u32> = got.iter().copied().collect();
    let covered = delivered.union(&abandoned).count();
    assert_eq!(
        covered,
        N as usize,
        "delivered {} abandoned {}",
        got.len(),
        abandoned.len()
    );
    assert!(
        !abandoned.is_empty(),
        "20% loss with one retransmission abandons some"
    );
    // Abandonments go on after the snapshot, never back.
    assert!(stats.abandoned.total() <= abandoned.len() as u64);
}
