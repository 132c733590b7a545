//! `sctpt client` as a long-running client of `sctpt server`, over UDP encapsulation on
//! loopback (UDP ports 7140-7149): it notices an ABORT while idle on stdin and exits (or,
//! with `--reconnect`, opens a new association) within a second, and a reconnecting client
//! with a `--ulp` service serves association after association.

use std::time::{Duration, UNIX_EPOCH};

mod sctpt_util;
use sctpt_util::{capture, text, Captured, Client, Server, TempDir};
use sctpt_util::{ABORT, DATA, INIT};

/// SHUTDOWN (RFC 9260 §3.2).
const SHUTDOWN: u8 = 7;

/// `sctpt server <extra>` on 127.0.0.1, SCTP `port`, UDP `udp`, given time to bind.
fn server(port: u16, udp: u16, extra: &[&str]) -> Server {
    let (port, udp) = (format!("--port={port}"), format!("--udp-port={udp}"));
    let mut args = vec!["--addr=127.0.0.1", &port, &udp];
    args.extend(extra);
    let s = Server::start(&args);
    std::thread::sleep(Duration::from_millis(300));
    s
}

/// `sctpt client <extra>` to the server on SCTP `port`, UDP `server_udp`, from UDP
/// `server_udp + 1`, idle on stdin.
fn client(port: u16, server_udp: u16, extra: &[&str]) -> Client {
    let (port, udp, encap) = (
        format!("--port={port}"),
        format!("--udp-port={}", server_udp + 1),
        format!("--encap-port={server_udp}"),
    );
    let mut args = vec!["--addr=127.0.0.1", "--laddr=127.0.0.1", &port, &udp, &encap];
    args.extend(extra);
    Client::start(&args)
}

/// Read the server's stderr until a line equal to `want` (bounded).
fn wait_for(server: &Server, want: &str, limit: Duration) {
    let end = std::time::Instant::now() + limit;
    loop {
        let left = end.saturating_duration_since(std::time::Instant::now());
        match server.lines(1, left).pop() {
            Some(l) if l == want => return,
            Some(_) => {}
            None => panic!("server never logged {want:?}"),
        }
    }
}

/// The first packet from UDP port `from` holding chunk type `t`, at or after `after`.
fn first(pkts: &[Captured], from: u16, t: u8, after: Duration) -> &Captured {
    pkts.iter()
        .find(|p| p.from == from && p.has(t) && p.ts >= after)
        .unwrap_or_else(|| panic!("no chunk type {t} from {from} after {after:?}"))
}

#[test]
fn idle_client_exits_within_a_second_of_the_servers_abort() {
    let dir = TempDir::new("sctpt-idle-abort");
    let pcap = dir.file("client.pcap");
    let _server = server(6140, 7140, &["--abort-after=500"]);
    let (out, exited) = client(6140, 7140, &["--pcap", &pcap]).wait(Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "recv Connection reset by peer\n");
    assert_eq!(text(&out.stdout), "send> ");
    let pkts = capture(&pcap, (7141, 7140));
    let abort = first(&pkts, 7140, ABORT, Duration::ZERO);
    let exited = exited.duration_since(UNIX_EPOCH).expect("clock");
    let took = exited.saturating_sub(abort.ts);
    println!("client exited {took:?} after the ABORT reached it");
    assert!(took < Duration::from_secs(1), "{took:?}");
}

#[test]
fn reconnecting_client_is_back_within_a_second_of_the_abort() {
    let dir = TempDir::new("sctpt-reconnect-abort");
    let pcap = dir.file("client.pcap");
    let server = server(6142, 7142, &["--log=6", "--abort-after=500"]);
    let client = client(6142, 7142, &["--reconnect=100", "--pcap", &pcap]);
    // The second association is the reconnection after the first one's ABORT.
    wait_for(
        &server,
        "Got a new connection (5) from",
        Duration::from_secs(20),
    );
    let out = client.kill();
    let log = text(&out.stderr);
    assert!(log.starts_with("recv Connection reset by peer\n"), "{log}");
    // One prompt: the client still waits for the same line.
    assert_eq!(text(&out.stdout), "send> ");
    let pkts = capture(&pcap, (7143, 7142));
    let abort = first(&pkts, 7142, ABORT, Duration::ZERO);
    let init = first(&pkts, 7143, INIT, abort.ts);
    let took = init.ts.saturating_sub(abort.ts);
    println!("new INIT {took:?} after the ABORT (--reconnect=100)");
    assert!(took < Duration::from_secs(1), "{took:?}");
}

#[test]
fn reconnecting_daytime_client_serves_20_associations() {
    let dir = TempDir::new("sctpt-20-associations");
    let pcap = dir.file("server.pcap");
    let server = server(6144, 7144, &["--log=6", "--pcap", &pcap]);
    let service = ["--log=6", "--ulp=daytime", "--stream=3", "--ppid=42"];
    let client = client(6144, 7144, &[&service[..], &["--reconnect=50"]].concat());
    // The server prints this for each association its peer shut down gracefully: here,
    // each time the client's daytime service has sent its line and closed.
    let closed = server.out_lines(20, Duration::from_secs(60));
    let out = client.kill();
    let log = text(&out.stderr);
    assert_eq!(closed, vec!["Connection closed"; 20], "client log:\n{log}");
    assert!(log.matches("Connected\n").count() >= 20, "{log}");

    let pkts = capture(&pcap, (7145, 7144));
    let inits = pkts.iter().filter(|p| p.from == 7145 && p.has(INIT));
    assert!(inits.count() >= 20);
    let mut lines = data(&pkts, 7145);
    let echoes = data(&pkts, 7144);
    // Every association (its own verification tag): one daytime line on stream 3 with PPID
    // 42, echoed back on it, and the client's SHUTDOWN.
    lines.dedup_by_key(|(tag, _)| *tag);
    assert!(
        lines.len() >= 20,
        "{} associations with a line",
        lines.len()
    );
    // (The client was killed during the 21st, if it got that far.)
    for (tag, line) in lines.iter().take(20) {
        assert!(line.ends_with("-UTC\n"), "{line:?}");
        assert!(echoes.iter().any(|(_, e)| e == line), "no echo of {line:?}");
        let shutdown = pkts.iter().find(|p| p.vtag == *tag && p.has(SHUTDOWN));
        assert!(shutdown.is_some(), "association {tag:08x} not shut down");
    }
}

/// The DATA sent from UDP port `from`, checked to be on stream 3 with PPID 42: each with
/// the packet's verification tag.
fn data(pkts: &[Captured], from: u16) -> Vec<(u32, String)> {
    let mut v = Vec::new();
    for p in pkts.iter().filter(|p| p.from == from && p.has(DATA)) {
        for c in &p.chunks {
            if let usctp_wire::chunk::Chunk::Data(d) = c {
                assert_eq!((d.stream.0, d.ppid.0), (3, 42));
                v.push((p.vtag, String::from_utf8_lossy(&d.payload).into_owned()));
            }
        }
    }
    v
}
