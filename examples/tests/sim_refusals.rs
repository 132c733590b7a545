//! `sim_transfer` and `sim_failover` as processes: a transfer over more streams than the
//! library's default asks for them and completes; a request the stack cannot meet exits
//! non-zero with a clear message within a second of wall time, instead of being retried as
//! back-pressure for a virtual week.
//!
//! `cargo test` builds the examples next to the test binaries (`target/<profile>/examples`).

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use usctp::AssociationConfig;

/// The built example `name`.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let path = dir.join("examples").join(name);
    assert!(
        path.exists(),
        "{} not built: run `cargo test -p usctp-examples` (or `cargo build -p usctp-examples \
         --example {name}`) first",
        path.display()
    );
    path
}

/// Run example `name` with `args`; its output and wall time.
fn run(name: &str, args: &[&str]) -> (Output, Duration) {
    let start = Instant::now();
    let out = Command::new(example(name))
        .args(args)
        .output()
        .expect("run example");
    (out, start.elapsed())
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn transfer_over_17_streams_is_delivered_and_closes_gracefully() {
    assert!(AssociationConfig::default().outbound_streams < 17);
    let (out, _) = run(
        "sim_transfer",
        &[
            "--seed",
            "1",
            "--loss",
            "0.1",
            "--messages",
            "1000",
            "--size",
            "100",
            "--streams",
            "17",
        ],
    );
    assert_perfect(&out, 1000);
}

/// `sim_transfer` succeeded: all `n` messages delivered once, intact, in order, and a
/// graceful close.
fn assert_perfect(out: &Output, n: usize) {
    let line = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{line}{}", text(&out.stderr));
    let perfect =
        format!("sent={n} delivered={n} abandoned=0 duplicates=0 misordered=0 corrupted=0 ");
    assert!(line.starts_with(&perfect), "{line}");
    assert!(line.contains(" closed=graceful "), "{line}");
}

/// Messages of 8 MiB, far beyond the 1 MiB receive window: the tool lets the sender take
/// them, and the receiver takes each in pieces (partial delivery, RFC 6458 §3.1.4).
#[test]
fn transfer_of_messages_larger_than_the_window_is_delivered_and_closes_gracefully() {
    let size = 8 << 20;
    assert!(size > AssociationConfig::default().receive_window);
    let size = size.to_string();
    let args = ["--messages", "3", "--size", &size, "--loss", "0.05"];
    let (out, _) = run("sim_transfer", &args);
    assert_perfect(&out, 3);
}

#[test]
fn impossible_requests_fail_fast_with_the_reason() {
    let d = AssociationConfig::default();
    let too_many = (d.max_inbound_streams + 1).to_string();
    let too_big = (d.max_message_size + 1).to_string();
    let max = d.max_message_size.to_string();
    let largest = d.max_message_size.min(d.send_queue_limit);
    let cases: Vec<(&str, Vec<&str>, i32, String)> = vec![
        // Past the protocol: the stream count is a 16-bit field (RFC 9260 §3.3.2).
        (
            "sim_transfer",
            vec!["--streams", "65536"],
            2,
            "error: invalid value '65536' for '--streams <STREAMS>': 65536 is not in 0..=65535"
                .into(),
        ),
        (
            "sim_transfer",
            vec!["--streams", "0"],
            1,
            "sim_transfer: 0 streams requested: an association has at least one stream each \
             way (RFC 9260 §3.3.2)\n"
                .into(),
        ),
        // Past what the receiver's config accepts.
        (
            "sim_transfer",
            vec!["--streams", &too_many],
            1,
            format!(
                "sim_transfer: {too_many} streams requested, but the receiver accepts at most \
                 {} (AssociationConfig::max_inbound_streams)\n",
                d.max_inbound_streams
            ),
        ),
        // A message the sender's config refuses.
        (
            "sim_transfer",
            vec![
                "--messages",
                "3",
                "--size",
                &too_big,
                "--max-message-size",
                &max,
            ],
            1,
            format!(
                "sim_transfer: send of message 0: message of {too_big} bytes exceeds the \
                 maximum of {largest}\n"
            ),
        ),
        (
            "sim_failover",
            vec!["--size", &too_big],
            1,
            format!(
                "sim_failover: send of message 0: message of {too_big} bytes exceeds the \
                 maximum of {largest}\n"
            ),
        ),
    ];
    for (name, args, status, message) in cases {
        let (out, took) = run(name, &args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(status), "{name} {args:?}: {err}");
        assert!(err.starts_with(&message), "{name} {args:?}: {err}");
        assert!(took < Duration::from_secs(1), "{name} {args:?}: {took:?}");
    }
}
