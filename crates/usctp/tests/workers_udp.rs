//! An endpoint on several workers over UDP on loopback (no root needed): every packet of an
//! association, on every path, reaches the worker its SCTP ports hash to (RFC 9260 §2.3: an
//! endpoint uses one port on all its addresses), the handshake stays on that worker,
//! associations spread over the workers, a loaded worker does not stall another, INIT
//! collisions resolve, and closing stops every worker and closes every socket.

mod common;

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use common::{all_paths_active, fast, LO1, LO2};
use usctp::{
    worker_for, Endpoint, EndpointConfig, PathState, TransportAddr, TransportConfig, UdpConfig,
};

fn cfg(addrs: &[IpAddr], port: u16, workers: usize) -> EndpointConfig {
    let mut udp = UdpConfig::with_port(0);
    udp.ipv6 = false;
    udp.buffer_size = 256 << 10;
    let mut c = EndpointConfig::new(addrs.to_vec(), port, TransportConfig::Udp(udp));
    c.workers = workers;
    fast(c)
}

async fn bind(addrs: &[IpAddr], port: u16, workers: usize) -> Endpoint {
    Endpoint::bind(cfg(addrs, port, workers))
        .await
        .expect("bind")
}

/// Client SCTP ports from `from` on whose associations with `server_port` worker `w` (of
/// `n`) owns.
fn ports_for(w: usize, n: usize, server_port: u16, from: u16, count: usize) -> Vec<u16> {
    (from..)
        .filter(|&p| worker_for(p, server_port, n) == w)
        .take(count)
        .collect()
}

fn to(ep: &Endpoint, addrs: &[IpAddr]) -> Vec<TransportAddr> {
    let udp = ep.local_udp_port().expect("udp port");
    addrs
        .iter()
        .map(|&ip| TransportAddr::udp(ip, udp))
        .collect()
}

/// The workers' counters once no packet has arrived for 200 ms (at most 5 s).
async fn settled_stats(server: &Endpoint) -> Vec<usctp::WorkerStats> {
    let mut last = server.worker_stats();
    for _ in 0..25 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let now = server.worker_stats();
        if now == last {
            return now;
        }
        last = now;
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc9260_2_3_every_path_of_a_multihomed_association_reaches_one_worker() {
    every_path_on_one_worker(5100, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc9260_2_3_every_path_reaches_one_worker_with_worker_threads() {
    every_path_on_one_worker(5150, true).await;
}

async fn every_path_on_one_worker(server_port: u16, threads: bool) {
    #[allow(non_snake_case)]
    let SERVER = server_port;
    let mut c = cfg(&[LO1, LO2], SERVER, 2);
    c.worker_threads = threads;
    let server = Endpoint::bind(c).await.expect("bind");
    for w in 0..2 {
        // A packet of the previous round still in flight on its other path (a HEARTBEAT sent
        // just before its ABORT) would count for the worker that owned that association.
        let before = settled_stats(&server).await;
        let port = ports_for(w, 2, SERVER, 20_000, 1)[0];
        let client = bind(&[LO1, LO2], port, 1).await;
        let peer = to(&server, &[LO1, LO2]);
        let (c, s) = tokio::join!(client.connect(&peer, SERVER), server.accept());
        let (c, s) = (c.expect("connect"), s.expect("accept"));
        // Heartbeats confirm both paths each way (RFC 9260 §5.4), data crosses.
        all_paths_active(&c, 2).await;
        all_paths_active(&s, 2).await;
        c.send(0, &b"ping"[..]).await.expect("send");
        assert_eq!(&s.recv().await.expect("recv").payload[..], b"ping");
        assert_eq!(s.stats().await.expect("stats").worker, w);
        let after = server.worker_stats();
        let other = 1 - w;
        assert!(after[w].packets > before[w].packets + 4, "{after:?}");
        assert_eq!(after[other].packets, before[other].packets, "{after:?}");
        c.abort(&b"done"[..]);
        // The ABORT reached the server before the next round counts.
        assert!(s.recv().await.is_err(), "server side ended");
        client.close().await;
    }
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc9260_5_1_init_and_cookie_echo_of_a_new_association_reach_the_same_worker() {
    const SERVER: u16 = 5200;
    const N: usize = 3;
    let server = bind(&[LO1], SERVER, N).await;
    for port in 21_000..21_006u16 {
        let w = worker_for(port, SERVER, N);
        let before = server.worker_stats();
        let client = bind(&[LO1], port, 1).await;
        let peer = to(&server, &[LO1]);
        let (c, s) = tokio::join!(client.connect(&peer, SERVER), server.accept());
        let (_c, s) = (c.expect("connect"), s.expect("accept"));
        let after = server.worker_stats();
        for (i, (a, b)) in after.iter().zip(&before).enumerate() {
            let (inits, echoes) = (a.inits - b.inits, a.cookie_echoes - b.cookie_echoes);
            let want = u64::from(i == w);
            assert_eq!((inits, echoes), (want, want), "port {port} worker {i}");
        }
        assert_eq!(s.stats().await.expect("stats").worker, w);
        eprintln!("port {port}: INIT and COOKIE ECHO on worker {w} of {N}: {after:?}");
        client.close().await;
    }
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc9260_2_3_a_thousand_associations_spread_over_the_workers() {
    const SERVER: u16 = 5300;
    const COUNT: u16 = 1000;
    const N: usize = 2;
    let server = bind(&[LO1], SERVER, N).await;
    let peer = to(&server, &[LO1]);
    let acceptor = {
        let server = server.clone();
        tokio::spawn(async move {
            let mut by_worker = vec![0usize; N];
            let mut keep = Vec::new();
            for _ in 0..COUNT {
                let a = server.accept().await.expect("incoming");
                let s = a.stats().await.expect("stats");
                assert_eq!(s.worker, worker_for(a.peer_port(), SERVER, N));
                by_worker[s.worker] += 1;
                keep.push(a);
            }
            (by_worker, keep)
        })
    };
    let mut clients = Vec::new();
    let mut assocs = Vec::new();
    for chunk in (30_000..30_000 + COUNT).collect::<Vec<_>>().chunks(100) {
        let mut js = tokio::task::JoinSet::new();
        for &port in chunk {
            let c = bind(&[LO1], port, 1).await;
            clients.push(c.clone());
            let peer = peer.clone();
            js.spawn(async move { c.connect(&peer, SERVER).await });
        }
        while let Some(r) = js.join_next().await {
            assocs.push(r.expect("task").expect("connect"));
        }
    }
    let (by_worker, _keep) = tokio::time::timeout(Duration::from_secs(60), acceptor)
        .await
        .expect("accepted in time")
        .expect("acceptor");
    let stats = server.worker_stats();
    eprintln!("{COUNT} associations over {N} workers: {by_worker:?}; received {stats:?}");
    assert_eq!(by_worker.iter().sum::<usize>(), usize::from(COUNT));
    for (w, n) in by_worker.iter().enumerate() {
        assert!(
            *n >= 400,
            "worker {w} has only {n} of {COUNT}: {by_worker:?}"
        );
        // At least one INIT and one COOKIE ECHO per association (more when retransmitted
        // under load); a stray one on another worker would have failed the owner check.
        assert!(stats[w].inits >= *n as u64, "{stats:?}");
        assert!(stats[w].cookie_echoes >= *n as u64, "{stats:?}");
    }
    for c in clients {
        c.close().await;
    }
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc9260_8_3_a_loaded_worker_does_not_stall_the_associations_of_another() {
    const SERVER: u16 = 5400;
    let server = bind(&[LO1], SERVER, 2).await;
    let peer = to(&server, &[LO1]);
    let busy_port = ports_for(0, 2, SERVER, 22_000, 1)[0];
    let calm_port = ports_for(1, 2, SERVER, 22_000, 1)[0];
    let busy = bind(&[LO1], busy_port, 1).await;
    let calm = bind(&[LO1], calm_port, 1).await;
    let (b, bs) = tokio::join!(busy.connect(&peer, SERVER), server.accept());
    let (b, bs) = (b.expect("connect"), bs.expect("accept"));
    let (c, cs) = tokio::join!(calm.connect(&peer, SERVER), server.accept());
    let (c, cs) = (c.expect("connect"), cs.expect("accept"));
    assert_eq!(bs.stats().await.expect("stats").worker, 0);
    assert_eq!(cs.stats().await.expect("stats").worker, 1);

    let load_for = Duration::from_secs(3);
    let sink = tokio::spawn(async move {
        let mut bytes = 0usize;
        while let Ok(m) = bs.recv().await {
            bytes += m.payload.len();
        }
        bytes
    });
    let flood = tokio::spawn(async move {
        let end = Instant::now() + load_for;
        let chunk = bytes::Bytes::from(vec![7u8; 16 * 1024]);
        while Instant::now() < end {
            b.send(0, chunk.clone()).await.expect("bulk send");
        }
        b.shutdown().await.expect("bulk shutdown");
    });
    let echo = tokio::spawn(async move {
        while let Ok(m) = cs.recv().await {
            if cs.send(0, m.payload).await.is_err() {
                break;
            }
        }
        cs
    });
    let (mut rtts, start) = (Vec::new(), Instant::now());
    while start.elapsed() < load_for {
        let t = Instant::now();
        c.send(0, &b"ping"[..]).await.expect("ping");
        let m = tokio::time::timeout(Duration::from_secs(2), c.recv())
            .await
            .expect("echo within 2 s")
            .expect("echo");
        assert_eq!(&m.payload[..], b"ping");
        rtts.push(t.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    flood.await.expect("flood");
    let bulk = sink.await.expect("sink");
    rtts.sort();
    let stats = server.worker_stats();
    let s = c.stats().await.expect("calm association alive");
    eprintln!(
        "bulk on worker 0: {} MB in {load_for:?}; {} pings on worker 1, median RTT {:?}, max \
         {:?}; calm path {:?} hb-confirmed srtt {:?}; received {stats:?}",
        bulk / 1_000_000,
        rtts.len(),
        rtts[rtts.len() / 2],
        rtts[rtts.len() - 1],
        s.paths[0].state,
        s.paths[0].srtt,
    );
    assert!(
        bulk > 10_000_000,
        "the busy worker carried little: {bulk} bytes"
    );
    assert!(stats[0].packets > 10 * stats[1].packets, "{stats:?}");
    assert_eq!(s.paths[0].state, PathState::Active);
    assert_eq!(
        s.paths[0].error_count, 0,
        "unanswered heartbeats/retransmissions"
    );
    c.shutdown().await.expect("calm graceful shutdown");
    let _ = echo.await.expect("echo task");
    busy.close().await;
    calm.close().await;
    server.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc9260_5_2_4_init_collision_between_sharded_endpoints() {
    for a_port in [5500u16, 5502, 5504, 5506] {
        init_collision(a_port, a_port + 1).await;
    }
}

/// Endpoints on ports `pa` and `pb` connect to each other at once: both INITs cross, and
/// each side's association lives on the worker of its ports, where the peer's INIT arrived.
async fn init_collision(pa: u16, pb: u16) {
    let a = bind(&[LO1], pa, 2).await;
    let b = bind(&[LO1], pb, 2).await;
    let (to_b, to_a) = (to(&b, &[LO1]), to(&a, &[LO1]));
    let (ab, ba) = tokio::join!(a.connect(&to_b, pb), b.connect(&to_a, pa));
    let (ab, ba) = (ab.expect("a connects"), ba.expect("b connects"));
    assert_eq!(
        ab.stats().await.expect("stats").worker,
        worker_for(pb, pa, 2)
    );
    assert_eq!(
        ba.stats().await.expect("stats").worker,
        worker_for(pa, pb, 2)
    );
    ab.send(0, &b"from a"[..]).await.expect("send");
    ba.send(0, &b"from b"[..]).await.expect("send");
    assert_eq!(&ba.recv().await.expect("recv").payload[..], b"from a");
    assert_eq!(&ab.recv().await.expect("recv").payload[..], b"from b");
    // Each side received the other's INIT (the collision) on the association's worker, and
    // nothing reached the other worker.
    for (ep, w) in [(&a, worker_for(pb, pa, 2)), (&b, worker_for(pa, pb, 2))] {
        let st = ep.worker_stats();
        assert!(st[w].inits >= 1, "{pa}/{pb}: {st:?}");
        assert_eq!(st[1 - w].packets, 0, "{pa}/{pb}: {st:?}");
    }
    a.close().await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc9260_9_1_closing_a_sharded_endpoint_stops_every_worker_and_closes_its_sockets() {
    const SERVER: u16 = 5600;
    let rt = tokio::runtime::Handle::current();
    let baseline = rt.metrics().num_alive_tasks();
    let server = bind(&[LO1], SERVER, 3).await;
    let udp = server.local_udp_port().expect("udp port");
    assert_eq!(
        rt.metrics().num_alive_tasks(),
        baseline + 3,
        "one task per worker"
    );
    let mut clients = Vec::new();
    let mut on = HashMap::new();
    for port in 23_000..23_006u16 {
        let c = bind(&[LO1], port, 1).await;
        let peer = to(&server, &[LO1]);
        let (a, s) = tokio::join!(c.connect(&peer, SERVER), server.accept());
        let s = s.expect("accept");
        *on.entry(s.stats().await.expect("stats").worker)
            .or_insert(0) += 1;
        clients.push((c, a.expect("connect"), s));
    }
    assert!(on.len() > 1, "associations on one worker only: {on:?}");
    server.close().await;
    assert!(server.accept().await.is_none(), "accept ends");
    for (c, a, s) in clients {
        assert!(s.send(0, &b"x"[..]).await.is_err(), "server side closed");
        // The peers see the ABORT each worker sent.
        let r = tokio::time::timeout(Duration::from_secs(2), a.recv()).await;
        assert!(matches!(r, Ok(Err(_))), "client association ended: {r:?}");
        c.close().await;
    }
    // Every socket of the group is closed: a plain bind (no SO_REUSEPORT) gets the port.
    std::net::UdpSocket::bind((std::net::Ipv4Addr::UNSPECIFIED, udp)).expect("port free again");
    let deadline = Instant::now() + Duration::from_secs(2);
    while rt.metrics().num_alive_tasks() > baseline && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        rt.metrics().num_alive_tasks(),
        baseline,
        "tasks left behind"
    );
}

#[tokio::test]
async fn workers_need_a_transport_that_binds_its_own_sockets() {
    let net = usctp::MemoryNetwork::new();
    let t = net.bind(&[LO1], 5800).expect("memory transport");
    let mut c = EndpointConfig::new(
        vec![LO1],
        5800,
        TransportConfig::Custom(std::sync::Arc::new(t)),
    );
    c.workers = 2;
    let e = Endpoint::bind(c).await.expect_err("refused");
    assert!(matches!(e, usctp::BindError::WorkersNeedSockets), "{e}");
}
