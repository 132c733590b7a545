//! usctp as the client (in this process, sockets in namespace `ukv`) against the guest's
//! kernel echo server (sctp_darn -l -e).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::timeout;
use usctp::{Association, Endpoint, EndpointConfig, TransportAddr};

use super::vm::{guest, host, in_netns, ECHO_PORT, UDP_PORT};

/// Raw IP or UDP 9899, IPv4 or IPv6.
#[derive(Clone, Copy, Debug)]
pub struct Net {
    /// IPv6 addresses instead of IPv4.
    pub v6: bool,
    /// SCTP over UDP (RFC 6951) instead of raw IP.
    pub udp: bool,
}

/// Timers short enough for seconds-long cases: heartbeats every 0.5 s, RTO 0.5–1 s (above
/// the kernel's 200 ms delayed SACK).
fn tuned(mut cfg: EndpointConfig) -> EndpointConfig {
    let a = &mut cfg.protocol.association;
    a.rto_initial = Duration::from_secs(1);
    a.rto_min = Duration::from_millis(500);
    a.rto_max = Duration::from_secs(1);
    a.hb_interval = Some(Duration::from_millis(500));
    cfg
}

/// A usctp endpoint on SCTP `port` with both host addresses of the family, inside `ukv`.
pub fn bind(rt: &tokio::runtime::Runtime, net: Net, port: u16) -> Result<Endpoint, String> {
    let local = vec![host('A', net.v6), host('B', net.v6)];
    let cfg = if net.udp {
        EndpointConfig::udp(local, port, UDP_PORT)
    } else {
        EndpointConfig::raw(local, port)
    };
    in_netns(|| rt.block_on(Endpoint::bind(tuned(cfg)))).map_err(|e| format!("bind: {e}"))
}

/// Connect to `port` of the guest at `ip`, over UDP 9899 or raw IP, within 10 s.
pub async fn connect_to(
    ep: &Endpoint,
    ip: IpAddr,
    udp: bool,
    port: u16,
) -> Result<Association, String> {
    let to = if udp {
        TransportAddr::udp(ip, UDP_PORT)
    } else {
        TransportAddr::raw(ip)
    };
    timeout(Duration::from_secs(10), ep.connect(&[to], port))
        .await
        .map_err(|_| "connect timed out".to_string())?
        .map_err(|e| format!("connect: {e}"))
}

/// Connect to the guest's echo server on path A.
pub async fn connect(ep: &Endpoint, net: Net) -> Result<Arc<Association>, String> {
    let a = connect_to(ep, guest('A', net.v6), net.udp, ECHO_PORT).await?;
    Ok(Arc::new(a))
}

/// Message `seq`: its number, then a pattern derived from it.
fn body(seq: u32, len: usize) -> Vec<u8> {
    let mut v = seq.to_be_bytes().to_vec();
    v.extend((4..len).map(|i| (seq as usize * 7 + i) as u8));
    v
}

/// Send `n` messages of `len` bytes, one every `pace`, and check that every echo comes back
/// intact and in order; `hook(seq)` runs before message `seq` is sent.
pub async fn echo_transfer(
    a: &Arc<Association>,
    n: u32,
    len: usize,
    pace: Duration,
    mut hook: impl FnMut(u32),
) -> Result<(), String> {
    let reader = {
        let a = Arc::clone(a);
        tokio::spawn(async move {
            for want in 0..n {
                let m = a
                    .recv()
                    .await
                    .map_err(|e| format!("association ended before echo {want}: {e}"))?;
                if m.payload[..] != body(want, len)[..] {
                    return Err(format!(
                        "echo {want}: got {} bytes, not message {want}",
                        m.payload.len()
                    ));
                }
            }
            Ok(())
        })
    };
    for seq in 0..n {
        hook(seq);
        a.send(0, body(seq, len))
            .await
            .map_err(|e| format!("send {seq}: {e}"))?;
        tokio::time::sleep(pace).await;
    }
    match timeout(Duration::from_secs(30), reader).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => Err(format!("reader: {e}")),
        Err(_) => Err(format!("not all {n} echoes arrived within 30 s")),
    }
}

/// Wait until both paths have been heartbeated (so the capture holds HEARTBEATs on both),
/// at most `max`.
pub async fn wait_heartbeats(a: &Association, max: Duration) {
    let deadline = tokio::time::Instant::now() + max;
    while tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let Some(st) = a.stats().await else { return };
        if st.paths.iter().filter(|p| p.srtt.is_some()).count() >= 2 {
            // Both paths have an RTT measurement: a HEARTBEAT ACK (or SACK) came on each.
            // Idle a while longer: a few more heartbeats on each path from both sides
            // (usctp every 0.5 s + RTO, the kernel every 1 s + RTO).
            tokio::time::sleep(Duration::from_millis(2500)).await;
            return;
        }
    }
}
