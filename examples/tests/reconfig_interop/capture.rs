//! The tshark decoding of a case's capture (RE-CONFIG parameters, DATA stream / SSN / TSN,
//! the ending) and the questions the verdicts ask of it.

use std::net::IpAddr;
use std::process::Command;

use super::*;
pub use crate::pr_interop::tsn_ge;

/// One chunk of a captured packet, as far as these cases care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk {
    Data { sid: u16, ssn: u16, tsn: u32 },
    Reconfig,
    Other(u8),
}

/// One parameter of a RE-CONFIG chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub ty: u16,
    pub req_seq: Option<u32>,
    pub resp_seq: Option<u32>,
    pub result: Option<u32>,
}

/// One SCTP packet of a capture.
#[derive(Debug, Clone)]
pub struct RPkt {
    pub frame: u32,
    pub from_usctp: bool,
    pub udp: bool,
    pub chunks: Vec<Chunk>,
    /// Parameters of its RE-CONFIG chunks, in order.
    pub params: Vec<Param>,
    /// Stream numbers listed in its reset requests.
    pub reset_sids: Vec<u16>,
    /// Numbers of streams of its Add Outgoing / Incoming Streams requests.
    pub add_out: Vec<u16>,
    pub add_in: Vec<u16>,
    /// New cumulative TSNs of its FORWARD TSN chunks.
    pub fwd_tsn: Vec<u32>,
    /// Cumulative TSN acks of its SACK and SHUTDOWN chunks.
    pub cum_acks: Vec<u32>,
}

impl RPkt {
    pub fn has(&self, t: u8) -> bool {
        self.chunks.iter().any(|c| match c {
            Chunk::Data { .. } => t == DATA,
            Chunk::Reconfig => t == RECONFIG,
            Chunk::Other(x) => *x == t,
        })
    }
    pub fn param(&self, ty: u16) -> Option<&Param> {
        self.params.iter().find(|p| p.ty == ty)
    }
    pub fn data(&self) -> impl Iterator<Item = (u16, u16, u32)> + '_ {
        self.chunks.iter().filter_map(|c| match *c {
            Chunk::Data { sid, ssn, tsn } => Some((sid, ssn, tsn)),
            _ => None,
        })
    }
}

/// Decode `pcap` with tshark (SCTP also in UDP 9899, CRC32c checked, absolute TSNs). `Err`
/// when a checksum is not good, a packet is malformed or has an expert error, or there is no
/// SCTP at all. `usctp` are usctp's addresses.
pub fn decode(pcap: &str, usctp: &[IpAddr]) -> Result<Vec<RPkt>, String> {
    let fields = [
        "frame.number",
        "ip.src",
        "ipv6.src",
        "udp.srcport",
        "sctp.chunk_type",
        "sctp.checksum.status",
        "_ws.expert.severity",
        "_ws.malformed",
        "sctp.data_sid",
        "sctp.data_ssn",
        "sctp.data_tsn_raw",
        "sctp.parameter_type",
        "sctp.parameter_reconfig_request_sequence_number",
        "sctp.parameter_reconfig_response_sequence_number",
        "sctp.parameter_reconfig_response_result",
        "sctp.parameter_reconfig_sid",
        "sctp.parameter_add_outgoing_streams_number",
        "sctp.parameter_add_incoming_streams_number",
        "sctp.forward_tsn_tsn",
        "sctp.sack_cumulative_tsn_ack_raw",
        "sctp.shutdown_cumulative_tsn_ack",
    ];
    let mut cmd = Command::new("tshark");
    cmd.args(["-r", pcap, "-n", "-d", "udp.port==9899,sctp"])
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
        ]);
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
    // Decimal, or hexadecimal with 0x (tshark prints parameter types so).
    fn nums<T: TryFrom<u64>>(s: &str) -> Vec<T> {
        s.split(',')
            .filter_map(|v| match v.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16).ok(),
                None => v.parse().ok(),
            })
            .filter_map(|v| T::try_from(v).ok())
            .collect()
    }
    let mut pkts = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = line.split('|').collect();
        let [frame, ip4, ip6, udp, chunks, crc, sev, malformed, sid, ssn, tsn, pty, rq, rs, res, rsid, ao, ai, fwd, sack, sdcum] =
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
        let src: Option<IpAddr> = if ip4.is_empty() { ip6 } else { ip4 }
            .split(',')
            .next()
            .and_then(|s| s.parse().ok());
        let types: Vec<u8> = nums(chunks);
        let (sids, ssns, tsns): (Vec<u16>, Vec<u16>, Vec<u32>) = (nums(sid), nums(ssn), nums(tsn));
        let mut d = 0;
        let chunks: Vec<Chunk> = types
            .iter()
            .map(|&t| match t {
                DATA => {
                    let c = Chunk::Data {
                        sid: sids.get(d).copied().unwrap_or(u16::MAX),
                        ssn: ssns.get(d).copied().unwrap_or(u16::MAX),
                        tsn: tsns.get(d).copied().unwrap_or(0),
                    };
                    d += 1;
                    c
                }
                RECONFIG => Chunk::Reconfig,
                t => Chunk::Other(t),
            })
            .collect();
        // Parameters of the RE-CONFIG chunks: each field taken in order by the parameter
        // types that carry it (RFC 6525 §4).
        let mut params = Vec::new();
        if types.contains(&RECONFIG) {
            let (rq, rs, res): (Vec<u32>, Vec<u32>, Vec<u32>) = (nums(rq), nums(rs), nums(res));
            let (mut iq, mut is, mut ir) = (rq.iter(), rs.iter(), res.iter());
            for ty in nums::<u16>(pty) {
                let mut p = Param {
                    ty,
                    req_seq: None,
                    resp_seq: None,
                    result: None,
                };
                if matches!(
                    ty,
                    P_OUT_RESET | P_IN_RESET | P_SSN_TSN_RESET | P_ADD_OUT | P_ADD_IN
                ) {
                    p.req_seq = iq.next().copied();
                }
                if matches!(ty, P_OUT_RESET | P_RESPONSE) {
                    p.resp_seq = is.next().copied();
                }
                if ty == P_RESPONSE {
                    p.result = ir.next().copied();
                }
                params.push(p);
            }
        }
        pkts.push(RPkt {
            frame: frame.parse().unwrap_or(0),
            from_usctp: src.is_some_and(|s| usctp.contains(&s)),
            udp: !udp.is_empty(),
            chunks,
            params,
            reset_sids: nums(rsid),
            add_out: nums(ao),
            add_in: nums(ai),
            fwd_tsn: nums(fwd),
            cum_acks: nums(sack).into_iter().chain(nums(sdcum)).collect(),
        });
    }
    if pkts.is_empty() {
        return Err(format!("{pcap}: no SCTP packet"));
    }
    Ok(pkts)
}

/// A request of `ty` from `from_usctp`'s side and the other side's answer to it.
#[derive(Debug)]
pub struct Exchange {
    /// Index of the packet with the (first) request and of the one with its response.
    pub req: usize,
    pub resp: usize,
    pub req_param: Param,
    pub result: u32,
    /// How many times the request went out.
    pub sent: usize,
}

pub(super) fn side(from_usctp: bool) -> &'static str {
    if from_usctp {
        "usctp"
    } else {
        "the peer"
    }
}

/// The first request of type `ty` from `from_usctp`'s side and the first Re-configuration
/// Response to its sequence number from the other side.
pub fn exchange(pkts: &[RPkt], from_usctp: bool, ty: u16) -> Result<Exchange, String> {
    let (req, p) = pkts
        .iter()
        .enumerate()
        .find_map(|(i, p)| Some((i, *p.param(ty).filter(|_| p.from_usctp == from_usctp)?)))
        .ok_or_else(|| {
            format!(
                "capture: no RE-CONFIG with parameter type {ty} from {}",
                side(from_usctp)
            )
        })?;
    let seq = p.req_seq;
    let sent = pkts
        .iter()
        .filter(|q| q.from_usctp == from_usctp)
        .filter(|q| q.params.iter().any(|x| x.ty == ty && x.req_seq == seq))
        .count();
    let (resp, result) = pkts
        .iter()
        .enumerate()
        .skip(req + 1)
        .filter(|(_, q)| q.from_usctp != from_usctp)
        .find_map(|(j, q)| {
            q.params
                .iter()
                .find(|x| x.ty == P_RESPONSE && x.resp_seq == seq)
                .map(|x| (j, x.result.unwrap_or(u32::MAX)))
        })
        .ok_or_else(|| {
            format!(
                "capture: no Re-configuration Response from {} to {}'s request type {ty} seq {seq:?} (frame {})",
                side(!from_usctp),
                side(from_usctp),
                pkts[req].frame
            )
        })?;
    Ok(Exchange {
        req,
        resp,
        req_param: p,
        result,
        sent,
    })
}

/// DATA chunks from `from_usctp`'s side after the packet `after` (exclusive) on `sid`:
/// (ssn, tsn) in capture order, retransmissions included.
pub fn data_after(pkts: &[RPkt], from_usctp: bool, after: usize, sid: u16) -> Vec<(u16, u32)> {
    pkts.iter()
        .skip(after + 1)
        .filter(|p| p.from_usctp == from_usctp)
        .flat_map(|p| p.data())
        .filter(|d| d.0 == sid)
        .map(|d| (d.1, d.2))
        .collect()
}

/// DATA chunks from `from_usctp`'s side before packet `before` (exclusive) on `sid`.
pub fn data_before(pkts: &[RPkt], from_usctp: bool, before: usize, sid: u16) -> Vec<(u16, u32)> {
    pkts.iter()
        .take(before)
        .filter(|p| p.from_usctp == from_usctp)
        .flat_map(|p| p.data())
        .filter(|d| d.0 == sid)
        .map(|d| (d.1, d.2))
        .collect()
}

/// SSNs of `d` with repeats (retransmissions, same TSN) removed.
pub fn ssns(d: &[(u16, u32)]) -> Vec<u16> {
    let mut seen = std::collections::HashSet::new();
    d.iter().filter(|x| seen.insert(x.1)).map(|x| x.0).collect()
}

/// usctp DATA chunks on `sid` (any stream when `None`) sent after usctp's request (in the
/// request's packet, after its RE-CONFIG chunk; or in a later packet) and before the
/// response arrived.
pub fn usctp_data_between(pkts: &[RPkt], x: &Exchange, sid: Option<u16>) -> Vec<(u16, u16, u32)> {
    let mut v = Vec::new();
    let want = |d: &(u16, u16, u32)| sid.is_none_or(|s| s == d.0);
    let rp = &pkts[x.req];
    let mut after = false;
    for c in &rp.chunks {
        match *c {
            Chunk::Reconfig => after = true,
            Chunk::Data { sid, ssn, tsn } if after && want(&(sid, ssn, tsn)) => {
                v.push((sid, ssn, tsn))
            }
            _ => {}
        }
    }
    for p in &pkts[x.req + 1..x.resp] {
        if p.from_usctp {
            v.extend(p.data().filter(want));
        }
    }
    v
}

/// Every packet in UDP or none; no ABORT; SHUTDOWN from usctp, SHUTDOWN ACK from the peer,
/// SHUTDOWN COMPLETE from usctp, in this order.
pub fn graceful(pkts: &[RPkt], udp: bool) -> Result<(), String> {
    if pkts.iter().any(|p| p.udp != udp) {
        return Err(format!(
            "capture: SCTP packets {} UDP",
            if udp { "outside" } else { "inside" }
        ));
    }
    if let Some(p) = pkts.iter().find(|p| p.has(ABORT)) {
        return Err(format!(
            "capture: an ABORT from {} (frame {})",
            side(p.from_usctp),
            p.frame
        ));
    }
    let mut it = pkts.iter();
    for (from, t) in [
        (true, SHUTDOWN),
        (false, SHUTDOWN_ACK),
        (true, SHUTDOWN_COMPLETE),
    ] {
        if !it.any(|p| p.from_usctp == from && p.has(t)) {
            return Err(format!(
                "capture: no graceful shutdown by usctp: chunk {t} from {} missing",
                side(from)
            ));
        }
    }
    Ok(())
}
