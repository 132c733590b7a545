//! Shared by the I-DATA (RFC 8260) interop cases against the C test peers
//! (`interop_usrsctp_idata.rs`; `interop_kernel/idata.rs`): a large message on stream 0,
//! then a small one on stream 1, or unfragmented messages, sent by either end; usctp's side
//! with the tokio API, the capture's I-DATA fields (tshark) and the verdicts.
// Each suite uses a part of this module.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::IpAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::{timeout, Instant};
use usctp::{Association, AssociationConfig, Error, Extensions};

use super::pr_interop::{body, decode, idx_of};

/// The large message (stream 0, idx 0) and the small one queued after it (stream 1, idx 1).
pub const BIG: usize = 1 << 20;
pub const SMALL: usize = 100;

/// Chunk types (RFC 9260 §3.2, RFC 8260 §2.1, §2.3.1).
pub const DATA: u8 = 0;
pub const I_DATA: u8 = 64;
pub const I_FORWARD_TSN: u8 = 194;
pub const FORWARD_TSN: u8 = 192;

/// usctp offers I-DATA, two streams or more, and takes the large message.
pub fn offer(a: &mut AssociationConfig) {
    a.extensions = a.extensions.with(Extensions::I_DATA);
    a.outbound_streams = a.outbound_streams.max(2);
    a.max_message_size = a.max_message_size.max(BIG);
    a.send_queue_limit = a.send_queue_limit.max(2 * BIG);
}

/// The peer's arguments to send the pair (`--send 1 --size 1m --also 100,1`).
pub fn peer_send_args() -> Vec<String> {
    ["--send", "1", "--size", &BIG.to_string(), "--also"]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("{SMALL},1")])
        .collect()
}

/// usctp sends the pair, waits until all is acknowledged, shuts down gracefully; whether
/// I-DATA was in force.
pub async fn usctp_send_pair(a: Arc<Association>) -> Result<bool, String> {
    usctp_send(a, &[(0, 0, BIG), (1, 1, SMALL)]).await
}

/// usctp sends `msgs` (stream, idx, size) in order, waits until all is acknowledged, shuts
/// down gracefully; whether I-DATA was in force.
pub async fn usctp_send(a: Arc<Association>, msgs: &[(u16, u32, usize)]) -> Result<bool, String> {
    for &(stream, idx, size) in msgs {
        a.send(stream, body(idx, size))
            .await
            .map_err(|e| format!("send {idx}: {e}"))?;
    }
    let st = a.stats().await.ok_or("no stats")?;
    let in_force = st.extensions.contains(Extensions::I_DATA);
    let until = Instant::now() + Duration::from_secs(20);
    while Instant::now() < until {
        let Some(st) = a.stats().await else { break };
        if st.outstanding_bytes == 0 && st.queued_bytes == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    timeout(Duration::from_secs(15), a.shutdown())
        .await
        .map_err(|_| "shutdown did not complete within 15 s (stalled?)".to_string())?
        .map_err(|e| format!("shutdown: {e}"))?;
    Ok(in_force)
}

/// A message as a receiver completed it: stream, idx, length, intact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    pub stream: u16,
    pub idx: u32,
    pub len: usize,
    pub intact: bool,
}

/// usctp reads pieces (`recv_partial`), joined per stream since with I-DATA they interleave
/// (RFC 8260 §1), until the association ends or `limit`; the messages in the order they
/// completed, whether I-DATA was in force, how it ended.
pub async fn usctp_recv_interleaved(
    a: Arc<Association>,
    limit: Duration,
) -> (Vec<Done>, bool, String) {
    let in_force = a
        .stats()
        .await
        .is_some_and(|s| s.extensions.contains(Extensions::I_DATA));
    let deadline = Instant::now() + limit;
    let mut cur: HashMap<u16, Vec<u8>> = HashMap::new();
    let mut done = Vec::new();
    let end = loop {
        let m = match tokio::time::timeout_at(deadline, a.recv_partial()).await {
            Err(_) => break format!("still open after {limit:?} (stalled)"),
            Ok(Err(Error::Closed(None))) => break "graceful".into(),
            Ok(Err(e)) => break e.to_string(),
            Ok(Ok(m)) => m,
        };
        let buf = cur.entry(m.stream.0).or_default();
        buf.extend_from_slice(&m.payload);
        if m.end_of_message || m.aborted {
            let whole = std::mem::take(buf);
            done.push(finished(m.stream.0, &whole, !m.aborted));
        }
    };
    (done, in_force, end)
}

fn finished(stream: u16, whole: &[u8], complete: bool) -> Done {
    let idx = idx_of(whole).unwrap_or(u32::MAX);
    Done {
        stream,
        idx,
        len: whole.len(),
        intact: complete && whole == body(idx, whole.len()).as_slice(),
    }
}

/// The peers' `msg` lines as [`Done`], in the order printed (the order they completed).
pub fn peer_done(text: &str) -> Vec<Done> {
    let mut v = Vec::new();
    for l in text.lines().filter(|l| l.starts_with("msg ")) {
        let f: HashMap<&str, &str> = l.split(' ').filter_map(|kv| kv.split_once('=')).collect();
        let num = |k: &str| {
            f.get(k)
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or(u64::MAX)
        };
        v.push(Done {
            stream: num("sid") as u16,
            idx: num("idx") as u32,
            len: num("len") as usize,
            // The peer checks no pattern; a whole message (eor) stands for intact there.
            intact: l.ends_with(" eor"),
        });
    }
    v
}

/// One user-data chunk on the wire: from usctp, its type, stream, B and E bits, and the FSN
/// of an I-DATA fragment after the first (RFC 8260 §2.1: the first's is implicitly 0).
#[derive(Debug, Clone, Copy)]
struct Chunk {
    from_usctp: bool,
    kind: u8,
    sid: u16,
    begin: bool,
    end: bool,
    fsn: Option<u32>,
}

/// What the capture shows of I-DATA: the chunk types each side's INIT / INIT ACK lists in
/// Supported Extensions, and every DATA / I-DATA chunk in order.
#[derive(Debug, Default)]
pub struct Wire {
    usctp_ext: Vec<u8>,
    peer_ext: Vec<u8>,
    chunks: Vec<Chunk>,
    i_fwd: (usize, usize),
    /// FORWARD TSN chunks (RFC 3758) from usctp and from the peer: none where I-DATA is.
    fwd: (usize, usize),
    /// ABORTs usctp sent.
    usctp_aborts: usize,
    packets: usize,
}

/// tshark over `pcap` (SCTP in UDP 9899 too); `decode` from the PR-SCTP suites checks CRC32c,
/// malformed packets and expert errors first.
pub fn wire(pcap: &str, usctp: &[IpAddr]) -> Result<Wire, String> {
    let pkts = decode(pcap, usctp)?;
    let out = Command::new("tshark")
        .args(["-r", pcap, "-n", "-d", "udp.port==9899,sctp"])
        .args(["-Y", "sctp && !icmp", "-T", "fields", "-E", "separator=|"])
        .args(["-E", "occurrence=a", "-E", "aggregator=,"])
        .args(["-e", "ip.src", "-e", "sctp.chunk_type"])
        .args(["-e", "sctp.supported_chunk_type", "-e", "sctp.data_sid"])
        .args([
            "-e",
            "sctp.data_e_bit",
            "-e",
            "sctp.data_b_bit",
            "-e",
            "sctp.data_fsn",
        ])
        .output()
        .map_err(|e| format!("tshark: {e}"))?;
    let mut w = Wire {
        packets: pkts.len(),
        ..Wire::default()
    };
    // tshark prints stream identifiers in hex (0x0001), the rest in decimal.
    let nums = |s: &str| -> Vec<u32> {
        s.split(',')
            .filter_map(|v| match v.strip_prefix("0x") {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => v.parse().ok(),
            })
            .collect()
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let [src, types, ext, sids, ebits, bbits, fsns] = line.split('|').collect::<Vec<_>>()[..]
        else {
            return Err(format!("tshark line: {line}"));
        };
        let from_usctp = src.parse::<IpAddr>().is_ok_and(|s| usctp.contains(&s));
        let types: Vec<u8> = nums(types).into_iter().map(|t| t as u8).collect();
        if types.iter().any(|&t| t == 1 || t == 2) {
            let e: Vec<u8> = nums(ext).into_iter().map(|t| t as u8).collect();
            if from_usctp {
                w.usctp_ext = e;
            } else {
                w.peer_ext = e;
            }
        }
        if types.contains(&FORWARD_TSN) {
            if from_usctp {
                w.fwd.0 += 1;
            } else {
                w.fwd.1 += 1;
            }
        }
        if types.contains(&I_FORWARD_TSN) {
            if from_usctp {
                w.i_fwd.0 += 1;
            } else {
                w.i_fwd.1 += 1;
            }
        }
        if from_usctp && types.contains(&6) {
            w.usctp_aborts += 1;
        }
        let sids = nums(sids);
        let bits =
            |s: &str| -> Vec<bool> { s.split(',').map(|b| b == "1" || b == "True").collect() };
        let (ebits, bbits) = (bits(ebits), bits(bbits));
        // tshark lists an FSN only for the fragments that carry one (B bit clear).
        let mut fsns = nums(fsns).into_iter();
        let data = types.iter().filter(|&&t| t == DATA || t == I_DATA);
        for (i, &kind) in data.enumerate() {
            let begin = bbits.get(i).copied().unwrap_or(false);
            w.chunks.push(Chunk {
                from_usctp,
                kind,
                sid: sids.get(i).copied().unwrap_or(u32::MAX) as u16,
                begin,
                end: ebits.get(i).copied().unwrap_or(false),
                fsn: if kind == I_DATA && !begin {
                    fsns.next()
                } else {
                    None
                },
            });
        }
    }
    Ok(w)
}

/// What every case checks: both ends offered I-DATA, it was in force, no DATA chunk; then
/// the positions among the sender's I-DATA of stream 1's first chunk and of stream 0's last
/// fragment.
fn negotiated(usctp_sent: bool, in_force: bool, w: &Wire) -> Result<(usize, usize, usize), String> {
    if !w.usctp_ext.contains(&I_DATA) || !w.peer_ext.contains(&I_DATA) {
        return Err(format!(
            "Supported Extensions: usctp {:?}, peer {:?} (no I-DATA, 64)",
            w.usctp_ext, w.peer_ext
        ));
    }
    if !in_force {
        return Err("I-DATA not in force in usctp's stats".into());
    }
    if let Some(c) = w.chunks.iter().find(|c| c.kind == DATA) {
        return Err(format!("a DATA chunk (type 0) on stream {}", c.sid));
    }
    let sent: Vec<&Chunk> = w
        .chunks
        .iter()
        .filter(|c| c.from_usctp == usctp_sent)
        .collect();
    let big_end = sent.iter().position(|c| c.sid == 0 && c.end);
    let small = sent.iter().position(|c| c.sid == 1);
    match (big_end, small) {
        (Some(b), Some(s)) => Ok((s, b, sent.len())),
        _ => Err(format!(
            "capture lacks the big message's end or the small one ({} I-DATA)",
            sent.len()
        )),
    }
}

fn intact(got: &[Done]) -> Result<(), String> {
    let mut ids: Vec<(u16, u32, usize)> = got.iter().map(|d| (d.stream, d.idx, d.len)).collect();
    ids.sort_unstable();
    if ids != [(0, 0, BIG), (1, 1, SMALL)] || got.iter().any(|d| !d.intact) {
        return Err(format!("received {got:?}: want both messages once, intact"));
    }
    Ok(())
}

/// The verdict: [`negotiated`]; the sender put stream 1's message on the wire before stream
/// 0's last fragment; the receiver completed the small message first, both intact.
/// `usctp_sent`: who sent.
pub fn check(usctp_sent: bool, in_force: bool, got: &[Done], w: &Wire) -> Result<String, String> {
    let (small, big_end, n) = negotiated(usctp_sent, in_force, w)?;
    intact(got)?;
    if small > big_end {
        return Err(format!(
            "on the wire stream 1 came after stream 0's last fragment ({small} > {big_end})"
        ));
    }
    if got.first().map(|d| d.stream) != Some(1) {
        return Err(format!("received {got:?}: want stream 1's message first"));
    }
    Ok(format!(
        "INIT/INIT ACK list I-DATA, {n} I-DATA chunks and no DATA, the small message was \
         I-DATA #{} of {n} (stream 0 ended at #{}) and was delivered first; {} packets, CRC \
         good",
        small + 1,
        big_end + 1,
        w.packets
    ))
}

/// [`check`] for a capture that dropped `drops` packets: when those were the ones that place
/// the small message among the large one's fragments, the receiver's order still shows the
/// small message overtaking (it was queued after the large one and completed first); the
/// verdict says that the wire positions are missing.
pub fn check_despite_drops(
    usctp_sent: bool,
    in_force: bool,
    got: &[Done],
    w: &Wire,
    drops: u64,
) -> Result<String, String> {
    match check(usctp_sent, in_force, got, w) {
        Err(e) if drops > 0 && e.starts_with("capture lacks") => {
            intact(got)?;
            if got.first().map(|d| d.stream) != Some(1) {
                return Err(format!("received {got:?}: want stream 1's message first"));
            }
            Ok(format!(
                "INIT/INIT ACK list I-DATA, no DATA; the small message, queued after the large \
                 one, was completed first, both intact; the capture dropped {drops} packets, \
                 among them where the small one went ({e})"
            ))
        }
        r => r,
    }
}

/// Unfragmented messages: I-DATA offered by both and in force, no DATA, every I-DATA from
/// the sender a whole message (B and E set), and the receiver got idx 0..`n`, each once,
/// `size` bytes, intact.
pub fn check_unfragmented(
    usctp_sent: bool,
    in_force: bool,
    got: &[Done],
    w: &Wire,
    n: u32,
    size: usize,
) -> Result<String, String> {
    if !w.usctp_ext.contains(&I_DATA) || !w.peer_ext.contains(&I_DATA) || !in_force {
        return Err(format!(
            "I-DATA: usctp offers {:?}, peer {:?}, in force {in_force}",
            w.usctp_ext, w.peer_ext
        ));
    }
    if let Some(c) = w.chunks.iter().find(|c| c.kind == DATA) {
        return Err(format!("a DATA chunk (type 0) on stream {}", c.sid));
    }
    let sent: Vec<&Chunk> = w
        .chunks
        .iter()
        .filter(|c| c.from_usctp == usctp_sent)
        .collect();
    if sent.is_empty() || sent.iter().any(|c| !(c.begin && c.end)) {
        return Err(format!("the sender's I-DATA: {sent:?}"));
    }
    let mut idx: Vec<u32> = got.iter().map(|d| d.idx).collect();
    idx.sort_unstable();
    if idx != (0..n).collect::<Vec<_>>() || got.iter().any(|d| !d.intact || d.len != size) {
        return Err(format!(
            "received {got:?}: want idx 0..{n} once, {size} bytes, intact"
        ));
    }
    let streams: std::collections::BTreeSet<u16> = got.iter().map(|d| d.stream).collect();
    Ok(format!(
        "INIT/INIT ACK list I-DATA; {n} messages of {size} B on streams {streams:?} as {} \
         whole I-DATA chunks, no DATA, all intact; {} packets, CRC good",
        sent.len(),
        w.packets
    ))
}

/// Linux 6.1 as an I-DATA sender numbers a message's fragments after the first from FSN 0
/// (`sctp_chunk_assign_mid`: `cfsn = 0`, used for the first non-B fragment), where RFC 8260
/// §2.1 gives the first fragment FSN 0 and counts on from there. The FSN of its fragments
/// after the first, by message (stream, position).
pub fn peer_fsns(w: &Wire) -> Vec<u32> {
    w.chunks
        .iter()
        .filter(|c| !c.from_usctp && c.kind == I_DATA && c.sid == 0)
        .filter_map(|c| c.fsn)
        .collect()
}

impl Wire {
    /// The I-DATA chunks `from_usctp` sent on stream 0: (begin, FSN when not begin).
    pub fn chunks_from(&self, from_usctp: bool) -> impl Iterator<Item = (bool, Option<u32>)> + '_ {
        self.chunks
            .iter()
            .filter(move |c| c.from_usctp == from_usctp && c.kind == I_DATA && c.sid == 0)
            .map(|c| (c.begin, c.fsn))
    }
}

/// Whether usctp sent an ABORT.
pub fn usctp_aborted(w: &Wire) -> bool {
    w.usctp_aborts > 0
}

/// PR-SCTP with I-DATA (RFC 8260 §2.3): the sender abandoned messages under loss and said so
/// with I-FORWARD-TSN (194), never FORWARD TSN (192), and sent no DATA; the receiver got
/// `received` (stream, idx) each once, in order per stream; every idx of 0..`n` was received
/// or is in `abandoned` (the sender's abandoned-message reports), some abandoned.
pub fn check_pr(
    usctp_sent: bool,
    n: u32,
    received: &[(u16, u32)],
    abandoned: &[u32],
    w: &Wire,
) -> Result<String, String> {
    let (ifwd, fwd) = if usctp_sent {
        (w.i_fwd.0, w.fwd.0 + w.fwd.1)
    } else {
        (w.i_fwd.1, w.fwd.0 + w.fwd.1)
    };
    if ifwd == 0 || fwd > 0 || w.chunks.iter().any(|c| c.kind == DATA) {
        return Err(format!(
            "I-FORWARD-TSN from the sender {ifwd}, FORWARD TSN {fwd}, DATA chunks {}",
            w.chunks.iter().filter(|c| c.kind == DATA).count()
        ));
    }
    super::pr_interop::check_order(received)?;
    let missing: Vec<u32> = (0..n)
        .filter(|i| !received.iter().any(|r| r.1 == *i) && !abandoned.contains(i))
        .collect();
    if !missing.is_empty() || abandoned.is_empty() {
        return Err(format!(
            "received {}, abandoned {}: idx {missing:?} neither received nor reported \
             abandoned (the sender's I-DATA stream 0/1/2 chunks on the wire: {})",
            received.len(),
            abandoned.len(),
            w.chunks
                .iter()
                .filter(|c| c.from_usctp == usctp_sent)
                .count()
        ));
    }
    Ok(format!(
        "{} received once and in order, {} abandoned; I-FORWARD-TSN in {ifwd} packets from the \
         sender, no FORWARD TSN, no DATA; {} packets, CRC good",
        received.len(),
        abandoned.len(),
        w.packets
    ))
}
