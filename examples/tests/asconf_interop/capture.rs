//! The tshark decoding of an ASCONF case's capture: addresses, chunk types in order, and the
//! parameters of ASCONF and ASCONF-ACK chunks (RFC 5061 §4.2, §5.2).

use std::net::IpAddr;
use std::process::Command;

/// Chunk types (RFC 9260 §3.2, RFC 4895 §4.1, RFC 5061 §4.1.1).
pub const DATA: u8 = 0;
pub const SACK: u8 = 3;
pub const HEARTBEAT: u8 = 4;
pub const HEARTBEAT_ACK: u8 = 5;
pub const ABORT: u8 = 6;
pub const SHUTDOWN: u8 = 7;
pub const SHUTDOWN_ACK: u8 = 8;
pub const SHUTDOWN_COMPLETE: u8 = 14;
pub const AUTH: u8 = 15;
pub const ASCONF_ACK: u8 = 0x80;
pub const ASCONF: u8 = 0xc1;

/// ASCONF parameter types (RFC 5061 §4.2).
pub const ADD_IP: u16 = 0xc001;
pub const DELETE_IP: u16 = 0xc002;
pub const ERROR_INDICATION: u16 = 0xc003;
pub const SET_PRIMARY: u16 = 0xc004;
pub const SUCCESS: u16 = 0xc005;

pub fn param_name(t: u16) -> &'static str {
    match t {
        ADD_IP => "ADD-IP",
        DELETE_IP => "DELETE-IP",
        SET_PRIMARY => "SET-PRIMARY",
        SUCCESS => "Success Indication",
        ERROR_INDICATION => "Error Cause Indication",
        _ => "other",
    }
}

/// One SCTP packet of a capture.
#[derive(Debug, Clone)]
pub struct SPkt {
    pub frame: u32,
    pub time: f64,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub from_usctp: bool,
    pub udp: bool,
    /// Chunk types in order.
    pub chunks: Vec<u8>,
    /// The requests of its ASCONF chunks: (ADD-IP / DELETE-IP / SET-PRIMARY, address).
    pub requests: Vec<(u16, IpAddr)>,
    /// The Success and Error Cause Indications of its ASCONF-ACK chunks.
    pub answers: Vec<u16>,
    /// Heartbeat Information of its HEARTBEAT or HEARTBEAT ACK (hex).
    pub hb_info: Vec<String>,
}

impl SPkt {
    pub fn has(&self, t: u8) -> bool {
        self.chunks.contains(&t)
    }

    /// Whether an AUTH chunk comes before the first chunk of type `t`.
    pub fn auth_before(&self, t: u8) -> bool {
        let first = |x| self.chunks.iter().position(|&c| c == x);
        matches!((first(AUTH), first(t)), (Some(a), Some(d)) if a < d)
    }
}

fn nums<T: TryFrom<u64>>(s: &str) -> Vec<T> {
    s.split(',')
        .filter_map(|v| match v.strip_prefix("0x") {
            Some(h) => u64::from_str_radix(h, 16).ok(),
            None => v.parse().ok(),
        })
        .filter_map(|v| T::try_from(v).ok())
        .collect()
}

/// The requests and answers of an ASCONF / ASCONF-ACK packet from its parameter types in
/// tree order and its addresses: an address parameter (5: IPv4, 6: IPv6) right after a request
/// type is that request's; one before is the ASCONF's lookup address.
fn asconf_params(types: &[u16], v4: &[IpAddr], v6: &[IpAddr]) -> (Vec<(u16, IpAddr)>, Vec<u16>) {
    let (mut v4, mut v6) = (v4.iter(), v6.iter());
    let (mut req, mut ans, mut pending) = (Vec::new(), Vec::new(), None);
    for &t in types {
        match t {
            5 | 6 => {
                let a = if t == 5 { v4.next() } else { v6.next() };
                if let (Some(r), Some(&a)) = (pending.take(), a) {
                    req.push((r, a));
                }
            }
            ADD_IP | DELETE_IP | SET_PRIMARY => pending = Some(t),
            SUCCESS | ERROR_INDICATION => ans.push(t),
            _ => {}
        }
    }
    (req, ans)
}

/// Decode `pcap` with tshark (SCTP also in UDP 9899, CRC32c checked). `Err` when a checksum
/// is not good, a packet is malformed or has an expert error, or there is no SCTP at all.
/// `usctp` are usctp's addresses.
pub fn decode(pcap: &str, usctp: &[IpAddr]) -> Result<Vec<SPkt>, String> {
    let fields = [
        "frame.number",
        "frame.time_epoch",
        "ip.src",
        "ip.dst",
        "ipv6.src",
        "ipv6.dst",
        "udp.srcport",
        "sctp.chunk_type",
        "sctp.checksum.status",
        "_ws.expert.severity",
        "_ws.malformed",
        "sctp.parameter_type",
        "sctp.parameter_ipv4_address",
        "sctp.parameter_ipv6_address",
        "sctp.parameter_heartbeat_information",
    ];
    let mut cmd = Command::new("tshark");
    cmd.args(["-r", pcap, "-n", "-d", "udp.port==9899,sctp"])
        .args(["-o", "sctp.checksum:CRC 32c"])
        .args(["-Y", "sctp && !icmp && !icmpv6", "-T", "fields"])
        .args(["-E", "separator=|", "-E", "occurrence=a"])
        .args(["-E", "aggregator=,"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().map_err(|e| format!("tshark: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "tshark -r {pcap}: {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let ips = |s: &str| -> Vec<IpAddr> { s.split(',').filter_map(|a| a.parse().ok()).collect() };
    let mut pkts = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = line.split('|').collect();
        let [frame, time, s4, d4, s6, d6, udp, chunks, crc, sev, malformed, ptype, a4, a6, hb] =
            f[..]
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
        let (src, dst) = if s4.is_empty() { (s6, d6) } else { (s4, d4) };
        let (Some(&src), Some(&dst)) = (ips(src).first(), ips(dst).first()) else {
            return Err(format!("{pcap} frame {frame}: no addresses"));
        };
        let chunks: Vec<u8> = nums(chunks);
        let (requests, answers) = if chunks.contains(&ASCONF) || chunks.contains(&ASCONF_ACK) {
            asconf_params(&nums(ptype), &ips(a4), &ips(a6))
        } else {
            (Vec::new(), Vec::new())
        };
        pkts.push(SPkt {
            frame: frame.parse().unwrap_or(0),
            time: time.parse().unwrap_or(0.0),
            src,
            dst,
            from_usctp: usctp.contains(&src),
            udp: !udp.is_empty(),
            chunks,
            requests,
            answers,
            hb_info: hb
                .split(',')
                .filter(|h| !h.is_empty())
                .map(String::from)
                .collect(),
        });
    }
    if pkts.is_empty() {
        return Err(format!("{pcap}: no SCTP packet"));
    }
    Ok(pkts)
}
