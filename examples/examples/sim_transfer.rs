//! Two endpoints on the simulator, one association over a lossy link: N messages, then a
//! graceful shutdown. Prints one line and exits non-zero unless every message arrived exactly
//! once, intact and in order, and the association closed gracefully. With `--pr ttl:MS` or
//! `--pr rtx:N` every message is sent partially reliable (PR-SCTP): then each one must be
//! delivered or reported abandoned to the sender, never both (`delivered + abandoned = sent`). A request the stack
//! refuses (more streams than the receiver accepts, a message over `--max-message-size`)
//! stops the run at once with the stack's reason on stderr. Messages larger than the
//! receive window reach the receiver in pieces (partial delivery) and are joined there.
//!
//! `--scheduler` picks the sender's stream scheduler (RFC 8260 §3) and `--stream-priority`
//! its per-stream values; with `--idata` it picks between fragments.
//! `--idata` offers I-DATA (RFC 8260) on both ends; `--plpmtud on|MAX` runs PLPMTUD
//! (RFC 8899) on both; `--black-hole 0:AT_MS:MTU[:UNTIL_MS]` drops the link MTU without ICMP.
//!
//! ```text
//! cargo run --release -p usctp-examples --example sim_transfer -- \
//!     --seed 7 --loss 0.2 --reorder 0.05 --duplicate 0.05 --messages 1000 --size 1200
//! cargo run --release -p usctp-examples --example sim_transfer -- \
//!     --plpmtud 1500 --black-hole 0:2000:1300 --messages 3000 --size 1000
//! ```

use std::process::ExitCode;

use clap::Parser;
use usctp::{AssociationConfig, Extensions, PlpmtudConfig, StreamScheduler};
use usctp_testkit::{run_transfer, BlackHole, PrPolicy, TransferSpec};

/// Bulk transfer over the deterministic simulator.
#[derive(Debug, Parser)]
struct Args {
    /// Seed for the simulator and both endpoints.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Random loss probability per packet and direction (0..1).
    #[arg(long, default_value_t = 0.0)]
    loss: f64,
    /// Loss probability of the way back (SACKs) instead of --loss.
    #[arg(long)]
    reverse_loss: Option<f64>,
    /// Probability that a packet is delayed past later ones.
    #[arg(long, default_value_t = 0.0)]
    reorder: f64,
    /// Probability that a packet is duplicated.
    #[arg(long, default_value_t = 0.0)]
    duplicate: f64,
    /// Messages to send.
    #[arg(long, default_value_t = 1000)]
    messages: usize,
    /// Bytes per message.
    #[arg(long, default_value_t = 1200)]
    size: usize,
    /// Send unordered messages.
    #[arg(long)]
    unordered: bool,
    /// Streams to spread the messages over.
    #[arg(long, default_value_t = 1)]
    streams: u16,
    /// One-way link latency in milliseconds.
    #[arg(long, default_value_t = 10)]
    latency_ms: u64,
    /// Largest message the sender accepts (its send queue is made at least this large);
    /// default: the larger of --size and the library's default.
    #[arg(long)]
    max_message_size: Option<usize>,
    /// Print every datagram to stderr.
    #[arg(long)]
    trace: bool,
    /// Write every packet sent to this pcap file (tshark/Wireshark read it).
    #[arg(long)]
    pcap: Option<std::path::PathBuf>,
    /// PR-SCTP policy of every message: `ttl:MS` (lifetime) or `rtx:N` (retransmissions).
    #[arg(long)]
    pr: Option<PrPolicy>,
    /// Stream scheduler of the sender (RFC 8260 §3): fcfs, rr, rr-packet, priority, fb, wfq.
    #[arg(long, default_value_t = StreamScheduler::default())]
    scheduler: StreamScheduler,
    /// Per-stream priority (lower first) or WFQ weight of the sender: `S:V[,S:V...]`.
    #[arg(long)]
    stream_priority: Option<Priorities>,
    /// Offer I-DATA on both ends (RFC 8260): the scheduler then picks per fragment.
    #[arg(long, alias = "i-data")]
    idata: bool,
    /// PLPMTUD (RFC 8899) on both ends: `on` (default ceiling) or the largest MTU to probe.
    #[arg(long, value_name = "on|MAX", value_parser = plpmtud)]
    plpmtud: Option<PlpmtudConfig>,
    /// From AT_MS the path carries only MTU bytes, silently (no ICMP), until UNTIL_MS:
    /// `PATH:AT_MS:MTU[:UNTIL_MS]`; the transfer has one path, 0. Repeatable.
    #[arg(long = "black-hole", value_parser = black_hole)]
    black_holes: Vec<BlackHole>,
}

/// `S:V[,S:V...]`: (stream, value) pairs.
#[derive(Debug, Clone)]
struct Priorities(Vec<(u16, u16)>);

impl std::str::FromStr for Priorities {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let n = |x: &str| x.trim().parse::<u16>().map_err(|e| format!("{x:?}: {e}"));
        s.split(',')
            .map(|item| {
                let (st, v) = item.split_once(':').ok_or("expected S:V")?;
                Ok((n(st)?, n(v)?))
            })
            .collect::<Result<_, String>>()
            .map(Self)
    }
}

fn plpmtud(v: &str) -> Result<PlpmtudConfig, String> {
    let mut c = PlpmtudConfig::default();
    if v != "on" {
        c.max_mtu = v
            .parse()
            .ok()
            .filter(|n| (1200..=65535).contains(n))
            .ok_or_else(|| format!("expected on or an MTU of 1200-65535, got {v:?}"))?;
    }
    Ok(c)
}

fn black_hole(v: &str) -> Result<BlackHole, String> {
    match v.split_once(':') {
        Some(("0", rest)) => rest.parse(),
        _ => Err(format!(
            "expected 0:AT_MS:MTU[:UNTIL_MS] (one path, 0), got {v:?}"
        )),
    }
}

fn main() -> ExitCode {
    let a = Args::parse();
    let mut assoc = AssociationConfig::default();
    let max = a
        .max_message_size
        .unwrap_or(a.size.max(assoc.max_message_size));
    assoc.max_message_size = max;
    assoc.send_queue_limit = assoc.send_queue_limit.max(max);
    assoc.scheduler = a.scheduler;
    if a.idata {
        assoc.extensions = assoc.extensions.with(Extensions::I_DATA);
    }
    assoc.plpmtud = a.plpmtud;
    let spec = TransferSpec {
        assoc,
        seed: a.seed,
        loss: a.loss,
        reverse_loss: a.reverse_loss,
        reorder: a.reorder,
        duplicate: a.duplicate,
        messages: a.messages,
        size: a.size,
        unordered: a.unordered,
        streams: a.streams,
        latency: std::time::Duration::from_millis(a.latency_ms),
        trace: a.trace,
        pcap: a.pcap,
        pr: a.pr,
        stream_priorities: a.stream_priority.map(|p| p.0).unwrap_or_default(),
        black_holes: a.black_holes,
        ..TransferSpec::default()
    };
    let r = run_transfer(&spec);
    println!("{r}");
    if let Some(e) = &r.error {
        eprintln!("sim_transfer: {e}");
        return ExitCode::FAILURE;
    }
    if r.is_perfect() && r.sent == a.messages {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
