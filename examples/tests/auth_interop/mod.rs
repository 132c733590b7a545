//! Shared by the AUTH (RFC 4895) interop cases against the C test peers
//! (`interop_usrsctp_auth.rs`: usrsctp_peer in a namespace of the test's own;
//! `interop_kernel/auth.rs`: kernel_peer in the QEMU guest). usctp connects to a peer server;
//! DATA is the chunk type authenticated. This module has the cases, usctp's side with the
//! tokio API, the tshark decoding of the AUTH fields (capture.rs) and the verdicts
//! (verdict.rs).
// Each suite uses a part of this module.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use tokio::time::timeout;
use usctp::{Association, AssociationConfig, AuthStats, Error, Extensions};

use crate::pr_interop::{body, idx_of};

mod capture;
mod verdict;

pub use capture::*;
pub use verdict::*;

/// Messages each sending side sends, and their size.
pub const COUNT: u32 = 5;
pub const SIZE: usize = 1000;

/// The cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthKind {
    /// The peer requires DATA authenticated (`--auth-chunks 0`); usctp sends.
    UsctpSends,
    /// usctp requires DATA authenticated (`auth_chunks = [0]`); the peer sends.
    PeerSends,
    /// Both require DATA authenticated; usctp sends, the peer echoes. The peer offers the
    /// HMACs of `--hmac` (sha1: SHA-1 only; sha256: SHA-256, SHA-1).
    Echo { peer_hmac: &'static str },
}

impl AuthKind {
    pub fn name(self) -> String {
        match self {
            AuthKind::UsctpSends => "auth_usctp_sends_data".into(),
            AuthKind::PeerSends => "auth_peer_sends_data".into(),
            AuthKind::Echo { peer_hmac } => format!("auth_echo_both_ways_peer_{peer_hmac}"),
        }
    }

    /// The peer's options for the case (after its role, ports and timeout).
    pub fn peer_args(self) -> Vec<String> {
        let n = COUNT.to_string();
        let a: Vec<&str> = match self {
            AuthKind::UsctpSends => vec!["--auth-chunks", "0"],
            AuthKind::PeerSends => vec!["--hmac", "sha1", "--send", &n],
            AuthKind::Echo { peer_hmac } => {
                vec!["--auth-chunks", "0", "--hmac", peer_hmac, "--echo"]
            }
        };
        a.iter().map(|s| s.to_string()).collect()
    }

    /// Whether usctp requires DATA authenticated.
    pub fn usctp_requires(self) -> bool {
        !matches!(self, AuthKind::UsctpSends)
    }

    /// Whether the peer requires DATA authenticated.
    pub fn peer_requires(self) -> bool {
        !matches!(self, AuthKind::PeerSends)
    }

    pub fn usctp_sends(self) -> bool {
        !matches!(self, AuthKind::PeerSends)
    }

    pub fn peer_sends(self) -> bool {
        !matches!(self, AuthKind::UsctpSends)
    }
}

/// usctp's association settings for `kind`: AUTH offered (SHA-256, SHA-1), DATA required
/// authenticated where the case says.
pub fn auth_config(a: &mut AssociationConfig, kind: AuthKind) {
    a.extensions = a.extensions.with(Extensions::AUTH);
    a.auth_chunks = if kind.usctp_requires() {
        vec![0]
    } else {
        Vec::new()
    };
}

/// What usctp saw.
#[derive(Debug, Default)]
pub struct UsctpAuth {
    /// idx of the messages received intact, in order.
    pub rx: Vec<u32>,
    /// Messages received that were not as sent.
    pub bad: usize,
    /// AUTH in force (the association's extensions).
    pub auth_on: bool,
    /// What failed authentication discarded.
    pub auth: AuthStats,
    /// The shutdown's outcome: "graceful" or the error.
    pub end: String,
}

/// usctp's side of `kind` on the established association `a`, then a graceful shutdown.
pub async fn run_usctp(kind: AuthKind, a: Arc<Association>) -> Result<UsctpAuth, String> {
    let mut r = UsctpAuth::default();
    if kind.usctp_sends() {
        for i in 0..COUNT {
            a.send(0, body(i, SIZE))
                .await
                .map_err(|e| format!("usctp send idx {i}: {e}"))?;
        }
    }
    if kind.peer_sends() {
        while r.rx.len() + r.bad < COUNT as usize {
            let m = timeout(Duration::from_secs(8), a.recv())
                .await
                .map_err(|_| format!("usctp: {} of {COUNT} messages in 8 s", r.rx.len()))?
                .map_err(|e| format!("usctp recv: {e}"))?;
            match idx_of(&m.payload) {
                Some(i) if m.payload[..] == body(i, SIZE)[..] => r.rx.push(i),
                _ => r.bad += 1,
            }
        }
    }
    let stats = a.stats().await.ok_or("usctp: no stats")?;
    r.auth_on = stats.extensions.contains(Extensions::AUTH);
    r.end = match timeout(Duration::from_secs(10), a.shutdown()).await {
        Err(_) => "shutdown did not complete within 10 s".into(),
        Ok(Err(e)) => format!("shutdown: {e}"),
        Ok(Ok(())) => "graceful".into(),
    };
    // After the shutdown: what the last SACKs and the SHUTDOWN exchange counted too.
    r.auth = match a.stats().await {
        Some(s) => s.auth,
        None => stats.auth,
    };
    if let Err(e) = a.recv().await {
        if !matches!(e, Error::Closed(None)) && r.end == "graceful" {
            r.end = format!("receive ended: {e}");
        }
    }
    Ok(r)
}
