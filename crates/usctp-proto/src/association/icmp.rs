//! ICMP reports about packets this association sent (RFC 9260 Appendix C, §7.3; RFC 6951
//! §5.5): a smaller path MTU, or a hint that a path is down.

use std::time::Instant;

use bytes::Bytes;
use usctp_wire::VerificationTag;

use super::{Association, State};
use crate::{CloseReason, TransportAddr};

/// What an ICMP or ICMPv6 error said about a packet we sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IcmpKind {
    /// IPv4 "fragmentation needed" or ICMPv6 "packet too big", with the next-hop MTU (the
    /// largest IP packet the path carries).
    PacketTooBig {
        /// The reported MTU, bytes.
        mtu: usize,
    },
    /// Destination unreachable: network, host, address, no route, administratively
    /// prohibited.
    Unreachable,
    /// Protocol unreachable or ICMPv6 "unrecognized next header"; with UDP encapsulation also
    /// port unreachable (RFC 6951 §5.5 maps one onto the other).
    ProtocolUnreachable,
}

/// One ICMP error, as a transport reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcmpReport {
    /// Where the packet that caused it went: the peer's transport address (with its UDP port
    /// when encapsulated).
    pub dst: TransportAddr,
    /// What happened.
    pub kind: IcmpKind,
    /// The start of that SCTP packet as the ICMP message quoted it (common header first). At
    /// least the 12-byte common header is needed to find and verify the association.
    pub quoted: Bytes,
}

impl IcmpReport {
    /// The quoted common header: (source port, destination port, verification tag).
    pub(crate) fn header(&self) -> Option<(u16, u16, VerificationTag)> {
        let q = self.quoted.get(..12)?;
        let src = u16::from_be_bytes([q[0], q[1]]);
        let dst = u16::from_be_bytes([q[2], q[3]]);
        let tag = u32::from_be_bytes([q[4], q[5], q[6], q[7]]);
        Some((src, dst, VerificationTag(tag)))
    }

    /// The Initiate Tag of a quoted INIT chunk, if the quote holds one.
    fn init_tag(&self) -> Option<VerificationTag> {
        let c = self.quoted.get(12..20)?;
        (c[0] == 1).then(|| VerificationTag(u32::from_be_bytes([c[4], c[5], c[6], c[7]])))
    }
}

impl Association {
    /// Act on an ICMP error the endpoint routed here. It counts only if it quotes one of our
    /// packets (RFC 9260 Appendix C, ICMP6): the peer's verification tag, or tag 0 with our
    /// INIT. Packet too big lowers the path MTU so new data is fragmented to fit (§7.3;
    /// chunks already sent keep their size).
    ///
    /// Protocol unreachable (port unreachable with UDP encapsulation, RFC 6951 §5.5) about
    /// our INIT in COOKIE-WAIT ends the attempt like an ABORT would (ICMP8), with
    /// [`CloseReason::ProtocolUnreachable`]: the host at that address runs no SCTP, and an
    /// ABORT from any one of the peer's addresses ends the handshake as well, so the other
    /// addresses (an INIT goes to one at a time) are not tried. The quoted Initiate Tag must
    /// be ours, so an off-path forger cannot end a connect this way.
    ///
    /// Every other unreachable, and protocol unreachable in any later state, is only a path
    /// failure hint (ICMP9): the path stops carrying new data until a HEARTBEAT ACK shows it
    /// works. ICMP8 allows an abort there too; like Linux (which acts on it only in
    /// COOKIE-WAIT) this deliberately does not, because one report about one path of an
    /// established association must not end it while other paths may work.
    pub fn handle_icmp(&mut self, now: Instant, report: &IcmpReport) {
        let Some((_, _, tag)) = report.header() else {
            return;
        };
        let ours = if tag.0 == 0 {
            report.init_tag() == Some(self.local_tag)
        } else {
            tag == self.peer_tag
        };
        let Some(path) = self
            .paths
            .find(report.dst)
            .or_else(|| self.paths.find_ip(report.dst.ip))
        else {
            return;
        };
        if !ours || self.is_closed() {
            tracing::debug!(assoc = self.id.0, ?report.kind, "ICMP not matching our tags ignored");
            return;
        }
        match report.kind {
            IcmpKind::PacketTooBig { mtu } => {
                if let Some(p) = self.paths.get_mut(path) {
                    p.counters.icmp_too_big += 1;
                }
                let probed = self.plpmtud_ptb(now, path, mtu);
                if let Some(new) = probed.or_else(|| self.paths.lower_mtu(path, mtu)) {
                    tracing::debug!(assoc = self.id.0, path = path.0, new, "path MTU lowered");
                    self.tx.set_path_mtu(path, new);
                }
            }
            IcmpKind::Unreachable | IcmpKind::ProtocolUnreachable => {
                if let Some(p) = self.paths.get_mut(path) {
                    p.counters.icmp_unreachable += 1;
                }
                if report.kind == IcmpKind::ProtocolUnreachable && self.state == State::CookieWait {
                    tracing::debug!(assoc = self.id.0, dst = %report.dst, "no SCTP at the peer");
                    self.pending.clear();
                    return self.close(Some(CloseReason::ProtocolUnreachable(report.dst)));
                }
                if self.paths.on_unreachable(path, now, &mut self.events) {
                    self.probe_now(path, now);
                }
            }
        }
        self.after_input(now);
    }
}
