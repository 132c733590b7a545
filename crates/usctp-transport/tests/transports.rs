//! Each transport delivers packets with the right source and destination addresses.

use std::future::poll_fn;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use usctp_transport::{
    Datagram, Faults, FaultyTransport, MemoryNetwork, Outgoing, Transport, TransportAddr,
    TransportError, UdpConfig, UdpTransport,
};

const A: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
const B: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

async fn send(t: &impl Transport, dst: TransportAddr, src: Option<IpAddr>, data: &[u8]) {
    poll_fn(|cx| {
        t.poll_send(
            cx,
            &Outgoing {
                dst,
                src,
                data,
                may_fragment: false,
            },
        )
    })
    .await
    .expect("send");
}

async fn recv(t: &impl Transport) -> Option<Datagram> {
    let mut out = Vec::new();
    let r = tokio::time::timeout(
        Duration::from_millis(300),
        poll_fn(|cx| t.poll_recv(cx, &mut out)),
    );
    r.await.ok()?.expect("recv");
    out.into_iter().next()
}

fn udp() -> UdpTransport {
    let mut cfg = UdpConfig::with_port(0);
    cfg.ipv6 = false;
    UdpTransport::bind(&cfg).expect("bind")
}

#[tokio::test]
async fn udp_reports_addresses_and_uses_chosen_source() {
    let (x, y) = (udp(), udp());
    let (px, py) = (x.port(), y.port());
    send(&x, TransportAddr::udp(B, py), Some(B), b"one").await;
    let d = recv(&y).await.expect("packet");
    assert_eq!(d.meta.src, TransportAddr::udp(B, px));
    assert_eq!(d.meta.dst, B);
    assert_eq!(&d.data[..], b"one");
    send(&x, TransportAddr::udp(A, py), Some(B), b"two").await;
    let d = recv(&y).await.expect("packet");
    assert_eq!((d.meta.src.ip, d.meta.dst), (B, A));
}

#[tokio::test]
async fn udp_port_in_use_is_reported() {
    let x = udp();
    let mut cfg = UdpConfig::with_port(x.port());
    cfg.ipv6 = false;
    let e = UdpTransport::bind(&cfg).expect_err("port taken");
    assert!(matches!(e, TransportError::PortInUse { .. }), "{e}");
    assert!(e.to_string().contains("already in use"));
}

#[tokio::test]
async fn memory_routes_by_address_and_port() {
    let net = MemoryNetwork::new();
    let x = net.bind(&[A, B], 1).expect("bind x");
    let y = net.bind(&[A], 2).expect("bind y");
    assert!(matches!(
        net.bind(&[A], 2),
        Err(TransportError::PortInUse { .. })
    ));
    send(&x, TransportAddr::udp(A, 2), Some(B), b"hi").await;
    let d = recv(&y).await.expect("packet");
    assert_eq!((d.meta.src, d.meta.dst), (TransportAddr::udp(B, 1), A));
    drop(y);
    assert!(net.bind(&[A], 2).is_ok(), "port freed on drop");
}

#[tokio::test]
async fn faults_take_an_address_down_and_up() {
    let net = MemoryNetwork::new();
    let faults = Faults::new(1);
    let x = FaultyTransport::new(net.bind(&[A], 1).expect("x"), faults.clone());
    let y = FaultyTransport::new(net.bind(&[A, B], 2).expect("y"), faults.clone());
    faults.take_down(B);
    send(&x, TransportAddr::udp(B, 2), None, b"lost").await;
    assert!(recv(&y).await.is_none());
    send(&x, TransportAddr::udp(A, 2), None, b"kept").await;
    assert_eq!(&recv(&y).await.expect("kept").data[..], b"kept");
    faults.bring_up(B);
    send(&x, TransportAddr::udp(B, 2), None, b"back").await;
    assert_eq!(&recv(&y).await.expect("back").data[..], b"back");
    let zf = Faults::new(2);
    let z = FaultyTransport::new(net.bind(&[B], 3).expect("z"), zf.clone());
    zf.block_sends_to(A);
    send(&z, TransportAddr::udp(A, 2), None, b"blocked").await;
    assert!(recv(&y).await.is_none(), "z's sends to A are lost");
    send(&y, TransportAddr::udp(B, 3), Some(A), b"arrives").await;
    assert_eq!(&recv(&z).await.expect("from A").data[..], b"arrives");
    assert_eq!(zf.dropped(), 1);
    faults.set_loss(1.0);
    send(&x, TransportAddr::udp(A, 2), None, b"lost").await;
    assert!(recv(&y).await.is_none());
    assert_eq!(faults.dropped(), 2);
}

/// A GSO batch (equal segments, a shorter last one) comes out as its datagrams, each with its
/// own bytes, whether GRO coalesced them into one receive slot or not.
#[tokio::test]
async fn udp_batch_arrives_as_its_datagrams() {
    let (x, y) = (udp(), udp());
    let (seg, last) = (1200, 500);
    let sizes = [seg, seg, seg, seg, last];
    let mut data = Vec::new();
    for (i, &n) in sizes.iter().enumerate() {
        data.extend(std::iter::repeat_n(i as u8 + 1, n));
    }
    let pkt = Outgoing {
        dst: TransportAddr::udp(A, y.port()),
        src: Some(A),
        data: &data,
        may_fragment: false,
    };
    poll_fn(|cx| x.poll_send_batch(cx, &pkt, seg))
        .await
        .expect("send batch");
    let mut got = Vec::new();
    while got.len() < sizes.len() {
        let mut out = Vec::new();
        let r = tokio::time::timeout(
            Duration::from_millis(500),
            poll_fn(|cx| y.poll_recv(cx, &mut out)),
        );
        r.await.expect("all datagrams in time").expect("recv");
        got.extend(out);
    }
    assert_eq!(got.len(), sizes.len());
    for (i, (d, &n)) in got.iter().zip(&sizes).enumerate() {
        assert_eq!(d.data.len(), n, "datagram {i}");
        assert!(d.data.iter().all(|&b| b == i as u8 + 1), "datagram {i}");
        assert_eq!(d.meta.src, TransportAddr::udp(A, x.port()));
    }
}
