//! `tput`, a throughput tool on the public usctp API: `server` counts what arrives per
//! association, `client` sends messages for a count or a time. Talks to usrsctp's `tsctp`
//! (same default ports). Reports goodput and the CPU it cost (`getrusage`).

mod cli;
mod client;
mod report;
mod server;

use clap::Parser;

/// Print `msg` as the error it is; returns the exit status for it.
pub fn fail(msg: &str) -> i32 {
    eprintln!("tput: {msg}");
    1
}

/// Completes on SIGINT or SIGTERM.
pub async fn interrupted() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Parse the command line and run; returns the exit status.
fn run() -> i32 {
    let cli = cli::Cli::parse();
    let threads = match &cli.cmd {
        cli::Cmd::Server(a) => a.common.threads,
        cli::Cmd::Client(a) => a.common.threads,
    };
    let mut builder = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(usize::from(threads));
        b
    };
    let rt = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("tokio runtime: {e}")),
    };
    rt.block_on(async move {
        match cli.cmd {
            cli::Cmd::Server(a) => server::run(a).await,
            cli::Cmd::Client(a) => client::run(a).await,
        }
    })
}

fn main() {
    std::process::exit(run());
}
