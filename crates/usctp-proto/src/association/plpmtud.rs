//! PLPMTUD (RFC 8899) driven by the association: the probe timer of each path, probe
//! packets (HEARTBEAT + PAD, §6.2.1), their acknowledgement, and black-hole suspicion.

use std::time::Instant;

use bytes::Bytes;
use rand::RngCore;
use usctp_wire::chunk::{types as chunk_types, Chunk, Heartbeat, Pad};
use usctp_wire::{CommonHeader, PacketBuilder};

use super::Association;
use crate::auth::{auth_overhead, push_authenticated};
use crate::event::PathState;
use crate::path::{PathId, PmtuPhase};
use crate::timer::TimerKind;
use crate::Transmit;

/// Heartbeat Info of a probe: magic, path id, nonce (the size is kept in the path).
const PROBE_MAGIC: u16 = 0x7570; // "up"
const PROBE_INFO_LEN: usize = 12;

impl Association {
    /// Start the search on every path (at setup, RFC 8899 §5.2).
    pub(super) fn start_plpmtud(&mut self, now: Instant) {
        if self.cfg.plpmtud.is_none() {
            return;
        }
        for id in self.paths.ids() {
            self.timers.set(TimerKind::Plpmtud(id), now);
        }
    }

    /// PROBE_TIMER or PMTU_RAISE_TIMER of `path`: count the lost probe, then send the next
    /// one, or wait for the raise timer when the search is complete.
    pub(super) fn on_plpmtud_timer(&mut self, now: Instant, path: PathId) {
        let Some(cfg) = self.cfg.plpmtud else {
            return;
        };
        if !self.state.sends_data() {
            return;
        }
        let nonce = self.rng().next_u64();
        let Some(p) = self.paths.get_mut(path) else {
            return;
        };
        // Searching needs a working path: there a lost probe says the size is too big. The
        // check after a T3-rtx also runs on a potentially failed path, which the same lost
        // packets made one (RFC 7829): else a black hole would never be found (RFC 8899 §4.3).
        let validating = p
            .plpmtud
            .as_ref()
            .is_some_and(|s| s.phase == PmtuPhase::Validate);
        let active =
            p.state == PathState::Active || (validating && p.state == PathState::PotentiallyFailed);
        let Some(s) = p.plpmtud.as_mut() else {
            return;
        };
        if let Some(base) = s.on_probe_lost(cfg.max_probes) {
            // RFC 8899 §4.3: a black hole; back to the base without waiting for ICMP.
            tracing::debug!(
                assoc = self.id.0,
                path = path.0,
                "PLPMTUD black hole: base PMTU"
            );
            p.mtu = base;
            self.tx.set_path_mtu(path, base);
        }
        let Some(p) = self.paths.get_mut(path) else {
            return;
        };
        let Some(s) = p.plpmtud.as_mut() else {
            return;
        };
        if !active {
            self.timers
                .set(TimerKind::Plpmtud(path), now + cfg.probe_timer);
            return;
        }
        if s.phase == PmtuPhase::Complete {
            s.raise();
        }
        let at = match s.next_size() {
            Some(size) => {
                s.sent(size, nonce);
                now + cfg.probe_timer
            }
            None => {
                s.complete();
                now + cfg.raise_interval
            }
        };
        self.timers.set(TimerKind::Plpmtud(path), at);
    }

    /// A HEARTBEAT ACK that answers a size probe: the path carries that size (RFC 8899
    /// §4.2). Returns false if the info is not a probe's. Probes never touch the error
    /// counters: a lost probe says the size is too big, not that the path is down.
    pub(super) fn on_plpmtud_ack(&mut self, now: Instant, info: &[u8]) -> bool {
        let Ok(info) = <&[u8; PROBE_INFO_LEN]>::try_from(info) else {
            return false;
        };
        let [m0, m1, i0, i1, n @ ..] = *info;
        if u16::from_be_bytes([m0, m1]) != PROBE_MAGIC {
            return false;
        }
        let path = PathId(u16::from_be_bytes([i0, i1]));
        let nonce = u64::from_be_bytes(n);
        let Some(p) = self.paths.get_mut(path) else {
            return true;
        };
        let Some(s) = p.plpmtud.as_mut() else {
            return true;
        };
        if s.on_ack(nonce).is_some() {
            let mtu = s.low;
            if mtu != p.mtu {
                tracing::debug!(assoc = self.id.0, path = path.0, mtu, "PLPMTU confirmed");
                p.mtu = mtu;
                self.tx.set_path_mtu(path, mtu);
            }
            self.timers.set(TimerKind::Plpmtud(path), now);
        }
        true
    }

    /// Data on `path` timed out (T3-rtx): maybe packets of the PLPMTU no longer get
    /// through; validate that size with a probe at once (RFC 8899 §4.3).
    pub(super) fn plpmtud_suspect(&mut self, now: Instant, path: PathId) {
        let suspect = self
            .paths
            .get_mut(path)
            .and_then(|p| p.plpmtud.as_mut())
            .is_some_and(|s| s.suspect());
        if suspect {
            self.timers.set(TimerKind::Plpmtud(path), now);
        }
    }

    /// A verified Packet Too Big for `path` with `mtu`, checked against the search
    /// (RFC 8899 §4.6.2). Returns the lowered PLPMTU, if it changed.
    pub(super) fn plpmtud_ptb(&mut self, now: Instant, path: PathId, mtu: usize) -> Option<usize> {
        let p = self.paths.get_mut(path)?;
        let s = p.plpmtud.as_mut()?;
        let before = s.outstanding;
        let lowered = s.on_ptb(mtu);
        if lowered.is_some() || s.outstanding != before {
            self.timers.set(TimerKind::Plpmtud(path), now);
        }
        let new = lowered.filter(|&m| m < p.mtu)?;
        p.mtu = new;
        self.tx.set_path_mtu(path, new);
        Some(new)
    }

    /// A probe due on some path: one HEARTBEAT padded with PAD to exactly the probed size
    /// (RFC 8899 §6.2.1.2), alone in its packet.
    pub(super) fn poll_plpmtud_probe(&mut self, buf: &mut Vec<u8>) -> Option<Transmit> {
        let (path, size) = self.paths.ids().find_map(|id| {
            let s = self.paths.get(id)?.plpmtud.as_ref()?;
            s.outstanding.filter(|_| s.due).map(|p| (id, p.size))
        })?;
        let p = self.paths.get_mut(path)?;
        let s = p.plpmtud.as_mut()?;
        s.due = false;
        let nonce = s.outstanding?.nonce;
        let (remote, local) = (p.remote, p.local);
        let max = size.saturating_sub(remote.header_overhead());
        let mut info = Vec::with_capacity(PROBE_INFO_LEN);
        info.extend_from_slice(&PROBE_MAGIC.to_be_bytes());
        info.extend_from_slice(&path.0.to_be_bytes());
        info.extend_from_slice(&nonce.to_be_bytes());
        let header = CommonHeader {
            src_port: self.local_port,
            dst_port: self.peer_port,
            vtag: self.peer_tag,
        };
        let start = buf.len();
        let mut b = PacketBuilder::with_reserve(buf, header, max, max);
        let mut auth_at = None;
        let hb = Chunk::Heartbeat(Heartbeat {
            info: Bytes::from(info),
        });
        let pushed = push_authenticated(&mut b, self.auth.as_deref(), &mut auth_at, &hb);
        // The PAD chunk's header, and an AUTH chunk if the peer wants PAD authenticated.
        let overhead = 4 + auth_overhead(self.auth.as_deref(), auth_at, chunk_types::PAD);
        let pad = b.remaining().saturating_sub(overhead);
        if !pushed || b.remaining() < overhead {
            buf.truncate(start);
            return None;
        }
        let pad = Chunk::Pad(Pad {
            padding: Bytes::from(vec![0u8; pad]),
        });
        if !push_authenticated(&mut b, self.auth.as_deref(), &mut auth_at, &pad) {
            buf.truncate(start);
            return None;
        }
        if let (Some(at), Some(auth)) = (auth_at, self.auth.as_deref_mut()) {
            if let Some(from_auth) = b.written_mut().get_mut(at..) {
                auth.sign(from_auth);
            }
        }
        let len = b.finish(!self.sends_zero_checksum());
        if let Some(p) = self.paths.get_mut(path) {
            p.counters.packets_sent += 1;
            p.counters.bytes_sent += len as u64;
        }
        // A probe must never be fragmented: it asks whether its size gets through whole.
        Some(Transmit {
            dst: remote,
            src: local,
            len,
            may_fragment: false,
        })
    }
}
