//! `tput client`: connect, send messages for a count or a time, then SHUTDOWN (or ABORT).

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;
use usctp::{Endpoint, SendOptions};

use super::cli::ClientArgs;
use super::report::{end_of, Cpu, Report};

/// The client's SCTP port: ephemeral, from the process id (as distinct as the kernel's).
fn ephemeral_port() -> u16 {
    32768 + (std::process::id() % 28_000) as u16
}

/// Drive `sends` together: the first poll starts each in order (so the driver queues them in
/// order), then wait for all. Returns how many succeeded and the first error.
async fn send_all<F>(sends: Vec<F>) -> (u64, Option<usctp::Error>)
where
    F: Future<Output = Result<(), usctp::Error>>,
{
    let mut pending: Vec<Option<Pin<Box<F>>>> =
        sends.into_iter().map(|f| Some(Box::pin(f))).collect();
    let (mut ok, mut err) = (0u64, None);
    poll_fn(|cx| {
        for slot in pending.iter_mut() {
            if let Some(f) = slot {
                if let Poll::Ready(r) = f.as_mut().poll(cx) {
                    *slot = None;
                    match r {
                        Ok(()) => ok += 1,
                        Err(e) => {
                            err.get_or_insert(e);
                        }
                    }
                }
            }
        }
        if pending.iter().all(Option::is_none) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    (ok, err)
}

/// Run the client: `--assocs` associations at once, each from its own endpoint; returns
/// the exit status.
pub async fn run(args: ClientArgs) -> i32 {
    let args = std::sync::Arc::new(args);
    let base = args.sport.unwrap_or_else(ephemeral_port);
    let start = Instant::now();
    let cpu0 = Cpu::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..args.assocs {
        let args = std::sync::Arc::clone(&args);
        let port = base.wrapping_add(i).max(1);
        tasks.spawn(async move { one(&args, port).await });
    }
    let (mut status, mut bytes, mut ok) = (0, 0u64, 0u16);
    while let Some(r) = tasks.join_next().await {
        match r {
            Ok(Ok(report)) => {
                bytes += report.bytes;
                ok += u16::from(report.end == "shutdown");
            }
            Ok(Err(s)) => status = s,
            Err(e) => status = super::fail(&format!("task: {e}")),
        }
    }
    if args.assocs > 1 {
        let s = start.elapsed().as_secs_f64();
        let cpu = Cpu::now().since(cpu0);
        println!(
            "tput client aggregate: {} associations ({ok} shut down), {bytes} bytes in {s:.3} s: \
             goodput {:.2} MB/s; cpu {:.3} s user + {:.3} s sys",
            args.assocs,
            bytes as f64 / s / 1e6,
            cpu.user.as_secs_f64(),
            cpu.sys.as_secs_f64(),
        );
    }
    status
}

/// One association from an endpoint on SCTP `port`: its report, or the exit status.
async fn one(args: &ClientArgs, port: u16) -> Result<Report, i32> {
    let c = &args.common;
    let mut cfg = match c.endpoint(port, 0) {
        Ok(cfg) => cfg,
        Err(e) => return Err(super::fail(&e)),
    };
    let a = &mut cfg.protocol.association;
    a.outbound_streams = a.outbound_streams.max(args.streams);
    a.max_message_size = a.max_message_size.max(args.length);
    if args.length == 0 {
        return Err(super::fail("--length must be at least 1"));
    }
    let ep = match Endpoint::bind(cfg).await {
        Ok(ep) => ep,
        Err(e) => return Err(super::fail(&format!("bind: {e}"))),
    };
    let peers: Vec<_> = args.remote.iter().map(|ip| c.peer(*ip)).collect();
    let limit = Duration::from_secs_f64(args.connect_timeout.max(0.0));
    let assoc = match tokio::time::timeout(limit, ep.connect(&peers, c.port)).await {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => return Err(super::fail(&format!("connect: {e}"))),
        Err(_) => return Err(super::fail("connect: timed out")),
    };
    let cpu0 = Cpu::now();
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(args.time.max(0.0));
    let payload = Bytes::from(vec![0x61u8; args.length]);
    let window = match args.inflight {
        0 => ((512 << 10) / args.length).clamp(1, 64),
        n => n,
    };
    let mut sent = 0u64;
    let mut failed = None;
    while failed.is_none()
        && if args.count > 0 {
            sent < args.count
        } else {
            Instant::now() < deadline
        }
    {
        let n = if args.count > 0 {
            (args.count - sent).min(window as u64)
        } else {
            window as u64
        };
        let batch = (sent..sent + n).map(|i| {
            let stream = (i % u64::from(args.streams)) as u16;
            assoc.send_with(
                payload.clone(),
                SendOptions::new(stream)
                    .ppid(args.ppid)
                    .unordered(args.unordered),
            )
        });
        let (ok, err) = send_all(batch.collect()).await;
        sent += ok;
        if let Some(e) = err {
            // The send error may predate the association's end reason (a peer ABORT can
            // surface as `Closed(None)`): ask the ended association how it ended.
            failed = Some(match assoc.shutdown().await {
                Ok(()) => format!("send: {e}"),
                r => end_of(r),
            });
        }
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
    if report.end != "shutdown" && !args.abort {
        return Err(1);
    }
    Ok(report)
}
