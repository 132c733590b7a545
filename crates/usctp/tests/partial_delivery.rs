//! Messages larger than the receive window over the in-memory transport: `recv` joins their
//! pieces into whole messages up to `max_message_size` (an error past it, with the rest
//! dropped), and `recv_partial` hands out the pieces themselves (RFC 6458 §3.1.4, MSG_EOR).

mod common;

use std::sync::Arc;

use common::{fast, LO1};
use usctp::{Association, Endpoint, EndpointConfig, Error, MemoryNetwork, TransportAddr};
use usctp::{MemoryTransport, SendOptions, TransportConfig};

const KIB: usize = 1024;

/// A 64 KiB receive window; messages of up to `max` bytes each way.
async fn endpoint(net: &MemoryNetwork, port: u16, max: usize) -> Endpoint {
    let t: Arc<MemoryTransport> = Arc::new(net.bind(&[LO1], port).expect("bind"));
    let mut cfg = EndpointConfig::new(vec![LO1], port, TransportConfig::Custom(t));
    let a = &mut cfg.protocol.association;
    a.receive_window = 64 * KIB as u32;
    a.max_message_size = max;
    a.send_queue_limit = a.send_queue_limit.max(max);
    Endpoint::bind(fast(cfg)).await.expect("endpoint")
}

/// A client sending with `max_send` and a server receiving with `max_recv`.
async fn pair(max_send: usize, max_recv: usize) -> (Endpoint, Endpoint, Association, Association) {
    let net = MemoryNetwork::new();
    let server = endpoint(&net, 1, max_recv).await;
    let client = endpoint(&net, 2, max_send).await;
    let a = client
        .connect(&[TransportAddr::udp(LO1, 1)], 1)
        .await
        .expect("connect");
    let b = server.accept().await.expect("accept");
    (client, server, a, b)
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8 ^ seed).collect()
}

#[tokio::test]
async fn recv_returns_whole_messages_larger_than_the_window() {
    let (_c, _s, a, b) = pair(4 << 20, 4 << 20).await;
    let big = pattern(3 << 20, 1);
    let small = pattern(100, 2);
    a.send_with(big.clone(), SendOptions::new(0).ppid(5))
        .await
        .expect("send");
    a.send_with(small.clone(), SendOptions::new(1).ppid(6))
        .await
        .expect("send");
    let m = b.recv().await.expect("big message");
    assert!(m.end_of_message);
    assert_eq!((m.stream.0, m.ppid.0), (0, 5));
    assert!(m.payload[..] == big[..], "big message altered");
    let m = b.recv().await.expect("small message");
    assert_eq!((m.stream.0, &m.payload[..]), (1, &small[..]));
}

#[tokio::test]
async fn recv_partial_returns_the_pieces_in_order_with_the_end_marked() {
    let (_c, _s, a, b) = pair(4 << 20, 4 << 20).await;
    let big = pattern(1 << 20, 3);
    a.send_with(big.clone(), SendOptions::new(2).ppid(9))
        .await
        .expect("send");
    let mut joined = Vec::new();
    let mut pieces = 0;
    loop {
        let m = b.recv_partial().await.expect("piece");
        assert_eq!((m.stream.0, m.ppid.0), (2, 9));
        assert!(m.payload.len() <= 64 * KIB);
        joined.extend_from_slice(&m.payload);
        pieces += 1;
        if m.end_of_message {
            break;
        }
    }
    assert!(pieces > 1, "{pieces}");
    assert!(joined == big, "pieces out of order or altered");
}

#[tokio::test]
async fn recv_past_max_message_size_is_an_error_and_the_next_message_follows() {
    let (_c, _s, a, b) = pair(4 << 20, 512 * KIB).await;
    a.send_with(pattern(1 << 20, 4), SendOptions::new(0).ppid(1))
        .await
        .expect("send");
    a.send_with(&b"next"[..], SendOptions::new(0).ppid(2))
        .await
        .expect("send");
    let e = b.recv().await.expect_err("too large");
    assert_eq!(
        e,
        Error::ReceivedTooLarge {
            stream: 0,
            max: 512 * KIB
        }
    );
    let m = b.recv().await.expect("next message");
    assert_eq!((m.ppid.0, &m.payload[..]), (2, &b"next"[..]));
}
