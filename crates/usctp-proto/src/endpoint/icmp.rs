//! Routing ICMP errors to the association whose packet caused them (RFC 9260 Appendix C,
//! ICMP5).

use std::time::Instant;

use super::peer_key::PeerKey;
use super::Endpoint;
use crate::association::IcmpReport;

impl Endpoint {
    /// An ICMP error about a packet we sent. The quoted SCTP common header and the
    /// destination find the association (by the peer's address and port); the association
    /// checks the verification tag. Reports for no association (for example about an INIT
    /// whose association is gone, or a stateless reply) are ignored.
    pub fn handle_icmp(&mut self, now: Instant, report: &IcmpReport) {
        let Some((src_port, dst_port, _)) = report.header() else {
            return;
        };
        if src_port != self.port {
            return;
        }
        let Some(&id) = self.by_peer.get(&PeerKey(report.dst.ip, dst_port)) else {
            tracing::debug!(dst = %report.dst, "ICMP for no association ignored");
            return;
        };
        if let Some(a) = self.assocs.get_mut(id) {
            a.handle_icmp(now, report);
        }
        self.touch(id);
    }
}
