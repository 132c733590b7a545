//! Runs `lab/lab` scenario runners for the lab's Rust tests (lab_scenarios.rs, lab_nat.rs):
//! each runner builds what it needs, prints one result line and exits 0 only on pass.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const SCTPT: &str = env!("CARGO_BIN_EXE_sctpt");
const LAB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../lab/lab");

/// A runner that hangs is stopped with SIGTERM (its trap removes the lab) after this long.
pub const LIMIT: Duration = Duration::from_secs(240);

/// Held while a runner runs: the tests of one binary run on parallel threads, and two
/// runners must not build the same namespaces at once.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// True when the caller may run the lab; prints why not otherwise.
pub fn can_run(what: &str) -> bool {
    if nix::unistd::Uid::effective().is_root() {
        return true;
    }
    println!("SKIP: {what}: needs root (network namespaces, nftables, raw IP sockets)");
    false
}

pub struct Outcome {
    /// `None`: stopped after [`LIMIT`].
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub runtime: Duration,
}

/// Run `lab/lab ARGS...` with this build's sctpt and the address `family` (`LAB_FAMILY`),
/// stopping it (SIGTERM) after [`LIMIT`].
pub fn run_lab(family: &str, args: &[&str]) -> Outcome {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let start = Instant::now();
    let mut child = Command::new("bash")
        .arg(LAB)
        .args(args)
        .env("SCTPT", SCTPT)
        .env("LAB_FAMILY", family)
        .env_remove("SCTP_UDP_PORT")
        .env_remove("SCTP_ENCAP_PORT")
        .env_remove("LAB_KEEP")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn lab/lab");
    // Drain the pipes while waiting, so a chatty runner cannot block on a full pipe.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut stopped = false;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break (!stopped).then_some(s);
        }
        if !stopped && start.elapsed() > LIMIT {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            stopped = true;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Outcome {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
        runtime: start.elapsed(),
    }
}

/// Run each (`LAB_FAMILY`, arguments) in turn, print its result line and runtime, and
/// return the arguments of those that failed (their output goes to stderr). A run that fails
/// is run once more, and said so (RETRY): its verdicts read captures that a loaded host can
/// drop packets from (seen once: an ASCONF missing from a capture whose path it had added).
pub fn run_all(runs: &[(&str, &[&str])]) -> Vec<String> {
    let mut failed = Vec::new();
    for &(family, args) in runs {
        let name = args.join(" ");
        let mut o = run_lab(family, args);
        if !o.status.is_some_and(|s| s.success()) {
            let line = o.stdout.lines().last().unwrap_or("(no result line)");
            println!("RETRY {name}: {line}");
            o = run_lab(family, args);
        }
        // The result line is the last; a runner may print an explanation before it.
        for line in o.stdout.lines().filter(|l| l.contains("explanation:")) {
            println!("{line}");
        }
        let line = o.stdout.lines().last().unwrap_or("(no result line)");
        println!("{name:<20} {:>6.1} s  {line}", o.runtime.as_secs_f64());
        match o.status {
            Some(s) if s.success() => {}
            Some(s) => {
                eprintln!("lab {name}: {s}\n{}{}", o.stdout, o.stderr);
                failed.push(name);
            }
            None => {
                eprintln!(
                    "lab {name}: stopped after {LIMIT:?}\n{}{}",
                    o.stdout, o.stderr
                );
                failed.push(name);
            }
        }
    }
    failed
}
