//! 10,000 messages of mixed sizes (up to 256 KiB) over UDP encapsulation on loopback with two
//! paths per side; graceful shutdown; nothing lost, nothing corrupted, order kept per stream.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::{body, check, size_of, udp_endpoint, LO1, LO2};
use usctp::{SendOptions, TransportAddr};

const MESSAGES: u32 = 10_000;
const STREAMS: u32 = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_mixed_messages_then_graceful_shutdown() {
    let started = Instant::now();
    let server = udp_endpoint(&[LO1, LO2], 7100).await;
    let client = udp_endpoint(&[LO1, LO2], 7101).await;
    let server_udp = server.local_udp_port().expect("udp port");

    let receiver = tokio::spawn(async move {
        let a = server.accept().await.expect("incoming");
        let mut last: HashMap<u16, u32> = HashMap::new();
        let (mut n, mut bytes) = (0u32, 0usize);
        while let Ok(m) = a.recv().await {
            let seq = check(&m.payload);
            assert_eq!(m.payload.len(), size_of(seq));
            assert_eq!(u32::from(m.stream.0), seq % STREAMS);
            if let Some(prev) = last.insert(m.stream.0, seq) {
                assert!(
                    seq > prev,
                    "stream {} out of order: {seq} after {prev}",
                    m.stream.0
                );
            }
            n += 1;
            bytes += m.payload.len();
        }
        (n, bytes)
    });

    let peers = [
        TransportAddr::udp(LO1, server_udp),
        TransportAddr::udp(LO2, server_udp),
    ];
    let a = client.connect(&peers, 7100).await.expect("connect");
    let mut sent_bytes = 0;
    for seq in 0..MESSAGES {
        let len = size_of(seq);
        sent_bytes += len;
        let stream = (seq % STREAMS) as u16;
        a.send_with(body(seq, len), SendOptions::new(stream).ppid(1))
            .await
            .expect("send");
    }
    tokio::time::timeout(Duration::from_secs(30), a.shutdown())
        .await
        .expect("shutdown in time")
        .expect("graceful shutdown");
    let (n, bytes) = receiver.await.expect("receiver");
    assert_eq!((n, bytes), (MESSAGES, sent_bytes));
    let stats = a.stats().await;
    assert!(stats.is_none(), "association gone after shutdown");
    eprintln!(
        "{MESSAGES} messages, {} MB in {:.2?}",
        sent_bytes / 1_000_000,
        started.elapsed()
    );
}
