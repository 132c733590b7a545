//! `sctpt ctraffic` against `sctpt server` over UDP encapsulation on loopback (UDP ports
//! 7110-7119): the JSON at the end, the shm it came from, and exit 0 when connects fail.

use std::time::Duration;

mod sctpt_util;
use sctpt_util::{parse_json, run, text, Server, ShmName};

#[test]
fn four_paced_clients_get_every_message_echoed() {
    let shm = ShmName::init(10);
    let opt = shm.opt();
    let server = Server::start(&[
        "--addr",
        "127.0.0.1",
        "--port",
        "6110",
        "--udp-port",
        "7110",
    ]);
    std::thread::sleep(Duration::from_millis(300));
    let out = run(
        &[
            "ctraffic",
            &opt,
            "--addr=127.0.0.1",
            "--laddr=127.0.0.1",
            "--port=6110",
            "--udp-port=7111",
            "--encap-port=7110",
            "--clients=4",
            "--rate=40",
            "--duration=2",
        ],
        b"",
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "", "nothing logged at the default level");
    let json = text(&out.stdout);
    let ([sent, received, max_rtt, n, interval], buckets) = parse_json(&json);
    println!("sent {sent} received {received} maxRtt {max_rtt} ms");
    // About 40/s for 2 s; the exact count depends on scheduling, so only a floor.
    assert!(sent >= 20, "{json}");
    assert_eq!(sent, received, "{json}");
    assert!(max_rtt < 2000, "an echo on loopback took {max_rtt} ms");
    assert_eq!((n, interval), (16, 1000));
    assert_eq!(
        buckets.iter().sum::<u64>(),
        received,
        "every reply in one bucket"
    );
    // The JSON was read from the shm, which `stats json` shows the same way.
    let again = run(&["stats", &opt, "json"], b"", Duration::from_secs(10));
    assert_eq!(text(&again.stdout), json);
    // Each client shut down gracefully: the server printed one line per association.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.stop(), "Connection closed\n".repeat(4));
}

#[test]
fn failed_connects_still_print_json_and_exit_0() {
    let shm = ShmName::init(11);
    let opt = shm.opt();
    // UDP 7113 is held by a socket that never reads: the INIT goes unanswered, twice,
    // 100 ms apart (a closed port would refuse it at once with ICMP port unreachable).
    let _silent = std::net::UdpSocket::bind("127.0.0.1:7113").expect("bind UDP 7113");
    let out = run(
        &[
            "ctraffic",
            &opt,
            "--addr=127.0.0.1",
            "--laddr=127.0.0.1",
            "--udp-port=7112",
            "--encap-port=7113",
            "--clients=2",
            "--duration=2",
            "--rto-initial=100",
            "--rto-min=100",
            "--max-init-retrans=1",
        ],
        b"",
        Duration::from_secs(20),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stderr),
        "sctp_connectx Connection timed out\n".repeat(2)
    );
    let (head, _) = parse_json(&text(&out.stdout));
    assert_eq!(head[..3], [0, 0, 0]);
}

#[test]
fn ctraffic_fatal_errors() {
    let shm = ShmName::new(12);
    let opt = shm.opt();
    let out = run(&["ctraffic", &opt], b"", Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!("FAILED mapSharedData: {}\n", shm.0)
    );
    assert_eq!(
        run(&["stats", &opt, "init"], b"", Duration::from_secs(10))
            .status
            .code(),
        Some(0)
    );
    let out = run(
        &["ctraffic", &opt, "--clients=0"],
        b"",
        Duration::from_secs(10),
    );
    assert_eq!(
        (out.status.code(), text(&out.stderr)),
        (Some(1), "No clients".into())
    );
    let out = run(&["ctraffic", "--port=x"], b"", Duration::from_secs(10));
    assert_eq!(
        (out.status.code(), text(&out.stderr)),
        (Some(1), "Invalid port [x]\n".into())
    );
}
