//! The packets of one case as tshark decodes them (SCTP, also inside UDP 9899, CRC32c
//! verified): every checksum must be good and nothing malformed.

use std::net::IpAddr;

use super::vm::{classify, Vm};

/// Chunk types (RFC 9260 §3.2).
pub const DATA: u8 = 0;
pub const SACK: u8 = 3;
pub const HEARTBEAT: u8 = 4;
pub const HEARTBEAT_ACK: u8 = 5;
pub const ABORT: u8 = 6;
pub const SHUTDOWN: u8 = 7;
pub const SHUTDOWN_ACK: u8 = 8;
pub const SHUTDOWN_COMPLETE: u8 = 14;

/// One SCTP packet of the capture.
#[derive(Debug, Clone)]
pub struct Pkt {
    /// Capture time, seconds since the epoch.
    pub time: f64,
    /// Path 'A' or 'B'.
    pub path: char,
    /// Sent by the host side (usctp), not by the guest kernel.
    pub from_host: bool,
    /// Inside UDP (RFC 6951).
    pub udp: bool,
    /// Chunk types in order.
    pub chunks: Vec<u8>,
}

impl Pkt {
    /// Whether it carries a chunk of type `t`.
    pub fn has(&self, t: u8) -> bool {
        self.chunks.contains(&t)
    }
}

/// Packets of `pkts` sent by `from_host` on `path` with a chunk of type `t`.
pub fn count(pkts: &[Pkt], from_host: bool, path: char, t: u8) -> usize {
    pkts.iter()
        .filter(|p| p.from_host == from_host && p.path == path && p.has(t))
        .count()
}

/// Decode `pcap` with `ukv check`; `Err` on a bad checksum, a malformed packet, an expert
/// error, an address outside the topology, or no SCTP at all.
pub fn decode(vm: &Vm, pcap: &str) -> Result<Vec<Pkt>, String> {
    let out = vm.ukv(&["check", pcap])?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut pkts = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('|').collect();
        let [time, ip4s, ip4d, ip6s, ip6d, udp, chunks, crc, severity, malformed] = f[..] else {
            return Err(format!("tshark line: {line}"));
        };
        let bad = || format!("{pcap}: {line}");
        if crc != "1" {
            return Err(format!("CRC32c not verified good: {}", bad()));
        }
        if !malformed.is_empty()
            || severity
                .split(',')
                .any(|s| s.parse::<u32>().is_ok_and(|v| v >= 0x0080_0000))
        {
            return Err(format!("malformed or expert error: {}", bad()));
        }
        let (src, dst) = if ip4s.is_empty() {
            (ip6s, ip6d)
        } else {
            (ip4s, ip4d)
        };
        let ip = |s: &str| s.parse::<IpAddr>().ok().and_then(classify);
        let (Some((path, from_host)), Some((dpath, to_host))) = (ip(src), ip(dst)) else {
            return Err(format!("address outside the topology: {}", bad()));
        };
        if path != dpath || from_host == to_host {
            return Err(format!("crosses paths: {}", bad()));
        }
        pkts.push(Pkt {
            time: time.parse().map_err(|_| bad())?,
            path,
            from_host,
            udp: !udp.is_empty(),
            chunks: chunks.split(',').filter_map(|c| c.parse().ok()).collect(),
        });
    }
    if pkts.is_empty() {
        return Err(format!("{pcap}: no SCTP packets"));
    }
    Ok(pkts)
}

/// HEARTBEAT and HEARTBEAT ACK on both paths (in either direction): both paths confirmed.
pub fn heartbeats_on_both_paths(pkts: &[Pkt]) -> Result<String, String> {
    let mut s = String::new();
    for path in ['A', 'B'] {
        let n = |t| count(pkts, true, path, t) + count(pkts, false, path, t);
        let (hb, ack) = (n(HEARTBEAT), n(HEARTBEAT_ACK));
        if hb == 0 || ack == 0 {
            return Err(format!("path {path}: {hb} HEARTBEAT, {ack} HEARTBEAT ACK"));
        }
        s += &format!("HB/ACK {path} {hb}/{ack} ");
    }
    Ok(s)
}

/// The chunk types `seq` appear in this order (by sender), e.g. SHUTDOWN from the host,
/// SHUTDOWN ACK from the guest, SHUTDOWN COMPLETE from the host.
pub fn in_order(pkts: &[Pkt], seq: &[(bool, u8)]) -> Result<(), String> {
    let mut it = pkts.iter();
    for &(from_host, t) in seq {
        if !it.any(|p| p.from_host == from_host && p.has(t)) {
            let who = if from_host { "usctp" } else { "kernel" };
            return Err(format!(
                "no chunk type {t} from the {who} in sequence {seq:?}"
            ));
        }
    }
    Ok(())
}
