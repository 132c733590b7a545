//! Helpers shared by the sctpt tests: run the binary, a server child process, a client
//! child process idle on stdin.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

/// The sctpt binary.
pub const BIN: &str = env!("CARGO_BIN_EXE_sctpt");

/// Run to completion with stdin `input`, killed after `limit`.
pub fn run(args: &[&str], input: &[u8], limit: Duration) -> Output {
    run_in(&[], args, input, limit)
}

/// Start `sctpt <args>`, or `prefix` (e.g. `ip netns exec NS`) then that, with the
/// transport left to the options (not the environment), stdout and stderr piped.
fn spawn(prefix: &[&str], args: &[&str], stdin: Stdio) -> Child {
    let mut c = match prefix.split_first() {
        None => Command::new(BIN),
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(BIN);
            c
        }
    };
    c.args(args)
        .env_remove("SCTP_UDP_PORT")
        .env_remove("SCTP_ENCAP_PORT")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sctpt")
}

/// [`run`] under `prefix`.
pub fn run_in(prefix: &[&str], args: &[&str], input: &[u8], limit: Duration) -> Output {
    let mut child = spawn(prefix, args, Stdio::piped());
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).expect("stdin");
    }
    wait_exit(&mut child, limit, &format!("sctpt {args:?}"));
    child.wait_with_output().expect("output")
}

/// Wait for `child` to exit, polling every 5 ms; kill it and panic (naming it `what`)
/// after `limit`. The wall-clock time the exit was seen (at most 5 ms late).
fn wait_exit(child: &mut Child, limit: Duration, what: &str) -> SystemTime {
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    SystemTime::now()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Lines of `from` (each with its newline, if it had one) as they come.
fn line_reader(from: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(from);
        loop {
            let mut line = String::new();
            match r.read_line(&mut line) {
                Ok(n) if n > 0 => {
                    if tx.send(line).is_err() {
                        return;
                    }
                }
                _ => return,
            }
        }
    });
    rx
}

/// Up to `n` lines from `rx` (newlines dropped), waiting at most `limit` in all.
fn take_lines(rx: &mpsc::Receiver<String>, n: usize, limit: Duration) -> Vec<String> {
    let end = Instant::now() + limit;
    let mut v = Vec::new();
    while v.len() < n {
        let left = end.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => v.push(l.trim_end_matches('\n').to_string()),
            Err(_) => break,
        }
    }
    v
}

/// A running `sctpt server`, killed on drop.
pub struct Server {
    child: Child,
    stderr: mpsc::Receiver<String>,
    stdout: mpsc::Receiver<String>,
}

impl Server {
    pub fn start(args: &[&str]) -> Self {
        Self::start_in(&[], args)
    }

    /// [`Server::start`] under `prefix`.
    pub fn start_in(prefix: &[&str], args: &[&str]) -> Self {
        let mut child = spawn(prefix, &[&["server"], args].concat(), Stdio::null());
        let stderr = line_reader(child.stderr.take().expect("stderr"));
        let stdout = line_reader(child.stdout.take().expect("stdout"));
        Self {
            child,
            stderr,
            stdout,
        }
    }

    /// Stderr lines until `n` lines arrived (bounded).
    pub fn lines(&self, n: usize, limit: Duration) -> Vec<String> {
        take_lines(&self.stderr, n, limit)
    }

    /// Stdout lines until `n` lines arrived (bounded).
    pub fn out_lines(&self, n: usize, limit: Duration) -> Vec<String> {
        take_lines(&self.stdout, n, limit)
    }

    /// Kill it and return the stdout not yet taken by [`Server::out_lines`].
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The reader ends at EOF, which the kill brings.
        self.stdout.iter().collect()
    }
}

/// A running `sctpt client` whose stdin stays open (idle) until dropped; killed on drop.
pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Client {
    /// `sctpt client <args>` over UDP, stdin open and silent.
    pub fn start(args: &[&str]) -> Self {
        let mut child = spawn(&[], &[&["client"], args].concat(), Stdio::piped());
        let stdin = child.stdin.take();
        Self { child, stdin }
    }

    /// Wait for it to exit (killed and a panic after `limit`): its output and the wall-clock
    /// time its exit was seen (at most 5 ms late).
    pub fn wait(mut self, limit: Duration) -> (Output, SystemTime) {
        let exited = wait_exit(&mut self.child, limit, "sctpt client");
        drop(self.stdin.take());
        let mut out = Output {
            status: self.child.wait().expect("status"),
            stdout: Vec::new(),
            stderr: Vec::new(),
        };
        if let Some(mut o) = self.child.stdout.take() {
            let _ = o.read_to_end(&mut out.stdout);
        }
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_end(&mut out.stderr);
        }
        (out, exited)
    }

    /// Kill it (stdin still open) and return its output.
    pub fn kill(mut self) -> Output {
        let _ = self.child.kill();
        self.wait(Duration::from_secs(10)).0
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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

/// One SCTP packet of a `--pcap` capture of UDP-encapsulated traffic.
pub struct Captured {
    /// When it was captured, since the Unix epoch.
    pub ts: Duration,
    /// Its UDP source port (which side sent it).
    pub from: u16,
    /// Its verification tag.
    pub vtag: u32,
    /// Its chunks.
    pub chunks: Vec<usctp_wire::chunk::Chunk>,
}

impl Captured {
    /// Whether it holds a chunk of type `t` (RFC 9260 §3.2).
    pub fn has(&self, t: u8) -> bool {
        self.chunks.iter().any(|c| c.chunk_type() == t)
    }
}

/// Chunk types (RFC 9260 §3.2).
pub const DATA: u8 = 0;
/// INIT.
pub const INIT: u8 = 1;
/// ABORT.
pub const ABORT: u8 = 6;
/// SHUTDOWN COMPLETE.
pub const SHUTDOWN_COMPLETE: u8 = 14;

/// Every packet of the capture at `path`, SCTP over UDP between `ports`; each must parse.
pub fn capture(path: impl AsRef<std::path::Path>, ports: (u16, u16)) -> Vec<Captured> {
    use usctp_pcap::{ExtractOptions, PcapReader};
    use usctp_wire::{Packet, ParseOptions};
    let data = std::fs::read(path).expect("pcap written");
    let reader = PcapReader::new(data.into()).expect("pcap header");
    let opts = ExtractOptions {
        udp_ports: vec![ports.0, ports.1],
    };
    reader
        .sctp_packets_with(opts)
        .map(|f| {
            let f = f.expect("frame decodes");
            let udp = f.udp.expect("UDP-encapsulated");
            let p = Packet::parse(&f.sctp, ParseOptions::default()).expect("SCTP parses");
            Captured {
                ts: f.ts,
                from: udp.src,
                vtag: p.header.vtag.0,
                chunks: p.chunks,
            }
        })
        .collect()
}

/// A temporary directory for this test process, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// `<tmp>/usctp-<tag>-<pid>`.
    pub fn new(tag: &str) -> Self {
        let d = std::env::temp_dir().join(format!("usctp-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        Self(d)
    }

    /// `name` inside it, as a string for an option.
    pub fn file(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
