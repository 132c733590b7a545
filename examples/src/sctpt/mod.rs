//! `sctpt`, the test program of Xcluster's SCTP overlay, on usctp: the same subcommands,
//! options, defaults, output lines, streams, log levels and exit codes as the C tool
//! (see the project's sctpt spec). Additions appear only at `--log 7` or under options the
//! C tool does not have (`--help-usctp` lists them).

pub mod cli;
pub mod client;
pub mod connect;
pub mod ctraffic;
pub mod daytime;
pub mod extra;
pub mod interactive;
pub mod log;
pub mod mux;
pub mod net;
pub mod pace;
pub mod server;
pub mod shm;
pub mod stats;
pub mod tap;
pub mod ulp;

/// The registered subcommands, in the C tool's registration order.
const COMMANDS: &[&str] = &["client", "ctraffic", "stats", "server"];

/// Dispatch like nfqlb's `cmd.c`; returns the exit status.
pub async fn main(argv: Vec<String>) -> i32 {
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
