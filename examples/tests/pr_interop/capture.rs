//! The capture of a case: tcpdump in usctp's namespace, its drop count, the tshark decoding
//! (chunk types, DATA TSNs, SACK cumulative acks, FORWARD TSNs, INIT a_rwnd) and what the
//! verdicts ask of it.

use std::fs::File;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::*;

/// tcpdump in namespace `ns` into `pcap`; stopped (SIGINT) on `stop`.
pub struct Capture(Child);

impl Capture {
    /// `filter`: tcpdump's filter expression (empty: everything).
    pub fn start(ns: &str, pcap: &Path, filter: &[&str]) -> Result<Capture, String> {
        let log = pcap_log(pcap);
        let child = Command::new("ip")
            .args(["netns", "exec", ns, "tcpdump", "-Z", "root", "-n", "-U"])
            .args([
                "--immediate-mode",
                // 64 MiB: a 1 MiB message's burst overran 16 MiB on a loaded host.
                "-B",
                "65536",
                "-s",
                "0",
                "-i",
                "any",
                "-w",
            ])
            .arg(pcap)
            .args(filter)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log).map_err(|e| e.to_string())?)
            .spawn()
            .map_err(|e| format!("tcpdump: {e}"))?;
        let c = Capture(child);
        for _ in 0..50 {
            if std::fs::read_to_string(&log).is_ok_and(|s| s.contains("listening on")) {
                return Ok(c);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "tcpdump did not start: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        ))
    }

    /// Stop it; the packets the kernel dropped before tcpdump read them.
    pub fn stop(mut self, pcap: &Path) -> u64 {
        std::thread::sleep(Duration::from_millis(300));
        // SIGINT: tcpdump writes out the pcap. (nix's signal feature is not enabled.)
        let _ = Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
        capture_drops(&pcap_log(pcap))
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

pub fn pcap_log(pcap: &Path) -> PathBuf {
    PathBuf::from(format!("{}.log", pcap.display()))
}

/// Control packets only (the first chunk neither DATA nor SACK; IPv4 without options): the
/// bulk of a large transfer would overrun the capture.
pub const CONTROL_ONLY_RAW: &[&str] = &["ip[32] != 0 and ip[32] != 3"];
pub const CONTROL_ONLY_UDP: &[&str] = &["udp[20] != 0 and udp[20] != 3"];

/// The packets tcpdump said the kernel dropped (its "N packets dropped by kernel" line in
/// `log`, its stderr); 0 when it did not say.
pub fn capture_drops(log: &Path) -> u64 {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_suffix(" packets dropped by kernel")?.parse().ok())
        .unwrap_or(0)
}

/// One SCTP packet of a capture, as tshark decodes it.
#[derive(Debug, Clone)]
pub struct Pkt {
    /// Sent by usctp (its source address is one of usctp's).
    pub from_usctp: bool,
    /// Inside UDP (RFC 6951).
    pub udp: bool,
    pub chunks: Vec<u8>,
    /// New cumulative TSNs of its FORWARD TSN chunks.
    pub fwd_tsn: Vec<u32>,
    /// Cumulative TSN acks of its SACKs.
    pub sack_cum: Vec<u32>,
    /// a_rwnd of its INIT or INIT ACK.
    pub init_rwnd: Option<u32>,
    /// TSNs of its DATA chunks.
    pub data_tsn: Vec<u32>,
}

impl Pkt {
    pub fn has(&self, t: u8) -> bool {
        self.chunks.contains(&t)
    }
}

/// Decode `pcap` with tshark (SCTP also in UDP 9899, CRC32c checked, absolute TSNs). `Err`
/// when a checksum is not good, a packet is malformed or has an expert error, or there is no
/// SCTP at all. `usctp` are usctp's addresses.
pub fn decode(pcap: &str, usctp: &[IpAddr]) -> Result<Vec<Pkt>, String> {
    let out = Command::new("tshark")
        .args(["-r", pcap, "-n", "-d", "udp.port==9899,sctp"])
        .args([
            "-o",
            "sctp.checksum:CRC 32c",
            "-o",
            "sctp.relative_tsns:FALSE",
        ])
        .args(["-Y", "sctp && !icmp && !icmpv6", "-T", "fields"])
        .args([
            "-E",
            "separator=|",
            "-E",
            "occurrence=a",
            "-E",
            "aggregator=,",
        ])
        .args([
            "-e",
            "ip.src",
            "-e",
            "ipv6.src",
            "-e",
            "udp.srcport",
            "-e",
            "sctp.chunk_type",
            "-e",
            "sctp.checksum.status",
            "-e",
            "_ws.expert.severity",
            "-e",
            "_ws.malformed",
            "-e",
            "sctp.forward_tsn_tsn",
            "-e",
            "sctp.sack_cumulative_tsn_ack_raw",
            "-e",
            "sctp.init_credit",
            "-e",
            "sctp.initack_credit",
            "-e",
            "sctp.data_tsn_raw",
            "-e",
            "frame.number",
        ])
        .output()
        .map_err(|e| format!("tshark: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "tshark -r {pcap}: {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let nums = |s: &str| -> Vec<u32> { s.split(',').filter_map(|v| v.parse().ok()).collect() };
    let mut pkts = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = line.split('|').collect();
        let [ip4, ip6, udp, chunks, crc, sev, malformed, fwd, sack, ic, iac, dtsn, frame] = f[..]
        else {
            return Err(format!("tshark line: {line}"));
        };
        if crc.split(',').any(|c| c != "1") {
            return Err(format!("{pcap} frame {frame}: CRC32c not good ({crc})"));
        }
        if !malformed.is_empty()
            || sev
                .split(',')
                .any(|s| s.parse::<u32>().is_ok_and(|v| v >= 0x0080_0000))
        {
            return Err(format!(
                "{pcap} frame {frame}: malformed or expert error (chunks {chunks})"
            ));
        }
        let src: Option<IpAddr> = if ip4.is_empty() { ip6 } else { ip4 }
            .split(',')
            .next()
            .and_then(|s| s.parse().ok());
        pkts.push(Pkt {
            from_usctp: src.is_some_and(|s| usctp.contains(&s)),
            udp: !udp.is_empty(),
            chunks: chunks.split(',').filter_map(|c| c.parse().ok()).collect(),
            fwd_tsn: nums(fwd),
            sack_cum: nums(sack),
            init_rwnd: nums(ic).first().or(nums(iac).first()).copied(),
            data_tsn: nums(dtsn),
        });
    }
    if pkts.is_empty() {
        return Err(format!("{pcap}: no SCTP packet"));
    }
    Ok(pkts)
}

/// Packets from usctp (`from_usctp`) or the peer with a chunk of type `t`.
pub fn count(pkts: &[Pkt], from_usctp: bool, t: u8) -> usize {
    pkts.iter()
        .filter(|p| p.from_usctp == from_usctp && p.has(t))
        .count()
}

/// `a` at or after `b` in serial number arithmetic (RFC 1982).
pub fn tsn_ge(a: u32, b: u32) -> bool {
    a.wrapping_sub(b) as i32 >= 0
}

/// Every packet in UDP (`udp`) or none; no ABORT; SHUTDOWN from `by_usctp`'s side, SHUTDOWN
/// ACK from the other, SHUTDOWN COMPLETE from the first, in this order.
pub fn graceful(pkts: &[Pkt], by_usctp: bool, udp: bool) -> Result<String, String> {
    if pkts.iter().any(|p| p.udp != udp) {
        return Err(format!(
            "SCTP packets {} UDP",
            if udp { "outside" } else { "inside" }
        ));
    }
    if pkts.iter().any(|p| p.has(ABORT)) {
        return Err("an ABORT".into());
    }
    let mut it = pkts.iter();
    for (from, t) in [
        (by_usctp, SHUTDOWN),
        (!by_usctp, SHUTDOWN_ACK),
        (by_usctp, SHUTDOWN_COMPLETE),
    ] {
        if !it.any(|p| p.from_usctp == from && p.has(t)) {
            return Err(format!(
                "no graceful shutdown by {}: chunk {t} from {} missing",
                if by_usctp { "usctp" } else { "the peer" },
                if from { "usctp" } else { "the peer" }
            ));
        }
    }
    Ok(format!(
        "SHUTDOWN by {}, no ABORT",
        if by_usctp { "usctp" } else { "the peer" }
    ))
}

/// FORWARD TSNs sent by `from_usctp`'s side: (packets, distinct new cumulative TSNs, the
/// highest).
pub fn forward_tsns(pkts: &[Pkt], from_usctp: bool) -> (usize, usize, Option<u32>) {
    let mut all: Vec<u32> = pkts
        .iter()
        .filter(|p| p.from_usctp == from_usctp)
        .flat_map(|p| p.fwd_tsn.iter().copied())
        .collect();
    let high = all
        .iter()
        .copied()
        .reduce(|a, b| if tsn_ge(a, b) { a } else { b });
    all.sort_unstable();
    all.dedup();
    (count(pkts, from_usctp, FORWARD_TSN), all.len(), high)
}

/// The peer's FORWARD TSNs all acknowledged past by a SACK of usctp's sent after them: for
/// each FORWARD TSN (new cumulative TSN F), a later SACK from usctp with cum ack >= F.
/// Returns the highest SACK cum ack of usctp's.
pub fn sacked_past_forward_tsns(pkts: &[Pkt]) -> Result<u32, String> {
    for (i, p) in pkts.iter().enumerate() {
        if p.from_usctp {
            continue;
        }
        for &f in &p.fwd_tsn {
            let ok = pkts[i + 1..]
                .iter()
                .filter(|q| q.from_usctp)
                .flat_map(|q| q.sack_cum.iter())
                .any(|&c| tsn_ge(c, f));
            if !ok {
                return Err(format!(
                    "usctp never SACKed up to the peer's FORWARD TSN new cumulative TSN {f}"
                ));
            }
        }
    }
    pkts.iter()
        .filter(|p| p.from_usctp)
        .flat_map(|p| p.sack_cum.iter().copied())
        .reduce(|a, b| if tsn_ge(a, b) { a } else { b })
        .ok_or_else(|| "no SACK from usctp".to_string())
}
