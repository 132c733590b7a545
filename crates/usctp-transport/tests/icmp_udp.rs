//! The UDP transport reports ICMP port unreachable for a packet sent to a closed port on
//! loopback, with the destination and the quoted SCTP packet.

use std::future::poll_fn;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use usctp_transport::{IcmpKind, Outgoing, Transport, TransportAddr, UdpConfig, UdpTransport};

#[tokio::test]
async fn port_unreachable_is_reported_with_the_quoted_packet() {
    let lo = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut cfg = UdpConfig::with_port(0);
    cfg.ipv6 = false;
    let t = UdpTransport::bind(&cfg).expect("bind");
    // A port that was free a moment ago: nobody listens on it.
    let closed = std::net::UdpSocket::bind((lo, 0)).expect("probe socket");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let packet: Vec<u8> = (0u8..40).collect();
    let dst = TransportAddr::udp(lo, port);
    let out = Outgoing {
        dst,
        src: None,
        data: &packet,
        may_fragment: false,
    };
    poll_fn(|cx| t.poll_send(cx, &out)).await.expect("send");
    let mut reports = Vec::new();
    let mut rx = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), async {
        while reports.is_empty() {
            poll_fn(|cx| t.poll_recv(cx, &mut rx)).await.expect("recv");
            t.take_icmp(&mut reports);
        }
    })
    .await
    .expect("no ICMP report within 5 s");
    assert!(rx.is_empty(), "nothing but the error arrives");
    let r = &reports[0];
    assert_eq!(r.dst, dst);
    assert_eq!(r.kind, IcmpKind::ProtocolUnreachable);
    assert_eq!(&r.quoted[..], &packet[..]);
}
