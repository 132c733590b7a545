//! `tput server`: accept associations, count what arrives, report each when it ends.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use tokio::time::Instant;
use usctp::{Association, Endpoint};

use super::cli::ServerArgs;
use super::report::{end_of, Cpu, Report};

/// The running count of one association.
#[derive(Debug)]
struct Count {
    id: u64,
    peer: Vec<IpAddr>,
    messages: u64,
    bytes: u64,
    accepted: Instant,
    first: Option<Instant>,
    last: Option<Instant>,
    cpu0: Cpu,
}

impl Count {
    fn report(&self, end: String) -> Report {
        // Goodput over the data's span; a transfer of at most one message falls back to the
        // association's lifetime so far.
        let duration = match (self.first, self.last) {
            (Some(f), Some(l)) if l > f => l - f,
            _ => self.accepted.elapsed(),
        };
        Report {
            role: "server",
            assoc: self.id,
            peer: self.peer.clone(),
            messages: self.messages,
            bytes: self.bytes,
            duration,
            cpu: Cpu::now().since(self.cpu0),
            end,
        }
    }
}

type Live = Arc<Mutex<Vec<Arc<Mutex<Count>>>>>;

/// The peer's addresses, primary first, and the endpoint worker that owns `a`.
async fn peer_addrs(a: &Association) -> (Vec<IpAddr>, usize) {
    let Some(st) = a.stats().await else {
        return (Vec::new(), 0);
    };
    let mut paths = st.paths;
    paths.sort_by_key(|p| p.id != st.primary);
    (paths.into_iter().map(|p| p.remote.ip).collect(), st.worker)
}

/// Receive until the association ends; returns its report.
async fn serve(a: Association, count: Arc<Mutex<Count>>, abort_after: u64) -> Report {
    while let Ok(m) = a.recv().await {
        let now = Instant::now();
        let mut c = count.lock().unwrap_or_else(|p| p.into_inner());
        c.first.get_or_insert(now);
        c.last = Some(now);
        c.messages += 1;
        c.bytes += m.payload.len() as u64;
        if abort_after != 0 && c.messages == abort_after {
            a.abort(&b"tput server --abort-after"[..]);
        }
    }
    let end = end_of(a.shutdown().await);
    let c = count.lock().unwrap_or_else(|p| p.into_inner());
    c.report(end)
}

/// Run the server; returns the exit status.
pub async fn run(args: ServerArgs) -> i32 {
    let c = &args.common;
    let cfg = match c.endpoint(c.port, usctp::DEFAULT_UDP_PORT) {
        Ok(cfg) => cfg,
        Err(e) => return super::fail(&e),
    };
    let ep = match Endpoint::bind(cfg).await {
        Ok(ep) => ep,
        Err(e) => return super::fail(&format!("bind: {e}")),
    };
    let udp = ep
        .local_udp_port()
        .map_or("raw IP".to_string(), |u| format!("UDP {u}"));
    eprintln!("tput server: listening on SCTP port {} ({udp})", c.port);
    let limit = if args.once { 1 } else { args.assocs };
    let live: Live = Arc::default();
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<(u64, u64)>();
    let mut next_id = 0u64;
    let mut ended = 0u64;
    let mut totals = (0u64, 0u64);
    let mut per_worker = vec![0u64; ep.workers()];
    let cpu0 = Cpu::now();
    loop {
        tokio::select! {
            a = ep.accept() => {
                let Some(a) = a else { break };
                next_id += 1;
                let (peer, worker) = peer_addrs(&a).await;
                if let Some(n) = per_worker.get_mut(worker) {
                    *n += 1;
                }
                let count = Arc::new(Mutex::new(Count {
                    id: next_id,
                    peer,
                    messages: 0,
                    bytes: 0,
                    accepted: Instant::now(),
                    first: None,
                    last: None,
                    cpu0: Cpu::now(),
                }));
                live.lock().unwrap_or_else(|p| p.into_inner()).push(Arc::clone(&count));
                let (json, done, live, abort_after) =
                    (c.json, done_tx.clone(), Arc::clone(&live), args.abort_after);
                tokio::spawn(async move {
                    let r = serve(a, count, abort_after).await;
                    r.print(json);
                    live.lock().unwrap_or_else(|p| p.into_inner()).retain(|x| {
                        x.lock().unwrap_or_else(|p| p.into_inner()).id != r.assoc
                    });
                    let _ = done.send((r.messages, r.bytes));
                });
            }
            Some((messages, bytes)) = done_rx.recv() => {
                ended += 1;
                totals.0 += messages;
                totals.1 += bytes;
                if limit != 0 && ended >= limit {
                    break;
                }
            }
            _ = super::interrupted() => {
                // Report what the associations still open received so far.
                for count in live.lock().unwrap_or_else(|p| p.into_inner()).iter() {
                    let c0 = count.lock().unwrap_or_else(|p| p.into_inner());
                    c0.report("in progress".into()).print(c.json);
                    totals.0 += c0.messages;
                    totals.1 += c0.bytes;
                }
                break;
            }
        }
    }
    let cpu = Cpu::now().since(cpu0);
    let cpu_s = (cpu.user + cpu.sys).as_secs_f64();
    eprintln!(
        "tput server: {ended} associations ended; total {} messages, {} bytes; associations \
         per worker {per_worker:?}; process cpu {cpu_s:.3} s = {:.2} cpu-s/GB in all",
        totals.0,
        totals.1,
        cpu_s / (totals.1.max(1) as f64 / 1e9),
    );
    ep.close().await;
    0
}
