//! Shared by the PR-SCTP and large-message interop cases against the C test peers
//! (`interop_usrsctp_pr.rs`: usrsctp_peer in a namespace of the test's own;
//! `interop_kernel/pr_sctp.rs`: kernel_peer in the QEMU guest): usctp's side with the tokio
//! API, the peers' output lines (interop/common/peer_common.h), the checks both suites make,
//! and the tshark decoding of a capture with the fields the checks need (FORWARD TSN, SACK
//! cumulative TSN ack, INIT a_rwnd).
// Each suite uses a part of this module.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::{timeout, Instant};
use usctp::{Association, AssociationConfig, Error, Event, Extensions, SendOptions};

mod capture;

pub use capture::*;

/// Chunk types (RFC 9260 §3.2, RFC 3758 §3.2).
pub const DATA: u8 = 0;
pub const INIT: u8 = 1;
pub const INIT_ACK: u8 = 2;
pub const SACK: u8 = 3;
pub const ABORT: u8 = 6;
pub const SHUTDOWN: u8 = 7;
pub const SHUTDOWN_ACK: u8 = 8;
pub const SHUTDOWN_COMPLETE: u8 = 14;
pub const FORWARD_TSN: u8 = 192;

/// The UDP encapsulation port (RFC 6951) of every case.
pub const UDP_PORT: u16 = 9899;

/// usctp's association settings for these cases: PR-SCTP (and RE-CONFIG) offered, RTO 0.5–1 s
/// (above both stacks' 200 ms delayed SACK, so no T3 fires before a SACK could come).
pub fn tune(a: &mut AssociationConfig) {
    a.extensions = Extensions::PR_SCTP.with(Extensions::RECONFIG);
    a.rto_initial = Duration::from_secs(1);
    a.rto_min = Duration::from_millis(500);
    a.rto_max = Duration::from_secs(1);
}

/// The RTO the peers get (`--rto INIT,MIN,MAX`, ms), as the usrsctp peer selftest uses.
pub const PEER_RTO: &str = "500,400,800";

/// A PR-SCTP policy (RFC 7496).
#[derive(Clone, Copy, Debug)]
pub enum Policy {
    /// Timed reliability: abandoned once this many ms old.
    Ttl(u64),
    /// Limited retransmissions: abandoned when it would be sent more than this many times
    /// again.
    Rtx(u32),
}

impl Policy {
    /// The peers' `--pr` argument.
    pub fn peer_arg(self) -> String {
        match self {
            Policy::Ttl(ms) => format!("ttl:{ms}"),
            Policy::Rtx(n) => format!("rtx:{n}"),
        }
    }

    /// usctp's send options on `stream`.
    pub fn opts(self, stream: u16) -> SendOptions {
        let o = SendOptions::new(stream);
        match self {
            Policy::Ttl(ms) => o.lifetime(Duration::from_millis(ms)),
            Policy::Rtx(n) => o.max_retransmissions(n),
        }
    }
}

/// Message `idx` as the peers make it (peer_common.h `fill_msg`): idx big-endian in the first
/// 4 bytes, then 'a' + (idx + i) % 26.
pub fn body(idx: u32, len: usize) -> Vec<u8> {
    let mut v = idx.to_be_bytes().to_vec();
    v.extend((4..len).map(|i| b'a' + ((idx as usize + i) % 26) as u8));
    v
}

/// The message number in the first 4 bytes.
pub fn idx_of(p: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(p.get(..4)?.try_into().ok()?))
}

/// One `msg` line of a peer.
#[derive(Debug, Clone)]
pub struct PeerMsg {
    pub sid: u16,
    pub idx: u32,
    pub len: usize,
    pub pieces: u32,
    pub eor: bool,
}

/// A peer's output: its messages, the idx of its `send_failed ... abandoned` events, its
/// summary fields, its partial-delivery-aborted events.
#[derive(Debug, Default)]
pub struct PeerOut {
    pub msgs: Vec<PeerMsg>,
    pub abandoned_idx: Vec<u32>,
    pub summary: HashMap<String, u64>,
    pub pd_aborted: usize,
    pub text: String,
}

impl PeerOut {
    pub fn parse(text: &str) -> PeerOut {
        let kv = |line: &str| -> HashMap<String, String> {
            line.split_whitespace()
                .filter_map(|f| f.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let mut o = PeerOut {
            text: text.to_string(),
            ..PeerOut::default()
        };
        for line in text.lines() {
            let f = kv(line);
            let num = |k: &str| f.get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
            if line.starts_with("msg ") {
                o.msgs.push(PeerMsg {
                    sid: num("sid") as u16,
                    idx: num("idx") as u32,
                    len: num("len") as usize,
                    pieces: num("pieces") as u32,
                    eor: line.ends_with(" eor"),
                });
            } else if line.starts_with("event send_failed") && line.ends_with("abandoned") {
                if let Some(i) = f.get("idx").and_then(|v| v.parse().ok()) {
                    o.abandoned_idx.push(i);
                }
            } else if line.starts_with("event partial_delivery indication=aborted") {
                o.pd_aborted += 1;
            } else if line.starts_with("summary ") {
                o.summary = f
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.parse().ok()?)))
                    .collect();
            }
        }
        o
    }

    /// A summary field (0 when absent).
    pub fn field(&self, k: &str) -> u64 {
        self.summary.get(k).copied().unwrap_or(0)
    }

    /// The output's last lines, for a failure message.
    pub fn tail(&self) -> String {
        let lines: Vec<&str> = self.text.lines().collect();
        lines[lines.len().saturating_sub(6)..].join(" | ")
    }
}

/// Received messages as (stream, idx): no idx twice, idx increasing on each stream.
pub fn check_order(got: &[(u16, u32)]) -> Result<(), String> {
    let mut seen = HashSet::new();
    let mut last: BTreeMap<u16, u32> = BTreeMap::new();
    for &(sid, idx) in got {
        if !seen.insert(idx) {
            return Err(format!("message {idx} received twice"));
        }
        if let Some(&prev) = last.get(&sid) {
            if idx <= prev {
                return Err(format!(
                    "stream {sid}: message {idx} received after message {prev}"
                ));
            }
        }
        last.insert(sid, idx);
    }
    Ok(())
}

/// What usctp's sender saw.
#[derive(Debug, Default)]
pub struct SendReport {
    pub sent: u32,
    /// (stream, idx, some of it was sent, reason) of every `Event::Abandoned`.
    pub abandoned: Vec<(u16, u32, bool, String)>,
    /// Other events, by name and count.
    pub events: BTreeMap<String, usize>,
    /// `AssocStats::abandoned` once all was acknowledged or abandoned: (sent, unsent), each
    /// by lifetime / retransmissions / priority.
    pub stats: Option<([u64; 3], [u64; 3])>,
}

/// Send `n` messages of `size` bytes, `policy` on each, on streams 0..`streams` in turn,
/// one every `pace`; then shut down gracefully. Collects every `Event::Abandoned`.
pub async fn usctp_send(
    a: Arc<Association>,
    n: u32,
    size: usize,
    streams: u16,
    policy: Policy,
    pace: Duration,
) -> Result<SendReport, String> {
    let ev = {
        let a = Arc::clone(&a);
        tokio::spawn(async move {
            let mut r = SendReport::default();
            while let Some(e) = a.event().await {
                match e {
                    Event::Abandoned(m) => r.abandoned.push((
                        m.stream.0,
                        idx_of(&m.payload).unwrap_or(u32::MAX),
                        m.sent,
                        format!("{:?}", m.reason),
                    )),
                    e => {
                        let name = format!("{e:?}");
                        let name = name.split(['(', ' ', '{']).next().unwrap_or("").to_string();
                        *r.events.entry(name).or_default() += 1;
                    }
                }
            }
            r
        })
    };
    for i in 0..n {
        let stream = (i % u32::from(streams)) as u16;
        a.send_with(body(i, size), policy.opts(stream))
            .await
            .map_err(|e| format!("send {i}: {e}"))?;
        tokio::time::sleep(pace).await;
    }
    // Wait until everything is acknowledged or abandoned, then read the PR-SCTP counters
    // (AssocStats::abandoned, RFC 7496 §4) while the association still exists.
    let until = Instant::now() + Duration::from_secs(10);
    let mut counted = None;
    while Instant::now() < until {
        let Some(st) = a.stats().await else { break };
        counted = Some((st.abandoned.abandoned_sent, st.abandoned.abandoned_unsent));
        if st.outstanding_bytes == 0 && st.queued_bytes == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    timeout(Duration::from_secs(15), a.shutdown())
        .await
        .map_err(|_| "shutdown did not complete within 15 s (stalled?)".to_string())?
        .map_err(|e| format!("shutdown: {e}"))?;
    let mut r = timeout(Duration::from_secs(5), ev)
        .await
        .map_err(|_| "events did not end after the shutdown".to_string())?
        .map_err(|e| format!("event task: {e}"))?;
    r.sent = n;
    r.stats = counted;
    Ok(r)
}

/// One message usctp received (joined from its pieces).
#[derive(Debug, Clone)]
pub struct RxMsg {
    pub stream: u16,
    pub idx: u32,
    pub len: usize,
    pub pieces: usize,
    /// Ended by an aborted partial delivery (`Message::aborted`).
    pub aborted: bool,
    /// The bytes are the peer's message `idx` of `len` bytes.
    pub intact: bool,
}

/// What usctp's receiver saw.
#[derive(Debug, Default)]
pub struct RecvReport {
    pub msgs: Vec<RxMsg>,
    /// `Event::PartialDeliveryAborted` count.
    pub pd_aborted: usize,
    /// How the association ended: "graceful" or the error.
    pub end: String,
    pub events: BTreeMap<String, usize>,
}

/// Read every message (in pieces, `recv_partial`) until the association ends, at most
/// `limit`. A message whose length is not `want_len` is not intact.
pub async fn usctp_recv(a: Arc<Association>, want_len: usize, limit: Duration) -> RecvReport {
    let ev = {
        let a = Arc::clone(&a);
        tokio::spawn(async move {
            let mut pd = 0;
            let mut events: BTreeMap<String, usize> = BTreeMap::new();
            while let Some(e) = a.event().await {
                if matches!(e, Event::PartialDeliveryAborted { .. }) {
                    pd += 1;
                }
                let name = format!("{e:?}");
                let name = name.split(['(', ' ', '{']).next().unwrap_or("").to_string();
                *events.entry(name).or_default() += 1;
            }
            (pd, events)
        })
    };
    let mut r = RecvReport::default();
    let deadline = Instant::now() + limit;
    let mut cur: Vec<u8> = Vec::new();
    let mut pieces = 0;
    let mut stream = 0;
    loop {
        let m = match tokio::time::timeout_at(deadline, a.recv_partial()).await {
            Err(_) => {
                r.end = format!("still open after {limit:?} (stalled)");
                break;
            }
            Ok(Err(Error::Closed(None))) => {
                r.end = "graceful".into();
                break;
            }
            Ok(Err(e)) => {
                r.end = format!("{e}");
                break;
            }
            Ok(Ok(m)) => m,
        };
        if pieces == 0 {
            stream = m.stream.0;
        }
        cur.extend_from_slice(&m.payload);
        pieces += 1;
        if m.end_of_message || m.aborted {
            let idx = idx_of(&cur).unwrap_or(u32::MAX);
            r.msgs.push(RxMsg {
                stream,
                idx,
                len: cur.len(),
                pieces,
                aborted: m.aborted,
                intact: !m.aborted && cur.len() == want_len && cur == body(idx, want_len),
            });
            cur.clear();
            pieces = 0;
        }
    }
    if let Ok(Ok((pd, events))) = timeout(Duration::from_secs(2), ev).await {
        r.pd_aborted = pd;
        r.events = events;
    }
    r
}

/// Case 1's verdict: usctp sent with `policy`; the peer's output `peer`; the capture `pkts`.
pub fn check_usctp_sent(
    r: &SendReport,
    size: usize,
    peer: &PeerOut,
    pkts: &[Pkt],
    udp: bool,
) -> Result<String, String> {
    let got: Vec<(u16, u32)> = peer.msgs.iter().map(|m| (m.sid, m.idx)).collect();
    check_order(&got).map_err(|e| format!("peer: {e}"))?;
    if let Some(m) = peer.msgs.iter().find(|m| m.len != size || !m.eor) {
        return Err(format!("peer received a bad message: {m:?}"));
    }
    let rx: HashSet<u32> = got.iter().map(|g| g.1).collect();
    let ab: HashSet<u32> = r.abandoned.iter().map(|a| a.1).collect();
    if ab.len() != r.abandoned.len() {
        return Err(format!(
            "a message abandoned twice: {:?}",
            r.abandoned.iter().map(|a| a.1).collect::<Vec<_>>()
        ));
    }
    let missing: Vec<u32> = (0..r.sent)
        .filter(|i| !rx.contains(i) && !ab.contains(i))
        .collect();
    let both = rx.intersection(&ab).count();
    let (fwd, fwd_distinct, _) = forward_tsns(pkts, true);
    let nums = format!(
        "sent={} received={} abandoned={} (sent-then-abandoned {}, both received and abandoned \
         {both}); FORWARD TSN from usctp in {fwd} packets ({fwd_distinct} distinct new cum TSNs); \
         DATA pkts usctp {}",
        r.sent,
        rx.len(),
        ab.len(),
        r.abandoned.iter().filter(|a| a.2).count(),
        count(pkts, true, DATA),
    );
    if !missing.is_empty() {
        return Err(format!(
            "{nums}; neither received nor abandoned: {missing:?}"
        ));
    }
    // The counters agree with the events: sent-then-abandoned and never-sent, per policy.
    let (st_sent, st_unsent) = r.stats.ok_or("no AssocStats before the shutdown")?;
    let ev_sent = r.abandoned.iter().filter(|a| a.2).count() as u64;
    let ev_unsent = r.abandoned.len() as u64 - ev_sent;
    let nums = format!("{nums}; AssocStats::abandoned sent {st_sent:?} unsent {st_unsent:?}");
    if st_sent.iter().sum::<u64>() != ev_sent || st_unsent.iter().sum::<u64>() != ev_unsent {
        return Err(format!(
            "{nums}; the counters disagree with the Event::Abandoned ({ev_sent} sent, \
             {ev_unsent} unsent)"
        ));
    }
    if ab.is_empty() {
        return Err(format!("{nums}; nothing abandoned: PR-SCTP not exercised"));
    }
    if fwd == 0 {
        return Err(format!("{nums}; no FORWARD TSN from usctp"));
    }
    let sd = graceful(pkts, true, udp)?;
    Ok(format!(
        "{nums}; {sd}; tshark: {} pkts, CRC ok, no malformed/expert error",
        pkts.len()
    ))
}

/// Case 2's verdict: the peer sent `n` messages of `size` with a policy; `peer_abandoned` is
/// its count of abandoned messages; `peer_ab_idx` the idx its events named.
pub fn check_usctp_received(
    r: &RecvReport,
    n: u32,
    size: usize,
    peer_abandoned: u64,
    peer_ab_idx: &[u32],
    pkts: &[Pkt],
    udp: bool,
) -> Result<String, String> {
    let got: Vec<(u16, u32)> = r.msgs.iter().map(|m| (m.stream, m.idx)).collect();
    let (fwd, fwd_distinct, fwd_high) = forward_tsns(pkts, false);
    let nums = format!(
        "peer sent={n} abandoned={peer_abandoned} (events naming {} idx); usctp received={} \
         (aborted partial deliveries {}); FORWARD TSN from the peer in {fwd} packets \
         ({fwd_distinct} distinct, highest {fwd_high:?})",
        peer_ab_idx.len(),
        r.msgs.len(),
        r.pd_aborted,
    );
    if r.end != "graceful" {
        return Err(format!("{nums}; usctp's association ended: {}", r.end));
    }
    check_order(&got).map_err(|e| format!("{nums}; usctp: {e}"))?;
    if let Some(m) = r.msgs.iter().find(|m| !m.intact || m.len != size) {
        return Err(format!("{nums}; usctp received a bad message: {m:?}"));
    }
    if r.msgs.len() as u64 + peer_abandoned < u64::from(n) {
        return Err(format!(
            "{nums}; received + abandoned < sent: messages lost"
        ));
    }
    let rx: HashSet<u32> = got.iter().map(|g| g.1).collect();
    let both = peer_ab_idx.iter().filter(|i| rx.contains(i)).count();
    if peer_abandoned == 0 {
        return Err(format!(
            "{nums}; the peer abandoned nothing: PR-SCTP not exercised"
        ));
    }
    if fwd == 0 {
        return Err(format!("{nums}; no FORWARD TSN from the peer"));
    }
    let cum = sacked_past_forward_tsns(pkts).map_err(|e| format!("{nums}; {e}"))?;
    // Independent of the peer's counters: every TSN the peer sent is at or below usctp's
    // final cumulative ack (delivered or skipped by a FORWARD TSN, nothing left hanging), and
    // the messages it sent at least once (one chunk each) less those usctp delivered were
    // abandoned after sending.
    let mut tsns: Vec<u32> = pkts
        .iter()
        .filter(|p| !p.from_usctp)
        .flat_map(|p| p.data_tsn.iter().copied())
        .collect();
    tsns.sort_unstable();
    tsns.dedup();
    if let Some(&t) = tsns.iter().find(|&&t| !tsn_ge(cum, t)) {
        return Err(format!(
            "{nums}; the peer's DATA TSN {t} is above usctp's highest cum ack {cum}"
        ));
    }
    let sd = graceful(pkts, false, udp)?;
    Ok(format!(
        "{nums}; abandoned by the peer yet received by usctp {both}; capture: {} distinct DATA \
         TSNs from the peer (so {} abandoned after sending, {} before), all at or below usctp's \
         highest cum ack {cum}, usctp SACKed past every FORWARD TSN; {sd}; tshark: {} pkts, CRC \
         ok, no malformed/expert error",
        tsns.len(),
        tsns.len().saturating_sub(r.msgs.len()),
        (n as usize).saturating_sub(tsns.len()),
        pkts.len()
    ))
}

/// Case 3's verdict: one message of `size` bytes, whole and intact, in more than one piece,
/// with usctp's advertised window at most `rwnd`.
pub fn check_large(
    r: &RecvReport,
    size: usize,
    rwnd: u32,
    pkts: &[Pkt],
    udp: bool,
) -> Result<String, String> {
    let adv = pkts
        .iter()
        .filter(|p| p.from_usctp)
        .find_map(|p| p.init_rwnd)
        .ok_or("no INIT / INIT ACK from usctp in the capture")?;
    let m = match &r.msgs[..] {
        [m] => m,
        _ => {
            return Err(format!(
                "usctp received {} messages: {:?}; end {}",
                r.msgs.len(),
                r.msgs,
                r.end
            ))
        }
    };
    if !m.intact || m.len != size || m.idx != 0 {
        return Err(format!("the message is not intact: {m:?}"));
    }
    if adv > rwnd {
        return Err(format!("usctp advertised a_rwnd {adv} > {rwnd}"));
    }
    if r.end != "graceful" {
        return Err(format!("usctp's association ended: {}", r.end));
    }
    let sd = graceful(pkts, false, udp)?;
    Ok(format!(
        "{size} B delivered intact in {} pieces through usctp's a_rwnd {adv}; {sd}; tshark: {} \
         pkts, CRC ok, no malformed/expert error",
        m.pieces,
        pkts.len()
    ))
}
