//! Shared by the stream reconfiguration (RFC 6525) interop cases against the C test peers
//! (`interop_usrsctp_reconfig.rs`: usrsctp_peer in a namespace of the test's own;
//! `interop_kernel/reconfig.rs`: kernel_peer in the QEMU guest). In every case usctp is the
//! client and the peer a server (`--role server`, receiving until usctp shuts down); the
//! peer's options make its side of the case. This module has the cases, usctp's side of each
//! with the tokio API, the peer's output lines that matter (`msg ... ssn=`, `event
//! stream_reset|stream_change|assoc_reset`, `action`), the tshark decoding of the RE-CONFIG
//! chunks (parameter by parameter: type, request and response sequence numbers, result) and
//! of the DATA chunks (stream, SSN, TSN), and each case's verdict.
// Each suite uses a part of this module.
#![allow(dead_code)]

use std::net::IpAddr;
use std::process::Command;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::{timeout, Instant};
use usctp::{Association, Error, Event, StreamDirection};

use crate::pr_interop::body;
use crate::pr_interop::idx_of;

/// Message size of every message of these cases (the peers' default `--size`).
pub const SIZE: usize = 1000;

/// RE-CONFIG chunk type (RFC 6525 §3.1).
pub const RECONFIG: u8 = 130;
pub const DATA: u8 = 0;
pub const ABORT: u8 = 6;
pub const SHUTDOWN: u8 = 7;
pub const SHUTDOWN_ACK: u8 = 8;
pub const SHUTDOWN_COMPLETE: u8 = 14;

/// RE-CONFIG parameter types (RFC 6525 §4).
pub const P_OUT_RESET: u16 = 13;
pub const P_IN_RESET: u16 = 14;
pub const P_SSN_TSN_RESET: u16 = 15;
pub const P_RESPONSE: u16 = 16;
pub const P_ADD_OUT: u16 = 17;
pub const P_ADD_IN: u16 = 18;

/// RFC 6525 §4.4 result codes.
pub fn result_name(r: u32) -> String {
    let n = match r {
        0 => "Success - Nothing to do",
        1 => "Success - Performed",
        2 => "Denied",
        3 => "Error - Wrong SSN",
        4 => "Error - Request already in progress",
        5 => "Error - Bad Sequence Number",
        6 => "In progress",
        _ => "unknown",
    };
    format!("{r} ({n})")
}

/// The cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// usctp sends on streams 1 and 2, resets its outgoing stream 1 (or all of them), sends
    /// more on both.
    UsctpResets { all: bool },
    /// The peer sends 3 messages on stream 1, resets its outgoing stream 1; it echoes what
    /// usctp sends after it.
    PeerResets,
    /// usctp asks the peer to reset its outgoing stream 1 (Incoming SSN Reset Request).
    UsctpAsksPeerReset,
    /// usctp adds 2 outgoing streams and sends on the last.
    UsctpAddsStreams,
    /// The peer (4 outgoing streams) adds 2 outgoing streams; usctp sends on the new stream
    /// 5, the peer echoes on it.
    PeerAddsStreams,
    /// usctp resets SSNs and TSNs between messages on stream 1.
    UsctpResetsAssoc,
    /// The peer sends 3 messages on stream 1, resets SSNs and TSNs, echoes usctp's.
    PeerResetsAssoc,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::UsctpResets { all: false },
        Kind::UsctpResets { all: true },
        Kind::PeerResets,
        Kind::UsctpAsksPeerReset,
        Kind::UsctpAddsStreams,
        Kind::PeerAddsStreams,
        Kind::UsctpResetsAssoc,
        Kind::PeerResetsAssoc,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::UsctpResets { all: false } => "usctp_resets_out_1",
            Kind::UsctpResets { all: true } => "usctp_resets_out_all",
            Kind::PeerResets => "peer_resets_out_1",
            Kind::UsctpAsksPeerReset => "usctp_requests_peer_reset_1",
            Kind::UsctpAddsStreams => "usctp_adds_2_out",
            Kind::PeerAddsStreams => "peer_adds_2_out",
            Kind::UsctpResetsAssoc => "usctp_resets_ssn_tsn",
            Kind::PeerResetsAssoc => "peer_resets_ssn_tsn",
        }
    }

    /// The peer's options for the case (after its role, ports and timeout).
    pub fn peer_args(self) -> Vec<String> {
        let a: &[&str] = match self {
            Kind::UsctpResets { .. } | Kind::UsctpAddsStreams | Kind::UsctpResetsAssoc => &[],
            Kind::PeerResets => &[
                "--send",
                "3",
                "--stream",
                "1",
                "--reset-streams",
                "out:1",
                "--echo",
            ],
            Kind::UsctpAsksPeerReset => &["--send", "3", "--stream", "1", "--echo"],
            Kind::PeerAddsStreams => &["--streams", "4", "--add-streams", "2,0", "--echo"],
            Kind::PeerResetsAssoc => &["--send", "3", "--stream", "1", "--reset-assoc", "--echo"],
        };
        a.iter().map(|s| s.to_string()).collect()
    }
}

/// What usctp saw.
#[derive(Debug, Default)]
pub struct UsctpReport {
    /// Every event, in order.
    pub events: Vec<Event>,
    /// Messages received: (stream, idx, intact).
    pub rx: Vec<(u16, u32, bool)>,
    /// The stream usctp sent on after adding streams.
    pub new_stream: Option<u16>,
    /// The shutdown's outcome: "graceful" or the error.
    pub end: String,
}

impl UsctpReport {
    pub fn reconfig_events(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Event::StreamsReset { .. }
                        | Event::StreamsAdded { .. }
                        | Event::AssociationReset { .. }
                        | Event::ReconfigFailed { .. }
                )
            })
            .map(|e| format!("{e:?}"))
            .collect()
    }
}

/// The lock, even if a thread panicked holding it (the data is plain).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Default)]
struct Seen {
    events: Mutex<Vec<Event>>,
    rx: Mutex<Vec<(u16, u32, bool)>>,
}

impl Seen {
    fn has(&self, f: impl Fn(&Event) -> bool) -> bool {
        lock(&self.events).iter().any(f)
    }
    fn nrx(&self) -> usize {
        lock(&self.rx).len()
    }
}

/// Wait (at most `secs`) until `cond`; `Err` naming `what` and what was seen.
async fn until(
    seen: &Seen,
    secs: u64,
    what: &str,
    cond: impl Fn(&Seen) -> bool,
) -> Result<(), String> {
    let end = Instant::now() + Duration::from_secs(secs);
    while !cond(seen) {
        if Instant::now() > end {
            let ev: Vec<String> = lock(&seen.events)
                .iter()
                .map(|e| format!("{e:?}"))
                .collect();
            return Err(format!(
                "usctp: no {what} within {secs} s; events {ev:?}; received {:?}",
                lock(&seen.rx)
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

fn failed(seen: &Seen) -> Option<String> {
    lock(&seen.events)
        .iter()
        .find(|e| matches!(e, Event::ReconfigFailed { .. }))
        .map(|e| format!("usctp: {e:?}"))
}

async fn send(a: &Association, stream: u16, idx: u32) -> Result<(), String> {
    a.send(stream, body(idx, SIZE))
        .await
        .map_err(|e| format!("usctp send idx {idx} on stream {stream}: {e}"))
}

/// usctp's side of `kind` on the established association `a`, then a graceful shutdown.
pub async fn run_usctp(kind: Kind, a: Arc<Association>) -> Result<UsctpReport, String> {
    let seen = Arc::new(Seen::default());
    let ev = {
        let (a, seen) = (Arc::clone(&a), Arc::clone(&seen));
        tokio::spawn(async move {
            while let Some(e) = a.event().await {
                lock(&seen.events).push(e);
            }
        })
    };
    let rx = {
        let (a, seen) = (Arc::clone(&a), Arc::clone(&seen));
        tokio::spawn(async move {
            loop {
                match a.recv().await {
                    Ok(m) => {
                        let idx = idx_of(&m.payload).unwrap_or(u32::MAX);
                        let ok = m.payload.len() == SIZE && m.payload[..] == body(idx, SIZE)[..];
                        lock(&seen.rx).push((m.stream.0, idx, ok));
                    }
                    Err(Error::Closed(None)) => return "graceful".to_string(),
                    Err(e) => return format!("{e}"),
                }
            }
        })
    };
    let mut new_stream = None;
    let script = async {
        let s = &*seen;
        let incoming_1 = |s: &Seen| {
            s.has(|e| {
                matches!(e, Event::StreamsReset { direction: StreamDirection::Incoming, streams }
                    if streams.iter().map(|x| x.0).eq([1]))
            })
        };
        match kind {
            Kind::UsctpResets { all } => {
                for i in 0..3 {
                    send(&a, 1, i).await?;
                    send(&a, 2, 10 + i).await?;
                }
                let list: &[u16] = if all { &[] } else { &[1] };
                a.reset_streams(list)
                    .await
                    .map_err(|e| format!("usctp reset_streams({list:?}): {e}"))?;
                for i in 3..6 {
                    send(&a, 1, i).await?;
                }
                send(&a, 2, 13).await?;
                send(&a, 2, 14).await?;
                until(s, 8, "StreamsReset (outgoing)", |s| {
                    failed(s).is_some()
                        || s.has(|e| {
                            matches!(
                                e,
                                Event::StreamsReset {
                                    direction: StreamDirection::Outgoing,
                                    ..
                                }
                            )
                        })
                })
                .await?;
            }
            Kind::PeerResets => {
                until(s, 8, "3 messages", |s| s.nrx() >= 3).await?;
                until(s, 8, "StreamsReset (incoming) of stream 1", incoming_1).await?;
                for i in 3..6 {
                    send(&a, 1, i).await?;
                }
                until(s, 8, "the 3 echoed messages", |s| s.nrx() >= 6).await?;
            }
            Kind::UsctpAsksPeerReset => {
                until(s, 8, "3 messages", |s| s.nrx() >= 3).await?;
                a.request_peer_reset(&[1])
                    .await
                    .map_err(|e| format!("usctp request_peer_reset([1]): {e}"))?;
                until(s, 8, "StreamsReset (incoming) of stream 1", |s| {
                    failed(s).is_some() || incoming_1(s)
                })
                .await?;
                if let Some(f) = failed(s) {
                    return Err(f);
                }
                for i in 3..6 {
                    send(&a, 1, i).await?;
                }
                until(s, 8, "the 3 echoed messages", |s| s.nrx() >= 6).await?;
            }
            Kind::UsctpAddsStreams => {
                a.add_streams(2, 0)
                    .await
                    .map_err(|e| format!("usctp add_streams(2, 0): {e}"))?;
                until(s, 8, "StreamsAdded", |s| {
                    failed(s).is_some() || s.has(|e| matches!(e, Event::StreamsAdded { .. }))
                })
                .await?;
                if let Some(f) = failed(s) {
                    return Err(f);
                }
                let out = lock(&s.events)
                    .iter()
                    .find_map(|e| match e {
                        Event::StreamsAdded { outbound, .. } => Some(*outbound),
                        _ => None,
                    })
                    .unwrap_or(0);
                let sid = out.saturating_sub(1);
                new_stream = Some(sid);
                send(&a, sid, 0).await?;
                send(&a, sid, 1).await?;
            }
            Kind::PeerAddsStreams => {
                until(s, 8, "StreamsAdded", |s| {
                    s.has(|e| matches!(e, Event::StreamsAdded { .. }))
                })
                .await?;
                new_stream = Some(5);
                send(&a, 5, 0).await?;
                send(&a, 5, 1).await?;
                until(s, 8, "the 2 echoed messages", |s| s.nrx() >= 2).await?;
            }
            Kind::UsctpResetsAssoc => {
                for i in 0..3 {
                    send(&a, 1, i).await?;
                }
                a.reset_ssn_tsn()
                    .await
                    .map_err(|e| format!("usctp reset_ssn_tsn(): {e}"))?;
                for i in 3..6 {
                    send(&a, 1, i).await?;
                }
                until(s, 8, "AssociationReset", |s| {
                    failed(s).is_some() || s.has(|e| matches!(e, Event::AssociationReset { .. }))
                })
                .await?;
            }
            Kind::PeerResetsAssoc => {
                until(s, 8, "3 messages", |s| s.nrx() >= 3).await?;
                until(s, 8, "AssociationReset", |s| {
                    s.has(|e| matches!(e, Event::AssociationReset { .. }))
                })
                .await?;
                for i in 3..6 {
                    send(&a, 1, i).await?;
                }
                until(s, 8, "the 3 echoed messages", |s| s.nrx() >= 6).await?;
            }
        }
        Ok::<(), String>(())
    };
    let r = script.await;
    let end = match timeout(Duration::from_secs(10), a.shutdown()).await {
        Err(_) => "shutdown did not complete within 10 s".to_string(),
        Ok(Err(e)) => format!("shutdown: {e}"),
        Ok(Ok(())) => "graceful".to_string(),
    };
    let rx_end = timeout(Duration::from_secs(3), rx)
        .await
        .map_err(|_| "receiver did not end after the shutdown".to_string())?
        .map_err(|e| format!("receiver task: {e}"))?;
    let _ = timeout(Duration::from_secs(3), ev).await;
    r?;
    let seen = Arc::try_unwrap(seen).map_err(|_| "seen still shared".to_string())?;
    Ok(UsctpReport {
        events: seen.events.into_inner().unwrap_or_else(|e| e.into_inner()),
        rx: seen.rx.into_inner().unwrap_or_else(|e| e.into_inner()),
        new_stream,
        end: if end == "graceful" && rx_end != "graceful" {
            format!("receive ended: {rx_end}")
        } else {
            end
        },
    })
}

/// The peer's output lines that matter here.
#[derive(Debug, Default)]
pub struct PeerLines {
    /// (sid, ssn, idx) of each `msg` line.
    pub msgs: Vec<(u16, u16, u32)>,
    /// `event stream_reset|stream_change|assoc_reset ...` lines, without "event ".
    pub events: Vec<String>,
    /// `action ...` lines, without "action ".
    pub actions: Vec<String>,
    /// (in, out) of its `event assoc_change state=comm_up in=N out=N` line: the streams
    /// at the association's start (its `up` line can come after a reconfiguration).
    pub comm_up: Option<(u16, u16)>,
    pub text: String,
}

impl PeerLines {
    pub fn parse(text: &str) -> PeerLines {
        let mut p = PeerLines {
            text: text.to_string(),
            ..PeerLines::default()
        };
        for line in text.lines() {
            let num = |k: &str| -> u64 {
                line.split_whitespace()
                    .find_map(|f| f.strip_prefix(k)?.strip_prefix('='))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(u64::MAX)
            };
            if line.starts_with("msg ") {
                p.msgs
                    .push((num("sid") as u16, num("ssn") as u16, num("idx") as u32));
            } else if let Some(e) = line.strip_prefix("event ") {
                if ["stream_reset", "stream_change", "assoc_reset"]
                    .iter()
                    .any(|k| e.starts_with(k))
                {
                    p.events.push(e.to_string());
                }
            } else if let Some(a) = line.strip_prefix("action ") {
                p.actions.push(a.to_string());
            }
            if line.starts_with("event assoc_change state=comm_up ") {
                p.comm_up = Some((num("in") as u16, num("out") as u16));
            }
        }
        p
    }

    /// (ssn, idx) of the messages on `sid`, in arrival order.
    pub fn on(&self, sid: u16) -> Vec<(u16, u32)> {
        self.msgs
            .iter()
            .filter(|m| m.0 == sid)
            .map(|m| (m.1, m.2))
            .collect()
    }

    pub fn tail(&self) -> String {
        let lines: Vec<&str> = self.text.lines().collect();
        lines[lines.len().saturating_sub(8)..].join(" | ")
    }
}

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

fn side(from_usctp: bool) -> &'static str {
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

/// `a` at or after `b` in serial number arithmetic (RFC 1982).
pub fn tsn_ge(a: u32, b: u32) -> bool {
    a.wrapping_sub(b) as i32 >= 0
}

fn need(ok: bool, nums: &str, why: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("{}; so far: {nums}", why()))
    }
}

/// The result of `x` must be Success - Performed.
fn performed(x: &Exchange, what: &str) -> Result<(), String> {
    if x.result == 1 {
        Ok(())
    } else {
        Err(format!(
            "{what}: result {} (request frame index {}, response index {})",
            result_name(x.result),
            x.req,
            x.resp
        ))
    }
}

fn has_event(u: &UsctpReport, f: impl Fn(&Event) -> bool) -> bool {
    u.events.iter().any(f)
}

/// The verdict of `kind`: usctp's report `u`, the peer's output `p` (and whether it exited
/// 0), the capture `pkts`.
pub fn check(
    kind: Kind,
    u: &UsctpReport,
    p: &PeerLines,
    peer_ok: bool,
    pkts: &[RPkt],
    udp: bool,
) -> Result<String, String> {
    let mut nums = format!(
        "usctp events {:?}; peer events {:?}, actions {:?}",
        u.reconfig_events(),
        p.events,
        p.actions
    );
    if let Some(f) = u
        .events
        .iter()
        .find(|e| matches!(e, Event::ReconfigFailed { .. }))
    {
        return Err(format!("usctp: {f:?}; {nums}"));
    }
    if let Some(e) = p
        .events
        .iter()
        .find(|e| e.contains("denied") || e.contains("failed"))
    {
        return Err(format!("peer: event {e}; {nums}"));
    }
    need(peer_ok, &nums, || format!("peer failed: {}", p.tail()))?;
    if let Some(m) = u.rx.iter().find(|m| !m.2) {
        return Err(format!("usctp received a bad message {m:?}; {nums}"));
    }
    let rx1: Vec<u32> = u.rx.iter().filter(|m| m.0 == 1).map(|m| m.1).collect();
    match kind {
        Kind::UsctpResets { all } => {
            let want_streams: Vec<u16> = if all { vec![] } else { vec![1] };
            need(
                has_event(u, |e| {
                    matches!(e, Event::StreamsReset { direction: StreamDirection::Outgoing, streams }
                        if streams.iter().map(|s| s.0).eq(want_streams.iter().copied()))
                }),
                &nums,
                || format!("usctp: no StreamsReset {{ Outgoing, {want_streams:?} }}"),
            )?;
            let want_ev = format!(
                "stream_reset flags=incoming streams={}",
                if all { "all" } else { "1" }
            );
            need(p.events.contains(&want_ev), &nums, || {
                format!("peer: no `event {want_ev}`")
            })?;
            let s1 = p.on(1);
            let s2 = p.on(2);
            nums = format!("{nums}; peer got stream 1 (ssn, idx) {s1:?}, stream 2 {s2:?}");
            let want1 = vec![(0, 0), (1, 1), (2, 2), (0, 3), (1, 4), (2, 5)];
            let want2 = if all {
                vec![(0, 10), (1, 11), (2, 12), (0, 13), (1, 14)]
            } else {
                vec![(0, 10), (1, 11), (2, 12), (3, 13), (4, 14)]
            };
            need(s1 == want1, &nums, || {
                format!("peer: stream 1 should be {want1:?}")
            })?;
            need(s2 == want2, &nums, || {
                format!("peer: stream 2 should be {want2:?}")
            })?;
            let x = exchange(pkts, true, P_OUT_RESET)?;
            let rs = &pkts[x.req].reset_sids;
            nums = format!(
                "{nums}; capture: usctp Outgoing SSN Reset Request (sent {}x, seq {:?}, streams {rs:?}) answered by the peer: {}",
                x.sent,
                x.req_param.req_seq,
                result_name(x.result)
            );
            need(*rs == want_streams, &nums, || {
                format!("capture: request lists streams {rs:?}, not {want_streams:?}")
            })?;
            performed(&x, "the peer's response")?;
            let between = usctp_data_between(pkts, &x, if all { None } else { Some(1) });
            need(between.is_empty(), &nums, || {
                format!("capture: usctp sent DATA (sid, ssn, tsn) {between:?} between its request and the response")
            })?;
            let after = ssns(&data_after(pkts, true, x.resp, 1));
            nums = format!("{nums}; usctp DATA SSNs on stream 1 after the response {after:?}");
            need(after == [0, 1, 2], &nums, || {
                "capture: usctp's DATA on stream 1 after the response not SSN 0,1,2".into()
            })?;
        }
        Kind::PeerResets | Kind::UsctpAsksPeerReset => {
            need(
                has_event(u, |e| {
                    matches!(e, Event::StreamsReset { direction: StreamDirection::Incoming, streams }
                        if streams.iter().map(|s| s.0).eq([1]))
                }),
                &nums,
                || "usctp: no StreamsReset { Incoming, [1] }".into(),
            )?;
            nums = format!("{nums}; usctp received on stream 1 idx {rx1:?}");
            need(rx1 == [0, 1, 2, 3, 4, 5], &nums, || {
                "usctp: stream 1 not idx 0..5 in order".into()
            })?;
            need(
                p.events
                    .iter()
                    .any(|e| e.starts_with("stream_reset ") && e.ends_with(" streams=1")),
                &nums,
                || "peer: no stream_reset event of stream 1".into(),
            )?;
            if kind == Kind::PeerResets {
                need(
                    p.actions.iter().any(|a| a == "reset_streams ok"),
                    &nums,
                    || "peer: no `action reset_streams ok`".into(),
                )?;
            }
            let echo = p.on(1);
            nums = format!("{nums}; peer received on stream 1 (ssn, idx) {echo:?}");
            if kind == Kind::UsctpAsksPeerReset {
                // Answered implicitly by the peer's Outgoing SSN Reset Request (RFC 6525
                // §5.2.3: its Re-configuration Response Sequence Number is our request's), and
                // perhaps by a Re-configuration Response too (usrsctp sends one, Linux not).
                let (req, req_param) = pkts
                    .iter()
                    .enumerate()
                    .find_map(|(i, q)| Some((i, *q.param(P_IN_RESET).filter(|_| q.from_usctp)?)))
                    .ok_or_else(|| {
                        format!("capture: no Incoming SSN Reset Request from usctp; {nums}")
                    })?;
                let x = Exchange {
                    req,
                    resp: req,
                    req_param,
                    result: u32::MAX,
                    sent: pkts
                        .iter()
                        .filter(|q| q.from_usctp && q.params.iter().any(|r| r.ty == P_IN_RESET))
                        .count(),
                };
                nums = format!(
                    "{nums}; capture: usctp Incoming SSN Reset Request (sent {}x, seq {:?}, streams {:?})",
                    x.sent, x.req_param.req_seq, pkts[x.req].reset_sids
                );
                // Answered by the peer's Outgoing SSN Reset Request (its response sequence
                // number = our request's) and maybe a response too.
                let out = pkts.iter().enumerate().skip(x.req + 1).find(|(_, q)| {
                    !q.from_usctp
                        && q.params
                            .iter()
                            .any(|r| r.ty == P_OUT_RESET && r.resp_seq == x.req_param.req_seq)
                });
                let resp = pkts
                    .iter()
                    .skip(x.req + 1)
                    .filter(|q| !q.from_usctp)
                    .find_map(|q| {
                        q.params
                            .iter()
                            .find(|r| r.ty == P_RESPONSE && r.resp_seq == x.req_param.req_seq)
                            .and_then(|r| r.result)
                    });
                nums = format!(
                    "{nums}; the peer's Outgoing SSN Reset Request answering it: {}, its Re-configuration Response to it: {}",
                    out.map_or("none".to_string(), |(_, q)| format!("streams {:?}", q.reset_sids)),
                    resp.map_or("none".to_string(), result_name)
                );
                need(out.is_some(), &nums, || {
                    "capture: no Outgoing SSN Reset Request from the peer answering usctp's Incoming one".into()
                })?;
                if let Some(r) = resp {
                    need(r <= 1, &nums, || {
                        format!("capture: the peer answered {}", result_name(r))
                    })?;
                }
            }
            let x = exchange(pkts, false, P_OUT_RESET)?;
            let rs = &pkts[x.req].reset_sids;
            let before = ssns(&data_before(pkts, false, x.req, 1));
            let after = ssns(&data_after(pkts, false, x.req, 1));
            nums = format!(
                "{nums}; capture: the peer's Outgoing SSN Reset Request (sent {}x, streams {rs:?}) answered by usctp: {}; the peer's DATA SSNs on stream 1 before it {before:?}, after {after:?}",
                x.sent,
                result_name(x.result)
            );
            need(*rs == [1], &nums, || {
                "capture: the request does not list stream 1".into()
            })?;
            performed(&x, "usctp's response")?;
            need(before == [0, 1, 2] && after == [0, 1, 2], &nums, || {
                "capture: the peer's SSNs on stream 1 not 0,1,2 before and 0,1,2 after the reset"
                    .into()
            })?;
        }
        Kind::UsctpAddsStreams => {
            let added = u.events.iter().find_map(|e| match e {
                Event::StreamsAdded { outbound, inbound } => Some((*outbound, *inbound)),
                _ => None,
            });
            let sid = u.new_stream.unwrap_or(u16::MAX);
            let got = p.on(sid);
            nums = format!("{nums}; peer streams at comm_up (in, out) {:?}; peer received on stream {sid} (ssn, idx) {got:?}", p.comm_up);
            let Some((out, _)) = added else {
                return Err(format!("usctp: no StreamsAdded; {nums}"));
            };
            let (peer_in, peer_out) = p
                .comm_up
                .ok_or_else(|| format!("peer: no comm_up event; {nums}"))?;
            need(out == peer_in + 2, &nums, || {
                format!(
                    "usctp: {out} outbound streams after adding 2 to the peer's {peer_in} inbound"
                )
            })?;
            // usrsctp reports the new totals; Linux the numbers added.
            let totals = format!("stream_change flags=ok in={} out={peer_out}", peer_in + 2);
            let added = "stream_change flags=ok in=2 out=0".to_string();
            need(
                p.events.iter().any(|e| *e == totals || *e == added),
                &nums,
                || format!("peer: no `event {totals}` (or `event {added}`)"),
            )?;
            need(got == [(0, 0), (1, 1)], &nums, || {
                format!("peer: stream {sid} should have (ssn, idx) (0,0),(1,1)")
            })?;
            let x = exchange(pkts, true, P_ADD_OUT)?;
            nums = format!(
                "{nums}; capture: usctp Add Outgoing Streams Request ({:?} streams, sent {}x) answered by the peer: {}",
                pkts[x.req].add_out,
                x.sent,
                result_name(x.result)
            );
            need(pkts[x.req].add_out == [2], &nums, || {
                "capture: not 2 streams added".into()
            })?;
            performed(&x, "the peer's response")?;
            let d = data_after(pkts, true, x.resp, sid);
            nums = format!("{nums}; usctp DATA on stream {sid} after it (ssn, tsn) {d:?}");
            need(
                !d.is_empty() && data_before(pkts, true, x.resp, sid).is_empty(),
                &nums,
                || format!("capture: usctp DATA on stream {sid} not only after the response"),
            )?;
        }
        Kind::PeerAddsStreams => {
            let added = u.events.iter().find_map(|e| match e {
                Event::StreamsAdded { outbound, inbound } => Some((*outbound, *inbound)),
                _ => None,
            });
            let r5: Vec<u32> = u.rx.iter().filter(|m| m.0 == 5).map(|m| m.1).collect();
            nums = format!("{nums}; peer streams at comm_up (in, out) {:?}; usctp received on stream 5 idx {r5:?}", p.comm_up);
            need(p.comm_up.is_some_and(|c| c.1 == 4), &nums, || {
                "peer: not 4 outbound streams at comm_up".into()
            })?;
            need(added.is_some_and(|a| a.1 == 6), &nums, || {
                format!("usctp: StreamsAdded {added:?}, not 6 inbound")
            })?;
            need(
                p.actions.iter().any(|a| a == "add_streams ok"),
                &nums,
                || "peer: no `action add_streams ok`".into(),
            )?;
            // usrsctp reports the new totals (out=6); Linux the numbers added (in=0 out=2).
            need(
                p.events.iter().any(|e| {
                    e.starts_with("stream_change flags=ok")
                        && (e.ends_with(" out=6") || e == "stream_change flags=ok in=0 out=2")
                }),
                &nums,
                || "peer: no `event stream_change flags=ok ... out=6` (or `in=0 out=2`)".into(),
            )?;
            need(r5 == [0, 1], &nums, || {
                "usctp: stream 5 should have idx 0, 1".into()
            })?;
            let x = exchange(pkts, false, P_ADD_OUT)?;
            nums = format!(
                "{nums}; capture: the peer's Add Outgoing Streams Request ({:?} streams, sent {}x) answered by usctp: {}",
                pkts[x.req].add_out,
                x.sent,
                result_name(x.result)
            );
            need(pkts[x.req].add_out == [2], &nums, || {
                "capture: not 2 streams added".into()
            })?;
            performed(&x, "usctp's response")?;
            let d = data_after(pkts, false, x.resp, 5);
            nums = format!("{nums}; the peer's DATA on stream 5 (ssn, tsn) {d:?}");
            need(ssns(&d) == [0, 1], &nums, || {
                "capture: the peer's DATA on stream 5 not SSN 0, 1".into()
            })?;
        }
        Kind::UsctpResetsAssoc | Kind::PeerResetsAssoc => {
            let by_usctp = kind == Kind::UsctpResetsAssoc;
            let reset = u.events.iter().find_map(|e| match e {
                Event::AssociationReset {
                    local_tsn,
                    peer_tsn,
                } => Some((local_tsn.0, peer_tsn.0)),
                _ => None,
            });
            let Some((ltsn, ptsn)) = reset else {
                return Err(format!("usctp: no AssociationReset; {nums}"));
            };
            need(
                p.events
                    .iter()
                    .any(|e| e.starts_with("assoc_reset flags=ok")),
                &nums,
                || "peer: no `event assoc_reset flags=ok`".into(),
            )?;
            let x = exchange(pkts, by_usctp, P_SSN_TSN_RESET)?;
            nums = format!(
                "{nums}; capture: {}'s SSN/TSN Reset Request (sent {}x) answered: {}",
                side(by_usctp),
                x.sent,
                result_name(x.result)
            );
            performed(&x, "the response")?;
            // The SSNs on stream 1 of the side that sent before and after the reset: the
            // sender's messages after it start at SSN 0, with the TSNs the event names.
            let after_u = data_after(pkts, true, x.resp.max(x.req), 1);
            let after_p = data_after(pkts, false, x.resp.max(x.req), 1);
            nums = format!(
                "{nums}; AssociationReset local_tsn {ltsn} peer_tsn {ptsn}; DATA on stream 1 after the response (ssn, tsn): usctp {after_u:?}, the peer {after_p:?}"
            );
            // usctp acknowledges only TSNs the peer sent: after the reset, each cum ack it
            // sends is from peer_tsn - 1 up to the peer's highest DATA TSN since.
            let high = pkts[x.resp.max(x.req) + 1..]
                .iter()
                .filter(|q| !q.from_usctp)
                .flat_map(|q| q.data().map(|d| d.2))
                .fold(
                    ptsn.wrapping_sub(1),
                    |a, b| if tsn_ge(b, a) { b } else { a },
                );
            let acks: Vec<u32> = pkts[x.resp.max(x.req) + 1..]
                .iter()
                .filter(|q| q.from_usctp)
                .flat_map(|q| q.cum_acks.iter().copied())
                .collect();
            let fwd: Vec<u32> = pkts[x.resp.max(x.req) + 1..]
                .iter()
                .filter(|q| !q.from_usctp)
                .flat_map(|q| q.fwd_tsn.iter().copied())
                .collect();
            nums = format!(
                "{nums}; after the reset: the peer's highest DATA TSN {high}, its FORWARD TSNs {fwd:?}, usctp's cum acks {acks:?}"
            );
            if let Some(a) = acks
                .iter()
                .find(|&&a| !tsn_ge(a, ptsn.wrapping_sub(1)) || !tsn_ge(high, a))
            {
                return Err(format!(
                    "capture: usctp acknowledged cum TSN {a}, outside what the peer sent since the reset ({}..={high}); {nums}",
                    ptsn.wrapping_sub(1)
                ));
            }
            if by_usctp {
                let s1 = p.on(1);
                nums = format!("{nums}; peer got stream 1 (ssn, idx) {s1:?}");
                need(
                    s1 == [(0, 0), (1, 1), (2, 2), (0, 3), (1, 4), (2, 5)],
                    &nums,
                    || "peer: stream 1 should be SSN 0,1,2 then 0,1,2".into(),
                )?;
                need(after_u.first().is_some_and(|d| d.1 == ltsn), &nums, || {
                    format!("capture: usctp's first DATA after the reset is not TSN {ltsn}")
                })?;
            } else {
                need(
                    p.actions.iter().any(|a| a == "reset_assoc ok"),
                    &nums,
                    || "peer: no `action reset_assoc ok`".into(),
                )?;
                nums = format!("{nums}; usctp received on stream 1 idx {rx1:?}");
                need(rx1 == [0, 1, 2, 3, 4, 5], &nums, || {
                    "usctp: stream 1 not idx 0..5 in order".into()
                })?;
                need(ssns(&after_p) == [0, 1, 2], &nums, || {
                    "capture: the peer's echoes not SSN 0,1,2".into()
                })?;
                need(after_p.first().is_some_and(|d| d.1 == ptsn), &nums, || {
                    format!("capture: the peer's first DATA after the reset is not TSN {ptsn}")
                })?;
            }
        }
    }
    need(u.end == "graceful", &nums, || format!("usctp: {}", u.end))?;
    graceful(pkts, udp).map_err(|e| format!("{e}; {nums}"))?;
    Ok(format!(
        "{nums}; SHUTDOWN by usctp, no ABORT; tshark: {} pkts, CRC ok, no malformed/expert error",
        pkts.len()
    ))
}
