//! `sctpt`, the test program of Xcluster's SCTP overlay, on usctp: the same subcommands,
//! options, defaults, output lines, streams, log levels and exit codes as the C tool
//! (see the project's sctpt spec). Additions appear only at `--log 7` or under options the
//! C tool does not have (`--help-usctp` lists them).

mod cli;
mod client;
mod connect;
mod ctraffic;
mod daytime;
mod extra;
mod interactive;
mod log;
mod mux;
mod net;
mod pace;
mod paths;
mod sched;
mod server;
mod shm;
mod stats;
mod tap;
mod ulp;

/// The registered subcommands, in the C tool's registration order.
fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => log::die(&format!("tokio runtime {e}\n")),
    };
    let code = rt.block_on(run(argv));
    std::process::exit(code);
}

const COMMANDS: &[&str] = &["client", "ctraffic", "stats", "server"];

/// Dispatch like nfqlb's `cmd.c`; returns the exit status.
async fn run(argv: Vec<String>) -> i32 {
    let argv0 = argv.first().map_or("sctpt", String::as_str);
    let Some(cmd) = argv.get(1) else {
        usage(argv0);
        return 0;
    };
    let rest = argv.get(2..).unwrap_or(&[]);
    match cmd.as_str() {
        "-h" | "--help" => {
            usage(argv0);
            0
        }
        "server" => server::run(rest).await,
        "client" => client::run(rest).await,
        "ctraffic" => ctraffic::run(rest).await,
        "stats" => stats::run(rest),
        other => {
            log::die(&format!("Unknown command [{other}]\n"));
        }
    }
}

fn usage(argv0: &str) {
    let mut s = format!("Usage: {argv0} <command> [opt...]\nCommands:\n");
    for c in COMMANDS {
        s.push_str(&format!("  {c}\n"));
    }
    log::out(&s);
}
