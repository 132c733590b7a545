//! `sctpt` as a child process: help output, getopt errors, the `echo Hi | sctpt client`
//! probe against `sctpt server` over UDP encapsulation on loopback, and the server's
//! `--log 6` transcript, all as the spec of the C tool writes them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::UdpSocket;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sctpt");

fn free_udp_port() -> u16 {
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.local_addr().expect("addr").port()
}

/// Run to completion with stdin `input`, killed after `limit`.
fn run(args: &[&str], input: &[u8], limit: Duration) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("SCTP_UDP_PORT")
        .env_remove("SCTP_ENCAP_PORT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sctpt");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).expect("stdin");
    }
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("sctpt {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn top_level_help_lists_the_commands() {
    for args in [&[][..], &["-h"][..], &["--help"][..]] {
        let out = run(args, b"", Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            text(&out.stdout),
            format!("Usage: {BIN} <command> [opt...]\nCommands:\n  client\n  server\n")
        );
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn client_help_is_the_c_tools() {
    let expected = "client [options]\n  Start an interactive client. If --size is specified, \
        only  one packet is sent, and the program will terminate after  the reply (intended \
        for mtu/fragmentation test)\n  --log= Log level 0-7 \n  --addr= Server addresses \
        (default ::1) \n  --laddr= Local addresses (default ::1) \n  --port= Port (default \
        6000) \n  --size= One-packet size \n";
    for flag in ["-h", "--help", "-help", "--he"] {
        let out = run(&["client", flag], b"", Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(0), "{flag}");
        assert_eq!(text(&out.stdout), expected, "{flag}");
    }
}

#[test]
fn server_help_is_the_c_tools() {
    let out = run(&["server", "-h"], b"", Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "server [options]\n  Start a server\n  --log= Log level 0-7 \n  --addr= Numeric comma \
         separated addresses (default ::1) \n  --port= Port (default 6000) \n"
    );
}

#[test]
fn getopt_errors_and_fatal_messages_exit_1() {
    let cases: &[(&[&str], &str)] = &[
        (&["bogus"], "Unknown command [bogus]\n"),
        (
            &["server", "--foo"],
            "server: unrecognized option '--foo'\n",
        ),
        (
            &["server", "-foo=1"],
            "server: unrecognized option '-foo=1'\n",
        ),
        (
            &["client", "-l", "6"],
            "client: option '-l' is ambiguous; possibilities: '-log' '-laddr'\n",
        ),
        (
            &["client", "--log"],
            "client: option '--log' requires an argument\n",
        ),
        (&["server", "--port=abc"], "Invalid port [abc]\n"),
        (&["server", "--addr="], "Invalid (or no) addresses []\n"),
        (
            &["client", "-addr", "nohost"],
            "Name or service not known [nohost]\nInvalid addresses [nohost]\n",
        ),
    ];
    for (args, err) in cases {
        let out = run(args, b"", Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&out.stderr), *err, "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// A running `sctpt server`, killed on drop.
struct Server {
    child: Child,
    stderr: mpsc::Receiver<String>,
}

impl Server {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .arg("server")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn server");
        let (tx, stderr) = mpsc::channel();
        let err = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Self { child, stderr }
    }

    /// Stderr lines until `n` lines arrived (bounded).
    fn lines(&self, n: usize, limit: Duration) -> Vec<String> {
        let end = Instant::now() + limit;
        let mut v = Vec::new();
        while v.len() < n {
            let left = end.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(l) => v.push(l),
                Err(_) => break,
            }
        }
        v
    }

    /// Kill it and return its stdout.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let mut s = String::new();
        if let Some(mut o) = self.child.stdout.take() {
            let _ = o.read_to_string(&mut s);
        }
        let _ = self.child.wait();
        s
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Replace the port of an address line (`  addr,port`) with `*`.
fn mask_port(line: &str) -> String {
    match line.rsplit_once(',') {
        Some((a, _)) if line.starts_with("  ") => format!("{a},*"),
        _ => line.to_string(),
    }
}

#[test]
fn echo_hi_probe_and_server_log6_transcript() {
    let udp = free_udp_port().to_string();
    let server = Server::start(&[
        "--log",
        "6",
        "--addr",
        "127.0.0.1,127.0.0.2",
        "--port",
        "6001",
        "--udp-port",
        &udp,
    ]);
    let head = server.lines(3, Duration::from_secs(10));
    assert_eq!(
        head,
        [
            "Accepting connections on:",
            "  ::ffff:127.0.0.1,6001",
            "  ::ffff:127.0.0.2,6001"
        ]
    );

    let out = run(
        &[
            "client",
            "--addr",
            "127.0.0.1",
            "--laddr",
            "127.0.0.1",
            "--port",
            "6001",
            "--encap-port",
            &udp,
        ],
        b"Hi\n",
        Duration::from_secs(15),
    );
    assert_eq!(text(&out.stdout), "send> recv> Hi\nsend> ");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));

    let rest: Vec<String> = server
        .lines(7, Duration::from_secs(10))
        .iter()
        .map(|l| mask_port(l))
        .collect();
    assert_eq!(
        rest,
        [
            "Got a new connection (4) from",
            "  ::ffff:127.0.0.1,*",
            "serverThread (4).",
            "Local addresses",
            "  ::ffff:127.0.0.1,*",
            "  ::ffff:127.0.0.2,*",
            "Peer addresses",
        ]
    );
    assert_eq!(
        server.lines(1, Duration::from_secs(5)),
        ["  ::ffff:127.0.0.1,0"]
    );
    // `Connection closed` on stdout once the client's SHUTDOWN completed.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.stop(), "Connection closed\n");
}

#[test]
fn client_logs_connected_at_log6_and_size_mode() {
    let udp = free_udp_port().to_string();
    let server = Server::start(&["--addr", "127.0.0.1", "--port", "6002", "--udp-port", &udp]);
    std::thread::sleep(Duration::from_millis(300));
    let out = run(
        &[
            "client",
            "--log=6",
            "-addr=127.0.0.1",
            "-laddr",
            "127.0.0.1",
            "--port",
            "6002",
            "--encap-port",
            &udp,
            "--size",
            "3000",
        ],
        b"",
        Duration::from_secs(15),
    );
    let err: Vec<String> = text(&out.stderr).lines().map(mask_port).collect();
    assert_eq!(
        err,
        [
            "Connected",
            "Local addresses",
            "  ::ffff:127.0.0.1,*",
            "Peer addresses",
            "  ::ffff:127.0.0.1,*",
            "Sent 3000 bytes",
            "Received 3000 bytes",
        ]
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    drop(server);
}

#[test]
fn client_without_server_fails_within_about_2s() {
    let udp = free_udp_port().to_string();
    let start = Instant::now();
    let out = run(
        &[
            "client",
            "--addr",
            "127.0.0.1",
            "--laddr",
            "127.0.0.1",
            "--encap-port",
            &udp,
        ],
        b"Kalle\n",
        Duration::from_secs(10),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(start.elapsed() < Duration::from_secs(4));
    assert_eq!(text(&out.stderr), "sctp_connectx timeout\n");
    assert_eq!(text(&out.stdout), "");
}
