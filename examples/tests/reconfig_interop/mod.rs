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

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::{timeout, Instant};
use usctp::{Association, Error, Event, StreamDirection};

use crate::pr_interop::body;
use crate::pr_interop::idx_of;

mod capture;
mod verdict;

pub use capture::*;
pub use verdict::*;

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
