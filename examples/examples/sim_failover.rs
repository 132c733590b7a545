//! Two multihomed endpoints on the simulator, one link per path: constant-rate messages from
//! client to server, each echoed back, while paths are cut (both directions) and restored.
//! Prints path events as they happen and one final line; exits non-zero if any message was
//! lost or duplicated.
//!
//! ```text
//! cargo run --release -p usctp-examples --example sim_failover -- \
//!     --seed 1 --rtt-ms 20 --paths 2 --rate 100 --duration-ms 40000 --cut 0@5000..20000
//! ```

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use usctp::AssociationConfig;
use usctp_testkit::{run_failover_with, Cut, FailoverSpec};

/// Multihoming failover over the deterministic simulator.
#[derive(Debug, Parser)]
struct Args {
    /// Seed for the simulator and both endpoints.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Round-trip time of every path, milliseconds.
    #[arg(long, default_value_t = 20)]
    rtt_ms: u64,
    /// Addresses per endpoint (one link per path).
    #[arg(long, default_value_t = 2)]
    paths: usize,
    /// Paths that use IPv6 (repeatable); the others use IPv4.
    #[arg(long = "ipv6-path")]
    ipv6_paths: Vec<usize>,
    /// Messages per second, client to server.
    #[arg(long, default_value_t = 100)]
    rate: u32,
    /// Bytes per message.
    #[arg(long, default_value_t = 100)]
    size: usize,
    /// How long the client sends, milliseconds.
    #[arg(long, default_value_t = 40_000)]
    duration_ms: u64,
    /// Cut a path: PATH@MS (for good) or PATH@MS..MS (restored). Repeatable.
    #[arg(long = "cut")]
    cuts: Vec<Cut>,
    /// RTO.Min, milliseconds.
    #[arg(long, default_value_t = ms_of(defaults().rto_min))]
    rto_min_ms: u64,
    /// RTO.Initial, milliseconds.
    #[arg(long, default_value_t = ms_of(defaults().rto_initial))]
    rto_initial_ms: u64,
    /// RTO.Max, milliseconds.
    #[arg(long, default_value_t = ms_of(defaults().rto_max))]
    rto_max_ms: u64,
    /// PotentiallyFailed.Max.Retrans (RFC 7829).
    #[arg(long, default_value_t = defaults().pf_max_retrans.unwrap_or(0))]
    pf_max_retrans: u32,
    /// Turn SCTP-PF off.
    #[arg(long)]
    no_pf: bool,
    /// Keep new data on the path that took over when the primary comes back.
    #[arg(long)]
    no_switch_back: bool,
}

/// The library's protocol defaults (RFC 9260 §16), which the options start from.
fn defaults() -> AssociationConfig {
    AssociationConfig::default()
}

fn ms_of(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn main() -> ExitCode {
    let a = Args::parse();
    let ms = Duration::from_millis;
    let mut spec = FailoverSpec {
        seed: a.seed,
        rtt: ms(a.rtt_ms),
        paths: a.paths,
        ipv6_paths: a.ipv6_paths,
        rate: a.rate,
        size: a.size,
        duration: ms(a.duration_ms),
        cuts: a.cuts,
        ..FailoverSpec::default()
    };
    let c = &mut spec.assoc;
    c.rto_min = ms(a.rto_min_ms);
    c.rto_initial = ms(a.rto_initial_ms);
    c.rto_max = ms(a.rto_max_ms);
    c.pf_max_retrans = Some(a.pf_max_retrans);
    if a.no_pf {
        c.pf_max_retrans = None;
    }
    c.primary_switch_back = !a.no_switch_back;
    let r = run_failover_with(&spec, &mut |e| println!("{e}"));
    if r.duplicates > 0 {
        println!("duplicates={}", r.duplicates);
    }
    println!("{r}");
    if let Some(e) = &r.error {
        eprintln!("sim_failover: {e}");
        return ExitCode::FAILURE;
    }
    if r.lost == 0 && r.duplicates == 0 && r.delivered == r.sent {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
