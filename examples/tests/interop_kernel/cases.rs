//! The cases with usctp as the client: echo transfers, heartbeats on both paths, SHUTDOWN
//! and ABORT from usctp, and the primary path cut and restored mid-transfer.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::runtime::Runtime;
use tokio::time::timeout;

use super::capture::*;
use super::usctp_client::{bind, connect, echo_transfer, wait_heartbeats, Net};
use super::vm::Vm;

/// How usctp ends the association.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum End {
    /// Graceful SHUTDOWN.
    Shutdown,
    /// ABORT.
    Abort,
}

/// Stop the capture (after the last packets drained) and decode it.
pub fn finish(vm: &Vm, pcap: &str) -> Result<Vec<Pkt>, String> {
    std::thread::sleep(Duration::from_millis(300));
    vm.ukv(&["capture", "stop"])?;
    decode(vm, pcap)
}

/// The guest kernel no longer has an association on local or remote port `port`.
pub fn kernel_assoc_gone(vm: &Vm, port: u16) -> Result<(), String> {
    let s = format!(
        "for i in 1 2 3 4 5 6 7 8 9 10; do grep -qw {port} /proc/net/sctp/assocs || exit 0; \
         sleep 0.5; done; cat /proc/net/sctp/assocs; exit 1"
    );
    vm.exec(15, &s)
        .map(|_| ())
        .map_err(|e| format!("the kernel still has the association: {e}"))
}

/// Checks shared by every case: DATA (both ways when `echo`), heartbeats on both paths, the
/// ending, raw IP or UDP throughout.
pub fn common_checks(
    pkts: &[Pkt],
    usctp_ends: bool,
    end: End,
    udp: bool,
    echo: bool,
) -> Result<String, String> {
    let data = |from_host| {
        pkts.iter()
            .filter(|p| p.from_host == from_host && p.has(DATA))
            .count()
    };
    let (dh, dk) = (data(true), data(false));
    // Both send DATA when the server echoes; the kernel always sends some.
    if dk == 0 || (echo && dh == 0) {
        return Err(format!(
            "DATA packets: {dh} from usctp, {dk} from the kernel"
        ));
    }
    let hb = heartbeats_on_both_paths(pkts)?;
    let u = usctp_ends;
    match end {
        End::Shutdown => {
            in_order(
                pkts,
                &[(u, SHUTDOWN), (!u, SHUTDOWN_ACK), (u, SHUTDOWN_COMPLETE)],
            )?;
            if pkts.iter().any(|p| p.has(ABORT)) {
                return Err("an ABORT in a graceful shutdown".into());
            }
        }
        End::Abort => in_order(pkts, &[(u, ABORT)])?,
    }
    if udp && pkts.iter().any(|p| !p.udp) {
        return Err("an SCTP packet outside UDP".into());
    }
    if !udp && pkts.iter().any(|p| p.udp) {
        return Err("an SCTP packet inside UDP".into());
    }
    Ok(format!(
        "{} SCTP packets, CRC32c good; DATA pkts {dh} usctp/{dk} kernel; {hb}; {end:?} by {}",
        pkts.len(),
        if u { "usctp" } else { "kernel" }
    ))
}

/// usctp client -> kernel echo server: 100 echoed messages, heartbeats, then `end`.
pub fn usctp_to_kernel(
    vm: &Vm,
    rt: &Runtime,
    pcap: &str,
    net: Net,
    end: End,
    port: u16,
) -> Result<String, String> {
    let ep = bind(rt, net, port)?;
    rt.block_on(async {
        let a = connect(&ep, net).await?;
        echo_transfer(&a, 100, 1000, Duration::from_millis(5), |_| {}).await?;
        wait_heartbeats(&a, Duration::from_secs(8)).await;
        match end {
            End::Shutdown => timeout(Duration::from_secs(10), a.shutdown())
                .await
                .map_err(|_| "shutdown timed out".to_string())?
                .map_err(|e| format!("shutdown: {e}"))?,
            End::Abort => a.abort(&b"usctp interop test"[..]),
        }
        ep.close().await;
        Ok::<_, String>(())
    })?;
    kernel_assoc_gone(vm, port)?;
    common_checks(&finish(vm, pcap)?, true, end, net.udp, true)
}

#[allow(clippy::disallowed_methods)] // capture timestamps are wall-clock times
fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// usctp client -> kernel echo, raw IPv4: path A (primary) cut on the host side after 1.5 s
/// of a paced transfer and restored 4 s later. No echo may be lost; the capture must show
/// usctp's DATA on path B during the cut and on path A again after it.
pub fn failover(vm: &Vm, rt: &Runtime, pcap: &str, port: u16) -> Result<String, String> {
    let net = Net {
        v6: false,
        udp: false,
    };
    let ep = bind(rt, net, port)?;
    let marks = Arc::new(Mutex::new((0.0, 0.0, None::<String>)));
    let transfer = rt.block_on(async {
        let a = connect(&ep, net).await?;
        let m = Arc::clone(&marks);
        let r = echo_transfer(&a, 450, 1000, Duration::from_millis(20), |seq| {
            let mut m = m.lock().expect("marks");
            let step = match seq {
                75 => vm.ukv(&["cut", "A"]).map(|_| m.0 = now()),
                275 => vm.ukv(&["restore", "A"]).map(|_| m.1 = now()),
                _ => Ok(()),
            };
            if let Err(e) = step {
                m.2.get_or_insert(e);
            }
        })
        .await;
        if r.is_ok() {
            timeout(Duration::from_secs(10), a.shutdown())
                .await
                .map_err(|_| "shutdown timed out".to_string())?
                .map_err(|e| format!("shutdown: {e}"))?;
        }
        ep.close().await;
        r
    });
    let (cut, restored, err) = marks.lock().expect("marks").clone();
    if restored == 0.0 {
        // The transfer failed during the cut: later cases need path A.
        let _ = vm.ukv(&["restore", "A"]);
    }
    if let Some(e) = err {
        return Err(e);
    }
    transfer?;
    let pkts = finish(vm, pcap)?;
    let sent: Vec<&Pkt> = pkts.iter().filter(|p| p.from_host && p.has(DATA)).collect();
    let n = |path, from: f64, to: f64| {
        sent.iter()
            .filter(|p| p.path == path && p.time >= from && p.time < to)
            .count()
    };
    let first = |path, from: f64| {
        sent.iter()
            .find(|p| p.path == path && p.time >= from)
            .map(|p| p.time - from)
    };
    let (a0, b1, a2) = (
        n('A', 0.0, cut),
        n('B', cut, restored),
        n('A', restored, f64::MAX),
    );
    let last = sent.last().map(|p| p.path);
    if a0 == 0 || b1 == 0 || a2 == 0 || last != Some('A') {
        return Err(format!(
            "usctp DATA packets: {a0} on A before the cut, {b1} on B during it, {a2} on A after \
             the restore; last on {last:?}"
        ));
    }
    common_checks(&pkts, true, End::Shutdown, false, true)?;
    Ok(format!(
        "450 echoes, none lost; usctp DATA pkts: A {a0} before the cut, B {b1} during the {:.1} s \
         cut (first {:.2} s after it), A {a2} after the restore (first {:.2} s after it), last on A",
        restored - cut,
        first('B', cut).unwrap_or(f64::NAN),
        first('A', restored).unwrap_or(f64::NAN)
    ))
}
