//! The tshark decoding of an AUTH case's capture: chunk types in order, the AUTH chunks'
//! HMAC and shared key identifiers, and the AUTH parameters of INIT / INIT ACK (RFC 4895 §3).

use std::net::IpAddr;
use std::process::Command;

/// Chunk types (RFC 9260 §3.2, RFC 4895 §4.1, RFC 5061 §4.1.1).
pub const DATA: u8 = 0;
pub const INIT: u8 = 1;
pub const INIT_ACK: u8 = 2;
pub const ABORT: u8 = 6;
pub const SHUTDOWN: u8 = 7;
pub const SHUTDOWN_ACK: u8 = 8;
pub const SHUTDOWN_COMPLETE: u8 = 14;
pub const AUTH: u8 = 15;
pub const ASCONF_ACK: u8 = 0x80;
pub const ASCONF: u8 = 0xc1;

/// One SCTP packet of a capture, as far as AUTH goes.
#[derive(Debug, Clone, Default)]
pub struct APkt {
    pub frame: u32,
    pub from_usctp: bool,
    pub udp: bool,
    /// Chunk types in order.
    pub chunks: Vec<u8>,
    /// HMAC identifiers: of the AUTH chunks, or of the HMAC-ALGO parameter in INIT / INIT ACK.
    pub hmac_ids: Vec<u16>,
    /// Shared key identifiers of its AUTH chunks.
    pub key_ids: Vec<u16>,
    /// Chunk types of the CHUNKS parameter (INIT / INIT ACK).
    pub auth_chunks: Vec<u8>,
    /// Bytes of RANDOM (INIT / INIT ACK), 0 without one.
    pub random_len: usize,
}

impl APkt {
    pub fn has(&self, t: u8) -> bool {
        self.chunks.contains(&t)
    }

    /// Whether an AUTH chunk comes before the first chunk of type `t` (false without `t`).
    pub fn auth_before(&self, t: u8) -> bool {
        let first = |x| self.chunks.iter().position(|&c| c == x);
        matches!((first(AUTH), first(t)), (Some(a), Some(d)) if a < d)
    }
}

/// Decimal, or hexadecimal with 0x.
fn nums<T: TryFrom<u64>>(s: &str) -> Vec<T> {
    s.split(',')
        .filter_map(|v| match v.strip_prefix("0x") {
            Some(h) => u64::from_str_radix(h, 16).ok(),
            None => v.parse().ok(),
        })
        .filter_map(|v| T::try_from(v).ok())
        .collect()
}

/// Decode `pcap` with tshark (SCTP also in UDP 9899, CRC32c checked). `Err` when a checksum
/// is not good, a packet is malformed or has an expert error, or there is no SCTP at all.
/// `usctp` are usctp's addresses.
pub fn decode(pcap: &str, usctp: &[IpAddr]) -> Result<Vec<APkt>, String> {
    let fields = [
        "frame.number",
        "ip.src",
        "ipv6.src",
        "udp.srcport",
        "sctp.chunk_type",
        "sctp.checksum.status",
        "_ws.expert.severity",
        "_ws.malformed",
        "sctp.hmac_id",
        "sctp.shared_key_id",
        "sctp.chunk_type_to_auth",
        "sctp.random_number",
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
    let mut pkts = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = line.split('|').collect();
        let [frame, ip4, ip6, udp, chunks, crc, sev, malformed, hmac, key, to_auth, random] = f[..]
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
        pkts.push(APkt {
            frame: frame.parse().unwrap_or(0),
            from_usctp: src.is_some_and(|s| usctp.contains(&s)),
            udp: !udp.is_empty(),
            chunks: nums(chunks),
            hmac_ids: nums(hmac),
            key_ids: nums(key),
            auth_chunks: nums(to_auth),
            // tshark prints bytes as hex digits, with or without colons.
            random_len: random.chars().filter(|c| c.is_ascii_hexdigit()).count() / 2,
        });
    }
    if pkts.is_empty() {
        return Err(format!("{pcap}: no SCTP packet"));
    }
    Ok(pkts)
}
