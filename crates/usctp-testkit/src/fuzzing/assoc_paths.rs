//! Multihoming for the `association` target: the addresses of both sides, links the input
//! cuts and restores, path states brought about at the start, and the path actions (peer
//! source switch, heartbeat answers, ICMP reports, primary choice, a full SACK).

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bytes::Bytes;
use usctp_wire::chunk::{Chunk, Data, HeartbeatAck, IData, Sack};
use usctp_wire::{CommonHeader, Packet, Tsn, VerificationTag};

use super::association::{Harness, PEER_PORT, SUT_PORT};
use super::input::Input;
use usctp_proto::PathId;
use usctp_proto::{IcmpKind, IcmpReport, PathState, TransportAddr};

const fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

/// Peer address `k` and SUT address `k` share a network (`k` = 0, 1, 2).
const PEER_IPS: [IpAddr; 3] = [v4(192, 0, 2, 1), v4(198, 51, 100, 1), v4(203, 0, 113, 1)];
const SUT_IPS: [IpAddr; 3] = [v4(192, 0, 2, 2), v4(198, 51, 100, 2), v4(203, 0, 113, 2)];

/// Both sides' addresses and the network between them.
pub(super) struct Homing {
    pub(super) sut: Vec<IpAddr>,
    pub(super) peer: Vec<IpAddr>,
    /// Links to peer address `k` that are cut: nothing passes either way.
    cut: Vec<bool>,
    /// The peer address its packets come from now.
    src: usize,
    /// The last HEARTBEAT info the SUT sent to each peer address (that arrived).
    heartbeats: Vec<Option<Bytes>>,
    /// Highest TSN of DATA the SUT sent that arrived (for a full SACK).
    highest_tsn: Option<Tsn>,
}

impl Homing {
    /// `mode` 0: one address each (the format before multihoming). Otherwise bit 0 gives the
    /// SUT a third address and bit 1 the peer.
    pub(super) fn new(mode: u8) -> Self {
        let (sut, peer) = match mode {
            0 => (1, 1),
            m => (2 + usize::from(m & 1), 2 + usize::from((m >> 1) & 1)),
        };
        Self {
            sut: SUT_IPS[..sut].to_vec(),
            peer: PEER_IPS[..peer].to_vec(),
            cut: vec![false; peer],
            src: 0,
            heartbeats: vec![None; peer],
            highest_tsn: None,
        }
    }

    pub(super) fn multihomed(&self) -> bool {
        self.peer.len() > 1
    }

    /// What the peer lists in its INIT / INIT ACK: nothing when single-homed (RFC 9260
    /// §5.1.2), else all its addresses.
    pub(super) fn listed_peer_addrs(&self) -> Vec<IpAddr> {
        if self.multihomed() {
            self.peer.clone()
        } else {
            Vec::new()
        }
    }

    /// (source, destination) of the peer's next packet; `None` if its link is cut.
    pub(super) fn route(&self) -> Option<(IpAddr, IpAddr)> {
        let k = self.src;
        (!self.cut[k]).then(|| (self.peer[k], self.sut[k % self.sut.len()]))
    }

    fn index(&self, ip: IpAddr) -> Option<usize> {
        self.peer.iter().position(|p| *p == ip)
    }

    /// Whether a packet the SUT sent to `dst` arrives; remembers its heartbeats and TSNs.
    pub(super) fn receives(&mut self, dst: IpAddr, p: &Packet) -> bool {
        let Some(k) = self.index(dst) else {
            return true; // not a peer address (an OOTB reply): nobody there to cut
        };
        if self.cut[k] {
            return false;
        }
        for c in &p.chunks {
            match c {
                Chunk::Heartbeat(hb) => self.heartbeats[k] = Some(hb.info.clone()),
                Chunk::Data(Data { tsn, .. }) | Chunk::IData(IData { tsn, .. }) => {
                    let newer = self
                        .highest_tsn
                        .is_none_or(|t| tsn.0.wrapping_sub(t.0) as i32 > 0);
                    if newer {
                        self.highest_tsn = Some(*tsn);
                    }
                }
                _ => {}
            }
        }
        true
    }
}

impl Harness {
    /// Bring each peer address's path to the state two bits of `spec` choose: 0 left as it
    /// is (unconfirmed unless it is the first), 1 active (its heartbeat answered), 2 potentially
    /// failed (then an ICMP unreachable), 3 inactive (then unreachable reports an RTO apart
    /// until its error count passes Path.Max.Retrans). Single-homed: nothing to do.
    pub(super) fn settle_paths(&mut self, spec: u8) -> &mut Self {
        if !self.net.multihomed() {
            return self;
        }
        // Unconfirmed addresses are probed at once (RFC 9260 §5.4).
        self.advance(Duration::from_millis(1));
        let targets: Vec<(usize, u8)> = (0..self.net.peer.len())
            .map(|k| (k, (spec >> (2 * k)) & 3))
            .collect();
        for &(k, t) in &targets {
            if t != 0 {
                self.answer_heartbeat(k, false);
            }
        }
        // Inactive first: the waits between its reports let probes of the others time out,
        // so those are answered again before the potentially failed ones get their report.
        for &(k, _) in targets.iter().filter(|(_, t)| *t == 3) {
            for _ in 0..=self.cfg.path_max_retrans {
                self.icmp(k, IcmpKind::Unreachable, 0);
                let rto = self
                    .path_of(k)
                    .map_or(Duration::from_secs(1), |(_, rto)| rto);
                self.advance(rto + Duration::from_millis(1));
            }
        }
        for &(k, _) in targets.iter().filter(|(_, t)| matches!(t, 1 | 2)) {
            self.answer_heartbeat(k, false);
        }
        for &(k, _) in targets.iter().filter(|(_, t)| *t == 2) {
            self.icmp(k, IcmpKind::Unreachable, 0);
        }
        self
    }

    /// The path to peer address `k` and its RTO.
    fn path_of(&self, k: usize) -> Option<(PathId, Duration)> {
        let a = self.ep.association(self.id?)?;
        let id = a.find_path(self.net.peer[k])?;
        Some((id, a.stats().path(id)?.rto))
    }

    /// Opcode 7 with the top bit set: `kind` (0..16) picks the action, operands follow.
    pub(super) fn path_action(&mut self, kind: u8, input: &mut Input<'_>) {
        let k = usize::from(input.u8()) % self.net.peer.len();
        match kind {
            0..=2 => self.net.cut[k] = true,
            3..=5 => self.net.cut[k] = false,
            6 | 7 => self.net.src = k,
            8 | 9 => {
                let mangle = input.bool();
                self.answer_heartbeat(k, mangle);
            }
            10..=12 => {
                let kind = match input.u8() % 3 {
                    0 => IcmpKind::PacketTooBig {
                        mtu: usize::from(input.u16()),
                    },
                    1 => IcmpKind::Unreachable,
                    _ => IcmpKind::ProtocolUnreachable,
                };
                let quote = input.u8();
                self.icmp(k, kind, quote);
            }
            13 => {
                let id = PathId(u16::from(input.u8() % 4));
                let _ = self.user(|a| a.set_primary(id));
            }
            _ => self.full_sack(),
        }
    }

    /// The peer answers the last HEARTBEAT the SUT sent to its address `k`, from that
    /// address (RFC 9260 §8.3); `mangle` flips a bit of the echoed info.
    fn answer_heartbeat(&mut self, k: usize, mangle: bool) {
        let Some(info) = self.net.heartbeats[k].clone() else {
            return;
        };
        let info = if mangle {
            let mut v = info.to_vec();
            if let Some(b) = v.last_mut() {
                *b ^= 1;
            }
            Bytes::from(v)
        } else {
            info
        };
        let src = std::mem::replace(&mut self.net.src, k);
        self.send(
            self.sut_tag,
            vec![Chunk::HeartbeatAck(HeartbeatAck { info })],
        );
        self.net.src = src;
    }

    /// An ICMP error about a packet the SUT sent to peer address `k`. `quote` % 4: the right
    /// tag, a wrong one, tag 0 quoting an INIT with the SUT's tag, a quote too short.
    fn icmp(&mut self, k: usize, kind: IcmpKind, quote: u8) {
        let peer_tag = self
            .id
            .and_then(|id| self.ep.association(id))
            .map_or(0, |a| a.peer_tag().0);
        let (vtag, init_tag) = match quote % 4 {
            0 | 3 => (peer_tag, None),
            1 => (peer_tag ^ 0x8000_0001, None),
            _ => (0, Some(self.sut_tag)),
        };
        let mut quoted = Vec::new();
        CommonHeader {
            src_port: SUT_PORT,
            dst_port: PEER_PORT,
            vtag: VerificationTag(vtag),
        }
        .write(&mut quoted);
        if let Some(tag) = init_tag {
            quoted.extend_from_slice(&[1, 0, 0, 20]);
            quoted.extend_from_slice(&tag.to_be_bytes());
        }
        if quote % 4 == 3 {
            quoted.truncate(8);
        }
        let report = IcmpReport {
            dst: TransportAddr::raw(self.net.peer[k]),
            kind,
            quoted: Bytes::from(quoted),
        };
        self.ep.handle_icmp(self.now, &report);
        self.pump();
    }

    /// A valid SACK of everything the SUT sent that arrived, from the current source.
    fn full_sack(&mut self) {
        let Some(tsn) = self.net.highest_tsn else {
            return;
        };
        let sack = Sack {
            cum_tsn_ack: tsn,
            a_rwnd: 65_536,
            gap_blocks: vec![],
            dup_tsns: vec![],
        };
        self.send(self.sut_tag, vec![Chunk::Sack(sack)]);
    }

    /// A packet to an unconfirmed address carries no DATA and no SACK: RFC 9260 §5.4 allows
    /// only HEARTBEAT there (and COOKIE ECHO / COOKIE ACK bundled with one); replies to a
    /// packet from it (HEARTBEAT ACK, ABORT, ERROR) are tolerated.
    pub(super) fn check_unconfirmed(&self, dst: IpAddr, p: &Packet) {
        let Some(a) = self.id.and_then(|id| self.ep.association(id)) else {
            return;
        };
        if p.header.vtag != a.peer_tag() {
            return;
        }
        let st = a.stats();
        let unconfirmed = a
            .find_path(dst)
            .and_then(|id| st.path(id))
            .is_some_and(|p| p.state == PathState::Unconfirmed);
        if !unconfirmed {
            return;
        }
        for c in &p.chunks {
            assert!(
                !matches!(c, Chunk::Data(_) | Chunk::IData(_) | Chunk::Sack(_)),
                "DATA or SACK sent to unconfirmed {dst}: {c:?}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The states a multihomed start reaches, per peer address.
    fn start_states(which: u8, spec: u8) -> Vec<PathState> {
        let data = [which, spec];
        let h = Harness::start(&mut Input::new(&data));
        let a =
            h.id.and_then(|id| h.ep.association(id))
                .expect("association");
        h.net
            .peer
            .iter()
            .map(|ip| {
                let id = a.find_path(*ip).expect("path per peer address");
                a.stats().path(id).expect("path").state
            })
            .collect()
    }

    #[test]
    fn multihomed_start_reaches_every_path_state() {
        use PathState::*;
        // Server side (start 4), 3 addresses each (mode 3): spec 0b11_10_01 then 0b00_10_11.
        assert_eq!(
            start_states(4 + 6 * 3, 0b11_10_01),
            [Active, PotentiallyFailed, Inactive]
        );
        assert_eq!(
            start_states(4 + 6 * 3, 0b00_10_11),
            [Inactive, PotentiallyFailed, Unconfirmed]
        );
        // Client side (start 3), 2 addresses each (mode 4).
        assert_eq!(
            start_states(3 + 6 * 4, 0b10_01),
            [Active, PotentiallyFailed]
        );
    }
}
