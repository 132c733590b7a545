//! The kernel's first DATA of an association SACKed by usctp at once (RFC 4960 §6.2, the
//! RFC 2960 first-DATA rule; ETSI a-v-9-1), not after the 200 ms delayed SACK.

use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::time::timeout;

use super::capture::*;
use super::cases::{finish, kernel_assoc_gone};
use super::usctp_client::{bind, connect, echo_transfer, Net};
use super::vm::Vm;

/// Well below the 200 ms delayed SACK, well above host scheduling jitter (the capture has
/// microsecond timestamps, both packets stamped on the host taps).
const BOUND: f64 = 0.050;

/// The first packet from `from_host` with a chunk of type `t` after packet `after`: its
/// delay after that packet and its chunk types.
fn answer(pkts: &[Pkt], after: usize, from_host: bool, t: u8) -> Option<(f64, &[u8])> {
    pkts[after + 1..]
        .iter()
        .find(|p| p.from_host == from_host && p.has(t))
        .map(|p| (p.time - pkts[after].time, &p.chunks[..]))
}

/// Index of the first packet from `from_host` carrying DATA.
fn first_data(pkts: &[Pkt], from_host: bool) -> Result<usize, String> {
    let who = if from_host { "usctp" } else { "the kernel" };
    pkts.iter()
        .position(|p| p.from_host == from_host && p.has(DATA))
        .ok_or(format!("no DATA from {who}"))
}

/// usctp client -> kernel echo, raw IPv4: one message, its echo (the kernel's first DATA),
/// then 1 s idle so no DATA of usctp's own can carry the SACK, then SHUTDOWN. usctp's first
/// packet with a SACK after the echo must leave within `BOUND`.
pub fn first_data_sacked(vm: &Vm, rt: &Runtime, pcap: &str, port: u16) -> Result<String, String> {
    let net = Net {
        v6: false,
        udp: false,
    };
    let ep = bind(rt, net, port)?;
    rt.block_on(async {
        let a = connect(&ep, net).await?;
        echo_transfer(&a, 1, 100, Duration::ZERO, |_| {}).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        timeout(Duration::from_secs(10), a.shutdown())
            .await
            .map_err(|_| "shutdown timed out".to_string())?
            .map_err(|e| format!("shutdown: {e}"))?;
        ep.close().await;
        Ok::<_, String>(())
    })?;
    kernel_assoc_gone(vm, port)?;
    let pkts = finish(vm, pcap)?;
    in_order(
        &pkts,
        &[
            (true, SHUTDOWN),
            (false, SHUTDOWN_ACK),
            (true, SHUTDOWN_COMPLETE),
        ],
    )?;
    if pkts.iter().any(|p| p.has(ABORT) || p.udp) {
        return Err("an ABORT or an SCTP packet inside UDP".into());
    }
    // Informative: the kernel's SACK of usctp's first DATA.
    let (k_ms, k_chunks) = answer(&pkts, first_data(&pkts, true)?, false, SACK)
        .ok_or("the kernel never SACKed usctp's first DATA")?;
    let (u, u_chunks) = answer(&pkts, first_data(&pkts, false)?, true, SACK)
        .ok_or("usctp never SACKed the kernel's first DATA")?;
    let detail = format!(
        "usctp SACKed the kernel's first DATA after {:.2} ms (chunks {u_chunks:?}, bound {:.0} \
         ms); the kernel SACKed usctp's first DATA after {:.2} ms (chunks {k_chunks:?}); {} \
         SCTP packets, CRC32c good",
        u * 1e3,
        BOUND * 1e3,
        k_ms * 1e3,
        pkts.len()
    );
    if u < BOUND {
        Ok(detail)
    } else {
        Err(detail)
    }
}
