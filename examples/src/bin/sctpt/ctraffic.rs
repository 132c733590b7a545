//! `sctpt ctraffic`: paced clients (one task and one association each) send 1024-byte
//! messages stamped with CLOCK_MONOTONIC, measure the RTT of the echoes into the shm stats,
//! and print the stats as JSON at the end (exit 0 even when connects failed).

use std::sync::Arc;
use std::time::Duration;

use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::watch;

use super::cli::{self, Opt};
use super::connect::{self, Connected, Target};
use super::extra::{self, Added};
use super::log::{self, atoi, die, out, DEBUG, INFO};
use super::net::{self, Net};
use super::pace;
use super::stats::Stats;

const HELP: &str = "ctraffic [options]\n  Generate continuous traffic";

const OPTS: &[Opt] = &[
    cli::LOG,
    cli::SHM,
    cli::CLIENT_ADDRS[0],
    cli::CLIENT_ADDRS[1],
    cli::PORT,
    Opt {
        name: "clients",
        help: "Number of clients (default 1)",
    },
    // The C tool's help says 1.0; its default is 100.0 (kept, as scripts rely on it).
    Opt {
        name: "rate",
        help: "Rate in pkt/S (default 1.0)",
    },
    Opt {
        name: "duration",
        help: "Duration in seconds (default 10)",
    },
];

const ADDED: Added = Added {
    groups: &[extra::TRANSPORT, extra::TUNABLES],
    note: extra::CTRAFFIC_NOTE,
};

/// What every client shares.
#[derive(Debug)]
pub struct Ctx {
    /// The options (for the tunables).
    pub p: cli::Parsed,
    /// The transport.
    pub net: Net,
    /// Where to connect.
    pub target: Target,
    /// The shm statistics.
    pub stats: Stats,
    /// Messages per second for each client.
    pub rate: f64,
}

/// `atof`: the longest leading prefix that is a number; 0 when there is none.
fn atof(s: &str) -> f64 {
    let t = s.trim_start();
    (1..=t.len())
        .rev()
        .filter(|&n| t.is_char_boundary(n))
        .find_map(|n| t[..n].parse::<f64>().ok().filter(|v| v.is_finite()))
        .unwrap_or(0.0)
}

/// Run `sctpt ctraffic`.
pub async fn run(args: &[String]) -> i32 {
    let p = cli::parse("ctraffic", HELP, OPTS, Some(&ADDED), args);
    let target = connect::target(&p);
    let stats = Stats::map_or_die(p.or("shm", "sctpstats"), true);
    stats.clear_counters();
    let nclients = atoi(p.or("clients", "1"));
    if nclients < 1 {
        die("No clients");
    }
    let nclients = usize::try_from(nclients).unwrap_or(usize::MAX);
    // The C tool computes the per-client rate in float.
    let rate = f64::from(atof(p.or("rate", "100.0")) as f32 / nclients as f32);
    let duration = Duration::from_secs(atoi(p.or("duration", "10")).max(0) as u64);
    let net = Net::open(&p);
    let ctx = Arc::new(Ctx {
        p,
        net,
        target,
        stats,
        rate,
    });

    let (stop_tx, stop) = watch::channel(false);
    let mut tasks = Vec::with_capacity(nclients);
    for i in 0..nclients {
        let h = tokio::spawn(client_task(i, Arc::clone(&ctx), stop.clone()));
        log::log(DEBUG, &format!("Client {i} started as tid={}\n", h.id()));
        tasks.push(h);
    }
    if wait(duration).await {
        log::log(INFO, "Signal was received\n");
    }
    for (i, h) in tasks.iter().enumerate() {
        log::log(DEBUG, &format!("Stop client {i} (tid={})\n", h.id()));
    }
    let _ = stop_tx.send(true);
    log::log(DEBUG, "Waiting for client threads\n");
    let mut conns = Vec::new();
    for h in tasks {
        if let Ok(Some(c)) = h.await {
            conns.push(c);
        }
    }
    log::log(DEBUG, "All client threads terminated\n");
    out(&ctx.stats.json());
    // The kernel would finish the graceful shutdowns after the C tool exits; give them a
    // moment here, since this process takes its stack with it.
    let closing: Vec<_> = conns
        .into_iter()
        .map(|c| {
            tokio::spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(1), c.assoc.shutdown()).await;
            })
        })
        .collect();
    for h in closing {
        let _ = h.await;
    }
    0
}

/// Sleep `duration`; true when SIGINT or SIGTERM cut it short.
async fn wait(duration: Duration) -> bool {
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        tokio::time::sleep(duration).await;
        return false;
    };
    tokio::select! {
        () = tokio::time::sleep(duration) => false,
        _ = int.recv() => true,
        _ = term.recv() => true,
    }
}

/// One client: connect (no time limit but the stop), then paced traffic until stopped.
async fn client_task(
    i: usize,
    ctx: Arc<Ctx>,
    mut stop: watch::Receiver<bool>,
) -> Option<Connected> {
    let connect = connect::connect(&ctx.p, &ctx.net, &ctx.target, None);
    let c = tokio::select! {
        r = connect => match r {
            Ok(c) => c,
            Err(e) => {
                log::log(log::WARNING, &format!("sctp_connectx {e}\n"));
                return None;
            }
        },
        _ = stop.changed() => {
            log::log(log::WARNING, "sctp_connectx Interrupted system call\n");
            return None;
        }
    };
    c.log(
        DEBUG,
        &format!("Client {i}: Connected\n"),
        &ctx.target.laddrs,
    )
    .await;
    net::print_events(format!("client {i}"), &c.assoc);
    pace::run(i, &c.assoc, &ctx, stop).await;
    log::log(DEBUG, &format!("Client {i}: terminating...\n"));
    Some(c)
}
