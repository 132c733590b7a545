//! `send` as a push onto the association's submission queue (sendq.rs): back-pressure is
//! exact (what a handle has queued, in the core or unacknowledged never exceeds
//! `send_queue_limit`), a cancelled `send` queued nothing, call order is kept, errors reach
//! the caller, and messages still queued when the association ends are reported as not
//! delivered (RFC 9260 §10.1: Send returns an error or the data is queued; the SEND FAILURE
//! notification reports data that could not be sent).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{fast, LO1};
use tokio::time::timeout;
use usctp::TransportConfig;
use usctp::{AbandonReason, FaultyTransport, MemoryNetwork, SendOptions, TransportAddr};
use usctp::{Association, CloseReason, Endpoint, EndpointConfig, Error, Event, Faults};

const WAIT: Duration = Duration::from_secs(5);

/// An endpoint on the in-memory network whose packets go through `faults`, with
/// `send_queue_limit` bytes of send budget.
async fn endpoint(net: &MemoryNetwork, port: u16, faults: &Faults, limit: usize) -> Endpoint {
    let t = net.bind(&[LO1], port).expect("bind");
    let t = Arc::new(FaultyTransport::new(t, faults.clone()));
    let mut cfg = fast(EndpointConfig::new(
        vec![LO1],
        port,
        TransportConfig::Custom(t),
    ));
    cfg.protocol.association.send_queue_limit = limit;
    Endpoint::bind(cfg).await.expect("endpoint")
}

/// Client (sending, its packets under `faults`) and server handles, connected.
async fn pair(limit: usize, faults: &Faults) -> (Endpoint, Endpoint, Association, Association) {
    let net = MemoryNetwork::new();
    let server = endpoint(&net, 1, &Faults::new(1), 4 << 20).await;
    let client = endpoint(&net, 2, faults, limit).await;
    let a = timeout(WAIT, client.connect(&[TransportAddr::udp(LO1, 1)], 1))
        .await
        .expect("connect in time")
        .expect("connect");
    let b = timeout(WAIT, server.accept())
        .await
        .expect("accept in time")
        .expect("accept");
    (client, server, a, b)
}

/// A message of `len` bytes starting with `tag`.
fn msg(tag: u32, len: usize) -> Vec<u8> {
    let mut v = vec![0x5a; len.max(4)];
    v[..4].copy_from_slice(&tag.to_be_bytes());
    v.truncate(len);
    v
}

fn tag_of(data: &[u8]) -> u32 {
    u32::from_be_bytes(data[..4].try_into().expect("4 bytes"))
}

async fn recv_tags(b: &Association, n: usize) -> Vec<u32> {
    let mut tags = Vec::new();
    for _ in 0..n {
        let m = timeout(WAIT, b.recv()).await.expect("message in time");
        tags.push(tag_of(&m.expect("message").payload));
    }
    tags
}

/// Whether `send` of `data` completes within `t` (if not, it is cancelled).
async fn sends_within(a: &Association, data: Vec<u8>, t: Duration) -> bool {
    match timeout(t, a.send(0, data)).await {
        Ok(r) => {
            r.expect("send");
            true
        }
        Err(_) => false,
    }
}

#[tokio::test]
async fn rfc9260_10_1_send_blocks_at_exactly_the_send_queue_limit_and_resumes() {
    let faults = Faults::new(7);
    let (_c, _s, a, b) = pair(8_500, &faults).await;
    // Nothing the client sends arrives: nothing is acknowledged, everything stays counted.
    faults.block_sends_to(LO1);
    let short = Duration::from_millis(300);
    for i in 0..8 {
        assert!(sends_within(&a, msg(i, 1000), short).await, "message {i}");
    }
    assert!(
        !sends_within(&a, msg(8, 1000), short).await,
        "9000 bytes > 8500"
    );
    // Byte-exact: 500 more bytes fit, then not one.
    assert!(sends_within(&a, msg(9, 500), short).await, "8500 bytes fit");
    assert!(
        !sends_within(&a, msg(10, 4), short).await,
        "8504 bytes > 8500"
    );
    let s = a.stats().await.expect("stats");
    assert!(s.queued_bytes + s.outstanding_bytes <= 8_500, "{s:?}");
    // A waiting send resumes once acknowledgements free the budget.
    let a = Arc::new(a);
    let waiting = tokio::spawn({
        let a = Arc::clone(&a);
        async move { a.send(0, msg(11, 1000)).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!waiting.is_finished(), "the budget is still spent");
    faults.bring_up(LO1);
    timeout(WAIT, waiting)
        .await
        .expect("resumed in time")
        .expect("task")
        .expect("send");
    // The cancelled sends (8 and 10) queued nothing.
    assert_eq!(
        recv_tags(&b, 10).await,
        [0, 1, 2, 3, 4, 5, 6, 7, 9, 11],
        "in call order, without the cancelled ones"
    );
}

#[tokio::test]
async fn rfc9260_10_1_a_cancelled_send_queued_nothing_and_a_returned_one_everything() {
    let faults = Faults::new(8);
    let (_c, _s, a, b) = pair(4_000, &faults).await;
    faults.block_sends_to(LO1);
    assert!(sends_within(&a, msg(0, 4_000), Duration::from_millis(200)).await);
    // Cancelled by `select!` while waiting for budget, several times over.
    for i in 1..=3 {
        tokio::select! {
            r = a.send(0, msg(i, 2_000)) => panic!("no budget, yet {r:?}"),
            () = tokio::time::sleep(Duration::from_millis(50)) => {}
        }
    }
    faults.bring_up(LO1);
    timeout(WAIT, a.send(0, msg(4, 2_000)))
        .await
        .expect("in time")
        .expect("send");
    assert_eq!(recv_tags(&b, 2).await, [0, 4]);
    let late = timeout(Duration::from_millis(300), b.recv()).await;
    assert!(late.is_err(), "a cancelled send was delivered: {late:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc9260_6_6_concurrent_senders_keep_each_senders_order_per_stream() {
    // A small budget: senders wait for it and wake together.
    let (_c, _s, a, b) = pair(16 * 1024, &Faults::new(9)).await;
    let a = Arc::new(a);
    const SENDERS: u32 = 4;
    const EACH: u32 = 400;
    let mut tasks = Vec::new();
    for t in 0..SENDERS {
        let a = Arc::clone(&a);
        tasks.push(tokio::spawn(async move {
            for i in 0..EACH {
                // Sender t alternates its two streams; each stream is shared by two senders.
                let stream = u16::try_from(t % 2 * 2 + i % 2).expect("small");
                let len = 200 + (i as usize * 37) % 1500;
                a.send(stream, msg(t << 16 | i, len)).await.expect("send");
            }
        }));
    }
    // Lane t * 2 + k: sender t's messages i with i % 2 == k, expected in steps of 2.
    let mut next: Vec<u32> = (0..SENDERS * 2).map(|lane| lane % 2).collect();
    for _ in 0..SENDERS * EACH {
        let m = timeout(WAIT, b.recv())
            .await
            .expect("in time")
            .expect("message");
        let tag = tag_of(&m.payload);
        let (t, i) = ((tag >> 16) as usize, tag & 0xffff);
        // Ordered delivery per stream (RFC 9260 §6.6): each sender's messages on a stream
        // come in its call order.
        let lane = t * 2 + (i % 2) as usize;
        assert_eq!(m.stream.0 as usize, t % 2 * 2 + (i % 2) as usize);
        assert_eq!(i, next[lane], "sender {t} stream {}", m.stream.0);
        next[lane] += 2;
    }
    for t in tasks {
        t.await.expect("sender");
    }
}

#[tokio::test]
async fn rfc9260_10_1_errors_reach_the_caller_even_with_the_budget_spent() {
    let faults = Faults::new(10);
    let (_c, _s, a, b) = pair(8_000, &faults).await;
    faults.block_sends_to(LO1);
    assert!(sends_within(&a, msg(0, 8_000), Duration::from_millis(200)).await);
    // Refused at once, without waiting for budget.
    assert_eq!(at_once(a.send(0, Vec::new())).await, Err(Error::Empty));
    let r = at_once(a.send(u16::MAX, msg(1, 10))).await;
    assert!(
        matches!(r, Err(Error::InvalidStream { stream: u16::MAX, streams }) if streams < u16::MAX),
        "{r:?}"
    );
    assert_eq!(
        at_once(a.send(0, msg(2, 8_001))).await,
        Err(Error::TooLarge {
            size: 8_001,
            max: 8_000
        })
    );
    faults.bring_up(LO1);
    assert_eq!(recv_tags(&b, 1).await, [0]);
    // The peer shuts down: no new data is accepted (RFC 9260 §9.2).
    let b = Arc::new(b);
    let closing = tokio::spawn({
        let b = Arc::clone(&b);
        async move { b.shutdown().await }
    });
    loop {
        match timeout(WAIT, a.event()).await.expect("event in time") {
            Some(Event::PeerShutdown) | None => break,
            Some(_) => {}
        }
    }
    let r = a.send(0, msg(3, 10)).await;
    assert!(
        matches!(r, Err(Error::NotWritable(_) | Error::Closed(_))),
        "{r:?}"
    );
    timeout(WAIT, closing)
        .await
        .expect("in time")
        .expect("task")
        .expect("shutdown");
}

async fn at_once<F: std::future::Future>(f: F) -> F::Output {
    timeout(Duration::from_millis(200), f)
        .await
        .expect("answered at once")
}

/// The bytes `SendFailure` events report until the association's end.
async fn failed_bytes(a: &Association) -> (usize, Option<Event>) {
    let mut bytes = 0;
    loop {
        match timeout(WAIT, a.event()).await.expect("event in time") {
            Some(Event::SendFailure { bytes: b, .. }) => bytes += b,
            Some(e @ (Event::Closed(_) | Event::ShutdownComplete)) => return (bytes, Some(e)),
            Some(_) => {}
            None => return (bytes, None),
        }
    }
}

#[tokio::test]
async fn rfc9260_9_1_abort_reports_messages_still_in_the_submission_queue_as_not_sent() {
    let faults = Faults::new(11);
    let (_c, _s, a, _b) = pair(1 << 20, &faults).await;
    // Nothing leaves: whatever the driver did with them, none of the messages can arrive.
    faults.block_sends_to(LO1);
    // On this (current-thread) runtime the driver does not run until the test waits: all
    // five are still in the submission queue when the ABORT is asked for.
    for i in 0..5 {
        a.send(0, msg(i, 1000)).await.expect("send");
    }
    a.abort(&b"test"[..]);
    let (bytes, end) = failed_bytes(&a).await;
    assert_eq!(bytes, 5_000, "every queued byte reported");
    assert_eq!(end, Some(Event::Closed(CloseReason::LocalAbort)));
    let r = a.send(0, msg(9, 10)).await;
    assert!(matches!(r, Err(Error::Closed(_))), "{r:?}");
}

#[tokio::test]
async fn rfc9260_9_1_a_peer_abort_reports_queued_messages_as_not_sent() {
    // The ABORT reaches the driver before or after it took the messages from the
    // submission queue (either is counted: by the core, or with what was left queued);
    // several rounds see both.
    for round in 0..8 {
        let faults = Faults::new(12 + round);
        let (_c, _s, a, b) = pair(1 << 20, &faults).await;
        // Nothing the client sends leaves, so the messages stay unsent until the ABORT.
        faults.block_sends_to(LO1);
        b.abort(&b"peer"[..]);
        for i in 0..5 {
            a.send(0, msg(i, 1000)).await.expect("send");
        }
        let (bytes, end) = failed_bytes(&a).await;
        assert_eq!(bytes, 5_000, "round {round}: every queued byte reported");
        assert!(matches!(end, Some(Event::Closed(_))), "{end:?}");
    }
}

#[tokio::test]
async fn rfc9260_9_2_shutdown_delivers_messages_still_in_the_submission_queue() {
    let (_c, _s, a, b) = pair(1 << 20, &Faults::new(13)).await;
    for i in 0..5 {
        a.send(0, msg(i, 1000)).await.expect("send");
    }
    timeout(WAIT, a.shutdown())
        .await
        .expect("in time")
        .expect("shutdown");
    assert_eq!(recv_tags(&b, 5).await, [0, 1, 2, 3, 4]);
}

#[tokio::test]
async fn rfc7496_3_3_a_higher_priority_message_makes_room_when_the_budget_is_spent() {
    let faults = Faults::new(14);
    let (_c, _s, a, _b) = pair(8_000, &faults).await;
    faults.block_sends_to(LO1);
    let low = SendOptions::new(0).priority(10);
    for i in 0..8 {
        at_once(a.send_with(msg(i, 1000), low.clone()))
            .await
            .expect("send");
    }
    // The budget is spent; the core abandons an unsent lower-priority message for this one.
    let high = SendOptions::new(0).priority(0);
    at_once(a.send_with(msg(8, 1000), high))
        .await
        .expect("room made");
    loop {
        match timeout(WAIT, a.event()).await.expect("event in time") {
            Some(Event::Abandoned(m)) => {
                assert_eq!(m.reason, AbandonReason::Priority);
                assert!(!m.sent);
                break;
            }
            Some(_) => {}
            None => panic!("ended"),
        }
    }
    // Still exact: nothing more fits without the priority policy.
    assert!(!sends_within(&a, msg(9, 1), Duration::from_millis(200)).await);
}
