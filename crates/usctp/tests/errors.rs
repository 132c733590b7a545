//! Set-up errors are typed and say what to do; a failing connect leaves the endpoint's other
//! associations running.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{fast, udp_endpoint, LO1};
use usctp::{
    BindError, CloseReason, ConnectError, Endpoint, EndpointConfig, SendOptions, TransportAddr,
    TransportError, UdpConfig,
};

/// TEST-NET-3 (RFC 5737): never assigned to a host.
const FOREIGN: IpAddr = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9));

#[tokio::test]
async fn a_local_address_not_on_this_host_is_refused() {
    let e = Endpoint::bind(EndpointConfig::udp(vec![LO1, FOREIGN], 7300, 0))
        .await
        .expect_err("foreign address");
    assert!(
        matches!(e, BindError::Transport(TransportError::NotLocal(ip)) if ip == FOREIGN),
        "{e:?}"
    );
    let text = e.to_string();
    assert!(
        text.contains("203.0.113.9") && text.contains("not assigned"),
        "{text}"
    );
}

#[tokio::test]
async fn a_udp_port_in_use_is_refused() {
    let first = Endpoint::bind(EndpointConfig::udp(vec![LO1], 7301, 0))
        .await
        .expect("bind");
    let port = first.local_udp_port().expect("udp port");
    let mut udp = UdpConfig::with_port(port);
    udp.ipv6 = false;
    let cfg = EndpointConfig::new(vec![LO1], 7302, usctp::TransportConfig::Udp(udp));
    let e = Endpoint::bind(cfg).await.expect_err("port taken");
    assert!(
        matches!(e, BindError::Transport(TransportError::PortInUse { port: p, .. }) if p == port),
        "{e:?}"
    );
    assert!(e.to_string().contains("already in use"), "{e}");
}

/// Run inside a child without privileges by `raw_sockets_without_cap_net_raw_*` below.
#[tokio::test]
async fn raw_child_without_privileges() {
    if std::env::var_os("USCTP_RAW_CHILD").is_none() {
        return; // only meaningful in the unprivileged child
    }
    let e = Endpoint::bind(EndpointConfig::raw(vec![], 7303))
        .await
        .expect_err("no CAP_NET_RAW");
    assert!(
        matches!(
            e,
            BindError::Transport(TransportError::PermissionDenied { .. })
        ),
        "{e:?}"
    );
    println!("CHILD-ERROR: {e}");
}

#[test]
fn raw_sockets_without_cap_net_raw_say_so_and_suggest_udp() {
    let is_root = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"));
    let exe = std::env::current_exe().expect("test binary");
    let mut cmd = if is_root {
        // Drop to `nobody`, which has no capabilities, and rerun this binary's child test.
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    let out = cmd
        .args(["--exact", "raw_child_without_privileges", "--nocapture"])
        .env("USCTP_RAW_CHILD", "1")
        .output();
    let Ok(out) = out else {
        eprintln!("SKIPPED: cannot run the unprivileged child (setpriv missing?)");
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() && !stdout.contains("CHILD-ERROR") {
        // Non-root with CAP_NET_RAW (e.g. setcap) cannot lose it this way.
        eprintln!("SKIPPED: child could not run unprivileged: {stdout}");
        return;
    }
    let line = stdout
        .lines()
        .find(|l| l.starts_with("CHILD-ERROR"))
        .unwrap_or_else(|| panic!("child output: {stdout}"));
    eprintln!("{line}");
    assert!(line.contains("CAP_NET_RAW"), "{line}");
    assert!(line.contains("UDP encapsulation"), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_peer_fails_while_another_association_keeps_echoing() {
    let server = udp_endpoint(&[LO1], 7310).await;
    let mut cfg = fast(EndpointConfig::udp(vec![LO1], 7311, 0));
    cfg.protocol.association.max_init_retransmits = 3;
    let client = Endpoint::bind(cfg).await.expect("bind");
    let server_udp = server.local_udp_port().expect("udp port");
    tokio::spawn(async move {
        let a = server.accept().await.expect("incoming");
        while let Ok(m) = a.recv().await {
            let _ = a
                .send_with(m.payload, SendOptions::new(m.stream.0).ppid(m.ppid.0))
                .await;
        }
    });
    let good = client
        .connect(&[TransportAddr::udp(LO1, server_udp)], 7310)
        .await
        .expect("connect");
    let echoes = Arc::new(AtomicU32::new(0));
    let pinger = {
        let echoes = Arc::clone(&echoes);
        tokio::spawn(async move {
            loop {
                good.send(0, &b"ping"[..]).await.expect("send");
                let m = good.recv().await.expect("echo");
                assert_eq!(&m.payload[..], b"ping");
                echoes.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };

    // A UDP port nobody listens on, and an address no route leads to.
    let dead = std::net::UdpSocket::bind("127.0.0.1:0").expect("probe");
    let dead_port = dead.local_addr().expect("addr").port();
    drop(dead);
    for peer in [
        TransportAddr::udp(LO1, dead_port),
        TransportAddr::udp(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 9899),
    ] {
        let before = echoes.load(Ordering::Relaxed);
        let e = client
            .connect(&[peer], 7310)
            .await
            .expect_err("nobody there");
        let during = echoes.load(Ordering::Relaxed) - before;
        if peer.ip == LO1 {
            // The closed port answers with ICMP port unreachable: no SCTP there, at once.
            assert_eq!(e, ConnectError::NoSctpListener(peer));
            assert!(e.to_string().contains("no SCTP listener"), "{e}");
        } else {
            // Nobody routes to this address: silence until Max.Init.Retransmits.
            assert_eq!(e, ConnectError::Failed(CloseReason::InitFailed), "{peer}");
            assert!(e.to_string().contains("setup failed"), "{e}");
            assert!(
                during > 5,
                "the good association kept echoing ({during} during the attempt)"
            );
        }
    }
    let before = echoes.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        echoes.load(Ordering::Relaxed) > before,
        "still echoing afterwards"
    );
    pinger.abort();
    client.close().await;
}
