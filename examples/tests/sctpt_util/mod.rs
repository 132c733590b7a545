//! Helpers shared by the sctpt tests: run the binary, a server child process.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The sctpt binary.
pub const BIN: &str = env!("CARGO_BIN_EXE_sctpt");

/// Run to completion with stdin `input`, killed after `limit`.
pub fn run(args: &[&str], input: &[u8], limit: Duration) -> Output {
    run_in(&[], args, input, limit)
}

/// `command` to run sctpt with: `BIN`, or `prefix` (e.g. `ip netns exec NS`) then `BIN`.
fn command(prefix: &[&str]) -> Command {
    match prefix.split_first() {
        None => Command::new(BIN),
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(BIN);
            c
        }
    }
}

/// [`run`] under `prefix`.
pub fn run_in(prefix: &[&str], args: &[&str], input: &[u8], limit: Duration) -> Output {
    let mut child = command(prefix)
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

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A running `sctpt server`, killed on drop.
pub struct Server {
    child: Child,
    stderr: mpsc::Receiver<String>,
}

impl Server {
    pub fn start(args: &[&str]) -> Self {
        Self::start_in(&[], args)
    }

    /// [`Server::start`] under `prefix`.
    pub fn start_in(prefix: &[&str], args: &[&str]) -> Self {
        let mut child = command(prefix)
            .arg("server")
            .args(args)
            .env_remove("SCTP_UDP_PORT")
            .env_remove("SCTP_ENCAP_PORT")
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
    pub fn lines(&self, n: usize, limit: Duration) -> Vec<String> {
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
    pub fn stop(mut self) -> String {
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
pub fn mask_port(line: &str) -> String {
    match line.rsplit_once(',') {
        Some((a, _)) if line.starts_with("  ") => format!("{a},*"),
        _ => line.to_string(),
    }
}

/// A unique shm name for this test process, removed from /dev/shm on drop.
pub struct ShmName(pub String);

impl ShmName {
    /// `usctp-test-<pid>-<n>`.
    pub fn new(n: u32) -> Self {
        let name = format!("usctp-test-{}-{n}", std::process::id());
        let _ = std::fs::remove_file(format!("/dev/shm/{name}"));
        Self(name)
    }

    /// [`ShmName::new`], created with `sctpt stats init`.
    pub fn init(n: u32) -> Self {
        let shm = Self::new(n);
        let out = run(&["stats", &shm.opt(), "init"], b"", Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        shm
    }

    /// `--shm=<name>`.
    pub fn opt(&self) -> String {
        format!("--shm={}", self.0)
    }

    /// The object's file.
    pub fn path(&self) -> String {
        format!("/dev/shm/{}", self.0)
    }
}

impl Drop for ShmName {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.path());
    }
}

/// The numbers of `sctpt stats json` output, checking its exact shape on the way:
/// `[sent, received, maxRtt, nBuckets, interval]` and the buckets.
pub fn parse_json(s: &str) -> ([u64; 5], Vec<u64>) {
    let mut lines = s.lines();
    assert_eq!(lines.next(), Some("{"), "{s}");
    let mut head = [0u64; 5];
    for (i, key) in ["sent", "received", "maxRtt", "nBuckets", "interval"]
        .iter()
        .enumerate()
    {
        let l = lines.next().unwrap_or_default();
        let v = l
            .strip_prefix(&format!("  \"{key}\": "))
            .and_then(|v| v.strip_suffix(','))
            .unwrap_or_else(|| panic!("bad line {l:?} in {s}"));
        head[i] = v.parse().expect("number");
    }
    assert_eq!(lines.next(), Some("  \"buckets\": ["), "{s}");
    let mut buckets = Vec::new();
    for i in 0..head[3] {
        let l = lines.next().unwrap_or_default();
        let v = l.strip_prefix("    ").expect("indent");
        let v = if i + 1 < head[3] {
            v.strip_suffix(',').expect("comma")
        } else {
            v
        };
        buckets.push(v.parse().expect("bucket"));
    }
    assert_eq!(lines.next(), Some("  ]"), "{s}");
    assert_eq!(lines.next(), Some("}"), "{s}");
    assert_eq!(lines.next(), None, "{s}");
    assert!(s.ends_with("}\n"));
    (head, buckets)
}
