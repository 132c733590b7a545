//! A sharded endpoint with `worker_threads`: each worker on a thread of its own; closing
//! ends every thread and closes every socket. Alone in its test binary, since it counts the
//! process's worker threads.

mod common;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use common::{fast, LO1};
use usctp::{worker_for, Endpoint, EndpointConfig, TransportAddr, TransportConfig, UdpConfig};

fn cfg(addrs: &[IpAddr], port: u16, workers: usize) -> EndpointConfig {
    let mut udp = UdpConfig::with_port(0);
    udp.ipv6 = false;
    let mut c = EndpointConfig::new(addrs.to_vec(), port, TransportConfig::Udp(udp));
    c.workers = workers;
    fast(c)
}

async fn bind(addrs: &[IpAddr], port: u16, workers: usize) -> Endpoint {
    Endpoint::bind(cfg(addrs, port, workers))
        .await
        .expect("bind")
}

fn to(ep: &Endpoint, addrs: &[IpAddr]) -> Vec<TransportAddr> {
    let udp = ep.local_udp_port().expect("udp port");
    addrs
        .iter()
        .map(|&ip| TransportAddr::udp(ip, udp))
        .collect()
}

/// The names of this process's threads that run endpoint workers.
fn worker_threads() -> Vec<String> {
    let mut names = Vec::new();
    for t in std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .flatten()
    {
        let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
        if comm.starts_with("usctp-worker") {
            names.push(comm.trim().to_string());
        }
    }
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc9260_9_1_closing_an_endpoint_on_worker_threads_ends_the_threads_and_sockets() {
    const SERVER: u16 = 5700;
    let mut c = cfg(&[LO1], SERVER, 3);
    c.worker_threads = true;
    let server = Endpoint::bind(c).await.expect("bind");
    let udp = server.local_udp_port().expect("udp port");
    // A new thread names itself once it runs: wait for all three.
    let want = ["usctp-worker-0", "usctp-worker-1", "usctp-worker-2"];
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut names = worker_threads();
    while names.len() < want.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
        names = worker_threads();
    }
    names.sort();
    assert_eq!(names, want);
    let mut clients = Vec::new();
    for port in 24_000..24_004u16 {
        let client = bind(&[LO1], port, 1).await;
        let peer = to(&server, &[LO1]);
        let (a, s) = tokio::join!(client.connect(&peer, SERVER), server.accept());
        let (a, s) = (a.expect("connect"), s.expect("accept"));
        a.send(0, &b"hi"[..]).await.expect("send");
        assert_eq!(&s.recv().await.expect("recv").payload[..], b"hi");
        assert_eq!(
            s.stats().await.expect("stats").worker,
            worker_for(port, SERVER, 3)
        );
        clients.push((client, a));
    }
    server.close().await;
    // `closed` completes after each worker's runtime (and its sockets) is gone.
    std::net::UdpSocket::bind((std::net::Ipv4Addr::UNSPECIFIED, udp)).expect("port free again");
    let deadline = Instant::now() + Duration::from_secs(2);
    while !worker_threads().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(worker_threads(), Vec::<String>::new(), "threads left");
    for (client, _) in clients {
        client.close().await;
    }
}
