//! Shared by the ASCONF (RFC 5061) interop cases against the C test peers
//! (`interop_usrsctp_asconf.rs`: usrsctp_peer in a namespace of the test's own;
//! `interop_kernel/asconf.rs`: kernel_peer in the QEMU guest). usctp connects from its first
//! address to a peer server bound to its first address; each side has a second address on the
//! same link. The cases, usctp's side with the tokio API, the tshark decoding (capture.rs) and
//! the verdicts (verdict.rs).
// Each suite uses a part of this module.
#![allow(dead_code)]

use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::{timeout, Instant};
use usctp::{AddressRequest, Association, AssociationConfig, Error, Event, Extensions};

use crate::pr_interop::{body, idx_of};

mod capture;
mod verdict;

pub use capture::*;
pub use verdict::*;

pub const SIZE: usize = 1000;

/// The addresses of a case: each side's first (the handshake's) and second (added).
#[derive(Clone, Copy, Debug)]
pub struct Addrs {
    pub usctp: [IpAddr; 2],
    pub peer: [IpAddr; 2],
}

/// The cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsconfKind {
    /// usctp sends 3 messages (the peer echoes each), adds its second address, asks the peer
    /// to make it its primary, sends 3, deletes its first address, sends 3.
    UsctpChanges,
    /// The peer sends 3 messages, adds its second address (sctp_bindx), asks usctp to make
    /// it its primary, deletes its first address, sends 3; usctp sends 3 once asked to
    /// change its primary and 3 once the first address is gone.
    PeerChanges,
}

impl AsconfKind {
    pub const ALL: [AsconfKind; 2] = [AsconfKind::UsctpChanges, AsconfKind::PeerChanges];

    pub fn name(self) -> &'static str {
        match self {
            AsconfKind::UsctpChanges => "asconf_usctp_adds_sets_primary_deletes",
            AsconfKind::PeerChanges => "asconf_peer_adds_sets_primary_deletes",
        }
    }

    /// The peer's options for the case (after its role, ports and timeout); it binds its
    /// first address.
    pub fn peer_args(self, a: &Addrs) -> Vec<String> {
        let (p1, p2) = (a.peer[0].to_string(), a.peer[1].to_string());
        let mut v = vec!["--local", &p1, "--asconf"];
        match self {
            AsconfKind::UsctpChanges => v.push("--echo"),
            AsconfKind::PeerChanges => v.extend([
                "--send",
                "3",
                "--bindx-add",
                &p2,
                "--peer-primary",
                &p2,
                "--bindx-rem",
                &p1,
                "--step",
                "1500",
                "--send-after",
                "3",
            ]),
        }
        v.iter().map(|s| s.to_string()).collect()
    }
}

/// usctp's settings: ASCONF offered (with AUTH), heartbeats every 500 ms.
pub fn asconf_config(a: &mut AssociationConfig) {
    a.extensions = a.extensions.with(Extensions::ASCONF);
    a.hb_interval = Some(Duration::from_millis(500));
}

/// What usctp saw.
#[derive(Debug, Default)]
pub struct UsctpAsconf {
    pub events: Vec<Event>,
    /// idx of the messages received intact.
    pub rx: Vec<u32>,
    pub asconf_on: bool,
    pub end: String,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Default)]
struct Seen {
    events: Mutex<Vec<Event>>,
    rx: Mutex<Vec<u32>>,
}

impl Seen {
    fn has(&self, f: impl Fn(&Event) -> bool) -> bool {
        lock(&self.events).iter().any(f)
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

async fn send(a: &Association, range: std::ops::Range<u32>) -> Result<(), String> {
    for i in range {
        a.send(0, body(i, SIZE))
            .await
            .map_err(|e| format!("usctp send idx {i}: {e}"))?;
    }
    Ok(())
}

/// Ask for `req` and wait for the peer's answer.
async fn request(a: &Association, seen: &Seen, req: AddressRequest) -> Result<(), String> {
    let r = match req {
        AddressRequest::Add(ip) => a.add_local_address(ip).await,
        AddressRequest::Delete(ip) => a.remove_local_address(ip).await,
        AddressRequest::SetPeerPrimary(ip) => a.set_peer_primary(ip).await,
        _ => return Err(format!("{req:?}: not a case here")),
    };
    r.map_err(|e| format!("usctp {req:?}: {e}"))?;
    let answered = |s: &Seen| {
        s.has(|e| match e {
            Event::AddressRequestDone(r) => *r == req,
            Event::AddressRequestFailed { request, .. } => *request == req,
            _ => false,
        })
    };
    until(seen, 10, &format!("answer to {req:?}"), answered).await?;
    match lock(&seen.events)
        .iter()
        .find(|e| matches!(e, Event::AddressRequestFailed { request, .. } if *request == req))
    {
        Some(e) => Err(format!("usctp: {e:?}")),
        None => Ok(()),
    }
}

fn path_event(e: &Event, ip: IpAddr, added: bool) -> bool {
    match e {
        Event::PathAdded { addr, .. } => added && addr.ip == ip,
        Event::PathRemoved { addr, .. } => !added && addr.ip == ip,
        _ => false,
    }
}

/// usctp's side of `kind` on the established association `a`, then a graceful shutdown.
pub async fn run_usctp(
    kind: AsconfKind,
    a: Arc<Association>,
    ad: Addrs,
) -> Result<UsctpAsconf, String> {
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
                        if let Some(i) =
                            idx_of(&m.payload).filter(|&i| m.payload[..] == body(i, SIZE)[..])
                        {
                            lock(&seen.rx).push(i);
                        }
                    }
                    Err(Error::Closed(None)) => return "graceful".to_string(),
                    Err(e) => return format!("{e}"),
                }
            }
        })
    };
    let asconf_on = a
        .stats()
        .await
        .is_some_and(|s| s.extensions.contains(Extensions::ASCONF));
    let s = &*seen;
    let nrx = |n: usize| move |s: &Seen| lock(&s.rx).len() >= n;
    let script =
        async {
            if !asconf_on {
                return Err("usctp: ASCONF not in force".to_string());
            }
            match kind {
                AsconfKind::UsctpChanges => {
                    send(&a, 0..3).await?;
                    until(s, 8, "3 echoes", nrx(3)).await?;
                    request(&a, s, AddressRequest::Add(ad.usctp[1])).await?;
                    request(&a, s, AddressRequest::SetPeerPrimary(ad.usctp[1])).await?;
                    send(&a, 3..6).await?;
                    until(s, 8, "6 echoes", nrx(6)).await?;
                    request(&a, s, AddressRequest::Delete(ad.usctp[0])).await?;
                    send(&a, 6..9).await?;
                    until(s, 8, "9 echoes", nrx(9)).await?;
                }
                AsconfKind::PeerChanges => {
                    let p2 = ad.peer[1];
                    until(s, 10, "PrimaryRequested for the peer's second address", |s| {
                    s.has(|e| matches!(e, Event::PrimaryRequested { addr, .. } if addr.ip == p2))
                })
                .await?;
                    send(&a, 10..13).await?;
                    until(s, 10, "PathRemoved for the peer's first address", |s| {
                        s.has(|e| path_event(e, ad.peer[0], false))
                    })
                    .await?;
                    send(&a, 20..23).await?;
                    until(s, 10, "the peer's 6 messages", nrx(6)).await?;
                }
            }
            Ok(())
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
    Ok(UsctpAsconf {
        events: seen.events.into_inner().unwrap_or_else(|e| e.into_inner()),
        rx: seen.rx.into_inner().unwrap_or_else(|e| e.into_inner()),
        asconf_on,
        end: if end == "graceful" && rx_end != "graceful" {
            format!("receive ended: {rx_end}")
        } else {
            end
        },
    })
}
