//! `tput server` and `tput client` as child processes over UDP encapsulation on loopback:
//! the receiver's counts match what the client sent, graceful shutdown and ABORT from
//! either side show in both reports, and `--json` prints one object per association.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_tput");

/// Start `tput server --once --json` on an OS-chosen UDP port; returns it and the port.
fn server(sctp_port: u16, extra: &[&str]) -> (Child, u16) {
    let mut child = Command::new(BIN)
        .args(["server", "--once", "--json", "-E", "0", "-p"])
        .arg(sctp_port.to_string())
        .args(["-L", "127.0.0.1"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tput server");
    let mut line = String::new();
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    stderr.read_line(&mut line).expect("read");
    // Keep draining it: the server's closing line must not hit a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    // "tput server: listening on SCTP port P (UDP U)"
    let udp = line
        .rsplit("UDP ")
        .next()
        .and_then(|s| s.trim().trim_end_matches(')').parse().ok())
        .unwrap_or_else(|| panic!("no UDP port in {line:?}"));
    (child, udp)
}

fn wait(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("tput did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn client(udp: u16, sctp_port: u16, extra: &[&str]) -> Output {
    let child = Command::new(BIN)
        .args(["client", "--json", "-U"])
        .arg(udp.to_string())
        .arg("-p")
        .arg(sctp_port.to_string())
        .args(extra)
        .arg("127.0.0.1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tput client");
    wait(child, Duration::from_secs(120))
}

fn field<'a>(json: &'a str, name: &str) -> &'a str {
    let key = format!("\"{name}\":");
    let at = json
        .find(&key)
        .unwrap_or_else(|| panic!("{name} in {json}"))
        + key.len();
    let rest = &json[at..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end].trim_matches('"')
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

#[test]
fn counts_match_after_graceful_shutdown() {
    let (srv, udp) = server(5311, &[]);
    let cl = client(
        udp,
        5311,
        &["-n", "3000", "-l", "1000", "-u", "--streams", "3"],
    );
    let sv = wait(srv, Duration::from_secs(30));
    let (c, s) = (out(&cl), out(&sv));
    assert_eq!(cl.status.code(), Some(0), "client: {c}");
    assert_eq!(sv.status.code(), Some(0), "server: {s}");
    for (j, role) in [(&c, "client"), (&s, "server")] {
        assert_eq!(field(j, "role"), role);
        assert_eq!(field(j, "messages"), "3000", "{j}");
        assert_eq!(field(j, "bytes"), "3000000", "{j}");
        assert_eq!(field(j, "end"), "shutdown", "{j}");
        let mbps: f64 = field(j, "goodput_mb_s").parse().expect("number");
        assert!(mbps > 0.0, "{j}");
    }
}

#[test]
fn client_abort_reaches_the_server() {
    let (srv, udp) = server(5312, &[]);
    let cl = client(udp, 5312, &["-n", "200", "-l", "500", "--abort"]);
    let sv = wait(srv, Duration::from_secs(30));
    assert_eq!(field(&out(&cl), "end"), "abort (local)");
    let s = out(&sv);
    assert!(field(&s, "end").starts_with("abort (PeerAborted"), "{s}");
}

#[test]
fn server_abort_reaches_the_client() {
    let (srv, udp) = server(5313, &["--abort-after", "100"]);
    let cl = client(udp, 5313, &["-T", "20", "-l", "500"]);
    let sv = wait(srv, Duration::from_secs(30));
    let (c, s) = (out(&cl), out(&sv));
    assert_eq!(cl.status.code(), Some(1), "{c}");
    assert!(field(&c, "end").contains("PeerAborted"), "{c}");
    assert!(field(&s, "end").starts_with("abort (LocalAbort"), "{s}");
    let got: u64 = field(&s, "messages").parse().expect("number");
    assert!(got >= 100, "{s}");
}
