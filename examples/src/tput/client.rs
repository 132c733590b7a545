//! `tput client`: connect, send messages for a count or a time, then SHUTDOWN (or ABORT).

use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;
use usctp::Endpoint;

use super::cli::ClientArgs;
use super::report::{end_of, Cpu, Report};

/// The client's SCTP port: ephemeral, from the process id (as distinct as the kernel's).
fn ephemeral_port() -> u16 {
    32768 + (std::process::id() % 28_000) as u16
}

/// Run the client; returns the exit status.
pub async fn run(args: ClientArgs) -> i32 {
    let c = &args.common;
    let mut cfg = match c.endpoint(ephemeral_port(), 0) {
        Ok(cfg) => cfg,
        Err(e) => return super::fail(&e),
    };
    let a = &mut cfg.protocol.association;
    a.outbound_streams = a.outbound_streams.max(args.streams);
    a.max_message_size = a.max_message_size.max(args.length);
    if args.length == 0 {
        return super::fail("--length must be at least 1");
    }
    let ep = match Endpoint::bind(cfg).await {
        Ok(ep) => ep,
        Err(e) => return super::fail(&format!("bind: {e}")),
    };
    let peers: Vec<_> = args.remote.iter().map(|ip| c.peer(*ip)).collect();
    let limit = Duration::from_secs_f64(args.connect_timeout.max(0.0));
    let assoc = match tokio::time::timeout(limit, ep.connect(&peers, c.port)).await {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return super::fail(&format!("connect: {e}")),
        Err(_) => return super::fail("connect: timed out"),
    };
    let cpu0 = Cpu::now();
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(args.time.max(0.0));
    let payload = Bytes::from(vec![0x61u8; args.length]);
    let mut sent = 0u64;
    let mut failed = None;
    while if args.count > 0 {
        sent < args.count
    } else {
        Instant::now() < deadline
    } {
        let stream = (sent % u64::from(args.streams)) as u16;
        if let Err(e) = assoc
            .send(stream, args.ppid, args.unordered, payload.clone())
            .await
        {
            // The send error may predate the association's end reason (a peer ABORT can
            // surface as `Closed(None)`): ask the ended association how it ended.
            failed = Some(match assoc.shutdown().await {
                Ok(()) => format!("send: {e}"),
                r => end_of(r),
            });
            break;
        }
        sent += 1;
    }
    let end = if let Some(f) = failed {
        f
    } else if args.abort {
        assoc.abort(&b"tput client --abort"[..]);
        "abort (local)".to_string()
    } else {
        // Completes once the peer acknowledged everything: the duration covers delivery.
        end_of(assoc.shutdown().await)
    };
    let report = Report {
        role: "client",
        assoc: assoc.id().0,
        peer: args.remote.clone(),
        messages: sent,
        bytes: sent * args.length as u64,
        duration: start.elapsed(),
        cpu: Cpu::now().since(cpu0),
        end,
    };
    report.print(c.json);
    drop(assoc);
    ep.close().await;
    i32::from(report.end != "shutdown" && !args.abort)
}
