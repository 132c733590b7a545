//! How the UDP transport drains its socket (RFC 6951 §5.4 decapsulation): a receive batch
//! that came back short means the socket is empty, so the next poll waits for the socket
//! instead of making a read that can only return EAGAIN; a full batch is read on from.

use std::future::poll_fn;
use std::net::{IpAddr, Ipv4Addr};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use usctp_transport::{Datagram, Outgoing, Transport, TransportAddr, UdpConfig, UdpTransport};

const A: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn udp() -> UdpTransport {
    let mut cfg = UdpConfig::with_port(0);
    cfg.ipv6 = false;
    UdpTransport::bind(&cfg).expect("bind")
}

async fn send(from: &UdpTransport, to: &UdpTransport, data: &[u8]) {
    let pkt = Outgoing {
        dst: TransportAddr::udp(A, to.port()),
        src: None,
        data,
        may_fragment: false,
    };
    poll_fn(|cx| from.poll_send(cx, &pkt)).await.expect("send");
}

/// Receive until `n` datagrams came, each poll one receive batch.
async fn recv(t: &UdpTransport, n: usize) -> Vec<Datagram> {
    let mut out = Vec::new();
    let all = poll_fn(|cx| loop {
        match t.poll_recv(cx, &mut out) {
            Poll::Ready(r) => r.expect("recv"),
            Poll::Pending => return Poll::Pending,
        }
        if out.len() >= n {
            return Poll::Ready(());
        }
    });
    tokio::time::timeout(Duration::from_secs(2), all)
        .await
        .expect("datagrams arrive");
    out
}

/// One poll with a waker that does nothing: whether it found anything.
fn poll_once(t: &UdpTransport) -> bool {
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = Vec::new();
    t.poll_recv(&mut cx, &mut out).is_ready()
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn rfc6951_5_4_a_short_batch_spares_the_read_that_would_find_nothing() {
    let (x, y) = (udp(), udp());
    send(&x, &y, b"ping").await;
    assert_eq!(&recv(&y, 1).await[0].data[..], b"ping");
    assert_eq!(y.stats().receives, 1);
    assert!(!poll_once(&y), "nothing more arrived");
    assert_eq!(
        y.stats().receives,
        1,
        "no read once a batch showed the socket empty"
    );
    // The readiness cleared without EAGAIN still wakes for what comes next.
    send(&x, &y, b"again").await;
    assert_eq!(&recv(&y, 1).await[0].data[..], b"again");
    assert_eq!(y.stats().receives, 2);
}

#[tokio::test]
async fn rfc6951_5_4_a_full_batch_is_read_on_until_the_socket_is_empty() {
    let (x, y) = (udp(), udp());
    for i in 0..20u8 {
        send(&x, &y, &[i; 100]).await;
    }
    let got = recv(&y, 20).await;
    let firsts: Vec<u8> = got.iter().map(|d| d.data[0]).collect();
    assert_eq!(firsts, (0..20).collect::<Vec<_>>());
    // Batches of 8: 8, 8 and a short one of 4, after which no read is needed.
    #[cfg(target_os = "linux")]
    assert_eq!(y.stats().receives, 3);
    assert!(!poll_once(&y));
    send(&x, &y, b"late").await;
    assert_eq!(&recv(&y, 1).await[0].data[..], b"late");
}
