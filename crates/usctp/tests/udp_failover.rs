//! Two paths per side over UDP on loopback (127.0.0.1 and 127.0.0.2): the client's primary
//! path (toward the server's 127.0.0.1) is cut mid-transfer; the association fails over to
//! the other path and the transfer completes (RFC 9260 §6.4, §8.2; RFC 7829).

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{body, check, faulty_udp_endpoint, LO1, LO2};
use usctp::{Event, Faults, PathState, TransportAddr};

const MESSAGES: u32 = 3000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfer_survives_the_primary_going_down() {
    let faults = Faults::new(7);
    let server = faulty_udp_endpoint(&[LO1, LO2], 7200, &Faults::new(8)).await;
    let client = faulty_udp_endpoint(&[LO1, LO2], 7201, &faults).await;
    let server_udp = server.local_udp_port().expect("udp port");

    let receiver = tokio::spawn(async move {
        let a = server.accept().await.expect("incoming");
        let mut next = 0;
        while let Ok(m) = a.recv().await {
            assert_eq!(check(&m.payload), next, "lost or reordered");
            next += 1;
        }
        next
    });

    let peers = [
        TransportAddr::udp(LO1, server_udp),
        TransportAddr::udp(LO2, server_udp),
    ];
    let a = Arc::new(client.connect(&peers, 7200).await.expect("connect"));
    let events = Arc::new(Mutex::new(Vec::new()));
    let watcher = {
        let (a, events) = (Arc::clone(&a), Arc::clone(&events));
        tokio::spawn(async move {
            while let Some(e) = a.event().await {
                events.lock().expect("events").push(e);
            }
        })
    };
    for seq in 0..MESSAGES {
        if seq == MESSAGES / 3 {
            faults.block_sends_to(LO1);
        }
        a.send(0, body(seq, 4 + (seq as usize * 37) % 3000))
            .await
            .expect("send");
        if seq % 100 == 0 {
            tokio::task::yield_now().await;
        }
    }
    tokio::time::timeout(Duration::from_secs(15), a.shutdown())
        .await
        .expect("shutdown in time")
        .expect("graceful shutdown");
    assert_eq!(receiver.await.expect("receiver"), MESSAGES);
    watcher.await.expect("watcher");
    let events = events.lock().expect("events").clone();
    let down = events.iter().any(|e| {
        matches!(e, Event::PathStateChanged { addr, state, .. }
            if addr.ip == LO1 && matches!(state, PathState::PotentiallyFailed | PathState::Inactive))
    });
    assert!(down, "path to {LO1} reported down: {events:?}");
    assert!(faults.dropped() > 0);
}
