//! `sctpt server`'s services seen from a usctp peer in the test over UDP encapsulation on
//! loopback (UDP ports 7130-7139): echo answers on the message's stream, with its PPID and
//! U flag, as usrsctp's echo_server does; daytime sends on stream 0 with PPID 0, the
//! kernel's defaults, and shuts down.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use usctp::{Association, Endpoint, EndpointConfig, SendOptions, TransportAddr};

mod sctpt_util;
use sctpt_util::{run, text, Server};

const LO: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const LIMIT: Duration = Duration::from_secs(10);

/// A usctp endpoint on UDP `udp`, connected to `sctpt server` on SCTP `port`, UDP `server_udp`.
async fn connect(udp: u16, port: u16, server_udp: u16) -> (Endpoint, Association) {
    let ep = Endpoint::bind(EndpointConfig::udp(vec![LO], 40_130, udp))
        .await
        .expect("bind");
    let peer = TransportAddr::udp(LO, server_udp);
    let a = tokio::time::timeout(LIMIT, ep.connect(&[peer], port))
        .await
        .expect("connect in time")
        .expect("connect");
    (ep, a)
}

#[tokio::test]
async fn echo_keeps_the_stream_ppid_and_u_flag() {
    let server = Server::start(&["--addr=127.0.0.1", "--port=6130", "--udp-port=7130"]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (ep, a) = connect(7131, 6130, 7130).await;
    let sent = [
        (3u16, 42u32, false, &b"on stream 3"[..]),
        (7, 0xdead_beef, true, b"unordered on 7"),
        (0, 0, false, b"the C tool's defaults"),
    ];
    for (stream, ppid, unordered, body) in sent {
        a.send_with(
            body,
            SendOptions::new(stream).ppid(ppid).unordered(unordered),
        )
        .await
        .expect("send");
        let m = tokio::time::timeout(LIMIT, a.recv())
            .await
            .expect("echo in time")
            .expect("echo");
        assert_eq!(
            (m.stream.0, m.ppid.0, m.unordered, &m.payload[..]),
            (stream, ppid, unordered, body)
        );
    }
    a.shutdown().await.expect("graceful close");
    ep.close().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.stop(), "Connection closed\n");
}

#[tokio::test]
async fn daytime_comes_on_stream_0_with_ppid_0() {
    let _server = Server::start(&[
        "--addr=127.0.0.1",
        "--port=6132",
        "--udp-port=7132",
        "--ulp=daytime",
    ]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (ep, a) = connect(7133, 6132, 7132).await;
    let m = tokio::time::timeout(LIMIT, a.recv())
        .await
        .expect("daytime in time")
        .expect("daytime");
    assert_eq!((m.stream.0, m.ppid.0), (0, 0));
    assert!(m.payload.ends_with(b"-UTC\n"), "{:?}", m.payload);
    // The server shut the association down after its line.
    let end = tokio::time::timeout(LIMIT, a.recv()).await.expect("end");
    assert!(end.is_err());
    assert_eq!(a.shutdown().await, Ok(()));
    ep.close().await;
}

/// `--advertise`: the INIT ACK lists the given addresses, not the bound one (a VIP), and the
/// peer makes a path of each.
#[tokio::test]
async fn advertise_lists_other_addresses_than_the_bound_ones() {
    let listed = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 5));
    let server = Server::start(&[
        "--addr=127.0.0.1",
        "--port=6138",
        "--udp-port=7138",
        "--advertise=127.0.0.1,127.0.0.5",
    ]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (ep, a) = connect(7139, 6138, 7138).await;
    let stats = a.stats().await.expect("stats");
    let peers: Vec<IpAddr> = stats.paths.iter().map(|p| p.remote.ip).collect();
    assert_eq!(peers, [LO, listed]);
    a.shutdown().await.expect("graceful close");
    ep.close().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(server.stop());
}

/// `--scheduler` and `--stream-priority` (RFC 8260 §3) on both ends: the values are set on
/// each association once it is up, and one beyond the outbound streams is refused.
#[tokio::test]
async fn echo_with_a_stream_scheduler_and_stream_priorities() {
    let server = Server::start(&[
        "--addr=127.0.0.1",
        "--port=6134",
        "--udp-port=7134",
        "--scheduler=priority",
        "--stream-priority=0:5,1:1",
    ]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (ep, a) = connect(7135, 6134, 7134).await;
    for stream in [0u16, 1] {
        a.send(stream, "scheduled").await.expect("send");
        let m = tokio::time::timeout(LIMIT, a.recv())
            .await
            .expect("echo in time")
            .expect("echo");
        assert_eq!((m.stream.0, &m.payload[..]), (stream, &b"scheduled"[..]));
    }
    a.shutdown().await.expect("graceful close");
    ep.close().await;
    let client = |udp: &str, priorities: &str| {
        let args = [
            "client",
            "--addr=127.0.0.1",
            "--laddr=127.0.0.1",
            "--port=6134",
            udp,
            "--encap-port=7134",
            "--size=100",
            "--scheduler=wfq",
            priorities,
        ];
        run(&args, b"", LIMIT)
    };
    let ok = client("--udp-port=7136", "--stream-priority=0:3");
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let refused = client("--udp-port=7137", "--stream-priority=10:3");
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        text(&refused.stderr),
        "stream-priority 10:3: stream 10 is not below the 10 outbound streams\n"
    );
    drop(server);
}
